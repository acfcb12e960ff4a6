import type { NotifierPass } from "../app/models/notification-worker.server";

// The notifier's pass that `npm start` and `npm run notify` run before each delivery: it writes into the outbox what
// is due (time-based reminders, digests). The one place both commands take it from.

/** The pass the worker runs. */
export function notifierPass(): NotifierPass {
  // TODO(merge): return runNotifierPass from "../app/models/notifier.server" once it is on this branch. Until then
  // nothing is written here, and the worker delivers only what is already in the outbox.
  return async () => undefined;
}
