import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { isWaivable, phaseOfCriterion, type ChecklistCode, type PlantReadiness } from "~/domain/readiness";
import { acceptanceRefusals, acceptingPart, wirerRefusals, wiringRefusals } from "~/domain/alerting";
import { passerRefusals, passRefusals } from "~/domain/gates";
import { can } from "~/domain/permissions";
import type { Phase } from "~/domain/vocabulary";
import { recordAudit } from "~/models/audit.server";
import { acceptanceSubject, computeReadinessOf } from "~/models/readiness.server";
import { insertSignoff, listSignoffs, requirePerson } from "~/models/signoffs.server";
import { currentAlertWiring, requireConduitRevision } from "~/models/conduits.server";
import type { Actor } from "~/utils/actor";
import type { DB } from "~/utils/db.server";
import { ActError, refuseFirst } from "~/utils/errors";
import { requireAct } from "~/models/authorize.server";

// The acts of the readiness engine. Each is authorized here, judged against readiness computed inside the
// same transaction, audited, and committed whole or not at all.

async function plantOf(tx: Transaction<Database>, plantId: number) {
  const plant = await tx.selectFrom("plant").select(["id", "code"]).where("id", "=", plantId).executeTakeFirst();
  if (!plant) throw new ActError(404, "No such plant.");
  return plant;
}

async function readinessIn(tx: Transaction<Database>, code: string, now: Date): Promise<PlantReadiness> {
  const [readiness] = await computeReadinessOf(tx, now.toISOString(), [code]);
  if (!readiness) throw new ActError(404, "No such plant.");
  return readiness;
}

export interface PipelineDetails {
  pipelineName: string;
  retentionDays: number;
  itPipelineName: string;
}

export async function tickCriterion(
  db: DB,
  actor: Actor,
  input: { plantId: number; code: ChecklistCode; ticked: boolean; note: string; pipeline?: PipelineDetails },
  now: Date = new Date()
): Promise<void> {
  requireAct(actor, "tick:criterion", input.plantId, "tick checklist criteria");
  const personId = requirePerson(actor);
  const note = input.note.trim();
  if (note.length < 3)
    throw new ActError(400, "Write a note saying what was reviewed (at least 3 characters).", "note");
  let details: PipelineDetails | null = null;
  if (input.code === "BAS-PIPELINE" && input.ticked) {
    const pipeline = input.pipeline;
    if (!pipeline?.pipelineName.trim()) throw new ActError(400, "Name the OT SIEM pipeline.", "pipelineName");
    if (!pipeline.itPipelineName.trim())
      throw new ActError(400, "Name the IT pipeline it is kept apart from.", "itPipelineName");
    if (pipeline.pipelineName.trim().toLowerCase() === pipeline.itPipelineName.trim().toLowerCase()) {
      throw new ActError(400, "The OT pipeline must be distinct from the IT pipeline.", "pipelineName");
    }
    if (!Number.isInteger(pipeline.retentionDays) || pipeline.retentionDays < 1 || pipeline.retentionDays > 3650) {
      throw new ActError(400, "Retention is a whole number of days from 1 to 3650.", "retentionDays");
    }
    details = {
      pipelineName: pipeline.pipelineName.trim(),
      retentionDays: pipeline.retentionDays,
      itPipelineName: pipeline.itPipelineName.trim(),
    };
  }
  await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const current = await tx
      .selectFrom("checklist_tick")
      .select(["ticked"])
      .where("plant_id", "=", plant.id)
      .where("code", "=", input.code)
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    if ((current?.ticked === 1) === input.ticked && !(input.ticked && details)) {
      throw new ActError(409, `${input.code} is already ${input.ticked ? "ticked" : "unticked"}.`);
    }
    const row = {
      plant_id: plant.id,
      code: input.code,
      ticked: input.ticked ? 1 : 0,
      note,
      details_json: details ? JSON.stringify(details) : null,
      person_id: personId,
      at: now.toISOString(),
    };
    await tx.insertInto("checklist_tick").values(row).execute();
    await recordAudit(
      tx,
      actor,
      {
        action: input.ticked ? "criterion.tick" : "criterion.untick",
        objectType: "criterion",
        objectId: `${plant.code}:${input.code}`,
        plantId: plant.id,
        summary: `${actor.name} ${input.ticked ? "ticked" : "unticked"} ${input.code} at ${plant.code}: ${note}`,
        before: { ticked: current?.ticked === 1 },
        after: { ticked: input.ticked, note, details },
      },
      now
    );
  });
}

export async function passGate(
  db: DB,
  actor: Actor,
  input: { plantId: number; phase: Phase; note: string | null },
  now: Date = new Date()
): Promise<void> {
  const passer = { role: actor.role, permitted: can(actor, "pass:gate", input.plantId) };
  refuseFirst(passerRefusals(passer));
  const personId = requirePerson(actor);
  await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const readiness = await readinessIn(tx, plant.code, now);
    refuseFirst(passRefusals({ passer, plantCode: plant.code, phase: input.phase, gates: readiness.gates }));
    const gate = readiness.gates.find((g) => g.phase === input.phase)!;
    const snapshot = gate.criteria.map((c) => ({
      code: c.code,
      met: c.met,
      waived: c.waived ? { by: c.waived.by, at: c.waived.at, justification: c.waived.justification } : null,
      message: c.message,
    }));
    await tx
      .insertInto("gate_pass")
      .values({
        plant_id: plant.id,
        phase: input.phase,
        passed_at: now.toISOString(),
        passed_by: personId,
        criteria_snapshot: JSON.stringify(snapshot),
        note: input.note,
      })
      .execute();
    await recordAudit(
      tx,
      actor,
      {
        action: "gate.pass",
        objectType: "gate",
        objectId: `${plant.code}:${input.phase}`,
        plantId: plant.id,
        summary: `${actor.name} passed the ${input.phase} gate of ${plant.code}`,
        after: { phase: input.phase, criteria: snapshot, note: input.note },
      },
      now
    );
  });
}

export async function waiveCriterion(
  db: DB,
  actor: Actor,
  input: { plantId: number; code: string; justification: string },
  now: Date = new Date()
): Promise<void> {
  requireAct(actor, "waive:criterion", input.plantId, "waive criteria");
  const personId = requirePerson(actor);
  if (!isWaivable(input.code)) {
    throw new ActError(
      409,
      `${input.code} cannot be waived: only checklist criteria can, never BAS-MATURE or the alert-wiring block.`,
      "code"
    );
  }
  const justification = input.justification.trim();
  if (justification.length < 20)
    throw new ActError(400, "Write the justification in full (at least 20 characters).", "justification");
  await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const existing = await tx
      .selectFrom("waiver")
      .select("id")
      .where("plant_id", "=", plant.id)
      .where("code", "=", input.code)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (existing) throw new ActError(409, `${input.code} is already waived at ${plant.code}.`);
    const phase = phaseOfCriterion(input.code);
    const passed = await tx
      .selectFrom("gate_pass")
      .select("id")
      .where("plant_id", "=", plant.id)
      .where("phase", "=", phase!)
      .executeTakeFirst();
    if (passed) throw new ActError(409, `The ${phase} gate is already passed; a waiver would change nothing.`);
    await tx
      .insertInto("waiver")
      .values({ plant_id: plant.id, code: input.code, justification, person_id: personId, at: now.toISOString() })
      .execute();
    await recordAudit(
      tx,
      actor,
      {
        action: "criterion.waive",
        objectType: "criterion",
        objectId: `${plant.code}:${input.code}`,
        plantId: plant.id,
        summary: `${actor.name} waived ${input.code} at ${plant.code}: ${justification}`,
        after: { code: input.code, justification },
      },
      now
    );
  });
}

export async function revokeWaiver(
  db: DB,
  actor: Actor,
  input: { plantId: number; code: string },
  now: Date = new Date()
): Promise<void> {
  requireAct(actor, "waive:criterion", input.plantId, "revoke waivers");
  const personId = requirePerson(actor);
  await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const waiver = await tx
      .selectFrom("waiver")
      .select(["id", "justification"])
      .where("plant_id", "=", plant.id)
      .where("code", "=", input.code)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (!waiver) throw new ActError(404, `${input.code} is not waived at ${plant.code}.`);
    await tx
      .updateTable("waiver")
      .set({ revoked_at: now.toISOString(), revoked_by: personId })
      .where("id", "=", waiver.id)
      .execute();
    await recordAudit(
      tx,
      actor,
      {
        action: "criterion.unwaive",
        objectType: "criterion",
        objectId: `${plant.code}:${input.code}`,
        plantId: plant.id,
        summary: `${actor.name} revoked the waiver of ${input.code} at ${plant.code}`,
        before: { code: input.code, justification: waiver.justification },
      },
      now
    );
  });
}

async function conduitIn(tx: Transaction<Database>, plantId: number, conduitId: number) {
  const conduit = await tx
    .selectFrom("conduit as c")
    .innerJoin("plant as p", "p.id", "c.plant_id")
    .select(["c.id", "c.name", "c.revision", "c.design_owner_id", "c.monitoring_owner_id", "p.code", "p.time_zone"])
    .where("c.id", "=", conduitId)
    .where("c.plant_id", "=", plantId)
    .executeTakeFirst();
  if (!conduit) throw new ActError(404, "No such conduit at this plant.");
  return conduit;
}

/**
 * Alert wiring is refused, with the reasons, until the conduit's baseline is mature or jointly accepted; and when
 * `expectedRevision` is given (the revision the person reviewed; API clients may leave it out), unless the conduit is
 * still at that revision.
 */
export async function wireAlerts(
  db: DB,
  actor: Actor,
  input: { plantId: number; conduitId: number; siemReference: string | null; expectedRevision: number | null },
  now: Date = new Date()
): Promise<void> {
  const wirer = { role: actor.role, personId: actor.personId, permitted: can(actor, "wire:alerts", input.plantId) };
  refuseFirst(wirerRefusals(wirer));
  const personId = requirePerson(actor);
  await db.transaction().execute(async (tx) => {
    const conduit = await conduitIn(tx, input.plantId, input.conduitId);
    if (input.expectedRevision !== null) {
      await requireConduitRevision(
        tx,
        actor,
        { id: conduit.id, plantId: input.plantId, revision: conduit.revision },
        input.expectedRevision,
        "wire"
      );
    }
    const readiness = await readinessIn(tx, conduit.code, now);
    const state = readiness.conduits.find((c) => c.id === conduit.id)!;
    const wiring = await currentAlertWiring(tx, conduit.id, conduit.revision);
    refuseFirst(
      wiringRefusals({
        wirer,
        conduit,
        wiring: wiring ? { at: wiring.at, by: wiring.name } : null,
        alertBlock: state.alertBlock,
      })
    );
    await tx
      .insertInto("alert_wiring")
      .values({
        conduit_id: conduit.id,
        conduit_revision: conduit.revision,
        person_id: personId,
        at: now.toISOString(),
        siem_reference: input.siemReference,
      })
      .execute();
    await recordAudit(
      tx,
      actor,
      {
        action: "conduit.wire_alerts",
        objectType: "conduit",
        objectId: conduit.id,
        plantId: input.plantId,
        summary: `${actor.name} wired alerts on “${conduit.name}” (revision ${conduit.revision})`,
        after: { revision: conduit.revision, siemReference: input.siemReference, baseline: state.baseline.status },
      },
      now
    );
  });
}

/** One owner's part of accepting a stalled baseline; it counts as mature once both owners accepted. */
export async function acceptBaseline(
  db: DB,
  actor: Actor,
  input: { plantId: number; conduitId: number; note: string; expectedRevision: number },
  now: Date = new Date()
): Promise<void> {
  requirePerson(actor);
  const note = input.note.trim();
  if (note.length < 10)
    throw new ActError(400, "Describe the residual novelty you accept (at least 10 characters).", "note");
  await db.transaction().execute(async (tx) => {
    const conduit = await conduitIn(tx, input.plantId, input.conduitId);
    const readiness = await readinessIn(tx, conduit.code, now);
    const baseline = readiness.conduits.find((c) => c.id === conduit.id)!.baseline;
    const { epochStart, hash } = acceptanceSubject(conduit, baseline, conduit.time_zone, now);
    const facts = {
      signer: { role: actor.role, personId: actor.personId },
      conduit: {
        name: conduit.name,
        designOwnerId: conduit.design_owner_id,
        monitoringOwnerId: conduit.monitoring_owner_id,
      },
      baseline,
      acceptanceHash: hash,
      epochStart,
      acceptances: (await listSignoffs(tx, input.plantId, "baseline_acceptance")).filter(
        (s) => s.subjectId === conduit.id
      ),
    };
    const refusals = acceptanceRefusals(facts);
    // Who may accept is refused first; what the baseline allows once the person is known to read the current revision.
    refuseFirst(refusals.filter((r) => r.status === 403));
    await requireConduitRevision(
      tx,
      actor,
      { id: conduit.id, plantId: input.plantId, revision: conduit.revision },
      input.expectedRevision,
      "accept"
    );
    const part = acceptingPart(facts)!;
    await insertSignoff(
      tx,
      actor,
      {
        subjectType: "baseline_acceptance",
        subjectId: conduit.id,
        plantId: input.plantId,
        part,
        revision: conduit.revision,
        currentHash: hash,
        seenHash: hash,
        note,
        objectLabel: `The stalled baseline of “${conduit.name}” from ${epochStart}`,
        refusals,
      },
      now
    );
  });
}

export async function addDetectionRule(
  db: DB,
  actor: Actor,
  input: {
    plantId: number;
    conduitId: number;
    name: string;
    ruleClass: "unusual" | "wrong";
    description: string | null;
  },
  now: Date = new Date()
): Promise<void> {
  requireAct(actor, "write:rule", input.plantId, "record detection rules");
  const personId = requirePerson(actor);
  const name = input.name.trim();
  if (name.length < 3) throw new ActError(400, "Name the rule (at least 3 characters).", "name");
  await db.transaction().execute(async (tx) => {
    const conduit = await conduitIn(tx, input.plantId, input.conduitId);
    const { id } = await tx
      .insertInto("detection_rule")
      .values({
        conduit_id: conduit.id,
        name,
        class: input.ruleClass,
        description: input.description,
        reviewed_by: null,
        reviewed_at: null,
        created_by: personId,
        created_at: now.toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(
      tx,
      actor,
      {
        action: "rule.add",
        objectType: "detection_rule",
        objectId: id,
        plantId: input.plantId,
        summary: `${actor.name} recorded the ${input.ruleClass} rule “${name}” on “${conduit.name}”`,
        after: { name, class: input.ruleClass, description: input.description },
      },
      now
    );
  });
}

export async function reviewDetectionRule(
  db: DB,
  actor: Actor,
  input: { plantId: number; conduitId: number; ruleId: number },
  now: Date = new Date()
): Promise<void> {
  requireAct(actor, "review:rule", input.plantId, "review detection rules");
  const personId = requirePerson(actor);
  await db.transaction().execute(async (tx) => {
    const conduit = await conduitIn(tx, input.plantId, input.conduitId);
    const rule = await tx
      .selectFrom("detection_rule")
      .select(["id", "name", "reviewed_by"])
      .where("id", "=", input.ruleId)
      .where("conduit_id", "=", conduit.id)
      .executeTakeFirst();
    if (!rule) throw new ActError(404, "No such rule on this conduit.");
    if (rule.reviewed_by !== null) throw new ActError(409, `“${rule.name}” is already reviewed.`);
    await tx
      .updateTable("detection_rule")
      .set({ reviewed_by: personId, reviewed_at: now.toISOString() })
      .where("id", "=", rule.id)
      .execute();
    await recordAudit(
      tx,
      actor,
      {
        action: "rule.review",
        objectType: "detection_rule",
        objectId: rule.id,
        plantId: input.plantId,
        summary: `${actor.name} reviewed the rule “${rule.name}” on “${conduit.name}”`,
        before: { reviewedBy: null },
        after: { reviewedBy: personId },
      },
      now
    );
  });
}
