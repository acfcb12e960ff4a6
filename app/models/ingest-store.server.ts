import { sql } from "kysely";
import { isPostgres, sqliteHandle, type Executor } from "~/utils/db.server";

// Where an ingest's chunks go: its connection keys, flow hours and newly seen hosts. The ingest decides what to
// write (app/models/evidence.server.ts); this module writes it the fastest way each engine has:
// - SQLite: statements prepared once and run row by row on the same connection (no round trips, no parsing);
// - PostgreSQL: one statement per kind of row and chunk, whose rows travel as arrays (`unnest`), so a chunk of
//   any size is a handful of round trips and one plan each.

/** One minute's keys already stored for the plant, by this ingest or an earlier one. */
export interface StoredKeys {
  minute: number;
  ingest_id: number;
  legacy: number;
  keys: Buffer;
}

export interface FlowHourRow {
  conduitId: number;
  epochKey: string;
  day: string;
  hour: number;
  tuple: string;
  wrong: 0 | 1;
  connections: number;
  bytes: number;
  first: number;
  last: number;
}

export interface ChunkWrites {
  heartbeatAt: string;
  keys: { minute: number; keys: Buffer }[];
  hours: FlowHourRow[];
  hosts: { ip: string; zoneId: number; seq: number }[];
}

export interface IngestStore {
  /** The keys stored for each of `minutes` (ascending), every ingest's, read in the chunk's transaction `tx`. */
  storedKeys(tx: Executor, minutes: number[]): Promise<Map<number, StoredKeys[]>>;
  /** Writes a chunk in `tx`: this ingest's keys per minute (replacing its own), flow hours, hosts first seen. */
  write(tx: Executor, chunk: ChunkWrites): Promise<void>;
}

/**
 * The store for ingest `ingestId` into plant `plantId`, whose transactions are on `db`'s connection (SQLite's
 * statements are prepared on it once; PostgreSQL's run in each chunk's transaction).
 */
export function ingestStore(db: Executor, plantId: number, ingestId: number): IngestStore {
  return isPostgres(db) ? postgresStore(plantId, ingestId) : sqliteStore(db, plantId, ingestId);
}

function sqliteStore(db: Executor, plantId: number, ingestId: number): IngestStore {
  const sqlite = sqliteHandle(db);
  const heartbeat = sqlite.prepare<[string, number]>(`update evidence_ingest set heartbeat_at = ? where id = ?`);
  const keysOfMinute = sqlite.prepare<[number, number], Omit<StoredKeys, "minute">>(
    `select ingest_id, legacy, keys from connection_key where plant_id = ? and minute = ?`
  );
  const writeKeys = sqlite.prepare<[number, number, number, Buffer]>(
    `insert into connection_key (plant_id, minute, ingest_id, legacy, keys) values (?, ?, ?, 0, ?)
     on conflict (plant_id, minute, ingest_id, legacy) do update set keys = excluded.keys`
  );
  const addFlowHour = sqlite.prepare<
    [number, string, string, number, string, number, number, number, number, number, number]
  >(
    `insert into flow_hour
       (conduit_id, epoch_key, day, hour, tuple, wrong, ingest_id, connections, bytes, first_ts, last_ts)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (conduit_id, epoch_key, day, hour, tuple, wrong, ingest_id) do update set
       connections = connections + excluded.connections, bytes = bytes + excluded.bytes,
       first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts)`
  );
  const addHost = sqlite.prepare<[number, string, number, number]>(
    `insert into ingest_host (ingest_id, ip, zone_id, seq) values (?, ?, ?, ?) on conflict do nothing`
  );
  return {
    async storedKeys(_tx, minutes) {
      return new Map(
        minutes.map((minute) => [minute, keysOfMinute.all(plantId, minute).map((row) => ({ ...row, minute }))])
      );
    },
    async write(_tx, chunk) {
      heartbeat.run(chunk.heartbeatAt, ingestId);
      for (const { minute, keys } of chunk.keys) writeKeys.run(plantId, minute, ingestId, keys);
      for (const h of chunk.hours) {
        addFlowHour.run(
          h.conduitId,
          h.epochKey,
          h.day,
          h.hour,
          h.tuple,
          h.wrong,
          ingestId,
          h.connections,
          h.bytes,
          h.first,
          h.last
        );
      }
      for (const host of chunk.hosts) addHost.run(ingestId, host.ip, host.zoneId, host.seq);
    },
  };
}

function postgresStore(plantId: number, ingestId: number): IngestStore {
  return {
    async storedKeys(tx, minutes) {
      const found = new Map<number, StoredKeys[]>(minutes.map((minute) => [minute, []]));
      if (minutes.length === 0) return found;
      const { rows } = await sql<StoredKeys>`
        select minute, ingest_id, legacy, keys from connection_key
        where plant_id = ${plantId} and minute = any(${minutes}::bigint[])`.execute(tx);
      for (const row of rows) found.get(row.minute)?.push(row);
      return found;
    },
    async write(tx, chunk) {
      await sql`update evidence_ingest set heartbeat_at = ${chunk.heartbeatAt} where id = ${ingestId}`.execute(tx);
      if (chunk.keys.length > 0) {
        await sql`insert into connection_key (plant_id, minute, ingest_id, legacy, keys)
          select ${plantId}, k.minute, ${ingestId}, 0, k.keys
          from unnest(${chunk.keys.map((k) => k.minute)}::bigint[], ${chunk.keys.map((k) => k.keys)}::bytea[])
            as k(minute, keys)
          on conflict (plant_id, minute, ingest_id, legacy) do update set keys = excluded.keys`.execute(tx);
      }
      if (chunk.hours.length > 0) {
        const column = <T>(pick: (h: FlowHourRow) => T) => chunk.hours.map(pick);
        await sql`insert into flow_hour as f
            (conduit_id, epoch_key, day, hour, tuple, wrong, ingest_id, connections, bytes, first_ts, last_ts)
          select h.conduit_id, h.epoch_key, h.day, h.hour, h.tuple, h.wrong, ${ingestId}, h.connections, h.bytes,
            h.first_ts, h.last_ts
          from unnest(
            ${column((h) => h.conduitId)}::bigint[], ${column((h) => h.epochKey)}::text[],
            ${column((h) => h.day)}::text[], ${column((h) => h.hour)}::bigint[], ${column((h) => h.tuple)}::text[],
            ${column((h) => h.wrong)}::bigint[], ${column((h) => h.connections)}::bigint[],
            ${column((h) => h.bytes)}::bigint[], ${column((h) => h.first)}::float8[],
            ${column((h) => h.last)}::float8[]
          ) as h(conduit_id, epoch_key, day, hour, tuple, wrong, connections, bytes, first_ts, last_ts)
          on conflict (conduit_id, epoch_key, day, hour, tuple, wrong, ingest_id) do update set
            connections = f.connections + excluded.connections, bytes = f.bytes + excluded.bytes,
            first_ts = least(f.first_ts, excluded.first_ts), last_ts = greatest(f.last_ts, excluded.last_ts)`.execute(
          tx
        );
      }
      if (chunk.hosts.length > 0) {
        await sql`insert into ingest_host (ingest_id, ip, zone_id, seq)
          select ${ingestId}, h.ip, h.zone_id, h.seq
          from unnest(${chunk.hosts.map((h) => h.ip)}::text[], ${chunk.hosts.map((h) => h.zoneId)}::bigint[],
            ${chunk.hosts.map((h) => h.seq)}::bigint[]) as h(ip, zone_id, seq)
          on conflict do nothing`.execute(tx);
      }
    },
  };
}
