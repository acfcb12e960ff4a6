import fs from "node:fs";
import path from "node:path";
import pg from "pg";

// The databases of a benchmark or load-test run, on either engine: a SQLite file in the run's temporary folder, or a
// database of its own on a PostgreSQL server (created for the run, named after it, dropped afterwards unless kept).
// Copying one is a file copy on SQLite and CREATE DATABASE … TEMPLATE on PostgreSQL.

export type BackendName = "sqlite" | "postgres";
export const BACKEND_NAMES: readonly BackendName[] = ["sqlite", "postgres"];

export interface RunDatabases {
  backend: BackendName;
  /** A new empty database named after `label`. */
  create(label: string): Promise<string>;
  /** A copy of database `from` (a file; or a database on the same server, which nobody may be connected to). */
  copy(from: string, label: string): Promise<string>;
  remove(target: string): Promise<void>;
  /** The environment that points a server or a command at `target`, and at nothing else. */
  env(target: string): Record<string, string>;
  /** Its size on disk, in MB: the file and its WAL, or pg_database_size. */
  sizeMb(target: string): Promise<number>;
  /** Removes every database made here and not removed yet, or with `keep` lists them. */
  finish(keep: boolean): Promise<string[]>;
}

/**
 * Why `raw` cannot be the URL of a PostgreSQL server, or null when it can be (postgres:// or postgresql://, a
 * host, and a database to connect to for creating the run's own).
 */
export function postgresUrlProblem(raw: string): string | null {
  if (!/^postgres(ql)?:\/\//i.test(raw)) return `must be a postgres:// or postgresql:// URL, not “${raw.slice(0, 80)}”`;
  try {
    const url = new URL(raw);
    if (!url.hostname && !url.searchParams.get("host")) return `names no host: “${shown(raw)}”`;
  } catch {
    return `is not a URL that can be read: “${raw.slice(0, 80)}”`;
  }
  return null;
}

/** A URL as it may be shown: without its password. */
export function shown(target: string): string {
  try {
    const url = new URL(target);
    if (url.password) url.password = "*****";
    return url.toString();
  } catch {
    return target;
  }
}

/** The URL of database `name` on the server of `serverUrl`. */
function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Runs `work` on one connection to the server's own database (the one `serverUrl` names). */
async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Connects to the server once: the reason it cannot be used, or null. */
export async function postgresServerProblem(serverUrl: string): Promise<string | null> {
  try {
    await onServer(serverUrl, (client) => client.query("select 1"));
    return null;
  } catch (error) {
    const reason = error instanceof Error ? error.message || String((error as { code?: unknown }).code) : String(error);
    return `cannot connect to ${shown(serverUrl)}: ${reason.replace(/\.$/, "")}`;
  }
}

/** The prefix of every database a run creates, unique to the run: `<what>_<time>`. */
export function runDatabasePrefix(what: string): string {
  return `${what}_${Date.now().toString(36)}`;
}

export function sqliteDatabases(dir: string): RunDatabases {
  const made = new Set<string>();
  const removeFile = (file: string) => {
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${file}${suffix}`, { force: true });
    made.delete(file);
  };
  return {
    backend: "sqlite",
    async create(label) {
      const file = path.join(dir, `${label}.db`);
      made.add(file);
      return file;
    },
    async copy(from, label) {
      const file = path.join(dir, `${label}.db`);
      fs.copyFileSync(from, file);
      made.add(file);
      return file;
    },
    async remove(file) {
      removeFile(file);
    },
    // DATABASE_URL would win over DATABASE_PATH: emptied, so that one set in the caller's environment does not.
    env: (file) => ({ DATABASE_PATH: file, DATABASE_URL: "" }),
    async sizeMb(file) {
      const size = (suffix: string) => (fs.existsSync(`${file}${suffix}`) ? fs.statSync(`${file}${suffix}`).size : 0);
      return Math.round((size("") + size("-wal")) / 1e5) / 10;
    },
    async finish(keep) {
      const left = [...made];
      if (!keep) for (const file of left) removeFile(file);
      return keep ? left : [];
    },
  };
}

/** How long a copy waits for the last connection to its template (a stopped server's) to go. */
const TEMPLATE_WAIT_MS = 15_000;

export function postgresDatabases(serverUrl: string, prefix: string): RunDatabases {
  const made = new Set<string>();
  const drop = async (url: string) => {
    const name = databaseName(url);
    await onServer(serverUrl, (client) => client.query(`drop database if exists ${quoted(name)} with (force)`));
    made.delete(name);
  };
  const nameOf = (label: string) =>
    `${prefix}_${label}`
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, "_")
      .slice(0, 63);
  return {
    backend: "postgres",
    async create(label) {
      const name = nameOf(label);
      await onServer(serverUrl, (client) => client.query(`create database ${quoted(name)}`));
      made.add(name);
      return databaseUrl(serverUrl, name);
    },
    async copy(from, label) {
      const name = nameOf(label);
      const template = databaseName(from);
      const started = Date.now();
      // A server just stopped may still be connected for a moment; the copy needs its template to itself.
      for (;;) {
        try {
          await onServer(serverUrl, (client) =>
            client.query(`create database ${quoted(name)} template ${quoted(template)} strategy file_copy`)
          );
          break;
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code !== "55006" || Date.now() - started > TEMPLATE_WAIT_MS) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      made.add(name);
      return databaseUrl(serverUrl, name);
    },
    remove: drop,
    env: (url) => ({ DATABASE_URL: url }),
    async sizeMb(url) {
      const { rows } = await onServer(serverUrl, (client) =>
        client.query<{ size: string }>("select pg_database_size($1) as size", [databaseName(url)])
      );
      return Math.round(Number(rows[0]!.size) / 1e5) / 10;
    },
    async finish(keep) {
      const left = [...made];
      if (keep) return left.map((name) => shown(databaseUrl(serverUrl, name)));
      for (const name of left) await drop(databaseUrl(serverUrl, name));
      return [];
    },
  };
}
