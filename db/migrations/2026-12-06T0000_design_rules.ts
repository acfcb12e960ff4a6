import { sql, type Kysely } from "kysely";
import { isPostgres } from "../backend";

// The design rules' facts: a zone may hold safety instrumented systems, a conduit may carry a note compensating for
// a gap in target security levels, and an allowed flow may name any protocol, any port or a range of ports. The
// protocol's CHECK cannot be altered in place, so conduit_flow is rebuilt (no table references it).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("zone")
    .addColumn("safety", "integer", (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`safety in (0, 1)`)
    )
    .execute();
  await db.schema.alterTable("conduit").addColumn("compensating_note", "text").execute();

  await db.schema
    .createTable("conduit_flow_next")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("conduit_id", "integer", (c) => c.notNull().references("conduit.id").onDelete("cascade"))
    .addColumn("protocol", "text", (c) => c.notNull().check(sql`protocol in ('tcp','udp','icmp','any')`))
    .addColumn("port", "integer", (c) => c.check(sql`port between 0 and 65535`))
    .addColumn("port_end", "integer", (c) => c.check(sql`port_end between 0 and 65535 and port_end > port`))
    .addColumn("direction", "text", (c) => c.notNull().check(sql`direction in ('a_to_b','b_to_a','both')`))
    .addColumn("description", "text")
    .execute();
  await sql`insert into conduit_flow_next (id, conduit_id, protocol, port, port_end, direction, description)
    select id, conduit_id, protocol, port, null, direction, description from conduit_flow`.execute(db);
  await db.schema.dropTable("conduit_flow").execute();
  await sql`alter table conduit_flow_next rename to conduit_flow`.execute(db);
  await continueIds(db);
  await db.schema.createIndex("conduit_flow_conduit_idx").on("conduit_flow").column("conduit_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("conduit_flow_prev")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("conduit_id", "integer", (c) => c.notNull().references("conduit.id").onDelete("cascade"))
    .addColumn("protocol", "text", (c) => c.notNull().check(sql`protocol in ('tcp','udp','icmp')`))
    .addColumn("port", "integer", (c) => c.check(sql`port between 0 and 65535`))
    .addColumn("direction", "text", (c) => c.notNull().check(sql`direction in ('a_to_b','b_to_a','both')`))
    .addColumn("description", "text")
    .execute();
  await sql`insert into conduit_flow_prev (id, conduit_id, protocol, port, direction, description)
    select id, conduit_id, protocol, port, direction, description from conduit_flow
    where protocol != 'any' and port_end is null`.execute(db);
  await db.schema.dropTable("conduit_flow").execute();
  await sql`alter table conduit_flow_prev rename to conduit_flow`.execute(db);
  await continueIds(db);
  await db.schema.createIndex("conduit_flow_conduit_idx").on("conduit_flow").column("conduit_id").execute();
  await db.schema.alterTable("conduit").dropColumn("compensating_note").execute();
  await db.schema.alterTable("zone").dropColumn("safety").execute();
}

/** PostgreSQL's identity goes on after the ids copied in (SQLite's autoincrement does so by itself). */
async function continueIds(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`select setval(pg_get_serial_sequence('conduit_flow', 'id'), coalesce(max(id), 0) + 1, false)
    from conduit_flow`.execute(db);
}
