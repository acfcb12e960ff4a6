import { localInputValues } from "./local-time";
import { isInstant, type Refusal, type Refused } from "./outage-windows";
import { CHANGE_OUTCOME_LABELS, CHANGE_OUTCOMES, isOneOf, type ChangeOutcome, type ChangeStatus } from "./vocabulary";

// How a network change came out, once its window has started: done as planned, done with issues, rolled back or not
// done, with the actual times it ran. A done outcome makes the change done (its done_at the actual end, which the
// baseline's epoch reads for cutovers); a rolled-back or not-done one sends it back to wait for a new window, to be
// attempted again. Pure: `now` is passed in.

/** The act recording an outcome, as its form posts it (ChangeOutcomeForm, recordOutcomeAct). */
export const RECORD_OUTCOME_INTENT = "record-outcome";

/** The longest note kept with an outcome. */
const OUTCOME_NOTE_MAX = 2000;

/** Outcomes after which the change is done. */
const DONE_OUTCOMES: readonly ChangeOutcome[] = ["as_planned", "with_issues"];

/** Whether the outcome makes the change done (the others send it back to wait for a new window). */
export function outcomeMakesDone(outcome: ChangeOutcome): boolean {
  return DONE_OUTCOMES.includes(outcome);
}

/** The status a change takes with the outcome. */
export function statusAfterOutcome(outcome: ChangeOutcome): Extract<ChangeStatus, "done" | "needs_window"> {
  return outcomeMakesDone(outcome) ? "done" : "needs_window";
}

export interface OutcomeInput {
  outcome: unknown;
  actualStart: unknown;
  actualEnd: unknown;
  note: unknown;
}

export interface ReadOutcome {
  outcome: ChangeOutcome;
  actualStart: string | null;
  actualEnd: string | null;
  note: string | null;
}

function given(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

/**
 * An outcome as entered (400 with every field's problem when it is not well formed): a known outcome; actual start
 * and end as instants, the end after the start and neither ahead of `now` — required for the three outcomes where
 * something happened, optional for "not done"; a note (at most 2,000 characters), required for "with issues" and
 * "rolled back" (what went wrong).
 */
export function readOutcomeInput(
  input: OutcomeInput,
  now: string
): { ok: true; value: ReadOutcome } | { ok: false; refusals: Refusal[] } {
  const refusals: Refusal[] = [];
  const outcome = input.outcome;
  if (!isOneOf(CHANGE_OUTCOMES, outcome)) {
    refusals.push({
      field: "outcome",
      message: `choose how the change came out: ${CHANGE_OUTCOMES.map((o) => CHANGE_OUTCOME_LABELS[o]).join(", ")}.`,
    });
  }
  const timesRequired = outcome !== "not_done";
  const times: Record<"actualStart" | "actualEnd", string | null> = { actualStart: null, actualEnd: null };
  for (const field of ["actualStart", "actualEnd"] as const) {
    const value = input[field];
    const what = field === "actualStart" ? "the actual start" : "the actual end";
    if (!given(value)) {
      if (timesRequired) refusals.push({ field, message: `give ${what}: when the work really ran.` });
      continue;
    }
    if (!isInstant(value)) {
      refusals.push({ field, message: `${what} is not a valid instant.` });
      continue;
    }
    if (Date.parse(value) > Date.parse(now) + 60_000) {
      refusals.push({ field, message: `${what} is in the future; an outcome is recorded once it happened.` });
      continue;
    }
    times[field] = new Date(value).toISOString();
  }
  if (given(input.actualStart) !== given(input.actualEnd) && !timesRequired) {
    refusals.push({
      field: given(input.actualStart) ? "actualEnd" : "actualStart",
      message: "give both the actual start and end, or neither.",
    });
  }
  if (times.actualStart && times.actualEnd && Date.parse(times.actualEnd) <= Date.parse(times.actualStart)) {
    refusals.push({ field: "actualEnd", message: "the actual end must come after the actual start." });
  }
  const note = typeof input.note === "string" ? input.note.trim() : "";
  if (input.note !== undefined && input.note !== null && typeof input.note !== "string") {
    refusals.push({ field: "note", message: "the note is text." });
  } else if (note.length > OUTCOME_NOTE_MAX) {
    refusals.push({
      field: "note",
      message: `keep the note to ${OUTCOME_NOTE_MAX.toLocaleString("en-US")} characters or fewer.`,
    });
  } else if ((outcome === "with_issues" || outcome === "rolled_back") && note.length < 3) {
    refusals.push({
      field: "note",
      message: `say what went wrong (at least 3 characters): a change ${
        outcome === "rolled_back" ? "rolled back" : "done with issues"
      } needs a note.`,
    });
  }
  if (refusals.length > 0) return { ok: false, refusals };
  return {
    ok: true,
    value: { outcome: outcome as ChangeOutcome, ...times, note: note.length > 0 ? note : null },
  };
}

export interface OutcomeFacts {
  change: { title: string; status: string; plannedStart: string | null };
  now: string;
}

/**
 * Whether an outcome may be recorded for the change now (409 when not): it is still open (scheduled, or waiting for
 * a new window after an earlier attempt), and its planned start has passed — its window has started.
 */
export function outcomeRecordingRefusals({ change, now }: OutcomeFacts): Refused | null {
  if (change.status !== "scheduled" && change.status !== "needs_window") {
    return {
      status: 409,
      reasons: [
        {
          field: "changeId",
          message: `The change “${change.title}” is ${
            change.status === "needs_window" ? "waiting" : change.status
          }; an outcome is recorded for an open change.`,
        },
      ],
    };
  }
  if (!change.plannedStart || Date.parse(change.plannedStart) > Date.parse(now)) {
    return {
      status: 409,
      reasons: [
        {
          field: "outcome",
          message: `The change “${change.title}” has not started yet; its outcome is recorded once its window has begun.`,
        },
      ],
    };
  }
  return null;
}

/**
 * Whether the change is "outcome due": scheduled into a window that has ended, and no outcome recorded for it since
 * (any outcome moves a change out of "scheduled", to done or back to waiting for a window).
 */
export function isOutcomeDue(change: { status: string; windowEndsAt: string | null }, now: string): boolean {
  return (
    change.status === "scheduled" && change.windowEndsAt !== null && Date.parse(change.windowEndsAt) <= Date.parse(now)
  );
}

/** "Rolled back on Tue 3 Dec: the PLC lost its I/O" — an outcome in a line. */
export function outcomeSummary(outcome: { outcome: ChangeOutcome; note: string | null }): string {
  return `${CHANGE_OUTCOME_LABELS[outcome.outcome]}${outcome.note ? `: ${outcome.note}` : ""}`;
}

/** Where a change's outcome form starts: its planned start and end, on the plant's clock. */
export function outcomeFormDefaults(change: { plannedStart: string; plannedMinutes: number | null }, zone: string) {
  const end = new Date(Date.parse(change.plannedStart) + (change.plannedMinutes ?? 0) * 60_000).toISOString();
  return { start: localInputValues(change.plannedStart, zone), end: localInputValues(end, zone) };
}
