import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { root } from "./build";

// `npm test`'s run of the suite: every test on SQLite, then the integration suite again on PostgreSQL, the same
// tests over the other backend (TEST_BACKEND=postgres gives each test a fresh database on the server
// TEST_DATABASE_URL names, default postgres://postgres@127.0.0.1:5432/test). When no PostgreSQL answers, it says so
// in one line and runs SQLite only, except under CI=true, where a missing PostgreSQL fails the run.
//
//   npx tsx scripts/test.ts [--backend sqlite|postgres] [test files…]

const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";
const USAGE = "Usage: tsx scripts/test.ts [--backend sqlite|postgres] [test files…]";

type Backend = "sqlite" | "postgres";

function testFiles(folders: string[]): string[] {
  return folders.flatMap((folder) =>
    fs
      .readdirSync(path.join(root, "test", folder))
      .filter((name) => name.endsWith(".test.ts"))
      .sort()
      .map((name) => path.join("test", folder, name))
  );
}

function runSuite(files: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--test", "--test-concurrency=1", "--test-timeout=300000", ...files],
      { cwd: root, stdio: "inherit", env: { ...process.env, ...env } }
    );
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Why PostgreSQL at `url` cannot be used, or null when it answers. */
async function postgresProblem(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query("select 1");
    return null;
  } catch (error) {
    return error instanceof Error ? error.message || String((error as { code?: unknown }).code) : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Drops the databases this run created (a test that died before its cleanup leaves its database behind). */
async function dropRunDatabases(url: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "select datname from pg_database where starts_with(datname, $1)",
      [prefix]
    );
    for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
  } finally {
    await client.end();
  }
}

async function main(args: string[]): Promise<number> {
  let only: Backend | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--backend") {
      const value = args[++i];
      if (value !== "sqlite" && value !== "postgres") throw new Error(`--backend is sqlite or postgres. ${USAGE}`);
      only = value;
    } else if (arg.startsWith("-")) throw new Error(`Unknown option “${arg}”. ${USAGE}`);
    else files.push(arg);
  }

  let failed = false;
  if (only !== "postgres") {
    const code = await runSuite(files.length ? files : testFiles(["unit", "integration", "e2e"]), {
      TEST_BACKEND: "sqlite",
    });
    failed ||= code !== 0;
  }
  if (only === "sqlite") return failed ? 1 : 0;

  const url = process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  const problem = await postgresProblem(url);
  if (problem) {
    const shown = url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:*****@");
    if (process.env.CI === "true" || only === "postgres") {
      console.error(`PostgreSQL at ${shown} cannot be reached (${problem}): the PostgreSQL run cannot take place.`);
      return 1;
    }
    console.log(`PostgreSQL at ${shown} cannot be reached (${problem}): the suite ran on SQLite only.`);
    return failed ? 1 : 0;
  }
  const prefix = `tracker_test_${Date.now().toString(36)}_${process.pid}_`;
  try {
    const code = await runSuite(files.length ? files : testFiles(["integration"]), {
      TEST_BACKEND: "postgres",
      TEST_DATABASE_URL: url,
      TEST_DATABASE_PREFIX: prefix,
    });
    failed ||= code !== 0;
  } finally {
    await dropRunDatabases(url, prefix);
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
);
