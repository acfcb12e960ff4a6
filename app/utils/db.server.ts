import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  sql,
  SqliteDialect,
  type Dialect,
  type SelectQueryBuilder,
  type Transaction,
  type TransactionSettings,
} from "kysely";
import pg from "pg";
import { TrackerPostgresQueryCompiler } from "../../db/backend";
import type { Database } from "../../db/schema";

export { isPostgres, joinedText, smaller, weekOf, type Backend } from "../../db/backend";

export type DB = Kysely<Database>;
/** What repository functions take, so one business act can run inside one transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

const DEFAULT_DATABASE_PATH = "data/tracker.db";

/** How long a write waits for another's write lock (an ingest, another worker) before it is refused as busy. */
const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const MAX_BUSY_TIMEOUT_MS = 60_000;

const DEFAULT_POOL_SIZE = 10;
const MAX_POOL_SIZE = 200;

export class DatabaseOpenError extends Error {}

/** Whether `target` names a PostgreSQL database (a URL) rather than a SQLite file. */
function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/**
 * The database this process uses: DATABASE_URL (postgres://…) for PostgreSQL, else the SQLite file at
 * DATABASE_PATH (default data/tracker.db).
 */
function databaseTarget(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!isPostgresUrl(url)) {
      // Only its scheme is repeated: the rest may hold a password.
      const scheme = /^[a-z][a-z0-9+.-]{0,20}:/i.exec(url)?.[0] ?? "no scheme";
      throw new DatabaseOpenError(
        `DATABASE_URL must be a postgres:// or postgresql:// URL, not one beginning “${scheme}”; for SQLite set DATABASE_PATH instead.`
      );
    }
    return url;
  }
  return path.resolve(env.DATABASE_PATH || DEFAULT_DATABASE_PATH);
}

/** The database as it may be shown: a file's path, or a URL without its password. */
function describeDatabase(target: string = databaseTarget()): string {
  if (!isPostgresUrl(target)) return target;
  try {
    const url = new URL(target);
    if (url.password) url.password = "*****";
    return url.toString();
  } catch {
    return "(a PostgreSQL URL that cannot be read)";
  }
}

/** Kept for the commands that print where they wrote: the database as it may be shown. */
export function databasePath(): string {
  return describeDatabase();
}

/** DATABASE_POOL_SIZE: how many PostgreSQL connections one process keeps at most. */
function poolSize(raw: string | undefined = process.env.DATABASE_POOL_SIZE): number {
  if (raw === undefined || raw.trim() === "") return DEFAULT_POOL_SIZE;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 1 || n > MAX_POOL_SIZE)
    throw new Error(`DATABASE_POOL_SIZE must be a whole number from 1 to ${MAX_POOL_SIZE}, not “${raw}”.`);
  return n;
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
 * PostgreSQL's refusals that leave nothing written and may succeed a moment later: the act's lock not granted
 * within the busy timeout (55P03), a serialization failure (40001) and a deadlock (40P01).
 */
const POSTGRES_BUSY_CODES = new Set(["55P03", "40001", "40P01"]);

/**
 * Whether `error` is the database refusing a write because another connection held the write lock for longer than
 * the busy timeout: nothing of the act was written, and the same act may succeed a moment later.
 */
export function isDatabaseBusy(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    const code = String((e as { code?: unknown }).code);
    if (code.startsWith("SQLITE_BUSY") || POSTGRES_BUSY_CODES.has(code)) return true;
  }
  return false;
}

/**
 * Opens the database `target` names: a PostgreSQL URL, or a SQLite file path (created if needed). See
 * openSqlite and openPostgres.
 */
export function openDatabase(target: string = databaseTarget()): DB {
  return isPostgresUrl(target) ? openPostgres(target) : openSqlite(target);
}

/**
 * Opens (creating if needed) the SQLite file with WAL, foreign keys and a busy timeout, and proves it is
 * a readable, writable SQLite database. Any failure becomes one sentence naming the path.
 */
function openSqlite(file: string): DB {
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
      driver.beginTransaction = async (connection, settings) => {
        // A read-only transaction (readSnapshot) is a deferred one: a snapshot of the database, taking no lock.
        await connection.executeQuery(CompiledQuery.raw(isReadOnly(settings) ? "begin" : "begin immediate"));
      };
      return driver;
    },
  };
}

// PostgreSQL answers 64-bit integers (bigint columns, count(*), sum) and numerics as text, since JavaScript numbers
// cannot hold every one; the tracker's are counts, ids, byte totals and epoch seconds, all far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/** The advisory lock every PostgreSQL transaction takes first: see serializedTransactions. */
const WRITE_LOCK_KEY = 7_246_010;

/**
 * A pool of connections to the PostgreSQL database at `url` (DATABASE_POOL_SIZE at most). Nothing is connected
 * until the first query; a database that cannot be reached fails that query (checkDatabase says so in one sentence).
 */
function openPostgres(url: string): DB {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize(),
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: "segmentation-tracker",
  });
  // A connection the server drops while idle (a restart, a failover) is replaced; it must not end the process.
  pool.on("error", () => {});
  const base = new PostgresDialect({ pool });
  const dialect: Dialect = {
    createAdapter: () => base.createAdapter(),
    createQueryCompiler: () => new TrackerPostgresQueryCompiler(),
    createIntrospector: (db) => base.createIntrospector(db),
    createDriver: () => serializedTransactions(base.createDriver(), busyTimeoutMs()),
  };
  return new Kysely<Database>({ dialect });
}

/**
 * Every transaction on PostgreSQL begins by taking one advisory lock, waiting at most the busy timeout for it:
 * transactions that write run one after another, as SQLite's IMMEDIATE transactions do, while reads outside
 * transactions go on in parallel. Every act appends to the one hash-chained audit trail (each event covers the one
 * before), so acts could never append in parallel anyway; taking the lock first, rather than at the append, also
 * gives each act's reads the database as every earlier act left it (READ COMMITTED, after the lock). So an act never
 * decides on what another act is changing at the same moment: no lost update, and a stale form's revision is a 409.
 */
function serializedTransactions(driver: ReturnType<PostgresDialect["createDriver"]>, busyMs: number) {
  driver.beginTransaction = async (connection, settings) => {
    if (isReadOnly(settings)) {
      await connection.executeQuery(CompiledQuery.raw("begin isolation level repeatable read, read only"));
      return;
    }
    try {
      await connection.executeQuery(
        CompiledQuery.raw(
          `begin; set local lock_timeout = ${busyMs > 0 ? busyMs : 1}; select pg_advisory_xact_lock(${WRITE_LOCK_KEY})`
        )
      );
    } catch (error) {
      // The lock not granted in time leaves the transaction begun and aborted: the connection goes back to the pool
      // clean, or its next user would be refused for a transaction it never began.
      await connection.executeQuery(CompiledQuery.raw("rollback")).catch(() => undefined);
      throw error;
    }
  };
  return driver;
}

function isReadOnly(settings: TransactionSettings): boolean {
  return settings.accessMode === "read only";
}

/**
 * Runs `work` on one consistent snapshot of the database that writes nothing and holds back no act: what a long read
 * (a program export) uses so that it sees the program as one moment left it. On SQLite a deferred transaction (WAL
 * readers never block the writer); on PostgreSQL REPEATABLE READ, READ ONLY, without the acts' lock.
 */
export function readSnapshot<T>(db: DB, work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().setAccessMode("read only").execute(work);
}

/**
 * The first rows of a list and how many it holds in all, read from one filtered query: `listed` adds the columns,
 * the order and the limit; the count reads the same filter. What a queue section shows ("the first 100 of 340").
 */
export async function listedWithTotal<DBT, TB extends keyof DBT, O>(
  filtered: SelectQueryBuilder<DBT, TB, object>,
  listed: (query: SelectQueryBuilder<DBT, TB, object>) => { execute(): Promise<O[]> }
): Promise<{ rows: O[]; total: number }> {
  const [rows, count] = await Promise.all([
    listed(filtered).execute(),
    filtered.select(sql<number | string>`count(*)`.as("n")).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number((count as { n: number | string }).n) };
}

/**
 * Proves the database answers, as one sentence naming it when it does not (a wrong URL, a server down, a missing
 * database): what a command or the server says instead of a stack.
 */
export async function checkDatabase(db: DB, target: string = databaseTarget()): Promise<void> {
  try {
    await db.executeQuery(CompiledQuery.raw("select 1"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseOpenError(
      `Cannot use the database at ${describeDatabase(target)}: ${reason.replace(/\.$/, "")}.`
    );
  }
}

/**
 * Why the database `target` names cannot be read, in one sentence, or null when it is there: for a command that
 * must not create an empty SQLite file at a mistyped path and then report on nothing, nor stack-trace on a
 * PostgreSQL server that does not answer.
 */
export async function missingDatabase(target: string = databaseTarget()): Promise<string | null> {
  if (!isPostgresUrl(target))
    return fs.existsSync(target) ? null : `Cannot use the database at ${target}: no such file.`;
  const db = openDatabase(target);
  try {
    await checkDatabase(db, target);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await db.destroy();
  }
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

/** The process's one connection (a pool on PostgreSQL), opened on first use: DATABASE_URL, else DATABASE_PATH. */
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
