import type { DB } from "../../app/utils/db.server";

// Rows of the outbox written directly, as the notifier writes them: the outbox is the interface between what is
// notified and how it is delivered.

/** A webhook endpoint for every plant and kind, signing with `secret`. */
export async function insertEndpoint(db: DB, url: string, secret: string): Promise<number> {
  const row = await db
    .insertInto("webhook_endpoint")
    .values({
      name: "SOC",
      url,
      secret,
      plant_id: null,
      kinds: "[]",
      format: "json",
      created_at: new Date().toISOString(),
      created_by: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A pending "gate ready" post to the endpoint, numbered `n`, due at `due`. */
export async function insertWebhookMessage(
  db: DB,
  endpointId: number,
  url: string,
  n: number,
  due: Date
): Promise<number> {
  const row = await db
    .insertInto("outbox_message")
    .values({
      channel: "webhook",
      idempotency_key: `webhook|${endpointId}|gate.ready|plant:${n}|2026-12-06`,
      endpoint_id: endpointId,
      kind: "gate.ready",
      recipient: url,
      subject: `Gate ready at plant ${n}`,
      text_body: `Every criterion of plant ${n}'s gate is met.`,
      payload: JSON.stringify({ kind: "gate.ready", plant: n, text: `Gate ready at plant ${n}` }),
      status: "pending",
      next_attempt_at: due.toISOString(),
      created_at: due.toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}
