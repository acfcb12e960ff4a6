import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { NOTIFICATIONS_LEASE } from "../../app/models/notification-worker.server";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { migrateToLatest } from "../../db/migrate";
import { tempDir, databaseEnv } from "../support/database";
import { insertEndpoint, insertWebhookMessage } from "../support/outbox";
import { startWebhookReceiver, type WebhookReceiver } from "../support/receivers";
import { runStart, startServer } from "../support/server";

// `npm start` delivers the outbox: every server process runs the notification worker and the lease lets one of
// them deliver at a time, so each message arrives once; NOTIFY=off runs none; a bad setting stops the start.

const SECRET = "whsec-server-test";
const dir = tempDir();
let hook: WebhookReceiver;

before(async () => {
  hook = await startWebhookReceiver(SECRET);
});

after(async () => {
  await hook.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function outboxAt(file: string): Promise<{ db: DB; endpoint: number }> {
  const db = openDatabase(file);
  await migrateToLatest(db);
  return { db, endpoint: await insertEndpoint(db, hook.url, SECRET) };
}

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the server's notification worker", () => {
  it("with two server processes, one holds the lease and every message arrives once; stopping lets it go", async () => {
    const file = path.join(dir, "cluster.db");
    const { db, endpoint } = await outboxAt(file);
    const server = await startServer({
      ...databaseEnv(file),
      WEB_CONCURRENCY: "2",
      NOTIFY_INTERVAL_MS: "1000",
      SMTP_URL: "",
    });
    try {
      const ids: number[] = [];
      const holders = new Set<string>();
      for (let n = 1; n <= 6; n++) {
        ids.push(await insertWebhookMessage(db, endpoint, hook.url, n, new Date()));
        await new Promise((resolve) => setTimeout(resolve, 400));
        const lease = await db.selectFrom("worker_lease").selectAll().executeTakeFirst();
        if (lease) holders.add(lease.holder);
      }
      await waitFor(() => ids.every((id) => hook.acknowledged().has(String(id))), 20_000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.deepEqual(
        ids.map((id) => hook.acknowledged().get(String(id))),
        ids.map(() => 1)
      );
      assert.ok(hook.posts.every((p) => p.verified));
      assert.equal(holders.size, 1, `the lease changed hands: ${[...holders].join(", ")}`);
      assert.match([...holders][0]!, /:server$/);
      // The demo's own notices give e-mails too, kept without a mail server; the posts were all sent.
      const statuses = await db
        .selectFrom("outbox_message")
        .select(["channel", "status"])
        .distinct()
        .orderBy("channel")
        .execute();
      assert.deepEqual(statuses, [
        { channel: "email", status: "kept" },
        { channel: "webhook", status: "sent" },
      ]);
    } finally {
      await server.stop();
    }
    const lease = await db.selectFrom("worker_lease").selectAll().where("name", "=", NOTIFICATIONS_LEASE).execute();
    assert.deepEqual(lease, [], "the stopped server kept the lease");
    await db.destroy();
  });

  it("with NOTIFY=off delivers nothing", async () => {
    const file = path.join(dir, "off.db");
    const { db, endpoint } = await outboxAt(file);
    const id = await insertWebhookMessage(db, endpoint, hook.url, 1, new Date());
    const server = await startServer({ ...databaseEnv(file), NOTIFY: "off", NOTIFY_INTERVAL_MS: "1000" });
    try {
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const row = await db.selectFrom("outbox_message").select("status").where("id", "=", id).executeTakeFirstOrThrow();
      assert.equal(row.status, "pending");
      assert.equal(await db.selectFrom("worker_lease").selectAll().executeTakeFirst(), undefined);
    } finally {
      await server.stop();
      await db.destroy();
    }
  });

  it("refuses to start with a malformed SMTP_URL or NOTIFY_INTERVAL_MS, in one sentence", async () => {
    const file = path.join(dir, "bad.db");
    const smtp = await runStart({ ...databaseEnv(file), SMTP_URL: "mail.example.com:25" });
    assert.notEqual(smtp.code, 0);
    assert.match(smtp.output, /SMTP_URL must start with smtp:\/\/ .* or smtps:\/\/ .*, not mail\.example\.com:\/\/\./);
    const interval = await runStart({ ...databaseEnv(file), NOTIFY_INTERVAL_MS: "fast" });
    assert.notEqual(interval.code, 0);
    assert.match(interval.output, /NOTIFY_INTERVAL_MS must be a whole number of milliseconds from 1000 to 3600000/);
  });
});
