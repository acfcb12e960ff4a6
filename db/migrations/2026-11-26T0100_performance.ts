import type { Kysely } from "kysely";
import { sql } from "kysely";

// Indexes the benchmark called for (docs/performance.md): the wrong flows of a conduit, recounted after every
// ingest, read through a partial index instead of every connection of the conduit.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("ingested_connection_wrong_idx")
    .on("ingested_connection")
    .columns(["conduit_id", "tuple"])
    .where(sql.ref("wrong"), "=", 1)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("ingested_connection_wrong_idx").execute();
}
