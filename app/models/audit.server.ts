import crypto from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { AuditEventRow, Database } from "../../db/schema";
import type { AuditActor } from "~/utils/actor";
import type { Executor } from "~/utils/db.server";

// The audit trail: one append-only, hash-chained event per mutation, written inside the mutation's own
// transaction. Each event's hash covers the previous event's hash and the event's own canonical content,
// so editing, deleting or reordering a stored event breaks the chain at that event.

export const GENESIS_HASH = "0".repeat(64);

export interface AuditEntry {
  action: string;
  objectType: string;
  objectId: string | number | null;
  plantId: number | null;
  /** One sentence a reader of the trail understands. */
  summary: string;
  before?: unknown;
  after?: unknown;
}

/** JSON with object keys sorted at every depth, so equal content always serializes to equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        )
      : v
  );
}

type HashedFields = Omit<AuditEventRow, "hash">;

export function eventHash(event: HashedFields): string {
  const content = canonicalJson({
    seq: event.seq,
    at: event.at,
    actor_person_id: event.actor_person_id,
    actor_token_id: event.actor_token_id,
    actor_label: event.actor_label,
    action: event.action,
    object_type: event.object_type,
    object_id: event.object_id,
    plant_id: event.plant_id,
    summary: event.summary,
    before_json: event.before_json,
    after_json: event.after_json,
  });
  return crypto.createHash("sha256").update(`${event.prev_hash}\n${content}`).digest("hex");
}

/** The trail's last event: its sequence number and hash (undefined while the trail is empty). */
export async function auditHead(db: Executor): Promise<{ seq: number; hash: string } | undefined> {
  return db.selectFrom("audit_event").select(["seq", "hash"]).orderBy("seq", "desc").limit(1).executeTakeFirst();
}

/** The hash of the event at `seq`, or undefined when there is none. */
export async function auditHashAt(db: Executor, seq: number): Promise<string | undefined> {
  return (await db.selectFrom("audit_event").select("hash").where("seq", "=", seq).executeTakeFirst())?.hash;
}

/** The distinct acts recorded after `after` up to `upTo`, each with its plant's id and code (null: no plant). */
export async function auditActsBetween(
  db: Executor,
  after: number,
  upTo: number
): Promise<{ plant_id: number | null; code: string | null; action: string }[]> {
  return db
    .selectFrom("audit_event as e")
    .leftJoin("plant as p", "p.id", "e.plant_id")
    .select(["e.plant_id", "p.code", "e.action"])
    .distinct()
    .where("e.seq", ">", after)
    .where("e.seq", "<=", upTo)
    .execute();
}

/** The fields of the event at `seq` that its hash covers: who, what, when, and the hash of the event before it. */
function hashedFields(actor: AuditActor, entry: AuditEntry, seq: number, at: string, prevHash: string): HashedFields {
  return {
    seq,
    at,
    actor_person_id: actor.personId,
    actor_token_id: actor.tokenId,
    actor_label: actor.label,
    action: entry.action,
    object_type: entry.objectType,
    object_id: entry.objectId === null ? null : String(entry.objectId),
    plant_id: entry.plantId,
    summary: entry.summary,
    before_json: entry.before === undefined ? null : canonicalJson(entry.before),
    after_json: entry.after === undefined ? null : canonicalJson(entry.after),
    prev_hash: prevHash,
  };
}

/** Appends one event. Takes a transaction so the event commits or rolls back with the change it records. */
export async function recordAudit(
  tx: Transaction<Database>,
  actor: AuditActor,
  entry: AuditEntry,
  at: Date = new Date()
): Promise<void> {
  const last = await auditHead(tx);
  const event = hashedFields(actor, entry, (last?.seq ?? 0) + 1, at.toISOString(), last?.hash ?? GENESIS_HASH);
  await tx
    .insertInto("audit_event")
    .values({ ...event, hash: eventHash(event) })
    .execute();
}

/** One event to append with recordAuditEvents: who, what, and the instant it happened. */
export interface DatedAuditEntry {
  actor: AuditActor;
  entry: AuditEntry;
  at: string;
}

const APPEND_CHUNK = 200;

/**
 * Appends many events in the given order, chained like recordAudit's, in a few statements: an import recording a
 * program's history writes hundreds of events at once. Their `at` is each act's own instant.
 */
export async function recordAuditEvents(tx: Transaction<Database>, entries: readonly DatedAuditEntry[]): Promise<void> {
  const last = await auditHead(tx);
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const rows: AuditEventRow[] = entries.map(({ actor, entry, at }) => {
    seq += 1;
    const event = hashedFields(actor, entry, seq, at, prevHash);
    prevHash = eventHash(event);
    return { ...event, hash: prevHash };
  });
  for (let i = 0; i < rows.length; i += APPEND_CHUNK) {
    await tx
      .insertInto("audit_event")
      .values(rows.slice(i, i + APPEND_CHUNK))
      .execute();
  }
}

export type ChainVerdict =
  | { ok: true; count: number; last: { seq: number; hash: string } | null }
  | { ok: false; count: number; seq: number; reason: string };

const VERIFY_BATCH_SIZE = 1000;

/**
 * Walks the whole trail in order and reports the first event that does not fit the chain. It reads in
 * short batches rather than one long cursor, so a verify inside the server never holds the connection
 * that every request shares.
 *
 * The chain proves that no stored event was edited, removed or reordered. It cannot tell that the newest
 * events were cut off the end: for that, keep `last` (the head's seq and hash) somewhere else and check
 * that a later verify still reaches it.
 */
export async function verifyAuditChain(db: Kysely<Database>): Promise<ChainVerdict> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  for (;;) {
    const batch = await db
      .selectFrom("audit_event")
      .selectAll()
      .where("seq", ">=", expectedSeq)
      .orderBy("seq")
      .limit(VERIFY_BATCH_SIZE)
      .execute();
    for (const event of batch) {
      count += 1;
      if (event.seq !== expectedSeq) {
        const reason =
          event.seq - expectedSeq > 1
            ? `events ${expectedSeq}–${event.seq - 1} are missing (removed from the trail)`
            : `event ${expectedSeq} is missing (removed from the trail)`;
        return { ok: false, count, seq: expectedSeq, reason };
      }
      if (event.prev_hash !== prevHash) {
        return {
          ok: false,
          count,
          seq: event.seq,
          reason: `its link to event ${event.seq - 1} is broken (an event before it was changed, removed or reordered)`,
        };
      }
      if (eventHash(event) !== event.hash) {
        return {
          ok: false,
          count,
          seq: event.seq,
          reason: "its content no longer matches its hash (it was altered after it was recorded)",
        };
      }
      prevHash = event.hash;
      expectedSeq += 1;
    }
    if (batch.length < VERIFY_BATCH_SIZE) break;
  }
  return { ok: true, count, last: count === 0 ? null : { seq: expectedSeq - 1, hash: prevHash } };
}
