import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { migrateToLatest } from "../../db/migrate";
import type { Database } from "../../db/schema";
import { openDatabase, type DB } from "../../app/utils/db.server";

// The suite's databases. TEST_BACKEND=postgres (set by `npm test` for its PostgreSQL run) gives each test a fresh
// PostgreSQL database on the server TEST_DATABASE_URL names, created for it and dropped after; otherwise each test
// has a SQLite file in a fresh temporary folder. Both are brought up by the real migrations.

export type TestBackend = "sqlite" | "postgres";

export const testBackend: TestBackend = process.env.TEST_BACKEND === "postgres" ? "postgres" : "sqlite";

/** The PostgreSQL server the suite creates its databases on (its own database is only connected to). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  db: DB;
  /** Where the database is: a SQLite file's path, or a PostgreSQL URL; what openDatabase takes. */
  file: string;
  /** A temporary folder for the test's other files (logs, exports), removed with the database. */
  dir: string;
  /** The environment that points a server or a command at this database. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** The environment that points a server or a command at the database `target` (a file or a PostgreSQL URL). */
export function databaseEnv(target: string): Record<string, string> {
  return /^postgres(ql)?:\/\//.test(target) ? { DATABASE_URL: target } : { DATABASE_PATH: target };
}

/** Makes `target` this test process's own database, as DATABASE_PATH or DATABASE_URL would for a command. */
export function useAsProcessDatabase(target: string): void {
  delete process.env.DATABASE_PATH;
  delete process.env.DATABASE_URL;
  Object.assign(process.env, databaseEnv(target));
}

let created = 0;

/** The URL of database `name` on the suite's PostgreSQL server. */
function databaseUrl(name: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new empty PostgreSQL database on the suite's server, named after this run and process. */
async function createPostgresDatabase(): Promise<string> {
  const prefix = process.env.TEST_DATABASE_PREFIX || "tracker_test_";
  const name = `${prefix}${process.pid}_${++created}_${Date.now().toString(36)}`;
  await onServer((client) => client.query(`create database "${name}"`));
  return name;
}

export async function dropPostgresDatabase(name: string): Promise<void> {
  await onServer((client) => client.query(`drop database if exists "${name}" with (force)`));
}

/**
 * A new empty PostgreSQL database on the suite's server whatever TEST_BACKEND says, not migrated (for tests that
 * always use PostgreSQL beside SQLite, or that migrate it themselves): its URL, and what drops it.
 */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = await createPostgresDatabase();
  return { url: databaseUrl(name), drop: () => dropPostgresDatabase(name) };
}

/**
 * A real database for one test, brought up by the real migrations: a SQLite file in a fresh temporary folder, or
 * (TEST_BACKEND=postgres) a fresh PostgreSQL database dropped again by cleanup.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tracker-test-"));
  const name = testBackend === "postgres" ? await createPostgresDatabase() : undefined;
  const file = name ? databaseUrl(name) : path.join(dir, "tracker.db");
  const db = openDatabase(file);
  await migrateToLatest(db);
  return {
    db,
    file,
    dir,
    env: databaseEnv(file),
    async cleanup() {
      await db.destroy();
      if (name) await dropPostgresDatabase(name);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "tracker-test-"));
}

/** How many rows a table holds. */
export async function countRows(db: DB, table: keyof Database): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0]!.n);
}

/** The rows a window or change act may write: outage windows, network changes and audit events. */
export async function windowWriteCounts(db: DB): Promise<{ windows: number; changes: number; audit: number }> {
  return {
    windows: await countRows(db, "outage_window"),
    changes: await countRows(db, "network_change"),
    audit: await countRows(db, "audit_event"),
  };
}

export interface EmptyDatabase {
  /** A SQLite file's path not yet created, or a PostgreSQL URL of an empty database. */
  target: string;
  env: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * An empty database of the suite's backend, for what `npm start` does with one (migrate and seed): a path in `dir`
 * that does not exist yet, or a new PostgreSQL database.
 */
export async function emptyDatabase(dir: string, fileName = "tracker.db"): Promise<EmptyDatabase> {
  if (testBackend === "sqlite") {
    const target = path.join(dir, fileName);
    return { target, env: databaseEnv(target), drop: async () => fs.rmSync(target, { force: true }) };
  }
  const name = await createPostgresDatabase();
  const target = databaseUrl(name);
  return { target, env: databaseEnv(target), drop: () => dropPostgresDatabase(name) };
}
