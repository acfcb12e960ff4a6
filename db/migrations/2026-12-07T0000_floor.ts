import type { Kysely } from "kysely";
import { sql } from "kysely";

// The floor: what a cutover would block before it is done, how each change came out, the production stops the
// network caused or is suspected of, and the acceptances that keep a live plant true after its rollout.

export async function up(db: Kysely<any>): Promise<void> {
  // A predicted blocked flow of a cutover, acknowledged by the conduit's design owner: it is expected to stop, or it
  // was added to the design. The flow is named by its key (origin zone, responder zone, protocol, port).
  await db.schema
    .createTable("cutover_flow_acknowledgement")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("change_id", "integer", (c) => c.notNull().references("network_change.id").onDelete("cascade"))
    .addColumn("flow_key", "text", (c) => c.notNull())
    .addColumn("decision", "text", (c) => c.notNull().check(sql`decision in ('expected_stop','added_to_design')`))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("person_id", "integer", (c) => c.notNull().references("person.id"))
    .addColumn("at", "text", (c) => c.notNull())
    .addUniqueConstraint("cutover_flow_acknowledgement_flow", ["change_id", "flow_key"])
    .execute();

  // How a change came out, once per attempt: a rolled-back or not-done change waits for a new window and may come
  // out again.
  await db.schema
    .createTable("change_outcome")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("change_id", "integer", (c) => c.notNull().references("network_change.id").onDelete("cascade"))
    .addColumn("plant_id", "integer", (c) => c.notNull().references("plant.id").onDelete("cascade"))
    .addColumn("outcome", "text", (c) =>
      c.notNull().check(sql`outcome in ('as_planned','with_issues','rolled_back','not_done')`)
    )
    .addColumn("actual_start", "text")
    .addColumn("actual_end", "text")
    .addColumn("note", "text")
    .addColumn("person_id", "integer", (c) => c.notNull().references("person.id"))
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("change_outcome_change").on("change_outcome").columns(["change_id", "id"]).execute();
  await db.schema.createIndex("change_outcome_plant").on("change_outcome").columns(["plant_id", "at"]).execute();

  // An unscheduled production stop the network caused or is suspected of, and its post-incident review.
  await db.schema
    .createTable("production_stop")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("plant_id", "integer", (c) => c.notNull().references("plant.id").onDelete("cascade"))
    .addColumn("zone_id", "integer", (c) => c.references("zone.id").onDelete("set null"))
    .addColumn("line", "text")
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("minutes_lost", "integer", (c) => c.notNull().check(sql`minutes_lost >= 0`))
    .addColumn("change_id", "integer", (c) => c.references("network_change.id").onDelete("set null"))
    .addColumn("ticket", "text")
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("cause", "text", (c) => c.notNull().check(sql`cause in ('network','suspected','not_network')`))
    .addColumn("review", "text")
    /** Bumped by every edit of the review's text; the review's signatures bind to one revision. */
    .addColumn("review_revision", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("recorded_by", "integer", (c) => c.notNull().references("person.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("production_stop_plant")
    .on("production_stop")
    .columns(["plant_id", "started_at"])
    .execute();

  // A post-incident review signed for one owner's part, at one revision of the review.
  await db.schema
    .createTable("stop_review_signoff")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("stop_id", "integer", (c) => c.notNull().references("production_stop.id").onDelete("cascade"))
    .addColumn("part", "text", (c) =>
      c.notNull().check(sql`part in ('design_change_control','monitoring_incident_response')`)
    )
    .addColumn("person_id", "integer", (c) => c.notNull().references("person.id"))
    .addColumn("review_revision", "integer", (c) => c.notNull())
    .addColumn("signed_at", "text", (c) => c.notNull())
    .addUniqueConstraint("stop_review_signoff_part", ["stop_id", "part", "review_revision"])
    .execute();

  // Both owners' acceptance that a live conduit's alerts keep watching it after an edit, at the revision edited to.
  await db.schema
    .createTable("drift_acceptance")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("conduit_id", "integer", (c) => c.notNull().references("conduit.id").onDelete("cascade"))
    .addColumn("conduit_revision", "integer", (c) => c.notNull())
    .addColumn("part", "text", (c) =>
      c.notNull().check(sql`part in ('design_change_control','monitoring_incident_response')`)
    )
    .addColumn("person_id", "integer", (c) => c.notNull().references("person.id"))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addUniqueConstraint("drift_acceptance_part", ["conduit_id", "conduit_revision", "part"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "drift_acceptance",
    "stop_review_signoff",
    "production_stop",
    "change_outcome",
    "cutover_flow_acknowledgement",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
