import crypto from "node:crypto";
import os from "node:os";
import { sql, type Transaction } from "kysely";
import { DateTime } from "luxon";
import type { Database } from "../../db/schema";
import { currentEpoch, type BaselineSettings, type Observation } from "~/domain/baseline";
import { localDay } from "~/domain/calendar";
import {
  blobOf,
  KEY_WORDS,
  KeyBatch,
  keysOf,
  keyWithHash,
  pairLanes,
  type ConnectionKey,
  type PairLanes,
} from "~/domain/connection-keys";
import { classifyFlow, dayCoverage } from "~/domain/flows";
import { flowTuple, type ConnRecord } from "~/domain/zeek";
import { recordAudit } from "~/models/audit.server";
import { loadSettings } from "~/models/baseline-settings.server";
import { loadZoneRanges } from "~/models/zones.server";
import { listCutovers } from "~/models/cutovers.server";
import type { AuditActor } from "~/utils/actor";
import { isPostgres, smaller, sqliteHandle, type DB, type Executor } from "~/utils/db.server";
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

export const ZEEK_SOURCE = "zeek_ingest";

/**
 * At most this many new hosts are staged, and this many new wrong flows become policy violations, by one ingest:
 * a file that would create more is a scan or spoofed sources, and is reported as such instead (docs/evidence.md).
 */
export const INGEST_CREATION_CAP = 5_000;

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

/** A conduit's figures of one day, all sources together. */
export interface DayFigures extends Omit<Observation, "source"> {
  conduitId: number;
  conduit: string;
}

export interface WrongFlow {
  conduitId: number;
  conduit: string;
  tuple: string;
  /** Connections of this flow in this ingest. */
  count: number;
}

/** What a file would have created beyond the cap: a scan, or sources spoofed across the plant's ranges. */
export interface IngestAnomaly {
  cap: number;
  /** Distinct hosts inside the plant's ranges and missing from the inventory, and how many were staged. */
  newHosts: number;
  stagedHosts: number;
  /** Distinct wrong flows with no policy violation yet, and how many became one. */
  newWrongFlows: number;
  recordedWrongFlows: number;
}

export interface IngestSummary {
  plant: string;
  dryRun: boolean;
  records: number;
  /** Connections counted for the first time. */
  counted: number;
  /** Connections already counted by an earlier ingest. */
  duplicates: number;
  days: DayFigures[];
  /** Wrong flows of this ingest (the first INGEST_CREATION_CAP of them). */
  wrongFlows: WrongFlow[];
  stagedHosts: { ip: string; zone: string }[];
  /** Flows inside one zone, between zones without a conduit, or with a host outside the plant's ranges. */
  unmatched: number;
  /** Flows on a conduit before its current epoch began (or with no epoch at all). */
  skippedBeforeEpoch: number;
  /** Null unless the file would have created more hosts or violations than the cap allows. */
  anomaly: IngestAnomaly | null;
}

export interface IngestSession {
  add(records: Iterable<ConnRecord>): Promise<void>;
  finish(): Promise<IngestSummary>;
  /** Deletes what the ingest wrote so far (it was never published). */
  abandon(): Promise<void>;
}

interface ConduitInfo {
  id: number;
  name: string;
  zoneA: number;
  zoneB: number;
  epochKey: string | null;
  epochStart: string | null;
  flows: { protocol: string; port: number | null; portEnd: number | null; direction: string }[];
}

interface Zone {
  id: number;
  name: string;
}

/** A plant-local day and hour. */
interface HourSlot {
  day: string;
  hour: number;
}

interface HostInfo {
  zone: number | null;
  /** By responder. */
  pairs: Map<string, PairInfo>;
}

interface PairInfo {
  /** The conduit the pair's connections cross, if any. */
  conduit: ConduitInfo | null;
  lanes: PairLanes | null;
  /** By protocol and responder port. */
  flows: Map<number, FlowKey>;
  /** By wrongness and flow tuple (ephemeral ports are one tuple). */
  tuples: Map<string, FlowKey>;
}

interface HourCounts {
  connections: number;
  bytes: number;
  first: number;
  last: number;
}

/** A flow tuple on a conduit, allowed or wrong, and its counts per hour in the chunk being written. */
interface FlowKey {
  conduit: ConduitInfo;
  tuple: string;
  wrong: boolean;
  wrongKey: string;
  /** The chunk's counts of the flow's first hour in it (most flows have one), and of any other hour. */
  slot: HourSlot | null;
  counts: HourCounts;
  otherHours: Map<HourSlot, HourCounts> | null;
}

/** Runs one transaction: its own (a chunk, the publication) or, inside a caller's transaction, just the work. */
type Transact = <T>(work: (tx: Transaction<Database>) => Promise<T>) => Promise<T>;

/** Connections written per transaction while an ingest runs: each holds the write lock for some tens of ms. */
const CHUNK_RECORDS = 50_000;
/** Lines read between two heartbeats at most, when few of them cross a conduit. */
const HEARTBEAT_RECORDS = 1_000_000;
/** A running ingest that has written nothing for this long is taken as dead, whatever machine it ran on. */
const STALE_AFTER_MS = 10 * 60_000;
/** Hosts of the inventory, host pairs and flows remembered while reading (past this, forgotten and learnt again). */
const HOSTS_HELD = 100_000;
/** New hosts written per transaction: a scan's chunks are smaller, so what they hold dies young. */
const NEW_HOSTS_PER_CHUNK = 10_000;
/** Other addresses remembered while reading. */
const STRANGERS_HELD = 2_000;
/** Page cache of the connection while an ingest runs (kibibytes), so the flow hours' pages stay in memory. */
const INGEST_CACHE_KIB = 16_384;

function pairKey(a: number, b: number): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

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

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Registers a running ingest into the plant. Another one still running refuses it; one whose process is gone (a
 * `kill -9`, a crash, a machine restarted) is deleted with everything it wrote, none of which was ever published.
 */
async function claimIngest(
  tx: Transaction<Database>,
  plant: { id: number; code: string },
  source: string,
  label: string | null,
  recordedAt: string
): Promise<number> {
  const now = new Date();
  const running = await tx
    .selectFrom("evidence_ingest")
    .select(["id", "pid", "host", "started_at", "heartbeat_at"])
    .where("plant_id", "=", plant.id)
    .where("state", "=", "running")
    .execute();
  for (const other of running) {
    const fresh = now.getTime() - Date.parse(other.heartbeat_at) < STALE_AFTER_MS;
    const alive = other.host !== os.hostname() || (other.pid !== null && processAlive(other.pid));
    if (fresh && alive) {
      throw new ActError(
        409,
        `Another ingest into ${plant.code} is running (process ${other.pid} on ${other.host}, since ${other.started_at}): run this one when it has finished.`
      );
    }
    await tx.deleteFrom("evidence_ingest").where("id", "=", other.id).execute();
  }
  // Hosts of a published ingest whose process died before clearing them.
  await tx
    .deleteFrom("ingest_host")
    .where("ingest_id", "in", (eb) =>
      eb.selectFrom("evidence_ingest").select("id").where("plant_id", "=", plant.id).where("state", "=", "published")
    )
    .execute();
  const { id } = await tx
    .insertInto("evidence_ingest")
    .values({
      plant_id: plant.id,
      source,
      label,
      state: "running",
      pid: process.pid,
      host: os.hostname(),
      started_at: recordedAt,
      heartbeat_at: now.toISOString(),
      finished_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
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

  const { zones, matcher } = await loadZoneRanges(db, plant.id);
  const zoneById = new Map<number, Zone>(zones.map((z) => [z.id, z]));

  const conduitRows = await db
    .selectFrom("conduit")
    .select(["id", "name", "zone_a_id", "zone_b_id", "revision"])
    .where("plant_id", "=", plant.id)
    .orderBy("id")
    .execute();
  const cutovers = await listCutovers(db, [plant.id]);
  const flowRows = conduitRows.length
    ? await db
        .selectFrom("conduit_flow")
        .select(["conduit_id", "protocol", "port", "port_end as portEnd", "direction"])
        .where(
          "conduit_id",
          "in",
          conduitRows.map((c) => c.id)
        )
        .execute()
    : [];
  const conduitByPair = new Map<string, ConduitInfo>();
  const conduitById = new Map<number, ConduitInfo>();
  for (const row of conduitRows) {
    const epoch = currentEpoch(
      cutovers.filter((c) => c.conduitId === row.id),
      row,
      plant.time_zone
    );
    const info: ConduitInfo = {
      id: row.id,
      name: row.name,
      zoneA: row.zone_a_id,
      zoneB: row.zone_b_id,
      epochStart: epoch?.start ?? null,
      epochKey: epoch?.key ?? null,
      flows: flowRows.filter((f) => f.conduit_id === row.id),
    };
    conduitById.set(row.id, info);
    const key = pairKey(row.zone_a_id, row.zone_b_id);
    if (row.zone_a_id !== row.zone_b_id && !conduitByPair.has(key)) conduitByPair.set(key, info);
  }

  const inventory = new Set(
    (await db.selectFrom("asset").select("ip").where("plant_id", "=", plant.id).where("ip", "is not", null).execute())
      .map((a) => a.ip)
      .filter((ip): ip is string => ip !== null)
  );

  // The minutes holding keys of ingests before 2026-12-05 (migrated), if any.
  const legacyMinutes = await db
    .selectFrom("connection_key")
    .select((eb) => [eb.fn.min<number>("minute").as("first"), eb.fn.max<number>("minute").as("last")])
    .where("plant_id", "=", plant.id)
    .where("legacy", "=", 1)
    .executeTakeFirst();

  const now = (options.now ?? new Date()).toISOString();
  const ingestId = await transact((tx) => claimIngest(tx, plant, source, options.label ?? null, now));

  // Plant-local day and hour per quarter hour of UTC (every zone offset is a multiple of 15 minutes), one object
  // per local hour, so that a flow's counts of an hour gather under it.
  const clock = new Map<number, HourSlot>();
  const slots = new Map<string, HourSlot>();
  const localClock = (ts: number): HourSlot => {
    const bucket = Math.floor(ts / 900);
    let held = clock.get(bucket);
    if (!held) {
      const at = new Date(bucket * 900_000);
      const day = localDay(at, plant.time_zone);
      const hour = DateTime.fromJSDate(at).setZone(plant.time_zone).hour;
      if (clock.size > 10_000) {
        clock.clear();
        slots.clear();
      }
      held = slots.get(`${day}|${hour}`);
      if (!held) slots.set(`${day}|${hour}`, (held = { day, hour }));
      clock.set(bucket, held);
    }
    return held;
  };

  // What is known of each host, host pair and flow met lately: a log repeats them, so a connection costs a few
  // map lookups. Bounded: past HOSTS_HELD entries it is all forgotten, and learnt again.
  let hosts = new Map<string, HostInfo>();
  let held = 0;
  // Addresses missing from the inventory are kept apart, and few: a spoofed scan brings a new one on every line,
  // and what is remembered of them must be forgotten young, before the garbage collector moves it to the old heap.
  let strangers = new Map<string, HostInfo>();
  const hostInfo = (ip: string): HostInfo => {
    let info = hosts.get(ip) ?? strangers.get(ip);
    if (!info) {
      const zone = matcher.match(ip);
      info = { zone, pairs: new Map() };
      if (inventory.has(ip)) {
        if (held > HOSTS_HELD) {
          hosts = new Map();
          held = 0;
        }
        hosts.set(ip, info);
        held++;
      } else {
        if (strangers.size >= STRANGERS_HELD) strangers = new Map();
        strangers.set(ip, info);
        if (zone !== null && !chunkHosts.has(ip)) chunkHosts.set(ip, zone);
      }
      if (zone !== null) sawPlantAddress = true;
    }
    return info;
  };
  /** The pair of two hosts in two zones of the plant. */
  const pairInfo = (orig: HostInfo, origHost: string, respHost: string, respZone: number): PairInfo => {
    let pair = orig.pairs.get(respHost);
    if (!pair) {
      const conduit = conduitByPair.get(pairKey(orig.zone!, respZone)) ?? null;
      pair = { conduit, lanes: conduit ? pairLanes(origHost, respHost) : null, flows: new Map(), tuples: new Map() };
      orig.pairs.set(respHost, pair);
      held++;
    }
    return pair;
  };
  const flowKey = (pair: PairInfo, record: ConnRecord, originZone: number): FlowKey => {
    const port = (record.proto === "tcp" ? 0 : record.proto === "udp" ? 1 : 2) * 65537 + (record.respPort ?? 65536);
    const known = record.proto === "tcp" || record.proto === "udp" || record.proto === "icmp";
    let flow = known ? pair.flows.get(port) : undefined;
    if (!flow) {
      const conduit = pair.conduit!;
      const tuple = flowTuple(record, settings);
      const isWrong = classifyFlow(conduit, record, originZone) === "wrong";
      const id = `${isWrong ? 1 : 0}${tuple}`;
      flow = pair.tuples.get(id);
      if (!flow) {
        flow = {
          conduit,
          tuple,
          wrong: isWrong,
          wrongKey: `${conduit.id}\n${tuple}`,
          slot: null,
          counts: { connections: 0, bytes: 0, first: 0, last: 0 },
          otherHours: null,
        };
        pair.tuples.set(id, flow);
      }
      if (known) pair.flows.set(port, flow);
      held++;
    }
    return flow;
  };

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
  /** Hosts missing from the inventory first seen in the chunk being read, in order of appearance. */
  let chunkHosts = new Map<string, number>();
  let hostSeq = 0;
  /** Lines read since the last chunk: a long run of lines on no conduit still writes a heartbeat now and then. */
  let readSinceWrite = 0;
  let records = 0;
  let counted = 0;
  let sawPlantAddress = false;
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
    const newHosts = chunkHosts;
    chunkHosts = new Map();
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
    await transact(async (tx) => {
      await tx.deleteFrom("evidence_ingest").where("id", "=", ingestId).where("state", "=", "running").execute();
    });
  }

  /** Everything readers see of the ingest, in the transaction that publishes it (or a dry run rolls back). */
  async function publish(tx: Transaction<Database>): Promise<IngestSummary> {
    const touched = new Map<number, Set<string>>();
    for (const row of await tx
      .selectFrom("flow_hour")
      .select(["conduit_id", "day"])
      .distinct()
      .where("ingest_id", "=", ingestId)
      .execute()) {
      let days = touched.get(row.conduit_id);
      if (!days) touched.set(row.conduit_id, (days = new Set()));
      days.add(row.day);
    }
    // The earliest day of each flow tuple of the epoch (a day ingested late can move it earlier).
    await sql`insert into flow_tuple (conduit_id, epoch_key, tuple, first_day)
      select conduit_id, epoch_key, tuple, min(day) from flow_hour where ingest_id = ${ingestId}
      group by conduit_id, epoch_key, tuple
      on conflict (conduit_id, epoch_key, tuple) do update set first_day = ${smaller(
        tx,
        sql.ref("flow_tuple.first_day"),
        sql.ref("excluded.first_day")
      )}`.execute(tx);

    const days: DayFigures[] = [];
    for (const [conduitId, touchedDays] of touched) {
      const conduit = conduitById.get(conduitId)!;
      const epochKey = conduit.epochKey!;
      const from = [...touchedDays].sort()[0]!;
      // A day ingested late can move a tuple's first day earlier: every later day is recomputed too.
      const figures = await tx
        .selectFrom("flow_hour")
        .select((eb) => [
          "day",
          eb.fn.sum<number>("connections").as("connections"),
          eb.fn.sum<number>("bytes").as("bytes"),
          sql<number>`count(distinct tuple)`.as("tuples"),
          sql<number>`count(distinct hour)`.as("hours"),
        ])
        .where("conduit_id", "=", conduitId)
        .where("epoch_key", "=", epochKey)
        .where("day", ">=", from)
        .groupBy("day")
        .execute();
      const novel = await tx
        .selectFrom("flow_tuple")
        .select((eb) => ["first_day", eb.fn.countAll<number>().as("count")])
        .where("conduit_id", "=", conduitId)
        .where("epoch_key", "=", epochKey)
        .where("first_day", ">=", from)
        .groupBy("first_day")
        .execute();
      const newByDay = new Map(novel.map((n) => [n.first_day, Number(n.count)]));
      for (const figure of figures) {
        const row = {
          coverage: dayCoverage(Number(figure.hours)),
          tuples: Number(figure.tuples),
          new_tuples: newByDay.get(figure.day) ?? 0,
          connections: Number(figure.connections),
          bytes: Number(figure.bytes),
          recorded_at: now,
        };
        await tx
          .insertInto("observation")
          .values({ conduit_id: conduitId, day: figure.day, source, ...row })
          .onConflict((oc) => oc.columns(["conduit_id", "day", "source"]).doUpdateSet(row))
          .execute();
        if (touchedDays.has(figure.day)) {
          days.push({
            conduitId,
            conduit: conduit.name,
            day: figure.day,
            coverage: row.coverage,
            tuples: row.tuples,
            newTuples: row.new_tuples,
            connections: row.connections,
            bytes: row.bytes,
          });
        }
      }
    }
    days.sort((a, b) => a.conduitId - b.conduitId || (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));

    const violations = await recountViolations(tx);
    const hosts = await stageHosts(tx);
    const anomaly: IngestAnomaly | null =
      hosts.newHosts > hosts.staged.length || violations.newWrongFlows > violations.recorded
        ? {
            cap: INGEST_CREATION_CAP,
            newHosts: hosts.newHosts,
            stagedHosts: hosts.staged.length,
            newWrongFlows: violations.newWrongFlows,
            recordedWrongFlows: violations.recorded,
          }
        : null;
    const summary: IngestSummary = {
      plant: plant!.code,
      dryRun: options.dryRun === true,
      records,
      counted,
      duplicates: records - unmatched - skippedBeforeEpoch - counted,
      days,
      wrongFlows: [...wrong.values()].sort((a, b) => b.count - a.count),
      stagedHosts: hosts.staged,
      unmatched,
      skippedBeforeEpoch,
      anomaly,
    };
    const anomalyText = anomaly
      ? ` Scan or spoofing suspected: ${anomaly.newHosts} new hosts (${anomaly.stagedHosts} staged) and ${anomaly.newWrongFlows} new wrong flows (${anomaly.recordedWrongFlows} recorded), beyond the ${anomaly.cap} one file may create.`
      : "";
    await recordAudit(
      tx,
      options.actor,
      {
        action: "observation.ingest",
        objectType: "plant",
        objectId: plant!.id,
        plantId: plant!.id,
        summary: `Ingested ${records} Zeek connections${options.label ? ` from ${options.label}` : ""} into ${
          plant!.code
        }: ${counted} counted, ${days.length} conduit-days, ${hosts.staged.length} staged hosts, ${
          wrong.size
        } wrong flows.${anomalyText}`,
        after: {
          counted,
          duplicates: summary.duplicates,
          days,
          stagedHosts: hosts.staged.length,
          ...(anomaly ? { anomaly } : {}),
        },
      },
      options.now
    );
    await tx
      .updateTable("evidence_ingest")
      .set({
        // Who ran it mattered only while it ran; the instants are the one it is recorded at, as everything else.
        state: "published",
        pid: null,
        host: null,
        heartbeat_at: now,
        finished_at: now,
        records,
        counted,
        new_hosts: hosts.newHosts,
        staged_hosts: hosts.staged.length,
        new_wrong_flows: violations.newWrongFlows,
        recorded_wrong_flows: violations.recorded,
      })
      .where("id", "=", ingestId)
      .execute();
    return summary;
  }

  /**
   * Recounts the policy violations of the wrong flows this ingest saw (from every ingest's flow hours), and makes
   * the new ones violations, up to the cap.
   */
  async function recountViolations(tx: Transaction<Database>): Promise<{ newWrongFlows: number; recorded: number }> {
    const totals = (conduitId: number, tuple: string) =>
      tx
        .selectFrom("flow_hour")
        .select((eb) => [
          eb.fn.sum<number>("connections").as("count"),
          eb.fn.min("first_ts").as("first"),
          eb.fn.max("last_ts").as("last"),
        ])
        .where("conduit_id", "=", conduitId)
        .where("tuple", "=", tuple)
        .where("wrong", "=", 1)
        .executeTakeFirstOrThrow();
    const iso = (ts: number) => new Date(ts * 1000).toISOString();
    const known = await sql<{ id: number; conduit_id: number; tuple: string }>`
      select v.id, v.conduit_id, v.tuple from policy_violation v
      where v.conduit_id in (select id from conduit where plant_id = ${plant!.id})
        and exists (select 1 from flow_hour f where f.ingest_id = ${ingestId} and f.wrong = 1
        and f.conduit_id = v.conduit_id and f.tuple = v.tuple)`.execute(tx);
    for (const v of known.rows) {
      const total = await totals(v.conduit_id, v.tuple);
      await tx
        .updateTable("policy_violation")
        .set({ count: total.count, first_seen: iso(total.first), last_seen: iso(total.last) })
        .where("id", "=", v.id)
        .execute();
    }
    const fresh = sql`from flow_hour f where f.ingest_id = ${ingestId} and f.wrong = 1 and not exists
      (select 1 from policy_violation v where v.conduit_id = f.conduit_id and v.tuple = f.tuple)`;
    const { rows: counts } = await sql<{ n: number }>`
      select count(*) as n from (select 1 ${fresh} group by f.conduit_id, f.tuple) as fresh_flows`.execute(tx);
    const created = await sql<{ conduit_id: number; tuple: string }>`
      select f.conduit_id, f.tuple ${fresh} group by f.conduit_id, f.tuple
      order by min(f.first_ts), f.conduit_id, f.tuple limit ${INGEST_CREATION_CAP}`.execute(tx);
    for (const flow of created.rows) {
      const total = await totals(flow.conduit_id, flow.tuple);
      await tx
        .insertInto("policy_violation")
        .values({
          conduit_id: flow.conduit_id,
          tuple: flow.tuple,
          first_seen: iso(total.first),
          last_seen: iso(total.last),
          count: total.count,
          acknowledged_by: null,
          acknowledged_at: null,
        })
        .execute();
    }
    return { newWrongFlows: Number(counts[0]?.n ?? 0), recorded: created.rows.length };
  }

  /** Stages the hosts this ingest found missing from the inventory, in order of appearance, up to the cap. */
  async function stageHosts(
    tx: Transaction<Database>
  ): Promise<{ newHosts: number; staged: { ip: string; zone: string }[] }> {
    const missing = sql`from ingest_host h where h.ingest_id = ${ingestId} and not exists
      (select 1 from asset a where a.plant_id = ${plant!.id} and a.ip = h.ip)`;
    const { rows: counts } = await sql<{ n: number }>`select count(*) as n ${missing}`.execute(tx);
    const { rows } = await sql<{ ip: string; zone_id: number }>`
      select h.ip, h.zone_id ${missing} order by h.seq limit ${INGEST_CREATION_CAP}`.execute(tx);
    const staged: { ip: string; zone: string }[] = [];
    for (const host of rows) {
      await tx
        .insertInto("asset")
        .values({
          plant_id: plant!.id,
          zone_id: host.zone_id,
          name: `host-${host.ip}`,
          kind: null,
          vendor: null,
          model: null,
          firmware: null,
          install_year: null,
          ip: host.ip,
          mac: null,
          criticality: null,
          discovery_source: ZEEK_SOURCE,
          status: "staged",
          discovered_at: now,
          created_at: now,
          updated_at: now,
        })
        .execute();
      staged.push({ ip: host.ip, zone: zoneById.get(host.zone_id)?.name ?? String(host.zone_id) });
    }
    return { newHosts: Number(counts[0]?.n ?? 0), staged };
  }

  return {
    async add(batch) {
      for (const record of batch) {
        if (
          keys.length === CHUNK_RECORDS ||
          chunkHosts.size >= NEW_HOSTS_PER_CHUNK ||
          readSinceWrite >= HEARTBEAT_RECORDS
        )
          await writeChunk();
        records++;
        readSinceWrite++;
        const orig = hostInfo(record.origHost);
        const respZone = hostInfo(record.respHost).zone;
        const pair =
          orig.zone === null || respZone === null || orig.zone === respZone
            ? null
            : pairInfo(orig, record.origHost, record.respHost, respZone);
        if (pair?.conduit == null) {
          unmatched++;
          continue;
        }
        const slot = localClock(record.ts);
        if (pair.conduit.epochStart === null || slot.day < pair.conduit.epochStart) {
          skippedBeforeEpoch++;
          continue;
        }
        const flow = flowKey(pair, record, orig.zone!);
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
      if (records > 0 && !sawPlantAddress) {
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
