import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import { sql } from "kysely";
import { migrateToLatest } from "../../db/migrate";
import { busyTimeoutMs, DatabaseOpenError, isDatabaseBusy, openDatabase } from "../../app/utils/db.server";
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

describe("DATABASE_BUSY_TIMEOUT_MS", () => {
  it("takes whole milliseconds up to a minute, 5000 when unset", () => {
    assert.equal(busyTimeoutMs(undefined), 5000);
    assert.equal(busyTimeoutMs(""), 5000);
    assert.equal(busyTimeoutMs("0"), 0);
    assert.equal(busyTimeoutMs(" 250 "), 250);
    assert.equal(busyTimeoutMs("60000"), 60000);
  });

  it("refuses anything else with one sentence naming the setting", () => {
    for (const raw of ["5s", "-1", "1.5", "60001", "lots"]) {
      assert.throws(() => busyTimeoutMs(raw), {
        message: `DATABASE_BUSY_TIMEOUT_MS must be a whole number of milliseconds from 0 to 60000, not “${raw}”.`,
      });
    }
  });

  it("opens the database with the timeout it sets", async () => {
    process.env.DATABASE_BUSY_TIMEOUT_MS = "150";
    const db = openDatabase(path.join(dir, "busy.db"));
    try {
      assert.equal((await sql<{ timeout: number }>`pragma busy_timeout`.execute(db)).rows[0]?.timeout, 150);
    } finally {
      delete process.env.DATABASE_BUSY_TIMEOUT_MS;
      await db.destroy();
    }
  });
});

describe("a write another connection keeps waiting", () => {
  it("fails after the busy timeout with an error known as busy, and nothing else is", async () => {
    const file = path.join(dir, "locked.db");
    const holder = openDatabase(file);
    await migrateToLatest(holder);
    process.env.DATABASE_BUSY_TIMEOUT_MS = "50";
    const writer = openDatabase(file);
    delete process.env.DATABASE_BUSY_TIMEOUT_MS;
    try {
      await sql`begin immediate`.execute(holder);
      const error = await writer
        .transaction()
        .execute((trx) => sql`delete from zone`.execute(trx))
        .then(
          () => null,
          (e: unknown) => e
        );
      assert.equal(isDatabaseBusy(error), true, String(error));
      assert.equal(isDatabaseBusy(new Error("no such table: zone")), false);
      assert.equal(isDatabaseBusy(new Error("wrapped", { cause: error })), true);
    } finally {
      await sql`rollback`.execute(holder);
      await writer.destroy();
      await holder.destroy();
    }
  });
});
