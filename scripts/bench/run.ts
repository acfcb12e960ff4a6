import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { resetPassword } from "../../app/models/accounts.server";
import { createApiToken } from "../../app/models/api-tokens.server";
import { importProgram } from "../../app/models/program-import.server";
import type { ProgramFile } from "../../app/domain/program-file";
import { systemActor } from "../../app/utils/actor";
import { openDatabase } from "../../app/utils/db.server";
import { migrateToLatest } from "../../db/migrate";
import { root } from "../build";
import { startServerProcess, type ServerProcess } from "../processes";
import { writeConnLog } from "./conn-log";
import type { RunDatabases } from "./databases";
import {
  BenchFailure,
  COUNT_LINES,
  mb,
  measure,
  note,
  processTreePeakKb,
  round,
  seconds,
  timed,
  type RouteSpec,
} from "./measure";
import { BENCH_ACCOUNTS, BENCH_PASSWORD, plantCode } from "./program";

// One benchmark run on one engine: the program into a fresh database (or a copy of a kept one), the production
// server on it and its routes measured, the Zeek ingest command at two sizes, each into its own copy of the
// program, and the notifier's first pass. Gives back every figure; the caller prints them.

export interface BenchSettings {
  /** The generated program, or null to copy `keptDatabase`. */
  document: ProgramFile | null;
  /** How long generating `document` took. */
  generateMs: number;
  /** A database an earlier run kept: a file (SQLite) or a database on the same server (PostgreSQL). */
  keptDatabase: string | null;
  ingestLines: number;
  ingestSmall: number;
  duration: number;
  connections: number;
  only: string[] | null;
}

/** Every page and API answers within this p95 … */
const PAGE_P95_MS = 150;
/** … and the dashboard, the plant list and the plant page within this many times the floor's median. */
const PAGE_MEDIAN_TO_FLOOR = 10;

export const ROUTE_NAMES = ["floor", "dashboard", "plants", "plant", "apiRollup", "apiReadiness"];

function routesFor(plant: string): RouteSpec[] {
  return [
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

/** The production server on the database, at 127.0.0.1 (no name lookup in the measured requests). */
async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess(env, 300_000).catch((error: unknown) => {
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

type Counts = { plants: number; assets: number; observations: number } & Record<string, number>;

/** The program in a fresh database, through the importer, or a copy of a kept one; the bench accounts and token. */
async function prepare(databases: RunDatabases, settings: BenchSettings) {
  const generateMs = settings.document ? settings.generateMs : 0;
  let importMs = 0;
  let counts: Counts;
  let target: string;
  if (settings.keptDatabase) {
    target = await databases.copy(settings.keptDatabase, "bench");
    const db = openDatabase(target);
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
    await db.destroy();
    note(`Copied ${settings.keptDatabase}: ${counts.plants} plants, ${counts.assets} assets.`);
  } else {
    target = await databases.create("bench");
    note(`Importing into ${databases.backend} ${target}…`);
    const db = openDatabase(target);
    await migrateToLatest(db);
    const started = performance.now();
    ({ counts } = (await importProgram(db, settings.document!, {
      actor: systemActor("program:import"),
    })) as unknown as {
      counts: Counts;
    });
    importMs = performance.now() - started;
    await db.destroy();
    note(
      `Imported in ${seconds(importMs)} s: ${counts.plants} plants, ${counts.assets} assets, ${
        counts.observations
      } observations.`
    );
  }
  const db = openDatabase(target);
  const admin = systemActor("bench");
  for (const email of [BENCH_ACCOUNTS.lead, BENCH_ACCOUNTS.exec]) {
    const person = await db.selectFrom("person").select("id").where("email", "=", email).executeTakeFirstOrThrow();
    await resetPassword(db, admin, { personId: person.id, password: BENCH_PASSWORD });
  }
  const token = await createApiToken(db, admin, { name: "bench", role: "program_lead", plants: [] });
  await db.destroy();
  return { target, counts, generateMs, importMs, token: token.secret };
}

/** Waits for the server's notification worker's first pass over every plant (none with NOTIFY=off). */
async function firstPass(target: string): Promise<number> {
  const started = performance.now();
  const watched = openDatabase(target);
  const notifying = process.env.NOTIFY?.trim().toLowerCase() !== "off";
  try {
    while (
      notifying &&
      !(await watched
        .selectFrom("notifier_state")
        .select("value")
        .where("name", "=", "full_pass_at")
        .executeTakeFirst())
    ) {
      if (performance.now() - started > 300_000)
        throw new BenchFailure("The server's notification worker made no first pass within 5 minutes.");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await watched.destroy();
  }
  return performance.now() - started;
}

async function measureRoutes(url: string, plant: string, token: string, settings: BenchSettings) {
  // The executive reads the rollup; the program lead the plant list and the plant page.
  const cookies = { lead: await signIn(url, BENCH_ACCOUNTS.lead), exec: await signIn(url, BENCH_ACCOUNTS.exec) };
  const figures: Record<string, RouteFigures> = {};
  let floor: { medianMs: number; p95Ms: number } | null = null;
  // The floor is always measured, first.
  for (const route of routesFor(plant).filter(
    (r) => r.name === "floor" || !settings.only?.length || settings.only.includes(r.name)
  )) {
    const headers: Record<string, string> =
      route.auth === "session"
        ? { Cookie: cookies.lead }
        : route.auth === "exec"
        ? { Cookie: cookies.exec }
        : route.auth === "token"
        ? { Authorization: `Bearer ${token}` }
        : {};
    note(
      `Measuring ${route.label}: GET ${route.path}, ${settings.connections} connections for ${settings.duration} s…`
    );
    const m = await measure(url, route, headers, settings);
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
  return figures;
}

interface IngestReport {
  files: {
    summary: {
      records: number;
      counted: number;
      unmatched: number;
      stagedHosts: unknown[];
      wrongFlows: unknown[];
      days: unknown[];
    };
  }[];
}

/** The real ingest command on a generated conn.log of `lines` lines, into its own copy of the program. */
async function measureIngest(
  databases: RunDatabases,
  dir: string,
  pristine: string,
  plantIndex: number,
  lines: number
) {
  const target = await databases.copy(pristine, `ingest_${lines}`);
  const logFile = path.join(dir, `conn-${lines}.log`);
  const started = performance.now();
  await writeConnLog(logFile, { plantIndex, lines, end: new Date() });
  note(
    `Wrote a ${lines}-line conn.log (${Math.round(fs.statSync(logFile).size / 1e6)} MB) in ${seconds(
      performance.now() - started
    )} s; counting its lines, then ingesting it…`
  );
  const count = await timed(process.execPath, ["--input-type=module", "-e", COUNT_LINES, logFile], {});
  if (count.status !== 0) throw new BenchFailure(`Counting the lines failed: ${count.stderr}`);
  const fileLines = Number(count.stdout.trim());
  const plant = plantCode(plantIndex);
  const ingest = await timed(
    process.execPath,
    ["--import", "tsx", path.join(root, "scripts/ingest-zeek.ts"), "--plant", plant, "--json", logFile],
    databases.env(target)
  );
  if (ingest.status !== 0) throw new BenchFailure(`The ingest command failed (${ingest.status}): ${ingest.stderr}`);
  const summary = (JSON.parse(ingest.stdout) as IngestReport).files[0]!.summary;
  if (summary.counted === 0)
    throw new BenchFailure("The ingest counted no connection: the generated log missed the plant.");
  const logBytes = fs.statSync(logFile).size;
  fs.rmSync(logFile);
  await databases.remove(target);
  return {
    plant,
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
}

export type IngestFigures = Awaited<ReturnType<typeof measureIngest>>;

/** The notifier's first pass over every plant, the real command on a copy of the program no notifier has read. */
async function measureNotifier(databases: RunDatabases, unread: string) {
  note("Running the notifier's first pass over every plant…");
  const notify = await timed(process.execPath, ["--import", "tsx", path.join(root, "scripts/notify.ts"), "--once"], {
    ...databases.env(unread),
    SMTP_URL: "",
  });
  if (notify.status !== 0) throw new BenchFailure(`The notifier failed (${notify.status}): ${notify.stderr}`);
  const notified = openDatabase(unread);
  const told = await notified
    .selectFrom("notification")
    .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.count<number>("person_id").distinct().as("people")])
    .executeTakeFirstOrThrow();
  const outboxed = await notified
    .selectFrom("outbox_message")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  await notified.destroy();
  await databases.remove(unread);
  return {
    seconds: seconds(notify.ms),
    notifications: Number(told.n),
    people: Number(told.people),
    outbox: Number(outboxed.n),
    peakRssMb: notify.peakKb === null ? null : mb(notify.peakKb),
  };
}

export async function benchBackend(databases: RunDatabases, dir: string, settings: BenchSettings) {
  // 1. The program, and a copy of it as no notifier has read it yet, for timing the notifier's first pass (the
  // server's own worker reads it as soon as it starts).
  const { target, counts, generateMs, importMs, token } = await prepare(databases, settings);
  const databaseMb = await databases.sizeMb(target);
  const unread = await databases.copy(target, "unread");

  // 2. The production server, and the routes, in the server's steady state: after its notification worker's first
  // pass over every plant, which a program has once, when it is first served.
  note(`Starting the production server on ${databases.backend}…`);
  const server = await startServer(databases.env(target));
  let figures: Record<string, RouteFigures>;
  let serverPeakKb: number | null;
  let firstPassMs: number;
  try {
    firstPassMs = await firstPass(target);
    note(`The server's notification worker made its first pass ${seconds(firstPassMs)} s after the server answered.`);
    // A plant in the baseline phase: every kind of fact is present.
    figures = await measureRoutes(server.url, plantCode(Math.min(3, counts.plants - 1)), token, settings);
    serverPeakKb = processTreePeakKb(server.child.pid!);
  } finally {
    await server.stop();
  }

  // 3. Ingest at 200,000 lines and at --ingest-lines, each into its own copy of the program (so that memory can be
  // seen to stay flat).
  const plantIndex = Math.min(3, counts.plants - 1);
  const smallLines = Math.min(settings.ingestSmall, settings.ingestLines);
  const ingestSmall = await measureIngest(databases, dir, target, plantIndex, smallLines);
  const ingest =
    smallLines === settings.ingestLines
      ? ingestSmall
      : await measureIngest(databases, dir, target, plantIndex, settings.ingestLines);

  // 4. The notifier: its first pass looks at every plant and stores what it tells, then the outbox is delivered
  // (kept: no mail server).
  const notifier = await measureNotifier(databases, unread);

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
    ingestAtLeast200kLinesPerSecond: ingest.linesPerSecond >= 200_000,
    ingestWithin5xFloor: ingest.ratioToFloor <= 5,
    ingestUnder300MbAtBothSizes: [ingestSmall, ingest].every((f) => f.peakRssMb !== null && f.peakRssMb < 300),
  };
  return {
    backend: databases.backend,
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? "unknown",
      memoryGb: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      loadAverage: os.loadavg().map((n) => round(n, 1)),
    },
    plants: counts.plants,
    connections: settings.connections,
    durationSeconds: settings.duration,
    generateSeconds: seconds(generateMs),
    importSeconds: seconds(importMs),
    databaseMb,
    counts,
    firstPassSeconds: seconds(firstPassMs),
    routes: figures,
    /** The Node processes' (the server and its workers and notifier): a PostgreSQL server's own memory is apart. */
    serverPeakRssMb: serverPeakKb === null ? null : mb(serverPeakKb),
    ingest,
    ingestSmall,
    notifier,
    targets,
  };
}

export type BackendResult = Awaited<ReturnType<typeof benchBackend>>;
