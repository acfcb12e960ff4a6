import { sql, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import {
  acknowledgementRefusals,
  flowLabel,
  flowToAdd,
  IMPACT_DAYS,
  impactCompletionRefusals,
  impactCounts,
  predictedBlockedFlows,
  readFlowKey,
  readFlowReason,
  STOPPED_AFTER_DAYS,
  STOPPED_BEFORE_DAYS,
  stoppedByCutover,
  type FlowKeyParts,
  type ImpactConduit,
  type Prediction,
  type SeenTuple,
  type StoppedReading,
  type TupleAround,
  type ZoneOf,
} from "~/domain/cutover-impact";
import { refuseFirst } from "~/utils/errors";
import type { FlowDecision } from "~/domain/vocabulary";
import { recordAudit } from "~/models/audit.server";
import { requireAct } from "~/models/authorize.server";
import { editConduitDefinition, listConduitDetails, type ConduitDetail } from "~/models/conduits.server";
import { loadZoneRanges } from "~/models/zones.server";
import type { Actor } from "~/utils/actor";
import type { DB, Executor } from "~/utils/db.server";
import { ActError, readOrRefuse, RefusedAct, withFieldNames } from "~/utils/errors";

// What a conduit cutover would block, from the flow hours of published ingests (app/domain/cutover-impact.ts), and
// the acts on it: the design owner acknowledges a predicted blocked flow as expected to stop, or a plant engineer
// adds it to the conduit's design (a new revision, as an edit of the conduit makes). Each act is one transaction with
// its audit event. A cutover with an unacknowledged predicted blocked flow is not marked done (requireImpactAcknowledged,
// called by completeChange).

/** The most tuples read for one cutover (the busiest first): a scan's spray of tuples stops here. */
const TUPLES_READ = 20_000;
/** The most cutovers whose counts one page or answer computes. */
const CUTOVERS_COUNTED = 100;
const DAY_MS = 86_400_000;

const seconds = (iso: string) => Date.parse(iso) / 1000;
const instant = (ts: number) => new Date(Math.round(Number(ts) * 1000)).toISOString();

/** Each tuple seen on the conduit in [from, to), by published ingests: connections and first and last seen. */
async function seenTuples(db: Executor, conduitId: number, from: string, to: string): Promise<SeenTuple[]> {
  const rows = await db
    .selectFrom("flow_hour as f")
    .innerJoin("evidence_ingest as i", "i.id", "f.ingest_id")
    .select((eb) => [
      "f.tuple",
      eb.fn.sum<number>("f.connections").as("connections"),
      eb.fn.min<number>("f.first_ts").as("first_ts"),
      eb.fn.max<number>("f.last_ts").as("last_ts"),
    ])
    .where("f.conduit_id", "=", conduitId)
    .where("i.state", "=", "published")
    .where("f.last_ts", ">=", seconds(from))
    .where("f.first_ts", "<", seconds(to))
    .groupBy("f.tuple")
    .orderBy("connections", "desc")
    .orderBy("f.tuple")
    .limit(TUPLES_READ)
    .execute();
  return rows.map((r) => ({
    tuple: r.tuple,
    connections: Number(r.connections),
    firstSeen: instant(r.first_ts),
    lastSeen: instant(r.last_ts),
  }));
}

/** Each tuple seen in the 7 days before `doneAt`, or in the 3 days after, with its connections before. */
async function tuplesAround(db: Executor, conduitId: number, doneAt: string): Promise<TupleAround[]> {
  const done = seconds(doneAt);
  const from = done - (STOPPED_BEFORE_DAYS * DAY_MS) / 1000;
  const to = done + (STOPPED_AFTER_DAYS * DAY_MS) / 1000;
  const rows = await db
    .selectFrom("flow_hour as f")
    .innerJoin("evidence_ingest as i", "i.id", "f.ingest_id")
    .select([
      "f.tuple",
      sql<number>`sum(case when f.first_ts < ${done} then f.connections else 0 end)`.as("before"),
      sql<number | null>`min(case when f.first_ts < ${done} then f.first_ts end)`.as("first_ts"),
      sql<number | null>`max(case when f.first_ts < ${done} then f.last_ts end)`.as("last_ts"),
      sql<number>`sum(case when f.last_ts > ${done} then 1 else 0 end)`.as("after_hours"),
    ])
    .where("f.conduit_id", "=", conduitId)
    .where("i.state", "=", "published")
    .where("f.last_ts", ">=", from)
    .where("f.first_ts", "<=", to)
    .groupBy("f.tuple")
    .orderBy("f.tuple")
    .limit(TUPLES_READ)
    .execute();
  return rows.map((r) => ({
    tuple: r.tuple,
    connectionsBefore: Number(r.before),
    firstSeen: r.first_ts === null ? doneAt : instant(r.first_ts),
    lastSeen: r.last_ts === null ? doneAt : instant(r.last_ts),
    seenAfter: Number(r.after_hours) > 0,
  }));
}

function impactConduitOf(detail: ConduitDetail): ImpactConduit {
  return {
    zoneA: detail.zoneAId,
    zoneB: detail.zoneBId,
    zoneAName: detail.zoneAName,
    zoneBName: detail.zoneBName,
    flows: detail.flows,
  };
}

/** Where each address of the plant lies, by its zones' ranges. */
async function zoneFinder(db: Executor, plantId: number): Promise<ZoneOf> {
  const { matcher } = await loadZoneRanges(db, plantId);
  return (address) => matcher.match(address);
}

/** The instant the prediction is read up to: the cutover's done instant, or now while it is open. */
function predictionEnd(change: { doneAt: string | null }, now: Date): string {
  return change.doneAt ?? now.toISOString();
}

async function predict(db: Executor, detail: ConduitDetail, zoneOf: ZoneOf, end: string): Promise<Prediction> {
  const from = new Date(Date.parse(end) - IMPACT_DAYS * DAY_MS).toISOString();
  const tuples = await seenTuples(db, detail.id, from, end);
  return predictedBlockedFlows({ conduit: impactConduitOf(detail), tuples, zoneOf });
}

export interface FlowAcknowledgement {
  flowKey: string;
  decision: FlowDecision;
  reason: string;
  personId: number;
  by: string;
  at: string;
}

async function acknowledgementsOf(db: Executor, changeIds: readonly number[]) {
  const byChange = new Map<number, FlowAcknowledgement[]>();
  if (changeIds.length === 0) return byChange;
  const rows = await db
    .selectFrom("cutover_flow_acknowledgement as a")
    .innerJoin("person as p", "p.id", "a.person_id")
    .select(["a.change_id", "a.flow_key", "a.decision", "a.reason", "a.person_id", "p.name", "a.at"])
    .where("a.change_id", "in", [...changeIds])
    .orderBy("a.id")
    .execute();
  for (const r of rows) {
    const list = byChange.get(r.change_id) ?? [];
    list.push({
      flowKey: r.flow_key,
      decision: r.decision,
      reason: r.reason,
      personId: r.person_id,
      by: r.name,
      at: r.at,
    });
    byChange.set(r.change_id, list);
  }
  return byChange;
}

interface CutoverRef {
  id: number;
  plantId: number;
  kind: string;
  title: string;
  status: string;
  doneAt: string | null;
  conduitId: number | null;
}

export interface CutoverImpact {
  conduit: { id: number; name: string; revision: number; designOwner: { id: number; name: string } | null };
  prediction: Prediction;
  acknowledgements: FlowAcknowledgement[];
  counts: { total: number; unacknowledged: number };
  /** Why the cutover cannot be marked done now (null when it can, or when it is done already). */
  blocked: string | null;
  stopped: StoppedReading;
}

/** A conduit cutover's predicted blocked flows with their acknowledgements, and for a done one what it stopped. */
export async function loadCutoverImpact(
  db: Executor,
  change: CutoverRef,
  timeZone: string,
  now: Date = new Date()
): Promise<CutoverImpact | null> {
  if (change.kind !== "conduit_cutover" || change.conduitId === null) return null;
  const [detail] = await listConduitDetails(db, change.plantId, change.conduitId);
  if (!detail) return null;
  const zoneOf = await zoneFinder(db, change.plantId);
  const prediction = await predict(db, detail, zoneOf, predictionEnd(change, now));
  const acknowledgements = (await acknowledgementsOf(db, [change.id])).get(change.id) ?? [];
  const acknowledged = new Set(acknowledgements.map((a) => a.flowKey));
  const open = change.status === "scheduled" || change.status === "needs_window";
  const refused = open
    ? impactCompletionRefusals({
        change,
        blockedKeys: prediction.keys,
        acknowledged,
        designOwner: detail.designOwner,
      })
    : null;
  const stopped = stoppedByCutover({
    doneAt: change.status === "done" ? change.doneAt : null,
    now: now.toISOString(),
    timeZone,
    conduit: impactConduitOf(detail),
    tuples: change.status === "done" && change.doneAt ? await tuplesAround(db, detail.id, change.doneAt) : [],
    zoneOf,
  });
  return {
    conduit: { id: detail.id, name: detail.name, revision: detail.revision, designOwner: detail.designOwner },
    prediction,
    acknowledgements,
    counts: impactCounts(prediction.keys, acknowledged),
    blocked: refused ? refused.reasons.map((r) => r.message).join(" ") : null,
    stopped,
  };
}

export interface CutoverImpactCount {
  changeId: number;
  plantId: number;
  conduitId: number;
  conduitName: string;
  designOwnerId: number | null;
  title: string;
  status: string;
  plannedStart: string | null;
  total: number;
  unacknowledged: number;
}

/**
 * The open conduit cutovers (scheduled, or waiting for a window) of the plants, each with how many flows it is
 * predicted to block and how many of those are not acknowledged; optionally only those of one conduit, or of the
 * conduits one person designs. At most CUTOVERS_COUNTED, soonest first.
 */
export async function openCutoverImpacts(
  db: Executor,
  plantIds: readonly number[],
  options: { conduitId?: number; designOwnerId?: number; statuses?: readonly ("scheduled" | "needs_window")[] } = {},
  now: Date = new Date()
): Promise<CutoverImpactCount[]> {
  if (plantIds.length === 0) return [];
  let query = db
    .selectFrom("network_change as n")
    .innerJoin("conduit as c", "c.id", "n.conduit_id")
    .select(["n.id", "n.plant_id", "n.title", "n.status", "n.planned_start", "c.id as conduit_id"])
    .where("n.plant_id", "in", [...plantIds])
    .where("n.kind", "=", "conduit_cutover")
    .where("n.status", "in", [...(options.statuses ?? ["scheduled", "needs_window"])]);
  if (options.conduitId !== undefined) query = query.where("n.conduit_id", "=", options.conduitId);
  if (options.designOwnerId !== undefined) query = query.where("c.design_owner_id", "=", options.designOwnerId);
  const changes = await query.orderBy("n.planned_start").orderBy("n.id").limit(CUTOVERS_COUNTED).execute();
  if (changes.length === 0) return [];
  const plants = [...new Set(changes.map((c) => c.plant_id))];
  const details = new Map((await listConduitDetails(db, plants)).map((d) => [d.id, d]));
  const finders = new Map(await Promise.all(plants.map(async (id) => [id, await zoneFinder(db, id)] as const)));
  const acknowledgements = await acknowledgementsOf(
    db,
    changes.map((c) => c.id)
  );
  const counted: CutoverImpactCount[] = [];
  for (const change of changes) {
    const detail = details.get(change.conduit_id)!;
    const prediction = await predict(db, detail, finders.get(change.plant_id)!, now.toISOString());
    const acknowledged = new Set((acknowledgements.get(change.id) ?? []).map((a) => a.flowKey));
    counted.push({
      changeId: change.id,
      plantId: change.plant_id,
      conduitId: detail.id,
      conduitName: detail.name,
      designOwnerId: detail.designOwner?.id ?? null,
      title: change.title,
      status: change.status,
      plannedStart: change.planned_start,
      ...impactCounts(prediction.keys, acknowledged),
    });
  }
  return counted;
}

/**
 * Refuses (409) to mark a conduit cutover done while a flow it is predicted to block is not acknowledged by the
 * conduit's design owner; inside the transaction that marks it done.
 */
export async function requireImpactAcknowledged(
  tx: Transaction<Database>,
  change: { id: number; plant_id: number; kind: string; title: string; conduit_id: number | null },
  now: Date
): Promise<void> {
  if (change.kind !== "conduit_cutover" || change.conduit_id === null) return;
  const [detail] = await listConduitDetails(tx, change.plant_id, change.conduit_id);
  if (!detail) return;
  const prediction = await predict(tx, detail, await zoneFinder(tx, change.plant_id), now.toISOString());
  if (prediction.total === 0) return;
  const acknowledged = new Set((await acknowledgementsOf(tx, [change.id])).get(change.id)?.map((a) => a.flowKey));
  const refused = impactCompletionRefusals({
    change,
    blockedKeys: prediction.keys,
    acknowledged,
    designOwner: detail.designOwner,
  });
  if (refused) throw new RefusedAct(refused.status, withFieldNames(refused.reasons));
}

interface FlowActInput {
  plantId: number;
  changeId: number;
  flowKey: string;
  reason: string;
}

/** The parts of a posted flow key (400 naming the field when it is not one). */
function flowKeyOf(raw: string): FlowKeyParts {
  const parts = readFlowKey(raw);
  if (!parts) throw new ActError(400, "flowKey: not a flow of this cutover.", "flowKey");
  return parts;
}

/** The cutover, its conduit and what it is predicted to block, read in the act's transaction, and the act's refusals. */
async function flowActFacts(
  tx: Transaction<Database>,
  actor: Actor,
  input: FlowActInput,
  decision: FlowDecision,
  now: Date
) {
  const change = await tx
    .selectFrom("network_change as n")
    .innerJoin("plant as p", "p.id", "n.plant_id")
    .select(["n.id", "n.plant_id", "n.kind", "n.title", "n.status", "n.conduit_id", "n.conduit_revision", "p.code"])
    .where("n.id", "=", input.changeId)
    .where("n.plant_id", "=", input.plantId)
    .executeTakeFirst();
  if (!change) throw new ActError(404, `changeId: no change ${input.changeId} at this plant.`, "changeId");
  const [detail] = change.conduit_id === null ? [] : await listConduitDetails(tx, change.plant_id, change.conduit_id);
  if (!detail) throw new ActError(409, `“${change.title}” is not a conduit cutover.`, "changeId");
  const prediction = await predict(tx, detail, await zoneFinder(tx, change.plant_id), now.toISOString());
  const existing = (await acknowledgementsOf(tx, [change.id])).get(change.id)?.find((a) => a.flowKey === input.flowKey);
  refuseFirst(
    acknowledgementRefusals({
      decision,
      personId: actor.personId,
      designOwner: detail.designOwner,
      change,
      flowKey: input.flowKey,
      predicted: prediction.keys.includes(input.flowKey),
      existing: existing ? { decision: existing.decision, by: existing.by } : null,
    })
  );
  const flow = prediction.flows.find((f) => f.key === input.flowKey);
  const label = flowLabel(flowKeyOf(input.flowKey), (zone) =>
    zone === detail.zoneAId ? detail.zoneAName : zone === detail.zoneBId ? detail.zoneBName : `zone ${zone}`
  );
  return { change, detail, flow, label };
}

async function insertAcknowledgement(
  tx: Transaction<Database>,
  actor: Actor,
  change: { id: number },
  input: FlowActInput,
  decision: FlowDecision,
  now: Date
) {
  if (actor.personId === null) {
    throw new ActError(403, "An acknowledgement binds a person: an API token cannot give one.");
  }
  await tx
    .insertInto("cutover_flow_acknowledgement")
    .values({
      change_id: change.id,
      flow_key: input.flowKey,
      decision,
      reason: input.reason,
      person_id: actor.personId,
      at: now.toISOString(),
    })
    .execute();
}

/** The conduit's design owner acknowledges that a flow the cutover is predicted to block is expected to stop. */
export async function acknowledgeBlockedFlow(
  db: DB,
  actor: Actor,
  input: FlowActInput & { decision: "expected_stop" },
  now: Date = new Date()
): Promise<{ flow: string }> {
  requireAct(actor, "read:plant", input.plantId, "acknowledge predicted blocked flows");
  const reason = readOrRefuse(readFlowReason(input.reason));
  flowKeyOf(input.flowKey);
  return db.transaction().execute(async (tx) => {
    const { change, detail, flow, label } = await flowActFacts(tx, actor, input, "expected_stop", now);
    await insertAcknowledgement(tx, actor, change, { ...input, reason }, "expected_stop", now);
    await recordAudit(
      tx,
      actor,
      {
        action: "cutover.acknowledge_flow",
        objectType: "network_change",
        objectId: change.id,
        plantId: change.plant_id,
        summary: `${actor.name} acknowledged that ${label} is expected to stop at the cutover “${
          change.title
        }” of conduit “${detail.name}”: ${reason}`,
        after: { flowKey: input.flowKey, decision: "expected_stop", reason, connections: flow?.connections ?? null },
      },
      now
    );
    return { flow: label };
  });
}

/**
 * Adds a flow the cutover is predicted to block to the conduit's allowed flows, in one act: a new revision of the
 * conduit as its edit makes (earlier signoffs stale), the cutover now carrying that revision, and the flow's
 * acknowledgement "added to the design" with the reason.
 */
export async function addBlockedFlowToDesign(
  db: DB,
  actor: Actor,
  input: FlowActInput,
  now: Date = new Date()
): Promise<{ revision: number; flow: string }> {
  requireAct(actor, "edit:conduit", input.plantId, "add flows to this plant's conduits");
  const reason = readOrRefuse(readFlowReason(input.reason));
  const parts = flowKeyOf(input.flowKey);
  return db.transaction().execute(async (tx) => {
    const { change, detail, flow, label } = await flowActFacts(tx, actor, input, "added_to_design", now);
    const added = flowToAdd(
      { zoneA: detail.zoneAId, zoneB: detail.zoneBId },
      parts,
      `Seen before the cutover “${change.title}”: ${reason}`
    );
    if (!added.ok) throw new RefusedAct(409, withFieldNames([added.refusal]));
    const revision = await editConduitDefinition(
      tx,
      actor,
      { conduitId: detail.id, plantId: detail.plantId, expectedRevision: detail.revision },
      {
        name: detail.name,
        zoneAId: detail.zoneAId,
        zoneBId: detail.zoneBId,
        purpose: detail.purpose,
        controlType: detail.controlType,
        monitored: detail.monitored,
        monitoringPoint: detail.monitoringPoint,
        compensatingNote: detail.compensatingNote,
        flows: [...detail.flows, added.flow],
      },
      now
    );
    // The cutover carries out the design as it now stands: its evidence epoch belongs to the new revision.
    await tx
      .updateTable("network_change")
      .set({ conduit_revision: revision, updated_at: now.toISOString() })
      .where("id", "=", change.id)
      .execute();
    await insertAcknowledgement(tx, actor, change, { ...input, reason }, "added_to_design", now);
    await recordAudit(
      tx,
      actor,
      {
        action: "cutover.add_flow_to_design",
        objectType: "network_change",
        objectId: change.id,
        plantId: change.plant_id,
        summary: `${actor.name} added ${label} to the design of conduit “${detail.name}” (revision ${revision}) before the cutover “${
          change.title
        }”: ${reason}`,
        before: { conduitRevision: change.conduit_revision },
        after: {
          flowKey: input.flowKey,
          decision: "added_to_design",
          reason,
          conduitRevision: revision,
          connections: flow?.connections ?? null,
        },
      },
      now
    );
    return { revision, flow: label };
  });
}

/** A change of the plant as its page shows it: what it is, its window, when it is planned and who scheduled it. */
export async function getPlantChange(db: Executor, plantId: number, changeId: number) {
  const row = await db
    .selectFrom("network_change as n")
    .leftJoin("outage_window as w", "w.id", "n.window_id")
    .leftJoin("conduit as c", "c.id", "n.conduit_id")
    .leftJoin("asset as a", "a.id", "n.asset_id")
    .leftJoin("person as p", "p.id", "n.created_by")
    .select([
      "n.id",
      "n.plant_id",
      "n.kind",
      "n.title",
      "n.status",
      "n.done_at",
      "n.planned_start",
      "n.planned_minutes",
      "n.conduit_id",
      "n.conduit_revision",
      "c.name as conduit_name",
      "a.name as asset_name",
      "w.id as window_id",
      "w.title as window_title",
      "w.starts_at as window_starts_at",
      "w.ends_at as window_ends_at",
      "w.status as window_status",
      "p.name as created_by",
      "n.created_at",
    ])
    .where("n.id", "=", changeId)
    .where("n.plant_id", "=", plantId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    plantId: row.plant_id,
    kind: row.kind,
    title: row.title,
    status: row.status,
    doneAt: row.done_at,
    plannedStart: row.planned_start,
    plannedMinutes: row.planned_minutes,
    conduitId: row.conduit_id,
    conduitRevision: row.conduit_revision,
    conduitName: row.conduit_name,
    assetName: row.asset_name,
    window:
      row.window_id === null
        ? null
        : {
            id: row.window_id,
            title: row.window_title ?? "",
            startsAt: row.window_starts_at ?? "",
            endsAt: row.window_ends_at ?? "",
            status: row.window_status ?? "",
          },
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}
