import type { Kysely } from "kysely";

// Revisions for the outage window and the account, as the conduit and the ownership split have: a form carries the
// revision it was read at, and a save based on an older one is refused rather than overwriting someone else's.
// Existing rows start at revision 1.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("outage_window")
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable("person")
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("person").dropColumn("revision").execute();
  await db.schema.alterTable("outage_window").dropColumn("revision").execute();
}
