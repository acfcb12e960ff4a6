import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { describeProblem, firstProblems } from "../app/domain/asset-import";
import { importAssets } from "../app/models/asset-import.server";
import { systemActor } from "../app/utils/actor";
import { closeDb, getDb } from "../app/utils/db.server";
import { ActError } from "../app/utils/errors";
import { migrateToLatest } from "../db/migrate";

// `npm run import:assets -- --plant CODE [--dry-run] [--json] FILE.csv`: a passive monitoring tool's inventory
// export into one plant. The whole file or nothing; every bad row is reported with its line and column.

const USAGE = "Usage: npm run import:assets -- --plant CODE [--dry-run] [--json] FILE.csv";
const MAX_BYTES = 64 * 1024 * 1024;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      options: {
        plant: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}. ${USAGE}`);
  }
})();
if (!values.plant) fail(`--plant is required. ${USAGE}`);
if (positionals.length !== 1) fail(`Name one CSV file. ${USAGE}`);
const file = positionals[0]!;
if (!fs.existsSync(file) || !fs.statSync(file).isFile()) fail(`${file}: no such file.`);
if (fs.statSync(file).size > MAX_BYTES) fail(`${file}: larger than 64 MB; split the export by zone or line.`);

const bytes = fs.readFileSync(file);
let text: string;
try {
  text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
} catch {
  fail(`${file}: not UTF-8 text; export the CSV as UTF-8.`);
}

try {
  const db = getDb();
  await migrateToLatest(db);
  const result = await importAssets(db, systemActor("import:assets"), {
    plantCode: values.plant,
    text,
    label: path.basename(file),
    dryRun: values["dry-run"],
  });
  await closeDb();
  if (!result.ok) {
    const { listed, more } = firstProblems(result.problems);
    if (values.json) {
      console.log(
        JSON.stringify({ file, ok: false, problemCount: result.problems.length, problems: listed, more }, null, 2)
      );
    }
    const shown = listed.map((p) => `  ${describeProblem(p)}`);
    fail(
      [`${file}: ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}; nothing was imported.`]
        .concat(shown, more > 0 ? [`  … and ${more} more`] : [])
        .join("\n")
    );
  }
  const s = result.summary;
  if (values.json) console.log(JSON.stringify({ file, ok: true, ...s }, null, 2));
  else {
    console.log(
      `${file}: ${s.rows} assets for ${s.plant}: ${s.created} new (staged), ${s.updated} updated, ${
        s.unchanged
      } unchanged${s.dryRun ? " (dry run: nothing written)" : ""}.`
    );
    console.log(
      `  columns: ${Object.entries(s.columns)
        .map(([field, column]) => `${field} ← “${column}”`)
        .join(", ")}`
    );
    if (s.ignoredColumns.length) console.log(`  ignored columns: ${s.ignoredColumns.map((c) => `“${c}”`).join(", ")}`);
  }
} catch (error) {
  fail(
    error instanceof ActError ? `${file}: ${error.message}` : error instanceof Error ? error.message : String(error)
  );
}
