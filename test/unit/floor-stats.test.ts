import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  attemptedAt,
  doneFigure,
  headlineOf,
  isCausedByProgram,
  programQuarter,
  quarterBefore,
  quarterOf,
  quarterSpan,
  scorecard,
  scorecardSpans,
  stopsInWords,
  type QuarterFigures,
} from "../../app/domain/floor-stats";
import { isCausedStop } from "../../app/domain/production-stops";

const CHICAGO = "America/Chicago";
const TOKYO = "Asia/Tokyo";

describe("the quarter of an instant, on the plant's clock", () => {
  it("is the local calendar quarter: New Year's Eve evening in Chicago is still Q4 there", () => {
    assert.equal(quarterOf("2027-01-01T05:30:00.000Z", CHICAGO).label, "2026 Q4");
    assert.equal(quarterOf("2027-01-01T05:30:00.000Z", TOKYO).label, "2027 Q1");
  });
  it("changes at local midnight, not UTC midnight", () => {
    assert.equal(quarterOf("2026-10-01T04:59:59.999Z", CHICAGO).label, "2026 Q3");
    assert.equal(quarterOf("2026-10-01T05:00:00.000Z", CHICAGO).label, "2026 Q4");
    assert.notEqual(quarterOf("2026-10-01T00:00:00.000Z", CHICAGO).label, "2026 Q4");
  });
  it("counts back across a year", () => {
    assert.equal(quarterBefore({ year: 2027, q: 1, label: "2027 Q1" }).label, "2026 Q4");
    assert.equal(quarterBefore({ year: 2027, q: 1, label: "2027 Q1" }, 4).label, "2026 Q1");
    assert.equal(quarterBefore({ year: 2026, q: 4, label: "2026 Q4" }, -1).label, "2027 Q1");
  });
  it("spans from local midnight of its first day to the next quarter's, daylight saving included", () => {
    const q4 = quarterSpan({ year: 2026, q: 4, label: "2026 Q4" }, CHICAGO);
    assert.equal(q4.starts, "2026-10-01T05:00:00.000Z", "CDT, five hours behind");
    assert.equal(q4.ends, "2027-01-01T06:00:00.000Z", "CST, six hours behind");
    assert.notEqual(q4.starts, "2026-10-01T00:00:00.000Z");
  });
  it("gives the scorecard's five quarters, oldest first, ending with the current one", () => {
    const spans = scorecardSpans(new Date("2026-12-06T18:00:00Z"), CHICAGO);
    assert.deepEqual(
      spans.map((s) => s.label),
      ["2025 Q4", "2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"]
    );
    assert.equal(spans[3]!.ends, spans[4]!.starts, "no gap between quarters");
  });
  it("is for the program the latest quarter any plant has reached", () => {
    const newYear = new Date("2027-01-01T02:00:00Z");
    assert.equal(programQuarter(newYear, [CHICAGO, TOKYO]).label, "2027 Q1");
    assert.equal(programQuarter(newYear, [CHICAGO]).label, "2026 Q4");
    assert.equal(programQuarter(newYear, []).label, "2027 Q1", "UTC without plants");
  });
});

describe("which stops count", () => {
  it("counts a stop the network caused or is suspected of, not one ruled out", () => {
    assert.equal(isCausedStop({ cause: "network" }), true);
    assert.equal(isCausedStop({ cause: "suspected" }), true);
    assert.equal(isCausedStop({ cause: "not_network" }), false);
  });
  it("holds a stop against the program only when it names one of its changes and is not ruled out", () => {
    assert.equal(isCausedByProgram({ cause: "suspected", changeId: 7 }), true);
    assert.equal(isCausedByProgram({ cause: "network", changeId: null }), false);
    assert.equal(isCausedByProgram({ cause: "not_network", changeId: 7 }), false);
  });
});

describe("how a change counts", () => {
  it("is done on plan by a latest attempt as planned, done with issues apart, and not done otherwise", () => {
    assert.equal(doneFigure("as_planned"), "onPlan");
    assert.equal(doneFigure("with_issues"), "withIssues");
    assert.equal(doneFigure("rolled_back"), null);
    assert.equal(doneFigure("not_done"), null);
  });
  it("counts at its actual start, or when recorded without one", () => {
    assert.equal(
      attemptedAt({ actualStart: "2026-09-30T23:00:00.000Z", at: "2026-10-02T00:00:00.000Z" }),
      "2026-09-30T23:00:00.000Z"
    );
    assert.equal(attemptedAt({ actualStart: null, at: "2026-10-02T00:00:00.000Z" }), "2026-10-02T00:00:00.000Z");
  });
});

describe("the scorecard", () => {
  const now = new Date("2027-01-01T02:00:00Z"); // Tokyo is in 2027 Q1, Chicago still in 2026 Q4
  const plants = [
    { id: 1, timeZone: CHICAGO },
    { id: 2, timeZone: TOKYO },
  ];
  const stats = scorecard(now, plants, [
    { plantId: 1, quarter: "2026 Q4", stopsCaused: 2, minutesLost: 90, stopsCausedByProgram: 1 },
    { plantId: 1, quarter: "2026 Q4", changesOnPlan: 3, changesWithIssues: 1, changesRolledBack: 2 },
    { plantId: 2, quarter: "2027 Q1", stopsCaused: 1, minutesLost: 15, stopsCausedByProgram: 1 },
    { plantId: 2, quarter: "2026 Q4", stopsCaused: 4, minutesLost: 40, stopsCausedByProgram: 2 },
    { plantId: 1, quarter: "2027 Q1", stopsCaused: 9 },
    { plantId: 2, quarter: "2025 Q4", stopsCaused: 9 },
  ]);

  it("gives each plant its own local quarters, none missing", () => {
    assert.deepEqual(
      stats.plants.get(1)!.quarters.map((q) => q.quarter),
      ["2025 Q4", "2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"]
    );
    assert.deepEqual(
      stats.plants.get(2)!.quarters.map((q) => q.quarter),
      ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4", "2027 Q1"]
    );
    assert.equal(stats.plants.get(1)!.quarters[4]!.changesWithIssues, 1);
    assert.equal(stats.plants.get(1)!.quarters[4]!.changesOnPlan, 3, "with issues is not added to on plan");
  });
  it("leaves out counts outside a plant's own quarters", () => {
    assert.equal(
      stats.plants.get(1)!.quarters.reduce((n, q) => n + q.stopsCaused, 0),
      2,
      "Chicago has not reached 2027 Q1"
    );
    assert.equal(stats.plants.get(2)!.quarters[0]!.stopsCaused, 0);
  });
  it("adds the plants' local quarters up for the program", () => {
    assert.equal(stats.quarter, "2027 Q1");
    const q4 = stats.quarters.find((q) => q.quarter === "2026 Q4")!;
    assert.deepEqual(
      { stops: q4.stopsCaused, minutes: q4.minutesLost, program: q4.stopsCausedByProgram, back: q4.changesRolledBack },
      { stops: 6, minutes: 130, program: 3, back: 2 }
    );
    assert.equal(stats.quarters[stats.quarters.length - 1]!.stopsCaused, 1);
    assert.equal(stats.quarters[0]!.quarter, "2026 Q1");
  });
  it("heads with this quarter's stops caused by the program, last quarter's and the four before", () => {
    assert.deepEqual(stats.headline.thisQuarter, { quarter: "2027 Q1", stops: 1 });
    assert.deepEqual(stats.headline.lastQuarter, { quarter: "2026 Q4", stops: 3 });
    assert.deepEqual(stats.headline.trailingFour, { from: "2026 Q1", to: "2026 Q4", stops: 3 });
  });
  it("is all zeros for a program without plants", () => {
    const empty = scorecard(now, [], []);
    assert.equal(empty.quarters.length, 5);
    assert.equal(empty.headline.thisQuarter.stops, 0);
    assert.equal(empty.headline.lastQuarter.quarter, "2026 Q4");
  });
});

describe("the headline and the words", () => {
  const figures = (quarter: string, program: number): QuarterFigures => ({
    quarter,
    stopsCaused: program + 1,
    minutesLost: 10,
    stopsCausedByProgram: program,
    changesOnPlan: 0,
    changesWithIssues: 0,
    changesRolledBack: 0,
  });
  it("counts only stops caused by the program", () => {
    const headline = headlineOf([figures("2026 Q3", 2), figures("2026 Q4", 0)]);
    assert.equal(headline.thisQuarter.stops, 0);
    assert.equal(headline.lastQuarter.stops, 2);
    assert.equal(headline.trailingFour.stops, 2);
  });
  it("says the stops and minutes, or that there was none", () => {
    assert.equal(stopsInWords({ stopsCaused: 0, minutesLost: 0 }), "no stop");
    assert.equal(stopsInWords({ stopsCaused: 1, minutesLost: 45 }), "1 stop, 45 min lost");
    assert.equal(stopsInWords({ stopsCaused: 2, minutesLost: 95 }), "2 stops, 95 min lost");
  });
});
