import { data } from "@remix-run/node";
import type { z } from "zod";
import { ActError, RevisionConflictError, type RevisionConflict } from "~/utils/errors";

/** What an action answers when an act is refused: which form, the message, and the field at fault. */
export interface ActFailure {
  intent: string;
  error: string;
  fieldErrors: Record<string, string[] | undefined>;
  /** When the act was based on a revision someone else has since replaced: the object as it stands now. */
  conflict?: RevisionConflict;
  /** After a conflict, what the person had written, to fill their form again. */
  draft?: Record<string, string>;
}

export function refused(
  intent: string,
  status: number,
  error: string,
  fieldErrors: ActFailure["fieldErrors"] = {},
  extra: Pick<ActFailure, "conflict" | "draft"> = {}
) {
  return data<ActFailure>({ intent, error, fieldErrors, ...extra }, { status });
}

/** A form that failed its schema: 400, each field's messages by name. */
export function invalid(intent: string, error: z.ZodError) {
  const fieldErrors: ActFailure["fieldErrors"] = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    (fieldErrors[field] ??= []).push(issue.message);
  }
  return refused(intent, 400, "Check the highlighted fields.", fieldErrors);
}

/**
 * Runs an act; a refusal becomes the action's answer with its status, anything else stays an error. A refusal for a
 * stale revision carries the object as it now stands, and `draft` (what the person wrote) to fill their form again.
 */
export async function attempt(intent: string, act: () => Promise<unknown>, draft?: Record<string, string>) {
  try {
    await act();
    return null;
  } catch (error) {
    if (error instanceof RevisionConflictError) {
      return refused(intent, 409, error.message, {}, { conflict: error.conflict, ...(draft ? { draft } : {}) });
    }
    if (error instanceof ActError) {
      return refused(intent, error.status, error.message, error.field ? { [error.field]: [error.message] } : {});
    }
    throw error;
  }
}
