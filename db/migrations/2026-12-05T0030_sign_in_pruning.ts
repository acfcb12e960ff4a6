import type { Kysely } from "kysely";

// Sign-in records are pruned by age (app/models/sessions.server.ts): attempts older than the throttle needs, sessions
// that have expired. Both deletes read these indexes instead of every row.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("login_attempt_at_idx").on("login_attempt").column("at").execute();
  await db.schema.createIndex("session_expires_idx").on("session").column("expires_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("session_expires_idx").execute();
  await db.schema.dropIndex("login_attempt_at_idx").execute();
}
