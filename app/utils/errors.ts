import type { OffsetCandidate } from "~/domain/local-time";
import type { Refusal } from "~/domain/outage-windows";
import type { FieldChange, FieldValue } from "~/domain/revisions";
import type { ActRefusal } from "~/domain/refusals";

/**
 * A business act refused for a reason the person can act on: bad input (400, naming the field),
 * a role that may not (403), something that does not exist (404), or a rule of the program (409).
 */
export class ActError extends Error {
  constructor(public status: 400 | 403 | 404 | 409, message: string, public field?: string) {
    super(message);
    this.name = "ActError";
  }
}

/** A versioned object as it stands now, for someone whose act was based on an earlier revision of it. */
export interface RevisionConflict {
  /** The revision the act was based on, and the current one. */
  basedOn: number;
  revision: number;
  /** Who saved the current revision, and when (from the audit trail; null where it does not say). */
  savedBy: string | null;
  savedAt: string | null;
  /** The object now, field by field. */
  current: FieldValue[];
  /** What changed since the revision read; null when the audit trail no longer holds that revision. */
  changes: FieldChange[] | null;
}

/** 409: the act was based on a revision someone else has since replaced; nothing was written. */
export class RevisionConflictError extends ActError {
  constructor(message: string, public conflict: RevisionConflict) {
    super(409, message);
    this.name = "RevisionConflictError";
  }
}

/** 400: several fields refused at once, each with its messages; `message` is the form's sentence. */
export class FieldsRefused extends ActError {
  constructor(message: string, public fieldErrors: Record<string, string[]>) {
    super(400, message, Object.keys(fieldErrors)[0]);
    this.name = "FieldsRefused";
  }
}

/** A refusal with every reason (and the field of each), as the domain rules give them. */
export class RefusedAct extends ActError {
  constructor(status: 400 | 409, public reasons: Refusal[]) {
    super(status, reasons.map((r) => r.message).join(" "), reasons[0]?.field || undefined);
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

/** The reasons with each message led by its field ("endsAt: …"), as the API and the forms show them today. */
export function withFieldNames(reasons: Refusal[]): Refusal[] {
  return reasons.map((r) => ({
    ...r,
    message: !r.field || r.message.startsWith(`${r.field}:`) ? r.message : `${r.field}: ${r.message}`,
  }));
}

/** The value a domain reader accepted, or its refusal thrown (400, the message led by its field). */
export function readOrRefuse<T>(read: { ok: true; value: T } | { ok: false; refusal: Refusal }): T {
  if (read.ok) return read.value;
  const { field, message } = read.refusal;
  throw new ActError(400, field ? `${field}: ${message}` : message, field || undefined);
}

/** Throws the first of a decision's refusals as an ActError; does nothing when there are none. */
export function refuseFirst(refusals: readonly ActRefusal[]): void {
  const first = refusals[0];
  if (first) throw new ActError(first.status, first.message);
}
