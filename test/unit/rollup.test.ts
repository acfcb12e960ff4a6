import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ageInWords,
  blockerFlag,
  burnup,
  criterionCells,
  daysLateInWords,
  isoWeekLabel,
  isoWeekStart,
  ragOf,
  weeksBetween,
  type RagInput,
} from "../../app/domain/rollup";

const base: RagInput = {
  phase: "baseline",
  forecastLive: "2027-01-10",
  targetAlerting: "2027-01-10",
  currentTarget: "2026-12-01",
  stalled: false,
  today: "2026-11-26",
  oldestBlockerDays: null,
};

describe("the rating rule", () => {
  it("is green on or before the target, amber up to 30 days late, red beyond", () => {
    assert.equal(ragOf(base).rag, "green");
    assert.equal(ragOf({ ...base, forecastLive: "2027-01-01" }).daysLate, -9);
    assert.equal(ragOf({ ...base, forecastLive: "2027-01-11" }).rag, "amber");
    assert.equal(ragOf({ ...base, forecastLive: "2027-02-09" }).rag, "amber", "30 days late is still amber");
    assert.equal(ragOf({ ...base, forecastLive: "2027-02-10" }).rag, "red", "31 days late is red");
  });

  it("is amber without a target, and without a forecast while the current gate is within its target", () => {
    assert.equal(ragOf({ ...base, targetAlerting: null }).rag, "amber");
    assert.equal(ragOf({ ...base, forecastLive: null }).rag, "amber");
    assert.equal(ragOf({ ...base, forecastLive: null, currentTarget: null }).rag, "amber");
  });

  it("is red without a forecast when a baseline stalled or the current gate is past its target", () => {
    assert.equal(ragOf({ ...base, forecastLive: null, stalled: true }).rag, "red");
    assert.equal(ragOf({ ...base, forecastLive: null, currentTarget: "2026-11-25" }).rag, "red");
    assert.equal(ragOf({ ...base, forecastLive: null, currentTarget: "2026-11-26" }).rag, "amber", "due today");
  });

  it("is never green with a blocker open more than 30 days: amber, however far ahead the forecast", () => {
    assert.equal(ragOf({ ...base, oldestBlockerDays: 30 }).rag, "green", "30 days old is still green");
    const old = ragOf({ ...base, forecastLive: "2026-09-12", oldestBlockerDays: 31 });
    assert.equal(old.rag, "amber");
    assert.match(old.reason, /120 days ahead of target, but a blocker has been open 31 days/);
    assert.equal(ragOf({ ...base, oldestBlockerDays: 128 }).rag, "amber");
    assert.equal(ragOf({ ...base, forecastLive: "2027-02-10", oldestBlockerDays: 128 }).rag, "red", "late stays red");
    assert.equal(ragOf({ ...base, forecastLive: null, stalled: true, oldestBlockerDays: 90 }).rag, "red");
  });

  it("is green once alerting is live, whatever the dates", () => {
    assert.equal(ragOf({ ...base, phase: "complete", forecastLive: "2027-06-01" }).rag, "green");
  });
});

describe("days and ages in words", () => {
  it("reads a forecast ahead of its target as ahead, never as negative days late", () => {
    assert.equal(daysLateInWords(-120), "120 days ahead");
    assert.equal(daysLateInWords(1), "1 day late");
    assert.equal(daysLateInWords(0), "on target");
    assert.equal(daysLateInWords(null), "—");
    assert.equal(ragOf({ ...base, forecastLive: "2026-09-12" }).reason, "120 days ahead of target.");
  });

  it("reads ages in days, with weeks or months once they grow", () => {
    assert.deepEqual([0, 1, 9, 35, 128].map(ageInWords), [
      "since today",
      "1 day",
      "9 days",
      "35 days (about 5 weeks)",
      "128 days (about 4 months)",
    ]);
  });
});

describe("the criteria matrix cells", () => {
  const gate = (phase: "inventory" | "zoning", status: "passed" | "blocked", codes: [string, boolean, boolean][]) => ({
    phase,
    status,
    passedAt: null,
    passedBy: null,
    criteria: codes.map(([code, met, waived]) => ({
      code,
      title: code,
      checklist: false,
      met,
      waived: waived ? { code, justification: "j", by: "Lead", at: "2026-11-01T00:00:00Z" } : null,
      message: "",
      objects: [],
      tick: null,
    })),
  });

  it("reads passed gates as passed, the current gate as met, unmet or waived, later gates as not reached", () => {
    const inventory = gate("inventory", "passed", [["INV-ASSETS", true, false]]);
    const zoning = gate("zoning", "blocked", [
      ["ZON-STANDARD", true, false],
      ["ZON-PLACED", false, false],
      ["ZON-REVIEW", false, true],
    ]);
    assert.deepEqual(criterionCells("zoning", [inventory, zoning]), {
      "INV-ASSETS": "passed",
      "ZON-STANDARD": "met",
      "ZON-PLACED": "unmet",
      "ZON-REVIEW": "waived",
    });
    assert.deepEqual(criterionCells("inventory", [{ ...inventory, status: "blocked" }, zoning]), {
      "INV-ASSETS": "met",
      "ZON-STANDARD": "later",
      "ZON-PLACED": "later",
      "ZON-REVIEW": "later",
    });
  });
});

describe("blocker flags", () => {
  it("flag at 14 and 30 days", () => {
    assert.deepEqual([0, 13, 14, 29, 30, 200].map(blockerFlag), [null, null, "14+", "14+", "30+", "30+"]);
  });
});

describe("ISO weeks", () => {
  it("start on Monday and are numbered as ISO 8601 numbers them", () => {
    assert.equal(isoWeekStart("2026-11-23"), "2026-11-23", "a Monday");
    assert.equal(isoWeekStart("2026-11-29"), "2026-11-23", "a Sunday");
    assert.equal(isoWeekStart("2027-01-01"), "2026-12-28", "across the year");
    assert.equal(isoWeekLabel("2026-11-23"), "2026-W48");
    assert.equal(isoWeekLabel("2026-12-28"), "2026-W53", "2026 has 53 ISO weeks");
    assert.equal(isoWeekLabel("2024-12-30"), "2025-W01", "a week belongs to the year of its Thursday");
    assert.deepEqual(weeksBetween("2026-11-25", "2026-12-08"), ["2026-11-23", "2026-11-30", "2026-12-07"]);
  });
});

describe("the burn-up", () => {
  it("accumulates each series week by week, through weeks without events, up to today's week", () => {
    const weeks = burnup(
      [
        { week: "2026-11-02", series: "scope", count: 2 },
        { week: "2026-11-16", series: "inventory", count: 1 },
        { week: "2026-11-16", series: "scope", count: 1 },
        { week: "2026-11-23", series: "inventory", count: 1 },
      ],
      "2026-12-01"
    );
    assert.deepEqual(
      weeks.map((w) => [w.week, w.scope, w.through.inventory, w.through.zoning]),
      [
        ["2026-11-02", 2, 0, 0],
        ["2026-11-09", 2, 0, 0],
        ["2026-11-16", 3, 1, 0],
        ["2026-11-23", 3, 2, 0],
        ["2026-11-30", 3, 2, 0],
      ]
    );
    assert.deepEqual(burnup([], "2026-12-01"), []);
  });
});
