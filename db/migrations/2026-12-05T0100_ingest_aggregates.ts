import type { Kysely } from "kysely";
import { sql } from "kysely";

// The Zeek ingest stops storing a row per connection (one row and three index entries each, kept only so that a
// connection is never counted twice) and stores instead:
// - `evidence_ingest`: one row per ingest, its state (an ingest writes in short transactions under its id while it
//   runs and is published in one at the end) and what it created or declined to create;
// - `flow_hour`: per conduit, epoch, plant-local day and hour, flow tuple and wrongness, and ingest, the
//   connections, bytes and first and last seen: everything the observations and policy violations are computed
//   from;
// - `connection_key`: per plant and UTC minute and ingest, the keys of the connections counted, as one sorted blob
//   of 12-byte keys (microsecond within the minute, then 64 bits of a hash of the connection);
// - `ingest_host`: the hosts an ingest found missing from the inventory while it runs (staged when it publishes).
//
// The connections already stored become one published ingest per plant and source: their flow hours are summed
// from them, and their keys are kept as the first 64 bits of the SHA-1 each connection was keyed by (its
// `conn_key`), marked `legacy` so that the ingest checks a connection falling in their minutes against them with
// that hash: a log ingested before this change is still recognised when ingested again.

const PAGE = 50_000;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("evidence_ingest")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("plant_id", "integer", (c) => c.notNull().references("plant.id").onDelete("cascade"))
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("label", "text")
    .addColumn("state", "text", (c) => c.notNull().check(sql`state in ('running', 'published')`))
    /** The process writing a running ingest, and its machine: a re-run tells a dead one from a live one. */
    .addColumn("pid", "integer")
    .addColumn("host", "text")
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("heartbeat_at", "text", (c) => c.notNull())
    .addColumn("finished_at", "text")
    .addColumn("records", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("counted", "integer", (c) => c.notNull().defaultTo(0))
    /** Distinct hosts inside the plant's ranges and missing from the inventory, and how many were staged. */
    .addColumn("new_hosts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("staged_hosts", "integer", (c) => c.notNull().defaultTo(0))
    /** Distinct wrong flows with no policy violation yet, and how many became one. */
    .addColumn("new_wrong_flows", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("recorded_wrong_flows", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex("evidence_ingest_plant_idx")
    .on("evidence_ingest")
    .columns(["plant_id", "state"])
    .execute();

  await db.schema
    .createTable("flow_hour")
    .addColumn("conduit_id", "integer", (c) => c.notNull().references("conduit.id").onDelete("cascade"))
    .addColumn("epoch_key", "text", (c) => c.notNull())
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("hour", "integer", (c) => c.notNull().check(sql`hour between 0 and 23`))
    .addColumn("tuple", "text", (c) => c.notNull())
    .addColumn("wrong", "integer", (c) => c.notNull().check(sql`wrong in (0, 1)`))
    .addColumn("ingest_id", "integer", (c) => c.notNull().references("evidence_ingest.id").onDelete("cascade"))
    .addColumn("connections", "integer", (c) => c.notNull())
    .addColumn("bytes", "integer", (c) => c.notNull())
    .addColumn("first_ts", "real", (c) => c.notNull())
    .addColumn("last_ts", "real", (c) => c.notNull())
    .addPrimaryKeyConstraint("flow_hour_pk", ["conduit_id", "epoch_key", "day", "hour", "tuple", "wrong", "ingest_id"])
    .execute();
  await db.schema.createIndex("flow_hour_ingest_idx").on("flow_hour").column("ingest_id").execute();
  await db.schema
    .createIndex("flow_hour_wrong_idx")
    .on("flow_hour")
    .columns(["conduit_id", "tuple"])
    .where(sql.ref("wrong"), "=", 1)
    .execute();

  await db.schema
    .createTable("connection_key")
    .addColumn("plant_id", "integer", (c) => c.notNull().references("plant.id").onDelete("cascade"))
    /** UTC minutes since 1970. */
    .addColumn("minute", "integer", (c) => c.notNull())
    .addColumn("ingest_id", "integer", (c) => c.notNull().references("evidence_ingest.id").onDelete("cascade"))
    /** 1 when the keys' hash is the SHA-1 of the connection ingests before 2026-12-05 keyed it by. */
    .addColumn("legacy", "integer", (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`legacy in (0, 1)`)
    )
    /** Sorted keys, three little-endian 32-bit words each: microsecond within the minute, hash high, hash low. */
    .addColumn("keys", "blob", (c) => c.notNull())
    .addPrimaryKeyConstraint("connection_key_pk", ["plant_id", "minute", "ingest_id", "legacy"])
    .execute();
  await db.schema.createIndex("connection_key_ingest_idx").on("connection_key").column("ingest_id").execute();

  await db.schema
    .createTable("ingest_host")
    .addColumn("ingest_id", "integer", (c) => c.notNull().references("evidence_ingest.id").onDelete("cascade"))
    .addColumn("ip", "text", (c) => c.notNull())
    .addColumn("zone_id", "integer", (c) => c.notNull().references("zone.id").onDelete("cascade"))
    /** Order of first appearance in the log. */
    .addColumn("seq", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("ingest_host_pk", ["ingest_id", "ip"])
    .execute();

  const now = new Date().toISOString();
  const groups = await sql<{ plant_id: number; source: string; records: number }>`
    select plant_id, source, count(*) as records from ingested_connection group by plant_id, source`.execute(db);
  for (const group of groups.rows) {
    const { id } = await db
      .insertInto("evidence_ingest")
      .values({
        plant_id: group.plant_id,
        source: group.source,
        label: "connections stored before 2026-12-05",
        state: "published",
        pid: null,
        host: null,
        started_at: now,
        heartbeat_at: now,
        finished_at: now,
        records: group.records,
        counted: group.records,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await sql`insert into flow_hour
        (conduit_id, epoch_key, day, hour, tuple, wrong, ingest_id, connections, bytes, first_ts, last_ts)
      select conduit_id, epoch_key, day, hour, tuple, wrong, ${id}, count(*), sum(bytes), min(ts), max(ts)
      from ingested_connection where plant_id = ${group.plant_id} and source = ${group.source}
      group by conduit_id, epoch_key, day, hour, tuple, wrong`.execute(db);
    await moveKeys(db, group.plant_id, group.source, id);
  }
  await db.schema.dropTable("ingested_connection").execute();
}

/**
 * The connections' keys, page by page, into one blob per minute. Keys begin with their start second, so key order
 * keeps each minute's connections together (across pages too): a minute is complete once a later one begins.
 */
async function moveKeys(db: Kysely<any>, plantId: number, source: string, ingestId: number): Promise<void> {
  let after = "";
  let minute: number | null = null;
  let keys: number[][] = [];
  const flush = async () => {
    if (minute === null || keys.length === 0) return;
    keys.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!);
    const words = new Uint32Array(keys.length * 3);
    let n = 0;
    for (const [i, key] of keys.entries()) {
      // Two connections of one microsecond and hash are one connection.
      if (i > 0 && key.every((word, w) => word === keys[i - 1]![w])) continue;
      words.set(key, n * 3);
      n++;
    }
    await db
      .insertInto("connection_key")
      .values({
        plant_id: plantId,
        minute,
        ingest_id: ingestId,
        legacy: 1,
        keys: Buffer.from(words.buffer, 0, n * 12),
      })
      .execute();
    keys = [];
  };
  for (;;) {
    const rows: { conn_key: string; ts: number }[] = await db
      .selectFrom("ingested_connection")
      .select(["conn_key", "ts"])
      .where("plant_id", "=", plantId)
      .where("source", "=", source)
      .where("conn_key", ">", after)
      .orderBy("conn_key")
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
    after = rows.at(-1)!.conn_key;
    for (const row of rows) {
      const micros = Math.round(row.ts * 1e6);
      const at = Math.floor(micros / 60e6);
      if (at !== minute) {
        await flush();
        minute = at;
      }
      const hash = Buffer.from(row.conn_key.slice(-27), "base64url");
      keys.push([micros - at * 60e6, hash.readUInt32BE(0), hash.readUInt32BE(4)]);
    }
  }
  await flush();
}

export async function down(db: Kysely<any>): Promise<void> {
  // The connections themselves are not stored any more: the table comes back empty, and a log ingested again
  // after going down counts again.
  await db.schema
    .createTable("ingested_connection")
    .addColumn("plant_id", "integer", (c) => c.notNull().references("plant.id").onDelete("cascade"))
    .addColumn("conn_key", "text", (c) => c.notNull())
    .addColumn("conduit_id", "integer", (c) => c.notNull().references("conduit.id").onDelete("cascade"))
    .addColumn("epoch_key", "text", (c) => c.notNull())
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("hour", "integer", (c) => c.notNull().check(sql`hour between 0 and 23`))
    .addColumn("ts", "real", (c) => c.notNull())
    .addColumn("tuple", "text", (c) => c.notNull())
    .addColumn("bytes", "integer", (c) => c.notNull())
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
    .createIndex("ingested_connection_wrong_idx")
    .on("ingested_connection")
    .columns(["conduit_id", "tuple"])
    .where(sql.ref("wrong"), "=", 1)
    .execute();
  for (const table of ["ingest_host", "connection_key", "flow_hour", "evidence_ingest"]) {
    await db.schema.dropTable(table).execute();
  }
}
