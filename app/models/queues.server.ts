import { sql } from "kysely";
import { DateTime } from "luxon";
import { targetsOf } from "~/domain/phase";
import { can, type Principal } from "~/domain/permissions";
import {
  acceptancesToGive,
  blockedFlowsToAcknowledge,
  alertsToWire,
  criteriaToTick,
  gatesToPass,
  hasQueue,
  plantsPastTarget,
  queueSections,
  queueSpansProgram,
  rulesToReview,
  rulesToWrite,
  signoffsToGive,
  type QueueConduit,
  type QueueRule,
  type QueueSections,
} from "~/domain/queue";
import type { PlantReadiness } from "~/domain/readiness";
import { openCutoverImpacts } from "~/models/cutover-impact.server";
import { acceptanceSubject, computeReadinessOf } from "~/models/readiness.server";
import { listSignoffGaps } from "~/models/signoff-gaps.server";
import { listSignoffs } from "~/models/signoffs.server";
import { joinedText, type Executor } from "~/utils/db.server";

// The work that waits on a person, behind /me: what the domain's queue rules (app/domain/queue.ts) decide from, read
// for the plants the person's queue spans.

interface QueueChange {
  id: number;
  plantId: number;
  plantCode: string;
  timeZone: string;
  kind: string;
  title: string;
  status: string;
  plannedStart: string | null;
  plannedMinutes: number | null;
  windowEndsAt: string | null;
  /** "schedule": needs a window; "close": its window is under way, record its outcome or cancel it. */
  todo: "schedule" | "close";
}

/** Network changes at the plants that need scheduling into a window, or closing while their window is under way. */
async function listChangesToAct(db: Executor, plantIds: readonly number[], at: string): Promise<QueueChange[]> {
  if (plantIds.length === 0) return [];
  const rows = await db
    .selectFrom("network_change as n")
    .innerJoin("plant as p", "p.id", "n.plant_id")
    .leftJoin("outage_window as w", "w.id", "n.window_id")
    .select([
      "n.id",
      "n.plant_id",
      "p.code",
      "p.time_zone",
      "n.kind",
      "n.title",
      "n.status",
      "n.planned_start",
      "n.planned_minutes",
      "w.starts_at as window_starts_at",
      "w.ends_at as window_ends_at",
    ])
    .where("n.plant_id", "in", [...plantIds])
    .where((eb) =>
      eb.or([
        eb("n.status", "=", "needs_window"),
        // Under way: begun, its window not yet over (once it is, the change is an outcome due, its own section).
        eb.and([
          eb("n.status", "=", "scheduled"),
          eb.or([eb("n.planned_start", "<=", at), eb("w.starts_at", "<=", at)]),
          eb.or([eb("w.ends_at", "is", null), eb("w.ends_at", ">", at)]),
        ]),
      ])
    )
    .orderBy("p.code")
    .orderBy("n.planned_start")
    .orderBy("n.id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    plantId: r.plant_id,
    plantCode: r.code,
    timeZone: r.time_zone,
    kind: r.kind,
    title: r.title,
    status: r.status,
    plannedStart: r.planned_start ?? r.window_starts_at,
    plannedMinutes: r.planned_minutes,
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
      where a.status = 'staged' and a.triage is distinct from 'transient' ${escalatedOnly}
        and a.plant_id in (${sql.join([...plantIds])})
    ) as ranked where n <= 5
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

/** The conduits of the plants with what the alerting queues decide from: owners, wiring, rules, baseline. */
async function listQueueConduits(
  db: Executor,
  plants: readonly QueuePlant[],
  person: Principal & { personId: number | null },
  now: Date,
  judge: typeof computeReadinessOf
): Promise<QueueConduit[]> {
  if (plants.length === 0) return [];
  const byId = new Map(plants.map((p) => [p.id, p]));
  const rows = await db
    .selectFrom("conduit as c")
    .leftJoin("alert_wiring as w", (join) =>
      join.onRef("w.conduit_id", "=", "c.id").onRef("w.conduit_revision", "=", "c.revision")
    )
    .leftJoin("person as wp", "wp.id", "w.person_id")
    .select((eb) => [
      "c.id",
      "c.plant_id",
      "c.name",
      "c.revision",
      "c.monitored",
      "c.design_owner_id",
      "c.monitoring_owner_id",
      "w.at as wired_at",
      "wp.name as wired_by",
      eb
        .selectFrom("detection_rule as r")
        .whereRef("r.conduit_id", "=", "c.id")
        .select(eb.fn.countAll<number>().as("n"))
        .as("rule_count"),
    ])
    .where("c.plant_id", "in", [...byId.keys()])
    .orderBy("c.plant_id")
    .orderBy("c.name")
    .orderBy("c.id")
    .execute();
  // Readiness (baseline, alert block) only where an unwired monitored conduit could wait on the person.
  const mine = (r: (typeof rows)[number]) =>
    r.design_owner_id === person.personId ||
    r.monitoring_owner_id === person.personId ||
    r.monitoring_owner_id === null;
  const judged = [
    ...new Set(rows.filter((r) => r.monitored && r.wired_at === null && mine(r)).map((r) => r.plant_id)),
  ].map((id) => byId.get(id)!.code);
  const readiness: PlantReadiness[] = judged.length > 0 ? await judge(db, now.toISOString(), judged) : [];
  const tracks = new Map(readiness.flatMap((r) => r.conduits.map((c) => [c.id, c] as const)));
  return rows.map((r) => {
    const plant = byId.get(r.plant_id)!;
    const track = tracks.get(r.id);
    const baseline = track?.baseline ?? { status: "none" as const, countedDays: 0, epochStart: null };
    return {
      plantId: r.plant_id,
      plantCode: plant.code,
      id: r.id,
      name: r.name,
      revision: r.revision,
      monitored: Boolean(r.monitored),
      designOwnerId: r.design_owner_id,
      monitoringOwnerId: r.monitoring_owner_id,
      baseline: { status: baseline.status, countedDays: baseline.countedDays },
      // Not judged: already wired, or nothing of it can wait on the person.
      alertBlock: track ? track.alertBlock : "Not judged.",
      wiring: r.wired_at !== null ? { at: r.wired_at, by: r.wired_by ?? "" } : null,
      ruleCount: Number(r.rule_count ?? 0),
      acceptance: acceptanceSubject(r, baseline, plant.timeZone, now),
    };
  });
}

/** Detection rules not reviewed yet at the plants, by plant and conduit. */
async function listUnreviewedRules(db: Executor, plants: readonly QueuePlant[]): Promise<QueueRule[]> {
  if (plants.length === 0) return [];
  const codes = new Map(plants.map((p) => [p.id, p.code]));
  const rows = await db
    .selectFrom("detection_rule as r")
    .innerJoin("conduit as c", "c.id", "r.conduit_id")
    .select(["r.id", "r.name", "r.class", "c.id as conduit_id", "c.name as conduit_name", "c.plant_id"])
    .where("c.plant_id", "in", [...codes.keys()])
    .where("r.reviewed_by", "is", null)
    .orderBy("c.plant_id")
    .orderBy("c.name")
    .orderBy("r.id")
    .execute();
  return rows.map((r) => ({
    plantId: r.plant_id,
    plantCode: codes.get(r.plant_id)!,
    conduitId: r.conduit_id,
    conduitName: r.conduit_name,
    id: r.id,
    name: r.name,
    ruleClass: r.class,
    reviewed: false,
  }));
}

/** Each plant's gate targets, the gates it passed, and its plant-local today. */
async function listPlantTargets(db: Executor, plants: readonly QueuePlant[], now: Date) {
  if (plants.length === 0) return [];
  const rows = await db
    .selectFrom("plant as p")
    .select((eb) => [
      "p.id",
      "p.code",
      "p.time_zone",
      "p.target_inventory",
      "p.target_zoning",
      "p.target_conduits",
      "p.target_baseline",
      "p.target_alerting",
      eb
        .selectFrom("gate_pass as g")
        .whereRef("g.plant_id", "=", "p.id")
        .select(joinedText(db, sql.ref("g.phase")).as("phases"))
        .as("passed"),
    ])
    .where(
      "p.id",
      "in",
      plants.map((p) => p.id)
    )
    .orderBy("p.code")
    .execute();
  return rows.map((r) => ({
    plantCode: r.code,
    today: DateTime.fromJSDate(now).setZone(r.time_zone).toISODate() ?? now.toISOString().slice(0, 10),
    targets: targetsOf(r),
    passed: r.passed ? r.passed.split(",") : [],
  }));
}

interface QueuePlant {
  id: number;
  code: string;
  name: string;
  timeZone: string;
}

/**
 * The plants a person's queue spans, by code: the program, the plants assigned to them, or none; only those of
 * `only` when given.
 */
async function listQueuePlants(
  db: Executor,
  principal: Principal,
  sections: QueueSections,
  only: readonly number[] | null
): Promise<QueuePlant[]> {
  if (!hasQueue(sections)) return [];
  let query = db.selectFrom("plant").select(["id", "code", "name", "time_zone"]).orderBy("code");
  if (!queueSpansProgram(principal)) {
    query = query.where("id", "in", principal.assignedPlantIds.length > 0 ? [...principal.assignedPlantIds] : [-1]);
  }
  if (only !== null) query = query.where("id", "in", only.length > 0 ? [...only] : [-1]);
  const rows = await query.execute();
  return rows.map((p) => ({ id: p.id, code: p.code, name: p.name, timeZone: p.time_zone }));
}

/**
 * Everything that waits on the person at `now`, each list in the order the queue shows it (not cut short); with
 * `only`, at those plants alone (the notifier asks for the plants that changed).
 */
export async function loadQueue(
  db: Executor,
  person: Principal & { personId: number | null },
  now: Date,
  /** How plants are judged: afresh by default; the server passes its cached judge. */
  judge: typeof computeReadinessOf = computeReadinessOf,
  only: readonly number[] | null = null
) {
  const at = now.toISOString();
  const sections = queueSections(person);
  const plants = await listQueuePlants(db, person, sections, only);
  const ids = plants.map((p) => p.id);
  const byId = new Map(plants.map((p) => [p.id, p]));
  const tickIds = sections.criteria
    ? ids.filter((id) => can(person, "tick:criterion", id) && person.assignedPlantIds.includes(id))
    : [];
  const passIds = sections.gates ? ids.filter((id) => can(person, "pass:gate", id)) : [];
  const readinessCodes = [...new Set([...tickIds, ...passIds])].map((id) => byId.get(id)!.code);

  const alertingPlants = plants.filter(
    (p) =>
      (sections.wiring && can(person, "wire:alerts", p.id)) ||
      (sections.rulesToWrite && can(person, "write:rule", p.id)) ||
      (sections.acceptances && person.personId !== null)
  );
  const [readiness, gaps, changes, staged, conduits, acceptances, rules, targets] = await Promise.all([
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
    listQueueConduits(db, alertingPlants, person, now, judge),
    sections.acceptances && alertingPlants.length > 0
      ? listSignoffs(
          db,
          alertingPlants.map((p) => p.id),
          "baseline_acceptance"
        )
      : Promise.resolve([]),
    sections.rulesToReview
      ? listUnreviewedRules(
          db,
          plants.filter((p) => can(person, "review:rule", p.id))
        )
      : Promise.resolve([]),
    sections.targets ? listPlantTargets(db, plants, now) : Promise.resolve([]),
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
    targets: plantsPastTarget(targets),
    wiring: sections.wiring ? alertsToWire(conduits, person) : [],
    acceptances: sections.acceptances ? acceptancesToGive(conduits, person, acceptances) : [],
    rulesToWrite: sections.rulesToWrite ? rulesToWrite(conduits, person) : [],
    rulesToReview: rulesToReview(rules, person),
    changes,
    staged,
    /** The conduits the alerting sections were decided from, with their baselines where judged. */
    conduits,
  };
}

/**
 * The open cutovers of the conduits the person designs, with their predicted blocked flows still to acknowledge
 * (app/domain/queue.ts: blockedFlowsToAcknowledge), at the plants the person reads.
 */
export async function loadFlowsToAcknowledge(db: Executor, person: Principal & { personId: number | null }, now: Date) {
  if (person.personId === null || !can(person, "sign:design")) return [];
  const plants = await db
    .selectFrom("plant")
    .select(["id", "code"])
    .where("id", "in", person.assignedPlantIds.length > 0 ? [...person.assignedPlantIds] : [-1])
    .execute();
  const codes = new Map(plants.map((p) => [p.id, p.code]));
  const cutovers = await openCutoverImpacts(db, [...codes.keys()], { designOwnerId: person.personId }, now);
  return blockedFlowsToAcknowledge(
    cutovers.map((c) => ({ ...c, plantCode: codes.get(c.plantId)! })),
    person
  );
}
