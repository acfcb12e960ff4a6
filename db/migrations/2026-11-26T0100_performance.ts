import type { Kysely } from "kysely";
import { sql } from "kysely";
import { isPostgres } from "../backend";

// What the benchmark called for (docs/performance.md):
// - assets by zone: a plant page counts the assets of each zone, which without this index read every asset of
//   the program (150 ms a page at 500 plants);
// - active-scan discoveries of each plant (an inventory criterion), by a partial index instead of every asset;
// - the wrong flows of a conduit, recounted after every ingest, read through a partial index instead of every
//   connection of the conduit;
// - connection keys led by their start second (zero-padded to ten digits), so that the keys of one log sit together
//   in the primary-key index: the keys already stored are rewritten the same way, from their own `ts`, so a log
//   ingested again is still recognised.

export async function up(db: Kysely<any>): Promise<void> {
  // Each engine zero-pads in its own words.
  const second = isPostgres(db)
    ? sql`lpad(cast(cast(ts as bigint) as text), 10, '0')`
    : sql`printf('%010d', cast(ts as integer))`;
  await sql`update ingested_connection set conn_key = ${second} || conn_key where length(conn_key) = 27`.execute(db);
  await db.schema.createIndex("asset_zone_idx").on("asset").column("zone_id").execute();
  await db.schema
    .createIndex("asset_active_scan_idx")
    .on("asset")
    .column("plant_id")
    .where(sql.ref("discovery_source"), "=", "active_scan")
    .execute();
  await db.schema
    .createIndex("ingested_connection_wrong_idx")
    .on("ingested_connection")
    .columns(["conduit_id", "tuple"])
    .where(sql.ref("wrong"), "=", 1)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("ingested_connection_wrong_idx").execute();
  await db.schema.dropIndex("asset_zone_idx").execute();
  await db.schema.dropIndex("asset_active_scan_idx").execute();
}
