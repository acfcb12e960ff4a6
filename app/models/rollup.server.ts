import { sql } from "kysely";
import { localDay } from "~/domain/calendar";
import { currentPhase } from "~/domain/phase";
import { blockers } from "~/domain/readiness";
import {
  ageInDays,
  blockerFlag,
  burnup,
  criterionCells,
  ragOf,
  UPCOMING_DAYS,
  type PlantDrift,
  type PlantRollup,
  type Rag,
  type Rollup,
  type TopBlocker,
  type WeeklyCount,
  type WindowSummary,
} from "~/domain/rollup";
import { formatLocalRange } from "~/domain/local-time";
import { PHASES, type Phase, type PlantPhase } from "~/domain/vocabulary";
import type { SignoffPart } from "~/domain/signoffs";
import { objectAtFault, whoMustAct, whoPassesGate, type ActFacts, type ConduitActFacts } from "~/domain/who-acts";
import { PLANT_HEADING_COLUMNS, plantHeading } from "~/models/plants.server";
import { signoffPartsSql } from "~/models/signoff-gaps.server";
import { windowSpanOf } from "~/models/window-facts.server";
import { computeReadinessOf } from "~/models/readiness.server";
import { computeFloorStats } from "~/models/floor-stats.server";
import { scorecard } from "~/domain/floor-stats";
import { loadDrift, shownFindings } from "~/models/drift.server";
import { driftCounts, type PlantDriftSummary } from "~/domain/drift";
import { joinedText, weekOf, type Executor } from "~/utils/db.server";

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

/** A plant's drift as the rollup carries it: only once it is live. */
function driftOf(phase: PlantPhase, drift: PlantDriftSummary | undefined): PlantDrift | null {
  if (phase !== "complete") return null;
  // Live by readiness: judged with no findings when the drift facts did not count it live (passed at this instant).
  return drift ? { status: drift.status, findings: shownFindings(drift.findings) } : { status: "live", findings: [] };
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
        .select(joinedText(db, sql.ref("gate_pass.phase")).as("phases"))
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
      floor: scorecard(now, [], []),
      today,
      plants: [],
      byPhase: Object.fromEntries([...PHASES, "complete"].map((p) => [p, 0])) as Record<PlantPhase, number>,
      byRag: { green: 0, amber: 0, red: 0 },
      live: { healthy: 0, drifting: 0 },
      burnup: [],
      topBlockers: [],
      upcomingWindows: [],
    };
  }
  const horizon = new Date(now.getTime() + UPCOMING_DAYS * 86_400_000).toISOString();

  const [readiness, engineers, nextWindows, upcoming, signoffGaps, weekly, owners, people, floor, drift] =
    await Promise.all([
      judge(
        db,
        at,
        plantRows.map((p) => p.code)
      ),
      db
        .selectFrom("person_plant as pp")
        .innerJoin("person as e", "e.id", "pp.person_id")
        .select(["pp.plant_id", joinedText(db, sql.ref("e.name"), "; ").as("names")])
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
      ) as ranked where n = 1`.execute(db),
      sql<WindowRow>`
      select w.id, p.code as plant_code, p.name as plant_name, w.title, w.kind, w.status, w.starts_at, w.ends_at,
        w.time_zone
      from outage_window w join plant p on p.id = w.plant_id
      where w.status in ('planned', 'confirmed') and w.ends_at > ${at} and w.starts_at < ${horizon}
        and w.plant_id in (${sql.join(ids)})
      order by w.starts_at, p.code, w.id
      limit ${UPCOMING_LIMIT}`.execute(db),
      // Every signoff part not signed: counted per plant, and read for who must sign.
      sql<{
        plant_id: number;
        subject_type: "conduit" | "ownership_split";
        subject_id: number;
        part: SignoffPart;
        status: "missing" | "stale";
        changed_at: string | null;
      }>`
      select plant_id, subject_type, subject_id, part, status, changed_at
      from (${signoffPartsSql(ids)}) as parts
      where status != 'signed'`.execute(db),
      // Gate passes per phase per ISO week, and plants joining the program per ISO week (the scope line).
      sql<{ week: string; series: string; count: number }>`
      select ${weekOf(db, sql.ref("passed_at"))} as week, phase as series, count(*) as count
      from gate_pass where plant_id in (${sql.join(ids)}) and passed_at <= ${at}
      group by week, phase
      union all
      select ${weekOf(db, sql.ref("created_at"))} as week, 'scope' as series, count(*) as count
      from plant where id in (${sql.join(ids)}) and created_at <= ${at}
      group by week`.execute(db),
      // Each conduit's two owners, by name: who must act on a conduit that holds its plant back.
      db
        .selectFrom("conduit as c")
        .leftJoin("person as d", "d.id", "c.design_owner_id")
        .leftJoin("person as m", "m.id", "c.monitoring_owner_id")
        .select(["c.id", "c.plant_id", "d.name as design_owner", "m.name as monitoring_owner"])
        .where("c.plant_id", "in", ids)
        .execute(),
      // The program's leads and corporate security: who acts where no one person is named.
      db
        .selectFrom("person")
        .select(["name", "role"])
        .where("active", "=", 1)
        .where("role", "in", ["program_lead", "corporate_security"])
        .orderBy("name")
        .execute(),
      computeFloorStats(db, now, plantIds),
      // A live plant's drift: judged afresh with the rollup (the rollup is kept only while nothing changes).
      loadDrift(db, ids, now),
    ]);

  const readinessByCode = new Map(readiness.map((r) => [r.code, r]));
  const engineersByPlant = new Map(engineers.map((e) => [e.plant_id, (e.names ?? "").split("; ").sort()]));
  const nextByPlant = new Map(nextWindows.rows.map((w) => [w.plant_id, windowSummary(w)]));
  const leads = people.filter((p) => p.role === "program_lead").map((p) => p.name);
  const security = people.filter((p) => p.role === "corporate_security").map((p) => p.name);
  const signoffsByPlant = new Map<number, { missing: number; stale: number; staleSince: string | null }>();
  const unsignedBySubject = new Map<string, SignoffPart[]>();
  for (const gap of signoffGaps.rows) {
    const counts = signoffsByPlant.get(gap.plant_id) ?? { missing: 0, stale: 0, staleSince: null };
    counts[gap.status] += 1;
    if (gap.status === "stale" && gap.changed_at && (!counts.staleSince || gap.changed_at < counts.staleSince))
      counts.staleSince = gap.changed_at;
    signoffsByPlant.set(gap.plant_id, counts);
    const subject = `${gap.subject_type}:${gap.subject_id}`;
    unsignedBySubject.set(subject, [...(unsignedBySubject.get(subject) ?? []), gap.part]);
  }
  const ownersByPlant = new Map<number, typeof owners>();
  for (const o of owners) ownersByPlant.set(o.plant_id, [...(ownersByPlant.get(o.plant_id) ?? []), o]);

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
      oldestBlockerDays: open.length > 0 ? age : null,
    });
    const gate = r?.gates.find((g) => g.phase === phase) ?? null;
    const signoffs = signoffsByPlant.get(p.id);
    const baselines = new Map(r?.conduits.map((c) => [c.id, c.baseline.status]) ?? []);
    const facts: ActFacts = {
      engineers: engineersByPlant.get(p.id) ?? [],
      leads,
      security,
      conduits: new Map(
        (ownersByPlant.get(p.id) ?? []).map((o): [number, ConduitActFacts] => [
          o.id,
          {
            designOwner: o.design_owner,
            monitoringOwner: o.monitoring_owner,
            unsigned: unsignedBySubject.get(`conduit:${o.id}`) ?? [],
            baseline: baselines.get(o.id) ?? null,
          },
        ])
      ),
      splitUnsigned: unsignedBySubject.get(`ownership_split:${p.id}`) ?? [],
    };
    // Every blocker dates from the plant's entry into its phase: the oldest is the first in the gate's order.
    const first = open[0];
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
        object: objectAtFault(b.objects),
        mustAct: whoMustAct(b, facts),
      });
    }
    return {
      ...plantHeading(p, phase),
      gates: (r?.gates ?? []).map((g) => ({ phase: g.phase, status: g.status, passedAt: g.passedAt })),
      gateStatus: gate?.status ?? null,
      blockerCount: open.length,
      phaseSince,
      oldestBlockerDays: open.length > 0 ? age : null,
      blockers: open.map((b) => ({ code: b.code, title: b.title, message: b.message })),
      oldestBlocker: first
        ? {
            code: first.code,
            title: first.title,
            message: first.message,
            object: objectAtFault(first.objects),
            since: phaseSince,
            ageDays: age,
          }
        : null,
      mustAct: first
        ? whoMustAct(first, facts)
        : phase !== "complete" && gate?.status === "ready"
        ? whoPassesGate(phase, facts)
        : [],
      criteria: r ? criterionCells(phase, r.gates) : {},
      forecastLive: r?.forecastLive ?? null,
      forecastReason: r?.forecastReason ?? null,
      targetAlerting: p.target_alerting,
      daysLate: rag.daysLate,
      rag: rag.rag,
      ragReason: rag.reason,
      nextOutage: nextByPlant.get(p.id) ?? null,
      engineers: engineersByPlant.get(p.id) ?? [],
      signoffs: signoffs ?? { missing: 0, stale: 0, staleSince: null },
      drift: driftOf(phase, drift.get(p.id)),
    };
  });

  const byPhase = Object.fromEntries([...PHASES, "complete"].map((p) => [p, 0])) as Record<PlantPhase, number>;
  const byRag: Record<Rag, number> = { green: 0, amber: 0, red: 0 };
  for (const plant of plants) {
    byPhase[plant.phase] += 1;
    byRag[plant.rag] += 1;
  }
  const live = driftCounts(plants.map((p) => p.drift?.status ?? null));
  topBlockers.sort(
    (a, b) => b.ageDays - a.ageDays || a.plantCode.localeCompare(b.plantCode) || a.code.localeCompare(b.code)
  );

  return {
    // The readiness figures may come from the server's cache: the rollup is as of the oldest of them.
    computedAt: readiness.reduce((earliest, r) => (r.at < earliest ? r.at : earliest), at),
    floor,
    today,
    plants,
    byPhase,
    byRag,
    live: { healthy: live.live, drifting: live.drifting },
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
