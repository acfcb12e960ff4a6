import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { serializeProgram } from "../../app/domain/program-file-writing";
import { benchProgram } from "../../scripts/bench/program";
import { createEmptyPostgresDatabase, tempDir } from "../support/database";
import { runScript } from "../support/server";

// Moving a program from SQLite to PostgreSQL with the real commands: `npm run program:export` from a SQLite file,
// `npm run program:import` into an empty PostgreSQL database, and program:export from there gives the same file
// byte for byte. Whichever backend the rest of the suite runs on, this test uses one of each.

const EXPORTED_AT = "2026-11-25T16:00:00.000Z";
const dir = tempDir();
const postgres: { url: string; drop(): Promise<void> }[] = [];

before(() => {
  fs.mkdirSync(dir, { recursive: true });
});

after(async () => {
  for (const database of postgres) await database.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const sqliteEnv = (file: string) => ({ DATABASE_PATH: file, DATABASE_URL: "" });
const postgresEnv = (url: string) => ({ DATABASE_URL: url, DATABASE_PATH: "" });

async function run(script: string, args: string[], env: Record<string, string>): Promise<string> {
  const result = await runScript(script, args, env);
  assert.equal(result.status, 0, `${script} ${args.join(" ")}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** The first place two program files differ, as a JSON path with both values, for a failure people can read. */
function firstDifference(a: unknown, b: unknown, at = "$"): string | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null)
    return `${at}: ${JSON.stringify(a)} (SQLite) vs ${JSON.stringify(b)} (PostgreSQL)`;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  if (JSON.stringify(Object.keys(a)) !== JSON.stringify(Object.keys(b)) && !Array.isArray(a))
    return `${at}: keys ${Object.keys(a).join(",")} vs ${Object.keys(b).join(",")}`;
  for (const key of keys) {
    const found = firstDifference(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${at}${Array.isArray(a) ? `[${key}]` : `.${key}`}`
    );
    if (found) return found;
  }
  return `${at}: differs`;
}

/**
 * Exports the SQLite database at `file`, imports the file into a new PostgreSQL database, exports that, and checks
 * the two files are the same bytes. Returns the SQLite export.
 */
async function moveAndCompare(file: string, name: string): Promise<string> {
  const fromSqlite = path.join(dir, `${name}-sqlite.json`);
  const fromPostgres = path.join(dir, `${name}-postgres.json`);
  await run("scripts/program-export.ts", ["--out", fromSqlite, "--exported-at", EXPORTED_AT], sqliteEnv(file));
  const database = await createEmptyPostgresDatabase();
  postgres.push(database);
  const imported = await run("scripts/program-import.ts", [fromSqlite], postgresEnv(database.url));
  assert.match(imported, new RegExp(`^Imported .* into ${database.url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} in `));
  await run(
    "scripts/program-export.ts",
    ["--out", fromPostgres, "--exported-at", EXPORTED_AT],
    postgresEnv(database.url)
  );
  const [a, b] = [fs.readFileSync(fromSqlite), fs.readFileSync(fromPostgres)];
  if (!a.equals(b)) {
    const where = firstDifference(JSON.parse(a.toString("utf8")), JSON.parse(b.toString("utf8")));
    assert.fail(`The program exported from PostgreSQL differs from SQLite's: ${where ?? "in formatting only"}`);
  }
  return a.toString("utf8");
}

describe("moving a program from SQLite to PostgreSQL", () => {
  it("carries the demo program over unchanged: the export from PostgreSQL is the export from SQLite", async () => {
    const file = path.join(dir, "demo.db");
    await run("scripts/seed.ts", [], sqliteEnv(file));
    const text = await moveAndCompare(file, "demo");
    const program = JSON.parse(text) as { plants: unknown[]; people: unknown[] };
    assert.ok(program.plants.length > 0 && program.people.length > 0, "the demo program has plants and people");
  });

  it("carries the benchmark's generated program over unchanged", async () => {
    const generated = path.join(dir, "bench-generated.json");
    fs.writeFileSync(generated, serializeProgram(benchProgram({ plants: 5, today: "2026-11-25" })));
    const file = path.join(dir, "bench.db");
    await run("scripts/program-import.ts", [generated], sqliteEnv(file));
    const text = await moveAndCompare(file, "bench");
    assert.equal((JSON.parse(text) as { plants: unknown[] }).plants.length, 5);
  });
});
