import type { Kysely, Transaction } from "kysely";
import { DateTime } from "luxon";
import type { Database } from "../schema";
import { epochStartFor } from "../../app/domain/baseline";
import { formatAddress, parseCidr } from "../../app/domain/cidr";
import type { ConnRecord } from "../../app/domain/zeek";
import { openIngest, type IngestSummary } from "../../app/models/evidence.server";
import { personActor } from "../../app/models/sessions.server";
import { triageStagedHosts } from "../../app/models/triage.server";
import { systemActor } from "../../app/utils/actor";

// The demo's passive capture: two days of Zeek connections on the newest baseline of one plant, generated from
// its zones, inventory and allowed flows, and fed through the same ingest as `npm run ingest:zeek`. Besides the
// allowed traffic, a telnet session crosses the conduit (a wrong flow, left open for security to acknowledge)
// and a vendor's service laptop nobody inventoried talks through it: it is staged by the ingest, and the plant
// engineer has already marked it known-transient (the seed keeps every passed gate honest).

const CAPTURE_PLANT = "OGD";
const DAY_S = 86_400;

/** The addresses of a /n IPv4 range from its `offset`-th host on, skipping those already known. */
function freeAddresses(cidr: string, known: Set<string>, count: number, offset: number): string[] {
  const range = parseCidr(cidr);
  if (!range || range.version !== 4) return [];
  const size = 2 ** (32 - range.prefix);
  const found: string[] = [];
  for (let i = Math.min(offset, Math.floor(size * 0.75)); i < size - 1 && found.length < count; i++) {
    const ip = formatAddress({ version: 4, value: range.network + BigInt(i) });
    if (!known.has(ip)) found.push(ip);
  }
  return found;
}

export interface DemoCapture {
  plantId: number;
  summary: IngestSummary;
}

export async function ingestDemoCaptures(trx: Transaction<Database>, nowIso: string): Promise<DemoCapture | null> {
  const plant = await trx
    .selectFrom("plant")
    .select(["id", "code", "time_zone"])
    .where("code", "=", CAPTURE_PLANT)
    .executeTakeFirst();
  if (!plant) return null;
  const cutover = await trx
    .selectFrom("network_change as n")
    .innerJoin("conduit as c", (join) =>
      join.onRef("c.id", "=", "n.conduit_id").onRef("c.revision", "=", "n.conduit_revision")
    )
    .select(["c.id", "c.zone_a_id", "c.zone_b_id", "n.done_at"])
    .where("c.plant_id", "=", plant.id)
    .where("c.monitored", "=", 1)
    .where("n.kind", "=", "conduit_cutover")
    .where("n.status", "=", "done")
    .where("n.done_at", "is not", null)
    .orderBy("n.done_at", "desc")
    .executeTakeFirst();
  if (!cutover?.done_at) return null;
  const epochStart = epochStartFor(cutover.done_at, plant.time_zone);
  const dayStart = (offset: number) =>
    DateTime.fromISO(epochStart, { zone: plant.time_zone }).plus({ days: offset }).toSeconds();
  if (dayStart(2) * 1000 > Date.parse(nowIso)) return null;

  const hostsOf = async (zoneId: number) =>
    (
      await trx
        .selectFrom("asset")
        .select("ip")
        .where("zone_id", "=", zoneId)
        .where("ip", "is not", null)
        .orderBy("id")
        .limit(4)
        .execute()
    ).map((a) => a.ip!);
  const a = await hostsOf(cutover.zone_a_id);
  const b = await hostsOf(cutover.zone_b_id);
  const flows = await trx
    .selectFrom("conduit_flow")
    .select(["protocol", "port", "direction"])
    .where("conduit_id", "=", cutover.id)
    .orderBy("id")
    .execute();
  const range = await trx
    .selectFrom("zone_range")
    .select("cidr")
    .where("zone_id", "=", cutover.zone_a_id)
    .orderBy("id")
    .executeTakeFirst();
  if (a.length === 0 || b.length === 0 || flows.length === 0 || !range) return null;
  const known = new Set(
    (
      await trx.selectFrom("asset").select("ip").where("plant_id", "=", plant.id).where("ip", "is not", null).execute()
    ).map((r) => r.ip!)
  );
  const strangers = freeAddresses(range.cidr, known, 1, 200);

  const records: ConnRecord[] = [];
  const connect = (ts: number, orig: string, resp: string, proto: string, port: number | null, n: number) => {
    records.push({
      ts,
      origHost: orig,
      origPort: 49152 + (n % 16000),
      respHost: resp,
      respPort: port,
      proto,
      service: null,
      origBytes: 400 + (n % 7) * 120,
      respBytes: 1200 + (n % 5) * 300,
    });
  };
  let n = 0;
  for (let day = 0; day < 2; day++) {
    const start = dayStart(day);
    // Every allowed flow, from each host of its originating side, every 20 minutes through the day.
    for (let t = start; t < start + DAY_S; t += 1200) {
      for (const flow of flows) {
        const [from, to] = flow.direction === "b_to_a" ? [b, a] : [a, b];
        const orig = from[n % from.length]!;
        const resp = to[(n >> 1) % to.length]!;
        connect(t + (n % 600), orig, resp, flow.protocol, flow.protocol === "icmp" ? null : flow.port ?? 502, n++);
      }
    }
    // Day two: a host no one has inventoried, and a telnet session the conduit does not allow.
    if (day === 1) {
      for (const [i, stranger] of strangers.entries()) {
        const flow = flows[i % flows.length]!;
        connect(start + 3600 * (9 + i), stranger, b[0]!, flow.protocol, flow.port ?? 502, n++);
      }
      for (let i = 0; i < 3; i++) connect(start + 3600 * 14 + i * 900, a[0]!, b[0]!, "tcp", 23, n++);
    }
  }
  records.sort((x, y) => x.ts - y.ts);

  const session = await openIngest(trx, {
    plantCode: plant.code,
    actor: systemActor("demo seed"),
    label: "demo capture (generated)",
    now: new Date(nowIso),
  });
  await session.add(records);
  return { plantId: plant.id, summary: await session.finish() };
}

/**
 * The plant engineer marks the vendor's service laptop the capture staged as known-transient, through the same act
 * as the triage page (audited). It runs after the seed's transaction, as a person's act of its own.
 */
export async function markServiceLaptopTransient(
  db: Kysely<Database>,
  capture: DemoCapture,
  engineerId: number,
  now: Date
): Promise<void> {
  const engineer = await db
    .selectFrom("person")
    .select(["id", "name", "email", "role"])
    .where("id", "=", engineerId)
    .executeTakeFirstOrThrow();
  const actor = await personActor(db, engineer);
  for (const host of capture.summary.stagedHosts) {
    const asset = await db
      .selectFrom("asset")
      .select("id")
      .where("plant_id", "=", capture.plantId)
      .where("ip", "=", host.ip)
      .executeTakeFirstOrThrow();
    await triageStagedHosts(
      db,
      actor,
      {
        plantId: capture.plantId,
        assetIds: [asset.id],
        state: "transient",
        note: "Vendor service laptop during the drive firmware visit; leaves with the technician.",
      },
      now
    );
  }
}
