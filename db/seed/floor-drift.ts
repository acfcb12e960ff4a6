import type { Kysely } from "kysely";
import type { Database } from "../schema";
import { listConduitDetails, updateConduit } from "../../app/models/conduits.server";
import { addDetectionRule, passGate, reviewDetectionRule, wireAlerts } from "../../app/models/gates.server";
import { personActor } from "../../app/models/sessions.server";

// The demo after its rollout: PEO finishes its alerting work (the last alerts wired by their monitoring owners, the
// last rules reviewed by its engineer), passes its last gate and goes live, and then drifts: a conduit is edited
// after its alerts were wired, and the sensor its story left silent stays silent. DAY stays ready to pass its last
// gate: passed, it is a live plant that stays true. Every step is the app's own act, dated in the hours before the
// seed's `now` (like the rest of the demo, in the past of whoever reads it).

const LIVE_PLANT = "PEO";
/** The conduit edited after its alerts were wired: its owners accept the edit, or its alerts are wired again. */
const EDITED = "Engineering ↔ Supervisory";

async function actorOf(db: Kysely<Database>, id: number) {
  const person = await db
    .selectFrom("person")
    .select(["id", "name", "email", "role"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return personActor(db, person);
}

const HOUR_MS = 3_600_000;

export async function seedFloorDrift(db: Kysely<Database>, now: Date): Promise<void> {
  const hoursBefore = (hours: number) => new Date(now.getTime() - hours * HOUR_MS);
  const plant = await db.selectFrom("plant").select(["id"]).where("code", "=", LIVE_PLANT).executeTakeFirst();
  if (!plant) return;
  const [engineer, lead] = await Promise.all([
    db
      .selectFrom("person as p")
      .innerJoin("person_plant as pp", "pp.person_id", "p.id")
      .select("p.id")
      .where("pp.plant_id", "=", plant.id)
      .where("p.role", "=", "plant_engineer")
      .where("p.active", "=", 1)
      .orderBy("p.id")
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("person")
      .select("id")
      .where("role", "=", "program_lead")
      .where("active", "=", 1)
      .orderBy("id")
      .executeTakeFirstOrThrow(),
  ]);
  const engineerActor = await actorOf(db, engineer.id);
  const conduits = await listConduitDetails(db, plant.id);
  const wired = new Set(
    (
      await db
        .selectFrom("alert_wiring")
        .select("conduit_id")
        .where(
          "conduit_id",
          "in",
          conduits.map((c) => c.id)
        )
        .execute()
    ).map((w) => w.conduit_id)
  );
  for (const conduit of conduits.filter((c) => c.monitored && !wired.has(c.id))) {
    const wirer = conduit.monitoringOwner ?? { id: engineer.id };
    await wireAlerts(
      db,
      await actorOf(db, wirer.id),
      {
        plantId: plant.id,
        conduitId: conduit.id,
        siemReference: `ot-siem-peo:${conduit.id}`,
        expectedRevision: conduit.revision,
      },
      hoursBefore(3)
    );
    // Each newly watched conduit gets the rule corporate security writes for wrong traffic on it.
    await addDetectionRule(
      db,
      await actorOf(db, wirer.id),
      {
        plantId: plant.id,
        conduitId: conduit.id,
        name: `Wrong flow on ${conduit.name}`,
        ruleClass: "wrong",
        description: "Any connection outside the conduit's allowed flows.",
      },
      hoursBefore(3)
    );
  }
  const rules = await db
    .selectFrom("detection_rule as r")
    .innerJoin("conduit as c", "c.id", "r.conduit_id")
    .select(["r.id", "r.conduit_id"])
    .where("c.plant_id", "=", plant.id)
    .where("r.reviewed_at", "is", null)
    .execute();
  for (const rule of rules) {
    await reviewDetectionRule(
      db,
      engineerActor,
      { plantId: plant.id, conduitId: rule.conduit_id, ruleId: rule.id },
      hoursBefore(2)
    );
  }
  await passGate(
    db,
    await actorOf(db, lead.id),
    { plantId: plant.id, phase: "alerting", note: "Every alert wired and every rule reviewed: alerting is live." },
    hoursBefore(1)
  );

  // After going live, the engineer rewords the purpose of a wired conduit: its alerts watched the earlier revision.
  const edited = conduits.find((c) => c.name === EDITED);
  if (!edited) return;
  await updateConduit(
    db,
    engineerActor,
    { conduitId: edited.id, plantId: plant.id, expectedRevision: edited.revision },
    {
      name: edited.name,
      zoneAId: edited.zoneAId,
      zoneBId: edited.zoneBId,
      purpose: `${edited.purpose ?? "Engineering access to supervisory hosts"} (reworded after go-live)`,
      controlType: edited.controlType,
      monitored: edited.monitored,
      monitoringPoint: edited.monitoringPoint,
      compensatingNote: edited.compensatingNote,
      flows: edited.flows,
    },
    hoursBefore(0.5)
  );
}
