import { z } from "~/utils/zod";

// Every form that changes a versioned object carries, hidden, the revision it was read at: the server refuses it
// when someone else has saved a newer one since (see app/domain/revisions.ts).

export const revisionField = z
  .string("The form does not say which revision you read; reload the page and try again.")
  .regex(/^\d{1,9}$/, "The form does not say which revision you read; reload the page and try again.")
  .transform(Number);

/** What the person wrote in the named fields, to fill their form again after a conflict. */
export function draftOf(form: Record<string, FormDataEntryValue>, fields: readonly string[]): Record<string, string> {
  const draft: Record<string, string> = {};
  for (const field of fields) {
    const value = form[field];
    if (typeof value === "string") draft[field] = value;
  }
  return draft;
}
