import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateToLatest } from "../../db/migrate";
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
