import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  BACKEND_NAMES,
  postgresDatabases,
  postgresServerProblem,
  postgresUrlProblem,
  runDatabasePrefix,
  sqliteDatabases,
  type BackendName,
  type RunDatabases,
} from "./bench/databases";
import { BenchFailure, note, round, seconds } from "./bench/measure";
import { benchProgram } from "./bench/program";
import { comparison, printOne, printSideBySide } from "./bench/report";
import { benchBackend, ROUTE_NAMES, type BackendResult } from "./bench/run";

// `npm run bench -- [--plants N] [--json]`: generates a large program (default 500 plants), imports it through
// the program importer into a temporary database, starts the production server on it, and measures the pages and
// API under concurrent requests against a trivial route in the same server; then times the Zeek ingest command
// on a generated conn.log against a plain line count of the same file, with its peak memory. Prints a table, and
// with --json a final line of JSON with every figure. Any measured route answering other than 2xx stops it.
//
// The engine: SQLite (a file in a temporary folder) unless --database-url names a PostgreSQL server, on which the
// run creates a database of its own (bench_<time>_…), dropped afterwards unless --keep. `--backends sqlite,postgres`
// runs the whole benchmark on one engine after the other and prints them side by side, with PostgreSQL's ingest
// time as a multiple of SQLite's.

const USAGE =
  "Usage: npm run bench -- [--plants N] [--json] [--ingest-lines N] [--ingest-small N] [--duration SECONDS] [--connections N] [--only ROUTE,…] [--backends sqlite,postgres] [--database-url postgres://…] [--database KEPT.db|postgres://…/KEPT] [--keep]";

function usageError(message: string): never {
  console.error(`${message}. ${USAGE}`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        plants: { type: "string", default: "500" },
        json: { type: "boolean", default: false },
        "ingest-lines": { type: "string", default: "1000000" },
        "ingest-small": { type: "string", default: "200000" },
        duration: { type: "string", default: "10" },
        connections: { type: "string", default: "10" },
        seed: { type: "string", default: "1" },
        keep: { type: "boolean", default: false },
        only: { type: "string" },
        database: { type: "string", multiple: true },
        backends: { type: "string" },
        "database-url": { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    usageError((error instanceof Error ? error.message : String(error)).replace(/\.$/, ""));
  }
})();

function positiveInt(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1)
    usageError(`--${name} must be a whole number of at least 1, not “${raw}”`);
  return value;
}

const PLANTS = positiveInt("plants", values.plants);
const INGEST_LINES = positiveInt("ingest-lines", values["ingest-lines"]);
const INGEST_SMALL = positiveInt("ingest-small", values["ingest-small"]);
const DURATION = positiveInt("duration", values.duration);
const CONNECTIONS = positiveInt("connections", values.connections);
const SEED = positiveInt("seed", values.seed);

const DATABASE_URL = values["database-url"]?.trim();
if (DATABASE_URL !== undefined) {
  const problem = postgresUrlProblem(DATABASE_URL);
  if (problem) usageError(`--database-url ${problem}`);
}

/** The engines, in the order they run: --backends, else PostgreSQL alone when --database-url is given, else SQLite. */
const BACKENDS: BackendName[] = (() => {
  if (values.backends === undefined) return DATABASE_URL ? ["postgres"] : ["sqlite"];
  const named = values.backends.split(",").map((name) => name.trim().toLowerCase());
  const unknown = named.filter((name) => !BACKEND_NAMES.includes(name as BackendName));
  if (unknown.length > 0 || named.length === 0)
    usageError(`--backends takes ${BACKEND_NAMES.join(", ")} separated by commas, not “${values.backends}”`);
  if (new Set(named).size !== named.length) usageError(`--backends names an engine twice: “${values.backends}”`);
  return named as BackendName[];
})();
if (BACKENDS.includes("postgres") && !DATABASE_URL)
  usageError("--backends postgres needs --database-url postgres://… naming the server to create the run's database on");

const ONLY = values.only?.split(",").map((name) => name.trim()) ?? null;
const unknownRoutes = ONLY?.filter((name) => !ROUTE_NAMES.includes(name)) ?? [];
if (unknownRoutes.length > 0)
  usageError(`--only names no route ${unknownRoutes.join(", ")}; the routes: ${ROUTE_NAMES.join(", ")}`);

/** --database: a kept SQLite file for the SQLite side, a kept database's postgres:// URL for PostgreSQL's. */
const KEPT: Partial<Record<BackendName, string>> = {};
for (const kept of values.database ?? []) {
  const backend: BackendName = /^postgres(ql)?:\/\//i.test(kept) ? "postgres" : "sqlite";
  if (KEPT[backend]) usageError(`--database names two ${backend} databases`);
  if (!BACKENDS.includes(backend))
    usageError(`--database ${kept} is a ${backend} database, and this run has no ${backend} side`);
  if (backend === "sqlite" && !fs.existsSync(kept)) usageError(`--database ${kept}: no such file`);
  if (backend === "postgres") {
    const problem = postgresUrlProblem(kept);
    if (problem) usageError(`--database ${problem}`);
    if (new URL(kept).host !== new URL(DATABASE_URL!).host)
      usageError(`--database ${kept} is not on the server of --database-url: a database is copied on its own server`);
  }
  KEPT[backend] = kept;
}

async function main(): Promise<number> {
  if (DATABASE_URL && BACKENDS.includes("postgres")) {
    const problem = await postgresServerProblem(DATABASE_URL);
    if (problem) usageError(`--database-url: ${problem}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tracker-bench-"));
  const prefix = runDatabasePrefix("bench");
  const opened: RunDatabases[] = [];
  const results: Partial<Record<BackendName, BackendResult>> = {};
  try {
    // The program, generated once for every engine that imports it.
    let document = null;
    let generateMs = 0;
    if (BACKENDS.some((backend) => !KEPT[backend])) {
      const started = performance.now();
      document = benchProgram({ plants: PLANTS, today: new Date().toISOString().slice(0, 10), seed: SEED });
      generateMs = performance.now() - started;
      note(`Generated a ${PLANTS}-plant program in ${seconds(generateMs)} s.`);
    }
    for (const backend of BACKENDS) {
      const databases = backend === "postgres" ? postgresDatabases(DATABASE_URL!, prefix) : sqliteDatabases(dir);
      opened.push(databases);
      note(`— ${backend} —`);
      results[backend] = await benchBackend(databases, dir, {
        document: KEPT[backend] ? null : document,
        generateMs,
        keptDatabase: KEPT[backend] ?? null,
        ingestLines: INGEST_LINES,
        ingestSmall: INGEST_SMALL,
        duration: DURATION,
        connections: CONNECTIONS,
        only: ONLY,
      });
    }
    if (BACKENDS.length === 1) {
      const result = results[BACKENDS[0]!]!;
      printOne(result);
      if (values.json) console.log(JSON.stringify(result));
    } else {
      printSideBySide(results);
      if (values.json) {
        const first = results[BACKENDS[0]!]!;
        console.log(
          JSON.stringify({
            date: new Date().toISOString(),
            machine: { ...first.machine, loadAverage: os.loadavg().map((n) => round(n, 1)) },
            plants: first.plants,
            backends: results,
            comparison: comparison(results),
          })
        );
      }
    }
    return 0;
  } finally {
    for (const databases of opened) {
      for (const kept of await databases.finish(values.keep)) note(`Kept ${kept}`);
    }
    if (values.keep) note(`Kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    if (!(error instanceof BenchFailure) && error instanceof Error && error.stack) console.error(error.stack);
    process.exitCode = 1;
  }
);
