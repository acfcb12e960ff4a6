import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { CompiledQuery, Kysely, SqliteDialect, type Dialect, type Transaction } from "kysely";
import type { Database } from "../../db/schema";

export type DB = Kysely<Database>;
/** What repository functions take, so one business act can run inside one transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

const DEFAULT_DATABASE_PATH = "data/tracker.db";

/** How long a write waits for another's write lock (an ingest, another worker) before it is refused as busy. */
const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const MAX_BUSY_TIMEOUT_MS = 60_000;

export class DatabaseOpenError extends Error {}

export function databasePath(): string {
  return path.resolve(process.env.DATABASE_PATH || DEFAULT_DATABASE_PATH);
}

/**
 * DATABASE_BUSY_TIMEOUT_MS, or the default. At most a minute: a server worker waits for the lock without answering
 * anyone else (SQLite's wait is synchronous), so a longer wait would stall every request of that worker.
 */
export function busyTimeoutMs(raw: string | undefined = process.env.DATABASE_BUSY_TIMEOUT_MS): number {
  if (raw === undefined || raw.trim() === "") return DEFAULT_BUSY_TIMEOUT_MS;
  const ms = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || ms > MAX_BUSY_TIMEOUT_MS)
    throw new Error(
      `DATABASE_BUSY_TIMEOUT_MS must be a whole number of milliseconds from 0 to ${MAX_BUSY_TIMEOUT_MS}, not “${raw}”.`
    );
  return ms;
}

/**
 * Whether `error` is SQLite refusing a write because another connection held the write lock for longer than the
 * busy timeout: nothing of the act was written, and the same act may succeed a moment later.
 */
export function isDatabaseBusy(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (String((e as { code?: unknown }).code).startsWith("SQLITE_BUSY")) return true;
  }
  return false;
}

/**
 * Opens (creating if needed) the SQLite file with WAL, foreign keys and a busy timeout, and proves it is
 * a readable, writable SQLite database. Any failure becomes one sentence naming the path.
 */
export function openDatabase(file: string = databasePath()): DB {
  const busyTimeout = busyTimeoutMs();
  let sqlite: SQLite.Database | undefined;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    sqlite = new SQLite(file);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma(`busy_timeout = ${busyTimeout}`);
    sqlite.prepare("select count(*) from sqlite_master").get();
    // A write proves the file and its folder are writable (WAL needs both).
    sqlite.exec("begin immediate; rollback;");
  } catch (error) {
    sqlite?.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseOpenError(`Cannot use the database at ${file}: ${reason.replace(/\.$/, "")}.`);
  }
  const db = new Kysely<Database>({ dialect: immediateTransactions(new SqliteDialect({ database: sqlite })) });
  handles.set(db.getExecutor().adapter, sqlite);
  return db;
}

/**
 * Transactions that take the write lock when they begin. A deferred transaction that reads and then writes fails
 * at once with SQLITE_BUSY if another process (another server worker, the ingest command) wrote in between, without
 * waiting for the busy timeout; one that begins IMMEDIATE waits its turn instead.
 */
function immediateTransactions(base: SqliteDialect): Dialect {
  return {
    createAdapter: () => base.createAdapter(),
    createQueryCompiler: () => base.createQueryCompiler(),
    createIntrospector: (db) => base.createIntrospector(db),
    createDriver: () => {
      const driver = base.createDriver();
      driver.beginTransaction = async (connection) => {
        await connection.executeQuery(CompiledQuery.raw("begin immediate"));
      };
      return driver;
    },
  };
}

/** Keyed by the dialect adapter, which a Kysely instance shares with its transactions. */
const handles = new WeakMap<object, SQLite.Database>();

/**
 * The better-sqlite3 connection under a database opened here (or one of its transactions), for the few bulk
 * paths (Zeek ingest) that run statements prepared once over many rows, inside a Kysely transaction on the
 * same connection.
 */
export function sqliteHandle(db: Executor): SQLite.Database {
  const handle = handles.get(db.getExecutor().adapter);
  if (!handle) throw new Error("This database was not opened by openDatabase.");
  return handle;
}

let shared: DB | undefined;

/** The process's one connection, opened on first use at DATABASE_PATH. */
export function getDb(): DB {
  shared ??= openDatabase();
  return shared;
}

/** Whether `db` is the process's shared connection (the server's), as opposed to a script's or a test's own. */
export function isSharedDb(db: unknown): boolean {
  return shared !== undefined && db === shared;
}

export async function closeDb(): Promise<void> {
  await shared?.destroy();
  shared = undefined;
}
