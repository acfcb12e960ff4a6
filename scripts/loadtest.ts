import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { migrateToLatest } from "../db/migrate";
import { openDatabase, type DB } from "../app/utils/db.server";
import { root } from "./build";
import { demoPassword, seedDemo } from "./demo";
import {
  postgresDatabases,
  postgresServerProblem,
  postgresUrlProblem,
  runDatabasePrefix,
  shown,
  sqliteDatabases,
  type RunDatabases,
} from "./bench/databases";
import { runScript, startServerProcess, type ServerProcess } from "./processes";

// `npm run loadtest -- [--seconds S]`: a mixed load of signed-in readers and writers against the production server
// on loopback, on a freshly seeded demo database in a temporary folder (the user's data is never touched).
// Readers browse pages and the API; writers tick checklist criteria, rewrite and sign ownership splits (reading
// the signed hash from the page, as a browser does), schedule network changes and record observations over the
// API with a token; beside them, `npm run ingest:zeek` ingests one generated conn.log after another into a plant.
// A request answered 503 (the database busy) is sent again after its Retry-After, as a client should. Afterwards
// every write that was answered 2xx must be in its table and in the audit trail, every ingest's days in the
// observations, `npm run audit:verify` must pass, and no request may have had another 5xx. Prints the counts; exits
// 1 on any failure.
//
// With --database-url postgres://… the demo program is seeded into a fresh database of its own on that PostgreSQL
// server (loadtest_<time>_load, dropped afterwards unless --keep), and TWO instances of the app (two `npm start`
// processes on ports of their own, both on that database) share the load, request by request in turn.

const USAGE = "Usage: npm run loadtest -- [--seconds S] [--ingest-lines N] [--database-url postgres://…] [--keep]";

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        seconds: { type: "string", default: "30" },
        "ingest-lines": { type: "string", default: "20000" },
        keep: { type: "boolean", default: false },
        "database-url": { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}. ${USAGE}`);
    process.exit(2);
  }
})();
const SECONDS = Number(values.seconds);
if (!Number.isFinite(SECONDS) || SECONDS <= 0) {
  console.error(`--seconds must be a positive number, not “${values.seconds}”. ${USAGE}`);
  process.exit(2);
}
const INGEST_LINES = Number(values["ingest-lines"]);
if (!Number.isInteger(INGEST_LINES) || INGEST_LINES < 1) {
  console.error(`--ingest-lines must be a whole number of connections, not “${values["ingest-lines"]}”. ${USAGE}`);
  process.exit(2);
}

const DATABASE_URL = values["database-url"]?.trim();
if (DATABASE_URL !== undefined) {
  const problem = postgresUrlProblem(DATABASE_URL);
  if (problem) {
    console.error(`--database-url ${problem}. ${USAGE}`);
    process.exit(2);
  }
}
/** How many app instances share the load: two on PostgreSQL, one (with its workers) on a SQLite file. */
const INSTANCES = DATABASE_URL ? 2 : 1;

const note = (message: string) => process.stderr.write(`${message}\n`);

type WriteKind = "tick" | "split" | "signoff" | "change" | "observation" | "stop" | "outcome";

/** A write answered 2xx, and the marker that finds it afterwards in its table and in the audit trail. */
interface Write {
  kind: WriteKind;
  marker: string;
  plant: string;
  detail: Record<string, string | number>;
}

const counts = {
  requests: 0,
  reads: 0,
  byStatus: new Map<number, number>(),
  writesAttempted: new Map<WriteKind, number>(),
  writesAccepted: new Map<WriteKind, number>(),
  writesRefused: new Map<WriteKind, number>(),
  networkErrors: 0,
  /** 503s with Retry-After, each sent again once the time it named had passed. */
  busyRetried: 0,
};
/** How many times one request is sent again while the database stays busy, before its 503 counts as a failure. */
const BUSY_RETRIES = 5;
const serverErrors: string[] = [];
const writes: Write[] = [];
let markerSeq = 0;
const run = Date.now().toString(36);
const marker = () => `LT-${run}-${++markerSeq}`;
const bump = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

type Server = ServerProcess;

/** The production server on the database, at 127.0.0.1 (no name lookup in the measured requests). */
async function startServer(env: Record<string, string>): Promise<Server> {
  const server = await startServerProcess(env, 300_000);
  return { ...server, url: server.url.replace("localhost", "127.0.0.1") };
}

/** The instances' addresses; each request goes to the next in turn. */
let baseUrls: string[] = [];
let sent = 0;
const requestsByInstance: number[] = [];

/**
 * One request; counts it, records any 5xx, and gives back the status and body text. A 503 with Retry-After (the
 * database busy with an ingest) is sent again once that time has passed, up to BUSY_RETRIES times.
 */
async function send(
  method: "GET" | "POST",
  pathname: string,
  options: { cookie?: string; token?: string; form?: Record<string, string>; json?: unknown } = {}
): Promise<{ status: number; text: string; location: string | null } | null> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.Cookie = options.cookie;
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(options.form).toString();
  } else if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  for (let attempt = 0; ; attempt++) {
    counts.requests++;
    const instance = sent++ % baseUrls.length;
    const baseUrl = baseUrls[instance]!;
    requestsByInstance[instance] = (requestsByInstance[instance] ?? 0) + 1;
    if (method === "POST") headers.Origin = baseUrl;
    try {
      const response = await fetch(`${baseUrl}${pathname}`, { method, headers, body, redirect: "manual" });
      const text = await response.text();
      bump(counts.byStatus, response.status);
      const retryAfter = Number(response.headers.get("retry-after") ?? NaN);
      if (response.status === 503 && retryAfter > 0 && attempt < BUSY_RETRIES) {
        counts.busyRetried++;
        await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
        continue;
      }
      if (response.status >= 500)
        serverErrors.push(`${method} ${pathname} → ${response.status}: ${text.slice(0, 200)}`);
      return { status: response.status, text, location: response.headers.get("location") };
    } catch (error) {
      counts.networkErrors++;
      serverErrors.push(`${method} ${pathname} → ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }
}

async function signIn(email: string, password: string): Promise<string> {
  // A session is a row in the database: one signed in at one instance is signed in at every one.
  const baseUrl = baseUrls[0]!;
  const response = await fetch(`${baseUrl}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseUrl },
    body: new URLSearchParams({ email, password }),
    redirect: "manual",
  });
  const cookie = response.headers.get("set-cookie");
  if (response.status !== 302 || !cookie) throw new Error(`Signing in as ${email} answered ${response.status}.`);
  return cookie.split(";")[0]!;
}

/** A form post succeeded when the action redirected (303/302) rather than answering with the form's errors. */
function accepted(reply: { status: number; location: string | null } | null): boolean {
  return reply !== null && reply.status >= 300 && reply.status < 400 && !/\/login(\?|$)/.test(reply.location ?? "");
}

function record(
  kind: WriteKind,
  reply: { status: number; location: string | null } | null,
  write: Write,
  form: boolean
) {
  bump(counts.writesAttempted, kind);
  const ok = form ? accepted(reply) : reply !== null && reply.status >= 200 && reply.status < 300;
  if (ok) {
    bump(counts.writesAccepted, kind);
    writes.push(write);
  } else if (reply && reply.status < 500) {
    bump(counts.writesRefused, kind);
  }
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** What a generated conn.log carries over one conduit: inventory hosts on its two sides, and its allowed flows. */
interface ConduitTraffic {
  a: string[];
  b: string[];
  flows: { protocol: string; port: number }[];
}

/** The monitored conduits of a plant with inventory hosts on both sides. */
async function conduitTraffic(db: DB, plantId: number): Promise<ConduitTraffic[]> {
  const conduits = await db
    .selectFrom("conduit")
    .select(["id", "zone_a_id", "zone_b_id"])
    .where("plant_id", "=", plantId)
    .where("monitored", "=", 1)
    .execute();
  const assets = await db
    .selectFrom("asset")
    .select(["zone_id", "ip"])
    .where("plant_id", "=", plantId)
    .where("ip", "is not", null)
    .execute();
  const flows = await db
    .selectFrom("conduit_flow as f")
    .innerJoin("conduit as c", "c.id", "f.conduit_id")
    .select(["f.conduit_id", "f.protocol", "f.port"])
    .where("c.plant_id", "=", plantId)
    .where("f.protocol", "in", ["tcp", "udp"])
    .where("f.port", "is not", null)
    .execute();
  const hostsOf = (zoneId: number) => assets.filter((a) => a.zone_id === zoneId).map((a) => a.ip!);
  return conduits
    .map((c) => ({
      a: hostsOf(c.zone_a_id),
      b: hostsOf(c.zone_b_id),
      flows: flows.filter((f) => f.conduit_id === c.id).map((f) => ({ protocol: f.protocol, port: f.port! })),
    }))
    .filter((t) => t.a.length > 0 && t.b.length > 0)
    .map((t) => (t.flows.length > 0 ? t : { ...t, flows: [{ protocol: "tcp", port: 502 }] }));
}

const CONN_LOG_HEADER = [
  "#separator \\x09",
  "#set_separator\t,",
  "#empty_field\t(empty)",
  "#unset_field\t-",
  "#path\tconn",
  "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state",
  "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring",
];

/**
 * A Zeek conn.log of `lines` connections over the plant's conduits, between 08:00 and 14:00 UTC of `day`: one
 * local day in the time zones of the demo plants, so each file's connections fall on a day of their own.
 */
function connLog(traffic: ConduitTraffic[], day: Date, lines: number): string {
  const start = day.getTime() / 1000 + 8 * 3600;
  const out = [...CONN_LOG_HEADER];
  for (let n = 0; n < lines; n++) {
    const conduit = pick(traffic);
    const flow = pick(conduit.flows);
    const [orig, resp] = Math.random() < 0.5 ? [pick(conduit.a), pick(conduit.b)] : [pick(conduit.b), pick(conduit.a)];
    const ts = start + (n / lines) * 6 * 3600;
    out.push(
      `${ts.toFixed(6)}\tC${n.toString(36)}\t${orig}\t${1024 + (n % 60000)}\t${resp}\t${flow.port}\t${
        flow.protocol
      }\t-\t0.250000\t${100 + (n % 900)}\t${200 + (n % 1800)}\tSF`
    );
  }
  return out.join("\n") + "\n";
}

/** One run of `npm run ingest:zeek`: how it ended, how long it took, and what it reported. */
interface IngestRun {
  ok: boolean;
  seconds: number;
  counted: number;
  days: { conduitId: number; day: string; connections: number }[];
  error?: string;
}

/** The real command, as an operator or a sensor's cron job runs it, on its own connection to the database. */
function runIngest(file: string, plant: string, env: Record<string, string>): Promise<IngestRun> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn("npm", ["run", "--silent", "ingest:zeek", "--", "--plant", plant, "--json", file], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => (stdout += chunk));
    child.stderr.on("data", (chunk: string) => (stderr += chunk));
    child.on("exit", (status) => {
      const seconds = (performance.now() - started) / 1000;
      if (status !== 0) {
        const error = `ingest:zeek exited ${status}: ${stderr.trim().split("\n")[0] ?? ""}`;
        return resolve({ ok: false, seconds, counted: 0, days: [], error });
      }
      try {
        const report = JSON.parse(stdout) as {
          files: { summary: { counted: number; days: { conduitId: number; day: string; connections: number }[] } }[];
        };
        const summary = report.files[0]!.summary;
        resolve({ ok: true, seconds, counted: summary.counted, days: summary.days });
      } catch {
        resolve({
          ok: false,
          seconds,
          counted: 0,
          days: [],
          error: `ingest:zeek printed no report: ${stdout.slice(0, 200)}`,
        });
      }
    });
  });
}

async function main(): Promise<number> {
  if (DATABASE_URL) {
    const problem = await postgresServerProblem(DATABASE_URL);
    if (problem) {
      console.error(`--database-url: ${problem}. ${USAGE}`);
      return 2;
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tracker-loadtest-"));
  const databases: RunDatabases = DATABASE_URL
    ? postgresDatabases(DATABASE_URL, runDatabasePrefix("loadtest"))
    : sqliteDatabases(dir);
  let servers: Server[] = [];
  try {
    const target = await databases.create(DATABASE_URL ? "load" : "tracker");
    const env = databases.env(target);
    note(`Seeding the demo program into ${databases.backend === "postgres" ? shown(target) : target}…`);
    const setup = openDatabase(target);
    await migrateToLatest(setup);
    await seedDemo(setup);
    const plants = (await setup.selectFrom("plant").select(["id", "code"]).orderBy("code").execute()).slice(0, 6);
    const engineers = await setup
      .selectFrom("person as p")
      .innerJoin("person_plant as pp", "pp.person_id", "p.id")
      .select(["p.email", "pp.plant_id"])
      .where("p.role", "=", "plant_engineer")
      .where("p.active", "=", 1)
      .where(
        "pp.plant_id",
        "in",
        plants.map((p) => p.id)
      )
      .execute();
    // The ingest's plant: the one of them with the most monitored conduits that have hosts on both sides.
    let ingestPlant = { code: plants[0]!.code, traffic: [] as ConduitTraffic[] };
    for (const plant of plants) {
      const traffic = await conduitTraffic(setup, plant.id);
      if (traffic.length > ingestPlant.traffic.length) ingestPlant = { code: plant.code, traffic };
    }
    if (ingestPlant.traffic.length === 0)
      throw new Error("No plant of the demo program has a conduit to ingest traffic of.");
    const outcomesDue = await pastChanges(setup, plants, OUTCOMES_PER_PLANT);
    await setup.destroy();
    const token = await runScript("scripts/token-create.ts", ["--role", "program_lead", "--name", "loadtest"], env);
    if (token.status !== 0) throw new Error(`token:create failed: ${token.stderr}`);
    const apiToken = token.stdout.trim().split("\n").at(-1)!;

    // The instances one after another: each migrates at start, and two migrating at once would race.
    for (let n = 0; n < INSTANCES; n++) servers.push(await startServer(env));
    baseUrls = servers.map((server) => server.url);
    const password = demoPassword();
    const sessions = {
      lead: await signIn("lead@demo.test", password),
      exec: await signIn("exec@demo.test", password),
      security: await signIn("security@demo.test", password),
    };
    const engineerOf = new Map<string, { email: string; cookie: string }>();
    for (const plant of plants) {
      const engineer = engineers.find((e) => e.plant_id === plant.id);
      if (engineer && !engineerOf.has(plant.code)) {
        engineerOf.set(plant.code, { email: engineer.email, cookie: await signIn(engineer.email, password) });
      }
    }

    // What the API knows of each plant: its conduits and the confirmed outage windows still to come.
    const conduitsOf = new Map<string, number[]>();
    const windowsOf = new Map<string, { id: number; startsAt: string }[]>();
    for (const plant of plants) {
      const readiness = await send("GET", `/api/plants/${plant.code}/readiness`, { token: apiToken });
      const doc = JSON.parse(readiness?.text ?? "{}") as { conduits?: { id: number }[] };
      conduitsOf.set(
        plant.code,
        (doc.conduits ?? []).map((c) => c.id)
      );
      const windows = await send("GET", `/api/plants/${plant.code}/windows`, { token: apiToken });
      const list = (JSON.parse(windows?.text ?? "{}") as { windows?: Record<string, unknown>[] }).windows ?? [];
      windowsOf.set(
        plant.code,
        list
          .filter(
            (w) =>
              w.kind === "scheduled_outage" && w.status === "confirmed" && String(w.startsAt) > new Date().toISOString()
          )
          .map((w) => ({ id: Number(w.id), startsAt: String(w.startsAt) }))
      );
    }

    // Reader pages: the ones every deployment has, and the program views when this build has them.
    const readerPaths = ["/windows", ...plants.map((p) => `/plants/${p.code}`)];
    for (const optional of ["/dashboard", "/plants"]) {
      const probe = await send("GET", optional, { cookie: sessions.lead });
      if (probe?.status === 200) readerPaths.push(optional);
    }
    const readerCookies = [
      sessions.lead,
      sessions.exec,
      sessions.security,
      ...[...engineerOf.values()].map((e) => e.cookie),
    ];

    const deadline = Date.now() + SECONDS * 1000;
    const loop = async (body: () => Promise<void>) => {
      while (Date.now() < deadline) await body();
    };

    const reader = () =>
      loop(async () => {
        counts.reads++;
        if (Math.random() < 0.25) await send("GET", `/api/plants/${pick(plants).code}/readiness`, { token: apiToken });
        else await send("GET", pick(readerPaths), { cookie: pick(readerCookies) });
      });

    // Ticks and unticks in turn: a criterion already ticked is refused another tick (409), and then unticked.
    const ticked = new Map<string, boolean>();
    const ticker = () =>
      loop(async () => {
        const plant = pick(plants);
        const code = pick(["INV-REVIEW", "ZON-REVIEW", "BAS-PIPELINE"]);
        const key = `${plant.code} ${code}`;
        for (let attempt = 0; attempt < 2; attempt++) {
          const intent = ticked.get(key) ? "untick" : "tick";
          const m = marker();
          const form: Record<string, string> = { intent, code, note: `Reviewed under load ${m}` };
          if (code === "BAS-PIPELINE" && intent === "tick") {
            Object.assign(form, { pipelineName: "OT SIEM", itPipelineName: "Corporate SIEM", retentionDays: "400" });
          }
          const reply = await send("POST", `/plants/${plant.code}`, { cookie: sessions.lead, form });
          record("tick", reply, { kind: "tick", marker: m, plant: plant.code, detail: { code, intent } }, true);
          if (accepted(reply)) {
            ticked.set(key, intent === "tick");
            return;
          }
          if (reply?.status !== 409) return;
          ticked.set(key, intent === "tick");
        }
      });

    const signer = () =>
      loop(async () => {
        const [code, engineer] = pick([...engineerOf.entries()]);
        // The split is edited on the revision the page shows, as the page's form sends it.
        const before = await send("GET", `/plants/${code}`, { cookie: engineer.cookie });
        const revision = /value="edit-split"[^>]*>\s*<input[^>]*name="revision" value="(\d+)"/.exec(
          before?.text ?? ""
        )?.[1];
        if (!revision) return;
        const m = marker();
        const split = await send("POST", `/plants/${code}`, {
          cookie: engineer.cookie,
          form: {
            intent: "edit-split",
            revision,
            text: `Design and change control belong to plant engineering; monitoring to corporate security (${m}).`,
          },
        });
        record("split", split, { kind: "split", marker: m, plant: code, detail: {} }, true);
        // Sign what the page shows, as a browser would: the hash and the revision ride in the form.
        const page = await send("GET", `/plants/${code}`, { cookie: engineer.cookie });
        const signing =
          /name="part" value="design_change_control"[^>]*>\s*<input[^>]*name="hash" value="([0-9a-f]{64})"[^>]*>\s*<input[^>]*name="revision" value="(\d+)"/.exec(
            page?.text ?? ""
          );
        if (!signing) return;
        const [, hash, signedRevision] = signing as unknown as [string, string, string];
        const s = marker();
        const sign = await send("POST", `/plants/${code}`, {
          cookie: engineer.cookie,
          form: {
            intent: "sign",
            part: "design_change_control",
            hash,
            revision: signedRevision,
            note: `Signed under load ${s}`,
          },
        });
        record("signoff", sign, { kind: "signoff", marker: s, plant: code, detail: {} }, true);
      });

    const scheduler = () =>
      loop(async () => {
        const candidates = plants.filter((p) => (windowsOf.get(p.code) ?? []).length > 0);
        if (candidates.length === 0) return void (await new Promise((r) => setTimeout(r, 50)));
        const plant = pick(candidates);
        const window = pick(windowsOf.get(plant.code)!);
        const m = marker();
        const reply = await send("POST", `/api/plants/${plant.code}/changes`, {
          token: apiToken,
          json: {
            windowId: window.id,
            kind: "firewall_rule_change",
            title: `Rule review ${m}`,
            plannedStart: window.startsAt,
            plannedMinutes: 1,
          },
        });
        record("change", reply, { kind: "change", marker: m, plant: plant.code, detail: {} }, false);
      });

    // Production stops recorded by the plant's engineers (a stop binds a person: a session, not a token).
    const stopper = () =>
      loop(async () => {
        const [code, engineer] = pick([...engineerOf.entries()]);
        const m = marker();
        const reply = await send("POST", `/api/plants/${code}/stops`, {
          cookie: engineer.cookie,
          json: {
            line: "Line LT",
            startedAt: new Date(Date.now() - 3_600_000).toISOString(),
            minutesLost: 1,
            description: `Stop under load ${m}`,
            cause: "suspected",
          },
        });
        record("stop", reply, { kind: "stop", marker: m, plant: code, detail: {} }, false);
      });

    // Outcomes of the changes whose window is over, each recorded once as not done (it then waits for a window).
    const outcomer = () =>
      loop(async () => {
        const candidates = plants.filter((p) => (outcomesDue.get(p.code) ?? []).length > 0);
        if (candidates.length === 0) return void (await new Promise((r) => setTimeout(r, 50)));
        const plant = pick(candidates);
        const changeId = outcomesDue.get(plant.code)!.pop()!;
        const m = marker();
        const reply = await send("POST", `/api/plants/${plant.code}/changes/${changeId}/outcomes`, {
          cookie: sessions.lead,
          json: { outcome: "not_done", note: `Not done under load ${m}` },
        });
        record("outcome", reply, { kind: "outcome", marker: m, plant: plant.code, detail: { changeId } }, false);
      });

    const observer = () =>
      loop(async () => {
        const candidates = plants.filter((p) => (conduitsOf.get(p.code) ?? []).length > 0);
        const plant = pick(candidates);
        const conduitId = pick(conduitsOf.get(plant.code)!);
        const m = marker();
        const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
        const reply = await send("POST", `/api/conduits/${conduitId}/observations`, {
          token: apiToken,
          json: { day, source: m, coverage: 0.9, tuples: 40, newTuples: 0, connections: 1000, bytes: 123456 },
        });
        record(
          "observation",
          reply,
          { kind: "observation", marker: m, plant: plant.code, detail: { conduitId, day } },
          false
        );
      });

    // One ingest after another for as long as the load lasts (at least one), each of a day of its own, going back
    // from the day before yesterday.
    const ingests: IngestRun[] = [];
    const ingester = async () => {
      do {
        const day = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
        day.setUTCDate(day.getUTCDate() - 2 - ingests.length);
        const file = path.join(dir, `conn-${ingests.length}.log`);
        fs.writeFileSync(file, connLog(ingestPlant.traffic, day, INGEST_LINES));
        ingests.push(await runIngest(file, ingestPlant.code, env));
        fs.rmSync(file);
      } while (Date.now() < deadline);
    };

    note(
      `Load for ${SECONDS} s on ${baseUrls.join(" and ")}: 6 readers over ${
        readerPaths.length
      } pages and the API; writers ticking, signing, scheduling changes, recording observations, production stops and changes' outcomes; ingests of ${INGEST_LINES}-connection conn.logs into ${
        ingestPlant.code
      }…`
    );
    const started = Date.now();
    await Promise.all([
      ingester(),
      ...Array.from({ length: 6 }, reader),
      ticker(),
      ticker(),
      signer(),
      scheduler(),
      observer(),
      observer(),
      stopper(),
      outcomer(),
    ]);
    const elapsed = (Date.now() - started) / 1000;
    await Promise.all(servers.map((server) => server.stop()));
    // What the servers said of their errors, for the report of a failed run.
    const serverLog = servers.map((server) => server.output()).join("\n");
    servers = [];

    // Every accepted write, in its table and in the audit trail.
    note(`Checking ${writes.length} accepted writes…`);
    const db = openDatabase(target);
    const audit = await db.selectFrom("audit_event").select(["summary", "before_json", "after_json"]).execute();
    const audited = new Set<string>();
    for (const event of audit) {
      for (const found of `${event.summary} ${event.after_json ?? ""}`.matchAll(/LT-[0-9a-z]+-\d+/g))
        audited.add(found[0]);
    }
    const stored = new Set<string>();
    const collect = (rows: { text: string | null }[]) => {
      for (const row of rows) for (const found of (row.text ?? "").matchAll(/LT-[0-9a-z]+-\d+/g)) stored.add(found[0]);
    };
    collect(await db.selectFrom("checklist_tick").select("note as text").execute());
    collect(await db.selectFrom("plant").select("ownership_split as text").execute());
    collect(await db.selectFrom("signoff").select("note as text").execute());
    collect(await db.selectFrom("network_change").select("title as text").execute());
    collect(await db.selectFrom("observation").select("source as text").execute());
    collect(await db.selectFrom("production_stop").select("description as text").execute());
    collect(await db.selectFrom("change_outcome").select("note as text").execute());
    // Every ingest's days, as the last ingest of each day reported them, in the observations.
    const ingestedDays = new Map<string, { conduitId: number; day: string; connections: number }>();
    for (const run of ingests) for (const d of run.days) ingestedDays.set(`${d.conduitId} ${d.day}`, d);
    const observed = await db
      .selectFrom("observation")
      .select(["conduit_id", "day", "connections"])
      .where("source", "=", "zeek_ingest")
      .execute();
    const observedDays = new Map(observed.map((o) => [`${o.conduit_id} ${o.day}`, o.connections]));
    await db.destroy();
    // A split rewritten since keeps only its latest text: its row is the plant's, its proof the audit event.
    const lastSplit = new Map<string, string>();
    for (const w of writes) if (w.kind === "split") lastSplit.set(w.plant, w.marker);
    const missing: string[] = [];
    for (const w of writes) {
      const inTable = w.kind === "split" && lastSplit.get(w.plant) !== w.marker ? true : stored.has(w.marker);
      if (!inTable) missing.push(`${w.kind} ${w.marker} (${w.plant}) is not in its table`);
      if (!audited.has(w.marker)) missing.push(`${w.kind} ${w.marker} (${w.plant}) has no audit event`);
    }

    const ingestProblems = ingests.filter((run) => !run.ok).map((run) => run.error!);
    for (const [key, d] of ingestedDays) {
      const found = observedDays.get(key);
      if (found !== d.connections)
        ingestProblems.push(
          `ingest day ${d.day} of conduit ${d.conduitId} reported ${d.connections} connections; the observation holds ${
            found ?? "none"
          }`
        );
    }
    const counted = ingests.reduce((n, run) => n + run.counted, 0);
    if (ingests.some((run) => run.ok) && counted === 0)
      ingestProblems.push("the ingests counted no connection: the load test's conn.logs missed the plant's conduits");

    const verify = await runScript("scripts/audit-verify.ts", [], env);

    const kinds: WriteKind[] = ["tick", "split", "signoff", "change", "observation", "stop", "outcome"];
    // A 503 sent again after its Retry-After is the answer the app owes a write while an ingest writes, not a failure.
    const fiveHundreds =
      [...counts.byStatus].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0) - counts.busyRetried;
    console.log(
      `loadtest: ${counts.requests} requests in ${elapsed.toFixed(1)} s (${(counts.requests / elapsed).toFixed(0)}/s)`
    );
    console.log(
      `  statuses: ${[...counts.byStatus]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}×${n}`)
        .join(", ")}; network errors ${counts.networkErrors}`
    );
    console.log(
      `  ${databases.backend}, ${INSTANCES} app instance${
        INSTANCES > 1 ? "s" : ""
      }; requests each: ${requestsByInstance.join(", ")}`
    );
    console.log(`  reads: ${counts.reads}`);
    for (const kind of kinds) {
      console.log(
        `  ${kind.padEnd(12)} attempted ${counts.writesAttempted.get(kind) ?? 0}, accepted ${
          counts.writesAccepted.get(kind) ?? 0
        }, refused ${counts.writesRefused.get(kind) ?? 0}`
      );
    }
    console.log(
      `  accepted writes found in their tables and the audit trail: ${
        writes.length - new Set(missing.map((m) => m.split(" ")[1])).size
      }/${writes.length}`
    );
    console.log(
      `  audit:verify: ${verify.status === 0 ? "passed" : "FAILED"} ${verify.stdout.trim()}${verify.stderr.trim()}`
    );
    console.log(
      `  ingests beside the load: ${ingests.length} of ${INGEST_LINES} connections into ${ingestPlant.code}, ${
        ingests.filter((run) => run.ok).length
      } ok, ${counted} connections counted, longest ${Math.max(...ingests.map((run) => run.seconds)).toFixed(1)} s`
    );
    console.log(`  busy answers (503 with Retry-After, sent again): ${counts.busyRetried}`);
    console.log(`  5xx answers: ${fiveHundreds}`);
    const failures = [
      ...serverErrors.slice(0, 10),
      ...missing.slice(0, 10),
      ...ingestProblems.slice(0, 10),
      ...(verify.status === 0 ? [] : ["audit:verify failed"]),
      ...(writes.length === 0 ? ["no write was accepted: the load wrote nothing to check"] : []),
    ];
    const failed =
      serverErrors.length +
      missing.length +
      ingestProblems.length +
      (verify.status === 0 ? 0 : 1) +
      (writes.length === 0 ? 1 : 0);
    console.log(`  failures: ${failed}`);
    for (const failure of failures) console.log(`    ${failure}`);
    if (serverErrors.length > 0) {
      const said = serverLog
        .split("\n")
        .filter((line) => /error|exception|\bat /i.test(line))
        .slice(0, 40);
      if (said.length > 0) console.log(`  the server said:\n${said.map((line) => `    ${line}`).join("\n")}`);
    }
    console.log(
      JSON.stringify({
        seconds: elapsed,
        backend: databases.backend,
        instances: INSTANCES,
        requestsByInstance,
        requests: counts.requests,
        reads: counts.reads,
        statuses: Object.fromEntries(counts.byStatus),
        writes: Object.fromEntries(
          kinds.map((k) => [
            k,
            {
              attempted: counts.writesAttempted.get(k) ?? 0,
              accepted: counts.writesAccepted.get(k) ?? 0,
              refused: counts.writesRefused.get(k) ?? 0,
            },
          ])
        ),
        verified: writes.length - new Set(missing.map((m) => m.split(" ")[1])).size,
        serverErrors: fiveHundreds,
        busyRetried: counts.busyRetried,
        networkErrors: counts.networkErrors,
        ingests: {
          runs: ingests.length,
          ok: ingests.filter((run) => run.ok).length,
          lines: INGEST_LINES,
          counted,
          longestSeconds: Math.max(...ingests.map((run) => run.seconds)),
          daysVerified: ingestedDays.size - ingestProblems.filter((p) => p.startsWith("ingest day")).length,
        },
        auditVerified: verify.status === 0,
        failures: failed,
      })
    );
    return failed === 0 ? 0 : 1;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    for (const kept of await databases.finish(values.keep)) note(`Kept ${kept}`);
    if (values.keep) note(`Kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`loadtest failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
);

/** How many changes of each plant wait for their outcome when the load starts. */
const OUTCOMES_PER_PLANT = 200;

/**
 * A confirmed window of each plant that ended an hour ago, holding `count` scheduled changes, written straight into
 * the database (the app refuses to schedule into a window that is over): the changes whose outcome the load records.
 */
async function pastChanges(db: DB, plants: readonly { id: number; code: string }[], count: number) {
  const ends = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
  const startsAt = new Date(ends - 4 * 3_600_000).toISOString();
  const endsAt = new Date(ends).toISOString();
  const at = new Date(ends - 7 * 86_400_000).toISOString();
  const due = new Map<string, number[]>();
  for (const plant of plants) {
    const { time_zone } = await db
      .selectFrom("plant")
      .select("time_zone")
      .where("id", "=", plant.id)
      .executeTakeFirstOrThrow();
    const { id: windowId } = await db
      .insertInto("outage_window")
      .values({
        plant_id: plant.id,
        title: "Load test night",
        kind: "scheduled_outage",
        status: "confirmed",
        starts_at: startsAt,
        ends_at: endsAt,
        time_zone,
        notes: null,
        created_by: null,
        created_at: at,
        updated_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const rows = await db
      .insertInto("network_change")
      .values(
        Array.from({ length: count }, (_, n) => ({
          plant_id: plant.id,
          kind: "sensor_install" as const,
          title: `Load test change ${n + 1}`,
          window_id: windowId,
          planned_start: startsAt,
          planned_minutes: 1,
          status: "scheduled" as const,
          created_at: at,
          updated_at: at,
        }))
      )
      .returning("id")
      .execute();
    due.set(
      plant.code,
      rows.map((r) => r.id)
    );
  }
  return due;
}
