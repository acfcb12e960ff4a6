import { addDays, localDay } from "../../app/domain/calendar";
import { recordAudit } from "../../app/models/audit.server";
import { systemActor } from "../../app/utils/actor";
import type { DB } from "../../app/utils/db.server";

/**
 * Gives a conduit a matured baseline the way the field would: a completed outage window 40 days ago, the
 * conduit's cutover done inside it, and 35 well-covered days of observations whose novelty dies out. Like every
 * change the app makes, it leaves an audit event naming the plant (a running server's readiness cache follows them).
 */
export async function matureBaseline(db: DB, conduitId: number, now: Date = new Date()): Promise<void> {
  const conduit = await db
    .selectFrom("conduit as c")
    .innerJoin("plant as p", "p.id", "c.plant_id")
    .select(["c.id", "c.revision", "c.plant_id", "p.time_zone"])
    .where("c.id", "=", conduitId)
    .executeTakeFirstOrThrow();
  const windowStart = new Date(now.getTime() - 40 * 86_400_000);
  const windowEnd = new Date(windowStart.getTime() + 6 * 3600_000);
  const stamp = now.toISOString();
  const { id: windowId } = await db
    .insertInto("outage_window")
    .values({
      plant_id: conduit.plant_id,
      title: "Cutover outage",
      kind: "scheduled_outage",
      status: "completed",
      starts_at: windowStart.toISOString(),
      ends_at: windowEnd.toISOString(),
      time_zone: conduit.time_zone,
      notes: null,
      created_by: null,
      created_at: stamp,
      updated_at: stamp,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .updateTable("network_change")
    .set({ status: "cancelled" })
    .where("conduit_id", "=", conduit.id)
    .where("kind", "=", "conduit_cutover")
    .execute();
  const doneAt = new Date(windowStart.getTime() + 3600_000).toISOString();
  await db
    .insertInto("network_change")
    .values({
      plant_id: conduit.plant_id,
      kind: "conduit_cutover",
      title: "Cutover",
      conduit_id: conduit.id,
      conduit_revision: conduit.revision,
      asset_id: null,
      window_id: windowId,
      planned_start: doneAt,
      planned_minutes: 60,
      status: "done",
      done_at: doneAt,
      created_by: null,
      created_at: doneAt,
      updated_at: doneAt,
    })
    .execute();
  await db.deleteFrom("observation").where("conduit_id", "=", conduit.id).execute();
  const epoch = addDays(localDay(doneAt, conduit.time_zone), 1);
  await db
    .insertInto("observation")
    .values(
      Array.from({ length: 35 }, (_, i) => ({
        conduit_id: conduit.id,
        day: addDays(epoch, i),
        source: "sensor_pipeline",
        coverage: 0.97,
        tuples: 25,
        new_tuples: i < 5 ? 6 - i : 0,
        connections: 1200,
        bytes: 5_000_000,
        recorded_at: stamp,
      }))
    )
    .execute();
  await db.transaction().execute((tx) =>
    recordAudit(tx, systemActor("test evidence"), {
      action: "observation.create",
      objectType: "conduit",
      objectId: conduit.id,
      plantId: conduit.plant_id,
      summary: `Recorded 35 days of observations of conduit ${conduit.id}.`,
    })
  );
}

/**
 * Tests that take a conduit's evidence away by hand (deleting observations, cancelling its cutover) say so in the
 * audit trail, as any change the app makes does, so that a running server's readiness cache sees it.
 */
export async function noteEvidenceChange(db: DB, conduitId: number, summary: string): Promise<void> {
  const conduit = await db
    .selectFrom("conduit")
    .select(["id", "plant_id"])
    .where("id", "=", conduitId)
    .executeTakeFirstOrThrow();
  await db.transaction().execute((tx) =>
    recordAudit(tx, systemActor("test evidence"), {
      action: "observation.delete",
      objectType: "conduit",
      objectId: conduit.id,
      plantId: conduit.plant_id,
      summary,
    })
  );
}
