import { isDatabaseBusy, type DB } from "~/utils/db.server";
import type { Mailer } from "~/utils/mailer.server";
import { deliverDue, type DeliveryCounts, type DeliveryOptions } from "./notification-delivery.server";
import { acquireLease, releaseLease } from "./worker-lease.server";

// The notification worker: every interval, the process holding the lease "notifications" (one across every server
// process and command on the database) writes what is due into the outbox (`pass`) and delivers it. The others
// only try for the lease, which they get when its holder stops renewing it. A failing pass is logged, never thrown.

export const NOTIFICATIONS_LEASE = "notifications";

/** Writes into the outbox what is due at `now` (the notifier's pass). */
export type NotifierPass = (db: DB, now: Date) => Promise<unknown>;

const MIN_INTERVAL_MS = 1000;
const MAX_INTERVAL_MS = 60 * 60_000;
const DEFAULT_INTERVAL_MS = 30_000;

/** NOTIFY_INTERVAL_MS: whole milliseconds from MIN_INTERVAL_MS to MAX_INTERVAL_MS; the default when unset. */
export function readIntervalMs(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return DEFAULT_INTERVAL_MS;
  const ms = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS)
    throw new Error(
      `NOTIFY_INTERVAL_MS must be a whole number of milliseconds from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS}, not “${raw}”.`
    );
  return ms;
}

/** "Notifications: 2 sent, 1 to retry, 0 failed, 0 kept." */
export function countsLine(counts: DeliveryCounts): string {
  return `Notifications: ${counts.sent} sent, ${counts.retried} to retry, ${counts.failed} failed, ${counts.kept} kept.`;
}

/** One pass, then delivery of everything due: what `npm run notify -- --once` and each worker tick do. */
export async function runNotificationsOnce(
  db: DB,
  pass: NotifierPass,
  now: Date,
  options: DeliveryOptions = {}
): Promise<DeliveryCounts> {
  await pass(db, now);
  return deliverDue(db, now, options);
}

export interface WorkerOptions {
  db: DB;
  pass: NotifierPass;
  intervalMs: number;
  /** Who holds the lease: unique per process ("host:pid:random"). */
  holder: string;
  mailer?: Mailer | null;
  /** After each pass this worker ran; by default the counts are logged when anything moved. */
  onPass?: (counts: DeliveryCounts) => void;
  log?: (message: string, error?: unknown) => void;
}

export interface NotificationWorker {
  stop(): Promise<void>;
}

/** Starts the worker; the first tick runs at once. stop() waits for a running tick and lets the lease go. */
export function startNotificationWorker(options: WorkerOptions): NotificationWorker {
  const { db, pass, intervalMs, holder } = options;
  const log = options.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ""));
  // The lease outlives a few missed ticks, so a busy holder keeps it, and a dead one is replaced within that time.
  const ttlMs = intervalMs * 3;
  // What a pass delivered is the caller's to report (the commands print it); the worker itself says only its errors.
  const onPass = options.onPass ?? (() => undefined);
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const tick = async () => {
    try {
      if (!(await acquireLease(db, NOTIFICATIONS_LEASE, holder, ttlMs, new Date()))) return;
      const counts = await runNotificationsOnce(db, pass, new Date(), {
        mailer: options.mailer,
        claimMs: Math.max(ttlMs, 2 * 60_000),
        // A long delivery renews the lease between batches, so no other process starts beside it.
        keepGoing: () => acquireLease(db, NOTIFICATIONS_LEASE, holder, ttlMs, new Date()),
      });
      onPass(counts);
    } catch (error) {
      // Another process holding the write lock (an ingest) only delays the pass: what it did not do waits.
      if (isDatabaseBusy(error)) return;
      log("The notification worker's pass failed; it tries again at the next interval:", error);
    }
  };
  const schedule = () => {
    if (stopped) return;
    running = tick().finally(() => {
      if (!stopped) timer = setTimeout(schedule, intervalMs);
    });
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      try {
        await releaseLease(db, NOTIFICATIONS_LEASE, holder);
      } catch (error) {
        log("The notification worker could not let its lease go (it expires on its own):", error);
      }
    },
  };
}
