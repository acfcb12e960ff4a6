import { sql, type Kysely } from "kysely";
import { isPostgres } from "../backend";

// Sign-in, sessions, API tokens, ownership and signoffs, and the hash-chained audit trail.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("person").addColumn("password_hash", "text").execute();
  await db.schema.alterTable("person").addColumn("password_changed_at", "text").execute();

  // The plant's written ownership split; its revision moves with every edit of the text.
  await db.schema.alterTable("plant").addColumn("ownership_split", "text").execute();
  await db.schema
    .alterTable("plant")
    .addColumn("ownership_split_revision", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .alterTable("conduit")
    .addColumn("design_owner_id", "integer", (c) => c.references("person.id"))
    .execute();
  await db.schema
    .alterTable("conduit")
    .addColumn("monitoring_owner_id", "integer", (c) => c.references("person.id"))
    .execute();

  await db.schema
    .createTable("session")
    // sha256 of the cookie's secret: a copy of the database does not yield usable sessions.
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("person_id", "integer", (c) => c.notNull().references("person.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .execute();
  await db.schema.createIndex("session_person_idx").on("session").column("person_id").execute();

  await db.schema
    .createTable("login_attempt")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("ip", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("succeeded", "integer", (c) => c.notNull().check(sql`succeeded in (0, 1)`))
    .execute();
  await db.schema.createIndex("login_attempt_email_idx").on("login_attempt").columns(["email", "at"]).execute();
  await db.schema.createIndex("login_attempt_ip_idx").on("login_attempt").columns(["ip", "at"]).execute();

  await db.schema
    .createTable("api_token")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    /** The first characters of the token, shown so people can tell their tokens apart. */
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) =>
      c.notNull().check(sql`role in ('program_lead','executive','plant_engineer','corporate_security','admin')`)
    )
    .addColumn("created_by", "integer", (c) => c.references("person.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .addColumn("revoked_at", "text")
    .addColumn("revoked_by", "integer", (c) => c.references("person.id"))
    .execute();

  await db.schema
    .createTable("api_token_plant")
    .addColumn("token_id", "integer", (c) => c.notNull().references("api_token.id").onDelete("cascade"))
    .addColumn("plant_id", "integer", (c) => c.notNull().references("plant.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("api_token_plant_pk", ["token_id", "plant_id"])
    .execute();

  await db.schema
    .createTable("signoff")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("subject_type", "text", (c) =>
      c.notNull().check(sql`subject_type in ('ownership_split','conduit','baseline_acceptance','gate_pass')`)
    )
    .addColumn("subject_id", "integer", (c) => c.notNull())
    .addColumn("plant_id", "integer", (c) => c.notNull().references("plant.id").onDelete("cascade"))
    /** Which owner's part this signature gives. */
    .addColumn("part", "text", (c) =>
      c.notNull().check(sql`part in ('design_change_control','monitoring_incident_response')`)
    )
    .addColumn("person_id", "integer", (c) => c.notNull().references("person.id"))
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("revision", "integer", (c) => c.notNull())
    /** sha256 of the canonical content that was signed; a different current hash makes the signoff stale. */
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("signed_at", "text", (c) => c.notNull())
    .addColumn("note", "text")
    .addColumn("revoked_at", "text")
    .addColumn("revoked_reason", "text")
    .execute();
  await db.schema.createIndex("signoff_subject_idx").on("signoff").columns(["subject_type", "subject_id"]).execute();
  await db.schema.createIndex("signoff_plant_idx").on("signoff").column("plant_id").execute();

  await db.schema
    .createTable("audit_event")
    .addColumn("seq", "integer", (c) => c.primaryKey())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor_person_id", "integer")
    .addColumn("actor_token_id", "integer")
    /** Who acted, as shown at the time: name and role, or the token's name. */
    .addColumn("actor_label", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("object_type", "text", (c) => c.notNull())
    .addColumn("object_id", "text")
    .addColumn("plant_id", "integer")
    .addColumn("summary", "text", (c) => c.notNull())
    .addColumn("before_json", "text")
    .addColumn("after_json", "text")
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_event_plant_idx").on("audit_event").columns(["plant_id", "seq"]).execute();
  await db.schema.createIndex("audit_event_actor_idx").on("audit_event").columns(["actor_person_id", "seq"]).execute();
  await db.schema.createIndex("audit_event_at_idx").on("audit_event").column("at").execute();

  // Events are append-only: the database itself refuses updates and deletes made through SQL. The two engines
  // spell a refusing trigger differently.
  if (isPostgres(db)) {
    await sql`create function audit_event_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit events are append-only'; end $$`.execute(db);
    for (const [name, event] of [
      ["audit_event_no_update", "update"],
      ["audit_event_no_delete", "delete"],
    ] as const) {
      await sql`create trigger ${sql.id(name)} before ${sql.raw(event)} on audit_event
        for each row execute function audit_event_append_only()`.execute(db);
    }
    return;
  }
  await sql`create trigger audit_event_no_update before update on audit_event
    begin select raise(abort, 'audit events are append-only'); end`.execute(db);
  await sql`create trigger audit_event_no_delete before delete on audit_event
    begin select raise(abort, 'audit events are append-only'); end`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["audit_event", "signoff", "api_token_plant", "api_token", "login_attempt", "session"]) {
    await db.schema.dropTable(table).execute();
  }
}
