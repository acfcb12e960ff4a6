import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { computeFloorStats, plantScorecard } from "../../app/models/floor-stats.server";
import { recordAudit } from "../../app/models/audit.server";
import { quarterBefore, quarterOf, quarterSpan, type QuarterFigures } from "../../app/domain/floor-stats";
import { ROLLUP_CSV_HEADER, type rollupDocument } from "../../app/domain/rollup-export";
import type { ChangeOutcome, StopCause } from "../../app/domain/vocabulary";
import { systemActor } from "../../app/utils/actor";
import type { DB } from "../../app/utils/db.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { createPerson, signInOverHttp } from "../support/people";
import { insertPlant } from "../support/plants";
import { startServer, type RunningServer } from "../support/server";

// The program's scorecard read back from stops and outcomes at two plants on opposite sides of the world (Chicago,
// UTC−6/−5, and Kolkata, UTC+5:30), with facts on both sides of each plant's local quarter boundary. The acts that
// record stops and outcomes are built separately; this reporting test writes their rows straight into the database
// with the query builder, as those acts would (the last test also writes the audit event an act writes with them).
// Checked: the model's figures, the dashboard, the plant list and the plant page through the real server, the JSON
// of GET /api/rollup and the plant rollup CSV.

const CHICAGO = "America/Chicago";
const KOLKATA = "Asia/Kolkata";
const MINUTE = 60_000;

let t: TestDatabase;
let db: DB;
let server: RunningServer;
let cookie: string;
let personId: number;
const plantIds: Record<string, number> = {};
const now = new Date();

/** The instant `minutes` after the start of the plant's current local quarter, `back` quarters ago. */
function inQuarter(zone: string, back: number, minutes: number): string {
  const span = quarterSpan(quarterBefore(quarterOf(now, zone), back), zone);
  return new Date(Date.parse(span.starts) + minutes * MINUTE).toISOString();
}
const label = (zone: string, back: number) => quarterBefore(quarterOf(now, zone), back).label;

async function change(plant: string, title: string): Promise<number> {
  const at = now.toISOString();
  const { id } = await db
    .insertInto("network_change")
    .values({
      plant_id: plantIds[plant]!,
      kind: "conduit_cutover",
      title,
      status: "scheduled",
      created_at: at,
      updated_at: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

async function stop(
  plant: string,
  startedAt: string,
  minutesLost: number,
  cause: StopCause,
  changeId: number | null,
  executor: Pick<DB, "insertInto"> = db
): Promise<void> {
  await executor
    .insertInto("production_stop")
    .values({
      plant_id: plantIds[plant]!,
      started_at: startedAt,
      minutes_lost: minutesLost,
      cause,
      change_id: changeId,
      description: "Line stopped",
      recorded_by: personId,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    })
    .execute();
}

async function outcome(
  plant: string,
  changeId: number,
  result: ChangeOutcome,
  actualStart: string | null,
  at: string
): Promise<void> {
  await db
    .insertInto("change_outcome")
    .values({
      change_id: changeId,
      plant_id: plantIds[plant]!,
      outcome: result,
      actual_start: actualStart,
      actual_end: null,
      note: null,
      person_id: personId,
      at,
    })
    .execute();
}

/** A quarter's figures with every figure not named zero. */
function figures(quarter: string, given: Partial<Omit<QuarterFigures, "quarter">> = {}): QuarterFigures {
  return {
    quarter,
    stopsCaused: 0,
    minutesLost: 0,
    stopsCausedByProgram: 0,
    changesOnPlan: 0,
    changesWithIssues: 0,
    changesRolledBack: 0,
    ...given,
  };
}

/** What each plant's scorecard must say, by quarter label (oldest first), from the rows written in `before`. */
function expectedOf(zone: string, given: Record<number, Partial<Omit<QuarterFigures, "quarter">>>): QuarterFigures[] {
  return [4, 3, 2, 1, 0].map((back) => figures(label(zone, back), given[back]));
}
let expected: Record<"FLA" | "FLB", QuarterFigures[]>;

before(async () => {
  t = await createTestDatabase();
  db = t.db;
  plantIds.FLA = await insertPlant(db, "FLA", CHICAGO);
  plantIds.FLB = await insertPlant(db, "FLB", KOLKATA);
  personId = await createPerson(db, { email: "exec@floor.test", role: "executive" });

  // Chicago.
  const a1 = await change("FLA", "Cutover one");
  const a2 = await change("FLA", "Cutover two");
  const a3 = await change("FLA", "Cutover three");
  const a4 = await change("FLA", "Cutover four");
  await stop("FLA", inQuarter(CHICAGO, 0, 0), 30, "network", a1); // the quarter's first instant: this quarter
  await stop("FLA", inQuarter(CHICAGO, 0, -1), 45, "suspected", null); // its last local minute before: last quarter
  await stop("FLA", inQuarter(CHICAGO, 0, 60), 100, "not_network", a1); // ruled out: not counted
  await stop("FLA", inQuarter(CHICAGO, 5, 60), 500, "network", a1); // before the scorecard's quarters
  // Rolled back last quarter, then done as planned this quarter (recorded without an actual start).
  await outcome("FLA", a1, "rolled_back", inQuarter(CHICAGO, 1, 24 * 60), inQuarter(CHICAGO, 1, 25 * 60));
  await outcome("FLA", a1, "as_planned", null, inQuarter(CHICAGO, 0, 120));
  // Done with issues this quarter: its own figure, not on plan.
  await outcome("FLA", a2, "with_issues", inQuarter(CHICAGO, 0, 180), inQuarter(CHICAGO, 0, 240));
  // Done as planned last quarter.
  await outcome("FLA", a3, "as_planned", inQuarter(CHICAGO, 1, 600), inQuarter(CHICAGO, 1, 700));
  // Done as planned two quarters ago, then rolled back this quarter: its latest attempt is the rollback.
  await outcome("FLA", a4, "as_planned", inQuarter(CHICAGO, 2, 600), inQuarter(CHICAGO, 2, 700));
  await outcome("FLA", a4, "rolled_back", inQuarter(CHICAGO, 0, 600), inQuarter(CHICAGO, 0, 700));

  // Kolkata, half an hour off the hour.
  const b1 = await change("FLB", "Sensor");
  await stop("FLB", inQuarter(KOLKATA, 0, -1), 20, "network", b1); // last quarter, by the program
  await stop("FLB", inQuarter(KOLKATA, 0, 10), 15, "suspected", null);
  // Started in the last minutes of last quarter, recorded this quarter: counts at its start.
  await outcome("FLB", b1, "as_planned", inQuarter(KOLKATA, 0, -30), inQuarter(KOLKATA, 0, 24 * 60));

  expected = {
    FLA: expectedOf(CHICAGO, {
      0: { stopsCaused: 1, minutesLost: 30, stopsCausedByProgram: 1, changesOnPlan: 1, changesWithIssues: 1 },
      1: { stopsCaused: 1, minutesLost: 45, changesOnPlan: 1, changesRolledBack: 1 },
    }),
    FLB: expectedOf(KOLKATA, {
      0: { stopsCaused: 1, minutesLost: 15 },
      1: { stopsCaused: 1, minutesLost: 20, stopsCausedByProgram: 1, changesOnPlan: 1 },
    }),
  };
  // The rollback of a4 this quarter.
  expected.FLA[4]!.changesRolledBack = 1;

  server = await startServer(t.env);
  cookie = await signInOverHttp(server.url, "exec@floor.test");
});

after(async () => {
  await server?.stop();
  await t?.cleanup();
});

/** The program's quarters: each plant's figures added under their quarter's label. */
function programExpected(): Map<string, QuarterFigures> {
  const sums = new Map<string, QuarterFigures>();
  for (const plant of Object.values(expected)) {
    for (const q of plant) {
      const into = sums.get(q.quarter) ?? figures(q.quarter);
      for (const key of Object.keys(q) as (keyof QuarterFigures)[]) {
        if (key !== "quarter") into[key] += q[key];
      }
      sums.set(q.quarter, into);
    }
  }
  return sums;
}

async function get(pathname: string): Promise<{ status: number; text: string; type: string }> {
  const response = await fetch(`${server.url}${pathname}`, { headers: { Cookie: cookie }, redirect: "manual" });
  return { status: response.status, text: await response.text(), type: response.headers.get("content-type") ?? "" };
}

const textOf = (html: string) =>
  html
    .replace(/<!-- -->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();

/** The cells of each row marked data-quarter in the scorecard table of a page. */
function scorecardRows(html: string): Map<string, string[]> {
  const table = /<table class="scorecard-table[^"]*"[\s\S]*?<\/table>/.exec(html)?.[0] ?? "";
  const rows = new Map<string, string[]>();
  for (const match of table.matchAll(/<tr[^>]*data-quarter="([^"]+)"[^>]*>([\s\S]*?)<\/tr>/g)) {
    rows.set(
      match[1]!,
      [...match[2]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => textOf(m[1]!))
    );
  }
  return rows;
}

const cellsOf = (q: QuarterFigures) =>
  [q.stopsCaused, q.minutesLost, q.stopsCausedByProgram, q.changesOnPlan, q.changesWithIssues, q.changesRolledBack].map(
    String
  );

describe("the scorecard's figures", () => {
  it("counts each plant in its own local quarters, at the boundary on the right side", async () => {
    const stats = await computeFloorStats(db, now, null);
    assert.deepEqual(stats.plants.get(plantIds.FLA!)!.quarters, expected.FLA, "Chicago");
    assert.deepEqual(stats.plants.get(plantIds.FLB!)!.quarters, expected.FLB, "Kolkata");
    assert.deepEqual(await plantScorecard(db, plantIds.FLB!, now), expected.FLB, "one plant alone");
  });

  it("adds the plants up for the program, and heads with the stops caused by the program", async () => {
    const stats = await computeFloorStats(db, now, null);
    const sums = programExpected();
    for (const q of stats.quarters) assert.deepEqual(q, sums.get(q.quarter) ?? figures(q.quarter), q.quarter);
    const current = stats.quarters.at(-1)!.quarter;
    assert.deepEqual(stats.headline.thisQuarter, { quarter: current, stops: 1 });
    assert.equal(stats.headline.lastQuarter.stops, 1);
    assert.equal(stats.headline.trailingFour.stops, 1);
    assert.notEqual(stats.headline.thisQuarter.stops, 0, "the Chicago stop on the quarter's first instant counts");
  });

  it("counts only the plants asked for", async () => {
    const stats = await computeFloorStats(db, now, [plantIds.FLB!]);
    assert.deepEqual([...stats.plants.keys()], [plantIds.FLB]);
    assert.equal(
      stats.quarters.reduce((n, q) => n + q.stopsCaused, 0),
      2,
      "Kolkata's two stops"
    );
  });
});

describe("the scorecard through the server", () => {
  it("is on the dashboard: the headline tile and the program's table", async () => {
    const page = await get("/dashboard");
    assert.equal(page.status, 200);
    const tile = /data-headline="this-quarter"[^>]*>([\s\S]*?)<\/li>/.exec(page.text)?.[1] ?? "";
    assert.match(textOf(tile), /^1 Unscheduled stops caused by the program, \d{4} Q\d \(to date\)$/);
    const last = /data-headline="last-quarter"[^>]*>([\s\S]*?)<\/li>/.exec(page.text)?.[1] ?? "";
    assert.match(textOf(last), /^1 Last quarter/);
    const rows = scorecardRows(page.text);
    assert.equal(rows.size, 5, "five quarters");
    for (const [quarter, q] of programExpected()) {
      if (!rows.has(quarter)) continue;
      assert.deepEqual(rows.get(quarter)!.slice(1), cellsOf(q), `the program in ${quarter}`);
    }
  });

  it("is on the plant list, this quarter per plant, and sorts by it", async () => {
    const page = await get("/plants?sort=stops&dir=desc");
    assert.equal(page.status, 200);
    for (const code of ["FLA", "FLB"] as const) {
      const row = new RegExp(`<tr[^>]*data-plant="${code}"[^>]*>([\\s\\S]*?)</tr>`).exec(page.text)?.[1] ?? "";
      const now = expected[code].at(-1)!;
      assert.match(row, new RegExp(`data-stops="${now.stopsCaused}" data-minutes="${now.minutesLost}"`), code);
      assert.match(row, new RegExp(`data-rolled-back="${now.changesRolledBack}"`), code);
      assert.match(textOf(row), new RegExp(`${now.changesOnPlan} on plan`), code);
    }
    assert.match(textOf(page.text), /1 stop, 30 min lost · 1 on plan, 1 with issues, 1 rolled back/);
    const order = [...page.text.matchAll(/<tr[^>]*data-plant="(FL[AB])"/g)].map((m) => m[1]);
    assert.deepEqual(order, ["FLA", "FLB"], "more minutes lost first among equal stops");
    const reversed = await get("/plants?sort=stops&dir=asc");
    assert.deepEqual(
      [...reversed.text.matchAll(/<tr[^>]*data-plant="(FL[AB])"/g)].map((m) => m[1]),
      ["FLB", "FLA"]
    );
  });

  it("is on the plant page, quarter by quarter on the plant's clock", async () => {
    for (const code of ["FLA", "FLB"] as const) {
      const page = await get(`/plants/${code}`);
      assert.equal(page.status, 200);
      const rows = scorecardRows(page.text);
      assert.deepEqual([...rows.keys()], expected[code].map((q) => q.quarter).reverse(), `${code}: newest first`);
      for (const q of expected[code])
        assert.deepEqual(rows.get(q.quarter)!.slice(1), cellsOf(q), `${code} ${q.quarter}`);
    }
  });

  it("is in GET /api/rollup and the plant rollup CSV", async () => {
    const json = await get("/api/rollup");
    assert.equal(json.status, 200);
    const doc = JSON.parse(json.text) as ReturnType<typeof rollupDocument>;
    const sums = programExpected();
    for (const q of doc.scorecard.quarters) assert.deepEqual(q, sums.get(q.quarter) ?? figures(q.quarter));
    assert.equal(doc.scorecard.unscheduledStopsCausedByProgram.thisQuarter.stops, 1);
    for (const code of ["FLA", "FLB"] as const) {
      assert.deepEqual(doc.plants.find((p) => p.code === code)!.scorecard, expected[code], `${code} in the JSON`);
    }

    const csv = await get("/dashboard.csv");
    assert.match(csv.type, /^text\/csv/);
    // The scorecard's columns end each row, and never hold a comma: read from the end.
    const lines = csv.text.trim().split("\r\n");
    const width = ROLLUP_CSV_HEADER.length;
    assert.equal(lines[0], ROLLUP_CSV_HEADER.join(","));
    const quarter = ROLLUP_CSV_HEADER.indexOf("quarter");
    const tail = ROLLUP_CSV_HEADER.slice(quarter, quarter + 7);
    assert.deepEqual(tail, [
      "quarter",
      "stops_caused",
      "minutes_lost",
      "stops_caused_by_program",
      "changes_on_plan",
      "changes_with_issues",
      "changes_rolled_back",
    ]);
    // The drift columns follow the scorecard's.
    assert.deepEqual(ROLLUP_CSV_HEADER.slice(quarter + 7), ["drift", "drift_reasons"]);
    assert.equal(quarter + 7, width - 2, "the scorecard's columns, then drift's two");
    for (const code of ["FLA", "FLB"] as const) {
      // Counted from the end: an earlier cell may hold a quoted comma; the last two are drift's.
      const row = lines.find((line) => line.startsWith(`${code},`))!.split(",");
      const q = expected[code].at(-1)!;
      assert.deepEqual(row.slice(-9, -2), [q.quarter, ...cellsOf(q)], `${code} in the CSV`);
    }
  });

  it("shows a stop recorded after the figures were read, with no wait", async () => {
    const before = await get("/api/rollup");
    const stopsBefore = (JSON.parse(before.text) as ReturnType<typeof rollupDocument>).scorecard
      .unscheduledStopsCausedByProgram.thisQuarter.stops;
    const changeId = await change("FLB", "Another sensor");
    // As the act recording a stop does: the row and its audit event in one transaction.
    await db.transaction().execute(async (tx) => {
      await stop("FLB", inQuarter(KOLKATA, 0, 90), 12, "suspected", changeId, tx);
      await recordAudit(tx, systemActor("test"), {
        action: "stop.record",
        objectType: "production_stop",
        objectId: null,
        plantId: plantIds.FLB!,
        summary: "A production stop was recorded at FLB.",
      });
    });
    const after = JSON.parse((await get("/api/rollup")).text) as ReturnType<typeof rollupDocument>;
    assert.equal(after.scorecard.unscheduledStopsCausedByProgram.thisQuarter.stops, stopsBefore + 1);
    const dashboard = await get("/dashboard");
    const tile = /data-headline="this-quarter"[^>]*>([\s\S]*?)<\/li>/.exec(dashboard.text)?.[1] ?? "";
    assert.match(textOf(tile), new RegExp(`^${stopsBefore + 1} `));
  });
});
