import { sql } from "kysely";
import { localDay } from "~/domain/calendar";
import { currentPhase } from "~/domain/phase";
import { blockers } from "~/domain/readiness";
import {
  ageInDays,
  blockerFlag,
  burnup,
  ragOf,
  UPCOMING_DAYS,
  type PlantRollup,
  type Rag,
  type Rollup,
  type TopBlocker,
  type WeeklyCount,
  type WindowSummary,
} from "~/domain/rollup";
import { formatLocalRange } from "~/domain/local-time";
import { PHASES, type Phase, type PlantPhase } from "~/domain/vocabulary";
import { PLANT_HEADING_COLUMNS, plantHeading } from "~/models/plants.server";
import { signoffPartsSql } from "~/models/signoff-gaps.server";
import { windowSpanOf } from "~/models/window-facts.server";
import { computeReadinessOf } from "~/models/readiness.server";
import type { Executor } from "~/utils/db.server";

// The program rollup behind /dashboard, /plants, /api/rollup and the plant rollup CSV. Every figure is
// aggregated in SQL (one query per kind of fact for all plants) and readiness comes from one readinessOf call.

const UPCOMING_LIMIT = 20;

/** An outage window as the rollup's queries read it, with its plant. */
interface WindowRow {
  id: number;
  plant_code: string;
  plant_name: string;
  title: string;
  kind: string;
  status: string;
  starts_at: string;
  ends_at: string;
  time_zone: string;
}

function windowSummary(w: WindowRow): WindowSummary {
  return {
    id: w.id,
    plantCode: w.plant_code,
    plantName: w.plant_name,
    ...windowSpanOf(w),
    local: formatLocalRange(w.starts_at, w.ends_at, w.time_zone),
  };
}

/**
 * The rollup of the plants (all when `plantIds` is null) at `now`. Past weeks of the burn-up come only from
 * dated gate passes and plant creation, so they never move when today's data changes. Readiness comes from
 * `judge`: the server passes its cached one (app/http/readiness-cache.server.ts, which also keeps the rollup).
 */
export async function computeRollup(
  db: Executor,
  now: Date,
  plantIds: readonly number[] | null,
  judge: typeof computeReadinessOf = computeReadinessOf
): Promise<Rollup> {
  const at = now.toISOString();
  const today = at.slice(0, 10);
  let plantQuery = db
    .selectFrom("plant as p")
    .select((eb) => [
      ...PLANT_HEADING_COLUMNS,
      "p.created_at",
      "p.target_inventory",
      "p.target_zoning",
      "p.target_conduits",
      "p.target_baseline",
      "p.target_alerting",
      eb
        .selectFrom("gate_pass")
        .whereRef("gate_pass.plant_id", "=", "p.id")
        .where("gate_pass.passed_at", "<=", at)
        .select(sql<string | null>`group_concat(gate_pass.phase)`.as("phases"))
        .as("passed_phases"),
      eb
        .selectFrom("gate_pass")
        .whereRef("gate_pass.plant_id", "=", "p.id")
        .where("gate_pass.passed_at", "<=", at)
        .select(sql<string | null>`max(gate_pass.passed_at)`.as("last"))
        .as("last_pass"),
    ])
    .orderBy("p.code");
  if (plantIds !== null) plantQuery = plantQuery.where("p.id", "in", plantIds.length > 0 ? [...plantIds] : [-1]);
  const plantRows = await plantQuery.execute();
  const ids = plantRows.map((p) => p.id);
  if (ids.length === 0) {
    return {
      computedAt: at,
      today,
      plants: [],
      byPhase: Object.fromEntries([...PHASES, "complete"].map((p) => [p, 0])) as Record<PlantPhase, number>,
      byRag: { green: 0, amber: 0, red: 0 },
      burnup: [],
      topBlockers: [],
      upcomingWindows: [],
    };
  }
  const horizon = new Date(now.getTime() + UPCOMING_DAYS * 86_400_000).toISOString();

  const [readiness, engineers, nextWindows, upcoming, signoffCounts, weekly] = await Promise.all([
    judge(
      db,
      at,
      plantRows.map((p) => p.code)
    ),
    db
      .selectFrom("person_plant as pp")
      .innerJoin("person as e", "e.id", "pp.person_id")
      .select(["pp.plant_id", sql<string>`group_concat(e.name, '; ')`.as("names")])
      .where("pp.plant_id", "in", ids)
      .where("e.role", "=", "plant_engineer")
      .where("e.active", "=", 1)
      .groupBy("pp.plant_id")
      .execute(),
    // Each plant's next scheduled outage that has not ended, chosen in SQL with a window function.
    sql<WindowRow & { plant_id: number }>`
      select * from (
        select w.id, w.plant_id, p.code as plant_code, p.name as plant_name, w.title, w.kind, w.status,
          w.starts_at, w.ends_at, w.time_zone,
          row_number() over (partition by w.plant_id order by w.starts_at, w.id) as n
        from outage_window w join plant p on p.id = w.plant_id
        where w.kind = 'scheduled_outage' and w.status in ('planned', 'confirmed') and w.ends_at > ${at}
          and w.plant_id in (${sql.join(ids)})
      ) where n = 1`.execute(db),
    sql<WindowRow>`
      select w.id, p.code as plant_code, p.name as plant_name, w.title, w.kind, w.status, w.starts_at, w.ends_at,
        w.time_zone
      from outage_window w join plant p on p.id = w.plant_id
      where w.status in ('planned', 'confirmed') and w.ends_at > ${at} and w.starts_at < ${horizon}
        and w.plant_id in (${sql.join(ids)})
      order by w.starts_at, p.code, w.id
      limit ${UPCOMING_LIMIT}`.execute(db),
    sql<{ plant_id: number; missing: number; stale: number; stale_since: string | null }>`
      select plant_id,
        sum(case when status = 'missing' then 1 else 0 end) as missing,
        sum(case when status = 'stale' then 1 else 0 end) as stale,
        min(case when status = 'stale' then changed_at end) as stale_since
      from (${signoffPartsSql(ids)})
      group by plant_id`.execute(db),
    // Gate passes per phase per ISO week, and plants joining the program per ISO week (the scope line).
    sql<{ week: string; series: string; count: number }>`
      select date(passed_at, 'weekday 0', '-6 days') as week, phase as series, count(*) as count
      from gate_pass where plant_id in (${sql.join(ids)}) and passed_at <= ${at}
      group by week, phase
      union all
      select date(created_at, 'weekday 0', '-6 days') as week, 'scope' as series, count(*) as count
      from plant where id in (${sql.join(ids)}) and created_at <= ${at}
      group by week`.execute(db),
  ]);

  const readinessByCode = new Map(readiness.map((r) => [r.code, r]));
  const engineersByPlant = new Map(engineers.map((e) => [e.plant_id, e.names.split("; ").sort()]));
  const nextByPlant = new Map(nextWindows.rows.map((w) => [w.plant_id, windowSummary(w)]));
  const signoffsByPlant = new Map(signoffCounts.rows.map((s) => [s.plant_id, s]));

  const topBlockers: TopBlocker[] = [];
  const plants = plantRows.map((p): PlantRollup => {
    const r = readinessByCode.get(p.code);
    const phase = r?.phase ?? currentPhase(p.passed_phases ? p.passed_phases.split(",") : []);
    const open = r ? blockers(r) : [];
    const phaseSince = p.last_pass ?? p.created_at;
    const age = ageInDays(phaseSince, today);
    const targets: Record<Phase, string | null> = {
      inventory: p.target_inventory,
      zoning: p.target_zoning,
      conduits: p.target_conduits,
      baseline: p.target_baseline,
      alerting: p.target_alerting,
    };
    const rag = ragOf({
      phase,
      forecastLive: r?.forecastLive ?? null,
      targetAlerting: p.target_alerting,
      currentTarget: phase === "complete" ? null : targets[phase],
      stalled: r?.conduits.some((c) => c.monitored && c.baseline.status === "stalled") ?? false,
      today: localDay(at, p.time_zone),
    });
    for (const b of open) {
      topBlockers.push({
        plantCode: p.code,
        plantName: p.name,
        phase,
        code: b.code,
        title: b.title,
        message: b.message,
        since: phaseSince,
        ageDays: age,
        flag: blockerFlag(age),
      });
    }
    const gate = r?.gates.find((g) => g.phase === phase) ?? null;
    const signoffs = signoffsByPlant.get(p.id);
    return {
      ...plantHeading(p, phase),
      gates: (r?.gates ?? []).map((g) => ({ phase: g.phase, status: g.status, passedAt: g.passedAt })),
      gateStatus: gate?.status ?? null,
      blockerCount: open.length,
      phaseSince,
      oldestBlockerDays: open.length > 0 ? age : null,
      blockers: open.map((b) => ({ code: b.code, title: b.title, message: b.message })),
      forecastLive: r?.forecastLive ?? null,
      forecastReason: r?.forecastReason ?? null,
      targetAlerting: p.target_alerting,
      daysLate: rag.daysLate,
      rag: rag.rag,
      ragReason: rag.reason,
      nextOutage: nextByPlant.get(p.id) ?? null,
      engineers: engineersByPlant.get(p.id) ?? [],
      signoffs: {
        missing: Number(signoffs?.missing ?? 0),
        stale: Number(signoffs?.stale ?? 0),
        staleSince: signoffs?.stale_since ?? null,
      },
    };
  });

  const byPhase = Object.fromEntries([...PHASES, "complete"].map((p) => [p, 0])) as Record<PlantPhase, number>;
  const byRag: Record<Rag, number> = { green: 0, amber: 0, red: 0 };
  for (const plant of plants) {
    byPhase[plant.phase] += 1;
    byRag[plant.rag] += 1;
  }
  topBlockers.sort(
    (a, b) => b.ageDays - a.ageDays || a.plantCode.localeCompare(b.plantCode) || a.code.localeCompare(b.code)
  );

  return {
    // The readiness figures may come from the server's cache: the rollup is as of the oldest of them.
    computedAt: readiness.reduce((earliest, r) => (r.at < earliest ? r.at : earliest), at),
    today,
    plants,
    byPhase,
    byRag,
    burnup: burnup(
      weekly.rows.map(
        (w): WeeklyCount => ({ week: w.week, series: w.series as WeeklyCount["series"], count: Number(w.count) })
      ),
      today
    ),
    topBlockers,
    upcomingWindows: upcoming.rows.map(windowSummary),
  };
}
