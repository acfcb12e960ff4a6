import type { DiscoverySource, FlowProtocol } from "../../app/domain/vocabulary";
import type { DB } from "../../app/utils/db.server";

// A bare plant and its zones, written straight into a test database, for tests that need a plant of their own
// shape rather than the demo program.

export async function insertPlant(db: DB, code: string, timeZone: string): Promise<number> {
  const { id } = await db
    .insertInto("plant")
    .values({
      code,
      name: code,
      time_zone: timeZone,
      region: "r",
      site: "s",
      target_inventory: null,
      target_zoning: null,
      target_conduits: null,
      target_baseline: null,
      target_alerting: null,
      created_at: new Date().toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

/** A process-control zone of the plant with one address range. */
export async function insertZone(db: DB, plantId: number, name: string, cidr: string): Promise<number> {
  const { id } = await db
    .insertInto("zone")
    .values({
      plant_id: plantId,
      name,
      kind: "process_control",
      purdue_level: 1,
      sl_target: 2,
      description: null,
      created_at: new Date().toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.insertInto("zone_range").values({ zone_id: id, cidr }).execute();
  return id;
}

/** A monitored conduit between two zones of the plant at revision 1, with no owners and no flows yet. */
export async function insertConduit(
  db: DB,
  plantId: number,
  name: string,
  zones: { a: number; b: number }
): Promise<number> {
  const now = new Date().toISOString();
  const { id } = await db
    .insertInto("conduit")
    .values({
      plant_id: plantId,
      name,
      zone_a_id: zones.a,
      zone_b_id: zones.b,
      purpose: null,
      control_type: null,
      monitored: 1,
      monitoring_point: null,
      revision: 1,
      design_owner_id: null,
      monitoring_owner_id: null,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

/**
 * A monitored conduit whose revision 1 was cut over at `doneAt` (its baseline epoch begins that plant-local day),
 * allowing `allowed` both ways: what an ingest needs to count evidence on it.
 */
export async function insertCutOverConduit(
  db: DB,
  plantId: number,
  name: string,
  zones: { a: number; b: number },
  allowed: { protocol: FlowProtocol; port: number | null }[],
  doneAt: string
): Promise<number> {
  const conduitId = await insertConduit(db, plantId, name, zones);
  for (const flow of allowed) {
    await db
      .insertInto("conduit_flow")
      .values({ conduit_id: conduitId, ...flow, direction: "both", description: null })
      .execute();
  }
  const now = new Date().toISOString();
  await db
    .insertInto("network_change")
    .values({
      plant_id: plantId,
      kind: "conduit_cutover",
      title: "cutover",
      conduit_id: conduitId,
      conduit_revision: 1,
      asset_id: null,
      window_id: null,
      planned_start: null,
      planned_minutes: null,
      status: "done",
      done_at: doneAt,
      created_by: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return conduitId;
}

/** A host passive monitoring saw at the plant, staged for triage (named `host-<ip>` unless told), and its id. */
export async function insertStagedHost(
  db: DB,
  plantId: number,
  ip: string,
  options: { name?: string; zoneId?: number | null; source?: DiscoverySource } = {}
): Promise<number> {
  const stamp = new Date().toISOString();
  const { id } = await db
    .insertInto("asset")
    .values({
      plant_id: plantId,
      zone_id: options.zoneId ?? null,
      name: options.name ?? `host-${ip}`,
      kind: null,
      vendor: null,
      model: null,
      firmware: null,
      install_year: null,
      ip,
      mac: null,
      criticality: null,
      discovery_source: options.source ?? "passive_sensor",
      status: "staged",
      discovered_at: stamp,
      created_at: stamp,
      updated_at: stamp,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

/** The id of a plant's first conduit (in the demo program, DAY's is owned by eng.day@ and security@). */
export async function firstConduitId(db: DB, plantCode: string): Promise<number> {
  const conduit = await db
    .selectFrom("conduit as c")
    .innerJoin("plant as p", "p.id", "c.plant_id")
    .select("c.id")
    .where("p.code", "=", plantCode)
    .orderBy("c.id")
    .executeTakeFirstOrThrow();
  return conduit.id;
}

/** A plant's id, and whether its criterion `code` is ticked now (its latest tick or untick). */
export async function criterionTicked(
  db: DB,
  plantCode: string,
  code: string
): Promise<{ plantId: number; ticked: boolean }> {
  const plant = await db.selectFrom("plant").select("id").where("code", "=", plantCode).executeTakeFirstOrThrow();
  const latest = await db
    .selectFrom("checklist_tick")
    .select("ticked")
    .where("plant_id", "=", plant.id)
    .where("code", "=", code)
    .orderBy("id", "desc")
    .executeTakeFirst();
  return { plantId: plant.id, ticked: latest?.ticked === 1 };
}
