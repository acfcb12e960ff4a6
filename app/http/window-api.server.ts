import { withoutFieldName } from "~/domain/field-messages";
import { z } from "~/utils/zod";
import { instantFromLocalFields, type LocalFields } from "~/domain/local-time";
import { requireApiActor } from "~/http/auth.server";
import type { Actor } from "~/utils/actor";
import { ActError, LocalTimeError, RefusedAct } from "~/utils/errors";
import type { FormReply } from "~/utils/reply";
import { findPlant, type PlantRef } from "~/http/plant-guard.server";

// What the outage-window API endpoints share: finding the plant in the address (within a token's plants), reading
// a JSON body, reading a time given as a UTC instant or as plant-local fields, and answering refusals as JSON.

class ApiRefusal extends Error {
  constructor(public response: Response) {
    super("API refusal");
  }
}

export function jsonError(status: number, error: string, extra: Record<string, unknown> = {}): Response {
  return Response.json({ error, ...extra }, { status });
}

/** The actor and the plant named in the URL; a plant unknown or outside a token's plants is a JSON 404. */
export async function apiPlant(
  request: Request,
  rawCode: string | undefined
): Promise<{ actor: Actor; plant: PlantRef }> {
  const actor = await requireApiActor(request);
  const plant = await findPlant(rawCode);
  if (!plant || (actor.plantScope && !actor.plantScope.includes(plant.id))) {
    throw jsonError(404, `No plant in the program has the code “${rawCode ?? ""}”.`);
  }
  return { actor, plant };
}

async function readJson(request: Request): Promise<unknown> {
  if (!(request.headers.get("Content-Type") ?? "").includes("json")) {
    throw jsonError(400, "Send the body as JSON (Content-Type: application/json).");
  }
  try {
    return await request.json();
  } catch {
    throw jsonError(400, "The body is not valid JSON.");
  }
}

/** A JSON body that must be one object: its fields, or a 400 naming what was sent instead. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const body = await readJson(request);
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new ActError(400, "The body must be a JSON object.");
  }
  return body as Record<string, unknown>;
}

const LocalSchema = z.object({
  date: z.string(),
  time: z.string(),
  offset: z.string().nullish(),
});

/** A plant-local time as an instant, or the refusal (400) naming the field at fault and, if ambiguous, the offsets. */
function requireLocalInstant(fields: LocalFields, zone: string, prefix: string): string {
  const result = instantFromLocalFields(fields, zone, prefix);
  if (!result.ok) throw new LocalTimeError(result.message, result.field, result.offsets);
  return result.instant;
}

/**
 * A time given as `instantKey` (an ISO instant, or plant-local { date, time, offset? }) or as `localKey`
 * (plant-local). Undefined when neither is given; a plant-local time that does not exist or is ambiguous is refused
 * naming `<key>.time` or `<key>.offset`.
 */
export function instantOf(
  body: Record<string, unknown>,
  instantKey: string,
  localKey: string,
  zone: string
): string | undefined {
  const given = [instantKey, localKey].filter((key) => body[key] !== undefined && body[key] !== null);
  if (given.length > 1) throw new ActError(400, `${localKey}: give ${instantKey} or ${localKey}, not both.`, localKey);
  const key = given[0];
  if (key === undefined) return undefined;
  const value = body[key];
  if (typeof value === "string") return value;
  const parsed = LocalSchema.safeParse(value);
  if (!parsed.success) {
    throw new ActError(
      400,
      `${key}: give an ISO-8601 instant, or the plant-local time as { "date": "YYYY-MM-DD", "time": "HH:mm", "offset"?: "-05:00" }.`,
      key
    );
  }
  return requireLocalInstant(parsed.data, zone, key);
}

/** Field messages as the API lists them: by field, without the field's name in front (the key says it). */
function fieldErrorsOf(problems: { field?: string; message: string }[]): Record<string, string[]> {
  const fieldErrors: Record<string, string[]> = {};
  for (const { field, message } of problems) {
    if (!field) continue;
    const messages = (fieldErrors[field] ??= []);
    const plain = withoutFieldName(message, field);
    if (!messages.includes(plain)) messages.push(plain);
  }
  return fieldErrors;
}

/**
 * A body that failed the act's schema (the reply of `parseJson`), as the API answers it: 400 with
 * `{ error, field, fieldErrors }`; `error` names every field at fault with its problems.
 */
export function invalidBody(reply: FormReply, status = 400): Response {
  const entries = Object.entries(reply.fieldErrors);
  const error = entries.length
    ? entries.map(([field, messages]) => `${field}: ${messages.join(" ")}`).join(" ")
    : reply.formError ?? "The body is not valid.";
  return jsonError(status, error, { ...(entries[0] ? { field: entries[0][0] } : {}), fieldErrors: reply.fieldErrors });
}

/** An act's refusal as the API answers it: `{ error, field?, fieldErrors, reasons?, offsets? }` with its status. */
export function refusalResponse(error: unknown): Response {
  if (error instanceof ApiRefusal) return error.response;
  if (error instanceof Response) return error;
  if (error instanceof RefusedAct) {
    return jsonError(error.status, error.message, {
      field: error.field,
      fieldErrors: fieldErrorsOf(error.reasons),
      reasons: error.reasons,
    });
  }
  if (error instanceof LocalTimeError) {
    return jsonError(error.status, error.message, {
      field: error.field,
      fieldErrors: fieldErrorsOf([error]),
      ...(error.offsets ? { offsets: error.offsets } : {}),
    });
  }
  if (error instanceof ActError) {
    return jsonError(error.status, error.message, {
      ...(error.field ? { field: error.field } : {}),
      fieldErrors: fieldErrorsOf([error]),
    });
  }
  throw error;
}
