import type { DiagramZone } from "~/domain/diagram-layout";
import type { Executor } from "~/utils/db.server";

/** The zones of the given plants as their diagrams draw them, with their asset counts: one query for them all. */
export async function listDiagramZones(
  db: Executor,
  plantIds: readonly number[]
): Promise<(DiagramZone & { plantId: number })[]> {
  if (plantIds.length === 0) return [];
  const rows = await db
    .selectFrom("zone as z")
    .leftJoin("asset as a", "a.zone_id", "z.id")
    .select((eb) => [
      "z.id",
      "z.plant_id",
      "z.name",
      "z.kind",
      "z.purdue_level",
      "z.sl_target",
      eb.fn.count<number>("a.id").as("asset_count"),
    ])
    .where("z.plant_id", "in", [...plantIds])
    .groupBy("z.id")
    .orderBy("z.id")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    plantId: row.plant_id,
    name: row.name,
    kind: row.kind,
    purdueLevel: row.purdue_level,
    slTarget: row.sl_target,
    assetCount: Number(row.asset_count),
  }));
}
