import { DateTime } from "luxon";
import { isCausedStop } from "./production-stops";
import type { ChangeOutcome, StopCause } from "./vocabulary";

// The program's own scorecard, quarter by quarter: the production stops it caused, the minutes they cost, and how
// its changes came out. Pure: the facts and "now" are passed in.
//
// - A quarter is a calendar quarter ("2026 Q4") read in the plant's own time zone: a stop at 23:30 on 31 December in
//   Chicago is in Q4 at that plant, though it is already January in UTC. The program adds up each plant's own
//   local quarters.
// - A stop counts as caused by the network while its review has not ruled the network out: cause "network" or
//   "suspected". Minutes lost are the sum over those stops.
// - A stop is caused by the program when it is attributed to one of the program's changes (it names the change) and
//   is not ruled out: the executive's headline figure.
// - A change counts once, by its latest attempt, in the quarter that attempt happened in (its actual start, or when
//   the outcome was recorded when no start was given): done on plan when that attempt went as planned; done with
//   issues when it went in with issues. A change done with issues went in, so it is not waiting for a window, but it
//   is not on plan: it is its own figure, never added to "on plan".
// - Every rolled-back attempt counts in the quarter it happened in, even when a later attempt succeeded: a change
//   rolled back twice counts twice.

/** How many quarters the scorecard shows: the current one (to date) and the four before it. */
export const SCORECARD_QUARTERS = 5;

export interface Quarter {
  year: number;
  /** 1 to 4 */
  q: number;
  /** "2026 Q4": what people read, and the key the figures are kept by (sorts in time order). */
  label: string;
}

/** A quarter in one time zone: its first instant and the first instant of the next, as UTC ISO-8601 text. */
export interface QuarterSpan extends Quarter {
  starts: string;
  ends: string;
}

function quarterNamed(year: number, q: number): Quarter {
  return { year, q, label: `${year} Q${q}` };
}

/** The calendar quarter an instant falls in, on the clock of the zone. */
export function quarterOf(instant: string | Date, zone: string): Quarter {
  const local =
    typeof instant === "string"
      ? DateTime.fromISO(instant, { zone: "utc" }).setZone(zone)
      : DateTime.fromJSDate(instant).setZone(zone);
  if (!local.isValid) throw new Error(`quarterOf: “${String(instant)}” in “${zone}” is not an instant`);
  return quarterNamed(local.year, Math.ceil(local.month / 3));
}

/** The quarter `count` quarters before (negative: after) the given one. */
export function quarterBefore(quarter: Quarter, count = 1): Quarter {
  const index = quarter.year * 4 + (quarter.q - 1) - count;
  return quarterNamed(Math.floor(index / 4), (index % 4) + 1);
}

/** Local midnight of the quarter's first day in the zone, as a UTC instant. */
function quarterStart(quarter: Quarter, zone: string): string {
  const local = DateTime.fromObject({ year: quarter.year, month: (quarter.q - 1) * 3 + 1, day: 1 }, { zone });
  return new Date(local.toMillis()).toISOString();
}

/** The quarter's span in the zone: from its first local midnight to the next quarter's. */
export function quarterSpan(quarter: Quarter, zone: string): QuarterSpan {
  return { ...quarter, starts: quarterStart(quarter, zone), ends: quarterStart(quarterBefore(quarter, -1), zone) };
}

/** The scorecard's quarters at a plant, oldest first: the current local quarter and the ones before it. */
export function scorecardSpans(now: Date, zone: string, count = SCORECARD_QUARTERS): QuarterSpan[] {
  const current = quarterOf(now, zone);
  return Array.from({ length: count }, (_, i) => quarterSpan(quarterBefore(current, count - 1 - i), zone));
}

/**
 * The program's current quarter: the latest quarter any of its plants has reached on its own clock. For the few
 * hours around a new quarter when plants east and west are in different quarters, the new quarter has begun for
 * the program with the plants already in it (no fact can belong to a later one). UTC's when there is no plant.
 */
export function programQuarter(now: Date, zones: readonly string[]): Quarter {
  const quarters = (zones.length > 0 ? zones : ["UTC"]).map((zone) => quarterOf(now, zone));
  return quarters.reduce((latest, q) => (q.label > latest.label ? q : latest));
}

/** The program's scorecard quarters, oldest first. */
function programQuarters(now: Date, zones: readonly string[], count = SCORECARD_QUARTERS): Quarter[] {
  const current = programQuarter(now, zones);
  return Array.from({ length: count }, (_, i) => quarterBefore(current, count - 1 - i));
}

/** Whether a stop counts against the program: attributed to one of its changes, and not ruled out. */
export function isCausedByProgram(stop: { cause: StopCause; changeId: number | null }): boolean {
  return stop.changeId !== null && isCausedStop(stop);
}

/** The latest-attempt outcomes that make a change done on plan, and done with issues. */
export const DONE_OUTCOMES = { onPlan: "as_planned", withIssues: "with_issues" } as const satisfies Record<
  string,
  ChangeOutcome
>;
/** The outcome every attempt of which counts as a rollback. */
export const ROLLED_BACK: ChangeOutcome = "rolled_back";

/** What a change's latest attempt makes of it on the scorecard: done on plan, done with issues, or not done. */
export function doneFigure(latest: ChangeOutcome): keyof typeof DONE_OUTCOMES | null {
  return latest === DONE_OUTCOMES.onPlan ? "onPlan" : latest === DONE_OUTCOMES.withIssues ? "withIssues" : null;
}

/** The instant an attempt counts at: its actual start, or when its outcome was recorded when no start was given. */
export function attemptedAt(attempt: { actualStart: string | null; at: string }): string {
  return attempt.actualStart ?? attempt.at;
}

// ——— the figures ———

export interface QuarterFigures {
  quarter: string;
  /** Stops the network caused or is suspected of. */
  stopsCaused: number;
  /** Minutes of production lost to those stops. */
  minutesLost: number;
  /** Of those stops, the ones attributed to one of the program's changes. */
  stopsCausedByProgram: number;
  changesOnPlan: number;
  changesWithIssues: number;
  changesRolledBack: number;
}

/** One plant's figures in one of its local quarters, as the model's queries count them. */
export interface PlantQuarterCount extends Partial<Omit<QuarterFigures, "quarter">> {
  plantId: number;
  quarter: string;
}

export interface PlantScorecard {
  /** Oldest first; the last is the plant's current local quarter (to date). */
  quarters: QuarterFigures[];
}

export interface ProgramHeadline {
  /** "Unscheduled stops caused by the program" this quarter. */
  thisQuarter: { quarter: string; stops: number };
  lastQuarter: { quarter: string; stops: number };
  /** The same, over the four quarters before this one. */
  trailingFour: { from: string; to: string; stops: number };
}

export interface FloorStats {
  /** The program's current quarter ("2026 Q4"). */
  quarter: string;
  /** Program-wide, oldest first; each plant counted in its own local quarter. */
  quarters: QuarterFigures[];
  headline: ProgramHeadline;
  /** By plant id. */
  plants: Map<number, PlantScorecard>;
}

function emptyFigures(quarter: string): QuarterFigures {
  return {
    quarter,
    stopsCaused: 0,
    minutesLost: 0,
    stopsCausedByProgram: 0,
    changesOnPlan: 0,
    changesWithIssues: 0,
    changesRolledBack: 0,
  };
}

const FIGURES = [
  "stopsCaused",
  "minutesLost",
  "stopsCausedByProgram",
  "changesOnPlan",
  "changesWithIssues",
  "changesRolledBack",
] as const;

function addInto(into: QuarterFigures, from: Partial<Omit<QuarterFigures, "quarter">>): void {
  for (const figure of FIGURES) into[figure] += Number(from[figure] ?? 0);
}

/**
 * The scorecard from the counts per plant and local quarter: each plant's quarters (its own current quarter and the
 * ones before it, none missing), the program's (each plant's counts added under their quarter's name) and the
 * headline. Counts outside a plant's own quarters are not the scorecard's and are left out.
 */
export function scorecard(
  now: Date,
  plants: readonly { id: number; timeZone: string }[],
  counts: readonly PlantQuarterCount[],
  count = SCORECARD_QUARTERS
): FloorStats {
  const byPlant = new Map<number, PlantScorecard>();
  const cells = new Map<string, QuarterFigures>();
  // A program's plants share a few dozen zones: each zone's quarters are worked out once (date arithmetic is the
  // cost here, not the counting).
  const labelsOf = new Map<string, string[]>();
  const zoneLabels = (zone: string) => {
    let labels = labelsOf.get(zone);
    if (!labels) labelsOf.set(zone, (labels = scorecardSpans(now, zone, count).map((span) => span.label)));
    return labels;
  };
  for (const plant of plants) {
    const quarters = zoneLabels(plant.timeZone).map((label) => emptyFigures(label));
    byPlant.set(plant.id, { quarters });
    for (const figures of quarters) cells.set(`${plant.id}|${figures.quarter}`, figures);
  }
  for (const row of counts) {
    const cell = cells.get(`${row.plantId}|${row.quarter}`);
    if (cell) addInto(cell, row);
  }
  const quarters = programQuarters(now, [...new Set(plants.map((p) => p.timeZone))], count).map((q) =>
    emptyFigures(q.label)
  );
  const programCell = new Map(quarters.map((figures) => [figures.quarter, figures]));
  for (const plant of byPlant.values()) {
    for (const figures of plant.quarters) {
      const into = programCell.get(figures.quarter);
      if (into) addInto(into, figures);
    }
  }
  return { quarter: quarters[quarters.length - 1]!.quarter, quarters, headline: headlineOf(quarters), plants: byPlant };
}

/** The headline from the program's quarters (oldest first, the current last). */
export function headlineOf(quarters: readonly QuarterFigures[]): ProgramHeadline {
  const current = quarters[quarters.length - 1]!;
  const last = quarters[quarters.length - 2];
  const before = quarters.slice(-5, -1);
  return {
    thisQuarter: { quarter: current.quarter, stops: current.stopsCausedByProgram },
    lastQuarter: {
      quarter: last?.quarter ?? quarterBefore(parseQuarter(current.quarter)).label,
      stops: last?.stopsCausedByProgram ?? 0,
    },
    trailingFour: {
      from: before[0]?.quarter ?? current.quarter,
      to: before[before.length - 1]?.quarter ?? current.quarter,
      stops: before.reduce((n, q) => n + q.stopsCausedByProgram, 0),
    },
  };
}

function parseQuarter(label: string): Quarter {
  const [year, q] = label.split(" Q").map(Number) as [number, number];
  return quarterNamed(year, q);
}

/** The figures of a plant's current quarter, for the plant list. */
export function currentFigures(plant: PlantScorecard | undefined): QuarterFigures | null {
  return plant?.quarters[plant.quarters.length - 1] ?? null;
}

/** "2 stops, 95 minutes lost" */
export function stopsInWords(figures: Pick<QuarterFigures, "stopsCaused" | "minutesLost">): string {
  if (figures.stopsCaused === 0) return "no stop";
  return `${figures.stopsCaused} ${figures.stopsCaused === 1 ? "stop" : "stops"}, ${figures.minutesLost} min lost`;
}
