import { formatLocalRange, realDurationMinutes } from "./local-time";
import {
  atLocal,
  holdsWindowTime,
  isInstant,
  overlaps,
  type Refusal,
  type Refused,
  type WindowFacts,
} from "./outage-windows";
import { CHANGE_KINDS, CHANGE_STATUSES, isOneOf, type ChangeStatus, type WindowStatus } from "./vocabulary";

// The rules of network changes, as pure functions over plain facts: what a change may be, whether it may go into a
// window (scheduled, or moved to another), and the moves of its status (marked done, cancelled). Each rule answers
// with refusals: a field name and a sentence. Nothing here reads the clock: `now` is passed in.

/**
 * The statuses a change may move to from each status. A change of a cancelled window waits (`needs_window`) until it
 * is done, cancelled, or scheduled again; done and cancelled changes are history.
 */
const CHANGE_STATUS_MOVES: Record<ChangeStatus, readonly ChangeStatus[]> = {
  scheduled: ["done", "cancelled", "needs_window"],
  needs_window: ["scheduled", "done", "cancelled"],
  done: [],
  cancelled: [],
};

/** The longest a change is planned for. */
const MAX_CHANGE_MINUTES = 72 * 60;

export interface ChangeInput {
  kind: string;
  plannedStart: string;
  plannedMinutes: number;
  conduitId: number | null;
  assetId: number | null;
}

/**
 * Refusals (400) for a change as entered, before it is checked against its window: a known kind, a positive whole
 * number of minutes (at most 72 hours), an instant, and what it is tied to (a cutover names its conduit; a change
 * names a conduit or an asset, not both).
 */
export function changeInputRefusals(input: ChangeInput): Refusal[] {
  const refusals: Refusal[] = [];
  if (!isOneOf(CHANGE_KINDS, input.kind)) {
    refusals.push({
      field: "kind",
      message: `“${String(input.kind)}” is not a change kind; use ${CHANGE_KINDS.join(", ")}.`,
    });
  }
  if (!Number.isInteger(input.plannedMinutes) || input.plannedMinutes <= 0) {
    refusals.push({
      field: "plannedMinutes",
      message: `the planned duration must be a positive whole number of minutes; ${String(
        input.plannedMinutes
      )} is not.`,
    });
  } else if (input.plannedMinutes > MAX_CHANGE_MINUTES) {
    refusals.push({ field: "plannedMinutes", message: "no change is planned for more than 72 hours." });
  }
  if (!isInstant(input.plannedStart)) {
    refusals.push({ field: "plannedStart", message: "not a valid instant (ISO-8601 with Z or an offset)." });
  }
  if (input.kind === "conduit_cutover") {
    if (input.conduitId === null) {
      refusals.push({ field: "conduitId", message: "a conduit cutover names the conduit it cuts over." });
    }
    if (input.assetId !== null) {
      refusals.push({ field: "assetId", message: "a conduit cutover names a conduit, not an asset." });
    }
  } else if (input.conduitId !== null && input.assetId !== null) {
    refusals.push({ field: "assetId", message: "a change is tied to a conduit or to an asset, not both." });
  }
  return refusals;
}

export interface ChangeToSchedule {
  /** Set when rescheduling an existing change, so it does not count against its own capacity. */
  id?: number;
  plantId: number;
  kind: string;
  plannedStart: string;
  plannedMinutes: number;
}

export interface ChangeInWindow {
  id: number;
  status: string;
  plannedMinutes: number | null;
}

export interface SchedulingFacts {
  change: ChangeToSchedule;
  window: WindowFacts;
  /** The changes already tied to `window` (any status; the rules skip what does not hold time). */
  otherChangesInWindow: ChangeInWindow[];
  /** The plant's blackouts (any status; cancelled ones and other plants' are ignored). */
  blackouts: WindowFacts[];
  now: string;
}

/**
 * Why `change` cannot go into `window`; empty when it can. Every rule is checked, so a form shows all reasons at once.
 *
 * Capacity: a window offers its real elapsed minutes (a 22:00–04:00 night across spring-forward offers 300, not 360),
 * and changes in one window are assumed to be done one after another by the same crew. The window is full when the
 * planned minutes of its changes that still hold time (status scheduled or done; not cancelled, not needs_window)
 * plus this change's exceed that.
 */
export function checkChangeScheduling(facts: SchedulingFacts): Refusal[] {
  const { change, window, now } = facts;
  const refusals: Refusal[] = [];
  const name = `“${window.title}”`;

  if (!isOneOf(CHANGE_KINDS, change.kind)) {
    refusals.push({ field: "kind", message: `“${change.kind}” is not a change kind; use ${CHANGE_KINDS.join(", ")}.` });
  }
  const minutesOk = Number.isInteger(change.plannedMinutes) && change.plannedMinutes > 0;
  if (!minutesOk) {
    refusals.push({
      field: "plannedMinutes",
      message: `The planned duration must be a positive whole number of minutes; ${String(
        change.plannedMinutes
      )} is not.`,
    });
  }
  const startOk = isInstant(change.plannedStart);
  if (!startOk) refusals.push({ field: "plannedStart", message: "The planned start is not a valid instant." });

  // The window itself.
  if (window.plantId !== change.plantId) {
    refusals.push({
      field: "windowId",
      message: `Window ${name} belongs to another plant; a change goes into a window of its own plant.`,
    });
  }
  if (window.kind === "blackout") {
    refusals.push({
      field: "windowId",
      message: `${name} is a blackout: nothing may happen on the network during it.`,
    });
  } else if (window.kind !== "scheduled_outage") {
    refusals.push({ field: "windowId", message: `${name} is not a scheduled outage.` });
  }
  const statusProblem = WINDOW_STATUS_REFUSALS[window.status as WindowStatus];
  if (window.status !== "confirmed") {
    refusals.push({
      field: "windowId",
      message: `Window ${name} ${
        statusProblem ?? `has status “${window.status}”`
      }; changes go only into confirmed windows.`,
    });
  }
  const ended = Date.parse(window.endsAt) <= Date.parse(now);
  if (ended) {
    refusals.push({
      field: "windowId",
      message: `Window ${name} is over: it ended ${atLocal(window.endsAt, window.timeZone)}.`,
    });
  }
  if (!startOk || !minutesOk) return refusals;

  // The change's own span.
  const start = change.plannedStart;
  const end = new Date(Date.parse(start) + change.plannedMinutes * 60_000).toISOString();
  const span = formatLocalRange(start, end, window.timeZone);
  if (!ended && Date.parse(start) < Date.parse(now)) {
    refusals.push({
      field: "plannedStart",
      message: `The planned start ${atLocal(start, window.timeZone)} is in the past.`,
    });
  }
  if (Date.parse(start) < Date.parse(window.startsAt) || Date.parse(start) >= Date.parse(window.endsAt)) {
    refusals.push({
      field: "plannedStart",
      message: `The change (${span}) does not start inside window ${name} (${formatLocalRange(
        window.startsAt,
        window.endsAt,
        window.timeZone
      )}).`,
    });
  } else if (Date.parse(end) > Date.parse(window.endsAt)) {
    refusals.push({
      field: "plannedMinutes",
      message: `The change would end ${atLocal(end, window.timeZone)}, after window ${name} ends ${atLocal(
        window.endsAt,
        window.timeZone
      )}.`,
    });
  }

  for (const blackout of facts.blackouts) {
    if (blackout.plantId !== change.plantId || blackout.kind !== "blackout" || blackout.status === "cancelled")
      continue;
    if (overlaps(start, end, blackout.startsAt, blackout.endsAt)) {
      refusals.push({
        field: "plannedStart",
        message: `The change (${span}) overlaps blackout “${blackout.title}” (${formatLocalRange(
          blackout.startsAt,
          blackout.endsAt,
          blackout.timeZone
        )}).`,
      });
    }
  }

  const capacity = realDurationMinutes(window.startsAt, window.endsAt);
  const holding = facts.otherChangesInWindow.filter((c) => c.id !== change.id && holdsWindowTime(c.status));
  const used = holding.reduce((sum, c) => sum + Math.max(0, c.plannedMinutes ?? 0), 0);
  if (used + change.plannedMinutes > capacity) {
    const left = Math.max(0, capacity - used);
    refusals.push({
      field: "plannedMinutes",
      message:
        `Window ${name} has ${left} of its ${capacity} minutes left (${used} planned for ${holding.length} other ` +
        `${holding.length === 1 ? "change" : "changes"}); this change needs ${change.plannedMinutes}.`,
    });
  }
  return refusals;
}

const WINDOW_STATUS_REFUSALS: Record<WindowStatus, string | undefined> = {
  planned: "is only planned, not confirmed",
  confirmed: undefined,
  completed: "is completed",
  cancelled: "is cancelled",
};

/** Whether a change of this status may still be acted on (done, cancelled, scheduled again). */
function isOpen(status: string): boolean {
  return isOneOf(CHANGE_STATUSES, status) && CHANGE_STATUS_MOVES[status].length > 0;
}

/** Refusal (400) for the instant a change is said to have been done: a valid instant, and not ahead of `now`. */
export function doneAtRefusal(doneAt: unknown, now: string): Refusal | null {
  if (!isInstant(doneAt)) return { field: "doneAt", message: "not a valid instant." };
  if (Date.parse(doneAt) > Date.parse(now) + 60_000) {
    return { field: "doneAt", message: "a change is recorded as done once it has happened, not ahead of time." };
  }
  return null;
}

/** Whether `doneAt` lies inside the window (which is not cancelled). */
export function doneInsideWindow(window: Pick<WindowFacts, "status" | "startsAt" | "endsAt"> | null, doneAt: string) {
  return (
    window !== null &&
    window.status !== "cancelled" &&
    Date.parse(doneAt) >= Date.parse(window.startsAt) &&
    Date.parse(doneAt) <= Date.parse(window.endsAt)
  );
}

/**
 * Whether a change may be marked done at `doneAt` (409 when not): it is still open, and the instant lies inside its
 * window, the window not cancelled — except an active scan, recorded whenever it happened (even without a window):
 * INV-PASSIVE must see every scan, and refusing to record one outside a window would hide the breach it shows.
 */
export function changeCompletionRefusals(facts: {
  change: { title: string; kind: string; status: string };
  window: Pick<WindowFacts, "title" | "status" | "startsAt" | "endsAt" | "timeZone"> | null;
  doneAt: string;
}): Refused | null {
  const { change, window, doneAt } = facts;
  if (!isOpen(change.status)) {
    return {
      status: 409,
      reasons: [{ field: "changeId", message: `The change “${change.title}” is ${change.status}.` }],
    };
  }
  if (doneInsideWindow(window, doneAt) || change.kind === "active_scan") return null;
  const message = window
    ? window.status === "cancelled"
      ? `window “${window.title}” was cancelled; schedule the change into a new window before doing it.`
      : `${formatLocalRange(doneAt, doneAt, window.timeZone).split(" – ")[0]} is outside window “${
          window.title
        }” (${formatLocalRange(window.startsAt, window.endsAt, window.timeZone)}); a change is done inside its window.`
    : "the change has no window; schedule it into one before doing it.";
  return { status: 409, reasons: [{ field: "doneAt", message }] };
}

/** Whether a change may be cancelled (409 when not): done and cancelled changes are history. */
export function changeCancelRefusal(change: { title: string; status: string }): Refusal | null {
  return isOpen(change.status)
    ? null
    : { field: "changeId", message: `The change “${change.title}” is ${change.status}; it cannot be cancelled.` };
}

/** The longest reason given for cancelling a change. */
export const CANCEL_REASON_MAX = 1000;

/** The reason a change is cancelled, as typed: trimmed, required (at least 3 characters), at most 1000. */
export function readCancelReason(raw: unknown): { ok: true; value: string } | { ok: false; refusal: Refusal } {
  const reason = typeof raw === "string" ? raw.trim() : "";
  if (reason.length < 3) {
    return {
      ok: false,
      refusal: { field: "reason", message: "say why the change is cancelled (at least 3 characters)." },
    };
  }
  if (reason.length > CANCEL_REASON_MAX) {
    return {
      ok: false,
      refusal: {
        field: "reason",
        message: `keep the reason to ${CANCEL_REASON_MAX.toLocaleString("en-US")} characters or fewer.`,
      },
    };
  }
  return { ok: true, value: reason };
}

/** Where a change is shown: its own page (what it is, its window, and for a cutover what it would block). */
export function changeHref(plantCode: string, changeId: number): string {
  return `/plants/${plantCode}/changes/${changeId}`;
}

/** Where a change is acted on: its anchor on its plant's windows page (marked done, moved into a window, cancelled). */
export function changeActsHref(plantCode: string, changeId: number): string {
  return `/plants/${plantCode}/windows#change-${changeId}`;
}

export interface OpenConduitChange {
  id: number;
  title: string;
  status: string;
  windowTitle: string | null;
}

/**
 * Refusal (409) for a change naming a conduit that already has an open change (scheduled, or waiting for a new
 * window): one change per conduit at a time, so a second scheduling does not make a duplicate. It names the open
 * change and where it is, so the person moves, finishes or cancels that one instead.
 */
export function openConduitChangeRefusal(
  conduit: { name: string },
  open: readonly OpenConduitChange[],
  plantCode: string
): Refusal | null {
  const first = open.find((c) => isOpen(c.status));
  if (!first) return null;
  const where =
    first.status === "needs_window"
      ? "it needs a new window: move it into one"
      : `it is scheduled${
          first.windowTitle ? ` in window “${first.windowTitle}”` : ""
        }: mark it done, move or cancel it`;
  return {
    field: "conduitId",
    message: `Conduit “${conduit.name}” already has an open change, “${first.title}” (change ${first.id}); ${where} before scheduling another.`,
    href: changeHref(plantCode, first.id),
  };
}

/**
 * Where a change moved into `window` starts: after the minutes the window's other changes already hold (one crew
 * does a window's changes one after another), so capacity and start agree.
 */
export function moveStart(window: Pick<WindowFacts, "startsAt">, others: readonly ChangeInWindow[], changeId: number) {
  const used = others
    .filter((c) => c.id !== changeId && holdsWindowTime(c.status))
    .reduce((sum, c) => sum + Math.max(0, c.plannedMinutes ?? 0), 0);
  return new Date(Date.parse(window.startsAt) + used * 60_000).toISOString();
}

export interface MoveFacts {
  change: { id: number; plantId: number; title: string; kind: string; status: string; plannedMinutes: number | null };
  window: WindowFacts;
  otherChangesInWindow: ChangeInWindow[];
  blackouts: WindowFacts[];
  now: string;
}

/**
 * Whether a change needing a new window may move into `window` (409 with every reason when not), and where it would
 * start: only a change waiting for a window moves (nothing is moved behind anyone's back), into a window that takes
 * it by the scheduling rule (`checkChangeScheduling`), after the window's changes already planned.
 */
export function checkChangeMove(facts: MoveFacts): { plannedStart: string; refusals: Refusal[] } {
  const { change, window } = facts;
  const plannedStart = moveStart(window, facts.otherChangesInWindow, change.id);
  if (change.status !== "needs_window") {
    return {
      plannedStart,
      refusals: [
        {
          field: "changeId",
          message: `The change “${change.title}” is ${
            isOneOf(CHANGE_STATUSES, change.status) ? CHANGE_STATUS_WORDS[change.status] : change.status
          }; only a change that needs a new window is moved.`,
        },
      ],
    };
  }
  const refusals = checkChangeScheduling({
    change: {
      id: change.id,
      plantId: change.plantId,
      kind: change.kind,
      plannedStart,
      plannedMinutes: change.plannedMinutes ?? Number.NaN,
    },
    window,
    otherChangesInWindow: facts.otherChangesInWindow,
    blackouts: facts.blackouts,
    now: facts.now,
  });
  return { plannedStart, refusals };
}

const CHANGE_STATUS_WORDS: Record<ChangeStatus, string> = {
  scheduled: "scheduled in a window already",
  needs_window: "waiting for a new window",
  done: "done",
  cancelled: "cancelled",
};
