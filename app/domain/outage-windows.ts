import { formatLocalRange, realDurationMinutes } from "./local-time";
import { localClock } from "./time";
import {
  CHANGE_KINDS,
  WINDOW_KINDS,
  WINDOW_KIND_LABELS,
  WINDOW_STATUSES,
  isOneOf,
  type ChangeStatus,
  type WindowKind,
  type WindowStatus,
} from "./vocabulary";

// The rules of outage windows and of scheduling network changes into them, as pure functions over plain facts.
// Each rule answers with refusals: a field name (what the form or API client should point at) and a sentence.
// Nothing here reads the clock: `now` is passed in. Instants are UTC ISO text.

export interface Refusal {
  field: string;
  message: string;
}

/**
 * Longest window per kind. A scheduled outage is a maintenance stop (a long weekend at most); a blackout protects
 * a production period (peak season, a product launch) and may run for weeks.
 */
export const MAX_WINDOW_MINUTES: Record<WindowKind, number> = {
  scheduled_outage: 72 * 60,
  blackout: 31 * 24 * 60,
};

export interface WindowInput {
  start: string;
  end: string;
  kind: string;
  status: string;
}

/** Refusals for a window as entered (after its local times were parsed to instants). Empty when it is fine. */
export function validateWindow(input: WindowInput): Refusal[] {
  const refusals: Refusal[] = [];
  if (!isOneOf(WINDOW_KINDS, input.kind)) {
    refusals.push({
      field: "kind",
      message: `“${input.kind}” is not a window kind; use ${WINDOW_KINDS.join(" or ")}.`,
    });
  }
  if (!isOneOf(WINDOW_STATUSES, input.status)) {
    refusals.push({
      field: "status",
      message: `“${input.status}” is not a window status; use ${WINDOW_STATUSES.join(", ")}.`,
    });
  }
  const startOk = isInstant(input.start);
  const endOk = isInstant(input.end);
  if (!startOk) refusals.push({ field: "start", message: "The start is not a valid instant." });
  if (!endOk) refusals.push({ field: "end", message: "The end is not a valid instant." });
  if (!startOk || !endOk) return refusals;

  const minutes = realDurationMinutes(input.start, input.end);
  if (minutes <= 0) {
    refusals.push({
      field: "end",
      message:
        minutes === 0
          ? "The end is the same instant as the start; a window must last."
          : "The end is before the start.",
    });
  } else if (isOneOf(WINDOW_KINDS, input.kind) && minutes > MAX_WINDOW_MINUTES[input.kind]) {
    refusals.push({
      field: "end",
      message: `A ${WINDOW_KIND_LABELS[input.kind].toLowerCase()} may last at most ${hours(
        MAX_WINDOW_MINUTES[input.kind]
      )}; this one lasts ${hours(minutes)}.`,
    });
  }
  return refusals;
}

export interface WindowFacts {
  id: number;
  plantId: number;
  title: string;
  kind: string;
  status: string;
  startsAt: string;
  endsAt: string;
  /** The plant's IANA zone: refusals quote times as the plant reads them. */
  timeZone: string;
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
      message: `Window ${name} is over: it ended ${at(window.endsAt, window.timeZone)}.`,
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
      message: `The planned start ${at(start, window.timeZone)} is in the past.`,
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
      message: `The change would end ${at(end, window.timeZone)}, after window ${name} ends ${at(
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

/** Whether a change in this status still occupies time in its window. */
export function holdsWindowTime(status: string): boolean {
  return status === "scheduled" || status === "done";
}

export interface WindowChange {
  id: number;
  windowId: number | null;
  status: string;
}

export interface ChangeFlag {
  id: number;
  status: Extract<ChangeStatus, "needs_window">;
  reason: string;
}

/**
 * What cancelling `window` does to its changes: every still-scheduled change is flagged `needs_window` (keeping its
 * planned start and duration as a record of what was meant; nothing is moved to another window). Done and cancelled
 * changes are history and stay as they are.
 */
export function cancelWindowEffects(window: Pick<WindowFacts, "id" | "title">, changes: WindowChange[]): ChangeFlag[] {
  return changes
    .filter((c) => c.windowId === window.id && c.status === "scheduled")
    .map((c) => ({
      id: c.id,
      status: "needs_window" as const,
      reason: `Window “${window.title}” was cancelled; the change needs a new window.`,
    }));
}

/** Half-open intervals [aStart, aEnd) and [bStart, bEnd) share time (touching ends do not overlap). */
export function overlaps(aStart: string, aEnd: string, bStart: string, bEnd: string): boolean {
  return Date.parse(aStart) < Date.parse(bEnd) && Date.parse(bStart) < Date.parse(aEnd);
}

function isInstant(value: string): boolean {
  return (
    typeof value === "string" &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    Number.isFinite(Date.parse(value))
  );
}

function at(instant: string, zone: string): string {
  const clock = localClock(instant, zone);
  return `at ${clock.time} ${clock.abbreviation} on ${clock.date}`;
}

function hours(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
