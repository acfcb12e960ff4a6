import type { Kysely } from "kysely";
import { sql } from "kysely";

// Notifications: what the tracker tells each person, and the durable outbox that carries it by e-mail and to
// webhooks. A notification is written once per recipient and fact (its key); a delivery is one message to one
// address, kept until it is sent, retried with backoff, and marked failed after its last attempt.

export async function up(db: Kysely<any>): Promise<void> {
  // When a person's daily digest is sent, in their own time zone (null: their first plant's, else UTC).
  await db.schema
    .alterTable("person")
    .addColumn("digest_time", "text", (c) => c.notNull().defaultTo("07:00"))
    .execute();
  await db.schema.alterTable("person").addColumn("time_zone", "text").execute();

  await db.schema
    .createTable("notification")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("person_id", "integer", (c) => c.notNull().references("person.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("plant_id", "integer", (c) => c.references("plant.id").onDelete("cascade"))
    /** The fact's identity: kind, subject and the day or edition of the fact ("signoff.stale|conduit:12|r3"). */
    .addColumn("fact_key", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("href", "text", (c) => c.notNull())
    .addColumn("urgent", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("read_at", "text")
    /** The digest that carried it by e-mail (null: none yet). */
    .addColumn("digested_at", "text")
    .addUniqueConstraint("notification_fact", ["person_id", "fact_key"])
    .execute();
  await db.schema
    .createIndex("notification_person_created")
    .on("notification")
    .columns(["person_id", "created_at"])
    .execute();
  await db.schema
    .createIndex("notification_person_unread")
    .on("notification")
    .columns(["person_id", "read_at"])
    .execute();

  // Each person's choices, only where they differ from the kind's default.
  await db.schema
    .createTable("notification_preference")
    .addColumn("person_id", "integer", (c) => c.notNull().references("person.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull().check(sql`channel in ('app', 'email')`))
    .addColumn("enabled", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("notification_preference_pk", ["person_id", "kind", "channel"])
    .execute();

  await db.schema
    .createTable("webhook_endpoint")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    /** The HMAC-SHA256 key, shown to the admin once when the endpoint is registered. */
    .addColumn("secret", "text", (c) => c.notNull())
    /** null: every plant of the program. */
    .addColumn("plant_id", "integer", (c) => c.references("plant.id").onDelete("cascade"))
    /** JSON array of the kinds sent. */
    .addColumn("kinds", "text", (c) => c.notNull())
    .addColumn("format", "text", (c) => c.notNull().check(sql`format in ('json', 'slack', 'teams')`))
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("person.id"))
    .execute();

  await db.schema
    .createTable("outbox_message")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("channel", "text", (c) => c.notNull().check(sql`channel in ('email', 'webhook')`))
    /** Never the same message twice: "email|<person>|<notification or digest day>", "webhook|<endpoint>|<fact>". */
    .addColumn("idempotency_key", "text", (c) => c.notNull().unique())
    .addColumn("person_id", "integer", (c) => c.references("person.id").onDelete("cascade"))
    .addColumn("endpoint_id", "integer", (c) => c.references("webhook_endpoint.id").onDelete("cascade"))
    .addColumn("notification_id", "integer", (c) => c.references("notification.id").onDelete("set null"))
    /** A notification kind, or "digest". */
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("recipient", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("text_body", "text", (c) => c.notNull())
    .addColumn("html_body", "text")
    /** The webhook's JSON body, exactly as it is signed and sent. */
    .addColumn("payload", "text")
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('pending', 'sending', 'sent', 'failed', 'kept')`)
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "text", (c) => c.notNull())
    .addColumn("claimed_until", "text")
    .addColumn("last_error", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("sent_at", "text")
    .execute();
  await db.schema
    .createIndex("outbox_message_due")
    .on("outbox_message")
    .columns(["status", "next_attempt_at"])
    .execute();
  await db.schema
    .createIndex("outbox_message_person")
    .on("outbox_message")
    .columns(["person_id", "created_at"])
    .execute();

  // One holder at a time for work that must run once across every server process (the notification worker).
  await db.schema
    .createTable("worker_lease")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();

  // What the notifier has already read: the audit trail up to `seq`, and the time of its last full pass.
  await db.schema
    .createTable("notifier_state")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "notifier_state",
    "worker_lease",
    "outbox_message",
    "webhook_endpoint",
    "notification_preference",
    "notification",
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable("person").dropColumn("time_zone").execute();
  await db.schema.alterTable("person").dropColumn("digest_time").execute();
}
