import { sql } from "kysely";
import { currentPhase } from "~/domain/phase";
import type { PlantHeading } from "~/domain/rollup";
import type { AssetKind, AssetStatus, Criticality, PlantPhase } from "~/domain/vocabulary";
import { joinedText, type Executor } from "~/utils/db.server";

/** The columns that name a plant, read from `plant as p`. */
export const PLANT_HEADING_COLUMNS = ["p.id", "p.code", "p.name", "p.site", "p.region", "p.time_zone"] as const;

/** A plant's heading from the columns that name it, in the phase it is in. */
export function plantHeading(
  row: { id: number; code: string; name: string; site: string; region: string; time_zone: string },
  phase: PlantPhase
): PlantHeading {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    site: row.site,
    region: row.region,
    timeZone: row.time_zone,
    phase,
  };
}

export interface PlantSummary extends PlantHeading {
  targetAlerting: string | null;
  assetCount: number;
  zoneCount: number;
  conduitCount: number;
}

/** Every plant with its derived phase and object counts, in one query. */
export async function listPlantSummaries(db: Executor): Promise<PlantSummary[]> {
  const rows = await db
    .selectFrom("plant as p")
    .select((eb) => [
      ...PLANT_HEADING_COLUMNS,
      "p.target_alerting",
      eb
        .selectFrom("asset")
        .whereRef("asset.plant_id", "=", "p.id")
        .select(eb.fn.countAll<number>().as("n"))
        .as("asset_count"),
      eb
        .selectFrom("zone")
        .whereRef("zone.plant_id", "=", "p.id")
        .select(eb.fn.countAll<number>().as("n"))
        .as("zone_count"),
      eb
        .selectFrom("conduit")
        .whereRef("conduit.plant_id", "=", "p.id")
        .select(eb.fn.countAll<number>().as("n"))
        .as("conduit_count"),
      eb
        .selectFrom("gate_pass")
        .whereRef("gate_pass.plant_id", "=", "p.id")
        .select(joinedText(db, sql.ref("gate_pass.phase")).as("phases"))
        .as("passed_phases"),
    ])
    .orderBy("p.code")
    .execute();

  return rows.map((row) => ({
    ...plantHeading(row, currentPhase(row.passed_phases ? row.passed_phases.split(",") : [])),
    targetAlerting: row.target_alerting,
    assetCount: Number(row.asset_count ?? 0),
    zoneCount: Number(row.zone_count ?? 0),
    conduitCount: Number(row.conduit_count ?? 0),
  }));
}

/** Every plant's code. */
export async function listPlantCodes(db: Executor): Promise<string[]> {
  return (await db.selectFrom("plant").select("code").execute()).map((plant) => plant.code);
}

/** The plant a code names (exactly, upper case): its id, code and time zone; undefined when none does. */
export async function findPlantRef(
  db: Executor,
  code: string
): Promise<{ id: number; code: string; time_zone: string } | undefined> {
  return db.selectFrom("plant").select(["id", "code", "time_zone"]).where("code", "=", code).executeTakeFirst();
}

export async function getPlantByCode(db: Executor, code: string) {
  const plant = await db.selectFrom("plant").selectAll().where("code", "=", code).executeTakeFirst();
  if (!plant) return null;
  const passes = await db
    .selectFrom("gate_pass as g")
    .innerJoin("person", "person.id", "g.passed_by")
    .select(["g.phase", "g.passed_at", "person.name as passed_by_name"])
    .where("g.plant_id", "=", plant.id)
    .orderBy("g.passed_at")
    .execute();
  return { ...plant, phase: currentPhase(passes.map((p) => p.phase)), passes };
}

export interface ZoneSummary {
  id: number;
  name: string;
  kind: string;
  purdueLevel: number | null;
  slTarget: number | null;
  description: string | null;
  ranges: string[];
  assetCount: number;
}

export async function listZones(db: Executor, plantId: number): Promise<ZoneSummary[]> {
  const rows = await db
    .selectFrom("zone as z")
    .select((eb) => [
      "z.id",
      "z.name",
      "z.kind",
      "z.purdue_level",
      "z.sl_target",
      "z.description",
      eb
        .selectFrom("asset")
        .whereRef("asset.zone_id", "=", "z.id")
        .select(eb.fn.countAll<number>().as("n"))
        .as("asset_count"),
      eb
        .selectFrom("zone_range")
        .whereRef("zone_range.zone_id", "=", "z.id")
        .select(joinedText(db, sql.ref("zone_range.cidr"), " ").as("c"))
        .as("ranges"),
    ])
    .where("z.plant_id", "=", plantId)
    .orderBy("z.purdue_level")
    .orderBy("z.name")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    kind: row.kind,
    purdueLevel: row.purdue_level,
    slTarget: row.sl_target,
    description: row.description,
    ranges: row.ranges ? row.ranges.split(" ") : [],
    assetCount: Number(row.asset_count ?? 0),
  }));
}

export interface AssetBreakdownCell {
  kind: string | null;
  zoneId: number | null;
  count: number;
}

/** Asset counts by kind and zone (null zone: not placed yet; null kind: not classified yet). */
export async function assetBreakdown(db: Executor, plantId: number): Promise<AssetBreakdownCell[]> {
  const rows = await db
    .selectFrom("asset")
    .select(["kind", "zone_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("plant_id", "=", plantId)
    .groupBy(["kind", "zone_id"])
    .execute();
  return rows.map((row) => ({ kind: row.kind, zoneId: row.zone_id, count: Number(row.n) }));
}

export const ASSET_SORT_KEYS = [
  "name",
  "kind",
  "vendor",
  "ip",
  "zone",
  "install_year",
  "criticality",
  "status",
] as const;
export type AssetSortKey = (typeof ASSET_SORT_KEYS)[number];

export interface AssetQuery {
  search: string;
  kind: AssetKind | null;
  /** A zone id, "none" for unplaced assets, or null for any zone. */
  zone: number | "none" | null;
  criticality: Criticality | null;
  status: AssetStatus | null;
  sort: AssetSortKey;
  dir: "asc" | "desc";
  offset: number;
  limit: number;
}

function filteredAssets(db: Executor, plantId: number, query: Omit<AssetQuery, "sort" | "dir" | "offset" | "limit">) {
  let q = db.selectFrom("asset as a").leftJoin("zone as z", "z.id", "a.zone_id").where("a.plant_id", "=", plantId);
  if (query.kind) q = q.where("a.kind", "=", query.kind);
  if (query.zone === "none") q = q.where("a.zone_id", "is", null);
  else if (query.zone !== null) q = q.where("a.zone_id", "=", query.zone);
  if (query.criticality) q = q.where("a.criticality", "=", query.criticality);
  if (query.status) q = q.where("a.status", "=", query.status);
  if (query.search) {
    const like = `%${query.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) =>
      eb.or(
        (["a.name", "a.ip", "a.mac", "a.vendor", "a.model", "a.firmware"] as const).map((column) =>
          eb(column, "like", sql<string>`${like} escape '\\'`)
        )
      )
    );
  }
  return q;
}

const SORT_COLUMNS = {
  name: sql`a.name`,
  kind: sql`a.kind`,
  vendor: sql`a.vendor || ' ' || a.model`,
  ip: sql`a.ip`,
  zone: sql`z.name`,
  install_year: sql`a.install_year`,
  criticality: sql`case a.criticality when 'critical' then 4 when 'high' then 3 when 'medium' then 2 when 'low' then 1 end`,
  status: sql`a.status`,
} satisfies Record<AssetSortKey, unknown>;

export async function countAssets(db: Executor, plantId: number, query: AssetQuery): Promise<number> {
  const row = await filteredAssets(db, plantId, query)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listAssets(db: Executor, plantId: number, query: AssetQuery) {
  const direction = query.dir === "desc" ? sql`desc` : sql`asc`;
  return filteredAssets(db, plantId, query)
    .select([
      "a.id",
      "a.name",
      "a.kind",
      "a.vendor",
      "a.model",
      "a.firmware",
      "a.install_year",
      "a.ip",
      "a.mac",
      "a.criticality",
      "a.discovery_source",
      "a.status",
      "z.name as zone_name",
    ])
    .orderBy(sql`${SORT_COLUMNS[query.sort]} is null`)
    .orderBy(sql`${SORT_COLUMNS[query.sort]} ${direction}`)
    .orderBy("a.name")
    .orderBy("a.id")
    .limit(query.limit)
    .offset(query.offset)
    .execute();
}
