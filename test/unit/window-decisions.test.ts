import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  changeCancelRefusal,
  changeCompletionRefusals,
  changeInputRefusals,
  doneAtRefusal,
} from "../../app/domain/network-changes";
import {
  newWindowRefusals,
  readNotes,
  readTitle,
  windowEditConflicts,
  windowEditRefusals,
  type WindowFacts,
  type WindowState,
} from "../../app/domain/outage-windows";

// The decisions the windows and network-changes models (and the pages' controls) share: whether a window may be
// created or edited into another state, and whether a change may be entered, marked done or cancelled.

// Plant 1 is in Chicago. The window runs 22:00 CST Sat 7 Mar → 04:00 CDT Sun 8 Mar 2026: 300 real minutes.
const CURRENT: WindowState = {
  title: "Spring maintenance",
  notes: null,
  kind: "scheduled_outage",
  status: "confirmed",
  startsAt: "2026-03-08T04:00:00.000Z",
  endsAt: "2026-03-08T09:00:00.000Z",
};
const NOW = "2026-03-01T00:00:00.000Z";
const BLACKOUT: WindowFacts = {
  id: 20,
  plantId: 1,
  title: "Peak production",
  kind: "blackout",
  status: "confirmed",
  startsAt: "2026-03-08T08:00:00.000Z",
  endsAt: "2026-03-20T08:00:00.000Z",
  timeZone: "America/Chicago",
};

function edit(next: Partial<WindowState>, current: Partial<WindowState> = {}, now = NOW) {
  return windowEditRefusals({ current: { ...CURRENT, ...current }, next: { ...CURRENT, ...current, ...next }, now });
}

describe("readTitle and readNotes", () => {
  it("trim what was typed and refuse a title too short or too long, naming the field", () => {
    assert.deepEqual(readTitle("  Night cutover "), { ok: true, value: "Night cutover" });
    const short = readTitle("ab", "name");
    assert.equal(short.ok, false);
    assert.equal(!short.ok && short.refusal.field, "name");
    assert.equal(readTitle("x".repeat(201)).ok, false);
    assert.deepEqual(readNotes("   "), { ok: true, value: null }, "blank notes are none");
    assert.equal(readNotes("x".repeat(4001)).ok, false);
  });
});

describe("newWindowRefusals", () => {
  it("accepts a planned window that lies ahead", () => {
    assert.deepEqual(newWindowRefusals({ ...CURRENT, status: "planned" }, NOW), []);
  });

  it("gives every reason at once: the status a new window may not have, and an end already past", () => {
    const refusals = newWindowRefusals({ ...CURRENT, status: "completed" }, "2026-04-01T00:00:00.000Z");
    assert.deepEqual(
      refusals.map((r) => r.field),
      ["status", "endsAt"]
    );
  });
});

describe("windowEditRefusals", () => {
  it("lets a confirmed window move its times or be completed once begun", () => {
    assert.equal(edit({ endsAt: "2026-03-08T10:00:00.000Z" }), null);
    assert.equal(edit({ status: "completed" }, {}, "2026-03-08T05:00:00.000Z"), null);
  });

  it("refuses to edit history (409)", () => {
    const refused = edit({ title: "Renamed" }, { status: "cancelled" });
    assert.equal(refused?.status, 409);
    assert.match(refused.reasons[0]!.message, /history/);
  });

  it("refuses an edit that changes nothing, and one that is malformed (400)", () => {
    assert.equal(edit({})?.status, 400);
    assert.match(edit({})!.reasons[0]!.message, /Nothing changed/);
    const backwards = edit({ endsAt: "2026-03-08T03:00:00.000Z" });
    assert.equal(backwards?.status, 400);
    assert.equal(backwards?.reasons[0]?.field, "endsAt");
  });

  it("follows the window's status moves: a confirmed window is not completed before it begins", () => {
    assert.equal(edit({ status: "completed" })?.status, 409, "ahead of its start");
    assert.equal(edit({ status: "confirmed" }, { status: "planned" }), null);
    assert.equal(edit({ status: "completed" }, { status: "planned" })?.reasons[0]?.field, "status");
  });

  it("refuses moving a window into the past, but lets one already past be cancelled", () => {
    const later = "2026-03-09T00:00:00.000Z";
    assert.equal(edit({ startsAt: "2026-03-08T03:00:00.000Z" }, {}, later)?.reasons[0]?.field, "endsAt");
    assert.equal(edit({ status: "cancelled" }, {}, later), null);
  });
});

describe("windowEditConflicts", () => {
  const next = { ...CURRENT, id: 10, plantId: 1, timeZone: "America/Chicago" };
  const change = {
    title: "Cut over C-1",
    status: "scheduled",
    plannedStart: "2026-03-08T05:00:00.000Z",
    plannedMinutes: 120,
  };

  it("finds nothing for an edit that keeps its changes inside and avoids blackouts", () => {
    assert.deepEqual(windowEditConflicts({ next, timesChanged: true, changes: [change], blackouts: [] }), []);
  });

  it("names every conflict: a blackout, a change left outside, and more minutes held than offered", () => {
    const shrunk = { ...next, startsAt: "2026-03-08T06:00:00.000Z", endsAt: "2026-03-08T08:30:00.000Z" };
    const conflicts = windowEditConflicts({
      next: shrunk,
      timesChanged: true,
      changes: [change, { ...change, title: "Scan", plannedStart: "2026-03-08T06:00:00.000Z", plannedMinutes: 60 }],
      blackouts: [BLACKOUT],
    });
    assert.deepEqual(
      conflicts.map((c) => c.field),
      ["startsAt", "startsAt", "endsAt"]
    );
    assert.match(conflicts[0]!.message, /Peak production/);
    assert.match(conflicts[1]!.message, /Cut over C-1/);
    assert.match(conflicts[2]!.message, /150 minutes, but its changes hold 180/);
  });

  it("refuses un-confirming a window that holds scheduled changes, and cancelling never conflicts", () => {
    const planned = windowEditConflicts({
      next: { ...next, status: "planned" },
      timesChanged: false,
      changes: [change],
      blackouts: [],
    });
    assert.equal(planned[0]?.field, "status");
    assert.deepEqual(
      windowEditConflicts({
        next: { ...next, status: "cancelled" },
        timesChanged: true,
        changes: [change],
        blackouts: [BLACKOUT],
      }),
      []
    );
  });
});

describe("changeInputRefusals", () => {
  const input = {
    kind: "conduit_cutover",
    plannedStart: "2026-03-08T05:00:00Z",
    plannedMinutes: 60,
    conduitId: 3,
    assetId: null,
  };

  it("accepts a well-formed cutover", () => {
    assert.deepEqual(changeInputRefusals(input), []);
  });

  it("gives every reason at once", () => {
    const refusals = changeInputRefusals({
      ...input,
      plannedMinutes: 73 * 60,
      plannedStart: "tomorrow",
      conduitId: null,
      assetId: 4,
    });
    assert.deepEqual(
      refusals.map((r) => r.field),
      ["plannedMinutes", "plannedStart", "conduitId", "assetId"]
    );
  });
});

describe("marking a change done or cancelling it", () => {
  const window = {
    title: "Spring maintenance",
    status: "confirmed",
    startsAt: CURRENT.startsAt,
    endsAt: CURRENT.endsAt,
    timeZone: "America/Chicago",
  };
  const change = { title: "Cut over C-1", kind: "conduit_cutover", status: "scheduled" };

  it("accepts an instant inside the window, and refuses one outside it or with no window (409)", () => {
    assert.equal(changeCompletionRefusals({ change, window, doneAt: "2026-03-08T05:00:00.000Z" }), null);
    const outside = changeCompletionRefusals({ change, window, doneAt: "2026-03-08T10:00:00.000Z" });
    assert.equal(outside?.status, 409);
    assert.match(outside.reasons[0]!.message, /outside window “Spring maintenance”/);
    assert.match(
      changeCompletionRefusals({ change, window: null, doneAt: CURRENT.startsAt })!.reasons[0]!.message,
      /no window/
    );
    assert.match(
      changeCompletionRefusals({ change, window: { ...window, status: "cancelled" }, doneAt: CURRENT.startsAt })!
        .reasons[0]!.message,
      /was cancelled/
    );
  });

  it("records an active scan whenever it happened, and refuses a change that is history", () => {
    assert.equal(
      changeCompletionRefusals({ change: { ...change, kind: "active_scan" }, window: null, doneAt: NOW }),
      null
    );
    assert.equal(
      changeCompletionRefusals({ change: { ...change, status: "done" }, window, doneAt: CURRENT.startsAt })?.reasons[0]
        ?.field,
      "changeId"
    );
  });

  it("refuses a done instant that is not one or lies ahead", () => {
    assert.equal(doneAtRefusal("yesterday", NOW)?.field, "doneAt");
    assert.equal(doneAtRefusal("2026-03-01T00:05:00.000Z", NOW)?.field, "doneAt");
    assert.equal(doneAtRefusal("2026-03-01T00:00:30.000Z", NOW), null, "a minute's clock skew is allowed");
  });

  it("cancels only an open change", () => {
    assert.equal(changeCancelRefusal(change), null);
    assert.equal(changeCancelRefusal({ ...change, status: "needs_window" }), null);
    assert.match(changeCancelRefusal({ ...change, status: "cancelled" })!.message, /cannot be cancelled/);
  });
});
