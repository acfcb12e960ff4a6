import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { formatLocalRange } from "~/domain/local-time";
import {
  changeCancelRefusal,
  changeCompletionRefusals,
  changeInputRefusals,
  checkChangeMove,
  checkChangeScheduling,
  doneAtRefusal,
  doneInsideWindow,
  openConduitChangeRefusal,
  readCancelReason,
} from "~/domain/network-changes";
import { outcomeSummary, type ReadOutcome } from "~/domain/change-outcomes";
import { canonicalInstant, readTitle } from "~/domain/outage-windows";
import { CHANGE_KIND_LABELS, CHANGE_KINDS, isOneOf, type ChangeKind } from "~/domain/vocabulary";
import { recordAudit } from "~/models/audit.server";
import { insertChangeOutcome, refuseWhileStopsUnderReview } from "~/models/change-completion.server";
import { requireAct } from "~/models/authorize.server";
import { requireImpactAcknowledged } from "~/models/cutover-impact.server";
import { blackoutsOverlapping, plantOf, requireWindowRevision, windowFacts } from "~/models/window-facts.server";
import type { Actor } from "~/utils/actor";
import type { DB, Executor } from "~/utils/db.server";
import { ActError, readOrRefuse, RefusedAct, withFieldNames } from "~/utils/errors";

// The network changes scheduled into outage windows: reads for the windows and the calendars, and the acts
// (schedule, mark done, cancel), each authorized, decided by the rules in app/domain/network-changes.ts, and
// committed in one transaction with its audit event, or not at all.
//
// - A change is marked done only at an instant inside its window (the window not cancelled), else 409 — except an
//   active scan, which is recorded whenever it happened (even without a window): INV-PASSIVE must see every scan,
//   and refusing to record one that happened outside a window would hide exactly the breach it exists to show.
// - A conduit or asset named by a change must belong to the change's plant; one that does not is "not found"
//   here (404 naming the field), as the rest of the app answers for another plant's objects under a plant's URL.

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

/** The changes of each window, in planned order. */
export async function changesOfWindows(db: Executor, windowIds: number[]): Promise<Map<number, ChangeView[]>> {
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

/** Changes of these plants (all when omitted) flagged for rescheduling, oldest planned first, with their plant. */
export async function changesNeedingWindow(
  db: Executor,
  options: { plantIds?: readonly number[]; limit: number }
): Promise<(ChangeView & { plantCode: string; windowTitle: string | null })[]> {
  let query = changeQuery(db)
    .innerJoin("plant as p", "p.id", "c.plant_id")
    .leftJoin("outage_window as w", "w.id", "c.window_id")
    .select(["p.code as plant_code", "w.title as window_title"])
    .where("c.status", "=", "needs_window");
  if (options.plantIds) {
    if (options.plantIds.length === 0) return [];
    query = query.where("c.plant_id", "in", [...options.plantIds]);
  }
  const rows = await query.orderBy("c.planned_start").orderBy("c.id").limit(options.limit).execute();
  return rows.map((row) => ({ ...changeView(row), plantCode: row.plant_code, windowTitle: row.window_title }));
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
  const title = readOrRefuse(readTitle(input.title));
  const conduitId = input.conduitId ?? null;
  const assetId = input.assetId ?? null;
  const malformed = changeInputRefusals({ ...input, conduitId, assetId });
  if (malformed.length > 0) throw new RefusedAct(400, withFieldNames(malformed));

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
    const plannedStart = canonicalInstant(input.plannedStart);
    const plannedEnd = new Date(Date.parse(plannedStart) + input.plannedMinutes * 60_000).toISOString();
    const others = await tx
      .selectFrom("network_change")
      .select(["id", "status", "planned_minutes"])
      .where("window_id", "=", window.id)
      .execute();
    const blackouts = await blackoutsOverlapping(tx, plant.id, plannedStart, plannedEnd);
    const reasons = checkChangeScheduling({
      change: { plantId: plant.id, kind: input.kind, plannedStart, plannedMinutes: input.plannedMinutes },
      window: windowFacts(window),
      otherChangesInWindow: others.map((c) => ({ id: c.id, status: c.status, plannedMinutes: c.planned_minutes })),
      blackouts: blackouts.map(windowFacts),
      now: now.toISOString(),
    });
    if (conduit) {
      const duplicate = openConduitChangeRefusal(conduit, await openChangesOfConduit(tx, conduit.id), plant.code);
      if (duplicate) reasons.unshift(duplicate);
    }
    if (reasons.length > 0) throw new RefusedAct(409, withFieldNames(reasons));
    const row = {
      plant_id: plant.id,
      // checkChangeScheduling refused any other kind above.
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

/** The conduit's open changes (scheduled, or waiting for a new window), oldest first, with their window's title. */
async function openChangesOfConduit(tx: Executor, conduitId: number) {
  const rows = await tx
    .selectFrom("network_change as c")
    .leftJoin("outage_window as w", "w.id", "c.window_id")
    .select(["c.id", "c.title", "c.status", "w.title as window_title"])
    .where("c.conduit_id", "=", conduitId)
    .where("c.status", "in", ["scheduled", "needs_window"])
    .orderBy("c.id")
    .limit(5)
    .execute();
  return rows.map((r) => ({ id: r.id, title: r.title, status: r.status, windowTitle: r.window_title }));
}

/** One change as the windows and change pages show it. */
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
  input: {
    plantId: number;
    changeId: number;
    doneAt?: string | null;
    /** The attempt's outcome (done as planned or with issues), recorded with it: app/models/change-outcomes.server.ts. */
    outcome?: ReadOutcome;
  },
  now: Date = new Date()
): Promise<ChangeView> {
  requireAct(actor, "schedule:change", input.plantId, "record network changes");
  const doneAtRaw = input.doneAt ?? now.toISOString();
  const malformed = doneAtRefusal(doneAtRaw, now.toISOString());
  if (malformed) throw new RefusedAct(400, withFieldNames([malformed]));
  const doneAt = canonicalInstant(doneAtRaw);
  await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const change = await changeIn(tx, plant.id, input.changeId);
    const window = change.window_id
      ? await tx.selectFrom("outage_window").selectAll().where("id", "=", change.window_id).executeTakeFirst()
      : undefined;
    const facts = window ? windowFacts(window) : null;
    const refused = changeCompletionRefusals({ change, window: facts, doneAt });
    if (refused) throw new RefusedAct(refused.status, withFieldNames(refused.reasons));
    await refuseWhileStopsUnderReview(tx, plant, change);
    await requireImpactAcknowledged(tx, change, now);
    const outcomeId = input.outcome ? await insertChangeOutcome(tx, actor, change, input.outcome, now) : null;
    const insideWindow = doneInsideWindow(facts, doneAt);
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
        }${input.outcome ? ` (${outcomeSummary(input.outcome).toLowerCase()})` : ""}`,
        before: { status: change.status, doneAt: change.done_at },
        after: {
          status: "done",
          doneAt,
          insideWindow,
          ...(input.outcome ? { outcomeId, ...input.outcome } : {}),
        },
      },
      now
    );
  });
  return (await getChange(db, input.changeId))!;
}

/** Cancels a scheduled change (or one waiting for a new window), with the reason (required); done changes are history. */
export async function cancelChange(
  db: DB,
  actor: Actor,
  input: { plantId: number; changeId: number; reason?: string | null },
  now: Date = new Date()
): Promise<ChangeView> {
  requireAct(actor, "schedule:change", input.plantId, "cancel network changes");
  const reason = readOrRefuse(readCancelReason(input.reason));
  await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const change = await changeIn(tx, plant.id, input.changeId);
    const refusal = changeCancelRefusal(change);
    if (refusal) throw new RefusedAct(409, withFieldNames([refusal]));
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
        summary: `${actor.name} cancelled the change “${change.title}” at ${plant.code}: ${reason}`,
        before: { status: change.status, windowId: change.window_id },
        after: { status: "cancelled", reason },
      },
      now
    );
  });
  return (await getChange(db, input.changeId))!;
}

/** The windows a change needing a new window could move into, each with where the change would start there. */
export interface MoveChoice {
  windowId: number;
  title: string;
  /** The window's revision as read; the move is refused (409) if the window was edited since. */
  revision: number;
  plannedStart: string;
  /** The change's span in the window, plant-local. */
  localRange: string;
}

/** The most windows ahead a plant's move choices are read from. */
const MOVE_WINDOW_LIMIT = 100;

/**
 * For each change waiting for a new window (all of one plant), the plant's windows ahead that are not cancelled and
 * take the change by the scheduling rule, in time order. Three queries, whatever the number of changes.
 */
export async function moveChoices(
  db: Executor,
  plantId: number,
  changes: readonly { id: number; title: string; kind: string; status: string; plannedMinutes: number | null }[],
  now: Date = new Date()
): Promise<Map<number, MoveChoice[]>> {
  const choices = new Map<number, MoveChoice[]>();
  const waiting = changes.filter((c) => c.status === "needs_window");
  if (waiting.length === 0) return choices;
  const windows = await db
    .selectFrom("outage_window")
    .selectAll()
    .where("plant_id", "=", plantId)
    .where("status", "!=", "cancelled")
    .where("ends_at", ">", now.toISOString())
    .orderBy("starts_at")
    .orderBy("id")
    .limit(MOVE_WINDOW_LIMIT)
    .execute();
  const outages = windows.filter((w) => w.kind === "scheduled_outage");
  const blackouts = windows.filter((w) => w.kind === "blackout").map(windowFacts);
  const held =
    outages.length === 0
      ? []
      : await db
          .selectFrom("network_change")
          .select(["id", "window_id", "status", "planned_minutes"])
          .where(
            "window_id",
            "in",
            outages.map((w) => w.id)
          )
          .execute();
  for (const change of waiting) {
    const list: MoveChoice[] = [];
    for (const w of outages) {
      const facts = windowFacts(w);
      const { plannedStart, refusals } = checkChangeMove({
        change: { ...change, plantId },
        window: facts,
        otherChangesInWindow: held
          .filter((c) => c.window_id === w.id)
          .map((c) => ({ id: c.id, status: c.status, plannedMinutes: c.planned_minutes })),
        blackouts,
        now: now.toISOString(),
      });
      if (refusals.length > 0) continue;
      const end = new Date(Date.parse(plannedStart) + (change.plannedMinutes ?? 0) * 60_000).toISOString();
      list.push({
        windowId: w.id,
        title: w.title,
        revision: w.revision,
        plannedStart,
        localRange: formatLocalRange(plannedStart, end, w.time_zone),
      });
    }
    choices.set(change.id, list);
  }
  return choices;
}

/**
 * Moves a change whose window was cancelled into another window of its plant (scheduled again), after the window's
 * changes already planned: refused (409) with every reason the scheduling rule gives, or when the window was edited
 * since the revision the person saw. Authorized, audited, one transaction.
 */
export async function moveChange(
  db: DB,
  actor: Actor,
  input: { plantId: number; changeId: number; windowId: number; expectedRevision: number },
  now: Date = new Date()
): Promise<ChangeView & { windowTitle: string }> {
  requireAct(actor, "schedule:change", input.plantId, "move network changes");
  const windowTitle = await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const change = await changeIn(tx, plant.id, input.changeId);
    const window = await tx
      .selectFrom("outage_window")
      .selectAll()
      .where("id", "=", input.windowId)
      .where("plant_id", "=", plant.id)
      .executeTakeFirst();
    if (!window) throw new ActError(404, `windowId: ${plant.code} has no window ${input.windowId}.`, "windowId");
    await requireWindowRevision(tx, actor, window, input.expectedRevision, "status");
    const others = await tx
      .selectFrom("network_change")
      .select(["id", "status", "planned_minutes"])
      .where("window_id", "=", window.id)
      .execute();
    const minutes = change.planned_minutes ?? 0;
    const { plannedStart, refusals } = checkChangeMove({
      change: {
        id: change.id,
        plantId: plant.id,
        title: change.title,
        kind: change.kind,
        status: change.status,
        plannedMinutes: change.planned_minutes,
      },
      window: windowFacts(window),
      otherChangesInWindow: others.map((c) => ({ id: c.id, status: c.status, plannedMinutes: c.planned_minutes })),
      blackouts: (
        await blackoutsOverlapping(
          tx,
          plant.id,
          window.starts_at,
          new Date(Math.max(Date.parse(window.ends_at), Date.parse(window.starts_at) + minutes * 60_000)).toISOString()
        )
      ).map(windowFacts),
      now: now.toISOString(),
    });
    if (refusals.length > 0) throw new RefusedAct(409, withFieldNames(refusals));
    await tx
      .updateTable("network_change")
      .set({ window_id: window.id, planned_start: plannedStart, status: "scheduled", updated_at: now.toISOString() })
      .where("id", "=", change.id)
      .execute();
    const plannedEnd = new Date(Date.parse(plannedStart) + minutes * 60_000).toISOString();
    await recordAudit(
      tx,
      actor,
      {
        action: "change.move",
        objectType: "network_change",
        objectId: change.id,
        plantId: plant.id,
        summary: `${actor.name} moved the change “${change.title}” at ${plant.code} into window “${
          window.title
        }” (${formatLocalRange(plannedStart, plannedEnd, window.time_zone)})`,
        before: { status: change.status, windowId: change.window_id, plannedStart: change.planned_start },
        after: { status: "scheduled", windowId: window.id, plannedStart, windowRevision: window.revision },
      },
      now
    );
    return window.title;
  });
  return { ...(await getChange(db, input.changeId))!, windowTitle };
}
