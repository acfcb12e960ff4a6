import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pg from "pg";
import { TEST_DATABASE_URL, testBackend } from "../support/database";
import { runScript } from "../support/server";

// The benchmark and the load test are checked by running them, small: a three-plant program and a short ingest for
// the benchmark, four seconds for the load test. Their figures are not asserted (speed is measured by the
// scripts themselves, on a quiet machine); that every figure is there, and that the load test found nothing
// wrong, is. On the suite's PostgreSQL run (TEST_BACKEND=postgres) the benchmark runs on both engines side by side
// and the load test on two app instances sharing one PostgreSQL database, each on a database of its own created on
// TEST_DATABASE_URL's server and dropped afterwards.

const onPostgres = testBackend === "postgres";

function lastJsonLine(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`The last line of the output is not JSON:\n${stdout}`);
  }
}

/** The databases named `prefix…` on the test server (a run's own, which it drops when it ends). */
async function databasesNamed(prefix: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "select datname from pg_database where starts_with(datname, $1)",
      [prefix]
    );
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

/** The prefix of the databases a run created, from the URL it names while working (…/bench_<time>_…). */
function runPrefix(stderr: string, what: "bench" | "loadtest"): string {
  const match = new RegExp(`/(${what}_[0-9a-z]+)_`).exec(stderr);
  assert.ok(match, `the run names its database:\n${stderr}`);
  return match[1]!;
}

const ROUTES = ["floor", "dashboard", "plants", "plant", "apiRollup", "apiReadiness"];
const ROUTE_FIGURES = ["coldMs", "requests", "medianMs", "p95Ms", "requestsPerSecond", "medianToFloor", "p95ToFloor"];
const INGEST_FIGURES = [
  "lines",
  "seconds",
  "linesPerSecond",
  "floorSeconds",
  "ratioToFloor",
  "peakRssMb",
  "counted",
  "conduitDays",
];

/** Every figure of one engine's run is there. */
function assertFigures(result: Record<string, unknown>, backend: string) {
  assert.equal(result.backend, backend);
  assert.equal(result.plants, 3);
  const routes = result.routes as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(routes).sort(), [...ROUTES].sort(), `${backend}: every measured route has its row`);
  for (const name of ROUTES) {
    for (const figure of ROUTE_FIGURES) {
      assert.ok(
        typeof routes[name]![figure] === "number" && Number.isFinite(routes[name]![figure]),
        `${backend} ${name}.${figure} is a number: ${JSON.stringify(routes[name])}`
      );
    }
    assert.ok((routes[name]!.requests as number) > 0, `${backend}: ${name} was requested under load`);
  }
  assert.equal(routes.floor!.medianToFloor, 1, "the floor is its own unit");
  const ingest = result.ingest as Record<string, unknown>;
  for (const figure of INGEST_FIGURES) {
    assert.ok(typeof ingest[figure] === "number", `${backend} ingest.${figure} is a number: ${JSON.stringify(ingest)}`);
  }
  assert.ok((ingest.lines as number) > 2000, "the generated log has its header and 2000 connections");
  assert.ok((ingest.counted as number) > 0, "the ingest counted connections of the generated plant");
  const targets = result.targets as Record<string, unknown>;
  assert.ok(Object.keys(targets).length >= 5, `every target is judged: ${JSON.stringify(targets)}`);
  for (const [name, met] of Object.entries(targets)) assert.equal(typeof met, "boolean", `target ${name}`);
  for (const page of ["dashboard", "plantList", "plantPage"]) {
    assert.ok(`${page}P95Under150MsAndWithin10xFloor` in targets, `the ${page} is judged on both targets`);
  }
  assert.ok(typeof result.serverPeakRssMb === "number", "the server's peak memory is recorded");
  assert.ok(typeof result.databaseMb === "number" && result.databaseMb > 0, "the database's size is recorded");
}

const SMALL_BENCH = ["--plants", "3", "--ingest-lines", "2000", "--duration", "1", "--connections", "2", "--json"];

describe("npm run bench", () => {
  it(
    onPostgres
      ? "measures both engines side by side, on a PostgreSQL database of its own that it drops afterwards"
      : "measures every route against the floor and the ingest against a plain read, with a final JSON line",
    async () => {
      const run = await runScript(
        "scripts/bench.ts",
        [...SMALL_BENCH, ...(onPostgres ? ["--backends", "sqlite,postgres", "--database-url", TEST_DATABASE_URL] : [])],
        {}
      );
      assert.equal(run.status, 0, `bench exited with ${run.status}:\n${run.stdout}\n${run.stderr}`);
      const result = lastJsonLine(run.stdout);
      if (!onPostgres) {
        assertFigures(result, "sqlite");
        assert.match(run.stdout, /median ms/, "a table is printed before the JSON");
        return;
      }
      const backends = result.backends as Record<string, Record<string, unknown>>;
      assert.deepEqual(Object.keys(backends), ["sqlite", "postgres"], "both engines, SQLite first");
      for (const [backend, figures] of Object.entries(backends)) assertFigures(figures, backend);
      const comparison = result.comparison as Record<string, unknown>;
      assert.ok(typeof comparison.ingestRatioPostgresToSqlite === "number", JSON.stringify(comparison));
      assert.equal(typeof (comparison.targets as Record<string, unknown>).postgresIngestWithin1_5xSqlite, "boolean");
      // The table: a column per engine and their ratio, a row for every route's p50 and p95.
      assert.match(run.stdout, /sqlite\s+postgres\s+postgres\/sqlite/);
      for (const label of ["executive rollup", "plant list", "plant page", "GET /api/rollup"]) {
        for (const p of ["p50", "p95"])
          assert.match(run.stdout, new RegExp(`${label} ${p}\\s+[\\d.]+ ms\\s+[\\d.]+ ms\\s+[\\d.]+×`), label);
      }
      assert.match(run.stdout, /ingest 2009 lines\s+[\d.]+ s\s+[\d.]+ s/);
      assert.match(run.stdout, /ingest ratio postgres\/sqlite at 2009 lines: [\d.]+×/);
      assert.deepEqual(await databasesNamed(runPrefix(run.stderr, "bench")), [], "the run's databases are dropped");
    }
  );

  it("refuses a bad option with a usage line and no measurement", async () => {
    const run = await runScript("scripts/bench.ts", ["--plants", "none"], {});
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--plants must be a whole number/);
  });

  it("refuses a --database-url that is no PostgreSQL URL, or whose server does not answer, in one line", async () => {
    for (const [url, said] of [
      ["mysql://root@127.0.0.1/test", /^--database-url must be a postgres:\/\/ or postgresql:\/\/ URL, not “mysql:/],
      [
        "postgres://postgres@127.0.0.1:1/test",
        /^--database-url: cannot connect to postgres:\/\/postgres@127\.0\.0\.1:1\/test: /,
      ],
    ] as const) {
      const run = await runScript("scripts/bench.ts", ["--database-url", url, "--plants", "3"], {});
      assert.equal(run.status, 2, `${url}: ${run.stdout}${run.stderr}`);
      assert.equal(run.stderr.trim().split("\n").length, 1, `one line: ${run.stderr}`);
      assert.match(run.stderr, said);
      assert.equal(run.stdout, "", "nothing was measured");
    }
  });

  it("refuses a PostgreSQL side without a server, and an engine it does not know", async () => {
    const noServer = await runScript("scripts/bench.ts", ["--backends", "sqlite,postgres"], {});
    assert.equal(noServer.status, 2);
    assert.match(noServer.stderr, /--backends postgres needs --database-url/);
    const unknown = await runScript("scripts/bench.ts", ["--backends", "sqlite,mysql"], {});
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /--backends takes sqlite, postgres separated by commas, not “sqlite,mysql”/);
  });
});

describe("npm run loadtest", () => {
  it(
    onPostgres
      ? "spreads the load over two app instances on one PostgreSQL database and finds every write, with ingests beside"
      : "finds every accepted write in its table and the audit trail, a verified trail and no 5xx, with ingests beside",
    async () => {
      // SQLite: two server workers and the ingest command writing to one database: a transaction that read before
      // another process wrote must wait its turn, not fail with SQLITE_BUSY (it did, as 500s, before transactions
      // began IMMEDIATE); one that waits longer than the busy timeout is a 503 the load test sends again.
      // PostgreSQL: two instances of the app (two `npm start`) and the ingest command on one database.
      const run = await runScript(
        "scripts/loadtest.ts",
        ["--seconds", "4", "--ingest-lines", "5000", ...(onPostgres ? ["--database-url", TEST_DATABASE_URL] : [])],
        { WEB_CONCURRENCY: onPostgres ? "1" : "2" }
      );
      assert.equal(run.status, 0, `loadtest exited with ${run.status}:\n${run.stdout}\n${run.stderr}`);
      const result = lastJsonLine(run.stdout);
      assert.equal(result.failures, 0, run.stdout);
      assert.equal(result.serverErrors, 0, run.stdout);
      assert.equal(result.networkErrors, 0, run.stdout);
      assert.equal(result.auditVerified, true, run.stdout);
      const writes = result.writes as Record<string, { accepted: number }>;
      const accepted = Object.values(writes).reduce((sum, w) => sum + w.accepted, 0);
      assert.ok(accepted > 0, `some writes were accepted: ${JSON.stringify(writes)}`);
      assert.ok((writes.outcome?.accepted ?? 0) > 0, `changes' outcomes were recorded: ${JSON.stringify(writes)}`);
      assert.equal(result.verified, accepted, "every accepted write was found");
      assert.ok((result.reads as number) > 0, "readers read");
      const ingests = result.ingests as { runs: number; ok: number; counted: number; daysVerified: number };
      assert.ok(ingests.runs >= 1, `an ingest ran beside the load: ${JSON.stringify(ingests)}`);
      assert.equal(ingests.ok, ingests.runs, "every ingest succeeded");
      assert.ok(ingests.counted > 0 && ingests.daysVerified > 0, "its connections are in the observations");
      assert.equal(typeof result.busyRetried, "number", "busy answers are counted apart");
      assert.equal(result.backend, testBackend);
      const perInstance = result.requestsByInstance as number[];
      assert.equal(perInstance.length, onPostgres ? 2 : 1, "one instance on SQLite, two on PostgreSQL");
      for (const n of perInstance) assert.ok(n > 0, `every instance answered: ${JSON.stringify(perInstance)}`);
      if (onPostgres) {
        assert.deepEqual(await databasesNamed(runPrefix(run.stderr, "loadtest")), [], "the database is dropped");
      }
    }
  );

  it("refuses a --database-url that is no PostgreSQL URL, in one line", async () => {
    const run = await runScript("scripts/loadtest.ts", ["--database-url", "sqlite:///tmp/x.db"], {});
    assert.equal(run.status, 2);
    assert.equal(run.stderr.trim().split("\n").length, 1, `one line: ${run.stderr}`);
    assert.match(run.stderr, /^--database-url must be a postgres:\/\/ or postgresql:\/\/ URL/);
  });
});
