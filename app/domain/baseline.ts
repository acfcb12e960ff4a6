import { addDays, daysBetween, localDay } from "./calendar";
import { formatDate } from "./time";

// Baseline maturity of one monitored conduit, from its daily observations. See the spec's "Baseline
// maturity": epochs, counted days, convergence, maturity that sticks, stalls and joint acceptance.

export interface BaselineSettings {
  /** Counted days needed for maturity. */
  matureDays: number;
  /** Counted days after which a baseline that never matured is stalled. */
  stallDays: number;
  /** Counted days at the end of the record that must bring nothing new. */
  convergenceDays: number;
  /** Coverage at or above which a day counts. */
  coverageThreshold: number;
  /** More consecutive days than this without a counted observation make a sensor gap. */
  gapDays: number;
  ephemeralPortMin: number;
  ephemeralPortMax: number;
  /** The design review's widest port range a flow may allow without a finding. */
  maxPortRange: number;
  /** Days a wrong flow may stay unacknowledged on a live conduit before the plant drifts (DRIFT-WRONG-FLOWS). */
  wrongFlowDays: number;
  /** Months after which a signoff must be signed again (DRIFT-SIGNOFF-AGED). */
  recertificationMonths: number;
  /** Days within which a detection rule must be reviewed again (DRIFT-RULE-UNREVIEWED). */
  ruleReviewDays: number;
}

export const DEFAULT_BASELINE_SETTINGS: BaselineSettings = {
  matureDays: 30,
  stallDays: 60,
  convergenceDays: 7,
  coverageThreshold: 0.9,
  gapDays: 3,
  ephemeralPortMin: 49152,
  ephemeralPortMax: 65535,
  maxPortRange: 16,
  wrongFlowDays: 7,
  recertificationMonths: 12,
  ruleReviewDays: 90,
};

/** Where each threshold is stored (program_setting.key). */
export const SETTING_KEYS: Record<keyof BaselineSettings, string> = {
  matureDays: "baseline.mature_days",
  stallDays: "baseline.stall_days",
  convergenceDays: "baseline.convergence_days",
  coverageThreshold: "baseline.coverage_threshold",
  gapDays: "baseline.gap_days",
  ephemeralPortMin: "baseline.ephemeral_port_min",
  ephemeralPortMax: "baseline.ephemeral_port_max",
  maxPortRange: "design.max_port_range",
  wrongFlowDays: "drift.wrong_flow_days",
  recertificationMonths: "drift.recertification_months",
  ruleReviewDays: "drift.rule_review_days",
};

export interface Observation {
  /** Plant-local calendar day. */
  day: string;
  coverage: number;
  tuples: number;
  /** Flow tuples not seen earlier in the epoch. */
  newTuples: number;
  connections: number;
  bytes: number;
  source: string;
}

export type BaselineStatus = "none" | "collecting" | "mature" | "stalled" | "accepted";

export interface SensorGap {
  /** First day without a counted observation. */
  from: string;
  /** Last day without one. */
  to: string;
  days: number;
}

export interface BaselineInput {
  monitored: boolean;
  /** When the cutover of the conduit's current revision was completed (instant), or null. */
  cutoverCompletedAt: string | null;
  timeZone: string;
  observations: readonly Observation[];
  /** Both owners accepted the stalled baseline of this epoch. */
  accepted: boolean;
}

export interface Baseline {
  status: BaselineStatus;
  /** Why the status is `none`, when it is. */
  reason: string | null;
  epochStart: string | null;
  countedDays: number;
  converged: boolean;
  /** Days since the last observation that saw a new flow tuple (null: none ever did). */
  daysSinceNovelty: number | null;
  matureOn: string | null;
  stalled: boolean;
  /** The day the baseline reached the stall threshold without having matured (null: it has not stalled). */
  stalledOn: string | null;
  gaps: SensorGap[];
  /** The earliest day it can be mature if every day from the next unobserved one counts and brings nothing new. */
  earliestMaturity: string | null;
  /** The observations of the epoch, one per day, oldest first (for the convergence curve). */
  days: Observation[];
}

/** Responder ports in the ephemeral range collapse to one value, or return traffic never converges. */
export function collapsePort(port: number | null, settings: BaselineSettings): number | null {
  if (port === null) return null;
  return port >= settings.ephemeralPortMin && port <= settings.ephemeralPortMax ? settings.ephemeralPortMin : port;
}

/** The epoch begins on the first full plant-local day after the cutover; the cutover day itself is partial. */
export function epochStartFor(cutoverCompletedAt: string, timeZone: string): string {
  return addDays(localDay(cutoverCompletedAt, timeZone), 1);
}

/** What the epoch rule needs to know of a conduit's cutover changes. */
export interface CutoverFact {
  id: number;
  conduitRevision: number | null;
  status: string;
  doneAt: string | null;
}

/**
 * The cutover that began a conduit's current baseline epoch: of its cutovers at its current revision, the one done
 * last (by when it was done; the later recorded of two done at the same instant). Null when none is done. With
 * `at`, as it stood then: a cutover done after `at` was not done yet.
 */
export function epochCutover<C extends CutoverFact>(cutovers: readonly C[], revision: number, at?: string): C | null {
  let latest: C | null = null;
  for (const cutover of cutovers) {
    if (cutover.conduitRevision !== revision || cutover.status !== "done" || cutover.doneAt === null) continue;
    if (at !== undefined && cutover.doneAt > at) continue;
    if (
      latest === null ||
      cutover.doneAt > latest.doneAt! ||
      (cutover.doneAt === latest.doneAt && cutover.id > latest.id)
    )
      latest = cutover;
  }
  return latest;
}

export interface Epoch {
  /** When the cutover that began it was done. */
  doneAt: string;
  /** The plant-local day the epoch begins: the day after the cutover. */
  start: string;
  /** How evidence of the epoch is keyed: the revision and the start, "3@2026-11-02". */
  key: string;
}

/** The conduit's current baseline epoch, from its cutovers (see epochCutover); null before any is done. */
export function currentEpoch(
  cutovers: readonly CutoverFact[],
  conduit: { revision: number },
  timeZone: string,
  at?: string
): Epoch | null {
  const cutover = epochCutover(cutovers, conduit.revision, at);
  if (cutover === null) return null;
  const start = epochStartFor(cutover.doneAt!, timeZone);
  return { doneAt: cutover.doneAt!, start, key: `${conduit.revision}@${start}` };
}

/** The start of every epoch the cutovers began, at any revision: each done cutover begins one the next day. */
export function epochStarts(cutovers: readonly CutoverFact[], timeZone: string): string[] {
  return cutovers
    .filter((c) => c.status === "done" && c.doneAt !== null)
    .map((c) => epochStartFor(c.doneAt!, timeZone));
}

/** Several sources may report the same day; the day is the best-covered report of it. */
function onePerDay(observations: readonly Observation[]): Observation[] {
  const byDay = new Map<string, Observation>();
  for (const observation of observations) {
    const held = byDay.get(observation.day);
    if (
      !held ||
      observation.coverage > held.coverage ||
      (observation.coverage === held.coverage && observation.tuples > held.tuples)
    ) {
      byDay.set(observation.day, observation);
    }
  }
  return [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/**
 * Converged over `days` (oldest first): at least N counted days, and nothing new on or after the N-th-last
 * counted day, counted or not.
 */
function convergedOver(days: readonly Observation[], settings: BaselineSettings): boolean {
  const counted = days.filter((d) => d.coverage >= settings.coverageThreshold);
  if (counted.length < settings.convergenceDays) return false;
  const from = counted[counted.length - settings.convergenceDays]!.day;
  return days.every((d) => d.day < from || d.newTuples === 0);
}

function sensorGaps(
  days: readonly Observation[],
  epochStart: string,
  lastDay: string,
  settings: BaselineSettings
): SensorGap[] {
  const countedDays = new Set(days.filter((d) => d.coverage >= settings.coverageThreshold).map((d) => d.day));
  const gaps: SensorGap[] = [];
  let runStart: string | null = null;
  for (let day = epochStart; day <= lastDay; day = addDays(day, 1)) {
    if (countedDays.has(day)) {
      if (runStart !== null) {
        const length = daysBetween(runStart, day);
        if (length > settings.gapDays) gaps.push({ from: runStart, to: addDays(day, -1), days: length });
        runStart = null;
      }
    } else runStart ??= day;
  }
  if (runStart !== null) {
    const length = daysBetween(runStart, lastDay) + 1;
    if (length > settings.gapDays) gaps.push({ from: runStart, to: lastDay, days: length });
  }
  return gaps;
}

const NONE = (reason: string, epochStart: string | null = null): Baseline => ({
  status: "none",
  reason,
  epochStart,
  countedDays: 0,
  converged: false,
  daysSinceNovelty: null,
  matureOn: null,
  stalled: false,
  stalledOn: null,
  gaps: [],
  earliestMaturity: null,
  days: [],
});

/** The earliest maturity if every day from `from` on counts and brings nothing new. */
function forecastMaturity(days: readonly Observation[], from: string, settings: BaselineSettings): string {
  const simulated = [...days];
  let day = from;
  for (let i = 0; i < settings.matureDays + settings.convergenceDays + 1; i++) {
    simulated.push({ day, coverage: 1, tuples: 0, newTuples: 0, connections: 0, bytes: 0, source: "forecast" });
    const counted = simulated.filter((d) => d.coverage >= settings.coverageThreshold).length;
    if (counted >= settings.matureDays && convergedOver(simulated, settings)) return day;
    day = addDays(day, 1);
  }
  return day;
}

/**
 * The baseline of a conduit at an instant. Only observations of the current epoch dated up to the plant-local
 * day of `at` count; earlier evidence is kept but no longer counts.
 */
export function computeBaseline(
  input: BaselineInput,
  at: string,
  settings: BaselineSettings = DEFAULT_BASELINE_SETTINGS
): Baseline {
  if (!input.monitored) return NONE("The conduit is not monitored.");
  if (!input.cutoverCompletedAt) return NONE("The cutover of the current revision has not been completed.");
  const epochStart = epochStartFor(input.cutoverCompletedAt, input.timeZone);
  const today = localDay(at, input.timeZone);
  const days = onePerDay(input.observations.filter((o) => o.day >= epochStart && o.day <= today));
  const tomorrow = addDays(today, 1);
  const nextFree = epochStart > tomorrow ? epochStart : tomorrow;
  if (days.length === 0) {
    const none = NONE("No observation in the current epoch yet.", epochStart);
    return {
      ...none,
      earliestMaturity: forecastMaturity([], nextFree, settings),
      gaps: sensorGaps([], epochStart, addDays(today, -1), settings),
    };
  }

  let counted = 0;
  let matureOn: string | null = null;
  let stalledOn: string | null = null;
  for (let i = 0; i < days.length; i++) {
    if (days[i]!.coverage >= settings.coverageThreshold) counted += 1;
    if (matureOn === null && stalledOn === null && counted >= settings.stallDays) stalledOn = days[i]!.day;
    if (matureOn === null && counted >= settings.matureDays && convergedOver(days.slice(0, i + 1), settings)) {
      matureOn = days[i]!.day;
    }
  }
  const converged = convergedOver(days, settings);
  const stalled = matureOn === null && counted >= settings.stallDays;
  const lastNovel = [...days].reverse().find((d) => d.newTuples > 0);
  const status: BaselineStatus = matureOn
    ? "mature"
    : stalled
    ? input.accepted
      ? "accepted"
      : "stalled"
    : "collecting";
  return {
    status,
    reason: null,
    epochStart,
    countedDays: counted,
    converged,
    daysSinceNovelty: lastNovel ? daysBetween(lastNovel.day, today) : null,
    matureOn,
    stalled,
    stalledOn: stalled ? stalledOn : null,
    gaps: sensorGaps(days, epochStart, addDays(today, -1), settings),
    earliestMaturity: matureOn ?? forecastMaturity(days, nextFree, settings),
    days,
  };
}

/** The thresholds a baseline's words quote (program settings, never constants). */
export type BaselineThresholds = Pick<BaselineSettings, "matureDays" | "stallDays">;

/** When a baseline matured, or the earliest day it can: "mature since 1 Oct 2026", "earliest 20 Dec 2026", or "—". */
export function maturityText(baseline: Pick<Baseline, "matureOn" | "earliestMaturity">): string {
  if (baseline.matureOn) return `mature since ${formatDate(baseline.matureOn)}`;
  if (baseline.earliestMaturity) return `earliest ${formatDate(baseline.earliestMaturity)}`;
  return "—";
}

/**
 * A baseline's counted days in words, against the configured thresholds: "12 of 30 counted days" while collecting;
 * a stalled one is never read as a fraction of the maturity threshold it went past.
 */
export function countedDaysText(
  baseline: Pick<Baseline, "status" | "countedDays">,
  thresholds: BaselineThresholds
): string {
  const days = `${baseline.countedDays} counted ${baseline.countedDays === 1 ? "day" : "days"}`;
  switch (baseline.status) {
    case "none":
      return "no counted days yet";
    case "collecting":
      return `${baseline.countedDays} of ${thresholds.matureDays} counted days`;
    case "mature":
      return `${days} (${thresholds.matureDays} needed)`;
    case "stalled":
      return `stalled: ${days} observed, not mature (stalls at ${thresholds.stallDays})`;
    case "accepted":
      return `${days}, never mature; accepted by both owners`;
  }
}

/** Whether alerts may be wired on the conduit: only on a mature baseline, or a stalled one both owners accepted. */
export function alertWiringAllowed(baseline: Baseline): boolean {
  return baseline.status === "mature" || baseline.status === "accepted";
}
