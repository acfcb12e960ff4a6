import { sql, type Selectable, type UpdateObject } from "kysely";
import type { Database, OutboxMessageTable } from "../../db/schema";
import {
  boundedError,
  describeDeliveryError,
  DELIVERY_TIMEOUT_MS,
  MAX_ATTEMPTS,
  retryDelayMs,
  webhookHeaders,
} from "~/domain/delivery";
import type { DB } from "~/utils/db.server";
import { createMailer, type Mailer } from "~/utils/mailer.server";
import { postWebhook } from "~/utils/webhook-post.server";
import { signWebhook } from "~/utils/webhook-signature.server";

// The outbox out: every due message is claimed (marked `sending`, committed) before it goes on the network and
// marked `sent` right after, so a worker stopped in between leaves it claimed until the claim runs out, when the
// next pass sends it again under the same delivery id. Transport is at least once; receivers drop repeats by
// X-Tracker-Delivery (webhooks) or Message-ID (e-mail). A failed attempt waits its backoff; after the last, the
// message is `failed` with its error for the admin. Without a mail server, e-mails are `kept`, never sent later.

type OutboxRow = Selectable<OutboxMessageTable>;

export interface DeliveryOptions {
  /** The mail server; by default the one SMTP_URL names (none when unset: e-mails are kept). */
  mailer?: Mailer | null;
  /** How many messages one claim takes (they are sent side by side). */
  batchSize?: number;
  /** The most messages one call delivers; the rest wait for the next. */
  limit?: number;
  /** How long a claim holds a message before another pass may take it (a worker that stopped mid-delivery). */
  claimMs?: number;
  timeoutMs?: number;
  /** Asked before each batch after the first (the worker renews its lease); false stops the call there. */
  keepGoing?: () => Promise<boolean>;
}

export interface DeliveryCounts {
  sent: number;
  failed: number;
  retried: number;
  kept: number;
}

const DEFAULT_BATCH = 5;
const DEFAULT_LIMIT = 200;
/** Well over one batch's longest exchange (every message of it timing out together). */
const DEFAULT_CLAIM_MS = 2 * 60_000;

const INTERRUPTED_OUT = "the delivery was interrupted (the worker stopped before it finished) and no attempts are left";

type Outcome = "sent" | "failed" | "retried" | "kept";

/**
 * Takes up to `size` due messages in one transaction: pending ones whose time has come, and sending ones whose claim
 * ran out (a delivery interrupted). Each taken is marked sending until `at + claimMs`, its attempt counted. Without a
 * mailer, due e-mails are marked kept instead; an interrupted message with no attempt left is marked failed. Null
 * when nothing is due.
 */
async function claimBatch(
  db: DB,
  at: Date,
  size: number,
  claimMs: number,
  canMail: boolean,
  counts: DeliveryCounts
): Promise<OutboxRow[] | null> {
  const iso = at.toISOString();
  const claimedUntil = new Date(at.getTime() + claimMs).toISOString();
  return db.transaction().execute(async (tx) => {
    const due = await tx
      .selectFrom("outbox_message")
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb("status", "=", "pending"), eb("next_attempt_at", "<=", iso)]),
          eb.and([eb("status", "=", "sending"), eb("claimed_until", "<=", iso)]),
        ])
      )
      .orderBy("next_attempt_at")
      .orderBy("id")
      .limit(size)
      .execute();
    if (due.length === 0) return null;
    const kept = due.filter((row) => row.channel === "email" && !canMail);
    const exhausted = due.filter((row) => !kept.includes(row) && row.attempts >= MAX_ATTEMPTS);
    const claimed = due.filter((row) => !kept.includes(row) && !exhausted.includes(row));
    const settle = async (rows: OutboxRow[], set: UpdateObject<Database, "outbox_message">) => {
      if (rows.length === 0) return;
      await tx
        .updateTable("outbox_message")
        .set(set)
        .where(
          "id",
          "in",
          rows.map((row) => row.id)
        )
        .execute();
    };
    await settle(kept, { status: "kept", claimed_until: null });
    await settle(exhausted, { status: "failed", claimed_until: null, last_error: INTERRUPTED_OUT });
    await settle(claimed, { status: "sending", claimed_until: claimedUntil, attempts: sql<number>`attempts + 1` });
    counts.kept += kept.length;
    counts.failed += exhausted.length;
    return claimed.map((row) => ({ ...row, status: "sending" as const, attempts: row.attempts + 1 }));
  });
}

/** Sends one claimed message; resolves when it was taken, throws (or rejects) with why it was not. */
async function send(db: DB, row: OutboxRow, mailer: Mailer | null, timeoutMs: number): Promise<void> {
  if (row.channel === "email") {
    if (!mailer) throw new Error("no mail server is set (SMTP_URL)");
    await mailer.send({
      to: row.recipient,
      subject: row.subject,
      text: row.text_body,
      html: row.html_body,
      idempotencyKey: row.idempotency_key,
      deliveryId: row.id,
    });
    return;
  }
  const endpoint =
    row.endpoint_id === null
      ? undefined
      : await db
          .selectFrom("webhook_endpoint")
          .select(["secret", "active"])
          .where("id", "=", row.endpoint_id)
          .executeTakeFirst();
  if (!endpoint) throw new Error("the webhook endpoint no longer exists");
  if (!endpoint.active) throw new Error("the webhook endpoint is switched off");
  if (row.payload === null) throw new Error("the message has no payload to post");
  // Signed with the real clock at the moment of sending: the receiver checks it against its own.
  const signature = signWebhook(endpoint.secret, row.payload, new Date());
  const answer = await postWebhook(row.recipient, row.payload, webhookHeaders(row.id, row.kind, signature), timeoutMs);
  if (answer.status >= 200 && answer.status < 300) return;
  const said = answer.body.replace(/\s+/g, " ").trim().slice(0, 120);
  const redirect = answer.status >= 300 && answer.status < 400 ? " (redirects are not followed)" : "";
  throw new Error(`HTTP ${answer.status}${redirect}${said ? `: ${said}` : ""}`);
}

async function deliverOne(
  db: DB,
  row: OutboxRow,
  mailer: Mailer | null,
  timeoutMs: number,
  at: () => Date
): Promise<Outcome> {
  try {
    await send(db, row, mailer, timeoutMs);
  } catch (error) {
    const when = at();
    const delay = retryDelayMs(row.attempts);
    const lastError = boundedError(
      error instanceof Error && /^HTTP \d/.test(error.message) ? error.message : describeDeliveryError(error, timeoutMs)
    );
    await db
      .updateTable("outbox_message")
      .set(
        delay === null
          ? { status: "failed", claimed_until: null, last_error: lastError }
          : {
              status: "pending",
              claimed_until: null,
              last_error: lastError,
              next_attempt_at: new Date(when.getTime() + delay).toISOString(),
            }
      )
      .where("id", "=", row.id)
      .where("status", "=", "sending")
      .execute();
    return delay === null ? "failed" : "retried";
  }
  await db
    .updateTable("outbox_message")
    .set({ status: "sent", sent_at: at().toISOString(), claimed_until: null, last_error: null })
    .where("id", "=", row.id)
    .execute();
  return "sent";
}

/**
 * Delivers what is due at `now`, a small batch at a time, until nothing is due or `limit` messages went. `now`
 * moves on with the real time that passes during the call (so tests may start it anywhere).
 */
export async function deliverDue(db: DB, now: Date, options: DeliveryOptions = {}): Promise<DeliveryCounts> {
  const ownMailer = options.mailer === undefined;
  const mailer = ownMailer ? createMailer() : options.mailer ?? null;
  const batchSize = Math.max(1, Math.min(options.batchSize ?? DEFAULT_BATCH, 50));
  const limit = Math.max(1, options.limit ?? DEFAULT_LIMIT);
  const claimMs = options.claimMs ?? DEFAULT_CLAIM_MS;
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const started = Date.now();
  const at = () => new Date(now.getTime() + (Date.now() - started));
  const counts: DeliveryCounts = { sent: 0, failed: 0, retried: 0, kept: 0 };
  try {
    for (let taken = 0, first = true; taken < limit; first = false) {
      if (!first && options.keepGoing && !(await options.keepGoing())) break;
      const batch = await claimBatch(db, at(), Math.min(batchSize, limit - taken), claimMs, mailer !== null, counts);
      if (batch === null) break;
      // A batch of only kept or exhausted messages claims nothing but may leave more due behind it.
      if (batch.length === 0) continue;
      taken += batch.length;
      const outcomes = await Promise.all(batch.map((row) => deliverOne(db, row, mailer, timeoutMs, at)));
      for (const outcome of outcomes) counts[outcome] += 1;
    }
  } finally {
    if (ownMailer) mailer?.close();
  }
  return counts;
}
