import { formatLocalRange, realDurationMinutes } from "~/domain/local-time";
import {
  blackoutRefusals,
  canonicalInstant,
  cancelWindowEffects,
  holdsWindowTime,
  newWindowRefusals,
  outagesOverlap,
  overlapRefusals,
  overlaps,
  readNotes,
  readTitle,
  windowEditConflicts,
  windowEditRefusals,
  windowHistoryRefusal,
  type WindowState,
} from "~/domain/outage-windows";
import { can } from "~/domain/permissions";
import { formatDuration } from "~/domain/time";
import { WINDOW_KIND_LABELS, type WindowKind, type WindowStatus } from "~/domain/vocabulary";
import { recordAudit } from "~/models/audit.server";
import { requireAct } from "~/models/authorize.server";
import { changesNeedingWindow, changesOfWindows, type ChangeView } from "~/models/network-changes.server";
import {
  blackoutsOverlapping,
  outagesOverlapping,
  plantOf,
  requireWindowRevision,
  stateOf,
  windowAuditShape,
  windowFacts,
} from "~/models/window-facts.server";
import type { Actor } from "~/utils/actor";
import type { DB, Executor } from "~/utils/db.server";
import { ActError, readOrRefuse, RefusedAct, withFieldNames } from "~/utils/errors";

// Outage windows: reads for the calendars and the program view, and the acts (each authorized, decided by the rules
// in app/domain/outage-windows.ts, committed in one transaction with its audit event, or not at all). The network
// changes scheduled into windows are in network-changes.server.ts.
//
// Choices made here:
// - A new window is planned or confirmed; completed and cancelled are reached by editing it.
// - A scheduled outage may not be created or moved over a (not cancelled) blackout of its plant: 409. A blackout
//   may be declared over existing outages (production wins); the outage then shows as a conflict in
//   `upcomingWindows` rather than being changed behind anyone's back.
// - Editing a window never moves its changes: an edit of times or kind that would leave a scheduled change
//   outside the window, over capacity or in a blackout is refused (409) naming the changes; un-confirming or
//   completing a window that still has scheduled changes is refused too; cancelling flags them `needs_window`.

// ——— reads ———

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

export interface WindowConflict {
  kind: "blackout_overlap" | "window_overlap" | "changes_need_window" | "over_capacity";
  message: string;
  /** The other window of an overlap. */
  windowId?: number;
}

export interface UpcomingWindow extends WindowView {
  conflicts: WindowConflict[];
}

/** The most windows one page of upcoming windows holds; beyond it the page says there are more. */
const UPCOMING_WINDOW_LIMIT = 500;

export interface UpcomingWindows {
  from: string;
  to: string;
  /** The first UPCOMING_WINDOW_LIMIT windows of the period, in time order. */
  windows: UpcomingWindow[];
  /** More windows fall in the period than `windows` holds. */
  truncated: boolean;
  /** Changes of these plants flagged for rescheduling (their window was cancelled), oldest planned first. */
  needsWindow: (ChangeView & { plantCode: string; windowTitle: string | null })[];
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
  // Blackouts and outages that may touch any of these windows, even where they begin before `from` or end after `to`.
  const plantIds = [...new Set(windows.map((w) => w.plantId))];
  const earliest = windows.reduce((min, w) => (w.startsAt < min ? w.startsAt : min), from);
  const latest = windows.reduce((max, w) => (w.endsAt > max ? w.endsAt : max), to);
  const neighbours =
    plantIds.length === 0
      ? []
      : await db
          .selectFrom("outage_window")
          .select(["id", "plant_id", "title", "kind", "status", "starts_at", "ends_at", "time_zone"])
          .where("plant_id", "in", plantIds)
          .where("status", "!=", "cancelled")
          .where("ends_at", ">", earliest)
          .where("starts_at", "<", latest)
          .execute();
  const blackouts = neighbours.filter((b) => b.kind === "blackout");
  const outages = neighbours.filter((o) => o.kind === "scheduled_outage").map(windowFacts);
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
      for (const o of outages) {
        if (outagesOverlap(w, o)) {
          conflicts.push({
            kind: "window_overlap",
            message: `Overlaps window “${o.title}” (${formatLocalRange(o.startsAt, o.endsAt, o.timeZone)}) at ${
              w.plantCode
            }.`,
            windowId: o.id,
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
          message: `Changes hold ${formatDuration(used)} of a window of ${formatDuration(w.durationMinutes)}.`,
        });
      }
    }
    return { ...w, conflicts };
  });
  const needsWindow = await changesNeedingWindow(db, { plantIds: options.plantIds, limit: UPCOMING_WINDOW_LIMIT });
  return { from, to, windows: withConflicts, truncated, needsWindow };
}

/** The plants whose windows the actor may read (`read:program`, within a token's plant scope). */
export async function readablePlantIds(db: Executor, actor: Actor): Promise<number[]> {
  if (!can(actor, "read:program")) return [];
  const rows = await db.selectFrom("plant").select("id").orderBy("id").execute();
  return rows.map((row) => row.id).filter((id) => can(actor, "read:program", id));
}

// ——— acts ———

/** A new window as entered: its fields (notes optional) and its plant. */
export type WindowInput = Omit<WindowState, "notes"> & {
  plantId: number;
  notes?: string | null;
  /** The person saw that the window overlaps other outage windows of the plant and keeps both. */
  confirmOverlap?: boolean;
};

/** A new planned or confirmed window of the plant, in the plant's zone. Returns it as listed. */
export async function createWindow(
  db: DB,
  actor: Actor,
  input: WindowInput,
  now: Date = new Date()
): Promise<WindowView> {
  requireAct(actor, "schedule:window", input.plantId, "schedule outage windows");
  const title = readOrRefuse(readTitle(input.title));
  const notes = readOrRefuse(readNotes(input.notes));
  const reasons = newWindowRefusals(input, now.toISOString());
  if (reasons.length > 0) throw new RefusedAct(400, withFieldNames(reasons));
  let overlapsKept: { id: number; title: string }[] = [];
  const id = await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const row = {
      plant_id: plant.id,
      title,
      // newWindowRefusals refused any other kind or status above.
      kind: input.kind as WindowKind,
      status: input.status as WindowStatus,
      starts_at: canonicalInstant(input.startsAt),
      ends_at: canonicalInstant(input.endsAt),
      time_zone: plant.time_zone,
      notes,
      created_by: actor.personId,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    if (row.kind === "scheduled_outage") {
      const blackouts = await blackoutsOverlapping(tx, plant.id, row.starts_at, row.ends_at);
      const overBlackouts = blackoutRefusals(
        { plantId: plant.id, startsAt: row.starts_at, endsAt: row.ends_at, status: row.status },
        blackouts.map(windowFacts)
      );
      if (overBlackouts.length > 0) throw new RefusedAct(409, withFieldNames(overBlackouts));
      const others = await outagesOverlapping(tx, plant.id, row.starts_at, row.ends_at);
      const overlapping = overlapRefusals(
        {
          plantId: plant.id,
          title,
          kind: row.kind,
          status: row.status,
          startsAt: row.starts_at,
          endsAt: row.ends_at,
          timeZone: row.time_zone,
        },
        others.map(windowFacts),
        input.confirmOverlap === true
      );
      if (overlapping.length > 0) throw new RefusedAct(409, withFieldNames(overlapping));
      overlapsKept = others.map((o) => ({ id: o.id, title: o.title }));
    }
    const { id } = await tx.insertInto("outage_window").values(row).returning("id").executeTakeFirstOrThrow();
    await recordAudit(
      tx,
      actor,
      {
        action: "window.create",
        objectType: "outage_window",
        objectId: id,
        plantId: plant.id,
        summary: `${actor.name} added the ${WINDOW_KIND_LABELS[row.kind].toLowerCase()} “${title}” at ${
          plant.code
        } (${formatLocalRange(row.starts_at, row.ends_at, row.time_zone)}), ${row.status}${
          overlapsKept.length > 0
            ? `, keeping the overlap with ${overlapsKept.map((o) => `“${o.title}”`).join(", ")}`
            : ""
        }`,
        after: { ...windowAuditShape(row), ...(overlapsKept.length > 0 ? { overlapsKept } : {}) },
      },
      now
    );
    return id;
  });
  const [view] = await listWindows(db, { windowIds: [id], limit: 1 });
  return view!;
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
  /** The person saw that the edited window overlaps other outage windows of the plant and keeps both. */
  confirmOverlap?: boolean;
}

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
    await requireWindowRevision(
      tx,
      actor,
      current,
      input.expectedRevision,
      input.status === undefined ? "edit" : "status"
    );
    const history = windowHistoryRefusal(current);
    if (history) throw new RefusedAct(409, withFieldNames([history]));
    const next = {
      ...current,
      title: input.title === undefined ? current.title : readOrRefuse(readTitle(input.title)),
      notes: input.notes === undefined ? current.notes : readOrRefuse(readNotes(input.notes)),
      // windowEditRefusals below refuses any other kind or status.
      kind: (input.kind ?? current.kind) as WindowKind,
      status: (input.status ?? current.status) as WindowStatus,
      starts_at: input.startsAt ?? current.starts_at,
      ends_at: input.endsAt ?? current.ends_at,
    };
    const refused = windowEditRefusals({ current: stateOf(current), next: stateOf(next), now: now.toISOString() });
    if (refused) throw new RefusedAct(refused.status, withFieldNames(refused.reasons));
    next.starts_at = canonicalInstant(next.starts_at);
    next.ends_at = canonicalInstant(next.ends_at);
    const timesChanged = next.starts_at !== current.starts_at || next.ends_at !== current.ends_at;

    const changes = await tx
      .selectFrom("network_change")
      .select(["id", "title", "status", "window_id", "planned_start", "planned_minutes", "kind"])
      .where("window_id", "=", current.id)
      .execute();

    let flags: ReturnType<typeof cancelWindowEffects> = [];
    if (next.status === "cancelled") {
      flags = cancelWindowEffects(
        { id: current.id, title: current.title },
        changes.map((c) => ({ id: c.id, windowId: c.window_id, status: c.status }))
      );
    } else {
      const blackouts =
        next.kind === "scheduled_outage"
          ? await blackoutsOverlapping(tx, plant.id, next.starts_at, next.ends_at, current.id)
          : [];
      const problems = windowEditConflicts({
        next: { ...stateOf(next), id: current.id, plantId: plant.id, timeZone: next.time_zone },
        timesChanged,
        changes: changes.map((c) => ({
          title: c.title,
          status: c.status,
          plannedStart: c.planned_start,
          plannedMinutes: c.planned_minutes,
        })),
        blackouts: blackouts.map(windowFacts),
      });
      if (problems.length > 0) throw new RefusedAct(409, withFieldNames(problems));
      // Only an edit that moves the window (or makes it an outage) can make a new overlap.
      if (next.kind === "scheduled_outage" && (timesChanged || next.kind !== current.kind)) {
        const others = await outagesOverlapping(tx, plant.id, next.starts_at, next.ends_at, current.id);
        const overlapping = overlapRefusals(
          { ...windowFacts(next), timeZone: next.time_zone },
          others.map(windowFacts),
          input.confirmOverlap === true
        );
        if (overlapping.length > 0) throw new RefusedAct(409, withFieldNames(overlapping));
      }
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
