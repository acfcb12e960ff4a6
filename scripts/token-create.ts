import { parseArgs } from "node:util";
import { migrateToLatest } from "../db/migrate";
import { ROLE_LABELS, ROLES, isOneOf } from "../app/domain/vocabulary";
import { createApiToken } from "../app/models/api-tokens.server";
import { systemActor } from "../app/utils/actor";
import { closeDb, databasePath, getDb } from "../app/utils/db.server";
import { ActError } from "../app/utils/errors";

// `npm run token:create -- --role ROLE [--plants CODE,CODE] --name NAME`: creates an API token for a
// machine, for whoever holds the server when no admin can sign in yet. The token is printed alone on the
// last line so scripts can take it with `tail -n 1`; only its hash is stored.

const USAGE = "usage: npm run token:create -- --role ROLE [--plants CODE,CODE] --name NAME";

function readArguments(argv: string[]): { name: string; role: string; plants: string[] } {
  let values: { role?: string; plants?: string; name?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { role: { type: "string" }, plants: { type: "string" }, name: { type: "string" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)} (${USAGE})`);
  }
  const name = values.name?.trim() ?? "";
  if (name === "") throw new Error(`Missing --name: name the token after what uses it (${USAGE}).`);
  const role = values.role?.trim() ?? "";
  if (role === "") throw new Error(`Missing --role: one of ${ROLES.join(", ")} (${USAGE}).`);
  if (!isOneOf(ROLES, role)) throw new Error(`Unknown role “${role}”: use one of ${ROLES.join(", ")}.`);
  const plants = (values.plants ?? "")
    .split(",")
    .map((code) => code.trim())
    .filter((code) => code !== "");
  return { name, role, plants };
}

try {
  const input = readArguments(process.argv.slice(2));
  const db = getDb();
  await migrateToLatest(db);
  const token = await createApiToken(db, systemActor("token:create command"), input);
  await closeDb();
  console.log(
    `Created API token “${token.name}” (${token.prefix}…) in ${databasePath()}: role ${ROLE_LABELS[
      token.role
    ].toLowerCase()}, ${
      token.plantCodes.length ? `limited to ${token.plantCodes.join(", ")}` : "every plant its role reaches"
    }.`
  );
  console.log("Copy it now; it will not be shown again:");
  console.log(token.secret);
} catch (error) {
  await closeDb();
  // The model names the field it refuses; here that field is the command-line option of the same name.
  const where = error instanceof ActError && error.field ? `--${error.field}: ` : "";
  console.error(`${where}${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
