import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import { sql } from "kysely";
import { migrateToLatest } from "../../db/migrate";
import { DatabaseOpenError, openDatabase } from "../../app/utils/db.server";
import { tempDir } from "../support/database";

const dir = tempDir();
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("openDatabase", () => {
  it("creates the file with WAL, foreign keys and a busy timeout, and migrates idempotently", async () => {
    const file = path.join(dir, "nested", "tracker.db");
    const db = openDatabase(file);
    try {
      assert.equal((await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db)).rows[0]?.journal_mode, "wal");
      assert.equal((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]?.foreign_keys, 1);
      assert.equal((await sql<{ timeout: number }>`pragma busy_timeout`.execute(db)).rows[0]?.timeout, 5000);
      assert.equal((await migrateToLatest(db)).length > 0, true);
      assert.deepEqual(await migrateToLatest(db), []);
      await assert.rejects(
        db
          .insertInto("zone")
          .values({ plant_id: 999, name: "orphan", kind: "other", created_at: "2026-01-01T00:00:00.000Z" })
          .execute(),
        /FOREIGN KEY/
      );
    } finally {
      await db.destroy();
    }
  });

  it("names the path when the file is not a database", () => {
    const file = path.join(dir, "corrupt.db");
    fs.writeFileSync(file, "this is a spreadsheet, not a database ".repeat(200));
    assert.throws(
      () => openDatabase(file),
      (error: unknown) =>
        error instanceof DatabaseOpenError &&
        error.message.startsWith(`Cannot use the database at ${file}:`) &&
        /not a database/.test(error.message)
    );
  });

  it("names the path when its folder cannot be created", () => {
    const blocker = path.join(dir, "a-file");
    fs.writeFileSync(blocker, "");
    const file = path.join(blocker, "tracker.db");
    assert.throws(
      () => openDatabase(file),
      (error: unknown) => error instanceof DatabaseOpenError && error.message.includes(file)
    );
  });
});
