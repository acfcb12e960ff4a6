import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { databaseEnv, emptyDatabase, tempDir, type EmptyDatabase } from "../support/database";
import { signInOverHttp, TEST_PASSWORD } from "../support/people";
import { runScript, startServer, type RunningServer } from "../support/server";

// While another process holds the write lock (an evidence ingest's transaction: SQLite's own lock, or on PostgreSQL
// the advisory lock every transaction takes first) for longer than the busy timeout, a write
// through the app is answered 503 with Retry-After, a page as the page's error and the API in JSON, never a bare
// 500; nothing of it is written, and once the lock is let go the same write goes through. The server waits 300 ms
// (DATABASE_BUSY_TIMEOUT_MS) instead of 5 s; the holder keeps the lock until every refused answer is in.

const BUSY = "The database is busy with another write (an evidence ingest); try again in a few seconds.";
const dir = tempDir();
let database: EmptyDatabase;
let file: string;
let server: RunningServer;
let db: DB;
let lead: string;
let token: string;

before(async () => {
  database = await emptyDatabase(dir);
  file = database.target;
  server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD, DATABASE_BUSY_TIMEOUT_MS: "300" });
  db = openDatabase(file);
  lead = await signInOverHttp(server.url, "lead@demo.test");
  const created = await runScript("scripts/token-create.ts", ["--role", "program_lead", "--name", "busy"], {
    ...databaseEnv(file),
  });
  assert.equal(created.status, 0, created.stderr);
  token = created.stdout.trim().split("\n").at(-1)!;
});

after(async () => {
  await db?.destroy();
  await server?.stop();
  await database?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function tick(plant: string, note: string, data = false) {
  return fetch(`${server.url}/plants/${plant}${data ? ".data" : ""}`, {
    method: "POST",
    headers: { Cookie: lead, Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ intent: "tick", code: "INV-REVIEW", note }),
    redirect: "manual",
  });
}

async function observe(conduitId: number, source: string) {
  return fetch(`${server.url}/api/conduits/${conduitId}/observations`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      day: "2026-10-05",
      source,
      coverage: 0.9,
      tuples: 40,
      newTuples: 0,
      connections: 1000,
      bytes: 123456,
    }),
  });
}

async function count(table: "audit_event" | "checklist_tick" | "observation"): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0]!.n);
}

describe("a write while another process holds the write lock", () => {
  it("is answered 503 with Retry-After, writes nothing, and goes through once the lock is let go", async () => {
    // A plant whose inventory review is not ticked yet, so that the tick, once let through, is accepted.
    const { rows: unticked } = await sql<{ code: string }>`
      select p.code from plant p
      where coalesce((select t.ticked from checklist_tick t where t.plant_id = p.id and t.code = 'INV-REVIEW'
                      order by t.id desc limit 1), 0) = 0
      order by p.code limit 1`.execute(db);
    const plant = unticked[0]!.code;
    const conduit = await db
      .selectFrom("conduit as c")
      .innerJoin("plant as p", "p.id", "c.plant_id")
      .select("c.id")
      .where("p.code", "=", "DAY")
      .executeTakeFirstOrThrow();
    const before = {
      audit: await count("audit_event"),
      ticks: await count("checklist_tick"),
      observations: await count("observation"),
    };

    // A transaction of another process, as the ingest command's: it holds the write lock from its first statement.
    const holder = openDatabase(file);
    await holder.transaction().execute(async () => {
      const page = await tick(plant, "Reviewed while busy");
      assert.equal(page.status, 503);
      assert.equal(page.headers.get("Retry-After"), "5");
      const html = await page.text();
      assert.ok(html.includes(BUSY), `the page says why: ${html.slice(0, 500)}`);
      assert.doesNotMatch(html, /Unexpected Server Error/);

      const script = await tick(plant, "Reviewed while busy, from the page's script", true);
      assert.equal(script.status, 503);
      assert.equal(script.headers.get("Retry-After"), "5");

      const api = await observe(conduit.id, "busy-check");
      assert.equal(api.status, 503);
      assert.equal(api.headers.get("Retry-After"), "5");
      assert.deepEqual(await api.json(), { error: BUSY });
    });
    await holder.destroy();

    assert.deepEqual(
      {
        audit: await count("audit_event"),
        ticks: await count("checklist_tick"),
        observations: await count("observation"),
      },
      before,
      "nothing of the refused writes was written"
    );

    const page = await tick(plant, "Reviewed once the lock was let go");
    assert.equal(page.status, 302, await page.text());
    const api = await observe(conduit.id, "busy-check");
    assert.equal(api.status, 201, await api.text());
    assert.equal(await count("audit_event"), before.audit + 2, "each write with its audit event");
    const verify = await runScript("scripts/audit-verify.ts", [], { ...databaseEnv(file) });
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  });
});
