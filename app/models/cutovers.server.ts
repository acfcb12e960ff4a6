import type { CutoverFact } from "~/domain/baseline";
import type { Executor } from "~/utils/db.server";

// The facts a conduit's baseline epoch is decided from (app/domain/baseline.ts: epochCutover, currentEpoch): its
// cutover changes. Evidence, readiness and the acceptance of a stalled baseline all load them here.

interface CutoverRow extends CutoverFact {
  conduitId: number;
  windowId: number | null;
  plannedStart: string | null;
}

/**
 * The conduit cutovers (not cancelled) of the plants' conduits, in the order they were recorded. With `at`, as they
 * stood then: cutovers recorded later are left out, and one done after `at` is still scheduled.
 */
export async function listCutovers(db: Executor, plantIds: readonly number[], at?: string): Promise<CutoverRow[]> {
  if (plantIds.length === 0) return [];
  let query = db
    .selectFrom("network_change")
    .select(["id", "conduit_id", "conduit_revision", "status", "done_at", "window_id", "planned_start"])
    .where("plant_id", "in", [...plantIds])
    .where("kind", "=", "conduit_cutover")
    .where("status", "!=", "cancelled")
    .where("conduit_id", "is not", null);
  if (at !== undefined) query = query.where("created_at", "<=", at);
  const rows = await query.orderBy("id").execute();
  return rows.map((row) => {
    const later = at !== undefined && row.status === "done" && row.done_at !== null && row.done_at > at;
    return {
      id: row.id,
      conduitId: row.conduit_id!,
      conduitRevision: row.conduit_revision,
      status: later ? "scheduled" : row.status,
      doneAt: later ? null : row.done_at,
      windowId: row.window_id,
      plannedStart: row.planned_start,
    };
  });
}
