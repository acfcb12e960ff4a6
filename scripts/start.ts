import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { migrateToLatest } from "../db/migrate";
import { closeDb, databasePath, DatabaseOpenError, getDb } from "../app/utils/db.server";
import { buildIfNeeded, root, serverBuildPath } from "./build";
import { printDemoAccounts, seedDemo } from "./demo";
import { createApp } from "./server";

// `npm start`: build when the sources are newer than the build, migrate, seed the demo program into an
// empty database, then serve.

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 3000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a number from 0 to 65535, not “${raw}”.`);
  return port;
}

async function main() {
  const port = parsePort(process.env.PORT);
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

  const build = (await import(pathToFileURL(serverBuildPath).href)) as ServerBuild;
  const app = createApp(build, root);
  const server = app.listen(port, () => {
    const address = server.address();
    const actual = typeof address === "object" && address ? address.port : port;
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

main().catch((error: unknown) => {
  console.error(error instanceof DatabaseOpenError || error instanceof Error ? error.message : String(error));
  process.exit(1);
});
