import { data } from "@remix-run/node";
import { ROLES } from "~/domain/vocabulary";
import { ActError } from "~/utils/errors";
import { answer, confirmed, parseForm, refuse, replyForError } from "~/utils/forms.server";
import type { FormReply } from "~/utils/reply";
import { z } from "~/utils/zod";

// What the administration's acts share: the fields every form sends, the schema parts they have in common, and the
// run of one act (parse, act, confirm or refuse), refilling a refused form with what was typed (never a password).

/** A submitted admin form: its text fields, and `plants` as the list of ticked plant codes. */
export type AdminFields = Record<string, unknown> & { plants: string[] };

export function adminFields(form: FormData): AdminFields {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of form) if (typeof value === "string" && key !== "plants") fields[key] = value;
  const plants = form.getAll("plants").filter((value): value is string => typeof value === "string");
  return { ...fields, plants };
}

export const Role = z.enum(ROLES, { error: "Choose a role." });
export const PlantCodes = z.array(z.string().trim().toUpperCase().max(16, "That is not a plant code.")).max(1000);

/** Fields the page writes itself: a problem with one means the page was changed or is stale, not mistyped. */
const HIDDEN_FIELDS = ["personId", "tokenId", "active", "revision"] as const;
export const STALE_FORM = "The form was not recognized; reload the page and try again.";

/** The form the page shows again after a refusal holds what was typed: these fields, and the plants ticked. */
function draftOf(fields: AdminFields): Record<string, string> {
  const draft: Record<string, string> = {};
  for (const key of ["email", "name", "role"]) {
    const value = fields[key];
    if (typeof value === "string") draft[key] = value.slice(0, 500);
  }
  draft.plants = fields.plants.join(",").slice(0, 4000);
  return draft;
}

function idOf(value: unknown): number | null {
  const id = Number(value);
  return Number.isInteger(id) && id > 0 ? id : null;
}

/** A form whose intent the page does not have: only a changed or stale page sends one. */
export function unknownForm() {
  return refuse("unknown", 400, STALE_FORM);
}

/** A new API token, shown once: what the action answers after creating one (its secret is nowhere else). */
export interface TokenCreated {
  status: "created";
  intent: "create-token";
  token: { name: string; secret: string; role: string; plantCodes: string[] };
}

/** What a successful act leads to: the confirmation and where the page shows it, or an answer of its own. */
export type Done = { message: string; location: string } | { created: TokenCreated };

/**
 * One act of the administration: the form checked against its schema (every field's problems at once), the act run,
 * then a redirect carrying the confirmation; or the refusal with its status, the form refilled.
 */
export async function adminAct<S extends z.ZodType>(
  request: Request,
  intent: string,
  fields: AdminFields,
  schema: S,
  targetField: "personId" | "tokenId" | null,
  act: (input: z.output<S>) => Promise<Done>
) {
  const id = targetField ? idOf(fields[targetField]) : null;
  const target = id === null ? null : String(id);
  const refused = (reply: FormReply, status: number) => answer({ ...reply, target, draft: draftOf(fields) }, status);
  const parsed = parseForm(schema, fields, intent, target);
  if (!parsed.ok) {
    // Hidden fields have nowhere to show an error: only a changed or stale page gets them wrong.
    const tampered = HIDDEN_FIELDS.some((field) => parsed.reply.fieldErrors[field]);
    return refused(tampered ? { ...parsed.reply, formError: STALE_FORM, fieldErrors: {} } : parsed.reply, 400);
  }
  let done: Done;
  try {
    done = await act(parsed.data);
  } catch (error) {
    if (!(error instanceof ActError)) throw error;
    return refused(replyForError(error, intent, target), error.status);
  }
  if ("created" in done) return data<TokenCreated>(done.created);
  return confirmed(request, { intent, target, message: done.message }, done.location);
}

/** The page's address after an act, keeping the list pages the person was on, landing on `anchor`. */
export function backTo(request: Request, anchor: string, edit?: number | null): string {
  const url = new URL(request.url);
  const params = new URLSearchParams();
  for (const key of ["page", "tokensPage"]) {
    const value = url.searchParams.get(key);
    if (value !== null) params.set(key, value);
  }
  if (edit) params.set("edit", String(edit));
  const search = params.toString();
  return `/admin${search ? `?${search}` : ""}#${anchor}`;
}
