import { sql } from "kysely";
import { localDay } from "~/domain/calendar";
import { currentPhase } from "~/domain/phase";
import { blockers, type GateStatus } from "~/domain/readiness";
import {
  ageInDays,
  blockerFlag,
  burnup,
  ragOf,
  UPCOMING_DAYS,
  type BurnupWeek,
  type Rag,
  type WeeklyCount,
} from "~/domain/rollup";
import { formatLocalRange } from "~/domain/local-time";
import { PHASES, type Phase, type PlantPhase } from "~/domain/vocabulary";
import { readinessOf, wholeProgramAnswer } from "~/models/readiness.server";
import type { Executor } from "~/utils/db.server";

// The program rollup behind /dashboard, /plants, /api/rollup and the plant rollup CSV. Every figure is
// aggregated in SQL (one query per kind of fact for all plants) and readiness comes from one readinessOf call.

export interface WindowSummary {
  id: number;
  plantCode: string;
  plantName: string;
  title: string;
  kind: string;
  status: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  /** The window in the plant's own clock, with its zone abbreviation. */
  local: string;
}

export interface SignoffCounts {
  missing: number;
  stale: number;
  /** When the oldest stale part's subject was changed (conduits), null when none or unknown. */
  staleSince: string | null;
}

export interface PlantRollup {
  id: number;
  code: string;
  name: string;
  site: string;
  region: string;
  timeZone: string;
  phase: PlantPhase;
  gates: { phase: Phase; status: GateStatus; passedAt: string | null }[];
  /** The status of the current phase's exit gate; null once every gate is passed. */
  gateStatus: GateStatus | null;
  blockerCount: number;
  /** When the plant entered its current phase: the last gate pass, or when it joined the program. */
  phaseSince: string;
  /** Age in days of the oldest blocker (blockers date from the plant's entry into the phase), null when none. */
  oldestBlockerDays: number | null;
  blockers: { code: string; title: string; message: string }[];
  forecastLive: string | null;
  forecastReason: string | null;
  targetAlerting: string | null;
  daysLate: number | null;
  rag: Rag;
  ragReason: string;
  nextOutage: WindowSummary | null;
  engineers: string[];
  signoffs: SignoffCounts;
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
}

export interface Rollup {
  computedAt: string;
  /** The UTC day the ages and weeks are counted to. */
  today: string;
  plants: PlantRollup[];
  byPhase: Record<PlantPhase, number>;
  byRag: Record<Rag, number>;
  burnup: BurnupWeek[];
  topBlockers: TopBlocker[];
  upcomingWindows: WindowSummary[];
}

const PARTS_SQL = sql`(select 'design_change_control' as part union all select 'monitoring_incident_response')`;

/**
 * Every signoff part the program needs, judged in SQL: each part of each conduit (by its assigned owner, at the
 * conduit's current revision) and of each plant's ownership split (by anyone of the part's role). `missing`
 * when a conduit's part has no owner assigned, `signed` when a live signoff holds the current revision, `stale` when
 * only an earlier revision was signed, else `missing`: what the domain's partState says (a conduit's revision moves
 * with every change of its content, so comparing revisions is comparing content hashes; test/integration/
 * signoff-rollup-agreement.test.ts proves the two agree).
 */
function signoffPartsSql(plantIds: readonly number[]) {
  const ids = plantIds.length > 0 ? sql.join(plantIds) : sql`null`;
  return sql`
    with needed as (
      select c.plant_id, 'conduit' as subject_type, c.id as subject_id, c.name as subject_name, parts.part,
        case parts.part when 'design_change_control' then c.design_owner_id else c.monitoring_owner_id end as owner_id,
        c.revision, c.updated_at as changed_at, 1 as needs_owner
      from conduit c cross join ${PARTS_SQL} parts
      where c.plant_id in (${ids})
      union all
      select pl.id, 'ownership_split', pl.id, 'Ownership split', parts.part, null, pl.ownership_split_revision,
        null, 0
      from plant pl cross join ${PARTS_SQL} parts
      where pl.id in (${ids})
    ),
    judged as (
      select n.*,
        exists (
          select 1 from signoff s
          where s.subject_type = n.subject_type and s.subject_id = n.subject_id and s.part = n.part
            and s.revoked_at is null and s.revision = n.revision
            and (n.needs_owner = 0 or s.person_id = n.owner_id)
        ) as signed,
        exists (
          select 1 from signoff s
          where s.subject_type = n.subject_type and s.subject_id = n.subject_id and s.part = n.part
            and s.revoked_at is null and s.revision < n.revision
        ) as has_stale
      from needed n
    )
    select plant_id, subject_type, subject_id, subject_name, part, owner_id, revision, changed_at,
      case when needs_owner = 1 and owner_id is null then 'missing'
           when signed then 'signed'
           when has_stale then 'stale' else 'missing' end as status
    from judged`;
}

export interface SignoffGap {
  plantId: number;
  subjectType: "conduit" | "ownership_split";
  subjectId: number;
  subjectName: string;
  part: "design_change_control" | "monitoring_incident_response";
  ownerId: number | null;
  revision: number;
  changedAt: string | null;
  status: "missing" | "stale";
}

/** Signoff parts at the plants that are missing or stale, one row each. */
export async function listSignoffGaps(db: Executor, plantIds: readonly number[]): Promise<SignoffGap[]> {
  if (plantIds.length === 0) return [];
  const { rows } = await sql<{
    plant_id: number;
    subject_type: SignoffGap["subjectType"];
    subject_id: number;
    subject_name: string;
    part: SignoffGap["part"];
    owner_id: number | null;
    revision: number;
    changed_at: string | null;
    status: SignoffGap["status"];
  }>`select * from (${signoffPartsSql(
    plantIds
  )}) where status != 'signed' order by plant_id, subject_type, subject_name, part`.execute(db);
  return rows.map((r) => ({
    plantId: r.plant_id,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    subjectName: r.subject_name,
    part: r.part,
    ownerId: r.owner_id,
    revision: r.revision,
    changedAt: r.changed_at,
    status: r.status,
  }));
}

const UPCOMING_LIMIT = 20;

function windowSummary(w: {
  id: number;
  plant_code: string;
  plant_name: string;
  title: string;
  kind: string;
  status: string;
  starts_at: string;
  ends_at: string;
  time_zone: string;
}): WindowSummary {
  return {
    id: w.id,
    plantCode: w.plant_code,
    plantName: w.plant_name,
    title: w.title,
    kind: w.kind,
    status: w.status,
    startsAt: w.starts_at,
    endsAt: w.ends_at,
    timeZone: w.time_zone,
    local: formatLocalRange(w.starts_at, w.ends_at, w.time_zone),
  };
}

/**
 * The rollup of the plants (all when `plantIds` is null) at `now`. Past weeks of the burn-up come only from
 * dated gate passes and plant creation, so they never move when today's data changes.
 */
/**
 * The program rollup as of `now`, for every plant or the given ones. On the server it is computed once and kept
 * while nothing in the program changes (at most a few minutes: `computedAt` says when it was computed).
 */
export function loadRollup(db: Executor, now: Date, plantIds: readonly number[] | null = null): Promise<Rollup> {
  const key = `rollup:${plantIds === null ? "*" : [...plantIds].sort((a, b) => a - b).join(",")}`;
  return wholeProgramAnswer(db, key, now, (at) => computeRollup(db, at, plantIds));
}

async function computeRollup(db: Executor, now: Date, plantIds: readonly number[] | null): Promise<Rollup> {
  const at = now.toISOString();
  const today = at.slice(0, 10);
  let plantQuery = db
    .selectFrom("plant as p")
    .select((eb) => [
      "p.id",
      "p.code",
      "p.name",
      "p.site",
      "p.region",
      "p.time_zone",
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
    readinessOf(
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
    sql<{
      id: number;
      plant_id: number;
      plant_code: string;
      plant_name: string;
      title: string;
      kind: string;
      status: string;
      starts_at: string;
      ends_at: string;
      time_zone: string;
    }>`
      select * from (
        select w.id, w.plant_id, p.code as plant_code, p.name as plant_name, w.title, w.kind, w.status,
          w.starts_at, w.ends_at, w.time_zone,
          row_number() over (partition by w.plant_id order by w.starts_at, w.id) as n
        from outage_window w join plant p on p.id = w.plant_id
        where w.kind = 'scheduled_outage' and w.status in ('planned', 'confirmed') and w.ends_at > ${at}
          and w.plant_id in (${sql.join(ids)})
      ) where n = 1`.execute(db),
    sql<{
      id: number;
      plant_code: string;
      plant_name: string;
      title: string;
      kind: string;
      status: string;
      starts_at: string;
      ends_at: string;
      time_zone: string;
    }>`
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
      id: p.id,
      code: p.code,
      name: p.name,
      site: p.site,
      region: p.region,
      timeZone: p.time_zone,
      phase,
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
  "forecast_live",
  "target_alerting",
  "days_late",
  "rag",
  "next_outage_start_utc",
  "next_outage_end_utc",
  "engineers",
  "signoffs_missing",
  "signoffs_stale",
] as const;

export function rollupCsvRow(p: PlantRollup): (string | number | null)[] {
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
    p.forecastLive,
    p.targetAlerting,
    p.daysLate,
    p.rag,
    p.nextOutage?.startsAt ?? null,
    p.nextOutage?.endsAt ?? null,
    p.engineers.join("; "),
    p.signoffs.missing,
    p.signoffs.stale,
  ];
}

/** The documented JSON of GET /api/rollup (docs/api.md). */
export function rollupDocument(rollup: Rollup) {
  return {
    computedAt: rollup.computedAt,
    byPhase: rollup.byPhase,
    byRag: rollup.byRag,
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
    })),
    topBlockers: rollup.topBlockers.map((b) => ({
      plant: b.plantCode,
      phase: b.phase,
      criterion: b.code,
      since: b.since,
      ageDays: b.ageDays,
      flag: b.flag,
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

// ——— the personal queue behind /me ———

export interface QueueChange {
  id: number;
  plantCode: string;
  timeZone: string;
  kind: string;
  title: string;
  status: string;
  plannedStart: string | null;
  windowEndsAt: string | null;
  /** "schedule": needs a window; "close": its window has started, mark it done or cancel it. */
  todo: "schedule" | "close";
}

/** Network changes at the plants that need scheduling into a window, or closing once their window has begun. */
export async function listChangesToAct(db: Executor, plantIds: readonly number[], at: string): Promise<QueueChange[]> {
  if (plantIds.length === 0) return [];
  const rows = await db
    .selectFrom("network_change as n")
    .innerJoin("plant as p", "p.id", "n.plant_id")
    .leftJoin("outage_window as w", "w.id", "n.window_id")
    .select([
      "n.id",
      "p.code",
      "p.time_zone",
      "n.kind",
      "n.title",
      "n.status",
      "n.planned_start",
      "w.starts_at as window_starts_at",
      "w.ends_at as window_ends_at",
    ])
    .where("n.plant_id", "in", [...plantIds])
    .where((eb) =>
      eb.or([
        eb("n.status", "=", "needs_window"),
        eb.and([
          eb("n.status", "=", "scheduled"),
          eb.or([eb("n.planned_start", "<=", at), eb("w.starts_at", "<=", at)]),
        ]),
      ])
    )
    .orderBy("p.code")
    .orderBy("n.planned_start")
    .orderBy("n.id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    plantCode: r.code,
    timeZone: r.time_zone,
    kind: r.kind,
    title: r.title,
    status: r.status,
    plannedStart: r.planned_start ?? r.window_starts_at,
    windowEndsAt: r.window_ends_at,
    todo: r.status === "needs_window" ? "schedule" : "close",
  }));
}

export interface StagedHosts {
  plantId: number;
  plantCode: string;
  count: number;
  escalated: number;
  /** The first few, by name. */
  examples: { id: number; name: string; ip: string | null; triage: string | null }[];
}

/** Staged hosts not marked known-transient, per plant: how many, and the first few by name. */
export async function listStagedHosts(
  db: Executor,
  plantIds: readonly number[],
  onlyEscalated = false
): Promise<StagedHosts[]> {
  if (plantIds.length === 0) return [];
  const escalatedOnly = onlyEscalated ? sql`and a.triage = 'escalated'` : sql``;
  const { rows } = await sql<{
    plant_id: number;
    code: string;
    id: number;
    name: string;
    ip: string | null;
    triage: string | null;
    n: number;
    total: number;
    escalated: number;
  }>`
    select * from (
      select a.plant_id, p.code, a.id, a.name, a.ip, a.triage,
        row_number() over (partition by a.plant_id order by a.name, a.id) as n,
        count(*) over (partition by a.plant_id) as total,
        sum(case when a.triage = 'escalated' then 1 else 0 end) over (partition by a.plant_id) as escalated
      from asset a join plant p on p.id = a.plant_id
      where a.status = 'staged' and a.triage is not 'transient' ${escalatedOnly}
        and a.plant_id in (${sql.join([...plantIds])})
    ) where n <= 5
    order by code, n`.execute(db);
  const byPlant = new Map<number, StagedHosts>();
  for (const r of rows) {
    const entry = byPlant.get(r.plant_id) ?? {
      plantId: r.plant_id,
      plantCode: r.code,
      count: Number(r.total),
      escalated: Number(r.escalated),
      examples: [],
    };
    entry.examples.push({ id: r.id, name: r.name, ip: r.ip, triage: r.triage });
    byPlant.set(r.plant_id, entry);
  }
  return [...byPlant.values()];
}
