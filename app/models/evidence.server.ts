import crypto from "node:crypto";
import { sql, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import type { BaselineSettings } from "~/domain/baseline";
import { blobOf, KEY_WORDS, KeyBatch, keysOf, keyWithHash, type ConnectionKey } from "~/domain/connection-keys";
import type { ConnRecord } from "~/domain/zeek";
import { loadSettings } from "~/models/baseline-settings.server";
import { abandonIngest, claimIngest } from "~/models/ingest-claim.server";
import {
  INGEST_CREATION_CAP,
  publishIngest,
  ZEEK_SOURCE,
  type IngestAnomaly,
  type IngestSummary,
  type WrongFlow,
} from "~/models/ingest-publication.server";
import {
  ConnectionReader,
  loadPlantMap,
  type FlowKey,
  type HourCounts,
  type HourSlot,
} from "~/models/ingest-reader.server";
import type { AuditActor } from "~/utils/actor";
import { isPostgres, sqliteHandle, type DB, type Executor } from "~/utils/db.server";
import { ingestStore, type ChunkWrites } from "~/models/ingest-store.server";
import { ActError } from "~/utils/errors";

// Passive baseline evidence from Zeek connections. Each connection is mapped to the conduit whose two endpoint
// zones contain its two hosts, recorded once per plant (so re-ingest and overlapping files never count twice),
// and the conduit's observation of each touched plant-local day is recomputed from what is recorded.
//
// What is recorded (docs/evidence.md): per conduit, epoch, plant-local day and hour, flow tuple and ingest, the
// connections, bytes and first and last seen (`flow_hour`); and per plant and UTC minute the keys of the
// connections counted (`connection_key`, app/domain/connection-keys.ts). An ingest writes these under its own id in
// short transactions while it reads (the app stays writable), and publishes in one transaction at the end: the
// observations, policy violations, staged hosts and audit event that readers see. Until then nothing of it is
// read by anyone; an ingest that fails is deleted, and one whose process died is deleted by the next ingest into
// its plant, which then counts the file afresh.

// The ingest's parts: its claim on the plant (app/models/ingest-claim.server.ts), what it knows of the plant while it
// reads (app/models/ingest-reader.server.ts) and its publication (app/models/ingest-publication.server.ts).
export {
  INGEST_CREATION_CAP,
  ZEEK_SOURCE,
  type DayFigures,
  type IngestAnomaly,
  type IngestSummary,
  type WrongFlow,
} from "~/models/ingest-publication.server";

export interface IngestOptions {
  plantCode: string;
  source?: string;
  dryRun?: boolean;
  actor: AuditActor;
  /** Named in the audit event (a file name), when there is one. */
  label?: string;
  /** The instant the ingest is recorded at (default: now). */
  now?: Date;
}

export interface IngestSession {
  add(records: Iterable<ConnRecord>): Promise<void>;
  finish(): Promise<IngestSummary>;
  /** Deletes what the ingest wrote so far (it was never published). */
  abandon(): Promise<void>;
}

/** Runs one transaction: its own (a chunk, the publication) or, inside a caller's transaction, just the work. */
type Transact = <T>(work: (tx: Transaction<Database>) => Promise<T>) => Promise<T>;

/** Connections written per transaction while an ingest runs: each holds the write lock for some tens of ms. */
const CHUNK_RECORDS = 50_000;
/** Lines read between two heartbeats at most, when few of them cross a conduit. */
const HEARTBEAT_RECORDS = 1_000_000;
/** New hosts written per transaction: a scan's chunks are smaller, so what they hold dies young. */
const NEW_HOSTS_PER_CHUNK = 10_000;
/** Page cache of the connection while an ingest runs (kibibytes), so the flow hours' pages stay in memory. */
const INGEST_CACHE_KIB = 16_384;

/**
 * The key ingests before 2026-12-05 recorded a connection by: the first 64 bits of the SHA-1 of its start and
 * 5-tuple. Only connections falling in a minute that holds such keys are hashed this way.
 */
function legacyKey(record: ConnRecord): ConnectionKey {
  const text = `${record.ts}|${record.origHost}|${record.origPort ?? "-"}|${record.respHost}|${
    record.respPort ?? "-"
  }|${record.proto}`;
  const digest = crypto.createHash("sha1").update(text).digest();
  return keyWithHash(record.ts, digest.readUInt32BE(0), digest.readUInt32BE(4));
}

async function startIngest(
  db: Executor,
  transact: Transact,
  options: IngestOptions,
  beforePublish: () => void = () => {}
): Promise<IngestSession> {
  const source = options.source ?? ZEEK_SOURCE;
  const plant = await db
    .selectFrom("plant")
    .select(["id", "code", "time_zone"])
    .where("code", "=", options.plantCode.toUpperCase())
    .executeTakeFirst();
  if (!plant) throw new ActError(404, `No plant in the program has the code “${options.plantCode}”.`);
  const settings: BaselineSettings = await loadSettings(db);

  const plantMap = await loadPlantMap(db, plant);

  // The minutes holding keys of ingests before 2026-12-05 (migrated), if any.
  const legacyMinutes = await db
    .selectFrom("connection_key")
    .select((eb) => [eb.fn.min<number>("minute").as("first"), eb.fn.max<number>("minute").as("last")])
    .where("plant_id", "=", plant.id)
    .where("legacy", "=", 1)
    .executeTakeFirst();

  const now = (options.now ?? new Date()).toISOString();
  const ingestId = await transact((tx) => claimIngest(tx, plant, source, options.label ?? null, now));

  const reader = new ConnectionReader(plantMap, plant.time_zone, settings);

  const wrong = new Map<string, WrongFlow>();
  /** Connections read and not yet written: their keys, flow, hour, start and bytes (and SHA-1 key, for older keys). */
  const keys = new KeyBatch(CHUNK_RECORDS);
  const pending = {
    flows: new Array<FlowKey>(CHUNK_RECORDS),
    slots: new Array<HourSlot>(CHUNK_RECORDS),
    ts: new Float64Array(CHUNK_RECORDS),
    bytes: new Float64Array(CHUNK_RECORDS),
    /** The SHA-1 key, for connections in the minutes that hold keys of ingests before 2026-12-05. */
    legacyHigh: new Uint32Array(CHUNK_RECORDS),
    legacyLow: new Uint32Array(CHUNK_RECORDS),
  };
  let hostSeq = 0;
  /** Lines read since the last chunk: a long run of lines on no conduit still writes a heartbeat now and then. */
  let readSinceWrite = 0;
  let records = 0;
  let counted = 0;
  let unmatched = 0;
  let skippedBeforeEpoch = 0;

  const store = ingestStore(db, plant.id, ingestId);

  /** Marks the connections `order[from..to)` (one minute's) that an ingest before 2026-12-05 counted. */
  function markLegacy(order: Int32Array, from: number, to: number, stored: Uint32Array, seen: Uint8Array): void {
    const legacy = new KeyBatch(to - from);
    for (let k = from; k < to; k++) {
      const i = order[k]!;
      legacy.pushKey(pending.ts[i]!, pending.legacyHigh[i]!, pending.legacyLow[i]!);
    }
    const legacyOrder = legacy.order();
    const legacySeen = new Uint8Array(legacy.length);
    legacy.markStored(legacyOrder, 0, legacy.length, stored, legacySeen);
    for (let j = 0; j < legacy.length; j++) if (legacySeen[j]) seen[order[from + j]!] = 1;
  }

  /** Writes the chunk read so far in one transaction: its new keys, flow hours and hosts. */
  async function writeChunk(): Promise<void> {
    const newHosts = reader.takeChunkHosts();
    readSinceWrite = 0;
    const order = keys.order();
    const seen = new Uint8Array(keys.length);
    const touched: FlowKey[] = [];
    await transact(async (tx) => {
      const chunk: ChunkWrites = { heartbeatAt: new Date().toISOString(), keys: [], hours: [], hosts: [] };
      const minutes: number[] = [];
      for (let k = 0; k < order.length; k++) {
        const minute = keys.minute[order[k]!]!;
        if (minutes[minutes.length - 1] !== minute) minutes.push(minute);
      }
      const stored = await store.storedKeys(tx, minutes);
      for (let from = 0; from < order.length; ) {
        const minute = keys.minute[order[from]!]!;
        let to = from + 1;
        while (to < order.length && keys.minute[order[to]!] === minute) to++;
        let own: Uint32Array = new Uint32Array(0);
        for (const row of stored.get(minute) ?? []) {
          const stored = keysOf(row.keys);
          if (row.legacy === 1) markLegacy(order, from, to, stored, seen);
          else {
            keys.markStored(order, from, to, stored, seen);
            if (row.ingest_id === ingestId) own = stored;
          }
        }
        // Duplicates within the chunk, in a minute nothing was stored for yet.
        keys.markStored(order, from, to, new Uint32Array(0), seen);
        const merged = keys.merge(own, order, from, to, seen);
        if (merged.length > own.length) {
          chunk.keys.push({ minute, keys: blobOf(merged) });
          counted += (merged.length - own.length) / KEY_WORDS;
        }
        from = to;
      }
      for (let i = 0; i < keys.length; i++) {
        if (seen[i]) continue;
        const flow = pending.flows[i]!;
        const slot = pending.slots[i]!;
        const ts = pending.ts[i]!;
        let counts: HourCounts | undefined;
        if (flow.slot === null) {
          flow.slot = slot;
          flow.counts.connections = 0;
          flow.counts.bytes = 0;
          flow.counts.first = ts;
          flow.counts.last = ts;
          touched.push(flow);
          counts = flow.counts;
        } else if (flow.slot === slot) counts = flow.counts;
        else {
          flow.otherHours ??= new Map();
          counts = flow.otherHours.get(slot);
          if (!counts) flow.otherHours.set(slot, (counts = { connections: 0, bytes: 0, first: ts, last: ts }));
        }
        counts.connections++;
        counts.bytes += pending.bytes[i]!;
        if (ts < counts.first) counts.first = ts;
        if (ts > counts.last) counts.last = ts;
      }
      const write = (flow: FlowKey, slot: HourSlot, h: HourCounts) =>
        chunk.hours.push({
          conduitId: flow.conduit.id,
          epochKey: flow.conduit.epochKey!,
          day: slot.day,
          hour: slot.hour,
          tuple: flow.tuple,
          wrong: flow.wrong ? 1 : 0,
          connections: h.connections,
          bytes: h.bytes,
          first: h.first,
          last: h.last,
        });
      for (const flow of touched) {
        write(flow, flow.slot!, flow.counts);
        for (const [slot, h] of flow.otherHours ?? []) write(flow, slot, h);
        flow.slot = null;
        flow.otherHours = null;
      }
      for (const [ip, zoneId] of newHosts) chunk.hosts.push({ ip, zoneId, seq: ++hostSeq });
      await store.write(tx, chunk);
    });
    keys.length = 0;
  }

  async function abandon(): Promise<void> {
    await transact((tx) => abandonIngest(tx, ingestId));
  }

  /** What was read, published in `tx` (app/models/ingest-publication.server.ts). */
  const publish = (tx: Transaction<Database>): Promise<IngestSummary> =>
    publishIngest(tx, {
      plant,
      ingestId,
      source,
      recordedAt: now,
      now: options.now,
      actor: options.actor,
      label: options.label,
      dryRun: options.dryRun === true,
      conduitById: plantMap.conduitById,
      zoneById: plantMap.zoneById,
      records,
      counted,
      unmatched,
      skippedBeforeEpoch,
      wrong,
    });

  return {
    async add(batch) {
      for (const record of batch) {
        if (
          keys.length === CHUNK_RECORDS ||
          reader.chunkHosts.size >= NEW_HOSTS_PER_CHUNK ||
          readSinceWrite >= HEARTBEAT_RECORDS
        )
          await writeChunk();
        records++;
        readSinceWrite++;
        const orig = reader.hostInfo(record.origHost);
        const respZone = reader.hostInfo(record.respHost).zone;
        const pair =
          orig.zone === null || respZone === null || orig.zone === respZone
            ? null
            : reader.pairInfo(orig, record.origHost, record.respHost, respZone);
        if (pair?.conduit == null) {
          unmatched++;
          continue;
        }
        const slot = reader.localClock(record.ts);
        if (pair.conduit.epochStart === null || slot.day < pair.conduit.epochStart) {
          skippedBeforeEpoch++;
          continue;
        }
        const flow = reader.flowKey(pair, record, orig.zone!);
        if (flow.wrong) {
          const summary = wrong.get(flow.wrongKey);
          if (summary) summary.count++;
          else if (wrong.size < INGEST_CREATION_CAP)
            wrong.set(flow.wrongKey, {
              conduitId: flow.conduit.id,
              conduit: flow.conduit.name,
              tuple: flow.tuple,
              count: 1,
            });
        }
        const i = keys.push(pair.lanes!, record);
        pending.flows[i] = flow;
        pending.slots[i] = slot;
        pending.ts[i] = record.ts;
        if (
          legacyMinutes?.first != null &&
          keys.minute[i]! >= legacyMinutes.first &&
          keys.minute[i]! <= legacyMinutes.last
        ) {
          const key = legacyKey(record);
          pending.legacyHigh[i] = key.high;
          pending.legacyLow[i] = key.low;
        }
        pending.bytes[i] = (record.origBytes ?? 0) + (record.respBytes ?? 0);
      }
    },

    async finish() {
      await writeChunk();
      if (records > 0 && !reader.sawPlantAddress) {
        throw new ActError(
          400,
          `None of the addresses in this log is inside a zone range of ${plant.code}: the addresses belong to another plant's address space.`
        );
      }
      beforePublish();
      if (!options.dryRun) {
        const summary = await transact(publish);
        // The hosts it found are staged now; what is left of them goes in short transactions (a scan has millions).
        for (;;) {
          const gone = await transact(async (tx) => {
            const { numDeletedRows } = await tx
              .deleteFrom("ingest_host")
              .where("ingest_id", "=", ingestId)
              .where("ip", "in", (eb) =>
                eb.selectFrom("ingest_host").select("ip").where("ingest_id", "=", ingestId).limit(CHUNK_RECORDS)
              )
              .executeTakeFirst();
            return Number(numDeletedRows);
          });
          if (gone === 0) return summary;
        }
      }
      return transact(async (tx) => {
        // A dry run publishes and takes it back, so that its figures are exactly those of a real run.
        await sql`savepoint ingest_dry_run`.execute(tx);
        const summary = await publish(tx);
        await sql`rollback to ingest_dry_run`.execute(tx);
        await sql`release ingest_dry_run`.execute(tx);
        // Its chunks go with it (cascading from the ingest's row).
        await tx.deleteFrom("evidence_ingest").where("id", "=", ingestId).execute();
        return summary;
      });
    },

    abandon,
  };
}

/**
 * Opens an ingest for one plant inside a transaction the caller holds (the demo seed): what it writes commits or
 * rolls back with the caller's transaction.
 */
export function openIngest(tx: Transaction<Database>, options: IngestOptions): Promise<IngestSession> {
  return startIngest(tx, (work) => work(tx), options);
}

/**
 * An ingest fed by `feed`, written in short transactions (the app stays writable while it runs) and published in
 * one at the end; a failure deletes what it wrote, and a dry run computes everything and publishes nothing.
 */
export async function withIngest(
  db: DB,
  options: IngestOptions,
  feed: (session: IngestSession) => Promise<void>
): Promise<IngestSummary> {
  const tuning = isPostgres(db) ? null : tuneSqliteForIngest(db);
  try {
    const session = await startIngest(
      db,
      (work) => db.transaction().execute(work),
      options,
      () => tuning?.beforePublish()
    );
    try {
      await feed(session);
      return await session.finish();
    } catch (error) {
      await session.abandon();
      throw error;
    }
  } finally {
    tuning?.restore();
  }
}

/**
 * SQLite's settings for the ingest's chunks: a larger cache, and chunks that need not wait for the disk. A chunk
 * lost to a power cut is only an unpublished ingest, which the next one deletes: chunks need not wait for the disk
 * (the publication does: the setting is restored before it), nor copy the log into the database file every thousand
 * pages (the next writer after the ingest does it once). PostgreSQL needs none of this: its chunks are few
 * statements each, and its own settings are the operator's.
 */
function tuneSqliteForIngest(db: DB): { beforePublish(): void; restore(): void } {
  const sqlite = sqliteHandle(db);
  const cacheSize = sqlite.pragma("cache_size", { simple: true }) as number;
  const synchronous = sqlite.pragma("synchronous", { simple: true }) as number;
  const autocheckpoint = sqlite.pragma("wal_autocheckpoint", { simple: true }) as number;
  sqlite.pragma(`cache_size = -${INGEST_CACHE_KIB}`);
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("wal_autocheckpoint = 0");
  return {
    beforePublish: () => sqlite.pragma(`synchronous = ${synchronous}`),
    restore() {
      sqlite.pragma(`cache_size = ${cacheSize}`);
      sqlite.pragma(`synchronous = ${synchronous}`);
      sqlite.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
    },
  };
}

/** Ingests records already in memory (tests, small payloads). */
export function ingestConnRecords(
  db: DB,
  options: IngestOptions & { records: Iterable<ConnRecord> }
): Promise<IngestSummary> {
  return withIngest(db, options, (session) => session.add(options.records));
}

export interface IngestAnomalyRow extends IngestAnomaly {
  id: number;
  label: string | null;
  finishedAt: string;
}

/** The latest ingests into a plant that would have created more than the cap allows (the plant page's notice). */
export async function listIngestAnomalies(db: Executor, plantId: number, limit = 3): Promise<IngestAnomalyRow[]> {
  const rows = await db
    .selectFrom("evidence_ingest")
    .select(["id", "label", "finished_at", "new_hosts", "staged_hosts", "new_wrong_flows", "recorded_wrong_flows"])
    .where("plant_id", "=", plantId)
    .where("state", "=", "published")
    .where((eb) =>
      eb.or([eb("new_hosts", ">", eb.ref("staged_hosts")), eb("new_wrong_flows", ">", eb.ref("recorded_wrong_flows"))])
    )
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    label: row.label,
    finishedAt: row.finished_at!,
    cap: INGEST_CREATION_CAP,
    newHosts: row.new_hosts,
    stagedHosts: row.staged_hosts,
    newWrongFlows: row.new_wrong_flows,
    recordedWrongFlows: row.recorded_wrong_flows,
  }));
}
