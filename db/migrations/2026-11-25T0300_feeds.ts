import type { Kysely } from "kysely";

// Per-person secret tokens for the iCalendar feeds of outage windows: calendar clients (Outlook, Google Calendar)
// subscribe with the token in the URL and carry no session. Stored as sha256 only; revocable by the owner.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("calendar_feed")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("person_id", "integer", (c) => c.notNull().references("person.id").onDelete("cascade"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .execute();
  await db.schema.createIndex("calendar_feed_person_idx").on("calendar_feed").column("person_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("calendar_feed").execute();
}
