import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { countedDaysText } from "../../app/domain/baseline";
import {
  baselineMoments,
  groupByMonth,
  historyEntryOf,
  historyPage,
  type HistoryEntry,
} from "../../app/domain/plant-history";

const entry = (key: string, at: string): HistoryEntry => ({
  key,
  at,
  kind: "gate",
  label: "Gate passed",
  summary: key,
  who: "Dana Reyes (program lead)",
});

describe("a plant's history", () => {
  it("merges the moments derived from evidence into the trail's entries by time, and pages the result", () => {
    const events = [
      entry("e3", "2026-11-20T10:00:00.000Z"),
      entry("e2", "2026-10-02T10:00:00.000Z"),
      entry("e1", "2026-09-01T10:00:00.000Z"),
    ];
    const derived = [entry("m1", "2026-10-15T04:59:59.999Z"), entry("m2", "2026-12-01T04:59:59.999Z")];
    assert.deepEqual(
      historyPage(events, derived, 0, 10).map((e) => e.key),
      ["m2", "e3", "m1", "e2", "e1"]
    );
    assert.deepEqual(
      historyPage(events, derived, 2, 2).map((e) => e.key),
      ["m1", "e2"]
    );
    assert.deepEqual(historyPage(events, derived, 5, 2), []);
  });

  it("groups entries by the plant-local month", () => {
    // 03:00 UTC on 1 December is still 30 November in Chicago.
    const months = groupByMonth(
      [
        entry("a", "2026-12-01T07:00:00.000Z"),
        entry("b", "2026-12-01T03:00:00.000Z"),
        entry("c", "2026-11-02T12:00:00.000Z"),
      ],
      "America/Chicago"
    );
    assert.deepEqual(
      months.map((m) => [m.title, m.entries.map((e) => e.key)]),
      [
        ["December 2026", ["a"]],
        ["November 2026", ["b", "c"]],
      ]
    );
  });

  it("derives when a baseline matured or stalled, at the end of that plant-local day, quoting the thresholds", () => {
    const moments = baselineMoments(
      [
        { id: 1, name: "DMZ ↔ Corporate", matureOn: "2026-10-14", stalledOn: null },
        { id: 2, name: "Supervisory ↔ DMZ", matureOn: null, stalledOn: "2026-11-03" },
        { id: 3, name: "Engineering ↔ Line 1", matureOn: null, stalledOn: null },
      ],
      "America/Phoenix",
      { matureDays: 45, stallDays: 90 }
    );
    assert.deepEqual(
      moments.map((m) => [m.label, m.at, m.who]),
      [
        ["Baseline mature", "2026-10-15T06:59:59.999Z", null],
        ["Baseline stalled", "2026-11-04T06:59:59.999Z", null],
      ]
    );
    assert.match(moments[0]!.summary, /45 counted days/);
    assert.match(moments[1]!.summary, /90 counted days without maturing/);
  });

  it("reads a baseline acceptance and a revision as such", () => {
    const base = {
      seq: 7,
      at: "2026-11-01T10:00:00.000Z",
      actorLabel: "Priya Raman (corporate security)",
      objectId: "22",
      plantId: 3,
      plantCode: "GRR",
      beforeJson: null,
      afterJson: null,
    };
    const accepted = historyEntryOf({
      ...base,
      action: "signoff.sign",
      objectType: "baseline_acceptance",
      summary:
        "Priya Raman signed the stalled baseline of “Supervisory ↔ DMZ” from 2026-08-04 (revision 1) for monitoring & incident response",
    });
    assert.deepEqual([accepted.label, accepted.kind, accepted.who], ["Baseline accepted", "baseline", base.actorLabel]);
    const edited = historyEntryOf({ ...base, action: "conduit.edit", objectType: "conduit", summary: "x" });
    assert.deepEqual([edited.label, edited.kind], ["New revision: signoffs went stale", "stale"]);
    const written = historyEntryOf({
      ...base,
      action: "ownership_split.edit",
      objectType: "ownership_split",
      summary: "Dana Reyes wrote the ownership split of GRR (revision 1); earlier signoffs are now stale",
    });
    assert.equal(written.label, "Split written");
  });
});

describe("a baseline's counted days in words", () => {
  const thresholds = { matureDays: 45, stallDays: 90 };
  it("quotes the configured thresholds, and never reads a stalled baseline as a fraction", () => {
    assert.equal(countedDaysText({ status: "collecting", countedDays: 12 }, thresholds), "12 of 45 counted days");
    assert.equal(
      countedDaysText({ status: "stalled", countedDays: 121 }, thresholds),
      "stalled: 121 counted days observed, not mature (stalls at 90)"
    );
    assert.equal(countedDaysText({ status: "mature", countedDays: 50 }, thresholds), "50 counted days (45 needed)");
    assert.match(
      countedDaysText({ status: "accepted", countedDays: 95 }, thresholds),
      /never mature; accepted by both owners/
    );
    for (const status of ["collecting", "mature", "stalled", "accepted", "none"] as const) {
      assert.doesNotMatch(countedDaysText({ status, countedDays: 121 }, thresholds), /\b(30|60)\b|\d+\/\d+/);
    }
  });
});
