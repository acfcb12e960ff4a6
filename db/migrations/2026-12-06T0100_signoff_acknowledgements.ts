import type { Kysely } from "kysely";
import { sql } from "kysely";

// A signer acknowledges, each with a reason, the design review's warnings bearing on what they sign. Each
// acknowledgement is kept with its signoff, with the warning as the signer was shown it: the rules may word it
// differently later, or stop raising it, and the signature still says what was accepted and why.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("signoff_acknowledgement")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("signoff_id", "integer", (c) => c.notNull().references("signoff.id").onDelete("cascade"))
    /** The warning's code and the objects at fault ("DES-ZONE-UNCLASSIFIED|zone:12"). */
    .addColumn("finding_key", "text", (c) => c.notNull())
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("severity", "text", (c) => c.notNull().check(sql`severity in ('error', 'warning')`))
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addUniqueConstraint("signoff_acknowledgement_key", ["signoff_id", "finding_key"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("signoff_acknowledgement").execute();
}
