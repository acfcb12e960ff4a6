import type { RevisionConflict } from "~/utils/errors";

// The one shape a refused form or JSON write answers with, and the confirmation a successful act leaves behind.
// Isomorphic: route modules and components read it in the browser, the pipeline (forms.server.ts) builds it.

/** What an action answers when an act is refused: which form, a sentence for the form, every field's problems. */
export interface FormReply {
  status: "error";
  /** Which form: the action's intent. */
  intent: string;
  /** Which instance of a repeated form (e.g. a row id), when the page repeats it. */
  target?: string | null;
  /** One plain sentence for the form as a whole: "Check the 2 fields marked below." or the refusal. */
  formError: string | null;
  /** Every problem of every field, in plain words, without field-name prefixes. */
  fieldErrors: Record<string, string[]>;
  /** When the act was based on a revision someone else has since replaced: the object as it stands now. */
  conflict?: RevisionConflict;
  /** After a conflict, what the person had written, to fill their form again. */
  draft?: Record<string, string>;
}

/** What a successful act leaves for the page it redirects to ("flash"): which form, and what was done. */
export interface Confirmation {
  intent: string;
  target?: string | null;
  message: string;
  /** The path the act redirected to; a confirmation is shown only there. Set by the pipeline. */
  path?: string;
}

function isReply(value: unknown): value is FormReply {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as FormReply).status === "error" &&
    typeof (value as FormReply).intent === "string" &&
    typeof (value as FormReply).fieldErrors === "object"
  );
}

/** Whether a reply's or confirmation's target is the one asked for; no target asked means any. */
export function sameTarget(found: string | null | undefined, wanted: string | number | null | undefined): boolean {
  if (wanted === undefined) return true;
  return (found ?? null) === (wanted === null ? null : String(wanted));
}

/**
 * The reply if it concerns that form: one of `intent` (a name or several) and, for a repeated form, that `target`.
 * Anything else the action answered (a success's data, another form's reply) gives undefined.
 */
export function replyFor(
  reply: unknown,
  intent: string | readonly string[],
  target?: string | number | null
): FormReply | undefined {
  if (!isReply(reply)) return undefined;
  const intents: readonly string[] = typeof intent === "string" ? [intent] : intent;
  if (!intents.includes(reply.intent)) return undefined;
  return sameTarget(reply.target, target) ? reply : undefined;
}

/** All of a reply's field messages, for a summary where the fields are not shown one by one. */
export function allFieldErrors(reply: FormReply | undefined): string[] {
  return reply ? Object.values(reply.fieldErrors).flat() : [];
}
