import type { Expression, ExpressionBuilder, SqlBool } from "kysely";
import type { Database } from "../../db/schema";
import { utcDayEnd, utcDayStart, type AuditEventView, type AuditFilters } from "~/domain/audit-filters";
import { pageWindow, type PageWindow } from "~/domain/listing";
import type { Executor } from "~/utils/db.server";

// Reading the audit trail: pages for the screen, batches for the CSV export, and the values its
// filters offer. Newest first, in chain order.

export const AUDIT_PAGE_SIZE = 50;
const EXPORT_BATCH_SIZE = 500;

/** The filters plus the plant a trail is limited to (null: the whole program). */
export interface AuditQuery extends AuditFilters {
  plantId: number | null;
}

export type { AuditEventView };

export interface AuditEventExport extends AuditEventView {
  hash: string;
}

export interface PlantRef {
  id: number;
  code: string;
  name: string;
}

export async function getPlantRef(db: Executor, code: string): Promise<PlantRef | null> {
  const plant = await db.selectFrom("plant").select(["id", "code", "name"]).where("code", "=", code).executeTakeFirst();
  return plant ?? null;
}

function matching(query: AuditQuery) {
  return (eb: ExpressionBuilder<Database, "audit_event">) => {
    const conditions: Expression<SqlBool>[] = [];
    if (query.plantId !== null) conditions.push(eb("audit_event.plant_id", "=", query.plantId));
    if (query.personId !== null) conditions.push(eb("audit_event.actor_person_id", "=", query.personId));
    if (query.objectType !== null) conditions.push(eb("audit_event.object_type", "=", query.objectType));
    if (query.objectId !== null) conditions.push(eb("audit_event.object_id", "=", query.objectId));
    if (query.action !== null) conditions.push(eb("audit_event.action", "=", query.action));
    if (query.from !== null) conditions.push(eb("audit_event.at", ">=", utcDayStart(query.from)));
    if (query.to !== null) conditions.push(eb("audit_event.at", "<", utcDayEnd(query.to)));
    return eb.and(conditions);
  };
}

/** The columns of an AuditEventView, from audit_event left-joined to plant. */
export const EVENT_VIEW_COLUMNS = [
  "audit_event.seq",
  "audit_event.at",
  "audit_event.actor_label as actorLabel",
  "audit_event.action",
  "audit_event.object_type as objectType",
  "audit_event.object_id as objectId",
  "audit_event.plant_id as plantId",
  "plant.code as plantCode",
  "audit_event.summary",
  "audit_event.before_json as beforeJson",
  "audit_event.after_json as afterJson",
] as const;

function selectEvents(db: Executor, query: AuditQuery) {
  return db
    .selectFrom("audit_event")
    .where(matching(query))
    .leftJoin("plant", "plant.id", "audit_event.plant_id")
    .select(EVENT_VIEW_COLUMNS)
    .orderBy("audit_event.seq", "desc");
}

export async function countAuditEvents(db: Executor, query: AuditQuery): Promise<number> {
  const row = await db
    .selectFrom("audit_event")
    .where(matching(query))
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One page of matching events, newest first, with the total and the page actually shown. */
export async function listAuditEvents(
  db: Executor,
  query: AuditQuery,
  requestedPage: number
): Promise<{ events: AuditEventView[]; total: number; window: PageWindow }> {
  const total = await countAuditEvents(db, query);
  const window = pageWindow(requestedPage, total, AUDIT_PAGE_SIZE);
  const events = await selectEvents(db, query).offset(window.offset).limit(window.limit).execute();
  return { events, total, window };
}

/**
 * Every matching event, newest first, in batches. Each batch is its own short query (keyset on seq), so a
 * slow download never holds the connection that every other request shares; events appended meanwhile
 * have higher seqs and are left out, which keeps the export a consistent snapshot.
 */
export async function* exportAuditEvents(
  db: Executor,
  query: AuditQuery,
  batchSize: number = EXPORT_BATCH_SIZE
): AsyncGenerator<AuditEventExport[]> {
  let below: number | null = null;
  for (;;) {
    let batch = selectEvents(db, query).select("audit_event.hash").limit(batchSize);
    if (below !== null) batch = batch.where("audit_event.seq", "<", below);
    const rows = await batch.execute();
    if (rows.length > 0) yield rows;
    if (rows.length < batchSize) return;
    below = rows[rows.length - 1]!.seq;
  }
}

export interface AuditFilterOptions {
  /** People who appear as actors in this trail, by name. */
  people: { id: number; name: string }[];
  objectTypes: string[];
  actions: string[];
}

/** What the filter form offers: only values that occur in the trail (of the plant, when one is given). */
export async function getAuditFilterOptions(db: Executor, plantId: number | null): Promise<AuditFilterOptions> {
  const people = await db
    .selectFrom("person")
    .select(["person.id", "person.name"])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("audit_event")
          .select("audit_event.seq")
          .whereRef("audit_event.actor_person_id", "=", "person.id")
          .$if(plantId !== null, (qb) => qb.where("audit_event.plant_id", "=", plantId))
      )
    )
    .orderBy("person.name")
    .orderBy("person.id")
    .execute();
  return {
    people,
    objectTypes: await occurringValues(db, "object_type", plantId),
    actions: await occurringValues(db, "action", plantId),
  };
}

/** The values a column of the trail holds (of the plant's events, when one is given), each once, in order. */
async function occurringValues(
  db: Executor,
  column: "object_type" | "action",
  plantId: number | null
): Promise<string[]> {
  const rows = await db
    .selectFrom("audit_event")
    .select(column)
    .distinct()
    .$if(plantId !== null, (qb) => qb.where("plant_id", "=", plantId))
    .orderBy(column)
    .execute();
  return rows.map((row) => row[column]);
}
