import fs from "node:fs";
import { parseArgs } from "node:util";
import { migrateToLatest } from "../db/migrate";
import { describeCounts } from "../app/domain/program-file-writing";
import { formatErrors, parseJsonText, validateProgramFile } from "../app/domain/program-file-reading";
import { importProgram } from "../app/models/program-import.server";
import { systemActor } from "../app/utils/actor";
import { checkDatabase, databasePath, openDatabase } from "../app/utils/db.server";

// `npm run program:import -- FILE [--replace]`: loads a program file (docs/program-format.md) into the database
// (DATABASE_URL, else DATABASE_PATH), in one transaction. A file with any error is refused whole, every error listed
// by its JSON path, before the database is even opened. --replace deletes the current program first (the audit
// trail stays).

const USAGE = "Usage: npm run program:import -- FILE [--replace]";
const MAX_LISTED_ERRORS = 50;

function readArguments(argv: string[]): { file: string; replace: boolean } {
  let parsed: { values: { replace?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: { replace: { type: "boolean" } }, strict: true, allowPositionals: true });
  } catch (error) {
    throw new Error(`${(error instanceof Error ? error.message : String(error)).replace(/\.?$/, ".")} ${USAGE}`);
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined) throw new Error(`Name the program file to import. ${USAGE}`);
  if (extra.length > 0) throw new Error(`Import one file at a time, not ${parsed.positionals.length}. ${USAGE}`);
  return { file, replace: parsed.values.replace === true };
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
        ? "it is a folder"
        : error instanceof Error
        ? error.message
        : String(error);
    throw new Error(`Cannot read ${file}: ${reason}.`);
  }
}

async function main(): Promise<number> {
  const options = readArguments(process.argv.slice(2));
  const json = parseJsonText(readText(options.file));
  if (!json.ok) {
    console.error(
      `${options.file} is not valid JSON at line ${json.line}, column ${json.column}: ${json.reason}. Nothing was imported.`
    );
    return 1;
  }
  const validation = validateProgramFile(json.value);
  if (!validation.ok) {
    const n = validation.errors.length;
    console.error(
      `${options.file} is not a valid program file (${n} error${n === 1 ? "" : "s"}); nothing was imported:`
    );
    for (const line of formatErrors(validation.errors, MAX_LISTED_ERRORS)) console.error(`  ${line}`);
    return 1;
  }

  // Shown without a password.
  const target = databasePath();
  const db = openDatabase();
  try {
    await checkDatabase(db);
    await migrateToLatest(db);
    const started = performance.now();
    const { counts, replaced } = await importProgram(db, validation.program, {
      replace: options.replace,
      actor: systemActor("program:import"),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const replacing = replaced ? `, replacing its program (${describeCounts(replaced)}),` : "";
    console.log(`Imported ${options.file} into ${target}${replacing} in ${seconds} s: ${describeCounts(counts)}.`);
    if (replaced && replaced.sessions + replaced.apiTokens > 0) {
      console.log(
        `Ended ${replaced.sessions} sessions and deleted ${replaced.apiTokens} API tokens of the replaced program.`
      );
    }
    console.log("Program files carry no passwords: imported people sign in once an admin resets their passwords.");
    return 0;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
);
