import { DateTime } from "luxon";
import { currentEpoch, type BaselineSettings } from "~/domain/baseline";
import { localDay } from "~/domain/calendar";
import { pairLanes, type PairLanes } from "~/domain/connection-keys";
import { classifyFlow } from "~/domain/flows";
import { flowTuple, type ConnRecord } from "~/domain/zeek";
import { listCutovers } from "~/models/cutovers.server";
import { loadZoneRanges } from "~/models/zones.server";
import type { Executor } from "~/utils/db.server";

// What an ingest knows of its plant while it reads a log (app/models/evidence.server.ts): the zones, conduits and
// inventory, loaded once when it starts, and what it met lately of each host, host pair and flow, so that a
// connection costs a few map lookups.

export interface ConduitInfo {
  id: number;
  name: string;
  zoneA: number;
  zoneB: number;
  epochKey: string | null;
  epochStart: string | null;
  flows: { protocol: string; port: number | null; portEnd: number | null; direction: string }[];
}

export interface Zone {
  id: number;
  name: string;
}

/** A plant-local day and hour. */
export interface HourSlot {
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

export interface HourCounts {
  connections: number;
  bytes: number;
  first: number;
  last: number;
}

/** A flow tuple on a conduit, allowed or wrong, and its counts per hour in the chunk being written. */
export interface FlowKey {
  conduit: ConduitInfo;
  tuple: string;
  wrong: boolean;
  wrongKey: string;
  /** The chunk's counts of the flow's first hour in it (most flows have one), and of any other hour. */
  slot: HourSlot | null;
  counts: HourCounts;
  otherHours: Map<HourSlot, HourCounts> | null;
}

/** Hosts of the inventory, host pairs and flows remembered while reading (past this, forgotten and learnt again). */
const HOSTS_HELD = 100_000;
/** Other addresses remembered while reading. */
const STRANGERS_HELD = 2_000;

function pairKey(a: number, b: number): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/** The plant's zones, their ranges, its conduits (in their current epoch) and the addresses of its inventory. */
export interface PlantMap {
  zoneById: Map<number, Zone>;
  matcher: Awaited<ReturnType<typeof loadZoneRanges>>["matcher"];
  conduitById: Map<number, ConduitInfo>;
  /** By the pair of zones the conduit joins (the first conduit of a pair). */
  conduitByPair: Map<string, ConduitInfo>;
  inventory: Set<string>;
}

export async function loadPlantMap(db: Executor, plant: { id: number; time_zone: string }): Promise<PlantMap> {
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
  return { zoneById, matcher, conduitById, conduitByPair, inventory };
}

/** Places each connection read: its hosts' zones, the conduit it crosses, its plant-local hour and its flow. */
export class ConnectionReader {
  // Plant-local day and hour per quarter hour of UTC (every zone offset is a multiple of 15 minutes), one object
  // per local hour, so that a flow's counts of an hour gather under it.
  private readonly clock = new Map<number, HourSlot>();
  private readonly slots = new Map<string, HourSlot>();
  // What is known of each host, host pair and flow met lately: a log repeats them, so a connection costs a few
  // map lookups. Bounded: past HOSTS_HELD entries it is all forgotten, and learnt again.
  private hosts = new Map<string, HostInfo>();
  private held = 0;
  // Addresses missing from the inventory are kept apart, and few: a spoofed scan brings a new one on every line,
  // and what is remembered of them must be forgotten young, before the garbage collector moves it to the old heap.
  private strangers = new Map<string, HostInfo>();
  /** Hosts missing from the inventory first seen in the chunk being read, in order of appearance. */
  chunkHosts = new Map<string, number>();
  sawPlantAddress = false;

  constructor(
    private readonly map: PlantMap,
    private readonly timeZone: string,
    private readonly settings: BaselineSettings
  ) {}

  /** The hosts of the chunk read so far, and none for the next one. */
  takeChunkHosts(): Map<string, number> {
    const hosts = this.chunkHosts;
    this.chunkHosts = new Map();
    return hosts;
  }

  localClock(ts: number): HourSlot {
    const bucket = Math.floor(ts / 900);
    let held = this.clock.get(bucket);
    if (!held) {
      const at = new Date(bucket * 900_000);
      const day = localDay(at, this.timeZone);
      const hour = DateTime.fromJSDate(at).setZone(this.timeZone).hour;
      if (this.clock.size > 10_000) {
        this.clock.clear();
        this.slots.clear();
      }
      held = this.slots.get(`${day}|${hour}`);
      if (!held) this.slots.set(`${day}|${hour}`, (held = { day, hour }));
      this.clock.set(bucket, held);
    }
    return held;
  }

  hostInfo(ip: string): HostInfo {
    let info = this.hosts.get(ip) ?? this.strangers.get(ip);
    if (!info) {
      const zone = this.map.matcher.match(ip);
      info = { zone, pairs: new Map() };
      if (this.map.inventory.has(ip)) {
        if (this.held > HOSTS_HELD) {
          this.hosts = new Map();
          this.held = 0;
        }
        this.hosts.set(ip, info);
        this.held++;
      } else {
        if (this.strangers.size >= STRANGERS_HELD) this.strangers = new Map();
        this.strangers.set(ip, info);
        if (zone !== null && !this.chunkHosts.has(ip)) this.chunkHosts.set(ip, zone);
      }
      if (zone !== null) this.sawPlantAddress = true;
    }
    return info;
  }

  /** The pair of two hosts in two zones of the plant. */
  pairInfo(orig: HostInfo, origHost: string, respHost: string, respZone: number): PairInfo {
    let pair = orig.pairs.get(respHost);
    if (!pair) {
      const conduit = this.map.conduitByPair.get(pairKey(orig.zone!, respZone)) ?? null;
      pair = { conduit, lanes: conduit ? pairLanes(origHost, respHost) : null, flows: new Map(), tuples: new Map() };
      orig.pairs.set(respHost, pair);
      this.held++;
    }
    return pair;
  }

  flowKey(pair: PairInfo, record: ConnRecord, originZone: number): FlowKey {
    const port = (record.proto === "tcp" ? 0 : record.proto === "udp" ? 1 : 2) * 65537 + (record.respPort ?? 65536);
    const known = record.proto === "tcp" || record.proto === "udp" || record.proto === "icmp";
    let flow = known ? pair.flows.get(port) : undefined;
    if (!flow) {
      const conduit = pair.conduit!;
      const tuple = flowTuple(record, this.settings);
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
      this.held++;
    }
    return flow;
  }
}
