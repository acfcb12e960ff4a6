import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";

/**
 * Gives accounts a password hash computed elsewhere, with when each was set: the demo seed hashes one password once
 * for every demo account (scrypt per account would cost a second and make the seed irreproducible). It runs in the
 * caller's transaction, and the caller audits the act it is part of (the seed's one `program.seed` event).
 */
export async function presetPasswordHashes(
  tx: Transaction<Database>,
  input: { passwordHash: string; accounts: readonly { email: string; changedAt: string }[] }
): Promise<void> {
  for (const account of input.accounts) {
    const result = await tx
      .updateTable("person")
      .set({ password_hash: input.passwordHash, password_changed_at: account.changedAt })
      .where("email", "=", account.email)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) throw new Error(`${account.email} is not an account of this program.`);
  }
}
