import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { migrateToLatest } from "../db/migrate";
import { isInstant } from "../app/domain/program-file";
import { countProgram, describeCounts, serializeProgram } from "../app/domain/program-file-writing";
import { formatErrors, validateProgramFile } from "../app/domain/program-file-reading";
import { exportProgram } from "../app/models/program-export.server";
import { databasePath, missingDatabase, openDatabase } from "../app/utils/db.server";

// `npm run program:export -- [--out FILE] [--exported-at INSTANT]`: the whole program in the database (DATABASE_URL,
// else DATABASE_PATH) as one program file (docs/program-format.md). Without --out the file goes to stdout and nothing
// else does.
// --exported-at fixes the one field that changes from run to run, for byte-identical exports.

const USAGE = "Usage: npm run program:export -- [--out FILE] [--exported-at 2026-11-25T15:00:00.000Z]";

function readArguments(argv: string[]): { out: string | null; exportedAt: Date } {
  let values: { out?: string; "exported-at"?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { out: { type: "string" }, "exported-at": { type: "string" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${(error instanceof Error ? error.message : String(error)).replace(/\.?$/, ".")} ${USAGE}`);
  }
  if (values.out !== undefined && values.out.trim() === "") throw new Error(`--out needs a file name. ${USAGE}`);
  const at = values["exported-at"];
  if (at !== undefined && !isInstant(at))
    throw new Error(`--exported-at needs a UTC instant like 2026-11-25T15:00:00.000Z, not “${at}”.`);
  return { out: values.out ?? null, exportedAt: at === undefined ? new Date() : new Date(at) };
}

/** Writes beside the target and renames, so a failed export never leaves half a file where a whole one was. */
function writeAtomically(file: string, text: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot write ${file}: ${reason}`);
  }
}

async function main(): Promise<number> {
  const options = readArguments(process.argv.slice(2));
  // Shown without a password.
  const file = databasePath();
  const missing = await missingDatabase();
  if (missing) {
    console.error(`${missing.replace(/\.$/, "")}; set DATABASE_URL or DATABASE_PATH to the database to export.`);
    return 1;
  }
  const db = openDatabase();
  try {
    await migrateToLatest(db);
    const started = performance.now();
    const program = await exportProgram(db, { exportedAt: options.exportedAt });
    // The export reads its own output back: a file that would not import is refused here, not on the other side.
    const check = validateProgramFile(program);
    if (!check.ok) {
      console.error(`The database at ${file} holds data the program file cannot express; nothing was exported:`);
      for (const line of formatErrors(check.errors)) console.error(`  ${line}`);
      return 1;
    }
    const text = serializeProgram(program);
    if (options.out === null) {
      process.stdout.on("error", (error: NodeJS.ErrnoException) => {
        // A reader that stopped early (`| head`) is not a failed export.
        if (error.code !== "EPIPE") console.error(`Cannot write the program file to stdout: ${error.message}`);
        process.exit(error.code === "EPIPE" ? 0 : 1);
      });
      process.stdout.write(text);
      return 0;
    }
    writeAtomically(options.out, text);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const megabytes = (Buffer.byteLength(text) / 1_000_000).toFixed(1);
    console.log(
      `Exported ${describeCounts(countProgram(program))} from ${file} to ${
        options.out
      } (${megabytes} MB) in ${seconds} s.`
    );
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
