import { countsLine, type NotifierPass } from "../app/models/notification-worker.server";
import type { DeliveryCounts } from "../app/models/notification-delivery.server";
import { runNotifierPass } from "../app/models/notifier.server";

// The notifier's pass that `npm start` and `npm run notify` run before each delivery: it writes into the outbox what
// the acts since the last pass and the time of day make due (notifications, their e-mails and webhook posts, the
// digests). The one place both commands take it from.

/** The pass the worker runs. */
export function notifierPass(): NotifierPass {
  return (db, now) => runNotifierPass(db, now);
}

/** Prints what a worker's pass delivered, when it delivered anything (`npm start` and `npm run notify`). */
export function printDeliveries(counts: DeliveryCounts): void {
  if (counts.sent + counts.failed + counts.retried + counts.kept > 0) console.log(countsLine(counts));
}
