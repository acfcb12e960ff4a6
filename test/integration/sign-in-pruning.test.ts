import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { pruneSignInRecords } from "../../app/models/sessions.server";
import type { DB } from "../../app/utils/db.server";
import { createTestDatabase, type TestDatabase, databaseEnv } from "../support/database";
import { createPerson, TEST_PASSWORD } from "../support/people";
import { startServer } from "../support/server";

// Sign-in records do not pile up: attempts older than a day and expired sessions are deleted, at start and every
// hour in each worker, keeping what the throttle reads and each person's latest session (their last sign-in).

const HOUR = 3600_000;
// Dated from the clock: the server prunes by it, so records dated from a fixed day would age past the day kept.
const now = new Date();
const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR).toISOString();

let test: TestDatabase;

before(async () => {
  test = await createTestDatabase();
});

after(async () => {
  await test?.cleanup();
});

async function attempt(db: DB, email: string, hoursAgo: number) {
  await db
    .insertInto("login_attempt")
    .values({ email, ip: "192.0.2.9", at: at(hoursAgo), succeeded: 0 })
    .execute();
}

async function session(db: DB, personId: number, id: string, createdHoursAgo: number) {
  await db
    .insertInto("session")
    .values({
      id_hash: id,
      person_id: personId,
      created_at: at(createdHoursAgo),
      expires_at: at(createdHoursAgo - 12),
      revoked_at: null,
      ip: null,
      user_agent: null,
    })
    .execute();
}

async function remaining(db: DB) {
  const attempts = await db.selectFrom("login_attempt").select("email").orderBy("email").execute();
  const sessions = await db.selectFrom("session").select("id_hash").orderBy("id_hash").execute();
  return { attempts: attempts.map((row) => row.email), sessions: sessions.map((row) => row.id_hash) };
}

describe("pruneSignInRecords", () => {
  it("deletes attempts older than a day and expired sessions, but each person's latest session", async () => {
    const { db } = test;
    await attempt(db, "two-days@demo.test", 48);
    await attempt(db, "yesterday-and-a-bit@demo.test", 25);
    await attempt(db, "this-morning@demo.test", 3);
    await attempt(db, "just-now@demo.test", 0);
    const regular = await createPerson(db, { email: "regular@demo.test", role: "executive" });
    const away = await createPerson(db, { email: "away@demo.test", role: "executive" });
    await session(db, regular, "regular-last-week", 24 * 7);
    await session(db, regular, "regular-yesterday", 24);
    await session(db, regular, "regular-now", 1);
    await session(db, away, "away-last-month", 24 * 30);
    await session(db, away, "away-two-months", 24 * 60);

    assert.deepEqual(await pruneSignInRecords(db, now), { attempts: 2, sessions: 3 });
    assert.deepEqual(await remaining(db), {
      attempts: ["just-now@demo.test", "this-morning@demo.test"],
      sessions: ["away-last-month", "regular-now"],
    });
    assert.deepEqual(await pruneSignInRecords(db, now), { attempts: 0, sessions: 0 }, "nothing more to prune");
  });
});

describe("the server", () => {
  it("prunes at start", async () => {
    const { db, file } = test;
    await db.deleteFrom("login_attempt").execute();
    await attempt(db, "long-ago@demo.test", 24 * 3);
    await attempt(db, "recent@demo.test", 1);
    const person = await createPerson(db, { email: "returning@demo.test", role: "executive" });
    await session(db, person, "returning-old", 24 * 10);
    await session(db, person, "returning-new", 24 * 2);
    const server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD });
    await server.stop();
    const left = await remaining(db);
    assert.ok(!left.attempts.includes("long-ago@demo.test"), "an attempt of three days ago is gone");
    assert.ok(left.attempts.includes("recent@demo.test"));
    assert.ok(!left.sessions.includes("returning-old"));
    assert.ok(left.sessions.includes("returning-new"), "the person's latest session stays");
  });
});
