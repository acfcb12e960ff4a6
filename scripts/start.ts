import cluster from "node:cluster";
import net from "node:net";
import os from "node:os";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { migrateToLatest } from "../db/migrate";
import { closeDb, databasePath, DatabaseOpenError, getDb } from "../app/utils/db.server";
import { buildIfNeeded, root, serverBuildPath } from "./build";
import { printDemoAccounts, seedDemo } from "./demo";
import { createApp } from "./server";

// `npm start`: build when the sources are newer than the build, migrate, seed the demo program into an
// empty database, then serve: with one worker process per core (WEB_CONCURRENCY), each answering requests on
// the same port, since one Node process renders one page at a time.

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 3000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a number from 0 to 65535, not “${raw}”.`);
  return port;
}

function parseWorkers(raw: string | undefined): number {
  if (raw === undefined || raw === "") return Math.min(os.availableParallelism(), 8);
  const workers = Number(raw);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64)
    throw new Error(`WEB_CONCURRENCY must be a whole number of worker processes from 1 to 64, not “${raw}”.`);
  return workers;
}

/** A port the system says is free now, for PORT=0 with several workers (they must all listen on the same one). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function serve(port: number, announce: boolean) {
  const build = (await import(pathToFileURL(serverBuildPath).href)) as ServerBuild;
  await (build.entry.module as { warmCaches?: () => Promise<void> }).warmCaches?.();
  const app = createApp(build, root);
  const server = app.listen(port, () => {
    const address = server.address();
    const actual = typeof address === "object" && address ? address.port : port;
    if (announce)
      console.log(`Segmentation Tracker is serving http://localhost:${actual} (database ${databasePath()})`);
  });
  server.on("error", (error: NodeJS.ErrnoException) => {
    console.error(
      error.code === "EADDRINUSE" ? `Port ${port} is already in use; set PORT to a free port.` : error.message
    );
    process.exit(1);
  });

  const stop = () => {
    server.close(() => {
      void closeDb().then(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** Forks the workers, announces the address once they listen, replaces a worker that dies, stops them all. */
async function supervise(port: number, workers: number) {
  const shared = port === 0 ? await freePort() : port;
  let stopping = false;
  let announced = false;
  const fork = () => cluster.fork({ PORT: String(shared) });
  cluster.on("listening", () => {
    if (announced) return;
    announced = true;
    console.log(
      `Segmentation Tracker is serving http://localhost:${shared} (database ${databasePath()}; ${workers} workers)`
    );
  });
  cluster.on("exit", (worker, code) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    if (!announced) {
      // A worker that cannot start (the port is taken) says why; the others would fail the same way.
      process.exit(code ?? 1);
    }
    console.error(`Worker ${worker.process.pid} exited (${code}); starting another.`);
    fork();
  });
  for (let i = 0; i < workers; i++) fork();
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGTERM");
    setTimeout(() => process.exit(0), 4000).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

async function main() {
  const port = parsePort(process.env.PORT);
  if (cluster.isWorker) return serve(port, false);
  const workers = parseWorkers(process.env.WEB_CONCURRENCY);
  process.env.NODE_ENV ??= "production";
  buildIfNeeded();

  const db = getDb();
  await migrateToLatest(db);
  const plantCount = await db
    .selectFrom("plant")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  if (Number(plantCount.n) === 0) {
    const summary = await seedDemo(db);
    console.log(
      `Seeded the demo program into ${databasePath()}: ${summary.plants} plants, ${summary.assets.toLocaleString(
        "en-US"
      )} assets, ${summary.people} people.`
    );
    printDemoAccounts(summary);
  }

  if (workers === 1) return serve(port, true);
  await closeDb();
  return supervise(port, workers);
}

main().catch((error: unknown) => {
  console.error(error instanceof DatabaseOpenError || error instanceof Error ? error.message : String(error));
  process.exit(1);
});
