import crypto from "node:crypto";
import { sql, type Transaction } from "kysely";
import { DateTime } from "luxon";
import type { Database } from "../../db/schema";
import { epochStartFor, type BaselineSettings } from "~/domain/baseline";
import { localDay } from "~/domain/calendar";
import { CidrMatcher } from "~/domain/cidr";
import { flowTuple, type ConnRecord } from "~/domain/zeek";
import { recordAudit } from "~/models/audit.server";
import { loadSettings } from "~/models/readiness.server";
import type { AuditActor } from "~/utils/actor";
import { sqliteHandle, type DB } from "~/utils/db.server";
import { ActError } from "~/utils/errors";

// Passive baseline evidence from Zeek connections. Each connection is mapped to the conduit whose two endpoint
// zones contain its two hosts, recorded once per plant (so re-ingest and overlapping files never count twice),
// and the conduit's observation of each touched plant-local day is recomputed from what is recorded.

export const ZEEK_SOURCE = "zeek_ingest";

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

export interface DayFigures {
  conduitId: number;
  conduit: string;
  day: string;
  coverage: number;
  tuples: number;
  newTuples: number;
  connections: number;
  bytes: number;
}

export interface WrongFlow {
  conduitId: number;
  conduit: string;
  tuple: string;
  /** Connections of this flow in this ingest. */
  count: number;
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
  wrongFlows: WrongFlow[];
  stagedHosts: { ip: string; zone: string }[];
  /** Flows inside one zone, between zones without a conduit, or with a host outside the plant's ranges. */
  unmatched: number;
  /** Flows on a conduit before its current epoch began (or with no epoch at all). */
  skippedBeforeEpoch: number;
}

export interface IngestSession {
  add(records: Iterable<ConnRecord>): Promise<void>;
  finish(): Promise<IngestSummary>;
}

interface ConduitInfo {
  id: number;
  name: string;
  zoneA: number;
  zoneB: number;
  epochKey: string | null;
  epochStart: string | null;
  flows: { protocol: string; port: number | null; direction: string }[];
}

interface Zone {
  id: number;
  name: string;
}

/** Page cache of the connection while an ingest runs (kibibytes): a million connections write some 150 MB of
 * rows and index entries, and with SQLite's default 2 MB cache the indexes' pages are read back over and over. */
const INGEST_CACHE_KIB = 32_768;
/** Flow tuples held in memory before they are written: bounds the memory of an ingest of many distinct flows. */
const TUPLES_HELD = 50_000;

function pairKey(a: number, b: number): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/**
 * The connection's key within its plant: its start second, zero-padded, then a hash of its start and 5-tuple.
 * The leading second keeps the keys of one log together in the primary-key index, so an ingest appends to the
 * index instead of writing all over it (migration 2026-11-26T0100_performance rewrote older keys the same way).
 */
function connectionKey(record: ConnRecord): string {
  const text = `${record.ts}|${record.origHost}|${record.origPort ?? "-"}|${record.respHost}|${
    record.respPort ?? "-"
  }|${record.proto}`;
  return `${String(Math.floor(record.ts)).padStart(10, "0")}${crypto.hash("sha1", text, "base64url")}`;
}

function isAllowed(conduit: ConduitInfo, record: ConnRecord, originZone: number): boolean {
  const port = record.proto === "icmp" ? null : record.respPort;
  // A loop, not `some` with an arrow: this runs once per connection.
  for (const flow of conduit.flows) {
    if (
      flow.protocol === record.proto &&
      (flow.port === null || flow.port === port) &&
      (flow.direction === "both" ||
        (flow.direction === "a_to_b" ? originZone === conduit.zoneA : originZone === conduit.zoneB))
    )
      return true;
  }
  return false;
}

/**
 * Opens an ingest for one plant inside a transaction the caller holds; `finish` writes the observations.
 * Connections, flow tuples and policy violations, one row each, go through statements prepared once on the
 * connection under `tx`, inside the same transaction (Kysely would compile and prepare a statement per chunk).
 */
export async function openIngest(tx: Transaction<Database>, options: IngestOptions): Promise<IngestSession> {
  const sqlite = sqliteHandle(tx);
  const source = options.source ?? ZEEK_SOURCE;
  const plant = await tx
    .selectFrom("plant")
    .select(["id", "code", "time_zone"])
    .where("code", "=", options.plantCode.toUpperCase())
    .executeTakeFirst();
  if (!plant) throw new ActError(404, `No plant in the program has the code “${options.plantCode}”.`);
  const settings: BaselineSettings = await loadSettings(tx);

  const zones = await tx.selectFrom("zone").select(["id", "name"]).where("plant_id", "=", plant.id).execute();
  const zoneById = new Map<number, Zone>(zones.map((z) => [z.id, z]));
  const ranges = await tx
    .selectFrom("zone_range as r")
    .innerJoin("zone as z", "z.id", "r.zone_id")
    .select(["r.zone_id", "r.cidr"])
    .where("z.plant_id", "=", plant.id)
    .execute();
  const matcher = new CidrMatcher<number>();
  for (const range of ranges) matcher.add(range.cidr, range.zone_id);

  const conduitRows = await tx
    .selectFrom("conduit")
    .select(["id", "name", "zone_a_id", "zone_b_id", "revision"])
    .where("plant_id", "=", plant.id)
    .orderBy("id")
    .execute();
  const cutovers = await tx
    .selectFrom("network_change")
    .select(["conduit_id", "conduit_revision", "done_at"])
    .where("plant_id", "=", plant.id)
    .where("kind", "=", "conduit_cutover")
    .where("status", "=", "done")
    .where("done_at", "is not", null)
    .orderBy("done_at")
    .execute();
  const flowRows = conduitRows.length
    ? await tx
        .selectFrom("conduit_flow")
        .select(["conduit_id", "protocol", "port", "direction"])
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
    const done = cutovers.filter((c) => c.conduit_id === row.id && c.conduit_revision === row.revision).at(-1);
    const epochStart = done?.done_at ? epochStartFor(done.done_at, plant.time_zone) : null;
    const info: ConduitInfo = {
      id: row.id,
      name: row.name,
      zoneA: row.zone_a_id,
      zoneB: row.zone_b_id,
      epochStart,
      epochKey: epochStart ? `${row.revision}@${epochStart}` : null,
      flows: flowRows.filter((f) => f.conduit_id === row.id),
    };
    conduitById.set(row.id, info);
    const key = pairKey(row.zone_a_id, row.zone_b_id);
    if (row.zone_a_id !== row.zone_b_id && !conduitByPair.has(key)) conduitByPair.set(key, info);
  }

  const inventory = new Set(
    (await tx.selectFrom("asset").select("ip").where("plant_id", "=", plant.id).where("ip", "is not", null).execute())
      .map((a) => a.ip)
      .filter((ip): ip is string => ip !== null)
  );

  // Plant-local day and hour per quarter hour of UTC (every zone offset is a multiple of 15 minutes).
  const clock = new Map<number, { day: string; hour: number }>();
  const localClock = (ts: number) => {
    const bucket = Math.floor(ts / 900);
    let held = clock.get(bucket);
    if (!held) {
      const at = new Date(bucket * 900_000);
      held = { day: localDay(at, plant.time_zone), hour: DateTime.fromJSDate(at).setZone(plant.time_zone).hour };
      if (clock.size > 10_000) clock.clear();
      clock.set(bucket, held);
    }
    return held;
  };
  const zoneCache = new Map<string, number | null>();
  const zoneOf = (ip: string): number | null => {
    let zone = zoneCache.get(ip);
    if (zone === undefined) {
      zone = matcher.match(ip);
      if (zoneCache.size > 100_000) zoneCache.clear();
      zoneCache.set(ip, zone);
    }
    return zone;
  };

  const now = (options.now ?? new Date()).toISOString();
  const touched = new Map<number, Set<string>>();
  // The earliest day of each flow tuple in this ingest, written once at the end (or whenever many are held):
  // a tuple recurs on most connections, and one upsert per connection would double the writes.
  const firstDays = new Map<string, { conduitId: number; epochKey: string; tuple: string; day: string }>();
  const flushTuples = () => {
    for (const t of firstDays.values()) upsertTuple.run(t.conduitId, t.epochKey, t.tuple, t.day);
    firstDays.clear();
  };
  const wrong = new Map<string, WrongFlow>();
  const staged: { ip: string; zone: string }[] = [];
  let records = 0;
  let counted = 0;
  let sawPlantAddress = false;
  let unmatched = 0;
  let skippedBeforeEpoch = 0;

  const insertConnection = sqlite.prepare<
    [number, string, number, string, string, number, number, string, number, number, string]
  >(
    `insert into ingested_connection (plant_id, conn_key, conduit_id, epoch_key, day, hour, ts, tuple, bytes, wrong, source)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (plant_id, conn_key) do nothing`
  );
  const upsertTuple = sqlite.prepare<[number, string, string, string]>(
    `insert into flow_tuple (conduit_id, epoch_key, tuple, first_day) values (?, ?, ?, ?)
     on conflict (conduit_id, epoch_key, tuple) do update set first_day = min(flow_tuple.first_day, excluded.first_day)`
  );

  const wrongFlowsOf = sqlite.prepare<[number], { tuple: string; count: number; first: number; last: number }>(
    `select tuple, count(*) as count, min(ts) as first, max(ts) as last from ingested_connection
     where conduit_id = ? and wrong = 1 group by tuple`
  );
  const upsertViolation = sqlite.prepare<[number, string, string, string, number]>(
    `insert into policy_violation (conduit_id, tuple, first_seen, last_seen, count, acknowledged_by, acknowledged_at)
     values (?, ?, ?, ?, ?, null, null)
     on conflict (conduit_id, tuple) do update set
       first_seen = excluded.first_seen, last_seen = excluded.last_seen, count = excluded.count`
  );

  /** A host seen in traffic inside a zone but missing from the inventory becomes a staged asset. */
  async function stage(ip: string, zoneId: number): Promise<void> {
    inventory.add(ip);
    await tx
      .insertInto("asset")
      .values({
        plant_id: plant!.id,
        zone_id: zoneId,
        name: `host-${ip}`,
        kind: null,
        vendor: null,
        model: null,
        firmware: null,
        install_year: null,
        ip,
        mac: null,
        criticality: null,
        discovery_source: ZEEK_SOURCE,
        status: "staged",
        discovered_at: now,
        created_at: now,
        updated_at: now,
      })
      .execute();
    staged.push({ ip, zone: zoneById.get(zoneId)?.name ?? String(zoneId) });
  }

  return {
    async add(batch) {
      for (const record of batch) {
        records++;
        const origZone = zoneOf(record.origHost);
        const respZone = zoneOf(record.respHost);
        if (origZone !== null) {
          sawPlantAddress = true;
          if (!inventory.has(record.origHost)) await stage(record.origHost, origZone);
        }
        if (respZone !== null) {
          sawPlantAddress = true;
          if (!inventory.has(record.respHost)) await stage(record.respHost, respZone);
        }
        const conduit =
          origZone !== null && respZone !== null && origZone !== respZone
            ? conduitByPair.get(pairKey(origZone, respZone))
            : undefined;
        if (!conduit || origZone === null) {
          unmatched++;
          continue;
        }
        const { day, hour } = localClock(record.ts);
        if (conduit.epochStart === null || conduit.epochKey === null || day < conduit.epochStart) {
          skippedBeforeEpoch++;
          continue;
        }
        const tuple = flowTuple(record, settings);
        const isWrong = !isAllowed(conduit, record, origZone);
        counted += insertConnection.run(
          plant.id,
          connectionKey(record),
          conduit.id,
          conduit.epochKey,
          day,
          hour,
          record.ts,
          tuple,
          (record.origBytes ?? 0) + (record.respBytes ?? 0),
          isWrong ? 1 : 0,
          source
        ).changes;
        const tupleKey = `${conduit.id}\n${tuple}`;
        const held = firstDays.get(tupleKey);
        if (!held || day < held.day)
          firstDays.set(tupleKey, { conduitId: conduit.id, epochKey: conduit.epochKey, tuple, day });
        if (isWrong) {
          const flow = wrong.get(tupleKey) ?? { conduitId: conduit.id, conduit: conduit.name, tuple, count: 0 };
          flow.count++;
          wrong.set(tupleKey, flow);
        }
        let days = touched.get(conduit.id);
        if (!days) touched.set(conduit.id, (days = new Set()));
        days.add(day);
      }
      if (firstDays.size > TUPLES_HELD) flushTuples();
    },

    async finish() {
      flushTuples();
      if (records > 0 && !sawPlantAddress) {
        throw new ActError(
          400,
          `None of the addresses in this log is inside a zone range of ${plant.code}: the addresses belong to another plant's address space.`
        );
      }
      const days: DayFigures[] = [];
      for (const [conduitId, touchedDays] of touched) {
        const conduit = conduitById.get(conduitId)!;
        const epochKey = conduit.epochKey!;
        const from = [...touchedDays].sort()[0]!;
        // A day ingested late can move a tuple's first day earlier: every later day is recomputed too.
        const figures = await tx
          .selectFrom("ingested_connection")
          .select((eb) => [
            "day",
            eb.fn.countAll<number>().as("connections"),
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
            coverage: Math.min(1, Number(figure.hours) / 24),
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
        // Every wrong flow of the conduit, recounted (prepared once: a busy conduit has thousands).
        for (const v of wrongFlowsOf.all(conduitId)) {
          upsertViolation.run(
            conduitId,
            v.tuple,
            new Date(v.first * 1000).toISOString(),
            new Date(v.last * 1000).toISOString(),
            v.count
          );
        }
      }
      days.sort((a, b) => a.conduitId - b.conduitId || (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
      const summary: IngestSummary = {
        plant: plant.code,
        dryRun: options.dryRun === true,
        records,
        counted,
        duplicates: records - unmatched - skippedBeforeEpoch - counted,
        days,
        wrongFlows: [...wrong.values()].sort((a, b) => b.count - a.count),
        stagedHosts: staged,
        unmatched,
        skippedBeforeEpoch,
      };
      if (!options.dryRun) {
        await recordAudit(
          tx,
          options.actor,
          {
            action: "observation.ingest",
            objectType: "plant",
            objectId: plant.id,
            plantId: plant.id,
            summary: `Ingested ${records} Zeek connections${options.label ? ` from ${options.label}` : ""} into ${
              plant.code
            }: ${counted} counted, ${days.length} conduit-days, ${staged.length} staged hosts, ${
              summary.wrongFlows.length
            } wrong flows.`,
            after: { counted, duplicates: summary.duplicates, days, stagedHosts: staged.length },
          },
          options.now
        );
      }
      return summary;
    },
  };
}

class DryRunRollback extends Error {
  constructor(readonly summary: IngestSummary) {
    super("dry run");
  }
}

/** One transaction around an ingest fed by `feed`; a dry run computes everything and then rolls back. */
export async function withIngest(
  db: DB,
  options: IngestOptions,
  feed: (session: IngestSession) => Promise<void>
): Promise<IngestSummary> {
  try {
    return await db.transaction().execute(async (tx) => {
      const sqlite = sqliteHandle(db);
      const cacheSize = sqlite.pragma("cache_size", { simple: true }) as number;
      sqlite.pragma(`cache_size = -${INGEST_CACHE_KIB}`);
      try {
        const session = await openIngest(tx, options);
        await feed(session);
        const summary = await session.finish();
        if (options.dryRun) throw new DryRunRollback(summary);
        return summary;
      } finally {
        sqlite.pragma(`cache_size = ${cacheSize}`);
      }
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.summary;
    throw error;
  }
}

/** Ingests records already in memory (tests, small payloads) in one transaction. */
export function ingestConnRecords(
  db: DB,
  options: IngestOptions & { records: Iterable<ConnRecord> }
): Promise<IngestSummary> {
  return withIngest(db, options, (session) => session.add(options.records));
}
