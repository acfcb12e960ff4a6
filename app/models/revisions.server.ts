import { changesBetween, conflictMessage, type ConflictAct, type FieldValue } from "~/domain/revisions";
import type { Executor } from "~/utils/db.server";
import { RevisionConflictError } from "~/utils/errors";

// The history of a versioned object, read from the audit trail: every edit that saves a new revision is audited
// with the object's content before and after, each carrying its revision number, so the trail holds every revision
// that was ever replaced. Read only when an act turns out to be based on an older revision, to say what changed.

export interface RevisionTrail {
  /** The object's content at the revision the act was based on, as the audit recorded it; null if not recorded. */
  basedOn: Record<string, unknown> | null;
  /** Who saved the latest of the edits asked about, and when. */
  savedBy: string | null;
  savedByPersonId: number | null;
  savedAt: string | null;
}

function parsed(json: string | null): Record<string, unknown> | null {
  if (json === null) return null;
  const value: unknown = JSON.parse(json);
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/**
 * Reads the object's audited edits (`actions`), newest first: the content it had at revision `basedOn` (what the
 * edit that replaced it recorded as before, or what the edit that made it recorded as after), and the latest edit.
 */
export async function revisionTrail(
  db: Executor,
  object: { type: string; id: number; plantId: number | null; actions: readonly string[] },
  basedOn: number
): Promise<RevisionTrail> {
  let query = db
    .selectFrom("audit_event")
    .select(["before_json", "after_json", "actor_label", "actor_person_id", "at"])
    .where("object_type", "=", object.type)
    .where("object_id", "=", String(object.id))
    .where("action", "in", [...object.actions]);
  // Through the trail's index on the plant, so only this plant's events are read.
  query = object.plantId === null ? query.where("plant_id", "is", null) : query.where("plant_id", "=", object.plantId);
  const events = await query.orderBy("seq", "desc").execute();
  const latest = events[0];
  let content: Record<string, unknown> | null = null;
  for (const event of events) {
    const before = parsed(event.before_json);
    const after = parsed(event.after_json);
    if (before?.revision === basedOn) content = before;
    else if (after?.revision === basedOn) content = after;
    if (content) break;
  }
  return {
    basedOn: content,
    savedBy: latest?.actor_label ?? null,
    savedByPersonId: latest?.actor_person_id ?? null,
    savedAt: latest?.at ?? null,
  };
}

/**
 * The refusal (409) of an act based on revision `basedOn` of an object now at `object.revision`: the object as it
 * now stands, who saved it last (from `trail`), and what changed since the revision read (`read`: its fields as
 * the trail recorded them; null when the trail no longer holds it).
 */
export function revisionConflict(
  actor: { personId: number | null },
  object: { label: string; revision: number; current: FieldValue[]; read: FieldValue[] | null },
  trail: RevisionTrail,
  basedOn: number,
  act: ConflictAct
): RevisionConflictError {
  const conflict = {
    basedOn,
    revision: object.revision,
    savedBy: trail.savedBy,
    savedAt: trail.savedAt,
    current: object.current,
    changes: object.read ? changesBetween(object.read, object.current) : null,
  };
  const yours = actor.personId !== null && trail.savedByPersonId === actor.personId;
  return new RevisionConflictError(conflictMessage({ ...conflict, object: object.label, act, yours }), conflict);
}
