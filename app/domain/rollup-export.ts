import type { FloorStats, QuarterFigures } from "./floor-stats";
import { daysLateInWords, type PlantRollup, type Rollup } from "./rollup";
import { mustActInWords, type MustAct } from "./who-acts";

// The rollup as the outside reads it: the plant rollup CSV and the documented JSON of GET /api/rollup. Pure shaping.

/** The columns of the plant rollup CSV and of each plant in GET /api/rollup, in order. */
export const ROLLUP_CSV_HEADER = [
  "code",
  "name",
  "region",
  "site",
  "time_zone",
  "phase",
  "gate_status",
  "blockers",
  "oldest_blocker_days",
  "oldest_blocker",
  "oldest_blocker_title",
  "oldest_blocker_object",
  "must_act",
  "forecast_live",
  "target_alerting",
  "days_late",
  "against_target",
  "rag",
  "next_outage_start_utc",
  "next_outage_end_utc",
  "engineers",
  "signoffs_missing",
  "signoffs_stale",
  // The plant's current local quarter on the program's scorecard (app/domain/floor-stats.ts).
  "quarter",
  "stops_caused",
  "minutes_lost",
  "stops_caused_by_program",
  "changes_on_plan",
  "changes_with_issues",
  "changes_rolled_back",
  "drift",
  "drift_reasons",
] as const;

/** A plant's row; `floor` is the rollup's scorecard, whose current quarter of the plant ends the row. */
export function rollupCsvRow(p: PlantRollup, floor: FloorStats): (string | number | null)[] {
  const plantQuarters = floor.plants.get(p.id)?.quarters ?? [];
  const now = plantQuarters[plantQuarters.length - 1] ?? null;
  return [
    p.code,
    p.name,
    p.region,
    p.site,
    p.timeZone,
    p.phase,
    p.gateStatus,
    p.blockerCount,
    p.oldestBlockerDays,
    p.oldestBlocker?.code ?? null,
    p.oldestBlocker?.title ?? null,
    p.oldestBlocker?.object ?? null,
    mustActInWords(p.mustAct),
    p.forecastLive,
    p.targetAlerting,
    p.daysLate,
    p.daysLate === null ? null : daysLateInWords(p.daysLate),
    p.rag,
    p.nextOutage?.startsAt ?? null,
    p.nextOutage?.endsAt ?? null,
    p.engineers.join("; "),
    p.signoffs.missing,
    p.signoffs.stale,
    now?.quarter ?? null,
    now?.stopsCaused ?? null,
    now?.minutesLost ?? null,
    now?.stopsCausedByProgram ?? null,
    now?.changesOnPlan ?? null,
    now?.changesWithIssues ?? null,
    now?.changesRolledBack ?? null,
    p.drift?.status ?? null,
    p.drift ? p.drift.findings.map((f) => f.code).join("; ") : null,
  ];
}

/** A quarter's figures as the JSON documents them. */
function quarterDocument(q: QuarterFigures) {
  return {
    quarter: q.quarter,
    stopsCaused: q.stopsCaused,
    minutesLost: q.minutesLost,
    stopsCausedByProgram: q.stopsCausedByProgram,
    changesOnPlan: q.changesOnPlan,
    changesWithIssues: q.changesWithIssues,
    changesRolledBack: q.changesRolledBack,
  };
}

/** The program's scorecard as the JSON documents it: the headline and five quarters, each plant's on its own. */
function floorDocument(floor: FloorStats) {
  return {
    quarter: floor.quarter,
    unscheduledStopsCausedByProgram: floor.headline,
    quarters: floor.quarters.map(quarterDocument),
  };
}

/** Who must act, as the JSON documents it. */
function actsDocument(acts: readonly MustAct[]) {
  return acts.map((a) => ({ role: a.role, names: a.names, does: a.does }));
}

/** The documented JSON of GET /api/rollup (docs/api.md). */
export function rollupDocument(rollup: Rollup) {
  return {
    computedAt: rollup.computedAt,
    scorecard: floorDocument(rollup.floor),
    byPhase: rollup.byPhase,
    byRag: rollup.byRag,
    live: rollup.live,
    burnup: rollup.burnup.map((w) => ({ week: w.week, label: w.label, scope: w.scope, through: w.through })),
    plants: rollup.plants.map((p) => ({
      code: p.code,
      name: p.name,
      region: p.region,
      site: p.site,
      timeZone: p.timeZone,
      phase: p.phase,
      gateStatus: p.gateStatus,
      gates: p.gates,
      blockerCount: p.blockerCount,
      oldestBlockerDays: p.oldestBlockerDays,
      blockers: p.blockers.map((b) => b.code),
      oldestBlocker: p.oldestBlocker
        ? {
            code: p.oldestBlocker.code,
            title: p.oldestBlocker.title,
            object: p.oldestBlocker.object,
            since: p.oldestBlocker.since,
            ageDays: p.oldestBlocker.ageDays,
          }
        : null,
      mustAct: actsDocument(p.mustAct),
      forecastLive: p.forecastLive,
      forecastReason: p.forecastReason,
      targetAlerting: p.targetAlerting,
      daysLate: p.daysLate,
      rag: p.rag,
      ragReason: p.ragReason,
      nextOutage: p.nextOutage
        ? {
            id: p.nextOutage.id,
            title: p.nextOutage.title,
            status: p.nextOutage.status,
            startsAt: p.nextOutage.startsAt,
            endsAt: p.nextOutage.endsAt,
            timeZone: p.nextOutage.timeZone,
          }
        : null,
      engineers: p.engineers,
      signoffs: { missing: p.signoffs.missing, stale: p.signoffs.stale },
      scorecard: (rollup.floor.plants.get(p.id)?.quarters ?? []).map(quarterDocument),
      drift: p.drift
        ? {
            status: p.drift.status,
            findings: p.drift.findings.map((f) => ({
              code: f.code,
              message: f.message,
              href: f.href,
              objects: f.objects.map((o) => ({ type: o.type, id: o.id, label: o.label })),
            })),
          }
        : null,
    })),
    topBlockers: rollup.topBlockers.map((b) => ({
      plant: b.plantCode,
      phase: b.phase,
      criterion: b.code,
      since: b.since,
      ageDays: b.ageDays,
      flag: b.flag,
      object: b.object,
      mustAct: actsDocument(b.mustAct),
    })),
    upcomingWindows: rollup.upcomingWindows.map((w) => ({
      id: w.id,
      plant: w.plantCode,
      title: w.title,
      kind: w.kind,
      status: w.status,
      startsAt: w.startsAt,
      endsAt: w.endsAt,
      timeZone: w.timeZone,
    })),
  };
}
