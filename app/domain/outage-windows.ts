import { z } from "../utils/zod";
import { formatLocalRange, realDurationMinutes } from "./local-time";
import { formatDuration, localClock } from "./time";
import {
  WINDOW_KINDS,
  WINDOW_KIND_LABELS,
  WINDOW_STATUSES,
  isOneOf,
  type ChangeStatus,
  type WindowKind,
  type WindowStatus,
} from "./vocabulary";

// The rules of outage windows, as pure functions over plain facts: what a window may be, whether it may be edited
// (and into what), and what cancelling it does to its changes. The rules of the changes scheduled into windows are
// in ./network-changes. Each rule answers with refusals: a field name (what the form or API client should point
// at; "" for the form as a whole) and a sentence. Nothing here reads the clock: `now` is passed in. Instants are
// UTC ISO text.

export interface Refusal {
  field: string;
  message: string;
  /** Where the object the refusal points at is shown (the open change a duplicate would repeat). */
  href?: string;
}

/** A decision's answer when the act may not go ahead: every reason, and whether the act was malformed (400) or
 * breaks a rule of the program (409). */
export interface Refused {
  status: 400 | 409;
  reasons: Refusal[];
}

/** A stored instant: always `toISOString()`, so text comparisons (in SQL too) are time comparisons. */
export function canonicalInstant(instant: string): string {
  return new Date(instant).toISOString();
}

/**
 * A window's or network change's title: 3 to 200 characters. The forms and the acts read it trimmed; the program
 * file as written, so every title the app holds fits in the file and the file holds no other.
 */
export const TitleSchema = z
  .string()
  .min(3, "give it a title (at least 3 characters).")
  .max(200, "keep the title under 200 characters.");

/** A window's notes, by the same rule for the acts and the program file. */
export const NotesSchema = z.string().max(4000, "keep the notes under 4000 characters.");

/** The first message of a schema's refusal. */
function firstMessage(error: z.ZodError): string {
  return error.issues[0]?.message ?? "is not valid.";
}

export type Read<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

/** A window's or change's title as typed: trimmed, 3 to 200 characters. */
export function readTitle(raw: unknown, field = "title"): Read<string> {
  const title = TitleSchema.safeParse(typeof raw === "string" ? raw.trim() : "");
  return title.success
    ? { ok: true, value: title.data }
    : { ok: false, refusal: { field, message: firstMessage(title.error) } };
}

/** Notes as typed: trimmed, at most 4000 characters; empty notes are none. */
export function readNotes(raw: unknown): Read<string | null> {
  if (raw === undefined || raw === null) return { ok: true, value: null };
  if (typeof raw !== "string") return { ok: false, refusal: { field: "notes", message: "write the notes as text." } };
  const notes = NotesSchema.safeParse(raw.trim());
  return notes.success
    ? { ok: true, value: notes.data || null }
    : { ok: false, refusal: { field: "notes", message: firstMessage(notes.error) } };
}

/**
 * Longest window per kind. A scheduled outage is a maintenance stop (a long weekend at most); a blackout protects
 * a production period (peak season, a product launch) and may run for weeks.
 */
const MAX_WINDOW_MINUTES: Record<WindowKind, number> = {
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
      message: `A ${WINDOW_KIND_LABELS[input.kind].toLowerCase()} may last at most ${formatDuration(
        MAX_WINDOW_MINUTES[input.kind]
      )}; this one lasts ${formatDuration(minutes)}.`,
    });
  }
  return refusals;
}

/** A window as people read it: what it is, and when, in its plant's clock. */
export interface WindowSpan {
  title: string;
  kind: string;
  status: string;
  startsAt: string;
  endsAt: string;
  /** The plant's IANA zone: times (refusals' too) are quoted as the plant reads them. */
  timeZone: string;
}

export interface WindowFacts extends WindowSpan {
  id: number;
  plantId: number;
}

/** A window's fields as saved (or as an edit would save them). */
export interface WindowState {
  title: string;
  notes: string | null;
  kind: string;
  status: string;
  startsAt: string;
  endsAt: string;
}

/** The statuses a window may move to from each status: completed and cancelled windows are history. */
const WINDOW_STATUS_MOVES: Record<WindowStatus, readonly WindowStatus[]> = {
  planned: ["confirmed", "cancelled"],
  confirmed: ["planned", "completed", "cancelled"],
  completed: [],
  cancelled: [],
};

/** `validateWindow` with the fields named as the acts name them (startsAt, endsAt). */
function windowFieldRefusals(w: Pick<WindowState, "startsAt" | "endsAt" | "kind" | "status">): Refusal[] {
  return validateWindow({ start: w.startsAt, end: w.endsAt, kind: w.kind, status: w.status }).map((r) => ({
    field: r.field === "start" ? "startsAt" : r.field === "end" ? "endsAt" : r.field,
    message: r.message,
  }));
}

/** Refusals (400) for a new window: well formed, planned or confirmed, and not already over. */
export function newWindowRefusals(w: Pick<WindowState, "startsAt" | "endsAt" | "kind" | "status">, now: string) {
  const refusals = windowFieldRefusals(w);
  if (w.status !== "planned" && w.status !== "confirmed") {
    if (!refusals.some((r) => r.field === "status")) {
      refusals.push({ field: "status", message: "a new window is planned or confirmed." });
    }
  }
  if (isInstant(w.endsAt) && Date.parse(w.endsAt) <= Date.parse(now)) {
    refusals.push({ field: "endsAt", message: "the window would already be over; new windows lie ahead." });
  }
  return refusals;
}

/** Whether a window may be edited at all: completed and cancelled windows are history. */
export function windowHistoryRefusal(window: Pick<WindowState, "title" | "status">): Refusal | null {
  return window.status === "completed" || window.status === "cancelled"
    ? { field: "status", message: `Window “${window.title}” is ${window.status}; it is history and is not edited.` }
    : null;
}

/**
 * Whether `current` may become `next` (before looking at its changes and the plant's blackouts, for which see
 * `windowEditConflicts`): not history, well formed, actually changed, a status move the window allows, completed
 * only once begun, and not moved into the past. Null when it may.
 */
export function windowEditRefusals(facts: { current: WindowState; next: WindowState; now: string }): Refused | null {
  const { current, next, now } = facts;
  const history = windowHistoryRefusal(current);
  if (history) return { status: 409, reasons: [history] };
  const malformed = windowFieldRefusals(next);
  if (malformed.length > 0) return { status: 400, reasons: malformed };
  const timesChanged =
    canonicalInstant(next.startsAt) !== canonicalInstant(current.startsAt) ||
    canonicalInstant(next.endsAt) !== canonicalInstant(current.endsAt);
  const changed =
    timesChanged ||
    next.title !== current.title ||
    next.notes !== current.notes ||
    next.kind !== current.kind ||
    next.status !== current.status;
  if (!changed) return { status: 400, reasons: [{ field: "", message: "Nothing changed: the window is as it was." }] };
  if (
    next.status !== current.status &&
    !WINDOW_STATUS_MOVES[current.status as WindowStatus]?.includes(next.status as WindowStatus)
  ) {
    return {
      status: 409,
      reasons: [{ field: "status", message: `a ${current.status} window cannot become ${next.status}.` }],
    };
  }
  if (next.status === "completed" && Date.parse(next.startsAt) > Date.parse(now)) {
    return {
      status: 409,
      reasons: [{ field: "status", message: "a window is completed once it has begun; this one lies ahead." }],
    };
  }
  if (timesChanged && Date.parse(next.endsAt) <= Date.parse(now) && next.status !== "cancelled") {
    return { status: 400, reasons: [{ field: "endsAt", message: "the window would already be over." }] };
  }
  return null;
}

/** Refusals for a scheduled outage over (not cancelled) blackouts of its plant: production wins. */
export function blackoutRefusals(
  outage: Pick<WindowState, "startsAt" | "endsAt" | "status"> & { plantId: number; id?: number },
  blackouts: WindowFacts[]
): Refusal[] {
  if (outage.status === "cancelled") return [];
  return blackouts
    .filter(
      (b) =>
        b.id !== outage.id &&
        b.plantId === outage.plantId &&
        b.kind === "blackout" &&
        b.status !== "cancelled" &&
        overlaps(outage.startsAt, outage.endsAt, b.startsAt, b.endsAt)
    )
    .map((b) => ({
      field: "startsAt",
      message: `the outage (${formatLocalRange(outage.startsAt, outage.endsAt, b.timeZone)}) overlaps blackout “${
        b.title
      }” (${formatLocalRange(b.startsAt, b.endsAt, b.timeZone)}); nothing may happen on the network during it.`,
    }));
}

export interface ChangeHeld {
  title: string;
  status: string;
  plannedStart: string | null;
  plannedMinutes: number | null;
}

/**
 * What an edit (not a cancellation) would break (409): a scheduled outage over a blackout of its plant, and the
 * window's scheduled changes, which no edit moves: un-confirming or completing a window that still holds them, a
 * blackout holding them, times that would leave one outside the window, or more minutes held than the window offers.
 */
export function windowEditConflicts(facts: {
  next: WindowState & { id: number; plantId: number; timeZone: string };
  timesChanged: boolean;
  /** Every change tied to the window (any status). */
  changes: ChangeHeld[];
  /** The plant's blackouts that may overlap the window. */
  blackouts: WindowFacts[];
}): Refusal[] {
  const { next, changes } = facts;
  if (next.status === "cancelled") return [];
  const problems = next.kind === "scheduled_outage" ? blackoutRefusals(next, facts.blackouts) : [];
  const scheduled = changes.filter((c) => c.status === "scheduled");
  if (scheduled.length > 0 && (next.status === "planned" || next.status === "completed")) {
    problems.push({
      field: "status",
      message: `${scheduled.length} scheduled ${
        scheduled.length === 1 ? "change is" : "changes are"
      } still in this window (${scheduled.map((c) => `“${c.title}”`).join(", ")}); ${
        next.status === "completed" ? "mark them done or cancel them" : "move or cancel them"
      } first.`,
    });
  }
  if (next.kind === "blackout" && scheduled.length > 0) {
    problems.push({
      field: "kind",
      message: `a blackout cannot hold the ${scheduled.length} scheduled ${
        scheduled.length === 1 ? "change" : "changes"
      } of this window.`,
    });
  }
  if (facts.timesChanged) {
    for (const c of scheduled) {
      const start = Date.parse(c.plannedStart ?? "");
      const end = start + (c.plannedMinutes ?? 0) * 60_000;
      if (!(start >= Date.parse(next.startsAt) && end <= Date.parse(next.endsAt))) {
        problems.push({
          field: "startsAt",
          message: `the change “${c.title}” would no longer fit inside the window (${formatLocalRange(
            next.startsAt,
            next.endsAt,
            next.timeZone
          )}); reschedule or cancel it first, nothing is moved silently.`,
        });
      }
    }
    const used = changes.filter((c) => holdsWindowTime(c.status)).reduce((sum, c) => sum + (c.plannedMinutes ?? 0), 0);
    const capacity = realDurationMinutes(next.startsAt, next.endsAt);
    if (used > capacity) {
      problems.push({
        field: "endsAt",
        message: `the window would offer ${capacity} minutes, but its changes hold ${used}.`,
      });
    }
  }
  return problems;
}

/** The fields of a window the overlap rule reads. */
export type OverlapFacts = Pick<WindowFacts, "plantId" | "kind" | "status" | "startsAt" | "endsAt"> & { id?: number };

/**
 * Whether two windows at one plant are in conflict by overlapping: both scheduled outages, neither cancelled, sharing
 * time. (A blackout over an outage is its own conflict: production wins, see `blackoutRefusals`.)
 */
export function outagesOverlap(a: OverlapFacts, b: OverlapFacts): boolean {
  return (
    (a.id === undefined || a.id !== b.id) &&
    a.plantId === b.plantId &&
    a.kind === "scheduled_outage" &&
    b.kind === "scheduled_outage" &&
    a.status !== "cancelled" &&
    b.status !== "cancelled" &&
    overlaps(a.startsAt, a.endsAt, b.startsAt, b.endsAt)
  );
}

/** The field an overlap refusal names: the form's (and the API's) confirmation to keep both windows. */
export const CONFIRM_OVERLAP_FIELD = "confirmOverlap";

/**
 * Refusals (409) for a window that would overlap other outage windows of its plant, unless the person confirmed to
 * keep both: each names both windows and their plant-local times. Never silently: a confirmed overlap stays marked
 * as a conflict on the windows pages.
 */
export function overlapRefusals(
  window: OverlapFacts & Pick<WindowFacts, "title" | "timeZone">,
  others: readonly WindowFacts[],
  confirmed: boolean
): Refusal[] {
  if (confirmed) return [];
  return others
    .filter((other) => outagesOverlap(window, other))
    .map((other) => ({
      field: CONFIRM_OVERLAP_FIELD,
      message: `Window “${window.title}” (${formatLocalRange(
        window.startsAt,
        window.endsAt,
        window.timeZone
      )}) overlaps window “${other.title}” (${formatLocalRange(
        other.startsAt,
        other.endsAt,
        other.timeZone
      )}) at the same plant; confirm to keep both.`,
    }));
}

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

/** ISO-8601 with a date, a time and Z or an offset. */
export function isInstant(value: unknown): value is string {
  return (
    typeof value === "string" &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    Number.isFinite(Date.parse(value))
  );
}

/** "at 22:00 CST on 2026-03-07": an instant as the plant's clock reads it. */
export function atLocal(instant: string, zone: string): string {
  const clock = localClock(instant, zone);
  return `at ${clock.time} ${clock.abbreviation} on ${clock.date}`;
}
