import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { sortFlows, type AllowedFlow } from "~/domain/conduits";
import type { DesignFinding } from "~/domain/design-review";
import { can } from "~/domain/permissions";
import {
  changesBetween,
  conduitFields,
  conduitOwnerFields,
  conflictMessage,
  type ConduitFieldsInput,
  type ConflictAct,
} from "~/domain/revisions";
import {
  partState,
  SIGNOFF_PARTS,
  type PartState,
  type Signer,
  type SigningFacts,
  type SignoffPart,
} from "~/domain/signoffs";
import { recordAudit } from "~/models/audit.server";
import { revisionConflict, revisionTrail } from "~/models/revisions.server";
import {
  conduitHash,
  listSignoffs,
  conduitDefinitionOf,
  type ConduitDefinition,
  type PlacedSignoff,
} from "~/models/signoffs.server";
import type { Actor } from "~/utils/actor";
import type { DB, Executor } from "~/utils/db.server";
import { ActError, RevisionConflictError } from "~/utils/errors";

export interface ConduitDetail extends ConduitDefinition {
  zoneAName: string;
  zoneBName: string;
  designOwner: { id: number; name: string } | null;
  monitoringOwner: { id: number; name: string } | null;
  hash: string;
}

async function flowsOf(db: Executor, conduitIds: number[]) {
  if (conduitIds.length === 0) return new Map<number, AllowedFlow[]>();
  const rows = await db
    .selectFrom("conduit_flow")
    .select(["conduit_id", "protocol", "port", "port_end", "direction", "description"])
    .where("conduit_id", "in", conduitIds)
    .execute();
  const byConduit = new Map<number, AllowedFlow[]>();
  for (const row of rows) {
    const list = byConduit.get(row.conduit_id) ?? [];
    list.push({
      protocol: row.protocol,
      port: row.port,
      portEnd: row.port_end,
      direction: row.direction,
      description: row.description,
    });
    byConduit.set(row.conduit_id, list);
  }
  for (const [id, list] of byConduit) byConduit.set(id, sortFlows(list));
  return byConduit;
}

/** Conduits (`c`) with their zones and owners: a row holds a conduit's whole definition and who signs it. */
export function conduitsWithOwners(db: Executor) {
  return db
    .selectFrom("conduit as c")
    .innerJoin("zone as za", "za.id", "c.zone_a_id")
    .innerJoin("zone as zb", "zb.id", "c.zone_b_id")
    .leftJoin("person as d", "d.id", "c.design_owner_id")
    .leftJoin("person as m", "m.id", "c.monitoring_owner_id")
    .select([
      "c.id",
      "c.plant_id",
      "c.name",
      "c.zone_a_id",
      "c.zone_b_id",
      "za.name as zone_a_name",
      "zb.name as zone_b_name",
      "za.kind as zone_a_kind",
      "zb.kind as zone_b_kind",
      "c.purpose",
      "c.control_type",
      "c.monitored",
      "c.monitoring_point",
      "c.compensating_note",
      "c.revision",
      "c.design_owner_id",
      "d.name as design_owner_name",
      "c.monitoring_owner_id",
      "m.name as monitoring_owner_name",
    ]);
}

/** Every conduit of a plant (or of several) with its definition, owners and the hash its owners sign. */
export async function listConduitDetails(
  db: Executor,
  plantId: number | readonly number[],
  conduitId?: number
): Promise<ConduitDetail[]> {
  const plantIds = typeof plantId === "number" ? [plantId] : [...plantId];
  if (plantIds.length === 0) return [];
  let query = conduitsWithOwners(db).where("c.plant_id", "in", plantIds);
  if (conduitId !== undefined) query = query.where("c.id", "=", conduitId);
  const rows = await query.orderBy("c.name").execute();
  const flows = await flowsOf(
    db,
    rows.map((row) => row.id)
  );
  return rows.map((row) => {
    const definition = conduitDefinitionOf(row, flows.get(row.id) ?? []);
    return {
      ...definition,
      zoneAName: row.zone_a_name,
      zoneBName: row.zone_b_name,
      designOwner: row.design_owner_id !== null ? { id: row.design_owner_id, name: row.design_owner_name ?? "" } : null,
      monitoringOwner:
        row.monitoring_owner_id !== null
          ? { id: row.monitoring_owner_id, name: row.monitoring_owner_name ?? "" }
          : null,
      hash: conduitHash(definition),
    };
  });
}

/** Each conduit's two parts, judged against its current revision and current owners (of one plant or several). */
export async function conduitSignoffStates(
  db: Executor,
  plantId: number | readonly number[],
  conduits: ConduitDetail[]
) {
  const signoffs = await listSignoffs(db, typeof plantId === "number" ? plantId : [...plantId], "conduit");
  return new Map(
    conduits.map((conduit) => {
      const mine = signoffs.filter((s) => s.subjectId === conduit.id);
      const parts: PartState[] = SIGNOFF_PARTS.map((part) =>
        partState(
          mine,
          part,
          conduit.hash,
          part === "design_change_control" ? conduit.designOwner : conduit.monitoringOwner
        )
      );
      return [conduit.id, { parts, history: mine }] as const;
    })
  );
}

export function conduitLabel(conduit: { name: string }): string {
  return `Conduit “${conduit.name}”`;
}

/**
 * The facts the signing decision needs to judge a signer of one part of the conduit, with the design review's
 * findings bearing on it.
 */
export function conduitSigningFacts(
  conduit: ConduitDetail,
  part: SignoffPart,
  signer: Signer,
  signoffs: readonly PlacedSignoff[],
  findings: readonly DesignFinding[]
): SigningFacts {
  return {
    part,
    signer,
    subject: {
      label: conduitLabel(conduit),
      revision: conduit.revision,
      currentHash: conduit.hash,
      notSignableWhy: null,
      findings,
    },
    owner: part === "design_change_control" ? conduit.designOwner : conduit.monitoringOwner,
    signoffs: signoffs.filter((s) => s.subjectId === conduit.id),
  };
}

/** People who may be assigned as a conduit's owners: the plant's active engineers, and corporate security. */
export async function ownerCandidates(db: Executor, plantId: number) {
  const engineers = await db
    .selectFrom("person as p")
    .innerJoin("person_plant as pp", "pp.person_id", "p.id")
    .select(["p.id", "p.name"])
    .where("pp.plant_id", "=", plantId)
    .where("p.role", "=", "plant_engineer")
    .where("p.active", "=", 1)
    .orderBy("p.name")
    .execute();
  const security = await db
    .selectFrom("person")
    .select(["id", "name"])
    .where("role", "=", "corporate_security")
    .where("active", "=", 1)
    .orderBy("name")
    .execute();
  return { engineers, security };
}

/** A conduit's definition as a person writes it (its fields, without revision or owners). */
export type ConduitInput = ConduitFieldsInput;

function requireConduitEditor(actor: Actor, plantId: number) {
  if (!can(actor, "edit:conduit", plantId)) throw new ActError(403, "Your role may not change this plant's conduits.");
}

/** The conduit's definition now, and what changed in it since revision `basedOn` (null when the trail lacks it). */
async function definitionSince(db: Executor, conduit: ConduitDetail, basedOn: number) {
  const zones = await db.selectFrom("zone").select(["id", "name"]).where("plant_id", "=", conduit.plantId).execute();
  const names = new Map(zones.map((zone) => [zone.id, zone.name]));
  const zoneName = (id: number) => names.get(id) ?? `zone ${id}`;
  const trail = await revisionTrail(
    db,
    { type: "conduit", id: conduit.id, plantId: conduit.plantId, actions: ["conduit.edit"] },
    basedOn
  );
  const current = conduitFields(conduit, zoneName);
  // The audit records each replaced definition in the shape of `definitionOf`.
  const read = trail.basedOn ? conduitFields(trail.basedOn as unknown as ConduitFieldsInput, zoneName) : null;
  return { trail, current, read, changes: read ? changesBetween(read, current) : null };
}

/**
 * Refuses an act based on an older revision of the conduit than the current one: the conduit as it now stands, who
 * saved it, and what changed in its definition since the revision the person read.
 */
export async function requireConduitRevision(
  db: Executor,
  actor: Actor,
  conduit: { id: number; plantId: number; revision: number },
  expectedRevision: number,
  act: ConflictAct
): Promise<void> {
  if (conduit.revision === expectedRevision) return;
  const [detail] = await listConduitDetails(db, conduit.plantId, conduit.id);
  if (!detail) throw new ActError(404, "No such conduit at this plant.");
  const { trail, current, read } = await definitionSince(db, detail, expectedRevision);
  throw revisionConflict(
    actor,
    { label: "this conduit", revision: detail.revision, current, read },
    trail,
    expectedRevision,
    act
  );
}

type Owners = { designOwnerId: number | null; monitoringOwnerId: number | null };

/**
 * Owners are not part of the conduit's revision (its owners sign the definition, not themselves), so a choice of
 * owners is checked against the owners the person saw as well as the revision they read.
 */
async function requireOwnersAsSeen(
  tx: Executor,
  actor: Actor,
  conduit: ConduitDetail,
  expected: { revision: number; owners: Owners }
): Promise<void> {
  const now: Owners = {
    designOwnerId: conduit.designOwner?.id ?? null,
    monitoringOwnerId: conduit.monitoringOwner?.id ?? null,
  };
  if (
    now.designOwnerId === expected.owners.designOwnerId &&
    now.monitoringOwnerId === expected.owners.monitoringOwnerId
  )
    return requireConduitRevision(tx, actor, conduit, expected.revision, "edit");
  const seenIds = [expected.owners.designOwnerId, expected.owners.monitoringOwnerId].filter(
    (id): id is number => id !== null
  );
  const people =
    seenIds.length === 0
      ? []
      : await tx.selectFrom("person").select(["id", "name"]).where("id", "in", seenIds).execute();
  const nameOf = (id: number | null) => (id === null ? null : people.find((p) => p.id === id)?.name ?? `person ${id}`);
  const seenOwners = conduitOwnerFields({
    designOwner: nameOf(expected.owners.designOwnerId),
    monitoringOwner: nameOf(expected.owners.monitoringOwnerId),
  });
  const nowOwners = conduitOwnerFields({
    designOwner: conduit.designOwner?.name ?? null,
    monitoringOwner: conduit.monitoringOwner?.name ?? null,
  });
  const definition = await definitionSince(tx, conduit, expected.revision);
  const definitionChanges = conduit.revision === expected.revision ? [] : definition.changes;
  const assignments = await revisionTrail(
    tx,
    { type: "conduit", id: conduit.id, plantId: conduit.plantId, actions: ["conduit.assign_owners"] },
    expected.revision
  );
  const conflict = {
    basedOn: expected.revision,
    revision: conduit.revision,
    savedBy: assignments.savedBy,
    savedAt: assignments.savedAt,
    current: [...definition.current, ...nowOwners],
    changes: definitionChanges === null ? null : [...definitionChanges, ...changesBetween(seenOwners, nowOwners)],
  };
  const yours = actor.personId !== null && assignments.savedByPersonId === actor.personId;
  throw new RevisionConflictError(
    conflictMessage({ ...conflict, object: "the owners of this conduit", act: "edit", yours }),
    conflict
  );
}

/** Saves a new definition as the next revision; the owners' earlier signatures become stale. */
export async function updateConduit(
  db: DB,
  actor: Actor,
  target: { conduitId: number; plantId: number; expectedRevision: number },
  input: ConduitInput,
  now: Date = new Date()
): Promise<number> {
  requireConduitEditor(actor, target.plantId);
  return db.transaction().execute((tx) => editConduitDefinition(tx, actor, target, input, now));
}

/**
 * The edit of a conduit's definition inside a transaction the caller holds (an act that edits the conduit as part of
 * something larger): the same checks, the next revision and its audit event, as updateConduit.
 */
export async function editConduitDefinition(
  tx: Transaction<Database>,
  actor: Actor,
  target: { conduitId: number; plantId: number; expectedRevision: number },
  input: ConduitInput,
  now: Date
): Promise<number> {
  const { conduitId, plantId } = target;
  requireConduitEditor(actor, plantId);
  const [current] = await listConduitDetails(tx, plantId, conduitId);
  if (!current) throw new ActError(404, "No such conduit at this plant.");
  await requireConduitRevision(tx, actor, current, target.expectedRevision, "edit");
  if (input.zoneAId === input.zoneBId) throw new ActError(400, "A conduit joins two different zones.", "zoneBId");
  const zones = await tx
    .selectFrom("zone")
    .select("id")
    .where("plant_id", "=", plantId)
    .where("id", "in", [input.zoneAId, input.zoneBId])
    .execute();
  if (zones.length !== 2) throw new ActError(400, "Both endpoint zones must be zones of this plant.", "zoneAId");
  const clash = await tx
    .selectFrom("conduit")
    .select("id")
    .where("plant_id", "=", plantId)
    .where("name", "=", input.name)
    .where("id", "!=", conduitId)
    .executeTakeFirst();
  if (clash) throw new ActError(409, `Another conduit of this plant is already named “${input.name}”.`, "name");

  const next: ConduitDefinition = {
    id: conduitId,
    plantId,
    revision: current.revision,
    ...input,
    flows: sortFlows(input.flows),
  };
  const before = definitionOf(current);
  if (JSON.stringify(definitionOf(next)) === JSON.stringify(before)) {
    throw new ActError(400, "Nothing changed: the definition is the same as revision " + current.revision + ".");
  }
  const revision = current.revision + 1;
  await tx
    .updateTable("conduit")
    .set({
      name: input.name,
      zone_a_id: input.zoneAId,
      zone_b_id: input.zoneBId,
      purpose: input.purpose,
      control_type: input.controlType,
      monitored: input.monitored ? 1 : 0,
      monitoring_point: input.monitoringPoint,
      compensating_note: input.compensatingNote,
      revision,
      updated_at: now.toISOString(),
    })
    .where("id", "=", conduitId)
    .execute();
  await tx.deleteFrom("conduit_flow").where("conduit_id", "=", conduitId).execute();
  if (input.flows.length > 0) {
    await tx
      .insertInto("conduit_flow")
      .values(
        input.flows.map((flow) => ({
          conduit_id: conduitId,
          protocol: flow.protocol,
          port: flow.port,
          port_end: flow.portEnd,
          direction: flow.direction,
          description: flow.description,
        }))
      )
      .execute();
  }
  await recordAudit(
    tx,
    actor,
    {
      action: "conduit.edit",
      objectType: "conduit",
      objectId: conduitId,
      plantId,
      summary: `${actor.name} edited conduit “${input.name}”: revision ${current.revision} → ${revision}; earlier signoffs are now stale`,
      before: { revision: current.revision, ...before },
      after: { revision, ...definitionOf(next) },
    },
    now
  );
  return revision;
}

function definitionOf(c: ConduitDefinition) {
  return {
    name: c.name,
    zoneAId: c.zoneAId,
    zoneBId: c.zoneBId,
    purpose: c.purpose,
    controlType: c.controlType,
    monitored: c.monitored,
    monitoringPoint: c.monitoringPoint,
    flows: sortFlows(c.flows),
    compensatingNote: c.compensatingNote,
  };
}

export async function assignConduitOwners(
  db: DB,
  actor: Actor,
  target: { conduitId: number; plantId: number; expectedRevision: number; expectedOwners: Owners },
  input: Owners,
  now: Date = new Date()
): Promise<void> {
  const { conduitId, plantId } = target;
  requireConduitEditor(actor, plantId);
  await db.transaction().execute(async (tx) => {
    const [conduit] = await listConduitDetails(tx, plantId, conduitId);
    if (!conduit) throw new ActError(404, "No such conduit at this plant.");
    await requireOwnersAsSeen(tx, actor, conduit, { revision: target.expectedRevision, owners: target.expectedOwners });
    const designOwnerId = conduit.designOwner?.id ?? null;
    const monitoringOwnerId = conduit.monitoringOwner?.id ?? null;
    const { engineers, security } = await ownerCandidates(tx, plantId);
    if (input.designOwnerId !== null && !engineers.some((p) => p.id === input.designOwnerId)) {
      throw new ActError(
        400,
        "The design & change-control owner must be an active plant engineer of this plant.",
        "designOwnerId"
      );
    }
    if (input.monitoringOwnerId !== null && !security.some((p) => p.id === input.monitoringOwnerId)) {
      throw new ActError(
        400,
        "The monitoring & incident-response owner must be an active member of corporate security.",
        "monitoringOwnerId"
      );
    }
    if (designOwnerId === input.designOwnerId && monitoringOwnerId === input.monitoringOwnerId) {
      throw new ActError(400, "Nothing changed: these are already the owners.");
    }
    await tx
      .updateTable("conduit")
      .set({
        design_owner_id: input.designOwnerId,
        monitoring_owner_id: input.monitoringOwnerId,
        updated_at: now.toISOString(),
      })
      .where("id", "=", conduitId)
      .execute();
    const nameOf = (id: number | null) => [...engineers, ...security].find((p) => p.id === id)?.name ?? "nobody";
    await recordAudit(
      tx,
      actor,
      {
        action: "conduit.assign_owners",
        objectType: "conduit",
        objectId: conduitId,
        plantId,
        summary: `${actor.name} assigned the owners of conduit “${conduit.name}”: design & change control ${nameOf(
          input.designOwnerId
        )}, monitoring & incident response ${nameOf(input.monitoringOwnerId)}`,
        before: { designOwnerId, monitoringOwnerId },
        after: input,
      },
      now
    );
  });
}

export async function listDetectionRules(db: Executor, conduitId: number) {
  return db
    .selectFrom("detection_rule as r")
    .innerJoin("person as author", "author.id", "r.created_by")
    .leftJoin("person as reviewer", "reviewer.id", "r.reviewed_by")
    .select([
      "r.id",
      "r.name",
      "r.class",
      "r.description",
      "r.created_at",
      "author.name as author",
      "reviewer.name as reviewer",
      "r.reviewed_at",
    ])
    .where("r.conduit_id", "=", conduitId)
    .orderBy("r.id")
    .execute();
}

/** The wiring of alerts on the conduit's current revision, if any. */
export async function currentAlertWiring(db: Executor, conduitId: number, revision: number) {
  return db
    .selectFrom("alert_wiring as a")
    .innerJoin("person as p", "p.id", "a.person_id")
    .select(["a.at", "a.siem_reference", "p.name"])
    .where("a.conduit_id", "=", conduitId)
    .where("a.conduit_revision", "=", revision)
    .orderBy("a.id", "desc")
    .executeTakeFirst();
}

/**
 * A conduit by the id an API caller gave (any text), when it exists and lies in the caller's plants (a token limited
 * to other plants gets nothing, as for an unknown id).
 */
export async function findConduitInScope(
  db: DB,
  actor: Pick<Actor, "plantScope">,
  rawId: string | undefined
): Promise<{ id: number; plantId: number } | null> {
  const id = /^\d{1,9}$/.test(rawId ?? "") ? Number(rawId) : null;
  if (id === null) return null;
  const conduit = await db.selectFrom("conduit").select(["id", "plant_id"]).where("id", "=", id).executeTakeFirst();
  if (!conduit || (actor.plantScope && !actor.plantScope.includes(conduit.plant_id))) return null;
  return { id: conduit.id, plantId: conduit.plant_id };
}
