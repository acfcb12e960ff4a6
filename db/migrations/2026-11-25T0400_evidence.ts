import type { Kysely } from "kysely";
import { sql } from "kysely";

// Passive baseline evidence from Zeek conn.logs: the connections already counted (so re-ingesting a file, or
// overlapping files, never counts twice), the flow tuples seen in each conduit epoch (to tell new ones), and the
// flows outside a conduit's allowed flows (policy violations, acknowledgeable).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("flow_tuple")
    .addColumn("conduit_id", "integer", (c) => c.notNull().references("conduit.id").onDelete("cascade"))
    /** "<revision>@<epochStart>". */
    .addColumn("epoch_key", "text", (c) => c.notNull())
    .addColumn("tuple", "text", (c) => c.notNull())
    /** The first plant-local day of the epoch the tuple was seen on. */
    .addColumn("first_day", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("flow_tuple_pk", ["conduit_id", "epoch_key", "tuple"])
    .execute();
  await db.schema
    .createIndex("flow_tuple_first_day_idx")
    .on("flow_tuple")
    .columns(["conduit_id", "epoch_key", "first_day"])
    .execute();

  await db.schema
    .createTable("ingested_connection")
    .addColumn("plant_id", "integer", (c) => c.notNull().references("plant.id").onDelete("cascade"))
    /** Zeek's uid when known, else a hash of ts and the 5-tuple. */
    .addColumn("conn_key", "text", (c) => c.notNull())
    .addColumn("conduit_id", "integer", (c) => c.notNull().references("conduit.id").onDelete("cascade"))
    .addColumn("epoch_key", "text", (c) => c.notNull())
    .addColumn("day", "text", (c) => c.notNull())
    /** Plant-local hour of the day, 0–23. */
    .addColumn("hour", "integer", (c) => c.notNull().check(sql`hour between 0 and 23`))
    .addColumn("ts", "real", (c) => c.notNull())
    .addColumn("tuple", "text", (c) => c.notNull())
    .addColumn("bytes", "integer", (c) => c.notNull())
    /** 1 when the flow is outside the conduit's allowed flows. */
    .addColumn("wrong", "integer", (c) => c.notNull().check(sql`wrong in (0, 1)`))
    .addColumn("source", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("ingested_connection_pk", ["plant_id", "conn_key"])
    .execute();
  await db.schema
    .createIndex("ingested_connection_conduit_day_idx")
    .on("ingested_connection")
    .columns(["conduit_id", "epoch_key", "day"])
    .execute();

  await db.schema
    .createTable("policy_violation")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("conduit_id", "integer", (c) => c.notNull().references("conduit.id").onDelete("cascade"))
    .addColumn("tuple", "text", (c) => c.notNull())
    .addColumn("first_seen", "text", (c) => c.notNull())
    .addColumn("last_seen", "text", (c) => c.notNull())
    .addColumn("count", "integer", (c) => c.notNull().check(sql`count >= 0`))
    .addColumn("acknowledged_by", "integer", (c) => c.references("person.id"))
    .addColumn("acknowledged_at", "text")
    .addUniqueConstraint("policy_violation_conduit_tuple", ["conduit_id", "tuple"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["policy_violation", "ingested_connection", "flow_tuple"]) {
    await db.schema.dropTable(table).execute();
  }
}
