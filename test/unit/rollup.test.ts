import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  blockerFlag,
  burnup,
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

  it("is green once alerting is live, whatever the dates", () => {
    assert.equal(ragOf({ ...base, phase: "complete", forecastLive: "2027-06-01" }).rag, "green");
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
