import { sql, type ExpressionBuilder } from "kysely";
import type { Database } from "../../db/schema";
import type { AuditEventView } from "~/domain/audit-filters";
import { HISTORY_ACTIONS } from "~/domain/plant-history";
import { EVENT_VIEW_COLUMNS } from "~/models/audit-log.server";
import type { Executor } from "~/utils/db.server";

// The audit events a plant's history shows (app/domain/plant-history.ts): its acts of those kinds, a change done
// only when it is a conduit cutover. Newest first by when they happened (an import records a file's history after
// events already in the trail, so the chain's order is not the order of the acts).

function historyOf(plantId: number) {
  return (eb: ExpressionBuilder<Database, "audit_event">) =>
    eb.and([
      eb("audit_event.plant_id", "=", plantId),
      eb("audit_event.action", "in", HISTORY_ACTIONS),
      eb.or([
        eb("audit_event.action", "!=", "change.done"),
        eb.exists(
          eb
            .selectFrom("network_change")
            .select("network_change.id")
            .where("network_change.kind", "=", "conduit_cutover")
            .where(sql<boolean>`cast(network_change.id as text) = audit_event.object_id`)
        ),
      ]),
    ]);
}

export async function countPlantHistory(db: Executor, plantId: number): Promise<number> {
  const row = await db
    .selectFrom("audit_event")
    .where(historyOf(plantId))
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The newest `limit` history events of the plant. */
export async function listPlantHistory(db: Executor, plantId: number, limit: number): Promise<AuditEventView[]> {
  return db
    .selectFrom("audit_event")
    .where(historyOf(plantId))
    .leftJoin("plant", "plant.id", "audit_event.plant_id")
    .select(EVENT_VIEW_COLUMNS)
    .orderBy("audit_event.at", "desc")
    .orderBy("audit_event.seq", "desc")
    .limit(limit)
    .execute();
}
