import { randomBytes } from "node:crypto";
import type { Selectable } from "kysely";
import type { OutboxMessageTable, OutboxStatus } from "../../db/schema";
import type { PageWindow } from "~/domain/listing";
import { webhookUrlProblem, type OutboxChannel, type WebhookFormat } from "~/domain/notification-settings";
import { isNotificationKind, KIND_INFO, NOTIFICATION_KINDS, type NotificationKind } from "~/domain/notifications";
import { can } from "~/domain/permissions";
import { recordAudit } from "~/models/audit.server";
import type { Actor } from "~/utils/actor";
import type { DB, Executor } from "~/utils/db.server";
import { ActError } from "~/utils/errors";

// What the admin manages of notifications: the webhook endpoints the tracker posts to (each with a secret shown once),
// and the outbox of every message sent, waiting, failed or kept, with the act that sends a failed one again.

function requireManager(actor: Actor): void {
  if (!can(actor, "manage:notifications")) throw new ActError(403, "Only the admin manages notifications.");
}

/** A webhook's signing key: 32 random bytes, base64url. */
function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** The kinds a stored endpoint sends (its JSON array), the unknown ones left out. */
function kindsOf(stored: string): NotificationKind[] {
  try {
    const parsed: unknown = JSON.parse(stored);
    return Array.isArray(parsed) ? parsed.filter(isNotificationKind) : [];
  } catch {
    return [];
  }
}

export interface WebhookListing {
  id: number;
  name: string;
  url: string;
  plantCode: string | null;
  kinds: NotificationKind[];
  format: WebhookFormat;
  active: boolean;
  createdAt: string;
  createdBy: string | null;
}

export async function countWebhooks(db: Executor): Promise<number> {
  const row = await db
    .selectFrom("webhook_endpoint")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listWebhooks(db: Executor, window: PageWindow): Promise<WebhookListing[]> {
  const rows = await db
    .selectFrom("webhook_endpoint as w")
    .leftJoin("plant as p", "p.id", "w.plant_id")
    .leftJoin("person as by", "by.id", "w.created_by")
    .select([
      "w.id",
      "w.name",
      "w.url",
      "w.kinds",
      "w.format",
      "w.active",
      "w.created_at",
      "p.code as plantCode",
      "by.name as createdBy",
    ])
    .orderBy("w.name")
    .orderBy("w.id")
    .limit(window.limit)
    .offset(window.offset)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    url: row.url,
    plantCode: row.plantCode,
    kinds: kindsOf(row.kinds),
    format: row.format,
    active: row.active === 1,
    createdAt: row.created_at,
    createdBy: row.createdBy,
  }));
}

export interface WebhookInput {
  name: string;
  url: string;
  plantId: number | null;
  kinds: readonly NotificationKind[];
  format: WebhookFormat;
}

/** Registers an endpoint and returns its secret, which is shown this once. */
export async function registerWebhook(
  db: DB,
  actor: Actor,
  input: WebhookInput,
  now: Date = new Date()
): Promise<{ id: number; name: string; secret: string }> {
  requireManager(actor);
  const problem = webhookUrlProblem(input.url);
  if (problem) throw new ActError(400, problem, "url");
  if (input.kinds.length === 0) throw new ActError(400, "Choose at least one kind to send.", "kinds");
  const kinds = NOTIFICATION_KINDS.filter((kind) => input.kinds.includes(kind));
  const secret = newSecret();
  return db.transaction().execute(async (tx) => {
    let plantCode: string | null = null;
    if (input.plantId !== null) {
      const plant = await tx.selectFrom("plant").select("code").where("id", "=", input.plantId).executeTakeFirst();
      if (!plant) throw new ActError(400, "Choose a plant of the program, or every plant.", "plantId");
      plantCode = plant.code;
    }
    const { id } = await tx
      .insertInto("webhook_endpoint")
      .values({
        name: input.name,
        url: input.url,
        secret,
        plant_id: input.plantId,
        kinds: JSON.stringify(kinds),
        format: input.format,
        active: 1,
        created_at: now.toISOString(),
        created_by: actor.personId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(
      tx,
      actor,
      {
        action: "webhook.register",
        objectType: "webhook_endpoint",
        objectId: id,
        plantId: input.plantId,
        summary: `${actor.name} registered the webhook “${input.name}” for ${plantCode ?? "every plant"}`,
        // Never the secret: the trail is read by more people than the admin.
        after: { name: input.name, url: input.url, plant: plantCode, kinds, format: input.format },
      },
      now
    );
    return { id, name: input.name, secret };
  });
}

async function endpointOf(db: Executor, id: number) {
  const endpoint = await db
    .selectFrom("webhook_endpoint")
    .select(["id", "name", "url", "plant_id", "active"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!endpoint) throw new ActError(404, "That webhook is not registered (any more).");
  return endpoint;
}

export async function setWebhookActive(
  db: DB,
  actor: Actor,
  input: { endpointId: number; active: boolean },
  now: Date = new Date()
): Promise<string> {
  requireManager(actor);
  return db.transaction().execute(async (tx) => {
    const endpoint = await endpointOf(tx, input.endpointId);
    if ((endpoint.active === 1) === input.active) {
      throw new ActError(409, `The webhook “${endpoint.name}” is already ${input.active ? "active" : "inactive"}.`);
    }
    await tx
      .updateTable("webhook_endpoint")
      .set({ active: input.active ? 1 : 0 })
      .where("id", "=", endpoint.id)
      .execute();
    await recordAudit(
      tx,
      actor,
      {
        action: input.active ? "webhook.activate" : "webhook.deactivate",
        objectType: "webhook_endpoint",
        objectId: endpoint.id,
        plantId: endpoint.plant_id,
        summary: `${actor.name} ${input.active ? "activated" : "deactivated"} the webhook “${endpoint.name}”`,
        before: { active: endpoint.active === 1 },
        after: { active: input.active },
      },
      now
    );
    return endpoint.name;
  });
}

/** Replaces an endpoint's secret and returns the new one, shown this once; the old one stops signing at once. */
export async function rotateWebhookSecret(
  db: DB,
  actor: Actor,
  endpointId: number,
  now: Date = new Date()
): Promise<{ id: number; name: string; secret: string }> {
  requireManager(actor);
  const secret = newSecret();
  return db.transaction().execute(async (tx) => {
    const endpoint = await endpointOf(tx, endpointId);
    await tx.updateTable("webhook_endpoint").set({ secret }).where("id", "=", endpoint.id).execute();
    await recordAudit(
      tx,
      actor,
      {
        action: "webhook.rotate-secret",
        objectType: "webhook_endpoint",
        objectId: endpoint.id,
        plantId: endpoint.plant_id,
        summary: `${actor.name} gave the webhook “${endpoint.name}” a new secret`,
      },
      now
    );
    return { id: endpoint.id, name: endpoint.name, secret };
  });
}

/** Deletes an endpoint, and with it the messages the outbox still held for it. */
export async function deleteWebhook(db: DB, actor: Actor, endpointId: number, now: Date = new Date()): Promise<string> {
  requireManager(actor);
  return db.transaction().execute(async (tx) => {
    const endpoint = await endpointOf(tx, endpointId);
    await tx.deleteFrom("outbox_message").where("endpoint_id", "=", endpoint.id).execute();
    await tx.deleteFrom("webhook_endpoint").where("id", "=", endpoint.id).execute();
    await recordAudit(
      tx,
      actor,
      {
        action: "webhook.delete",
        objectType: "webhook_endpoint",
        objectId: endpoint.id,
        plantId: endpoint.plant_id,
        summary: `${actor.name} deleted the webhook “${endpoint.name}”`,
        before: { name: endpoint.name, url: endpoint.url, active: endpoint.active === 1 },
      },
      now
    );
    return endpoint.name;
  });
}

// ——— the outbox ———

export interface OutboxFilter {
  status: OutboxStatus | null;
  channel: OutboxChannel | null;
}

function outbox(db: Executor, filter: OutboxFilter) {
  let query = db.selectFrom("outbox_message as o");
  if (filter.status) query = query.where("o.status", "=", filter.status);
  if (filter.channel) query = query.where("o.channel", "=", filter.channel);
  return query;
}

export async function countOutbox(db: Executor, filter: OutboxFilter): Promise<number> {
  const row = await outbox(db, filter)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface OutboxListing {
  id: number;
  channel: OutboxChannel;
  kind: string;
  kindLabel: string;
  recipient: string;
  subject: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

function kindLabel(kind: string): string {
  if (kind === "digest") return "Daily digest";
  return isNotificationKind(kind) ? KIND_INFO[kind].label : kind;
}

type ListedColumns =
  | "id"
  | "channel"
  | "kind"
  | "recipient"
  | "subject"
  | "status"
  | "attempts"
  | "next_attempt_at"
  | "last_error"
  | "created_at"
  | "sent_at";

/** A stored message as the outbox lists it. */
function listingOf(row: Pick<Selectable<OutboxMessageTable>, ListedColumns>): OutboxListing {
  return {
    id: row.id,
    channel: row.channel,
    kind: row.kind,
    kindLabel: kindLabel(row.kind),
    recipient: row.recipient,
    subject: row.subject,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}

/** One page of the outbox, newest first. */
export async function listOutbox(db: Executor, filter: OutboxFilter, window: PageWindow): Promise<OutboxListing[]> {
  const rows = await outbox(db, filter)
    .select([
      "o.id",
      "o.channel",
      "o.kind",
      "o.recipient",
      "o.subject",
      "o.status",
      "o.attempts",
      "o.next_attempt_at",
      "o.last_error",
      "o.created_at",
      "o.sent_at",
    ])
    .orderBy("o.created_at", "desc")
    .orderBy("o.id", "desc")
    .limit(window.limit)
    .offset(window.offset)
    .execute();
  return rows.map(listingOf);
}

export interface OutboxMessage extends OutboxListing {
  textBody: string;
  htmlBody: string | null;
  payload: string | null;
}

/** One message in full: what was (or will be) sent, as it is stored. */
export async function getOutboxMessage(db: Executor, id: number): Promise<OutboxMessage | null> {
  const row = await db.selectFrom("outbox_message").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  return {
    ...listingOf(row),
    textBody: row.text_body,
    htmlBody: row.html_body,
    payload: row.payload,
  };
}

/**
 * The admin sends a failed message again, or a kept e-mail once a mail server is set: back to pending with its
 * attempts counted afresh, due at once, audited. Its last error stays until it is sent.
 */
export async function retryOutboxMessage(
  db: DB,
  actor: Actor,
  id: number,
  now: Date = new Date(),
  /** Whether a mail server is set: without one a kept e-mail would only be kept again. */
  { mailServer = true }: { mailServer?: boolean } = {}
): Promise<void> {
  requireManager(actor);
  await db.transaction().execute(async (tx) => {
    const message = await tx
      .selectFrom("outbox_message")
      .select(["id", "status", "attempts", "subject", "recipient", "channel", "last_error"])
      .where("id", "=", id)
      .executeTakeFirst();
    if (!message) throw new ActError(404, "That message is not in the outbox.");
    if (message.status !== "failed" && message.status !== "kept")
      throw new ActError(409, `That message is ${message.status}: only a failed or kept message can be sent again.`);
    if (message.status === "kept" && !mailServer)
      throw new ActError(409, "No mail server is set (SMTP_URL): a kept e-mail can be read here, not sent.");
    const result = await tx
      .updateTable("outbox_message")
      .set({ status: "pending", attempts: 0, next_attempt_at: now.toISOString(), claimed_until: null })
      .where("id", "=", id)
      .where("status", "=", message.status)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new ActError(409, "That message changed meanwhile; reload.");
    const channel = message.channel === "email" ? "e-mail" : "webhook post";
    await recordAudit(
      tx,
      actor,
      {
        action: "outbox.retry",
        objectType: "outbox_message",
        objectId: id,
        plantId: null,
        summary: `${actor.name} sent the ${channel} “${message.subject.slice(0, 120)}” to ${message.recipient.slice(
          0,
          200
        )} again (it was ${message.status}${message.last_error ? `: ${message.last_error.slice(0, 200)}` : ""}).`,
        before: { status: message.status, attempts: message.attempts, last_error: message.last_error },
        after: { status: "pending", attempts: 0 },
      },
      now
    );
  });
}
