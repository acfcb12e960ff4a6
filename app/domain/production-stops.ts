import { DateTime } from "luxon";
import { isInstant, type Refusal, type Refused } from "./outage-windows";
import type { ActRefusal } from "./refusals";
import {
  PART_LABELS,
  SIGNOFF_PARTS,
  signingRefusals,
  type SignoffPart,
  type SignoffRecord,
  type SignRefusalCode,
  type Signer,
} from "./signoffs";
import { isOneOf, STOP_CAUSES, type StopCause } from "./vocabulary";

// Unscheduled production stops the network caused or is suspected of, and their post-incident reviews: what a stop
// is when recorded, its review (text, the cause concluded, signed for both parts at the review's current revision),
// and the rule that a plant with such a stop not yet reviewed by both owners has no further conduit cutover marked
// done. Pure: `now` is passed in.

const STOP_LINE_MAX = 100;
const STOP_TICKET_MAX = 100;
const STOP_DESCRIPTION_MAX = 2000;
const STOP_REVIEW_MAX = 10_000;
const STOP_MINUTES_MAX = 100_000;

/** Causes a stop is recorded with; "not the network" is only concluded by its review. */
export const RECORDED_CAUSES = ["network", "suspected"] as const;
/** Causes a review concludes. */
const CONCLUDED_CAUSES = ["network", "not_network"] as const;

export interface StopInput {
  zoneId: number | null;
  line: unknown;
  startedAt: unknown;
  minutesLost: unknown;
  changeId: number | null;
  ticket: unknown;
  description: unknown;
  cause: unknown;
}

export interface ReadStop {
  zoneId: number | null;
  line: string | null;
  startedAt: string;
  minutesLost: number;
  changeId: number | null;
  ticket: string | null;
  description: string;
  cause: (typeof RECORDED_CAUSES)[number];
}

function optionalText(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  return text.length > 0 ? text : null;
}

/**
 * A stop as entered (400 with every field's problem when not well formed): where (a zone or a line, at least one;
 * a line at most 100 characters), when it started (an instant, not ahead of `now`), whole minutes of production lost
 * (1 to 100,000), an optional ticket reference (at most 100), a description (required, at most 2,000) and the cause
 * (the network, or suspected).
 */
export function readStopInput(
  input: StopInput,
  now: string
): { ok: true; value: ReadStop } | { ok: false; refusals: Refusal[] } {
  const refusals: Refusal[] = [];
  const line = optionalText(input.line);
  if (line === undefined) refusals.push({ field: "line", message: "the line is text." });
  else if (line !== null && line.length > STOP_LINE_MAX) {
    refusals.push({ field: "line", message: `keep the line to ${STOP_LINE_MAX} characters or fewer.` });
  } else if (line === null && input.zoneId === null) {
    refusals.push({ field: "line", message: "name the line that stopped, or choose its zone (at least one)." });
  }
  if (!isInstant(input.startedAt)) {
    refusals.push({ field: "startedAt", message: "give when the stop started (a valid instant)." });
  } else if (Date.parse(input.startedAt) > Date.parse(now) + 60_000) {
    refusals.push({
      field: "startedAt",
      message: "the stop's start is in the future; record a stop once it happened.",
    });
  }
  const minutes = input.minutesLost;
  if (typeof minutes !== "number" || !Number.isInteger(minutes) || minutes < 1 || minutes > STOP_MINUTES_MAX) {
    refusals.push({
      field: "minutesLost",
      message: `give the minutes of production lost as a whole number from 1 to ${STOP_MINUTES_MAX.toLocaleString(
        "en-US"
      )}.`,
    });
  }
  const ticket = optionalText(input.ticket);
  if (ticket === undefined) refusals.push({ field: "ticket", message: "the ticket reference is text." });
  else if (ticket !== null && ticket.length > STOP_TICKET_MAX) {
    refusals.push({ field: "ticket", message: `keep the ticket reference to ${STOP_TICKET_MAX} characters or fewer.` });
  }
  const description = optionalText(input.description);
  if (!description || description.length < 3) {
    refusals.push({ field: "description", message: "describe what stopped and how (at least 3 characters)." });
  } else if (description.length > STOP_DESCRIPTION_MAX) {
    refusals.push({
      field: "description",
      message: `keep the description to ${STOP_DESCRIPTION_MAX.toLocaleString("en-US")} characters or fewer.`,
    });
  }
  if (!isOneOf(RECORDED_CAUSES, input.cause)) {
    refusals.push({ field: "cause", message: "choose the cause: caused by the network, or suspected." });
  }
  if (refusals.length > 0) return { ok: false, refusals };
  return {
    ok: true,
    value: {
      zoneId: input.zoneId,
      line: line ?? null,
      startedAt: new Date(input.startedAt as string).toISOString(),
      minutesLost: minutes as number,
      changeId: input.changeId,
      ticket: ticket ?? null,
      description: description!,
      cause: input.cause as ReadStop["cause"],
    },
  };
}

/** Refusal (400) for the change a stop is put down to, when it is of another plant; null when it fits. */
export function stopAttributionRefusal(
  change: { id: number; plantId: number } | null,
  plantId: number,
  changeId: number | null
): Refusal | null {
  if (changeId === null) return null;
  if (!change || change.plantId !== plantId) {
    return { field: "changeId", message: `change ${changeId} is not a change of this plant.` };
  }
  return null;
}

/** The review's text as written: trimmed, at least 3 characters, at most 10,000. */
export function readReviewText(raw: unknown): { ok: true; value: string } | { ok: false; refusal: Refusal } {
  const text = typeof raw === "string" ? raw.trim() : "";
  if (text.length < 3) {
    return { ok: false, refusal: { field: "review", message: "write the review (at least 3 characters)." } };
  }
  if (text.length > STOP_REVIEW_MAX) {
    return {
      ok: false,
      refusal: {
        field: "review",
        message: `keep the review to ${STOP_REVIEW_MAX.toLocaleString("en-US")} characters or fewer.`,
      },
    };
  }
  return { ok: true, value: text };
}

/** The cause a review concludes: the network, or not the network. */
export function readConcludedCause(raw: unknown): { ok: true; value: StopCause } | { ok: false; refusal: Refusal } {
  if (isOneOf(CONCLUDED_CAUSES, raw)) return { ok: true, value: raw };
  return {
    ok: false,
    refusal: { field: "cause", message: "conclude the cause: caused by the network, or not the network." },
  };
}

export interface StopReviewSignature {
  part: SignoffPart;
  personId: number;
  personName: string;
  reviewRevision: number;
  signedAt: string;
}

export interface StopReviewFacts {
  review: string | null;
  reviewRevision: number;
  signatures: readonly StopReviewSignature[];
}

export interface ReviewPartState {
  part: SignoffPart;
  /** The signature at the review's current revision, when there is one. */
  signed: StopReviewSignature | null;
  /** A signature of an earlier revision, made stale by an edit of the review. */
  stale: StopReviewSignature | null;
}

/** Each part of a stop's review: signed at the current revision, signed only at an earlier one, or not signed. */
export function reviewParts(facts: StopReviewFacts): ReviewPartState[] {
  return SIGNOFF_PARTS.map((part) => {
    const mine = facts.signatures.filter((s) => s.part === part);
    const signed = facts.review ? mine.find((s) => s.reviewRevision === facts.reviewRevision) ?? null : null;
    const stale = signed ? null : [...mine].sort((a, b) => b.reviewRevision - a.reviewRevision)[0] ?? null;
    return { part, signed, stale };
  });
}

/** Whether a stop's review is written and signed for both parts at its current revision. */
export function isReviewed(facts: StopReviewFacts): boolean {
  return reviewParts(facts).every((p) => p.signed !== null);
}

/** The causes a stop keeps while its review has not ruled the network out. */
export const CAUSED_STOP_CAUSES: readonly StopCause[] = STOP_CAUSES.filter((cause) => cause !== "not_network");

/** Whether a stop counts as caused by the network: its review has not ruled the network out. */
export function isCausedStop(stop: { cause: string }): boolean {
  return (CAUSED_STOP_CAUSES as readonly string[]).includes(stop.cause);
}

/**
 * A stop that counts against the plant's cutovers: caused or suspected, and its review not signed by both owners.
 * The hold's bounded read (`stopsUnderReview`, app/models/change-completion.server.ts) selects these same stops in
 * SQL, from CAUSED_STOP_CAUSES and the number of parts, so that a plant's reviewed stops never crowd the holding ones
 * out of it; this rule decides on what it read.
 */
export function holdsCutovers(stop: { cause: string } & StopReviewFacts): boolean {
  return isCausedStop(stop) && !isReviewed(stop);
}

/**
 * Whether the person may sign a part of a stop's review now: who signs each part is the signoffs' rule
 * (signingRefusals: a plant engineer of the plant for design & change control, corporate security for monitoring &
 * incident response); the review must be written, and a part is signed once per revision.
 */
export function stopReviewSigningRefusals(
  part: SignoffPart,
  signer: Signer,
  stop: StopReviewFacts & { label: string }
): ActRefusal<SignRefusalCode>[] {
  const asSignoffs: SignoffRecord[] = stop.signatures.map((s, index) => ({
    id: index,
    part: s.part,
    personId: s.personId,
    personName: s.personName,
    role: "",
    revision: s.reviewRevision,
    contentHash: String(s.reviewRevision),
    signedAt: s.signedAt,
    note: null,
    revokedAt: null,
    revokedReason: null,
  }));
  const refusals = signingRefusals({
    part,
    signer,
    subject: {
      label: stop.label,
      revision: stop.reviewRevision,
      currentHash: String(stop.reviewRevision),
      notSignableWhy: stop.review ? null : "The review is not written yet; write it before signing.",
    },
    signoffs: asSignoffs,
  });
  if (refusals.length > 0) return refusals;
  const other = stop.signatures.find((s) => s.part === part && s.reviewRevision === stop.reviewRevision);
  if (other) {
    return [
      {
        code: "already_signed",
        status: 409,
        message: `${other.personName} has already signed the ${PART_LABELS[part].toLowerCase()} part of this revision.`,
      },
    ];
  }
  return [];
}

export interface StopFacts extends StopReviewFacts {
  id: number;
  line: string | null;
  zoneName: string | null;
  startedAt: string;
  minutesLost: number;
  cause: string;
}

/** Where a stop is shown. */
export function stopHref(plantCode: string, stopId: number): string {
  return `/plants/${plantCode}/stops/${stopId}`;
}

/** "Line 2", "zone Cell 1", "Line 2 (zone Cell 1)": where a stop happened. */
export function stopPlace(stop: { line: string | null; zoneName: string | null }): string {
  if (stop.line && stop.zoneName) return `${stop.line} (zone ${stop.zoneName})`;
  return stop.line ?? (stop.zoneName ? `zone ${stop.zoneName}` : "the plant");
}

/** "Stop on Line 2 on 3 Dec (45 min lost)": a stop in a phrase, its day on the plant's clock. */
export function stopPhrase(stop: Omit<StopFacts, keyof StopReviewFacts | "id" | "cause">, zone: string): string {
  const day = DateTime.fromISO(stop.startedAt, { zone: "utc" }).setZone(zone).toFormat("d LLL");
  return `Stop on ${stopPlace(stop)} on ${day} (${stop.minutesLost.toLocaleString("en-US")} min lost)`;
}

/**
 * Refusal (409) for marking a conduit cutover done at a plant that has a stop caused or suspected of the network
 * whose post-incident review is not signed by both owners: the program stops its own line before it stops the
 * floor's. Each such stop is named with a link to its page. Other kinds of change are not held.
 */
export function stopReviewCompletionRefusal(facts: {
  change: { kind: string };
  stops: readonly StopFacts[];
  plantCode: string;
  timeZone: string;
}): Refused | null {
  if (facts.change.kind !== "conduit_cutover") return null;
  const holding = facts.stops.filter(holdsCutovers);
  if (holding.length === 0) return null;
  return {
    status: 409,
    reasons: holding.map((stop) => ({
      field: "stopId",
      message: `${stopPhrase(
        stop,
        facts.timeZone
      )} has no post-incident review signed by both owners; sign it before another cutover is marked done.`,
      href: stopHref(facts.plantCode, stop.id),
    })),
  };
}
