import { spawn, type ChildProcess } from "node:child_process";
import cluster from "node:cluster";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { migrateToLatest } from "../db/migrate";
import { readIntervalMs, startNotificationWorker } from "../app/models/notification-worker.server";
import { checkDatabase, closeDb, databasePath, DatabaseOpenError, getDb } from "../app/utils/db.server";
import { createMailer, readMailSettings } from "../app/utils/mailer.server";
import { buildIfNeeded, root, serverBuildPath } from "./build";
import { printDemoAccounts, seedDemo } from "./demo";
import { notifierPass, printDeliveries } from "./notifier-pass";
import { createApp } from "./server";
import { reachNote, readSettings, servedUrl, type ServerSettings } from "./settings";

// `npm start`: build when the sources are newer than the build, migrate, seed the demo program into an
// empty database, then serve: with one worker process per core (WEB_CONCURRENCY), each answering requests on
// the same port, since one Node process renders one page at a time. Only this machine can reach it unless HOST
// says otherwise.

/** How often each worker deletes sign-in records nothing needs any more. */
const PRUNE_EVERY_MS = 60 * 60_000;

/** A port the system says is free now, for PORT=0 with several workers (they must all listen on the same one). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function listenError(error: NodeJS.ErrnoException, settings: ServerSettings): string {
  if (error.code === "EADDRINUSE") return `Port ${settings.port} is already in use; set PORT to a free port.`;
  if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND" || error.code === "EAI_AGAIN")
    return `HOST ${settings.host} is not an address of this machine; set HOST to one of its addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (every address).`;
  return error.message;
}

function announce(port: number, settings: ServerSettings, detail: string) {
  console.log(`Segmentation Tracker is serving ${servedUrl(settings.host, port)} (${detail})`);
  const note = reachNote(settings.host);
  if (note) console.log(note);
}

/** What the server entry module offers the process that serves it besides rendering. */
interface EntryModule {
  warmCaches?: () => Promise<void>;
  pruneSignInRecords?: () => Promise<unknown>;
}

/** Whether this instance runs a notification worker (NOTIFY=off: none). */
const notifying = () => process.env.NOTIFY?.trim().toLowerCase() !== "off";

/** How much less the notification worker's process is given of the CPU than the server's (a nice value). */
const NOTIFIER_NICENESS = 10;

/**
 * Beside several server processes, the notification worker runs in a process of its own (`npm run notify`) at a
 * lower priority, so a whole program's pass takes only what the pages leave of the CPU; it is started again if it
 * dies. Returns what stops it.
 */
function superviseNotifier(): (() => Promise<void>) | null {
  if (!notifying()) return null;
  let child: ChildProcess | null = null;
  let stopping = false;
  const start = () => {
    const started = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/notify.ts")], {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, NOTIFY_HOLDER: "server" },
    });
    child = started;
    started.once("spawn", () => {
      try {
        os.setPriority(started.pid!, NOTIFIER_NICENESS);
      } catch {
        // Not permitted here: it runs at the server's priority.
      }
    });
    started.once("exit", (code) => {
      // Stopped on purpose (by this process, or by a Ctrl-C that reached the whole group): not started again.
      if (stopping || code === 0) return;
      console.error(`The notification worker exited (${code}); starting another.`);
      setTimeout(start, 1000).unref();
    });
  };
  start();
  return () =>
    new Promise<void>((resolve) => {
      stopping = true;
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
}

/**
 * The notification worker in this process, when it serves alone (NOTIFY=off: none). The lease in the database lets
 * exactly one worker (of several instances, or a running `npm run notify`) deliver at a time.
 */
function startNotifications(): (() => Promise<void>) | null {
  if (!notifying()) return null;
  const mailer = createMailer();
  const worker = startNotificationWorker({
    db: getDb(),
    pass: notifierPass(),
    intervalMs: readIntervalMs(process.env.NOTIFY_INTERVAL_MS),
    holder: `${os.hostname()}:${process.pid}:server`,
    mailer,
    onPass: printDeliveries,
  });
  return () => worker.stop().finally(() => mailer?.close());
}

async function serve(settings: ServerSettings, alone: boolean) {
  const build = (await import(pathToFileURL(serverBuildPath).href)) as ServerBuild;
  const entry = build.entry.module as EntryModule;
  await entry.warmCaches?.();
  const prune = () =>
    entry.pruneSignInRecords?.().catch((error: unknown) => console.error("Pruning sign-in records failed:", error));
  await prune();
  setInterval(prune, PRUNE_EVERY_MS).unref();
  const app = createApp(build, root, settings);
  const server = app.listen(settings.port, settings.host, () => {
    const address = server.address();
    const actual = typeof address === "object" && address ? address.port : settings.port;
    if (alone) announce(actual, settings, `database ${databasePath()}`);
  });
  server.on("error", (error: NodeJS.ErrnoException) => {
    console.error(listenError(error, settings));
    process.exit(1);
  });

  const stopNotifications = alone ? startNotifications() : null;

  const stop = () => {
    // The worker first: its lease is let go at once, and a delivery it was making finishes or is sent again later.
    void (stopNotifications?.() ?? Promise.resolve()).finally(() =>
      server.close(() => {
        void closeDb().then(() => process.exit(0));
      })
    );
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** Forks the workers, announces the address once they listen, replaces a worker that dies, stops them all. */
async function supervise(settings: ServerSettings) {
  const { workers } = settings;
  const shared =
    settings.port === 0
      ? await freePort(settings.host).catch((error: NodeJS.ErrnoException) => {
          throw new Error(listenError(error, settings));
        })
      : settings.port;
  let stopping = false;
  let announced = false;
  const fork = () => cluster.fork({ PORT: String(shared) });
  cluster.on("listening", () => {
    if (announced) return;
    announced = true;
    announce(shared, settings, `database ${databasePath()}; ${workers} workers`);
  });
  cluster.on("exit", (worker, code) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    if (!announced) {
      // A worker that cannot start (the port is taken) says why; the others would fail the same way. The
      // notification worker goes too: it would outlive the start, holding its output open.
      const exitCode = code ?? 1;
      void Promise.resolve(stopNotifications?.()).finally(() => process.exit(exitCode));
      return;
    }
    console.error(`Worker ${worker.process.pid} exited (${code}); starting another.`);
    fork();
  });
  for (let i = 0; i < workers; i++) fork();
  const stopNotifications = superviseNotifier();
  const stop = () => {
    stopping = true;
    // The worker's lease is let go first; a delivery it was making finishes or is sent again later.
    void stopNotifications?.();
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGTERM");
    setTimeout(() => process.exit(0), 4000).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** Whether the database holds no plants and no accounts. */
async function isEmpty(db: ReturnType<typeof getDb>): Promise<boolean> {
  const held = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom("plant")
        .select((s) => s.fn.countAll<number>().as("n"))
        .as("plants"),
      eb
        .selectFrom("person")
        .select((s) => s.fn.countAll<number>().as("n"))
        .as("people"),
    ])
    .executeTakeFirstOrThrow();
  return Number(held.plants) === 0 && Number(held.people) === 0;
}

async function main() {
  const settings = readSettings();
  // Refused at start, in one sentence, rather than at the first delivery.
  readMailSettings();
  readIntervalMs(process.env.NOTIFY_INTERVAL_MS);
  if (cluster.isWorker) return serve(settings, false);
  process.env.NODE_ENV ??= "production";
  const db = getDb();
  // A database that cannot be reached is named in one line (without its password), not as a driver's stack, and
  // before a build that would only delay saying so.
  await checkDatabase(db);
  buildIfNeeded();
  await migrateToLatest(db);
  // The demo goes only into an empty database: no plants and no accounts (the seed writes through the importer,
  // which never mixes a program with accounts already there).
  if (await isEmpty(db)) {
    let summary: Awaited<ReturnType<typeof seedDemo>> | null = null;
    try {
      summary = await seedDemo(db);
    } catch (error) {
      // Several instances started at once on one empty PostgreSQL database: the seed's transaction is serialized,
      // one of them seeds and the others find the program there; only a seed that failed otherwise is an error.
      if (await isEmpty(db)) throw error;
    }
    if (summary) {
      console.log(
        `Seeded the demo program into ${databasePath()}: ${summary.plants} plants, ${summary.assets.toLocaleString(
          "en-US"
        )} assets, ${summary.people} people.`
      );
      printDemoAccounts(summary);
    }
  }

  if (settings.workers === 1) return serve(settings, true);
  await closeDb();
  return supervise(settings);
}

main().catch((error: unknown) => {
  console.error(error instanceof DatabaseOpenError || error instanceof Error ? error.message : String(error));
  process.exit(1);
});
