import { data } from "@remix-run/node";
import { WEBHOOK_FORMATS, WEBHOOK_NAME_MAX, WEBHOOK_URL_MAX, webhookUrlProblem } from "~/domain/notification-settings";
import { NOTIFICATION_KINDS } from "~/domain/notifications";
import {
  deleteWebhook,
  registerWebhook,
  rotateWebhookSecret,
  setWebhookActive,
} from "~/models/notification-admin.server";
import type { Actor } from "~/utils/actor";
import type { getDb } from "~/utils/db.server";
import { ActError } from "~/utils/errors";
import { answer, defineIntent, parseForm, replyForError, type IntentHandlers } from "~/utils/forms.server";
import { z } from "~/utils/zod";

// The acts on webhook endpoints. Registering one and rotating its secret answer the secret in that one response
// (not a redirect: it is in no URL, no cookie, and the page never shows it again); the others redirect back.

export interface WebhookActContext {
  db: ReturnType<typeof getDb>;
  user: Actor;
  /** The list's query the form was posted from (its page). */
  search: string;
}

/** A secret just made, shown once: what the action answers after registering an endpoint or rotating its secret. */
export interface SecretShown {
  status: "secret";
  intent: "register-webhook" | "rotate-webhook-secret";
  endpoint: { id: number; name: string; secret: string };
}

const endpointId = z.coerce.number("Choose a webhook.").int("Choose a webhook.").positive("Choose a webhook.");

const RegisterSchema = z.object({
  name: z
    .string("Name the webhook after where it posts.")
    .trim()
    .min(1, "Name the webhook after where it posts.")
    .max(WEBHOOK_NAME_MAX, `Keep the name to ${WEBHOOK_NAME_MAX} characters or fewer.`),
  url: z
    .string("Give the address the tracker posts to.")
    .trim()
    .max(WEBHOOK_URL_MAX, `Keep the address to ${WEBHOOK_URL_MAX} characters or fewer.`)
    .superRefine((url, ctx) => {
      const problem = webhookUrlProblem(url);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  plantId: z.union([
    z.literal("").transform(() => null),
    z.coerce.number("Choose a plant, or every plant.").int().positive("Choose a plant, or every plant."),
  ]),
  kinds: z
    .array(z.enum(NOTIFICATION_KINDS, "Choose kinds from the list."))
    .min(1, "Choose at least one kind to send.")
    .max(NOTIFICATION_KINDS.length, "Choose kinds from the list."),
  format: z.enum(WEBHOOK_FORMATS, "Choose a format."),
});

function draftOf(form: FormData): Record<string, string> {
  const text = (name: string, max: number) => String(form.get(name) ?? "").slice(0, max);
  return {
    name: text("name", WEBHOOK_NAME_MAX + 20),
    url: text("url", WEBHOOK_URL_MAX + 20),
    plantId: text("plantId", 20),
    format: text("format", 20),
    kinds: form
      .getAll("kinds")
      .map(String)
      .filter((kind) => (NOTIFICATION_KINDS as readonly string[]).includes(kind))
      .join(","),
  };
}

function shown(intent: SecretShown["intent"], endpoint: SecretShown["endpoint"]) {
  return data<SecretShown>({ status: "secret", intent, endpoint }, { headers: { "Cache-Control": "no-store" } });
}

export async function registerWebhookAct({ db, user }: WebhookActContext, form: FormData) {
  const intent = "register-webhook";
  const draft = draftOf(form);
  const parsed = parseForm(
    RegisterSchema,
    {
      name: form.get("name") ?? undefined,
      url: form.get("url") ?? undefined,
      plantId: form.get("plantId") ?? "",
      kinds: form.getAll("kinds").slice(0, 100),
      format: form.get("format") ?? undefined,
    },
    intent
  );
  if (!parsed.ok) return answer({ ...parsed.reply, draft });
  try {
    return shown(intent, await registerWebhook(db, user, parsed.data));
  } catch (error) {
    if (!(error instanceof ActError)) throw error;
    return answer({ ...replyForError(error, intent), draft }, error.status);
  }
}

export async function rotateSecretAct({ db, user }: WebhookActContext, form: FormData) {
  const intent = "rotate-webhook-secret";
  const target = String(form.get("endpointId") ?? "").slice(0, 20) || null;
  const parsed = parseForm(z.object({ endpointId }), { endpointId: form.get("endpointId") }, intent, target);
  if (!parsed.ok) return answer(parsed.reply);
  try {
    return shown(intent, await rotateWebhookSecret(db, user, parsed.data.endpointId));
  } catch (error) {
    if (!(error instanceof ActError)) throw error;
    return answer(replyForError(error, intent, target), error.status);
  }
}

const back = ({ search }: WebhookActContext) => `/admin/webhooks${search}#webhooks-title`;

export const webhookIntents: IntentHandlers<WebhookActContext> = {
  "set-webhook-active": defineIntent({
    targetField: "endpointId",
    schema: z.object({ endpointId, active: z.enum(["0", "1"], "The form was not recognized; reload the page.") }),
    act: ({ endpointId, active }, { db, user }: WebhookActContext) =>
      setWebhookActive(db, user, { endpointId, active: active === "1" }),
    confirm: ({ active }) =>
      active === "1"
        ? "The webhook is active: it is posted to again."
        : "The webhook is inactive: nothing is posted to it.",
    location: back,
  }),
  "delete-webhook": defineIntent({
    targetField: "endpointId",
    schema: z.object({ endpointId }),
    act: ({ endpointId }, { db, user }: WebhookActContext) => deleteWebhook(db, user, endpointId),
    confirm: () => "The webhook is deleted, with the messages still waiting for it.",
    location: back,
  }),
};
