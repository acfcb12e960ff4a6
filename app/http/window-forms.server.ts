import { withoutFieldName } from "~/domain/field-messages";
import { instantFromLocalFields, type OffsetCandidate } from "~/domain/local-time";
import { ActError, LocalTimeError, RefusedAct, RevisionConflictError } from "~/utils/errors";
import { answer, checkFields, confirmed, type Parsed } from "~/utils/forms.server";
import type { WindowReply } from "~/utils/window-reply";

// How the windows page's forms answer: every problem of a form at once (its schema's and its plant-local times'),
// each under its field in plain words; the offsets to choose from when a plant-local time happens twice; what was
// typed, so a form shown again without JavaScript still holds it; and after a success, the confirmation.

export type FormFields = Record<string, FormDataEntryValue>;

/** The fields of each form the person can see; other fields' problems are said in the form's message. */
export interface FormShape {
  intent: string;
  target: string | null;
  /** Fields shown with their own messages (a time's prefix covers its date, time and offset). */
  visible: readonly string[];
  /** Fields the page writes itself; ActForm lists their problems in its message. */
  hidden: readonly string[];
}

/** The model names a time by its instant; the form by the prefix of its plant-local fields. */
const TIME_FIELDS: Record<string, string> = {
  startsAt: "start",
  endsAt: "end",
  plannedStart: "planned",
  doneAt: "done",
};

function formFieldOf(field: string): string {
  return TIME_FIELDS[field] ?? field;
}

function draftOf(form: FormFields): Record<string, string> {
  const draft: Record<string, string> = {};
  for (const [key, value] of Object.entries(form)) {
    if (typeof value === "string" && key !== "intent" && key !== "target") draft[key] = value.slice(0, 2000);
  }
  return draft;
}

function isPlaced(field: string, shape: FormShape): boolean {
  return [...shape.visible, ...shape.hidden].some((name) => field === name || field.startsWith(`${name}.`));
}

/**
 * The form's reply: problems of fields the form shows stay under them; any other field's problem is said in the
 * form's message, so nothing the server found is lost.
 */
function windowReply(
  shape: FormShape,
  form: FormFields,
  /** The form's sentence; null: "check the fields marked below" when some are, else the problems themselves. */
  formError: string | null,
  problems: { field?: string; message: string }[],
  extra: Pick<WindowReply, "offsets" | "conflict" | "links"> = {}
): WindowReply {
  const fieldErrors: Record<string, string[]> = {};
  const unplaced: string[] = [];
  for (const problem of problems) {
    const field = problem.field ? formFieldOf(problem.field) : undefined;
    const message = withoutFieldName(problem.message, problem.field, field);
    if (field && isPlaced(field, shape)) {
      const messages = (fieldErrors[field] ??= []);
      if (!messages.includes(message)) messages.push(message);
    } else if (!unplaced.includes(message) && message !== formError) unplaced.push(message);
  }
  const marked = Object.keys(fieldErrors).filter((field) => !shape.hidden.includes(field)).length;
  const sentence = formError ?? (marked > 0 ? checkFields(marked) : "");
  return {
    status: "error",
    intent: shape.intent,
    target: shape.target,
    formError: [sentence, ...unplaced].filter(Boolean).join(" ") || null,
    fieldErrors,
    draft: draftOf(form),
    ...extra,
  };
}

/** Plant-local fields (`${prefix}.date`, `.time`, `.offset`) of a form. */
function localField(form: FormFields, prefix: string) {
  const text = (key: string) => {
    const value = form[`${prefix}.${key}`];
    return typeof value === "string" ? value.trim() : "";
  };
  return { date: text("date"), time: text("time"), offset: text("offset") || null };
}

/** The form's times as instants, or every time's problem (and the offsets of a time that happens twice). */
function readTimes(form: FormFields, prefixes: readonly string[], zone: string) {
  const instants: Record<string, string> = {};
  const problems: { field: string; message: string }[] = [];
  const offsets: Record<string, OffsetCandidate[]> = {};
  for (const prefix of prefixes) {
    const result = instantFromLocalFields(localField(form, prefix), zone, prefix);
    if (result.ok) instants[prefix] = result.instant;
    else {
      problems.push({ field: result.field, message: result.message });
      if (result.offsets) offsets[prefix] = result.offsets;
    }
  }
  return { instants, problems, offsets };
}

type Checked<T> = { ok: true; data: T; instants: Record<string, string> } | { ok: false; reply: WindowReply };

/** The form checked at once against its schema and its plant-local times: the values, or every problem. */
export function checkForm<T>(
  shape: FormShape,
  form: FormFields,
  parsed: Parsed<T>,
  times: readonly string[],
  zone: string
): Checked<T> {
  const read = readTimes(form, times, zone);
  const schemaProblems = parsed.ok
    ? []
    : Object.entries(parsed.reply.fieldErrors).flatMap(([field, messages]) =>
        messages.map((message) => ({ field, message }))
      );
  const problems = [...schemaProblems, ...read.problems];
  if (parsed.ok && problems.length === 0) return { ok: true, data: parsed.data, instants: read.instants };
  const ambiguous = Object.keys(read.offsets).length > 0;
  const general = !parsed.ok && Object.keys(parsed.reply.fieldErrors).length === 0 ? parsed.reply.formError : null;
  const formError = ambiguous
    ? "A time you gave happens twice on the plant's clock (the clocks go back): choose which one you mean."
    : general;
  return {
    ok: false,
    reply: windowReply(shape, form, formError, problems, {
      ...(ambiguous ? { offsets: read.offsets } : {}),
    }),
  };
}

/** A refusal's sentence for the form: what did not happen, and where the reasons are. */
function refusedSentence(count: number, placed: boolean): string {
  if (!placed) return count > 1 ? "Refused, for these reasons:" : "Refused:";
  return count > 1 ? `Refused, for the ${count} reasons marked below.` : "Refused, for the reason marked below.";
}

/**
 * Runs an act; a refusal becomes the form's reply with its status and every reason under its field, anything else
 * stays an error. Success redirects to `location` with the confirmation the page shows there.
 */
export async function runWindowAct(
  request: Request,
  shape: FormShape,
  form: FormFields,
  act: () => Promise<{ message: string; location: string }>
) {
  let done: { message: string; location: string };
  try {
    done = await act();
  } catch (error) {
    if (error instanceof RevisionConflictError) {
      return answer(windowReply(shape, form, error.message, [], { conflict: error.conflict }), 409);
    }
    if (error instanceof LocalTimeError) {
      const prefix = (error.field ?? "").split(".")[0] ?? "";
      const problems = [{ field: error.field, message: error.message }];
      const reply = windowReply(shape, form, null, problems, {
        ...(error.offsets ? { offsets: { [prefix]: error.offsets } } : {}),
      });
      return answer(reply, error.status);
    }
    if (error instanceof RefusedAct) {
      const problems = error.reasons.map((reason) => ({ field: reason.field, message: reason.message }));
      const placed = problems.every((p) => isPlaced(formFieldOf(p.field), shape));
      const links = Object.fromEntries(
        error.reasons.flatMap((reason) => (reason.href ? [[formFieldOf(reason.field), reason.href]] : []))
      );
      const reply = windowReply(shape, form, refusedSentence(problems.length, placed), problems, {
        ...(Object.keys(links).length > 0 ? { links } : {}),
      });
      return answer(reply, error.status);
    }
    if (error instanceof ActError) {
      const problems = [{ field: error.field, message: error.message }];
      return answer(windowReply(shape, form, null, problems), error.status);
    }
    throw error;
  }
  return confirmed(request, { intent: shape.intent, target: shape.target, message: done.message }, done.location);
}
