import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runScript } from "../support/server";

// The benchmark and the load test are checked by running them, small: a five-plant program and a short ingest for
// the benchmark, three seconds for the load test. Their figures are not asserted (speed is measured by the
// scripts themselves, on a quiet machine); that every figure is there, and that the load test found nothing
// wrong, is.

function lastJsonLine(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`The last line of the output is not JSON:\n${stdout}`);
  }
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

describe("npm run bench", () => {
  it("measures every route against the floor and the ingest against a plain read, with a final JSON line", async () => {
    const run = await runScript(
      "scripts/bench.ts",
      ["--plants", "5", "--ingest-lines", "5000", "--duration", "1", "--connections", "2", "--json"],
      {}
    );
    assert.equal(run.status, 0, `bench exited with ${run.status}:\n${run.stdout}\n${run.stderr}`);
    const result = lastJsonLine(run.stdout);
    assert.equal(result.plants, 5);
    const routes = result.routes as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(routes).sort(), [...ROUTES].sort(), "every measured route has its row");
    for (const name of ROUTES) {
      for (const figure of ROUTE_FIGURES) {
        assert.ok(
          typeof routes[name]![figure] === "number" && Number.isFinite(routes[name]![figure]),
          `${name}.${figure} is a number: ${JSON.stringify(routes[name])}`
        );
      }
      assert.ok((routes[name]!.requests as number) > 0, `${name} was requested under load`);
    }
    assert.equal(routes.floor!.medianToFloor, 1, "the floor is its own unit");
    const ingest = result.ingest as Record<string, unknown>;
    for (const figure of INGEST_FIGURES) {
      assert.ok(typeof ingest[figure] === "number", `ingest.${figure} is a number: ${JSON.stringify(ingest)}`);
    }
    assert.ok((ingest.lines as number) > 5000, "the generated log has its header and 5000 connections");
    assert.ok((ingest.counted as number) > 0, "the ingest counted connections of the generated plant");
    const targets = result.targets as Record<string, unknown>;
    assert.ok(Object.keys(targets).length >= 5, `every target is judged: ${JSON.stringify(targets)}`);
    for (const [name, met] of Object.entries(targets)) assert.equal(typeof met, "boolean", `target ${name}`);
    for (const page of ["dashboard", "plantList", "plantPage"]) {
      assert.ok(`${page}P95Under150MsAndWithin10xFloor` in targets, `the ${page} is judged on both targets`);
    }
    assert.ok(typeof result.serverPeakRssMb === "number", "the server's peak memory is recorded");
    assert.match(run.stdout, /median ms/, "a table is printed before the JSON");
  });

  it("refuses a bad option with a usage line and no measurement", async () => {
    const run = await runScript("scripts/bench.ts", ["--plants", "none"], {});
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--plants must be a whole number/);
  });
});

describe("npm run loadtest", () => {
  it("finds every accepted write in its table and the audit trail, a verified trail and no 5xx, with ingests beside", async () => {
    // Two server workers and the ingest command writing to one database: a transaction that read before another
    // process wrote must wait its turn, not fail with SQLITE_BUSY (it did, as 500s, before transactions began
    // IMMEDIATE); one that waits longer than the busy timeout is a 503 the load test sends again.
    const run = await runScript("scripts/loadtest.ts", ["--seconds", "4", "--ingest-lines", "5000"], {
      WEB_CONCURRENCY: "2",
    });
    assert.equal(run.status, 0, `loadtest exited with ${run.status}:\n${run.stdout}\n${run.stderr}`);
    const result = lastJsonLine(run.stdout);
    assert.equal(result.failures, 0, run.stdout);
    assert.equal(result.serverErrors, 0, run.stdout);
    assert.equal(result.networkErrors, 0, run.stdout);
    assert.equal(result.auditVerified, true, run.stdout);
    const writes = result.writes as Record<string, { accepted: number }>;
    const accepted = Object.values(writes).reduce((sum, w) => sum + w.accepted, 0);
    assert.ok(accepted > 0, `some writes were accepted: ${JSON.stringify(writes)}`);
    assert.equal(result.verified, accepted, "every accepted write was found");
    assert.ok((result.reads as number) > 0, "readers read");
    const ingests = result.ingests as { runs: number; ok: number; counted: number; daysVerified: number };
    assert.ok(ingests.runs >= 1, `an ingest ran beside the load: ${JSON.stringify(ingests)}`);
    assert.equal(ingests.ok, ingests.runs, "every ingest succeeded");
    assert.ok(ingests.counted > 0 && ingests.daysVerified > 0, "its connections are in the observations");
    assert.equal(typeof result.busyRetried, "number", "busy answers are counted apart");
  });
});
