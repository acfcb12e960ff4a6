import { data } from "@remix-run/node";
import type { z } from "zod";
import { ActError } from "~/utils/errors";

/** What an action answers when an act is refused: which form, the message, and the field at fault. */
export interface ActFailure {
  intent: string;
  error: string;
  fieldErrors: Record<string, string[] | undefined>;
}

export function refused(intent: string, status: number, error: string, fieldErrors: ActFailure["fieldErrors"] = {}) {
  return data<ActFailure>({ intent, error, fieldErrors }, { status });
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

/** Runs an act; a refusal becomes the action's answer with its status, anything else stays an error. */
export async function attempt(intent: string, act: () => Promise<unknown>) {
  try {
    await act();
    return null;
  } catch (error) {
    if (error instanceof ActError) {
      return refused(intent, error.status, error.message, error.field ? { [error.field]: [error.message] } : {});
    }
    throw error;
  }
}
