import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { sortFlows } from "~/domain/conduits";
import { can } from "~/domain/permissions";
import { ownershipSplitFields, type ConduitFieldsInput, type ConflictAct } from "~/domain/revisions";
import type { Acknowledgement, AcknowledgementDecision } from "~/domain/acknowledgements";
import type { ActRefusal } from "~/domain/refusals";
import {
  PART_LABELS,
  PART_PERMISSION,
  partState,
  signerRefusals,
  signingRefusals,
  type PartState,
  type Signer,
  type SigningFacts,
  type SignoffPart,
  type SignoffRecord,
  type SignRefusalCode,
} from "~/domain/signoffs";
import { canonicalJson, recordAudit } from "~/models/audit.server";
import { revisionConflict, revisionTrail } from "~/models/revisions.server";
import type { Actor } from "~/utils/actor";
import type { DB, Executor } from "~/utils/db.server";
import { ActError, refuseFirst } from "~/utils/errors";
import { sha256 } from "~/utils/crypto.server";

export type SubjectType = "ownership_split" | "conduit" | "baseline_acceptance";

export function contentHash(content: unknown): string {
  return sha256(canonicalJson(content));
}

export function ownershipSplitHash(plant: {
  code: string;
  ownership_split: string | null;
  ownership_split_revision: number;
}) {
  return contentHash({
    object: "ownership_split",
    plant: plant.code,
    revision: plant.ownership_split_revision,
    text: plant.ownership_split,
  });
}

/** The ownership split as a subject of the signing decision. */
export function splitSubject(plant: {
  code: string;
  ownership_split: string | null;
  ownership_split_revision: number;
}): SigningFacts["subject"] {
  return {
    label: `The ownership split of ${plant.code}`,
    revision: plant.ownership_split_revision,
    currentHash: ownershipSplitHash(plant),
    notSignableWhy:
      plant.ownership_split === null ? "The ownership split is not written yet; write it before signing." : null,
  };
}

/** A conduit's definition at one revision: what its owners sign. */
export interface ConduitDefinition extends ConduitFieldsInput {
  id: number;
  plantId: number;
  revision: number;
}

/** A conduit's definition from its row, at the row's revision unless told another. */
export function conduitDefinitionOf(
  row: {
    id: number;
    plant_id: number;
    name: string;
    zone_a_id: number;
    zone_b_id: number;
    purpose: ConduitDefinition["purpose"];
    control_type: ConduitDefinition["controlType"];
    monitored: number;
    monitoring_point: ConduitDefinition["monitoringPoint"];
    compensating_note: string | null;
    revision: number;
  },
  flows: ConduitDefinition["flows"],
  revision: number = row.revision
): ConduitDefinition {
  return {
    id: row.id,
    plantId: row.plant_id,
    name: row.name,
    zoneAId: row.zone_a_id,
    zoneBId: row.zone_b_id,
    purpose: row.purpose,
    controlType: row.control_type,
    monitored: row.monitored === 1,
    monitoringPoint: row.monitoring_point,
    compensatingNote: row.compensating_note,
    revision,
    flows,
  };
}

/**
 * What a conduit's owners sign: its whole definition at one revision (owners themselves are not part of it). A
 * flow's range end and the compensating note enter only when set, so definitions written before they existed keep
 * the hash their owners signed.
 */
export function conduitHash(conduit: ConduitDefinition): string {
  const flows = sortFlows(conduit.flows).map(({ portEnd, ...flow }) => (portEnd == null ? flow : { ...flow, portEnd }));
  return contentHash({
    object: "conduit",
    id: conduit.id,
    plant: conduit.plantId,
    revision: conduit.revision,
    name: conduit.name,
    zones: [conduit.zoneAId, conduit.zoneBId],
    purpose: conduit.purpose,
    controlType: conduit.controlType,
    monitored: conduit.monitored,
    monitoringPoint: conduit.monitoringPoint,
    flows,
    ...(conduit.compensatingNote == null ? {} : { compensatingNote: conduit.compensatingNote }),
  });
}

export type PlacedSignoff = SignoffRecord & { subjectType: string; subjectId: number; plantId: number };

/** Every signoff given at the plant(s), newest first, revoked ones included. */
export async function listSignoffs(
  db: Executor,
  plantIds: number | number[],
  subjectType?: SubjectType
): Promise<PlacedSignoff[]> {
  let query = db
    .selectFrom("signoff as s")
    .innerJoin("person as p", "p.id", "s.person_id")
    .select([
      "s.id",
      "s.subject_type",
      "s.subject_id",
      "s.plant_id",
      "s.part",
      "s.person_id",
      "p.name as person_name",
      "s.role",
      "s.revision",
      "s.content_hash",
      "s.signed_at",
      "s.note",
      "s.revoked_at",
      "s.revoked_reason",
    ])
    .where("s.plant_id", "in", Array.isArray(plantIds) ? plantIds : [plantIds]);
  if (subjectType) query = query.where("s.subject_type", "=", subjectType);
  const rows = await query.orderBy("s.signed_at", "desc").orderBy("s.id", "desc").execute();
  return rows.map((row) => ({
    id: row.id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    plantId: row.plant_id,
    part: row.part,
    personId: row.person_id,
    personName: row.person_name,
    role: row.role,
    revision: row.revision,
    contentHash: row.content_hash,
    signedAt: row.signed_at,
    note: row.note,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
  }));
}

export interface OwnershipSplitView {
  text: string | null;
  revision: number;
  hash: string;
  parts: PartState[];
  history: SignoffRecord[];
}

/** The plant's ownership split as it stands (404 when there is no such plant). */
async function splitOf(db: Executor, plantId: number) {
  const plant = await db
    .selectFrom("plant")
    .select(["code", "ownership_split", "ownership_split_revision"])
    .where("id", "=", plantId)
    .executeTakeFirst();
  if (!plant) throw new ActError(404, "No such plant.");
  return plant;
}

export async function getOwnershipSplit(db: Executor, plantId: number): Promise<OwnershipSplitView> {
  const plant = await splitOf(db, plantId);
  const hash = ownershipSplitHash(plant);
  const history = await listSignoffs(db, plantId, "ownership_split");
  const parts = (["design_change_control", "monitoring_incident_response"] as const).map((part) =>
    plant.ownership_split === null
      ? { part, status: "missing" as const, valid: null, reason: "No ownership split is written yet." }
      : partState(history, part, hash)
  );
  return { text: plant.ownership_split, revision: plant.ownership_split_revision, hash, parts, history };
}

export function requirePerson(actor: Actor): number {
  if (actor.kind !== "person" || actor.personId === null) {
    throw new ActError(403, "A signoff binds a person; API tokens cannot sign.");
  }
  return actor.personId;
}

/** Who the actor is as a signer of the part at the plant: the facts the signing decision needs about them. */
export function signerOf(actor: Actor, part: SignoffPart, plantId: number): Signer {
  return { role: actor.role, personId: actor.personId, permitted: can(actor, PART_PERMISSION[part], plantId) };
}

/** Refuses, before anything is read, a signer who may not sign the part at the plant whatever they sign. */
export function requireSigner(actor: Actor, part: SignoffPart, plantId: number): void {
  refuseFirst(signerRefusals(part, signerOf(actor, part, plantId)));
}

/**
 * Refuses what the signing decision refuses, except a signoff already given: that one is refused after the
 * revision checks (refuseAlreadySigned), so someone who read an older revision hears first that it changed.
 */
export function refuseSigning(refusals: readonly ActRefusal<SignRefusalCode>[]): void {
  refuseFirst(refusals.filter((r) => r.code !== "already_signed"));
}

/** "Conduit “Supervisory ↔ DMZ”" → "conduit “Supervisory ↔ DMZ”": a label inside a sentence keeps its names' case. */
export function lowerFirst(label: string): string {
  return label.replace(/^./, (c) => c.toLowerCase());
}

export async function insertSignoff(
  tx: Transaction<Database>,
  actor: Actor,
  input: {
    subjectType: SubjectType;
    subjectId: number;
    plantId: number;
    part: SignoffPart;
    revision: number;
    currentHash: string;
    seenHash: string;
    note: string | null;
    objectLabel: string;
    /** The decision's refusals of this act; any still standing once the revision is checked is thrown. */
    refusals: readonly ActRefusal[];
    /** The design review's warnings the signer acknowledged (a conduit's signature), kept with the signoff. */
    acknowledgements?: AcknowledgementDecision["acknowledgements"];
  },
  now: Date
) {
  const personId = requirePerson(actor);
  if (input.seenHash !== input.currentHash) {
    throw new ActError(
      409,
      `${input.objectLabel} changed since you opened it; it is now at revision ${input.revision}. Review it and sign again.`
    );
  }
  refuseFirst(input.refusals);
  const row = {
    subject_type: input.subjectType,
    subject_id: input.subjectId,
    plant_id: input.plantId,
    part: input.part,
    person_id: personId,
    role: actor.role,
    revision: input.revision,
    content_hash: input.currentHash,
    signed_at: now.toISOString(),
    note: input.note,
    revoked_at: null,
    revoked_reason: null,
  };
  const { id } = await tx.insertInto("signoff").values(row).returning("id").executeTakeFirstOrThrow();
  const acknowledgements = input.acknowledgements ?? [];
  if (acknowledgements.length > 0) {
    await tx
      .insertInto("signoff_acknowledgement")
      .values(
        acknowledgements.map((a) => ({
          signoff_id: id,
          finding_key: a.key,
          code: a.code,
          severity: a.severity,
          message: a.message,
          reason: a.reason,
        }))
      )
      .execute();
  }
  await recordAudit(
    tx,
    actor,
    {
      action: "signoff.sign",
      objectType: input.subjectType,
      objectId: input.subjectId,
      plantId: input.plantId,
      summary: `${actor.name} signed ${lowerFirst(input.objectLabel)} (revision ${input.revision}) for ${PART_LABELS[
        input.part
      ].toLowerCase()}`,
      after: {
        signoff: id,
        ...row,
        ...(input.acknowledgements
          ? {
              acknowledgements: input.acknowledgements.map((a) => ({
                code: a.code,
                objects: a.objects.map((o) => ({ type: o.type, id: o.id, label: o.label })),
                reason: a.reason,
              })),
            }
          : {}),
      },
    },
    now
  );
}

/**
 * The design-review warnings each signoff acknowledged (of every signoff when no ids are given), by signoff id, in
 * the order they were recorded.
 */
export async function listAcknowledgements(
  db: Executor,
  signoffIds?: readonly number[]
): Promise<Map<number, Acknowledgement[]>> {
  const bySignoff = new Map<number, Acknowledgement[]>();
  if (signoffIds?.length === 0) return bySignoff;
  let query = db
    .selectFrom("signoff_acknowledgement")
    .select(["signoff_id", "finding_key", "code", "severity", "message", "reason"]);
  if (signoffIds) query = query.where("signoff_id", "in", [...signoffIds]);
  const rows = await query.orderBy("id").execute();
  for (const row of rows) {
    const list = bySignoff.get(row.signoff_id) ?? [];
    list.push({
      key: row.finding_key,
      code: row.code,
      severity: row.severity,
      message: row.message,
      reason: row.reason,
    });
    bySignoff.set(row.signoff_id, list);
  }
  return bySignoff;
}

/**
 * Refuses an act based on an older revision of the plant's ownership split than the current one: the split as it
 * now stands, who saved it, and its text at the revision the person read.
 */
async function requireSplitRevision(
  tx: Executor,
  actor: Actor,
  plant: { id: number; code: string; ownership_split: string | null; ownership_split_revision: number },
  expectedRevision: number,
  act: ConflictAct
): Promise<void> {
  if (plant.ownership_split_revision === expectedRevision) return;
  const trail = await revisionTrail(
    tx,
    { type: "ownership_split", id: plant.id, plantId: plant.id, actions: ["ownership_split.edit"] },
    expectedRevision
  );
  throw revisionConflict(
    actor,
    {
      label: `the ownership split of ${plant.code}`,
      revision: plant.ownership_split_revision,
      current: ownershipSplitFields(plant.ownership_split),
      read: trail.basedOn ? ownershipSplitFields((trail.basedOn.text as string | null) ?? null) : null,
    },
    trail,
    expectedRevision,
    act
  );
}

export async function signOwnershipSplit(
  db: DB,
  actor: Actor,
  input: { plantId: number; part: SignoffPart; seenHash: string; expectedRevision: number; note: string | null },
  now: Date = new Date()
): Promise<void> {
  requireSigner(actor, input.part, input.plantId);
  await db.transaction().execute(async (tx) => {
    const plant = await splitOf(tx, input.plantId);
    const refusals = signingRefusals({
      part: input.part,
      signer: signerOf(actor, input.part, input.plantId),
      subject: splitSubject(plant),
      signoffs: await listSignoffs(tx, input.plantId, "ownership_split"),
    });
    refuseSigning(refusals);
    await requireSplitRevision(tx, actor, { id: input.plantId, ...plant }, input.expectedRevision, "sign");
    await insertSignoff(
      tx,
      actor,
      {
        subjectType: "ownership_split",
        subjectId: input.plantId,
        plantId: input.plantId,
        part: input.part,
        revision: plant.ownership_split_revision,
        currentHash: ownershipSplitHash(plant),
        seenHash: input.seenHash,
        note: input.note,
        objectLabel: `The ownership split of ${plant.code}`,
        refusals,
      },
      now
    );
  });
}

export async function editOwnershipSplit(
  db: DB,
  actor: Actor,
  input: { plantId: number; text: string; expectedRevision: number },
  now: Date = new Date()
): Promise<void> {
  if (!can(actor, "edit:plant", input.plantId))
    throw new ActError(403, "Your role may not edit this plant's ownership split.");
  const text = input.text.trim().replace(/\r\n/g, "\n");
  await db.transaction().execute(async (tx) => {
    const plant = await splitOf(tx, input.plantId);
    await requireSplitRevision(tx, actor, { id: input.plantId, ...plant }, input.expectedRevision, "edit");
    if (plant.ownership_split === text) throw new ActError(400, "The text is unchanged.", "text");
    const revision = plant.ownership_split_revision + 1;
    await tx
      .updateTable("plant")
      .set({ ownership_split: text, ownership_split_revision: revision })
      .where("id", "=", input.plantId)
      .execute();
    await recordAudit(
      tx,
      actor,
      {
        action: "ownership_split.edit",
        objectType: "ownership_split",
        objectId: input.plantId,
        plantId: input.plantId,
        summary: `${actor.name} ${plant.ownership_split === null ? "wrote" : "edited"} the ownership split of ${
          plant.code
        } (revision ${revision}); earlier signoffs are now stale`,
        before: { revision: plant.ownership_split_revision, text: plant.ownership_split },
        after: { revision, text },
      },
      now
    );
  });
}

export async function revokeSignoff(
  db: DB,
  actor: Actor,
  input: { signoffId: number; plantId: number; reason: string },
  now: Date = new Date()
): Promise<void> {
  const personId = requirePerson(actor);
  const reason = input.reason.trim();
  if (reason.length < 5) throw new ActError(400, "Say why you revoke this signoff (at least 5 characters).", "reason");
  await db.transaction().execute(async (tx) => {
    const signoff = await tx
      .selectFrom("signoff")
      .selectAll()
      .where("id", "=", input.signoffId)
      .where("plant_id", "=", input.plantId)
      .executeTakeFirst();
    if (!signoff) throw new ActError(404, "No such signoff at this plant.");
    if (signoff.person_id !== personId) throw new ActError(403, "Only the person who signed can revoke a signoff.");
    if (signoff.revoked_at !== null) throw new ActError(409, "This signoff is already revoked.");
    await tx
      .updateTable("signoff")
      .set({ revoked_at: now.toISOString(), revoked_reason: reason })
      .where("id", "=", signoff.id)
      .execute();
    await recordAudit(
      tx,
      actor,
      {
        action: "signoff.revoke",
        objectType: signoff.subject_type,
        objectId: signoff.subject_id,
        plantId: signoff.plant_id,
        summary: `${actor.name} revoked their ${
          PART_LABELS[signoff.part]?.toLowerCase() ?? signoff.part
        } signoff of revision ${signoff.revision}: ${reason}`,
        before: { signoff: signoff.id, revoked_at: null },
        after: { signoff: signoff.id, revoked_at: now.toISOString(), revoked_reason: reason },
      },
      now
    );
  });
}
