import type { FloorStats } from "./floor-stats";
import { addDays, daysBetween } from "./calendar";
import type { WindowSpan } from "./outage-windows";
import type { DriftCode, DriftStatus } from "./drift";
import type { GateResult, GateStatus, ObjectRef } from "./readiness";
import type { MustAct } from "./who-acts";
import { PHASES, type Phase, type PlantPhase } from "./vocabulary";

// Pure rules of the program rollup: the forecast-against-target rating, blocker age flags and the weekly
// burn-up built from gate passes. No I/O.

export const RAGS = ["green", "amber", "red"] as const;
export type Rag = (typeof RAGS)[number];

export const RAG_LABELS: Record<Rag, string> = { green: "Green", amber: "Amber", red: "Red" };

/** Days a forecast may run past its target and still be amber. */
export const AMBER_DAYS = 30;

/** A plant with a blocker open longer than this many days is never rated green. */
export const OLD_BLOCKER_DAYS = 30;

/** The rule, in the words the dashboard and docs print. */
export const RAG_RULE = [
  "Green: alerting is live, or the forecast alerting-live day is on or before the plant's alerting target.",
  `Amber: the forecast is 1–${AMBER_DAYS} days after the target; or the plant has no alerting target; or no forecast can be made yet while the current gate is still within its own target; or a blocker has been open more than ${OLD_BLOCKER_DAYS} days (a plant held back that long is never green, however good its forecast).`,
  `Red: the forecast is more than ${AMBER_DAYS} days after the target; or no forecast can be made because a conduit's baseline is stalled, or because the current gate is still not passed after its target date.`,
] as const;

export interface RagInput {
  phase: PlantPhase;
  /** Plant-local day alerting is forecast to be live (or went live), null when it cannot be forecast. */
  forecastLive: string | null;
  targetAlerting: string | null;
  /** The target date of the plant's current phase (its exit gate), null when none is set. */
  currentTarget: string | null;
  /** Some monitored conduit's baseline is stalled. */
  stalled: boolean;
  /** The plant-local day today. */
  today: string;
  /** Age in days of the plant's oldest open blocker, null when nothing blocks it. */
  oldestBlockerDays: number | null;
}

export interface RagResult {
  rag: Rag;
  /** Days the forecast runs past the alerting target (negative: ahead), null when either is missing. */
  daysLate: number | null;
  reason: string;
}

export function ragOf(input: RagInput): RagResult {
  const { phase, forecastLive, targetAlerting, currentTarget, stalled, today, oldestBlockerDays } = input;
  const daysLate = forecastLive && targetAlerting ? daysBetween(targetAlerting, forecastLive) : null;
  if (phase === "complete") return { rag: "green", daysLate, reason: "Alerting is live." };
  if (forecastLive === null) {
    if (stalled) return { rag: "red", daysLate, reason: "No forecast: a baseline is stalled." };
    if (currentTarget !== null && today > currentTarget)
      return {
        rag: "red",
        daysLate,
        reason: `No forecast, and the ${phase} gate is past its target ${currentTarget}.`,
      };
    return { rag: "amber", daysLate, reason: "No forecast yet." };
  }
  if (targetAlerting === null) return { rag: "amber", daysLate, reason: "No alerting target." };
  if (daysLate! > AMBER_DAYS) return { rag: "red", daysLate, reason: `${daysLate} days after target.` };
  if (daysLate! > 0) return { rag: "amber", daysLate, reason: `${daysLate} days after target.` };
  const forecast = daysLate === 0 ? "On target" : `${daysInWords(-daysLate!)} ahead of target`;
  if (oldestBlockerDays !== null && oldestBlockerDays > OLD_BLOCKER_DAYS) {
    return {
      rag: "amber",
      daysLate,
      reason: `${forecast}, but a blocker has been open ${daysInWords(oldestBlockerDays)}.`,
    };
  }
  return { rag: "green", daysLate, reason: `${forecast}.` };
}

/** "1 day", "12 days". */
function daysInWords(days: number): string {
  return `${days.toLocaleString("en-US")} ${days === 1 ? "day" : "days"}`;
}

/** A forecast against its target in words: "12 days late", "120 days ahead", "on target", or "—" without both. */
export function daysLateInWords(daysLate: number | null): string {
  if (daysLate === null) return "—";
  if (daysLate === 0) return "on target";
  return daysLate > 0 ? `${daysInWords(daysLate)} late` : `${daysInWords(-daysLate)} ahead`;
}

/** An age in plain words: "since today", "1 day", "9 days", "about 5 weeks", "about 4 months". */
export function ageInWords(days: number): string {
  if (days <= 0) return "since today";
  if (days < 21) return daysInWords(days);
  if (days < 60) return `${daysInWords(days)} (about ${Math.round(days / 7)} weeks)`;
  return `${daysInWords(days)} (about ${Math.round(days / 30.44)} months)`;
}

/** How many days ahead the rollup's upcoming outage windows reach. */
export const UPCOMING_DAYS = 30;

/** Blocker age flags: 14 and 30 days. */
export const BLOCKER_FLAG_DAYS = [14, 30] as const;

export function blockerFlag(ageDays: number): "30+" | "14+" | null {
  if (ageDays >= 30) return "30+";
  if (ageDays >= 14) return "14+";
  return null;
}

/** Whole days from an instant to today (both read as UTC calendar days), never negative. */
export function ageInDays(sinceIso: string, today: string): number {
  return Math.max(0, daysBetween(sinceIso.slice(0, 10), today));
}

/** The Monday that starts the ISO week holding a "YYYY-MM-DD" day. */
export function isoWeekStart(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(day, -weekday);
}

/** "2026-W48" for the ISO week starting on a Monday. */
export function isoWeekLabel(monday: string): string {
  const thursday = new Date(`${addDays(monday, 3)}T00:00:00Z`);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / 86_400_000 / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** Every Monday from the week of `first` to the week of `last`, inclusive. */
export function weeksBetween(first: string, last: string): string[] {
  const weeks: string[] = [];
  const end = isoWeekStart(last);
  for (let week = isoWeekStart(first); week <= end; week = addDays(week, 7)) weeks.push(week);
  return weeks;
}

export interface WeeklyCount {
  /** Monday of the ISO week (UTC). */
  week: string;
  /** A phase whose exit gate was passed, or "scope" for plants added to the program. */
  series: Phase | "scope";
  count: number;
}

export interface BurnupWeek {
  week: string;
  label: string;
  /** Plants in the program by the end of the week. */
  scope: number;
  /** Plants through each gate by the end of the week. */
  through: Record<Phase, number>;
}

/**
 * The burn-up: cumulative plants through each gate, and the program's scope, at the end of every ISO week
 * from the first plant's week to `today`'s week. Built only from dated events, so a week that has ended
 * never changes when later events are recorded.
 */
export function burnup(counts: readonly WeeklyCount[], today: string): BurnupWeek[] {
  if (counts.length === 0) return [];
  const first = counts.reduce((min, c) => (c.week < min ? c.week : min), counts[0]!.week);
  const perWeek = new Map<string, Map<string, number>>();
  for (const c of counts) {
    const week = perWeek.get(c.week) ?? new Map<string, number>();
    week.set(c.series, (week.get(c.series) ?? 0) + c.count);
    perWeek.set(c.week, week);
  }
  const running: Record<string, number> = { scope: 0 };
  for (const phase of PHASES) running[phase] = 0;
  return weeksBetween(first, today > first ? today : first).map((week) => {
    for (const [series, n] of perWeek.get(week) ?? []) running[series] = (running[series] ?? 0) + n;
    return {
      week,
      label: isoWeekLabel(week),
      scope: running.scope!,
      through: Object.fromEntries(PHASES.map((p) => [p, running[p]!])) as Record<Phase, number>,
    };
  });
}

export const ROLLUP_SORT_KEYS = [
  "code",
  "name",
  "region",
  "phase",
  "rag",
  "blockers",
  "oldest",
  "forecast",
  "target",
  "outage",
] as const;
export type RollupSortKey = (typeof ROLLUP_SORT_KEYS)[number];

export const BLOCKED_FILTERS = ["yes", "no"] as const;

// ——— the rollup as computed (app/models/rollup.server.ts) ———

export interface WindowSummary extends WindowSpan {
  id: number;
  plantCode: string;
  plantName: string;
  /** The window in the plant's own clock, with its zone abbreviation. */
  local: string;
}

export interface SignoffCounts {
  missing: number;
  stale: number;
  /** When the oldest stale part's subject was changed (conduits), null when none or unknown. */
  staleSince: string | null;
}

/** What names a plant in lists, and where it stands in the rollout. */
export interface PlantHeading {
  id: number;
  code: string;
  name: string;
  site: string;
  region: string;
  timeZone: string;
  phase: PlantPhase;
}

export interface PlantRollup extends PlantHeading {
  gates: { phase: Phase; status: GateStatus; passedAt: string | null }[];
  /** The status of the current phase's exit gate; null once every gate is passed. */
  gateStatus: GateStatus | null;
  blockerCount: number;
  /** When the plant entered its current phase: the last gate pass, or when it joined the program. */
  phaseSince: string;
  /** Age in days of the oldest blocker (blockers date from the plant's entry into the phase), null when none. */
  oldestBlockerDays: number | null;
  blockers: { code: string; title: string; message: string }[];
  oldestBlocker: OldestBlocker | null;
  /** Who must act next: on the oldest blocker, or a lead passing a gate that is ready; empty once complete. */
  mustAct: MustAct[];
  /** Each criterion code of every gate, as the dashboard's matrix reads it. */
  criteria: Record<string, CriterionCell>;
  forecastLive: string | null;
  forecastReason: string | null;
  targetAlerting: string | null;
  daysLate: number | null;
  rag: Rag;
  ragReason: string;
  nextOutage: WindowSummary | null;
  engineers: string[];
  signoffs: SignoffCounts;
  /** A live plant's drift (app/domain/drift.ts): live, or live and drifting with its findings; null before live. */
  drift: PlantDrift | null;
}

/** A live plant's drift as the rollup carries it: its status and each finding with where it is fixed. */
export interface PlantDrift {
  status: DriftStatus;
  findings: { code: DriftCode; message: string; href: string; objects: ObjectRef[] }[];
}

/** One criterion of one plant as the dashboard's matrix reads it. */
export const CRITERION_CELLS = ["met", "unmet", "waived", "later", "passed"] as const;
export type CriterionCell = (typeof CRITERION_CELLS)[number];

/**
 * Each criterion of a plant: `passed` for the criteria of gates already passed, `later` for gates the plant has not
 * reached yet, and `met`, `unmet` or `waived` for its current gate.
 */
export function criterionCells(phase: PlantPhase, gates: readonly GateResult[]): Record<string, CriterionCell> {
  const current = phase === "complete" ? PHASES.length : PHASES.indexOf(phase);
  const cells: Record<string, CriterionCell> = {};
  for (const gate of gates) {
    const at = PHASES.indexOf(gate.phase);
    for (const c of gate.criteria) {
      cells[c.code] =
        gate.status === "passed" || at < current
          ? "passed"
          : at > current
          ? "later"
          : c.met
          ? "met"
          : c.waived
          ? "waived"
          : "unmet";
    }
  }
  return cells;
}

/** The blocker a plant's row shows: its oldest (the first in the gate's order among the oldest), in words. */
export interface OldestBlocker {
  code: string;
  title: string;
  message: string;
  /** The object at fault in words ("“DMZ firewall”"), null when the blocker is the plant as a whole. */
  object: string | null;
  since: string;
  ageDays: number;
}

export interface TopBlocker {
  plantCode: string;
  plantName: string;
  phase: PlantPhase;
  code: string;
  title: string;
  message: string;
  since: string;
  ageDays: number;
  flag: "30+" | "14+" | null;
  /** The object at fault in words, null when it is the plant as a whole. */
  object: string | null;
  mustAct: MustAct[];
}

export interface Rollup {
  computedAt: string;
  /** The program's scorecard: stops caused, minutes lost and changes' outcomes per local quarter. */
  floor: FloorStats;
  /** The UTC day the ages and weeks are counted to. */
  today: string;
  plants: PlantRollup[];
  byPhase: Record<PlantPhase, number>;
  byRag: Record<Rag, number>;
  /** Live plants (every gate passed) healthy and drifting. */
  live: { healthy: number; drifting: number };
  burnup: BurnupWeek[];
  topBlockers: TopBlocker[];
  upcomingWindows: WindowSummary[];
}
