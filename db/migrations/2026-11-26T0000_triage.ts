import { sql, type Kysely } from "kysely";

// Triage of staged hosts and acknowledgement of policy violations. A staged asset stays `staged` until an engineer
// confirms it into the inventory; meanwhile it may be marked known-transient (reviewed, not part of the inventory,
// never staged again) or escalated to corporate security (still unresolved).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("asset")
    .addColumn("triage", "text", (c) => c.check(sql`triage in ('transient','escalated')`))
    .execute();
  await db.schema.alterTable("asset").addColumn("triage_note", "text").execute();
  await db.schema
    .alterTable("asset")
    .addColumn("triaged_by", "integer", (c) => c.references("person.id"))
    .execute();
  await db.schema.alterTable("asset").addColumn("triaged_at", "text").execute();
  await db.schema.alterTable("policy_violation").addColumn("acknowledged_note", "text").execute();
  await db.schema.createIndex("asset_plant_status_idx").on("asset").columns(["plant_id", "status"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("asset_plant_status_idx").execute();
  await db.schema.alterTable("policy_violation").dropColumn("acknowledged_note").execute();
  for (const column of ["triaged_at", "triaged_by", "triage_note", "triage"]) {
    await db.schema.alterTable("asset").dropColumn(column).execute();
  }
}
