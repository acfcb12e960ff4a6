import { sql, type Kysely } from "kysely";

// The program's core: plants, their zones and address ranges, conduits with allowed flows, assets,
// people with roles and plant assignments, and recorded gate passes.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("plant")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("region", "text", (c) => c.notNull())
    .addColumn("site", "text", (c) => c.notNull())
    .addColumn("target_inventory", "text")
    .addColumn("target_zoning", "text")
    .addColumn("target_conduits", "text")
    .addColumn("target_baseline", "text")
    .addColumn("target_alerting", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("zone")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("plant_id", "integer", (c) => c.notNull().references("plant.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) =>
      c
        .notNull()
        .check(sql`kind in ('process_control','supervisory','engineering_workstation','dmz','corporate','other')`)
    )
    .addColumn("purdue_level", "real")
    .addColumn("sl_target", "integer", (c) => c.check(sql`sl_target between 1 and 4`))
    .addColumn("description", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("zone_plant_name", ["plant_id", "name"])
    .execute();

  await db.schema
    .createTable("zone_range")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("zone_id", "integer", (c) => c.notNull().references("zone.id").onDelete("cascade"))
    .addColumn("cidr", "text", (c) => c.notNull())
    .addUniqueConstraint("zone_range_zone_cidr", ["zone_id", "cidr"])
    .execute();

  await db.schema
    .createTable("conduit")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("plant_id", "integer", (c) => c.notNull().references("plant.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("zone_a_id", "integer", (c) => c.notNull().references("zone.id"))
    .addColumn("zone_b_id", "integer", (c) => c.notNull().references("zone.id"))
    .addColumn("purpose", "text")
    .addColumn("control_type", "text")
    .addColumn("monitored", "integer", (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`monitored in (0, 1)`)
    )
    .addColumn("monitoring_point", "text")
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("conduit_plant_name", ["plant_id", "name"])
    .execute();

  await db.schema
    .createTable("conduit_flow")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("conduit_id", "integer", (c) => c.notNull().references("conduit.id").onDelete("cascade"))
    .addColumn("protocol", "text", (c) => c.notNull().check(sql`protocol in ('tcp','udp','icmp')`))
    .addColumn("port", "integer", (c) => c.check(sql`port between 0 and 65535`))
    .addColumn("direction", "text", (c) => c.notNull().check(sql`direction in ('a_to_b','b_to_a','both')`))
    .addColumn("description", "text")
    .execute();

  await db.schema
    .createTable("asset")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("plant_id", "integer", (c) => c.notNull().references("plant.id").onDelete("cascade"))
    .addColumn("zone_id", "integer", (c) => c.references("zone.id").onDelete("set null"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("kind", "text")
    .addColumn("vendor", "text")
    .addColumn("model", "text")
    .addColumn("firmware", "text")
    .addColumn("install_year", "integer")
    .addColumn("ip", "text")
    .addColumn("mac", "text")
    .addColumn("criticality", "text", (c) => c.check(sql`criticality in ('low','medium','high','critical')`))
    .addColumn("discovery_source", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('staged','confirmed')`))
    .addColumn("discovered_at", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("person")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) =>
      c.notNull().check(sql`role in ('program_lead','executive','plant_engineer','corporate_security','admin')`)
    )
    .addColumn("title", "text")
    .addColumn("active", "integer", (c) =>
      c
        .notNull()
        .defaultTo(1)
        .check(sql`active in (0, 1)`)
    )
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("person_plant")
    .addColumn("person_id", "integer", (c) => c.notNull().references("person.id").onDelete("cascade"))
    .addColumn("plant_id", "integer", (c) => c.notNull().references("plant.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("person_plant_pk", ["person_id", "plant_id"])
    .execute();

  await db.schema
    .createTable("gate_pass")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("plant_id", "integer", (c) => c.notNull().references("plant.id").onDelete("cascade"))
    .addColumn("phase", "text", (c) =>
      c.notNull().check(sql`phase in ('inventory','zoning','conduits','baseline','alerting')`)
    )
    .addColumn("passed_at", "text", (c) => c.notNull())
    .addColumn("passed_by", "integer", (c) => c.notNull().references("person.id"))
    .addColumn("criteria_snapshot", "text", (c) => c.notNull())
    .addColumn("note", "text")
    .addUniqueConstraint("gate_pass_plant_phase", ["plant_id", "phase"])
    .execute();

  await db.schema.createIndex("zone_plant_idx").on("zone").column("plant_id").execute();
  await db.schema.createIndex("conduit_plant_idx").on("conduit").column("plant_id").execute();
  await db.schema.createIndex("conduit_flow_conduit_idx").on("conduit_flow").column("conduit_id").execute();
  await db.schema.createIndex("asset_plant_kind_idx").on("asset").columns(["plant_id", "kind"]).execute();
  await db.schema.createIndex("asset_plant_zone_idx").on("asset").columns(["plant_id", "zone_id"]).execute();
  await db.schema.createIndex("asset_plant_ip_idx").on("asset").columns(["plant_id", "ip"]).execute();
  await db.schema.createIndex("person_plant_plant_idx").on("person_plant").column("plant_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "gate_pass",
    "person_plant",
    "person",
    "asset",
    "conduit_flow",
    "conduit",
    "zone_range",
    "zone",
    "plant",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
