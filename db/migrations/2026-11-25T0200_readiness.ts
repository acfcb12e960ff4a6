import { sql, type Kysely } from "kysely";

// What the readiness gates are judged on: program settings, checklist ticks and waivers, outage windows and
// the network changes scheduled into them, daily baseline observations, alert wiring and detection rules.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("program_setting")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  // Append-only: the current state of a checklist criterion is its latest row.
  await db.schema
    .createTable("checklist_tick")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("plant_id", "integer", (c) => c.notNull().references("plant.id").onDelete("cascade"))
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("ticked", "integer", (c) => c.notNull().check(sql`ticked in (0, 1)`))
    .addColumn("note", "text", (c) => c.notNull())
    /** Criterion-specific facts, e.g. the OT SIEM pipeline's name and retention for BAS-PIPELINE. */
    .addColumn("details_json", "text")
    .addColumn("person_id", "integer", (c) => c.notNull().references("person.id"))
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("checklist_tick_plant_idx")
    .on("checklist_tick")
    .columns(["plant_id", "code", "id"])
    .execute();

  await db.schema
    .createTable("waiver")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("plant_id", "integer", (c) => c.notNull().references("plant.id").onDelete("cascade"))
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("justification", "text", (c) => c.notNull())
    .addColumn("person_id", "integer", (c) => c.notNull().references("person.id"))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .addColumn("revoked_by", "integer", (c) => c.references("person.id"))
    .execute();
  await db.schema.createIndex("waiver_plant_idx").on("waiver").columns(["plant_id", "code"]).execute();

  await db.schema
    .createTable("outage_window")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("plant_id", "integer", (c) => c.notNull().references("plant.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('scheduled_outage','blackout')`))
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('planned','confirmed','completed','cancelled')`)
    )
    .addColumn("starts_at", "text", (c) => c.notNull())
    .addColumn("ends_at", "text", (c) => c.notNull())
    /** The plant's zone when the window was written, so its local times read as they were entered. */
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("notes", "text")
    .addColumn("created_by", "integer", (c) => c.references("person.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("outage_window_plant_idx")
    .on("outage_window")
    .columns(["plant_id", "starts_at"])
    .execute();
  await db.schema.createIndex("outage_window_starts_idx").on("outage_window").column("starts_at").execute();

  await db.schema
    .createTable("network_change")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("plant_id", "integer", (c) => c.notNull().references("plant.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind in ('conduit_cutover','sensor_install','firewall_rule_change','active_scan')`)
    )
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("conduit_id", "integer", (c) => c.references("conduit.id").onDelete("cascade"))
    /** The conduit revision a cutover puts in place; a later revision needs its own cutover. */
    .addColumn("conduit_revision", "integer")
    .addColumn("asset_id", "integer", (c) => c.references("asset.id").onDelete("set null"))
    .addColumn("window_id", "integer", (c) => c.references("outage_window.id"))
    .addColumn("planned_start", "text")
    .addColumn("planned_minutes", "integer", (c) => c.check(sql`planned_minutes > 0`))
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('scheduled','done','needs_window','cancelled')`)
    )
    .addColumn("done_at", "text")
    .addColumn("created_by", "integer", (c) => c.references("person.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("network_change_plant_idx").on("network_change").columns(["plant_id", "kind"]).execute();
  await db.schema
    .createIndex("network_change_conduit_idx")
    .on("network_change")
    .columns(["conduit_id", "status"])
    .execute();
  await db.schema.createIndex("network_change_window_idx").on("network_change").column("window_id").execute();

  await db.schema
    .createTable("observation")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("conduit_id", "integer", (c) => c.notNull().references("conduit.id").onDelete("cascade"))
    /** Plant-local calendar day. */
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("coverage", "real", (c) => c.notNull().check(sql`coverage >= 0 and coverage <= 1`))
    .addColumn("tuples", "integer", (c) => c.notNull().check(sql`tuples >= 0`))
    .addColumn("new_tuples", "integer", (c) => c.notNull().check(sql`new_tuples >= 0`))
    .addColumn("connections", "integer", (c) => c.notNull().check(sql`connections >= 0`))
    .addColumn("bytes", "integer", (c) => c.notNull().check(sql`bytes >= 0`))
    .addColumn("recorded_at", "text", (c) => c.notNull())
    .addUniqueConstraint("observation_conduit_day_source", ["conduit_id", "day", "source"])
    .execute();

  await db.schema
    .createTable("alert_wiring")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("conduit_id", "integer", (c) => c.notNull().references("conduit.id").onDelete("cascade"))
    .addColumn("conduit_revision", "integer", (c) => c.notNull())
    .addColumn("person_id", "integer", (c) => c.notNull().references("person.id"))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("siem_reference", "text")
    .execute();
  await db.schema.createIndex("alert_wiring_conduit_idx").on("alert_wiring").column("conduit_id").execute();

  await db.schema
    .createTable("detection_rule")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("conduit_id", "integer", (c) => c.notNull().references("conduit.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("class", "text", (c) => c.notNull().check(sql`class in ('unusual','wrong')`))
    .addColumn("description", "text")
    .addColumn("reviewed_by", "integer", (c) => c.references("person.id"))
    .addColumn("reviewed_at", "text")
    .addColumn("created_by", "integer", (c) => c.notNull().references("person.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("detection_rule_conduit_idx").on("detection_rule").column("conduit_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "detection_rule",
    "alert_wiring",
    "observation",
    "network_change",
    "outage_window",
    "waiver",
    "checklist_tick",
    "program_setting",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
