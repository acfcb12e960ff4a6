import type { Selectable, Transaction } from "kysely";
import type { Database, OutageWindowTable } from "../../db/schema";
import { formatLocalRange, parseLocalDateTime, realDurationMinutes, type OffsetCandidate } from "~/domain/local-time";
import {
  cancelWindowEffects,
  checkChangeScheduling,
  holdsWindowTime,
  overlaps,
  validateWindow,
  type Refusal,
  type WindowFacts,
} from "~/domain/outage-windows";
import { can } from "~/domain/permissions";
import { changesBetween, conflictMessage, outageWindowFields } from "~/domain/revisions";
import {
  CHANGE_KIND_LABELS,
  CHANGE_KINDS,
  WINDOW_KIND_LABELS,
  isOneOf,
  type ChangeKind,
  type WindowKind,
  type WindowStatus,
} from "~/domain/vocabulary";
import { recordAudit } from "~/models/audit.server";
import { revisionTrail } from "~/models/revisions.server";
import type { Actor } from "~/utils/actor";
import type { DB, Executor } from "~/utils/db.server";
import { ActError, RevisionConflictError } from "~/utils/errors";
import { requireAct } from "~/models/authorize.server";

// Outage windows and the network changes scheduled into them: reads for the calendars and the program view, and
// the acts (each authorized, validated, committed in one transaction with its audit event, or not at all).
//
// Choices made here (the domain rules themselves are in app/domain/outage-windows.ts):
// - A new window is planned or confirmed; completed and cancelled are reached by editing it.
// - A scheduled outage may not be created or moved over a (not cancelled) blackout of its plant: 409. A blackout
//   may be declared over existing outages (production wins); the outage then shows as a conflict in
//   `upcomingWindows` rather than being changed behind anyone's back.
// - Editing a window never moves its changes: an edit of times or kind that would leave a scheduled change
//   outside the window, over capacity or in a blackout is refused (409) naming the changes; un-confirming or
//   completing a window that still has scheduled changes is refused too; cancelling flags them `needs_window`.
// - A change is marked done only at an instant inside its window (the window not cancelled), else 409 — except an
//   active scan, which is recorded whenever it happened (even without a window): INV-PASSIVE must see every scan,
//   and refusing to record one that happened outside a window would hide exactly the breach it exists to show.
// - A conduit or asset named by a change must belong to the change's plant; one that does not is "not found"
//   here (404 naming the field), as the rest of the app answers for another plant's objects under a plant's URL.

/** A refusal with every reason (and the field of each), as the domain rules give them. */
export class RefusedAct extends ActError {
  constructor(status: 400 | 409, public reasons: Refusal[]) {
    super(status, reasons.map((r) => r.message).join(" "), reasons[0]?.field);
    this.name = "RefusedAct";
  }
}

/** A local time the plant's clock cannot read one way: a gap (refused) or a fall-back overlap (choose an offset). */
export class LocalTimeError extends ActError {
  constructor(message: string, field: string, public offsets?: OffsetCandidate[]) {
    super(400, message, field);
    this.name = "LocalTimeError";
  }
}

// ——— local form fields to instants ———

export interface LocalFields {
  date: string;
  time: string;
  /** "-05:00" or "CDT": settles a fall-back ambiguity; ignored otherwise. */
  offset?: string | null;
}

export type LocalFieldsResult =
  | { ok: true; instant: string; offset: string; abbreviation: string }
  | { ok: false; field: string; message: string; offsets?: OffsetCandidate[] };

/**
 * A plant-local date and time (and offset choice) as a UTC instant, or the field at fault: `${prefix}.time` for a
 * time inside a spring-forward gap (the message names the time and the zone), `${prefix}.offset` for an ambiguous
 * fall-back time (with both candidate offsets), `${prefix}.date`, or `timeZone` for a zone the plant should not have.
 */
export function instantFromLocalFields(fields: LocalFields, zone: string, prefix: string): LocalFieldsResult {
  const result = parseLocalDateTime(fields.date, fields.time, zone, fields.offset ?? undefined);
  if (result.ok) return result;
  const field = result.field === "timeZone" ? "timeZone" : `${prefix}.${result.field}`;
  return {
    ok: false,
    field,
    message: `${field}: ${result.message}`,
    ...(result.ambiguous ? { offsets: result.ambiguous } : {}),
  };
}

/** Like `instantFromLocalFields`, throwing the refusal (400) for an act or route to answer. */
export function requireLocalInstant(fields: LocalFields, zone: string, prefix: string): string {
  const result = instantFromLocalFields(fields, zone, prefix);
  if (!result.ok) throw new LocalTimeError(result.message, result.field, result.offsets);
  return result.instant;
}

// ——— reads ———

export interface ChangeView {
  id: number;
  plantId: number;
  windowId: number | null;
  kind: string;
  kindLabel: string;
  title: string;
  conduitId: number | null;
  conduitName: string | null;
  conduitRevision: number | null;
  assetId: number | null;
  assetName: string | null;
  plannedStart: string | null;
  plannedMinutes: number | null;
  status: string;
  doneAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WindowView {
  id: number;
  plantId: number;
  plantCode: string;
  plantName: string;
  site: string;
  /** The zone the window was entered in (the plant's). */
  timeZone: string;
  title: string;
  kind: string;
  status: string;
  startsAt: string;
  endsAt: string;
  /** "Sun 8 Mar 2026 01:00 CST – 05:00 CDT" */
  localRange: string;
  /** Real elapsed minutes. */
  durationMinutes: number;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
  /** Bumped by every edit of the window; a form that edits it carries the revision it showed. */
  revision: number;
  changes: ChangeView[];
}

function windowQuery(db: Executor) {
  return db
    .selectFrom("outage_window as w")
    .innerJoin("plant as p", "p.id", "w.plant_id")
    .select([
      "w.id",
      "w.plant_id",
      "p.code as plant_code",
      "p.name as plant_name",
      "p.site",
      "w.time_zone",
      "w.title",
      "w.kind",
      "w.status",
      "w.starts_at",
      "w.ends_at",
      "w.notes",
      "w.created_at",
      "w.updated_at",
      "w.revision",
    ]);
}

type WindowRow = Awaited<ReturnType<ReturnType<typeof windowQuery>["execute"]>>[number];

function changeQuery(db: Executor) {
  return db
    .selectFrom("network_change as c")
    .leftJoin("conduit as k", "k.id", "c.conduit_id")
    .leftJoin("asset as a", "a.id", "c.asset_id")
    .select([
      "c.id",
      "c.plant_id",
      "c.window_id",
      "c.kind",
      "c.title",
      "c.conduit_id",
      "k.name as conduit_name",
      "c.conduit_revision",
      "c.asset_id",
      "a.name as asset_name",
      "c.planned_start",
      "c.planned_minutes",
      "c.status",
      "c.done_at",
      "c.created_at",
      "c.updated_at",
    ]);
}

type ChangeRow = Awaited<ReturnType<ReturnType<typeof changeQuery>["execute"]>>[number];

function changeView(row: ChangeRow): ChangeView {
  return {
    id: row.id,
    plantId: row.plant_id,
    windowId: row.window_id,
    kind: row.kind,
    kindLabel: isOneOf(CHANGE_KINDS, row.kind) ? CHANGE_KIND_LABELS[row.kind] : row.kind,
    title: row.title,
    conduitId: row.conduit_id,
    conduitName: row.conduit_name,
    conduitRevision: row.conduit_revision,
    assetId: row.asset_id,
    assetName: row.asset_name,
    plannedStart: row.planned_start,
    plannedMinutes: row.planned_minutes,
    status: row.status,
    doneAt: row.done_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function windowView(row: WindowRow, changes: ChangeView[]): WindowView {
  return {
    id: row.id,
    plantId: row.plant_id,
    plantCode: row.plant_code,
    plantName: row.plant_name,
    site: row.site,
    timeZone: row.time_zone,
    title: row.title,
    kind: row.kind,
    status: row.status,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    localRange: formatLocalRange(row.starts_at, row.ends_at, row.time_zone),
    durationMinutes: realDurationMinutes(row.starts_at, row.ends_at),
    notes: row.notes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    revision: row.revision,
    changes,
  };
}

function byInstant(a: { startsAt: string; id: number }, b: { startsAt: string; id: number }): number {
  return Date.parse(a.startsAt) - Date.parse(b.startsAt) || a.id - b.id;
}

/**
 * Windows (of the given plants, or all) that share time with [from, to), sorted by instant, each with its plant and
 * its changes. One query for the windows and one for their changes, whatever the number of plants.
 */
export async function listWindows(
  db: Executor,
  options: {
    plantIds?: readonly number[];
    from?: string;
    to?: string;
    windowIds?: readonly number[];
    /** At most this many windows, from the `offset`-th on (time order): every caller bounds what it reads. */
    limit: number;
    offset?: number;
  }
): Promise<WindowView[]> {
  if (options.plantIds && options.plantIds.length === 0) return [];
  let query = windowQuery(db);
  if (options.plantIds) query = query.where("w.plant_id", "in", [...options.plantIds]);
  if (options.windowIds) {
    if (options.windowIds.length === 0) return [];
    query = query.where("w.id", "in", [...options.windowIds]);
  }
  // Instants are stored as `toISOString()` text, so text order is time order.
  if (options.from) query = query.where("w.ends_at", ">", new Date(options.from).toISOString());
  if (options.to) query = query.where("w.starts_at", "<", new Date(options.to).toISOString());
  const rows = await query
    .orderBy("w.starts_at")
    .orderBy("w.id")
    .offset(options.offset ?? 0)
    .limit(options.limit)
    .execute();
  const changes = await changesOfWindows(
    db,
    rows.map((row) => row.id)
  );
  return rows.map((row) => windowView(row, changes.get(row.id) ?? [])).sort(byInstant);
}

async function changesOfWindows(db: Executor, windowIds: number[]): Promise<Map<number, ChangeView[]>> {
  const byWindow = new Map<number, ChangeView[]>();
  // SQLite binds at most 32766 variables; chunk to stay far below.
  for (let i = 0; i < windowIds.length; i += 5000) {
    const rows = await changeQuery(db)
      .where("c.window_id", "in", windowIds.slice(i, i + 5000))
      .orderBy("c.planned_start")
      .orderBy("c.id")
      .execute();
    for (const row of rows) {
      const list = byWindow.get(row.window_id!) ?? [];
      list.push(changeView(row));
      byWindow.set(row.window_id!, list);
    }
  }
  return byWindow;
}

export interface WindowConflict {
  kind: "blackout_overlap" | "changes_need_window" | "over_capacity";
  message: string;
}

export interface UpcomingWindow extends WindowView {
  conflicts: WindowConflict[];
}

/** The most windows one page of upcoming windows holds; beyond it the page says there are more. */
export const UPCOMING_WINDOW_LIMIT = 500;

export interface UpcomingWindows {
  from: string;
  to: string;
  /** The first UPCOMING_WINDOW_LIMIT windows of the period, in time order. */
  windows: UpcomingWindow[];
  /** More windows fall in the period than `windows` holds. */
  truncated: boolean;
  /** Changes of these plants flagged for rescheduling (their window was cancelled), oldest planned first. */
  needsWindow: (ChangeView & { plantCode: string })[];
}

/**
 * The program's windows over the next `days` days, across the plants given (or all), sorted by instant, each with
 * its conflicts: a scheduled outage sharing time with a blackout of its plant, changes of the window that need a
 * new window, or changes holding more minutes than the window has.
 */
export async function upcomingWindows(
  db: Executor,
  options: { days?: number; now: Date | string; plantIds?: readonly number[] }
): Promise<UpcomingWindows> {
  const days = options.days ?? 30;
  const from = new Date(options.now).toISOString();
  const to = new Date(Date.parse(from) + days * 86_400_000).toISOString();
  const read = await listWindows(db, { plantIds: options.plantIds, from, to, limit: UPCOMING_WINDOW_LIMIT + 1 });
  const truncated = read.length > UPCOMING_WINDOW_LIMIT;
  const windows = read.slice(0, UPCOMING_WINDOW_LIMIT);
  // Blackouts that may touch any of these windows, even where they begin before `from` or end after `to`.
  const plantIds = [...new Set(windows.map((w) => w.plantId))];
  const earliest = windows.reduce((min, w) => (w.startsAt < min ? w.startsAt : min), from);
  const latest = windows.reduce((max, w) => (w.endsAt > max ? w.endsAt : max), to);
  const blackouts =
    plantIds.length === 0
      ? []
      : await db
          .selectFrom("outage_window")
          .select(["id", "plant_id", "title", "starts_at", "ends_at", "time_zone"])
          .where("plant_id", "in", plantIds)
          .where("kind", "=", "blackout")
          .where("status", "!=", "cancelled")
          .where("ends_at", ">", earliest)
          .where("starts_at", "<", latest)
          .execute();
  const withConflicts = windows.map((w): UpcomingWindow => {
    const conflicts: WindowConflict[] = [];
    if (w.kind === "scheduled_outage" && w.status !== "cancelled") {
      for (const b of blackouts) {
        if (b.plant_id === w.plantId && overlaps(w.startsAt, w.endsAt, b.starts_at, b.ends_at)) {
          conflicts.push({
            kind: "blackout_overlap",
            message: `Overlaps blackout “${b.title}” (${formatLocalRange(b.starts_at, b.ends_at, b.time_zone)}).`,
          });
        }
      }
    }
    const flagged = w.changes.filter((c) => c.status === "needs_window");
    if (flagged.length > 0) {
      conflicts.push({
        kind: "changes_need_window",
        message: `${flagged.length} ${flagged.length === 1 ? "change needs" : "changes need"} a new window: ${flagged
          .map((c) => `“${c.title}”`)
          .join(", ")}.`,
      });
    }
    if (w.status !== "cancelled") {
      const used = w.changes
        .filter((c) => holdsWindowTime(c.status))
        .reduce((sum, c) => sum + (c.plannedMinutes ?? 0), 0);
      if (used > w.durationMinutes) {
        conflicts.push({
          kind: "over_capacity",
          message: `Changes hold ${used} minutes of a ${w.durationMinutes}-minute window.`,
        });
      }
    }
    return { ...w, conflicts };
  });
  let needsQuery = changeQuery(db)
    .innerJoin("plant as p", "p.id", "c.plant_id")
    .select("p.code as plant_code")
    .where("c.status", "=", "needs_window");
  if (options.plantIds) {
    if (options.plantIds.length === 0) return { from, to, windows: withConflicts, truncated, needsWindow: [] };
    needsQuery = needsQuery.where("c.plant_id", "in", [...options.plantIds]);
  }
  const needs = await needsQuery.orderBy("c.planned_start").orderBy("c.id").limit(UPCOMING_WINDOW_LIMIT).execute();
  return {
    from,
    to,
    windows: withConflicts,
    truncated,
    needsWindow: needs.map((row) => ({ ...changeView(row), plantCode: row.plant_code })),
  };
}

/** The plants whose windows the actor may read (`read:program`, within a token's plant scope). */
export async function readablePlantIds(db: Executor, actor: Actor): Promise<number[]> {
  if (!can(actor, "read:program")) return [];
  const rows = await db.selectFrom("plant").select("id").orderBy("id").execute();
  return rows.map((row) => row.id).filter((id) => can(actor, "read:program", id));
}

// ——— acts ———

async function plantOf(tx: Transaction<Database>, plantId: number) {
  const plant = await tx
    .selectFrom("plant")
    .select(["id", "code", "time_zone"])
    .where("id", "=", plantId)
    .executeTakeFirst();
  if (!plant) throw new ActError(404, "No such plant.");
  return plant;
}

function isInstantText(value: unknown): value is string {
  return (
    typeof value === "string" &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    Number.isFinite(Date.parse(value))
  );
}

/** A stored instant: always `toISOString()`, so text comparisons in SQL are time comparisons. */
function canonical(instant: string): string {
  return new Date(instant).toISOString();
}

function cleanTitle(raw: unknown, field = "title"): string {
  const title = typeof raw === "string" ? raw.trim() : "";
  if (title.length < 3) throw new ActError(400, `${field}: give it a title (at least 3 characters).`, field);
  if (title.length > 200) throw new ActError(400, `${field}: keep the title under 200 characters.`, field);
  return title;
}

function cleanNotes(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== "string") throw new ActError(400, "notes: write the notes as text.", "notes");
  const notes = raw.trim();
  if (notes.length > 4000) throw new ActError(400, "notes: keep the notes under 4000 characters.", "notes");
  return notes || null;
}

function windowRefusals(input: { startsAt: string; endsAt: string; kind: string; status: string }): Refusal[] {
  return validateWindow({ start: input.startsAt, end: input.endsAt, kind: input.kind, status: input.status }).map(
    (r) => ({ field: r.field === "start" ? "startsAt" : r.field === "end" ? "endsAt" : r.field, message: r.message })
  );
}

function withFieldNames(reasons: Refusal[]): Refusal[] {
  return reasons.map((r) => ({
    field: r.field,
    message: r.message.startsWith(`${r.field}:`) ? r.message : `${r.field}: ${r.message}`,
  }));
}

async function blackoutsOverlapping(
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
    .where("ends_at", ">", canonical(startsAt))
    .where("starts_at", "<", canonical(endsAt));
  if (exceptId !== undefined) query = query.where("id", "!=", exceptId);
  return query.execute();
}

function factsOf(row: {
  id: number;
  plant_id: number;
  title: string;
  kind: string;
  status: string;
  starts_at: string;
  ends_at: string;
  time_zone: string;
}): WindowFacts {
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

function windowAuditShape(w: {
  title: string;
  kind: string;
  status: string;
  starts_at: string;
  ends_at: string;
  time_zone: string;
  notes: string | null;
}) {
  return {
    title: w.title,
    kind: w.kind,
    status: w.status,
    startsAt: w.starts_at,
    endsAt: w.ends_at,
    timeZone: w.time_zone,
    local: formatLocalRange(w.starts_at, w.ends_at, w.time_zone),
    notes: w.notes,
  };
}

export interface WindowInput {
  plantId: number;
  title: string;
  kind: string;
  status: string;
  startsAt: string;
  endsAt: string;
  notes?: string | null;
}

/** A new planned or confirmed window of the plant, in the plant's zone. Returns it as listed. */
export async function createWindow(
  db: DB,
  actor: Actor,
  input: WindowInput,
  now: Date = new Date()
): Promise<WindowView> {
  requireAct(actor, "schedule:window", input.plantId, "schedule outage windows");
  const title = cleanTitle(input.title);
  const notes = cleanNotes(input.notes);
  const reasons = windowRefusals(input);
  if (reasons.length > 0) throw new RefusedAct(400, withFieldNames(reasons));
  if (input.status !== "planned" && input.status !== "confirmed") {
    throw new ActError(400, "status: a new window is planned or confirmed.", "status");
  }
  if (Date.parse(input.endsAt) <= now.getTime()) {
    throw new ActError(400, "endsAt: the window would already be over; new windows lie ahead.", "endsAt");
  }
  const id = await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const row = {
      plant_id: plant.id,
      title,
      // windowRefusals refused any other kind or status above.
      kind: input.kind as WindowKind,
      status: input.status as WindowStatus,
      starts_at: canonical(input.startsAt),
      ends_at: canonical(input.endsAt),
      time_zone: plant.time_zone,
      notes,
      created_by: actor.personId,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    if (row.kind === "scheduled_outage") await refuseOverBlackout(tx, row);
    const { id } = await tx.insertInto("outage_window").values(row).returning("id").executeTakeFirstOrThrow();
    await recordAudit(
      tx,
      actor,
      {
        action: "window.create",
        objectType: "outage_window",
        objectId: id,
        plantId: plant.id,
        summary: `${actor.name} added the ${WINDOW_KIND_LABELS[row.kind as WindowKind].toLowerCase()} “${title}” at ${
          plant.code
        } (${formatLocalRange(row.starts_at, row.ends_at, row.time_zone)}), ${row.status}`,
        after: windowAuditShape(row),
      },
      now
    );
    return id;
  });
  const [view] = await listWindows(db, { windowIds: [id], limit: 1 });
  return view!;
}

async function refuseOverBlackout(
  tx: Transaction<Database>,
  w: { plant_id: number; starts_at: string; ends_at: string; status: string },
  exceptId?: number
) {
  if (w.status === "cancelled") return;
  const blackouts = await blackoutsOverlapping(tx, w.plant_id, w.starts_at, w.ends_at, exceptId);
  if (blackouts.length === 0) return;
  throw new RefusedAct(
    409,
    blackouts.map((b) => ({
      field: "startsAt",
      message: `startsAt: the outage (${formatLocalRange(w.starts_at, w.ends_at, b.time_zone)}) overlaps blackout “${
        b.title
      }” (${formatLocalRange(b.starts_at, b.ends_at, b.time_zone)}); nothing may happen on the network during it.`,
    }))
  );
}

export interface WindowEdit {
  plantId: number;
  windowId: number;
  /** The revision the person saw; an edit based on an older one is refused (409) with the window as it stands. */
  expectedRevision: number;
  title?: string;
  kind?: string;
  status?: string;
  startsAt?: string;
  endsAt?: string;
  notes?: string | null;
}

/** Every audited act that saves a new revision of a window. */
const WINDOW_EDIT_ACTIONS = ["window.edit", "window.confirm", "window.unconfirm", "window.complete", "window.cancel"];

async function requireWindowRevision(
  tx: Executor,
  actor: Actor,
  current: Selectable<OutageWindowTable>,
  edit: WindowEdit
): Promise<void> {
  if (current.revision === edit.expectedRevision) return;
  const trail = await revisionTrail(
    tx,
    { type: "outage_window", id: current.id, plantId: current.plant_id, actions: WINDOW_EDIT_ACTIONS },
    edit.expectedRevision
  );
  const now = outageWindowFields(windowAuditShape(current));
  // The audit records each replaced window in the shape of `windowAuditShape`.
  const read = trail.basedOn
    ? outageWindowFields(trail.basedOn as unknown as ReturnType<typeof windowAuditShape>)
    : null;
  const conflict = {
    basedOn: edit.expectedRevision,
    revision: current.revision,
    savedBy: trail.savedBy,
    savedAt: trail.savedAt,
    current: now,
    changes: read ? changesBetween(read, now) : null,
  };
  const yours = actor.personId !== null && trail.savedByPersonId === actor.personId;
  throw new RevisionConflictError(
    conflictMessage({
      ...conflict,
      object: `window “${current.title}”`,
      act: edit.status === undefined ? "edit" : "status",
      yours,
    }),
    conflict
  );
}

const STATUS_MOVES: Record<WindowStatus, readonly WindowStatus[]> = {
  planned: ["confirmed", "cancelled"],
  confirmed: ["planned", "completed", "cancelled"],
  completed: [],
  cancelled: [],
};

/**
 * Edits a window's title, notes, times, kind or status. Cancelling flags every scheduled change of the window
 * `needs_window` (each audited); no edit moves a change, so one that would leave a change outside the window, in a
 * blackout or over capacity is refused. Completed and cancelled windows are history and are not edited.
 */
export async function updateWindow(
  db: DB,
  actor: Actor,
  input: WindowEdit,
  now: Date = new Date()
): Promise<WindowView> {
  requireAct(actor, "schedule:window", input.plantId, "edit outage windows");
  await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const current = await tx
      .selectFrom("outage_window")
      .selectAll()
      .where("id", "=", input.windowId)
      .where("plant_id", "=", plant.id)
      .executeTakeFirst();
    if (!current) throw new ActError(404, `No window ${input.windowId} at ${plant.code}.`, "windowId");
    await requireWindowRevision(tx, actor, current, input);
    if (current.status === "completed" || current.status === "cancelled") {
      throw new ActError(
        409,
        `Window “${current.title}” is ${current.status}; it is history and is not edited.`,
        "status"
      );
    }
    const next = {
      ...current,
      title: input.title === undefined ? current.title : cleanTitle(input.title),
      notes: input.notes === undefined ? current.notes : cleanNotes(input.notes),
      // windowRefusals(next) below refuses any other kind or status.
      kind: (input.kind ?? current.kind) as WindowKind,
      status: (input.status ?? current.status) as WindowStatus,
      starts_at: input.startsAt ?? current.starts_at,
      ends_at: input.endsAt ?? current.ends_at,
    };
    const reasons = windowRefusals({
      startsAt: next.starts_at,
      endsAt: next.ends_at,
      kind: next.kind,
      status: next.status,
    });
    if (reasons.length > 0) throw new RefusedAct(400, withFieldNames(reasons));
    next.starts_at = canonical(next.starts_at);
    next.ends_at = canonical(next.ends_at);
    const timesChanged = next.starts_at !== current.starts_at || next.ends_at !== current.ends_at;
    const changed =
      timesChanged ||
      next.title !== current.title ||
      next.notes !== current.notes ||
      next.kind !== current.kind ||
      next.status !== current.status;
    if (!changed) throw new ActError(400, "Nothing changed: the window is as it was.");
    if (
      next.status !== current.status &&
      !STATUS_MOVES[current.status as WindowStatus]?.includes(next.status as WindowStatus)
    ) {
      throw new ActError(409, `status: a ${current.status} window cannot become ${next.status}.`, "status");
    }
    if (next.status === "completed" && Date.parse(next.starts_at) > now.getTime()) {
      throw new ActError(409, "status: a window is completed once it has begun; this one lies ahead.", "status");
    }
    if (timesChanged && Date.parse(next.ends_at) <= now.getTime() && next.status !== "cancelled") {
      throw new ActError(400, "endsAt: the window would already be over.", "endsAt");
    }

    const changes = await tx
      .selectFrom("network_change")
      .select(["id", "title", "status", "window_id", "planned_start", "planned_minutes", "kind"])
      .where("window_id", "=", current.id)
      .execute();
    const scheduled = changes.filter((c) => c.status === "scheduled");

    let flags: ReturnType<typeof cancelWindowEffects> = [];
    if (next.status === "cancelled") {
      flags = cancelWindowEffects(
        { id: current.id, title: current.title },
        changes.map((c) => ({ id: c.id, windowId: c.window_id, status: c.status }))
      );
    } else {
      if (next.kind === "scheduled_outage") await refuseOverBlackout(tx, next, current.id);
      const problems: Refusal[] = [];
      if (scheduled.length > 0 && (next.status === "planned" || next.status === "completed")) {
        problems.push({
          field: "status",
          message: `status: ${scheduled.length} scheduled ${
            scheduled.length === 1 ? "change is" : "changes are"
          } still in this window (${scheduled.map((c) => `“${c.title}”`).join(", ")}); ${
            next.status === "completed" ? "mark them done or cancel them" : "move or cancel them"
          } first.`,
        });
      }
      if (next.kind === "blackout" && scheduled.length > 0) {
        problems.push({
          field: "kind",
          message: `kind: a blackout cannot hold the ${scheduled.length} scheduled ${
            scheduled.length === 1 ? "change" : "changes"
          } of this window.`,
        });
      }
      if (timesChanged) {
        for (const c of scheduled) {
          const start = Date.parse(c.planned_start ?? "");
          const end = start + (c.planned_minutes ?? 0) * 60_000;
          if (!(start >= Date.parse(next.starts_at) && end <= Date.parse(next.ends_at))) {
            problems.push({
              field: "startsAt",
              message: `startsAt: the change “${c.title}” would no longer fit inside the window (${formatLocalRange(
                next.starts_at,
                next.ends_at,
                next.time_zone
              )}); reschedule or cancel it first, nothing is moved silently.`,
            });
          }
        }
        const used = changes
          .filter((c) => holdsWindowTime(c.status))
          .reduce((sum, c) => sum + (c.planned_minutes ?? 0), 0);
        const capacity = realDurationMinutes(next.starts_at, next.ends_at);
        if (used > capacity) {
          problems.push({
            field: "endsAt",
            message: `endsAt: the window would offer ${capacity} minutes, but its changes hold ${used}.`,
          });
        }
      }
      if (problems.length > 0) throw new RefusedAct(409, problems);
    }

    await tx
      .updateTable("outage_window")
      .set({
        title: next.title,
        notes: next.notes,
        kind: next.kind,
        status: next.status,
        starts_at: next.starts_at,
        ends_at: next.ends_at,
        updated_at: now.toISOString(),
        revision: current.revision + 1,
      })
      .where("id", "=", current.id)
      .execute();
    for (const flag of flags) {
      await tx
        .updateTable("network_change")
        .set({ status: flag.status, updated_at: now.toISOString() })
        .where("id", "=", flag.id)
        .execute();
    }
    const flagged = flags.map((f) => ({ id: f.id, title: changes.find((c) => c.id === f.id)?.title ?? "" }));
    const verb =
      next.status !== current.status
        ? next.status === "cancelled"
          ? "cancelled"
          : next.status === "confirmed"
          ? "confirmed"
          : next.status === "completed"
          ? "completed"
          : "un-confirmed"
        : "edited";
    await recordAudit(
      tx,
      actor,
      {
        action:
          next.status !== current.status
            ? `window.${
                next.status === "planned"
                  ? "unconfirm"
                  : next.status === "cancelled"
                  ? "cancel"
                  : next.status === "confirmed"
                  ? "confirm"
                  : "complete"
              }`
            : "window.edit",
        objectType: "outage_window",
        objectId: current.id,
        plantId: plant.id,
        summary:
          `${actor.name} ${verb} window “${next.title}” at ${plant.code} (${formatLocalRange(
            next.starts_at,
            next.ends_at,
            next.time_zone
          )})` +
          (flagged.length > 0
            ? `; ${flagged.length} ${flagged.length === 1 ? "change needs" : "changes need"} a new window: ${flagged
                .map((f) => `“${f.title}”`)
                .join(", ")}`
            : ""),
        before: { revision: current.revision, ...windowAuditShape(current) },
        after: {
          revision: current.revision + 1,
          ...windowAuditShape(next),
          flaggedChanges: flagged.map((f) => ({ ...f, status: "needs_window" })),
        },
      },
      now
    );
    for (const flag of flags) {
      await recordAudit(
        tx,
        actor,
        {
          action: "change.needs_window",
          objectType: "network_change",
          objectId: flag.id,
          plantId: plant.id,
          summary: `${flag.reason} (“${changes.find((c) => c.id === flag.id)?.title ?? ""}”)`,
          before: { status: "scheduled", windowId: current.id },
          after: { status: "needs_window", windowId: current.id },
        },
        now
      );
    }
  });
  const [view] = await listWindows(db, { windowIds: [input.windowId], limit: 1 });
  return view!;
}

export interface ChangeInput {
  plantId: number;
  windowId: number;
  kind: string;
  title: string;
  conduitId?: number | null;
  assetId?: number | null;
  plannedStart: string;
  plannedMinutes: number;
}

/**
 * Schedules a network change into a confirmed outage window of its plant. A conduit cutover names a conduit of the
 * plant and records the conduit revision it puts in place; other kinds may name a conduit or an asset of the plant.
 * Refused with every reason the rules give (409), or 400 for input that is not well formed.
 */
export async function scheduleChange(
  db: DB,
  actor: Actor,
  input: ChangeInput,
  now: Date = new Date()
): Promise<ChangeView> {
  requireAct(actor, "schedule:change", input.plantId, "schedule network changes");
  const title = cleanTitle(input.title);
  const malformed: Refusal[] = [];
  if (!isOneOf(CHANGE_KINDS, input.kind)) {
    malformed.push({
      field: "kind",
      message: `kind: “${String(input.kind)}” is not a change kind; use ${CHANGE_KINDS.join(", ")}.`,
    });
  }
  if (!Number.isInteger(input.plannedMinutes) || input.plannedMinutes <= 0) {
    malformed.push({
      field: "plannedMinutes",
      message: `plannedMinutes: the planned duration must be a positive whole number of minutes; ${String(
        input.plannedMinutes
      )} is not.`,
    });
  } else if (input.plannedMinutes > 72 * 60) {
    malformed.push({
      field: "plannedMinutes",
      message: "plannedMinutes: no change is planned for more than 72 hours.",
    });
  }
  if (!isInstantText(input.plannedStart)) {
    malformed.push({
      field: "plannedStart",
      message: "plannedStart: not a valid instant (ISO-8601 with Z or an offset).",
    });
  }
  const conduitId = input.conduitId ?? null;
  const assetId = input.assetId ?? null;
  if (input.kind === "conduit_cutover") {
    if (conduitId === null)
      malformed.push({ field: "conduitId", message: "conduitId: a conduit cutover names the conduit it cuts over." });
    if (assetId !== null)
      malformed.push({ field: "assetId", message: "assetId: a conduit cutover names a conduit, not an asset." });
  } else if (conduitId !== null && assetId !== null) {
    malformed.push({ field: "assetId", message: "assetId: a change is tied to a conduit or to an asset, not both." });
  }
  if (malformed.length > 0) throw new RefusedAct(400, malformed);

  const id = await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const window = await tx
      .selectFrom("outage_window")
      .select(["id", "plant_id", "title", "kind", "status", "starts_at", "ends_at", "time_zone"])
      .where("id", "=", input.windowId)
      .executeTakeFirst();
    // A token limited to some plants does not learn of windows outside them.
    if (!window || (actor.plantScope && !actor.plantScope.includes(window.plant_id))) {
      throw new ActError(404, `windowId: there is no window ${input.windowId}.`, "windowId");
    }
    let conduit: { id: number; name: string; revision: number } | undefined;
    if (conduitId !== null) {
      conduit = await tx
        .selectFrom("conduit")
        .select(["id", "name", "revision"])
        .where("id", "=", conduitId)
        .where("plant_id", "=", plant.id)
        .executeTakeFirst();
      if (!conduit) throw new ActError(404, `conduitId: ${plant.code} has no conduit ${conduitId}.`, "conduitId");
    }
    let asset: { id: number; name: string } | undefined;
    if (assetId !== null) {
      asset = await tx
        .selectFrom("asset")
        .select(["id", "name"])
        .where("id", "=", assetId)
        .where("plant_id", "=", plant.id)
        .executeTakeFirst();
      if (!asset) throw new ActError(404, `assetId: ${plant.code} has no asset ${assetId}.`, "assetId");
    }
    const plannedStart = canonical(input.plannedStart);
    const plannedEnd = new Date(Date.parse(plannedStart) + input.plannedMinutes * 60_000).toISOString();
    const others = await tx
      .selectFrom("network_change")
      .select(["id", "status", "planned_minutes"])
      .where("window_id", "=", window.id)
      .execute();
    const blackouts = await blackoutsOverlapping(tx, plant.id, plannedStart, plannedEnd);
    const reasons = checkChangeScheduling({
      change: { plantId: plant.id, kind: input.kind, plannedStart, plannedMinutes: input.plannedMinutes },
      window: factsOf(window),
      otherChangesInWindow: others.map((c) => ({ id: c.id, status: c.status, plannedMinutes: c.planned_minutes })),
      blackouts: blackouts.map(factsOf),
      now: now.toISOString(),
    });
    if (reasons.length > 0) throw new RefusedAct(409, withFieldNames(reasons));
    const row = {
      plant_id: plant.id,
      // The reasons above refused any other kind.
      kind: input.kind as ChangeKind,
      title,
      conduit_id: conduit?.id ?? null,
      conduit_revision: input.kind === "conduit_cutover" ? conduit!.revision : null,
      asset_id: asset?.id ?? null,
      window_id: window.id,
      planned_start: plannedStart,
      planned_minutes: input.plannedMinutes,
      status: "scheduled" as const,
      done_at: null,
      created_by: actor.personId,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    const { id } = await tx.insertInto("network_change").values(row).returning("id").executeTakeFirstOrThrow();
    await recordAudit(
      tx,
      actor,
      {
        action: "change.schedule",
        objectType: "network_change",
        objectId: id,
        plantId: plant.id,
        summary: `${actor.name} scheduled the ${CHANGE_KIND_LABELS[
          input.kind as ChangeKind
        ].toLowerCase()} “${title}” at ${plant.code} into window “${window.title}” (${formatLocalRange(
          plannedStart,
          plannedEnd,
          window.time_zone
        )})`,
        after: {
          kind: row.kind,
          title,
          windowId: window.id,
          conduitId: row.conduit_id,
          conduitRevision: row.conduit_revision,
          assetId: row.asset_id,
          plannedStart,
          plannedMinutes: row.planned_minutes,
          status: row.status,
        },
      },
      now
    );
    return id;
  });
  return (await getChange(db, id))!;
}

export async function getChange(db: Executor, changeId: number): Promise<ChangeView | null> {
  const row = await changeQuery(db).where("c.id", "=", changeId).executeTakeFirst();
  return row ? changeView(row) : null;
}

async function changeIn(tx: Transaction<Database>, plantId: number, changeId: number) {
  const change = await tx
    .selectFrom("network_change")
    .selectAll()
    .where("id", "=", changeId)
    .where("plant_id", "=", plantId)
    .executeTakeFirst();
  if (!change) throw new ActError(404, `changeId: no change ${changeId} at this plant.`, "changeId");
  return change;
}

/**
 * Records that a change was done at `doneAt` (default now). Refused (409) unless that instant lies inside the
 * change's window and the window is not cancelled — except for an active scan, recorded whenever it happened so
 * INV-PASSIVE sees scans outside windows.
 */
export async function completeChange(
  db: DB,
  actor: Actor,
  input: { plantId: number; changeId: number; doneAt?: string | null },
  now: Date = new Date()
): Promise<ChangeView> {
  requireAct(actor, "schedule:change", input.plantId, "record network changes");
  const doneAtRaw = input.doneAt ?? now.toISOString();
  if (!isInstantText(doneAtRaw)) throw new ActError(400, "doneAt: not a valid instant.", "doneAt");
  const doneAt = canonical(doneAtRaw);
  if (Date.parse(doneAt) > now.getTime() + 60_000) {
    throw new ActError(400, "doneAt: a change is recorded as done once it has happened, not ahead of time.", "doneAt");
  }
  await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const change = await changeIn(tx, plant.id, input.changeId);
    if (change.status !== "scheduled" && change.status !== "needs_window") {
      throw new ActError(409, `The change “${change.title}” is ${change.status}.`, "changeId");
    }
    const window = change.window_id
      ? await tx.selectFrom("outage_window").selectAll().where("id", "=", change.window_id).executeTakeFirst()
      : undefined;
    const insideWindow =
      window !== undefined &&
      window.status !== "cancelled" &&
      Date.parse(doneAt) >= Date.parse(window.starts_at) &&
      Date.parse(doneAt) <= Date.parse(window.ends_at);
    if (!insideWindow && change.kind !== "active_scan") {
      throw new ActError(
        409,
        window
          ? window.status === "cancelled"
            ? `doneAt: window “${window.title}” was cancelled; schedule the change into a new window before doing it.`
            : `doneAt: ${formatLocalRange(doneAt, doneAt, window.time_zone).split(" – ")[0]} is outside window “${
                window.title
              }” (${formatLocalRange(
                window.starts_at,
                window.ends_at,
                window.time_zone
              )}); a change is done inside its window.`
          : "doneAt: the change has no window; schedule it into one before doing it.",
        "doneAt"
      );
    }
    await tx
      .updateTable("network_change")
      .set({ status: "done", done_at: doneAt, updated_at: now.toISOString() })
      .where("id", "=", change.id)
      .execute();
    await recordAudit(
      tx,
      actor,
      {
        action: "change.done",
        objectType: "network_change",
        objectId: change.id,
        plantId: plant.id,
        summary: `${actor.name} recorded “${change.title}” at ${plant.code} as done${
          insideWindow ? "" : " outside any window (an active scan)"
        }`,
        before: { status: change.status, doneAt: change.done_at },
        after: { status: "done", doneAt, insideWindow },
      },
      now
    );
  });
  return (await getChange(db, input.changeId))!;
}

/** Cancels a scheduled change (or one waiting for a new window); done changes are history. */
export async function cancelChange(
  db: DB,
  actor: Actor,
  input: { plantId: number; changeId: number; reason?: string | null },
  now: Date = new Date()
): Promise<ChangeView> {
  requireAct(actor, "schedule:change", input.plantId, "cancel network changes");
  const reason = cleanNotes(input.reason);
  await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const change = await changeIn(tx, plant.id, input.changeId);
    if (change.status !== "scheduled" && change.status !== "needs_window") {
      throw new ActError(409, `The change “${change.title}” is ${change.status}; it cannot be cancelled.`, "changeId");
    }
    await tx
      .updateTable("network_change")
      .set({ status: "cancelled", updated_at: now.toISOString() })
      .where("id", "=", change.id)
      .execute();
    await recordAudit(
      tx,
      actor,
      {
        action: "change.cancel",
        objectType: "network_change",
        objectId: change.id,
        plantId: plant.id,
        summary: `${actor.name} cancelled the change “${change.title}” at ${plant.code}${reason ? `: ${reason}` : ""}`,
        before: { status: change.status },
        after: { status: "cancelled", reason },
      },
      now
    );
  });
  return (await getChange(db, input.changeId))!;
}
