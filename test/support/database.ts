import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { migrateToLatest } from "../../db/migrate";
import type { Database } from "../../db/schema";
import { openDatabase, type DB } from "../../app/utils/db.server";

export interface TestDatabase {
  db: DB;
  file: string;
  dir: string;
  cleanup(): Promise<void>;
}

/** A real SQLite file in a fresh temporary folder, brought up by the real migrations. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tracker-test-"));
  const file = path.join(dir, "tracker.db");
  const db = openDatabase(file);
  await migrateToLatest(db);
  return {
    db,
    file,
    dir,
    async cleanup() {
      await db.destroy();
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
