import { CidrMatcher } from "~/domain/cidr";
import type { Executor } from "~/utils/db.server";

/** A plant's zones, and the matcher that finds which zone an address belongs to by the zones' declared ranges. */
export async function loadZoneRanges(
  db: Executor,
  plantId: number
): Promise<{ zones: { id: number; name: string }[]; matcher: CidrMatcher<number> }> {
  const zones = await db.selectFrom("zone").select(["id", "name"]).where("plant_id", "=", plantId).execute();
  const ranges = await db
    .selectFrom("zone_range as r")
    .innerJoin("zone as z", "z.id", "r.zone_id")
    .select(["r.zone_id", "r.cidr"])
    .where("z.plant_id", "=", plantId)
    .execute();
  const matcher = new CidrMatcher<number>();
  for (const range of ranges) matcher.add(range.cidr, range.zone_id);
  return { zones, matcher };
}
