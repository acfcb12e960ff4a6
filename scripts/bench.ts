import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { resetPassword } from "../app/models/accounts.server";
import { createApiToken } from "../app/models/api-tokens.server";
import { importProgram } from "../app/models/program-import.server";
import { systemActor } from "../app/utils/actor";
import { openDatabase } from "../app/utils/db.server";
import { migrateToLatest } from "../db/migrate";
import { root } from "./build";
import { writeConnLog } from "./bench/conn-log";
import { BENCH_ACCOUNTS, BENCH_PASSWORD, benchProgram, plantCode } from "./bench/program";
import { startServerProcess, type ServerProcess } from "./processes";

// `npm run bench -- [--plants N] [--json]`: generates a large program (default 500 plants), imports it through
// the program importer into a temporary database, starts the production server on it, and measures the pages and
// API under concurrent requests against a trivial route in the same server; then times the Zeek ingest command
// on a generated conn.log against a plain line count of the same file, with its peak memory. Prints a table, and
// with --json a final line of JSON with every figure. Any measured route answering other than 2xx stops it.

const USAGE =
  "Usage: npm run bench -- [--plants N] [--json] [--ingest-lines N] [--ingest-small N] [--duration SECONDS] [--connections N] [--only ROUTE,…] [--database KEPT.db] [--keep]";

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
        database: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}. ${USAGE}`);
    process.exit(2);
  }
})();

function positiveInt(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    console.error(`--${name} must be a whole number of at least 1, not “${raw}”. ${USAGE}`);
    process.exit(2);
  }
  return value;
}

const PLANTS = positiveInt("plants", values.plants);
const INGEST_LINES = positiveInt("ingest-lines", values["ingest-lines"]);
const INGEST_SMALL = positiveInt("ingest-small", values["ingest-small"]);
const DURATION = positiveInt("duration", values.duration);
const CONNECTIONS = positiveInt("connections", values.connections);
const SEED = positiveInt("seed", values.seed);

/** Progress goes to stderr so that stdout stays the table and the JSON line. */
function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

class BenchFailure extends Error {}

/** Every page and API answers within this p95 … */
const PAGE_P95_MS = 150;
/** … and the dashboard, the plant list and the plant page within this many times the floor's median. */
const PAGE_MEDIAN_TO_FLOOR = 10;

const seconds = (ms: number) => Math.round(ms) / 1000;
const mb = (kb: number) => Math.round(kb / 102.4) / 10;
const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;

/** The peak resident sets of a process and of every process under it (the server's workers), summed, in kB. */
function processTreePeakKb(pid: number): number | null {
  const own = peakRssKb(pid);
  if (own === null) return null;
  let children: number[] = [];
  try {
    children = fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    children = [];
  }
  return children.reduce((sum, child) => sum + (processTreePeakKb(child) ?? 0), own);
}

/** VmHWM (peak resident set) of a live process, in kB, or null once it is gone. */
function peakRssKb(pid: number): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

type Server = ServerProcess;

/** The production server on the database, at 127.0.0.1 (no name lookup in the measured requests). */
async function startServer(databasePath: string): Promise<Server> {
  const server = await startServerProcess({ DATABASE_PATH: databasePath }, 300_000).catch((error: unknown) => {
    throw new BenchFailure(error instanceof Error ? error.message : String(error));
  });
  return { ...server, url: server.url.replace("localhost", "127.0.0.1") };
}

async function signIn(url: string, email: string): Promise<string> {
  const response = await fetch(`${url}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: url },
    body: new URLSearchParams({ email, password: BENCH_PASSWORD }),
    redirect: "manual",
  });
  const cookie = response.headers.get("set-cookie");
  if (response.status !== 302 || !cookie) throw new BenchFailure(`Signing in as ${email} answered ${response.status}.`);
  return cookie.split(";")[0]!;
}

interface RouteSpec {
  name: string;
  label: string;
  path: string;
  auth: "none" | "session" | "exec" | "token";
}

interface RouteFigures {
  label: string;
  path: string;
  coldMs: number;
  requests: number;
  medianMs: number;
  p95Ms: number;
  requestsPerSecond: number;
  medianToFloor: number;
  p95ToFloor: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

async function measure(url: string, route: RouteSpec, headers: Record<string, string>) {
  // One request first: it must answer 2xx, and its time is the cold figure (caches empty).
  const started = performance.now();
  const first = await fetch(`${url}${route.path}`, { headers, redirect: "manual" });
  await first.arrayBuffer();
  const coldMs = performance.now() - started;
  if (first.status < 200 || first.status > 299) {
    throw new BenchFailure(
      `${route.label} (GET ${route.path}) answered ${first.status}${
        first.headers.get("location") ? ` → ${first.headers.get("location")}` : ""
      }, not 2xx: nothing to measure.`
    );
  }
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: `${url}${route.path}`, connections: CONNECTIONS, duration: DURATION, headers, timeout: 60 },
      (error, done) => (error ? reject(error) : resolve(done))
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    });
  });
  const bad = [...statuses].filter(([status]) => status < 200 || status > 299);
  if (bad.length > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new BenchFailure(
      `${route.label} (GET ${route.path}) under load: ${
        bad.map(([s, n]) => `${n}× ${s}`).join(", ") || "no bad status"
      }, ${result.errors} errors, ${result.timeouts} timeouts.`
    );
  }
  latencies.sort((a, b) => a - b);
  return {
    coldMs,
    requests: latencies.length,
    medianMs: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    requestsPerSecond: latencies.length / DURATION,
  };
}

/** Wall time of a child process, and its peak resident memory sampled from /proc while it runs. */
function timed(
  command: string,
  args: string[],
  env: Record<string, string>
): Promise<{ ms: number; status: number | null; stdout: string; stderr: string; peakKb: number | null }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let peakKb: number | null = null;
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => (stdout += chunk));
    child.stderr.on("data", (chunk: string) => (stderr += chunk));
    const poll = setInterval(() => {
      const kb = child.pid ? peakRssKb(child.pid) : null;
      if (kb !== null) peakKb = Math.max(peakKb ?? 0, kb);
    }, 20);
    child.on("exit", (status) => {
      const ms = performance.now() - started;
      clearInterval(poll);
      resolve({ ms, status, stdout, stderr, peakKb });
    });
  });
}

const COUNT_LINES = `
import fs from "node:fs";
import readline from "node:readline";
let n = 0;
for await (const _ of readline.createInterface({ input: fs.createReadStream(process.argv[1]), crlfDelay: Infinity })) n++;
console.log(n);
`;

async function main(): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tracker-bench-"));
  const databasePath = path.join(dir, "bench.db");
  let server: Server | null = null;
  try {
    // 1. The program, through the importer (or a copy of a database an earlier run kept, with --database).
    const today = new Date().toISOString().slice(0, 10);
    let started = performance.now();
    let generateMs = 0;
    let importMs = 0;
    let counts: { plants: number; assets: number; observations: number } & Record<string, number>;
    let db: ReturnType<typeof openDatabase>;
    if (values.database) {
      fs.copyFileSync(values.database, databasePath);
      db = openDatabase(databasePath);
      await migrateToLatest(db);
      const count = async (table: "plant" | "asset" | "observation") =>
        Number(
          (
            await db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as("n"))
              .executeTakeFirstOrThrow()
          ).n
        );
      counts = { plants: await count("plant"), assets: await count("asset"), observations: await count("observation") };
      note(`Copied ${values.database}: ${counts.plants} plants, ${counts.assets} assets.`);
    } else {
      const document = benchProgram({ plants: PLANTS, today, seed: SEED });
      generateMs = performance.now() - started;
      note(`Generated a ${PLANTS}-plant program in ${seconds(generateMs)} s; importing into ${databasePath}…`);
      db = openDatabase(databasePath);
      await migrateToLatest(db);
      started = performance.now();
      ({ counts } = (await importProgram(db, document, { actor: systemActor("program:import") })) as unknown as {
        counts: typeof counts;
      });
      importMs = performance.now() - started;
      note(
        `Imported in ${seconds(importMs)} s: ${counts.plants} plants, ${counts.assets} assets, ${
          counts.observations
        } observations.`
      );
    }
    const admin = systemActor("bench");
    for (const email of [BENCH_ACCOUNTS.lead, BENCH_ACCOUNTS.exec]) {
      const person = await db.selectFrom("person").select("id").where("email", "=", email).executeTakeFirstOrThrow();
      await resetPassword(db, admin, { personId: person.id, password: BENCH_PASSWORD });
    }
    const token = await createApiToken(db, admin, { name: "bench", role: "program_lead", plants: [] });
    await db.destroy();
    // The program as no notifier has read it yet, for timing the notifier's first pass (the server's own worker reads
    // it as soon as it starts).
    const unread = path.join(dir, "unread.db");
    fs.copyFileSync(databasePath, unread);

    // 2. The production server, and the routes.
    note("Starting the production server…");
    server = await startServer(databasePath);
    // The pages are measured in the server's steady state: after its notification worker's first pass over every
    // plant, which a program has once, when it is first served (that pass is timed on its own below).
    const firstPassStarted = performance.now();
    const watched = openDatabase(databasePath);
    const notifying = process.env.NOTIFY?.trim().toLowerCase() !== "off";
    while (
      notifying &&
      !(await watched
        .selectFrom("notifier_state")
        .select("value")
        .where("name", "=", "full_pass_at")
        .executeTakeFirst())
    ) {
      if (performance.now() - firstPassStarted > 300_000)
        throw new BenchFailure("The server's notification worker made no first pass within 5 minutes.");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await watched.destroy();
    note(
      `The server's notification worker made its first pass ${seconds(
        performance.now() - firstPassStarted
      )} s after the server answered.`
    );
    // The executive reads the rollup; the program lead the plant list and the plant page.
    const cookies = {
      lead: await signIn(server.url, BENCH_ACCOUNTS.lead),
      exec: await signIn(server.url, BENCH_ACCOUNTS.exec),
    };
    // A plant in the baseline phase: every kind of fact is present.
    const plant = plantCode(Math.min(3, counts.plants - 1));
    const routes: RouteSpec[] = [
      { name: "floor", label: "trivial route (floor)", path: "/healthz", auth: "none" },
      { name: "dashboard", label: "executive rollup", path: "/dashboard", auth: "exec" },
      { name: "plants", label: "plant list", path: "/plants", auth: "session" },
      { name: "plant", label: "plant page", path: `/plants/${plant}`, auth: "session" },
      { name: "apiRollup", label: "GET /api/rollup", path: "/api/rollup", auth: "token" },
      {
        name: "apiReadiness",
        label: "GET /api/plants/:code/readiness",
        path: `/api/plants/${plant}/readiness`,
        auth: "token",
      },
    ];
    const only = values.only?.split(",").map((name) => name.trim());
    const unknown = only?.filter((name) => !routes.some((route) => route.name === name)) ?? [];
    if (unknown.length > 0) {
      throw new BenchFailure(
        `--only names no route ${unknown.join(", ")}; the routes: ${routes.map((r) => r.name).join(", ")}.`
      );
    }
    const figures: Record<string, RouteFigures> = {};
    let floor: { medianMs: number; p95Ms: number } | null = null;
    // The floor is always measured, first.
    for (const route of routes.filter((r) => r.name === "floor" || !only || only.includes(r.name))) {
      const headers: Record<string, string> =
        route.auth === "session"
          ? { Cookie: cookies.lead }
          : route.auth === "exec"
          ? { Cookie: cookies.exec }
          : route.auth === "token"
          ? { Authorization: `Bearer ${token.secret}` }
          : {};
      note(`Measuring ${route.label}: GET ${route.path}, ${CONNECTIONS} connections for ${DURATION} s…`);
      const m = await measure(server.url, route, headers);
      floor ??= m;
      figures[route.name] = {
        label: route.label,
        path: route.path,
        coldMs: round(m.coldMs),
        requests: m.requests,
        medianMs: round(m.medianMs),
        p95Ms: round(m.p95Ms),
        requestsPerSecond: round(m.requestsPerSecond, 1),
        medianToFloor: round(m.medianMs / Math.max(floor.medianMs, 0.01)),
        p95ToFloor: round(m.p95Ms / Math.max(floor.p95Ms, 0.01)),
      };
    }
    const serverPeakKb = processTreePeakKb(server.child.pid!);
    await server.stop();
    server = null;

    // 3. Ingest: the real command on generated conn.logs, against a plain line count of the same file, at 200,000
    // lines and at --ingest-lines, each into its own copy of the program (so that memory can be seen to stay flat).
    const pristine = path.join(dir, "pristine.db");
    fs.copyFileSync(databasePath, pristine);
    const measureIngest = async (lines: number) => {
      const target = path.join(dir, `ingest-${lines}.db`);
      fs.copyFileSync(pristine, target);
      const logFile = path.join(dir, `conn-${lines}.log`);
      const ingestPlant = plantCode(Math.min(3, counts.plants - 1));
      started = performance.now();
      await writeConnLog(logFile, { plantIndex: Math.min(3, counts.plants - 1), lines, end: new Date() });
      note(
        `Wrote a ${lines}-line conn.log (${Math.round(fs.statSync(logFile).size / 1e6)} MB) in ${seconds(
          performance.now() - started
        )} s; counting its lines, then ingesting it…`
      );
      const count = await timed(process.execPath, ["--input-type=module", "-e", COUNT_LINES, logFile], {});
      if (count.status !== 0) throw new BenchFailure(`Counting the lines failed: ${count.stderr}`);
      const fileLines = Number(count.stdout.trim());
      const ingest = await timed(
        process.execPath,
        ["--import", "tsx", path.join(root, "scripts/ingest-zeek.ts"), "--plant", ingestPlant, "--json", logFile],
        { DATABASE_PATH: target }
      );
      if (ingest.status !== 0) throw new BenchFailure(`The ingest command failed (${ingest.status}): ${ingest.stderr}`);
      const report = JSON.parse(ingest.stdout) as {
        files: {
          lines: number;
          summary: {
            records: number;
            counted: number;
            unmatched: number;
            stagedHosts: unknown[];
            wrongFlows: unknown[];
            days: unknown[];
          };
        }[];
      };
      const summary = report.files[0]!.summary;
      if (summary.counted === 0)
        throw new BenchFailure("The ingest counted no connection: the generated log missed the plant.");
      const logBytes = fs.statSync(logFile).size;
      fs.rmSync(logFile);
      fs.rmSync(target);
      return {
        plant: ingestPlant,
        lines: fileLines,
        bytes: logBytes,
        seconds: seconds(ingest.ms),
        linesPerSecond: Math.round(fileLines / (ingest.ms / 1000)),
        floorSeconds: seconds(count.ms),
        floorLinesPerSecond: Math.round(fileLines / (count.ms / 1000)),
        ratioToFloor: round(ingest.ms / count.ms),
        peakRssMb: ingest.peakKb === null ? null : mb(ingest.peakKb),
        floorPeakRssMb: count.peakKb === null ? null : mb(count.peakKb),
        records: summary.records,
        counted: summary.counted,
        unmatched: summary.unmatched,
        conduitDays: summary.days.length,
        wrongFlows: summary.wrongFlows.length,
        stagedHosts: summary.stagedHosts.length,
      };
    };
    const smallLines = Math.min(INGEST_SMALL, INGEST_LINES);
    const ingestSmall = await measureIngest(smallLines);
    const ingestFigures = smallLines === INGEST_LINES ? ingestSmall : await measureIngest(INGEST_LINES);

    // 4. The notifier: its first pass looks at every plant (every person's queue there, windows, sensors, blockers)
    // and stores what it tells, then the outbox is delivered (kept: no mail server); the real command, timed.
    const notifyDb = unread;
    note("Running the notifier's first pass over every plant…");
    const notify = await timed(process.execPath, ["--import", "tsx", path.join(root, "scripts/notify.ts"), "--once"], {
      DATABASE_PATH: notifyDb,
      SMTP_URL: "",
    });
    if (notify.status !== 0) throw new BenchFailure(`The notifier failed (${notify.status}): ${notify.stderr}`);
    const notified = openDatabase(notifyDb);
    const told = await notified
      .selectFrom("notification")
      .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.count<number>("person_id").distinct().as("people")])
      .executeTakeFirstOrThrow();
    const outboxed = await notified
      .selectFrom("outbox_message")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    await notified.destroy();
    fs.rmSync(notifyDb);
    const notifierFigures = {
      seconds: seconds(notify.ms),
      notifications: Number(told.n),
      people: Number(told.people),
      outbox: Number(outboxed.n),
      peakRssMb: notify.peakKb === null ? null : mb(notify.peakKb),
    };

    // 5. The report.
    const pages = Object.entries(figures).filter(([name]) => name !== "floor");
    const rollupNames = ["dashboard", "apiRollup"].filter((name) => figures[name]);
    // The three pages held to both targets in the same run: the dashboard, the plant list and the plant page.
    const judgedPage = (name: string) => {
      const f = figures[name];
      return f ? f.p95Ms < PAGE_P95_MS && f.medianToFloor <= PAGE_MEDIAN_TO_FLOOR : null;
    };
    const targets = {
      p95Under150Ms: pages.every(([, f]) => f.p95Ms < PAGE_P95_MS),
      rollupWithin10xFloor: rollupNames.every((name) => figures[name]!.medianToFloor <= PAGE_MEDIAN_TO_FLOOR),
      dashboardP95Under150MsAndWithin10xFloor: judgedPage("dashboard"),
      plantListP95Under150MsAndWithin10xFloor: judgedPage("plants"),
      plantPageP95Under150MsAndWithin10xFloor: judgedPage("plant"),
      ingestAtLeast200kLinesPerSecond: ingestFigures.linesPerSecond >= 200_000,
      ingestWithin5xFloor: ingestFigures.ratioToFloor <= 5,
      ingestUnder300MbAtBothSizes: [ingestSmall, ingestFigures].every((f) => f.peakRssMb !== null && f.peakRssMb < 300),
    };
    const result = {
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? "unknown",
        memoryGb: round(os.totalmem() / 2 ** 30, 1),
        node: process.version,
      },
      plants: counts.plants,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
      generateSeconds: seconds(generateMs),
      importSeconds: seconds(importMs),
      counts,
      routes: figures,
      serverPeakRssMb: serverPeakKb === null ? null : mb(serverPeakKb),
      ingest: ingestFigures,
      ingestSmall,
      notifier: notifierFigures,
      targets,
    };

    const rows = Object.values(figures).map((f) => [
      f.label,
      f.path,
      f.medianMs.toFixed(1),
      f.p95Ms.toFixed(1),
      f.requestsPerSecond.toFixed(0),
      `${f.medianToFloor.toFixed(1)}×`,
      f.coldMs.toFixed(0),
    ]);
    const head = ["route", "path", "median ms", "p95 ms", "req/s", "median/floor", "cold ms"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
    console.log(
      `${counts.plants} plants (${counts.assets} assets, ${counts.observations} observations), imported in ${seconds(
        importMs
      )} s`
    );
    console.log(
      `${CONNECTIONS} concurrent connections, ${DURATION} s per route; server peak RSS ${result.serverPeakRssMb} MB`
    );
    console.log(line(head));
    for (const row of rows) console.log(line(row));
    for (const f of smallLines === INGEST_LINES ? [ingestFigures] : [ingestSmall, ingestFigures]) {
      console.log(
        `ingest ${f.lines} lines: ${f.seconds} s, ${f.linesPerSecond} lines/s, ${f.ratioToFloor}× the plain read (${f.floorSeconds} s), peak RSS ${f.peakRssMb} MB; ${f.counted} counted, ${f.conduitDays} conduit-days, ${f.stagedHosts} staged hosts`
      );
    }
    console.log(
      `notifier, first pass over every plant: ${notifierFigures.seconds} s, ${notifierFigures.notifications} notifications for ${notifierFigures.people} people, ${notifierFigures.outbox} outbox messages, peak RSS ${notifierFigures.peakRssMb} MB`
    );
    console.log(
      `targets: ${Object.entries(targets)
        .map(([name, ok]) => `${name} ${ok === null ? "not measured" : ok ? "met" : "MISSED"}`)
        .join(", ")}`
    );
    if (values.json) console.log(JSON.stringify(result));
    return 0;
  } finally {
    if (server) await server.stop();
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
