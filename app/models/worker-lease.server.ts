import type { Executor } from "~/utils/db.server";

// A lease: one holder at a time, across every process on the database, for work that must run once (the
// notification worker). Held until it expires unless renewed; taking and renewing are one statement each, so two
// processes asking at the same moment cannot both get it.

/**
 * Takes the lease `name` for `holder` until now + ttlMs when it is free, expired or already this holder's (then
 * renewed). True when the holder has it now.
 */
export async function acquireLease(
  db: Executor,
  name: string,
  holder: string,
  ttlMs: number,
  now: Date
): Promise<boolean> {
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  const result = await db
    .insertInto("worker_lease")
    .values({ name, holder, expires_at: expiresAt })
    .onConflict((oc) =>
      oc
        .column("name")
        .doUpdateSet({ holder, expires_at: expiresAt })
        .where((eb) => eb.or([eb("worker_lease.holder", "=", holder), eb("worker_lease.expires_at", "<=", at)]))
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Lets the lease go at once, if this holder has it (another holder's lease is left alone). */
export async function releaseLease(db: Executor, name: string, holder: string): Promise<void> {
  await db.deleteFrom("worker_lease").where("name", "=", name).where("holder", "=", holder).execute();
}
