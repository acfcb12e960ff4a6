import { sql } from "kysely";
import { can, type Principal } from "~/domain/permissions";
import {
  criteriaToTick,
  gatesToPass,
  hasQueue,
  queueSections,
  queueSpansProgram,
  signoffsToGive,
  type QueueSections,
} from "~/domain/queue";
import { computeReadinessOf } from "~/models/readiness.server";
import { listSignoffGaps } from "~/models/signoff-gaps.server";
import type { Executor } from "~/utils/db.server";

// The work that waits on a person, behind /me: network changes to schedule or close, staged hosts to triage.

interface QueueChange {
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
async function listChangesToAct(db: Executor, plantIds: readonly number[], at: string): Promise<QueueChange[]> {
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
async function listStagedHosts(
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

interface QueuePlant {
  id: number;
  code: string;
  name: string;
  timeZone: string;
}

/** The plants a person's queue spans, by code: the program, the plants assigned to them, or none. */
async function listQueuePlants(db: Executor, principal: Principal, sections: QueueSections): Promise<QueuePlant[]> {
  if (!hasQueue(sections)) return [];
  let query = db.selectFrom("plant").select(["id", "code", "name", "time_zone"]).orderBy("code");
  if (!queueSpansProgram(principal)) {
    query = query.where("id", "in", principal.assignedPlantIds.length > 0 ? [...principal.assignedPlantIds] : [-1]);
  }
  const rows = await query.execute();
  return rows.map((p) => ({ id: p.id, code: p.code, name: p.name, timeZone: p.time_zone }));
}

/** Everything that waits on the person at `now`, each list in the order the queue shows it (not cut short). */
export async function loadQueue(
  db: Executor,
  person: Principal & { personId: number | null },
  now: Date,
  /** How plants are judged: afresh by default; the server passes its cached judge. */
  judge: typeof computeReadinessOf = computeReadinessOf
) {
  const at = now.toISOString();
  const sections = queueSections(person);
  const plants = await listQueuePlants(db, person, sections);
  const ids = plants.map((p) => p.id);
  const byId = new Map(plants.map((p) => [p.id, p]));
  const tickIds = sections.criteria
    ? ids.filter((id) => can(person, "tick:criterion", id) && person.assignedPlantIds.includes(id))
    : [];
  const passIds = sections.gates ? ids.filter((id) => can(person, "pass:gate", id)) : [];
  const readinessCodes = [...new Set([...tickIds, ...passIds])].map((id) => byId.get(id)!.code);

  const [readiness, gaps, changes, staged] = await Promise.all([
    readinessCodes.length > 0 ? judge(db, at, readinessCodes) : Promise.resolve([]),
    sections.signoffs ? listSignoffGaps(db, ids) : Promise.resolve([]),
    sections.changes
      ? listChangesToAct(
          db,
          ids.filter((id) => can(person, "schedule:change", id)),
          at
        )
      : Promise.resolve([]),
    sections.staged
      ? listStagedHosts(
          db,
          ids.filter((id) => can(person, "triage:asset", id)),
          sections.staged === "escalated"
        )
      : Promise.resolve([]),
  ]);

  const codeToId = new Map(plants.map((p) => [p.code, p.id]));
  return {
    sections,
    plants,
    spansProgram: queueSpansProgram(person),
    criteria: criteriaToTick(readiness.filter((r) => tickIds.includes(codeToId.get(r.code)!))),
    gates: gatesToPass(readiness.filter((r) => passIds.includes(codeToId.get(r.code)!))),
    signoffs: sections.signoffs
      ? signoffsToGive(
          gaps.map((g) => ({ ...g, plantCode: byId.get(g.plantId)!.code })),
          sections.signoffs,
          person.personId
        )
      : [],
    changes,
    staged,
  };
}
