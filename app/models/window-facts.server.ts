import type { Selectable, Transaction } from "kysely";
import type { Database, OutageWindowTable } from "../../db/schema";
import { canonicalInstant, type WindowFacts } from "~/domain/outage-windows";
import { ActError } from "~/utils/errors";

// What both the windows model and the network-changes model read of a plant's schedule before they decide: the
// plant (and its zone), the blackouts over a span, and a window row as the facts the rules in app/domain read.

export async function plantOf(tx: Transaction<Database>, plantId: number) {
  const plant = await tx
    .selectFrom("plant")
    .select(["id", "code", "time_zone"])
    .where("id", "=", plantId)
    .executeTakeFirst();
  if (!plant) throw new ActError(404, "No such plant.");
  return plant;
}

/** The plant's blackouts (not cancelled) that share time with [startsAt, endsAt), but the window `exceptId`. */
export async function blackoutsOverlapping(
  tx: Transaction<Database>,
  plantId: number,
  startsAt: string,
  endsAt: string,
  exceptId?: number
) {
  let query = tx
    .selectFrom("outage_window")
    .select(["id", "plant_id", "title", "kind", "status", "starts_at", "ends_at", "time_zone"])
    .where("plant_id", "=", plantId)
    .where("kind", "=", "blackout")
    .where("status", "!=", "cancelled")
    .where("ends_at", ">", canonicalInstant(startsAt))
    .where("starts_at", "<", canonicalInstant(endsAt));
  if (exceptId !== undefined) query = query.where("id", "!=", exceptId);
  return query.execute();
}

/** Columns of an outage window row. */
export type WindowColumns<K extends keyof OutageWindowTable> = Pick<Selectable<OutageWindowTable>, K>;

export function windowFacts(
  row: WindowColumns<"id" | "plant_id" | "title" | "kind" | "status" | "starts_at" | "ends_at" | "time_zone">
): WindowFacts {
  return {
    id: row.id,
    plantId: row.plant_id,
    title: row.title,
    kind: row.kind,
    status: row.status,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    timeZone: row.time_zone,
  };
}

/** A window row's title, kind, status and times in its zone, as listings and the program file name them. */
export function windowSpanOf<K extends string, S extends string>(w: {
  title: string;
  kind: K;
  status: S;
  starts_at: string;
  ends_at: string;
  time_zone: string;
}) {
  return {
    title: w.title,
    kind: w.kind,
    status: w.status,
    startsAt: w.starts_at,
    endsAt: w.ends_at,
    timeZone: w.time_zone,
  };
}
