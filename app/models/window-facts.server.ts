import type { Selectable, Transaction } from "kysely";
import type { Database, OutageWindowTable } from "../../db/schema";
import { formatLocalRange } from "~/domain/local-time";
import { canonicalInstant, type WindowFacts, type WindowState } from "~/domain/outage-windows";
import { outageWindowFields, type ConflictAct } from "~/domain/revisions";
import { revisionConflict, revisionTrail } from "~/models/revisions.server";
import type { Actor } from "~/utils/actor";
import type { Executor } from "~/utils/db.server";
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

/** The plant's windows of one kind (not cancelled) that share time with [startsAt, endsAt), but the window `exceptId`. */
function overlapping(
  tx: Transaction<Database>,
  kind: "blackout" | "scheduled_outage",
  plantId: number,
  startsAt: string,
  endsAt: string,
  exceptId?: number
) {
  let query = tx
    .selectFrom("outage_window")
    .select(["id", "plant_id", "title", "kind", "status", "starts_at", "ends_at", "time_zone"])
    .where("plant_id", "=", plantId)
    .where("kind", "=", kind)
    .where("status", "!=", "cancelled")
    .where("ends_at", ">", canonicalInstant(startsAt))
    .where("starts_at", "<", canonicalInstant(endsAt));
  if (exceptId !== undefined) query = query.where("id", "!=", exceptId);
  return query;
}

/** The plant's blackouts (not cancelled) that share time with [startsAt, endsAt), but the window `exceptId`. */
export async function blackoutsOverlapping(
  tx: Transaction<Database>,
  plantId: number,
  startsAt: string,
  endsAt: string,
  exceptId?: number
) {
  return overlapping(tx, "blackout", plantId, startsAt, endsAt, exceptId).execute();
}

/** The plant's outage windows (not cancelled) that share time with [startsAt, endsAt), but the window `exceptId`. */
export async function outagesOverlapping(
  tx: Transaction<Database>,
  plantId: number,
  startsAt: string,
  endsAt: string,
  exceptId?: number
) {
  return overlapping(tx, "scheduled_outage", plantId, startsAt, endsAt, exceptId)
    .orderBy("starts_at")
    .limit(20)
    .execute();
}

/** Columns of an outage window row. */
export type WindowColumns<K extends keyof OutageWindowTable> = Pick<Selectable<OutageWindowTable>, K>;

export function stateOf(
  w: WindowColumns<"title" | "notes" | "kind" | "status" | "starts_at" | "ends_at">
): WindowState {
  return { title: w.title, notes: w.notes, kind: w.kind, status: w.status, startsAt: w.starts_at, endsAt: w.ends_at };
}

/** A window as the audit trail records it (and revision conflicts read it back). */
export function windowAuditShape(
  w: WindowColumns<"title" | "notes" | "kind" | "status" | "starts_at" | "ends_at" | "time_zone">
) {
  return { ...stateOf(w), timeZone: w.time_zone, local: formatLocalRange(w.starts_at, w.ends_at, w.time_zone) };
}

/** Every audited act that saves a new revision of a window. */
const WINDOW_EDIT_ACTIONS = ["window.edit", "window.confirm", "window.unconfirm", "window.complete", "window.cancel"];

/**
 * Refuses (409, with the window as it now stands and what changed) an act based on a revision of the window that
 * someone has since replaced: an edit of the window, or a change moved into it.
 */
export async function requireWindowRevision(
  tx: Executor,
  actor: Actor,
  current: Selectable<OutageWindowTable>,
  expectedRevision: number,
  act: ConflictAct
): Promise<void> {
  if (current.revision === expectedRevision) return;
  const trail = await revisionTrail(
    tx,
    { type: "outage_window", id: current.id, plantId: current.plant_id, actions: WINDOW_EDIT_ACTIONS },
    expectedRevision
  );
  throw revisionConflict(
    actor,
    {
      label: `window “${current.title}”`,
      revision: current.revision,
      current: outageWindowFields(windowAuditShape(current)),
      // The audit records each replaced window in the shape of `windowAuditShape`.
      read: trail.basedOn ? outageWindowFields(trail.basedOn as unknown as ReturnType<typeof windowAuditShape>) : null,
    },
    trail,
    expectedRevision,
    act
  );
}

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
