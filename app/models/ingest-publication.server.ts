import { sql, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import type { Observation } from "~/domain/baseline";
import { dayCoverage } from "~/domain/flows";
import { recordAudit } from "~/models/audit.server";
import type { AuditActor } from "~/utils/actor";
import { smaller } from "~/utils/db.server";

// The publication of an ingest (app/models/evidence.server.ts): in one transaction at its end, everything readers
// see of it. The observations of the conduit-days it touched, recomputed from every ingest's flow hours; the policy
// violations of the wrong flows it saw; the hosts it found missing from the inventory, staged; and its audit event.
// Until then nothing it wrote under its id is read by anyone.

/** The source of an ingest's observations (unless it names another), and the discovery source of the hosts it stages. */
export const ZEEK_SOURCE = "zeek_ingest";

/**
 * At most this many new hosts are staged, and this many new wrong flows become policy violations, by one ingest:
 * a file that would create more is a scan or spoofed sources, and is reported as such instead (docs/evidence.md).
 */
export const INGEST_CREATION_CAP = 5_000;

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

/** What an ingest read and wrote under its id, for the transaction that publishes it. */
export interface IngestReading {
  plant: { id: number; code: string };
  ingestId: number;
  source: string;
  /** The instant the ingest is recorded at, and the one its caller gave (the audit event's, default now). */
  recordedAt: string;
  now: Date | undefined;
  actor: AuditActor;
  label: string | undefined;
  dryRun: boolean;
  conduitById: Map<number, { name: string; epochKey: string | null }>;
  zoneById: Map<number, { name: string }>;
  records: number;
  counted: number;
  unmatched: number;
  skippedBeforeEpoch: number;
  wrong: Map<string, WrongFlow>;
}

/** Everything readers see of the ingest, in the transaction that publishes it (or a dry run rolls back). */
export async function publishIngest(tx: Transaction<Database>, reading: IngestReading): Promise<IngestSummary> {
  const { plant, ingestId, source, recordedAt, records, counted, unmatched, skippedBeforeEpoch, wrong } = reading;
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
    const conduit = reading.conduitById.get(conduitId)!;
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
        recorded_at: recordedAt,
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

  const violations = await recountViolations(tx, plant.id, ingestId);
  const hosts = await stageHosts(tx, plant.id, ingestId, recordedAt, reading.zoneById);
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
    plant: plant.code,
    dryRun: reading.dryRun,
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
    reading.actor,
    {
      action: "observation.ingest",
      objectType: "plant",
      objectId: plant.id,
      plantId: plant.id,
      summary: `Ingested ${records} Zeek connections${reading.label ? ` from ${reading.label}` : ""} into ${
        plant.code
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
    reading.now
  );
  await tx
    .updateTable("evidence_ingest")
    .set({
      // Who ran it mattered only while it ran; the instants are the one it is recorded at, as everything else.
      state: "published",
      pid: null,
      host: null,
      heartbeat_at: recordedAt,
      finished_at: recordedAt,
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
async function recountViolations(
  tx: Transaction<Database>,
  plantId: number,
  ingestId: number
): Promise<{ newWrongFlows: number; recorded: number }> {
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
    where v.conduit_id in (select id from conduit where plant_id = ${plantId})
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
  tx: Transaction<Database>,
  plantId: number,
  ingestId: number,
  recordedAt: string,
  zoneById: Map<number, { name: string }>
): Promise<{ newHosts: number; staged: { ip: string; zone: string }[] }> {
  const missing = sql`from ingest_host h where h.ingest_id = ${ingestId} and not exists
    (select 1 from asset a where a.plant_id = ${plantId} and a.ip = h.ip)`;
  const { rows: counts } = await sql<{ n: number }>`select count(*) as n ${missing}`.execute(tx);
  const { rows } = await sql<{ ip: string; zone_id: number }>`
    select h.ip, h.zone_id ${missing} order by h.seq limit ${INGEST_CREATION_CAP}`.execute(tx);
  const staged: { ip: string; zone: string }[] = [];
  for (const host of rows) {
    await tx
      .insertInto("asset")
      .values({
        plant_id: plantId,
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
        discovered_at: recordedAt,
        created_at: recordedAt,
        updated_at: recordedAt,
      })
      .execute();
    staged.push({ ip: host.ip, zone: zoneById.get(host.zone_id)?.name ?? String(host.zone_id) });
  }
  return { newHosts: Number(counts[0]?.n ?? 0), staged };
}
