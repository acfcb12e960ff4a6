import { sql, type RawBuilder } from "kysely";
import { CAUSED_STOP_CAUSES } from "~/domain/production-stops";
import {
  DONE_OUTCOMES,
  ROLLED_BACK,
  scorecard,
  scorecardSpans,
  SCORECARD_QUARTERS,
  type FloorStats,
  type PlantQuarterCount,
  type QuarterFigures,
  type QuarterSpan,
} from "~/domain/floor-stats";
import type { Executor } from "~/utils/db.server";

// The program's scorecard from the production stops and the changes' outcomes: counted in SQL per plant and per the
// plant's own local quarter, then shaped by the domain (app/domain/floor-stats.ts).
//
// Why quarters are spans passed in rather than computed by the database: a quarter is read on the plant's clock, and
// neither engine reads IANA zones alike (SQLite not at all). The domain works out, for each time zone the plants
// use, the UTC instants where its last SCORECARD_QUARTERS quarters begin and end (a few dozen zones × 5 rows); the
// queries join each fact to the span of its plant's zone that holds it, and group by plant and quarter. So:
// - each query reads only the facts of the scorecard's months (the indexes on plant and instant bound it), and
//   returns at most plants × quarters rows, whatever the number of stops or attempts: 500 plants stay two queries;
// - a fact on either side of a local midnight lands in the right quarter, daylight saving included.
// Instants are UTC ISO-8601 text as the app writes them (`toISOString`), so they compare as text on both engines.

/** The spans of every zone as a table (time_zone, quarter, starts, ends): one `select … union all` row per span. */
function spansTable(spans: readonly (QuarterSpan & { zone: string })[]): RawBuilder<unknown> {
  return sql`${sql.join(
    spans.map(
      (s) =>
        sql`select cast(${s.zone} as text) as time_zone, cast(${s.label} as text) as quarter,
          cast(${s.starts} as text) as starts, cast(${s.ends} as text) as ends`
    ),
    sql` union all `
  )}`;
}

interface CountRow {
  plant_id: number;
  quarter: string;
  [figure: string]: number | string | null;
}

const toNumber = (value: unknown): number => Number(value ?? 0);

/**
 * The scorecard of the plants (all when `plantIds` is null) at `now`: each plant's last SCORECARD_QUARTERS local
 * quarters, the program's, and the headline.
 */
export async function computeFloorStats(
  db: Executor,
  now: Date,
  plantIds: readonly number[] | null
): Promise<FloorStats> {
  let plantQuery = db.selectFrom("plant").select(["id", "time_zone"]).orderBy("id");
  if (plantIds !== null) plantQuery = plantQuery.where("id", "in", plantIds.length > 0 ? [...plantIds] : [-1]);
  const plants = (await plantQuery.execute()).map((p) => ({ id: p.id, timeZone: p.time_zone }));
  if (plants.length === 0) return scorecard(now, [], []);
  const zones = [...new Set(plants.map((p) => p.timeZone))].sort();
  const spans = zones.flatMap((zone) => scorecardSpans(now, zone, SCORECARD_QUARTERS).map((s) => ({ ...s, zone })));
  const earliest = spans.reduce((min, s) => (s.starts < min ? s.starts : min), spans[0]!.starts);
  const latest = spans.reduce((max, s) => (s.ends > max ? s.ends : max), spans[0]!.ends);
  const ids = plants.map((p) => p.id);
  const onlyPlants = (column: RawBuilder<unknown>) =>
    plantIds === null ? sql`1 = 1` : sql`${column} in (${sql.join(ids)})`;

  const [stops, outcomes] = await Promise.all([
    sql<CountRow>`
      select s.plant_id, q.quarter, count(*) as stops_caused, sum(s.minutes_lost) as minutes_lost,
        sum(case when s.change_id is not null then 1 else 0 end) as stops_caused_by_program
      from production_stop s
      join plant p on p.id = s.plant_id
      join (${spansTable(spans)}) as q
        on q.time_zone = p.time_zone and s.started_at >= q.starts and s.started_at < q.ends
      where ${onlyPlants(sql.ref("s.plant_id"))}
        and s.cause in (${sql.join([...CAUSED_STOP_CAUSES])})
        and s.started_at >= ${earliest} and s.started_at < ${latest}
      group by s.plant_id, q.quarter`.execute(db),
    // Each attempt once, at its actual start or else when it was recorded (`attemptedAt`), marked when it is its
    // change's latest (the index on change and id finds that one): a change counts by its latest attempt
    // (`doneFigure`), every rollback by itself.
    sql<CountRow>`
      select a.plant_id, q.quarter,
        sum(case when a.outcome = ${DONE_OUTCOMES.onPlan} and a.latest = 1 then 1 else 0 end) as changes_on_plan,
        sum(case when a.outcome = ${DONE_OUTCOMES.withIssues} and a.latest = 1 then 1 else 0 end)
          as changes_with_issues,
        sum(case when a.outcome = ${ROLLED_BACK} then 1 else 0 end) as changes_rolled_back
      from (
        select o.plant_id, o.outcome, coalesce(o.actual_start, o.at) as happened,
          case when o.id = (select max(l.id) from change_outcome l where l.change_id = o.change_id)
            then 1 else 0 end as latest
        from change_outcome o
        where ${onlyPlants(sql.ref("o.plant_id"))}
          -- An outcome is recorded once its attempt has started: the index on plant and recording time bounds the
          -- scan, the attempt's own instant decides.
          and o.at >= ${earliest}
          and coalesce(o.actual_start, o.at) >= ${earliest} and coalesce(o.actual_start, o.at) < ${latest}
      ) as a
      join plant p on p.id = a.plant_id
      join (${spansTable(spans)}) as q
        on q.time_zone = p.time_zone and a.happened >= q.starts and a.happened < q.ends
      group by a.plant_id, q.quarter`.execute(db),
  ]);

  const counts: PlantQuarterCount[] = [
    ...stops.rows.map((r) => ({
      plantId: Number(r.plant_id),
      quarter: r.quarter,
      stopsCaused: toNumber(r.stops_caused),
      minutesLost: toNumber(r.minutes_lost),
      stopsCausedByProgram: toNumber(r.stops_caused_by_program),
    })),
    ...outcomes.rows.map((r) => ({
      plantId: Number(r.plant_id),
      quarter: r.quarter,
      changesOnPlan: toNumber(r.changes_on_plan),
      changesWithIssues: toNumber(r.changes_with_issues),
      changesRolledBack: toNumber(r.changes_rolled_back),
    })),
  ];
  return scorecard(now, plants, counts);
}

/** One plant's scorecard quarters at `now`, oldest first (the plant's current local quarter last). */
export async function plantScorecard(db: Executor, plantId: number, now: Date): Promise<QuarterFigures[]> {
  const stats = await computeFloorStats(db, now, [plantId]);
  return stats.plants.get(plantId)?.quarters ?? [];
}
