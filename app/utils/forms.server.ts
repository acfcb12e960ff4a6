import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { data, redirect } from "@remix-run/node";
import type { z } from "~/utils/zod";
import { ActError, FieldsRefused, RevisionConflictError } from "~/utils/errors";
import type { Confirmation, FormReply } from "~/utils/reply";
import { draftOf } from "~/utils/revision-forms";

// The submission pipeline of every form and JSON write: parse with the act's schema (every problem of every field at
// once), refuse with one reply shape, run the act turning its refusals into that shape, and after a success redirect
// with a confirmation the next page shows (a short-lived cookie, so it works without JavaScript).

export type Parsed<T> = { ok: true; data: T } | { ok: false; reply: FormReply };

/** The sentence at the top of a form whose fields are marked. */
export function checkFields(count: number): string {
  return count === 1 ? "Check the field marked below." : `Check the ${count} fields marked below.`;
}

/**
 * Sorts zod's issues by field (the top-level name; with `nested`, the whole path joined by dots, "flows.2.port").
 * Issues about the whole input (no path) become the form's message.
 */
function issuesToReply(
  issues: readonly z.core.$ZodIssue[],
  intent: string,
  target?: string | number | null,
  options: { nested?: boolean } = {}
): FormReply {
  const fieldErrors: Record<string, string[]> = {};
  const general: string[] = [];
  for (const issue of issues) {
    if (issue.path.length === 0) {
      if (!general.includes(issue.message)) general.push(issue.message);
      continue;
    }
    const field = options.nested ? issue.path.map(String).join(".") : String(issue.path[0]);
    const messages = (fieldErrors[field] ??= []);
    if (!messages.includes(issue.message)) messages.push(issue.message);
  }
  const count = Object.keys(fieldErrors).length;
  const formError =
    general.length > 0 ? [...general, ...(count > 0 ? [checkFields(count)] : [])].join(" ") : checkFields(count);
  return { status: "error", intent, target: target === undefined ? null : String(target), formError, fieldErrors };
}

/** A submitted form (FormData or its entries as an object) checked against the act's schema. */
export function parseForm<S extends z.ZodType>(
  schema: S,
  input: FormData | Record<string, unknown>,
  intent: string,
  target?: string | number | null,
  options: { nested?: boolean } = {}
): Parsed<z.output<S>> {
  const values = input instanceof FormData ? Object.fromEntries(input) : input;
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, reply: issuesToReply(result.error.issues, intent, target, options) };
}

/**
 * A JSON body checked against the act's schema; the reply's intent is the API's act. Its `formError` names each field
 * before its messages ("siemReference: Keep the SIEM reference under 200 characters."): an API has no form to mark.
 */
export function parseJson<S extends z.ZodType>(
  schema: S,
  body: unknown,
  intent = "api",
  options: { nested?: boolean } = {}
): Parsed<z.output<S>> {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, data: result.data };
  const reply = issuesToReply(result.error.issues, intent, null, options);
  const general = result.error.issues.filter((issue) => issue.path.length === 0).map((issue) => issue.message);
  const named = Object.entries(reply.fieldErrors).flatMap(([field, messages]) => messages.map((m) => `${field}: ${m}`));
  return { ok: false, reply: { ...reply, formError: [...new Set(general), ...named].join(" ") } };
}

/**
 * A JSON API's refusal: `error` (one sentence, kept for existing clients), `field` (the first field at fault, null
 * when none) and `fieldErrors` (every field's messages), plus anything the API adds.
 */
export function apiRefusal(reply: FormReply, status = 400, extra: Record<string, unknown> = {}) {
  const fields = Object.keys(reply.fieldErrors);
  return Response.json(
    { error: reply.formError, field: fields[0] ?? null, fieldErrors: reply.fieldErrors, ...extra },
    { status }
  );
}

/** An ActError as a JSON API's refusal: its message, and its field when it names one. */
export function apiActRefusal(error: ActError, extra: Record<string, unknown> = {}) {
  return Response.json(
    {
      error: error.message,
      field: error.field ?? null,
      fieldErrors: error.field ? { [error.field]: [error.message] } : {},
      ...extra,
    },
    { status: error.status }
  );
}

/** An action's answer carrying a reply, with its status (400 unless said). */
export function answer(reply: FormReply, status = 400) {
  return data<FormReply>(reply, { status });
}

/** A refused act: the form's sentence, and the fields at fault. */
export function refuse(
  intent: string,
  status: number,
  formError: string,
  fieldErrors: Record<string, string[]> = {},
  extra: Pick<FormReply, "conflict" | "draft" | "target"> = {}
) {
  return answer({ status: "error", intent, target: null, formError, fieldErrors, ...extra }, status);
}

/** An ActError as a reply: its message under its field (the form says to look there), or as the form's message. */
export function replyForError(error: ActError, intent: string, target?: string | number | null): FormReply {
  const base = { status: "error" as const, intent, target: target === undefined ? null : String(target) };
  if (error instanceof RevisionConflictError) {
    return { ...base, formError: error.message, fieldErrors: {}, conflict: error.conflict };
  }
  if (error instanceof FieldsRefused) return { ...base, formError: error.message, fieldErrors: error.fieldErrors };
  return error.field
    ? { ...base, formError: checkFields(1), fieldErrors: { [error.field]: [error.message] } }
    : { ...base, formError: error.message, fieldErrors: {} };
}

/**
 * Runs an act; a refusal becomes the action's answer with its status (null when the act went through), anything else
 * stays an error. A refusal for a stale revision carries the object as it now stands, and `draft` (what the person
 * wrote) to fill their form again.
 */
export async function attempt(
  intent: string,
  act: () => Promise<unknown>,
  draft?: Record<string, string>,
  target?: string | number | null
) {
  try {
    await act();
    return null;
  } catch (error) {
    if (error instanceof ActError) {
      const reply = replyForError(error, intent, target);
      if (error instanceof RevisionConflictError && draft) reply.draft = draft;
      return answer(reply, error.status);
    }
    throw error;
  }
}

// The confirmation ("flash") cookie: set on the redirect after a successful act, read and cleared by the root loader.
// Its value is the confirmation as base64url JSON, signed with a key this process draws at start (a confirmation lives
// a minute; a restart only loses it), and bounded in length on both sides.

export const FLASH_COOKIE = "flash";
const FLASH_MAX_AGE = 60;
/** Longest cookie value read; anything longer is ignored. */
export const FLASH_MAX_LENGTH = 1536;
const LIMITS = { intent: 60, target: 80, message: 400, path: 300 };
const processKey = randomBytes(32);

function sign(payload: string, key: Buffer): string {
  return createHmac("sha256", key).update(payload).digest("base64url");
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The cookie value for a confirmation (fields clipped to their bounds). */
export function encodeFlash(confirmation: Confirmation, key: Buffer = processKey): string {
  const bounded: Confirmation = {
    intent: clip(confirmation.intent, LIMITS.intent),
    target: confirmation.target == null ? null : clip(String(confirmation.target), LIMITS.target),
    message: clip(confirmation.message, LIMITS.message),
    ...(confirmation.path ? { path: clip(confirmation.path, LIMITS.path) } : {}),
  };
  const payload = Buffer.from(JSON.stringify(bounded)).toString("base64url");
  return `${payload}.${sign(payload, key)}`;
}

/** The confirmation a cookie value carries, or null when it is absent, too long, altered or malformed. */
export function decodeFlash(value: string | null | undefined, key: Buffer = processKey): Confirmation | null {
  if (!value || value.length > FLASH_MAX_LENGTH) return null;
  const [payload, signature, ...rest] = value.split(".");
  if (!payload || !signature || rest.length > 0) return null;
  const expected = Buffer.from(sign(payload, key));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const { intent, target, message, path } = parsed as Record<string, unknown>;
  const text = (v: unknown, max: number): v is string => typeof v === "string" && v.length > 0 && v.length <= max;
  if (!text(intent, LIMITS.intent) || !text(message, LIMITS.message)) return null;
  if (target !== null && target !== undefined && !text(target, LIMITS.target)) return null;
  if (path !== undefined && !text(path, LIMITS.path)) return null;
  return { intent, target: target ?? null, message, ...(path !== undefined ? { path } : {}) };
}

function cookieValue(request: Request, name: string): string | null {
  const header = request.headers.get("Cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return null;
}

function flashCookie(value: string, maxAge: number, secure: boolean): string {
  return `${FLASH_COOKIE}=${value}; Max-Age=${maxAge}; Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

function isHttps(request: Request | URL | string): boolean {
  const url = request instanceof Request ? request.url : String(request);
  return url.startsWith("https:");
}

/**
 * After a successful act: a redirect to `location` (the section's anchor) carrying the confirmation, which the
 * page there shows in that section. Without JavaScript too (post, redirect, get).
 */
export function confirmed(request: Request | URL | string, confirmation: Confirmation, location: string) {
  const base = request instanceof Request ? request.url : String(request);
  const path = new URL(location, base).pathname;
  const value = encodeFlash({ ...confirmation, path });
  return redirect(location, { headers: { "Set-Cookie": flashCookie(value, FLASH_MAX_AGE, isHttps(request)) } });
}

/**
 * For the root loader: the confirmation the request carries (if any), and the header that clears it, so it is
 * shown once.
 */
export function takeConfirmation(request: Request): { confirmation: Confirmation | null; headers: HeadersInit } {
  const value = cookieValue(request, FLASH_COOKIE);
  if (value === null) return { confirmation: null, headers: {} };
  return {
    confirmation: decodeFlash(value),
    headers: { "Set-Cookie": flashCookie("", 0, isHttps(request)) },
  };
}

/**
 * One act a page's forms post: its schema, who may (checked before the input is read; omitted where the model's own
 * check is the answer), the call to the model, the sentence that confirms it and where the browser goes back to.
 */
export interface Intent<Ctx, S extends z.ZodType = z.ZodType, R = unknown> {
  schema: S;
  authorize?: (ctx: Ctx) => void;
  act: (
    input: z.output<S>,
    ctx: Ctx,
    posted: { intent: string; form: Record<string, FormDataEntryValue> }
  ) => Promise<R>;
  /**
   * For a form the page repeats (one per row): the field naming its instance (a row id), the reply's `target`. Without
   * it, ActForm's hidden `target` field is used.
   */
  targetField?: string;
  /** Fields of the form kept as the person wrote them when a newer revision refuses the act. */
  draft?: readonly string[];
  /** The sentence the next page shows; `result` is what the act answered (a label the input alone cannot give). */
  confirm: (input: z.output<S>, ctx: Ctx, intent: string, result: R) => string;
  location: (ctx: Ctx, input: z.output<S>) => string;
}

/** An intent with its input typed from its schema. */
export function defineIntent<Ctx, S extends z.ZodType, R = unknown>(intent: Intent<Ctx, S, R>): Intent<Ctx, S, R> {
  return intent;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler has its own schema
export type IntentHandlers<Ctx> = Readonly<Record<string, Intent<Ctx, any, any>>>;

/** The instance of a repeated form the post came from (ActForm's hidden `target`), bounded. */
function postedTarget(form: Record<string, FormDataEntryValue>, field = "target"): string | null {
  const target = form[field];
  return typeof target === "string" && target !== "" ? target.slice(0, 80) : null;
}

/**
 * Runs the posted intent: authorize, parse (400 with every problem), act (its refusal is the answer), then redirect
 * with the confirmation. An intent the page does not know is a 400 error.
 */
export async function runIntent<Ctx>(
  handlers: IntentHandlers<Ctx>,
  ctx: Ctx,
  request: Request,
  form: Record<string, FormDataEntryValue>
) {
  const intent = String(form.intent ?? "");
  const handler = Object.hasOwn(handlers, intent) ? handlers[intent] : undefined;
  if (!handler) throw data(`Unknown action “${intent.slice(0, 40)}”.`, { status: 400 });
  handler.authorize?.(ctx);
  const target = handler.targetField ? postedTarget(form, handler.targetField) : postedTarget(form);
  const parsed = parseForm(handler.schema, form, intent, target);
  if (!parsed.ok) return answer(parsed.reply);
  let result: unknown;
  const failure = await attempt(
    intent,
    async () => {
      result = await handler.act(parsed.data, ctx, { intent, form });
    },
    handler.draft ? draftOf(form, handler.draft) : undefined,
    target
  );
  if (failure) return failure;
  return confirmed(
    request,
    { intent, target, message: handler.confirm(parsed.data, ctx, intent, result) },
    handler.location(ctx, parsed.data)
  );
}
