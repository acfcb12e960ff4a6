import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import { seedDemoProgram, type SeedSummary } from "../db/seed/demo-program";
import { hashPassword, MIN_PASSWORD_LENGTH } from "../app/utils/password.server";

// The demo program as `npm start` and `npm run seed` create it: every demo account signs in with one
// password, DEMO_PASSWORD or the documented default.

export const DEFAULT_DEMO_PASSWORD = "segmentation-demo";

export function demoPassword(): string {
  const password = process.env.DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD;
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new Error(`DEMO_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  }
  return password;
}

export async function seedDemo(db: Kysely<Database>, options: { seed?: number } = {}): Promise<SeedSummary> {
  return seedDemoProgram(db, { ...options, passwordHash: await hashPassword(demoPassword()) });
}

export function printDemoAccounts(summary: SeedSummary): void {
  const fromEnv = Boolean(process.env.DEMO_PASSWORD);
  console.log(`Demo accounts (password: ${fromEnv ? "the value of DEMO_PASSWORD" : DEFAULT_DEMO_PASSWORD}):`);
  for (const account of summary.accounts) {
    const scope =
      account.plants.length > 0
        ? account.plants.join(", ")
        : account.role === "admin"
        ? "accounts and tokens"
        : "all plants";
    console.log(`  ${account.email.padEnd(26)} ${account.role.padEnd(19)} ${scope}`);
  }
}
