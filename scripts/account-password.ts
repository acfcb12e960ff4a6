import { parseArgs } from "node:util";
import { migrateToLatest } from "../db/migrate";
import { resetPassword } from "../app/models/accounts.server";
import { systemActor } from "../app/utils/actor";
import { closeDb, getDb } from "../app/utils/db.server";
import { ActError } from "../app/utils/errors";

// `npm run account:password -- --email EMAIL` with the new password in the NEW_PASSWORD environment variable
// (never on the command line, where the shell history and process list would keep it). For whoever holds
// the server: after a program import nobody has a password yet, and an admin needs one to sign in.

const USAGE = "usage: NEW_PASSWORD=… npm run account:password -- --email EMAIL";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

let email: string;
try {
  const { values } = parseArgs({ options: { email: { type: "string" } }, strict: true });
  email = values.email?.trim().toLowerCase() ?? "";
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)} (${USAGE})`);
}
if (!email) fail(`Missing --email (${USAGE}).`);
const password = process.env.NEW_PASSWORD ?? "";
if (!password) fail(`Set the new password in NEW_PASSWORD (${USAGE}).`);

try {
  const db = getDb();
  await migrateToLatest(db);
  const person = await db.selectFrom("person").select(["id", "name"]).where("email", "=", email).executeTakeFirst();
  if (!person) fail(`No account has the email ${email}.`);
  const { revokedSessions } = await resetPassword(db, systemActor("account:password command"), {
    personId: person.id,
    password,
  });
  console.log(`Password of ${person.name} <${email}> set; ${revokedSessions} session(s) revoked.`);
  await closeDb();
} catch (error) {
  fail(error instanceof ActError || error instanceof Error ? error.message : String(error));
}
