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
