import os from "node:os";
import { parseArgs } from "node:util";
import { DateTime } from "luxon";
import {
  countsLine,
  runNotificationsOnce,
  readIntervalMs,
  startNotificationWorker,
} from "../app/models/notification-worker.server";
import { closeDb, getDb } from "../app/utils/db.server";
import { createMailer } from "../app/utils/mailer.server";
import { migrateToLatest } from "../db/migrate";
import { notifierPass, printDeliveries } from "./notifier-pass";

// `npm run notify -- [--once] [--at ISO-8601]`: the notification worker from the command line. With --once, one
// pass and the delivery of everything due, then the counts; without, the worker every NOTIFY_INTERVAL_MS until
// SIGINT or SIGTERM (taking the lease like the server's workers, so it never delivers beside them).

const USAGE = "Usage: npm run notify -- [--once] [--at ISO-8601]";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const { values } = (() => {
  try {
    return parseArgs({ options: { once: { type: "boolean", default: false }, at: { type: "string" } }, strict: true });
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}. ${USAGE}`);
  }
})();

const at = values.at === undefined ? null : DateTime.fromISO(values.at, { setZone: true });
if (at && !at.isValid) fail(`--at “${values.at}” is not an ISO-8601 instant, e.g. 2026-12-01T08:00:00Z. ${USAGE}`);
if (at && !values.once) fail(`--at goes with --once (one pass as if at that instant). ${USAGE}`);

try {
  const intervalMs = readIntervalMs(process.env.NOTIFY_INTERVAL_MS);
  // Started by `npm start` beside its server processes (NOTIFY_HOLDER=server), it says nothing the server has not.
  const byServer = process.env.NOTIFY_HOLDER === "server";
  const mailer = createMailer();
  if (!mailer && !byServer) console.log("No SMTP_URL is set: e-mails are kept in the outbox, readable in the app.");
  const db = getDb();
  await migrateToLatest(db);
  const pass = notifierPass();
  if (values.once) {
    const counts = await runNotificationsOnce(db, pass, at ? at.toJSDate() : new Date(), { mailer });
    console.log(countsLine(counts));
    mailer?.close();
    await closeDb();
  } else {
    const holder = `${os.hostname()}:${process.pid}:${byServer ? "server" : "notify"}`;
    const worker = startNotificationWorker({ db, pass, intervalMs, holder, mailer, onPass: printDeliveries });
    if (!byServer) console.log(`The notification worker runs every ${intervalMs / 1000} s until stopped (Ctrl-C).`);
    const stop = () => {
      void worker.stop().then(async () => {
        mailer?.close();
        await closeDb();
        process.exit(0);
      });
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  }
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
