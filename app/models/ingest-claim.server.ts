import os from "node:os";
import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { ActError } from "~/utils/errors";

// The claim of an ingest (app/models/evidence.server.ts) on its plant: one runs at a time in a plant, and one whose
// process died is deleted by the next, with everything it wrote.

/** A running ingest that has written nothing for this long is taken as dead, whatever machine it ran on. */
const STALE_AFTER_MS = 10 * 60_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Registers a running ingest into the plant. Another one still running refuses it; one whose process is gone (a
 * `kill -9`, a crash, a machine restarted) is deleted with everything it wrote, none of which was ever published.
 */
export async function claimIngest(
  tx: Transaction<Database>,
  plant: { id: number; code: string },
  source: string,
  label: string | null,
  recordedAt: string
): Promise<number> {
  const now = new Date();
  const running = await tx
    .selectFrom("evidence_ingest")
    .select(["id", "pid", "host", "started_at", "heartbeat_at"])
    .where("plant_id", "=", plant.id)
    .where("state", "=", "running")
    .execute();
  for (const other of running) {
    const fresh = now.getTime() - Date.parse(other.heartbeat_at) < STALE_AFTER_MS;
    const alive = other.host !== os.hostname() || (other.pid !== null && processAlive(other.pid));
    if (fresh && alive) {
      throw new ActError(
        409,
        `Another ingest into ${plant.code} is running (process ${other.pid} on ${other.host}, since ${other.started_at}): run this one when it has finished.`
      );
    }
    await tx.deleteFrom("evidence_ingest").where("id", "=", other.id).execute();
  }
  // Hosts of a published ingest whose process died before clearing them.
  await tx
    .deleteFrom("ingest_host")
    .where("ingest_id", "in", (eb) =>
      eb.selectFrom("evidence_ingest").select("id").where("plant_id", "=", plant.id).where("state", "=", "published")
    )
    .execute();
  const { id } = await tx
    .insertInto("evidence_ingest")
    .values({
      plant_id: plant.id,
      source,
      label,
      state: "running",
      pid: process.pid,
      host: os.hostname(),
      started_at: recordedAt,
      heartbeat_at: now.toISOString(),
      finished_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

/** Deletes what a running ingest wrote so far (it was never published). */
export async function abandonIngest(tx: Transaction<Database>, ingestId: number): Promise<void> {
  await tx.deleteFrom("evidence_ingest").where("id", "=", ingestId).where("state", "=", "running").execute();
}
