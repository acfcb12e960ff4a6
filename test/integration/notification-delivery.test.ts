import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { root } from "../../scripts/build";
import { MAX_ATTEMPTS } from "../../app/domain/delivery";
import { retryOutboxMessage } from "../../app/models/notification-admin.server";
import { deliverDue } from "../../app/models/notification-delivery.server";
import { NOTIFICATIONS_LEASE, startNotificationWorker } from "../../app/models/notification-worker.server";
import { acquireLease, releaseLease } from "../../app/models/worker-lease.server";
import type { Actor } from "../../app/utils/actor";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { createMailer, messageIdFor, type Mailer } from "../../app/utils/mailer.server";
import { createTestDatabase, type TestDatabase, databaseEnv } from "../support/database";
import { startMailReceiver, startWebhookReceiver, type MailReceiver, type WebhookReceiver } from "../support/receivers";
import { insertEndpoint, insertWebhookMessage } from "../support/outbox";
import { runScript } from "../support/server";

// The outbox out, against real receivers: an SMTP server on a socket, an HTTP server checking every signature. The
// outbox's rows are the interface, so each test writes them directly and drives time by passing `now` forward.

const SECRET = "whsec-delivery-test";
const T0 = new Date("2026-12-06T10:00:00Z");
const later = (ms: number) => new Date(T0.getTime() + ms);

let test: TestDatabase;
let db: DB;

/** The admin, who alone sends a message again. */
const ADMIN: Actor = {
  kind: "person",
  personId: null,
  tokenId: null,
  name: "Admin",
  email: null,
  role: "admin",
  label: "Admin (admin)",
  assignedPlantIds: [],
  plantScope: null,
};

beforeEach(async () => {
  test = await createTestDatabase();
  db = test.db;
});

afterEach(async () => {
  await test.cleanup();
});

const addEndpoint = (url: string) => insertEndpoint(db, url, SECRET);
const addWebhook = (target: DB, endpointId: number, url: string, n: number, due = T0) =>
  insertWebhookMessage(target, endpointId, url, n, due);

async function addEmail(to: string, n: number): Promise<number> {
  const row = await db
    .insertInto("outbox_message")
    .values({
      channel: "email",
      idempotency_key: `email|${n}|digest|2026-12-06`,
      kind: "digest",
      recipient: to,
      subject: `Your tracker digest ${n}`,
      text_body: `Plain digest ${n}: 2 signoffs wait for you.`,
      html_body: `<p>HTML digest ${n}: <a href="https://tracker.example/me">2 signoffs</a> wait for you.</p>`,
      status: "pending",
      next_attempt_at: T0.toISOString(),
      created_at: T0.toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

function message(id: number, target: DB = db) {
  return target.selectFrom("outbox_message").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

describe("e-mail over SMTP", () => {
  let smtp: MailReceiver;
  let mailer: Mailer;
  before(async () => {
    smtp = await startMailReceiver();
    mailer = createMailer({ SMTP_URL: smtp.url, MAIL_FROM: "Tracker <tracker@plant.example>" })!;
  });
  after(async () => {
    mailer.close();
    await smtp.close();
  });

  it("sends each e-mail once, with its text and HTML parts, from MAIL_FROM to its recipient", async () => {
    smtp.mails.length = 0;
    const a = await addEmail("eng.kok@demo.test", 1);
    const b = await addEmail("lead@demo.test", 2);
    assert.deepEqual(await deliverDue(db, T0, { mailer }), { sent: 2, failed: 0, retried: 0, kept: 0 });
    assert.deepEqual(await deliverDue(db, later(60_000), { mailer }), { sent: 0, failed: 0, retried: 0, kept: 0 });
    assert.equal(smtp.mails.length, 2);
    for (const [id, to, n] of [[a, "eng.kok@demo.test", 1] as const, [b, "lead@demo.test", 2] as const]) {
      const mail = smtp.mails.find((m) => m.to.includes(to));
      assert.ok(mail, `no mail reached ${to}`);
      assert.equal(mail.from, "tracker@plant.example");
      assert.deepEqual(mail.to, [to]);
      assert.match(mail.raw, /^From: Tracker <tracker@plant\.example>$/m);
      assert.match(mail.raw, new RegExp(`^Subject: Your tracker digest ${n}$`, "m"));
      assert.match(mail.raw, /^Content-Type: multipart\/alternative;/m);
      assert.match(mail.raw, /^Content-Type: text\/plain/m);
      assert.match(mail.raw, /^Content-Type: text\/html/m);
      assert.ok(mail.raw.includes(`Plain digest ${n}: 2 signoffs wait for you.`));
      assert.ok(mail.raw.includes(`HTML digest ${n}:`));
      const key = `email|${n}|digest|2026-12-06`;
      assert.ok(mail.raw.includes(`Message-ID: ${messageIdFor(key, "tracker@plant.example")}`), mail.raw);
      assert.match(mail.raw, new RegExp(`^X-Tracker-Delivery: ${id}$`, "m"));
      const row = await message(id);
      assert.equal(row.status, "sent");
      assert.equal(row.attempts, 1);
      assert.ok(row.sent_at && row.sent_at >= T0.toISOString());
    }
  });

  it("without SMTP_URL keeps the e-mails in the outbox, and never sends them later by surprise", async () => {
    smtp.mails.length = 0;
    const id = await addEmail("eng.kok@demo.test", 3);
    assert.equal(createMailer({}), null);
    assert.deepEqual(await deliverDue(db, T0, { mailer: null }), { sent: 0, failed: 0, retried: 0, kept: 1 });
    assert.equal((await message(id)).status, "kept");
    assert.equal((await message(id)).attempts, 0);
    // A mail server set up later does not send what was kept…
    assert.deepEqual(await deliverDue(db, later(3_600_000), { mailer }), { sent: 0, failed: 0, retried: 0, kept: 0 });
    assert.equal(smtp.mails.length, 0);
    // …until the admin sends it again.
    await retryOutboxMessage(db, ADMIN, id, later(3_600_000));
    assert.deepEqual(await deliverDue(db, later(3_600_000), { mailer }), { sent: 1, failed: 0, retried: 0, kept: 0 });
    assert.equal(smtp.mails.length, 1);
  });

  it("retries a mail server that cannot be reached, in plain words", async () => {
    const closed = await closedPort();
    const unreachable = createMailer({ SMTP_URL: `smtp://127.0.0.1:${closed}` })!;
    const id = await addEmail("eng.kok@demo.test", 4);
    assert.deepEqual(await deliverDue(db, T0, { mailer: unreachable }), { sent: 0, failed: 0, retried: 1, kept: 0 });
    const row = await message(id);
    assert.equal(row.status, "pending");
    assert.equal(row.last_error, "connection refused");
    assert.ok(row.next_attempt_at > later(59_000).toISOString());
    unreachable.close();
  });
});

/** A port nothing listens on (connections to it are refused). */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe("webhooks", () => {
  let hook: WebhookReceiver;
  before(async () => {
    hook = await startWebhookReceiver(SECRET);
  });
  after(async () => {
    await hook.close();
  });
  beforeEach(() => {
    hook.posts.length = 0;
    hook.answer = () => 200;
  });

  it("posts the payload exactly as stored, signed, with the delivery id and the kind", async () => {
    const endpoint = await addEndpoint(hook.url);
    const id = await addWebhook(db, endpoint, hook.url, 1);
    assert.deepEqual(await deliverDue(db, T0), { sent: 1, failed: 0, retried: 0, kept: 0 });
    assert.equal(hook.posts.length, 1);
    const [post] = hook.posts;
    assert.equal(post!.verified, true, post!.reason ?? "");
    assert.equal(post!.deliveryId, String(id));
    assert.equal(post!.event, "gate.ready");
    assert.equal(post!.body, (await message(id)).payload);
    assert.equal((await message(id)).status, "sent");
  });

  it("a receiver that fails twice then recovers gets every message exactly once", async () => {
    const endpoint = await addEndpoint(hook.url);
    const ids = [];
    for (let n = 1; n <= 4; n++) ids.push(await addWebhook(db, endpoint, hook.url, n));
    hook.answer = (post, earlier) => (earlier.filter((p) => p.deliveryId === post.deliveryId).length < 2 ? 503 : 200);

    assert.deepEqual(await deliverDue(db, T0), { sent: 0, failed: 0, retried: 4, kept: 0 });
    for (const id of ids) {
      const row = await message(id);
      assert.equal(row.status, "pending");
      assert.equal(row.last_error, "HTTP 503: down for maintenance");
    }
    // Nothing is due before its backoff (1 min after the first attempt) has passed.
    assert.deepEqual(await deliverDue(db, later(30_000)), { sent: 0, failed: 0, retried: 0, kept: 0 });
    assert.deepEqual(await deliverDue(db, later(70_000)), { sent: 0, failed: 0, retried: 4, kept: 0 });
    // The second retry waits 5 minutes.
    assert.deepEqual(await deliverDue(db, later(70_000 + 240_000)), { sent: 0, failed: 0, retried: 0, kept: 0 });
    assert.deepEqual(await deliverDue(db, later(70_000 + 310_000)), { sent: 4, failed: 0, retried: 0, kept: 0 });
    assert.deepEqual(await deliverDue(db, later(86_400_000)), { sent: 0, failed: 0, retried: 0, kept: 0 });

    assert.equal(hook.posts.length, 12);
    assert.ok(hook.posts.every((p) => p.verified));
    assert.deepEqual(
      [...hook.acknowledged()].sort(),
      ids.map((id) => [String(id), 1])
    );
    for (const id of ids) {
      const row = await message(id);
      assert.equal(row.status, "sent");
      assert.equal(row.attempts, 3);
      assert.equal(row.last_error, null);
    }
  });

  it("marks a message failed with its error after the last attempt, and the admin's retry sends it again", async () => {
    const endpoint = await addEndpoint(hook.url);
    const id = await addWebhook(db, endpoint, hook.url, 1);
    hook.answer = () => 503;
    let now = T0;
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      assert.deepEqual(await deliverDue(db, now), { sent: 0, failed: 0, retried: 1, kept: 0 });
      now = new Date(Date.parse((await message(id)).next_attempt_at) + 1000);
    }
    assert.deepEqual(await deliverDue(db, now), { sent: 0, failed: 1, retried: 0, kept: 0 });
    const failed = await message(id);
    assert.equal(failed.status, "failed");
    assert.equal(failed.attempts, MAX_ATTEMPTS);
    assert.equal(failed.last_error, "HTTP 503: down for maintenance");
    assert.equal(hook.posts.length, MAX_ATTEMPTS);
    // A failed message stays failed.
    assert.deepEqual(await deliverDue(db, later(30 * 86_400_000)), { sent: 0, failed: 0, retried: 0, kept: 0 });

    await retryOutboxMessage(db, ADMIN, id, now);
    const audit = await db.selectFrom("audit_event").selectAll().where("action", "=", "outbox.retry").execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.object_id, String(id));
    assert.match(audit[0]!.summary, /again \(it was failed: HTTP 503: down for maintenance\)/);
    await assert.rejects(retryOutboxMessage(db, ADMIN, id, now), {
      status: 409,
      message: "That message is pending: only a failed or kept message can be sent again.",
    });
    await assert.rejects(retryOutboxMessage(db, ADMIN, 9999, now), { status: 404 });
    hook.answer = () => 200;
    assert.deepEqual(await deliverDue(db, now), { sent: 1, failed: 0, retried: 0, kept: 0 });
    assert.equal((await message(id)).status, "sent");
    assert.deepEqual([...hook.acknowledged()], [[String(id), 1]]);
  });

  it("keeps refusals, timeouts and redirects in plain words, reading no more than 64 KiB of an answer", async () => {
    const closed = `http://127.0.0.1:${await closedPort()}/hook`;
    const refused = await addWebhook(db, await addEndpoint(closed), closed, 1);
    const slowEndpoint = await addEndpoint(hook.url);
    const slow = await addWebhook(db, slowEndpoint, hook.url, 2);
    hook.answer = () => "hold";
    assert.deepEqual(await deliverDue(db, T0, { timeoutMs: 300 }), { sent: 0, failed: 0, retried: 2, kept: 0 });
    assert.equal((await message(refused)).last_error, "connection refused");
    assert.equal((await message(slow)).last_error, "timed out after 300 ms");

    // An answer that never ends: read up to 64 KiB, then the connection is dropped and the status kept.
    const endless = await startEndlessReceiver();
    try {
      const flood = await addWebhook(db, await addEndpoint(endless.url), endless.url, 4);
      const started = Date.now();
      assert.deepEqual(await deliverDue(db, T0), { sent: 0, failed: 0, retried: 1, kept: 0 });
      assert.ok(Date.now() - started < 5000, "the answer was read on and on");
      assert.equal((await message(flood)).last_error, `HTTP 503: ${"x".repeat(120)}`);
      assert.ok(endless.written() >= 64 * 1024, `only ${endless.written()} bytes were written`);
    } finally {
      await endless.close();
    }

    const redirect = await startRedirectingReceiver();
    try {
      const moved = await addWebhook(db, await addEndpoint(redirect.url), redirect.url, 3);
      assert.deepEqual(await deliverDue(db, T0), { sent: 0, failed: 0, retried: 1, kept: 0 });
      assert.equal((await message(moved)).last_error, "HTTP 302 (redirects are not followed): moved");
      assert.equal(redirect.followed(), 0);
    } finally {
      await redirect.close();
    }
  });

  it("delivers in small batches, asking before each further batch whether to go on (the lease renewed)", async () => {
    const endpoint = await addEndpoint(hook.url);
    for (let n = 1; n <= 5; n++) await addWebhook(db, endpoint, hook.url, n);
    let asked = 0;
    const keepGoing = async () => ++asked < 2;
    assert.deepEqual(await deliverDue(db, T0, { batchSize: 2, keepGoing }), {
      sent: 4,
      failed: 0,
      retried: 0,
      kept: 0,
    });
    assert.equal(asked, 2);
    assert.equal(hook.posts.length, 4);
    assert.deepEqual(await deliverDue(db, T0, { batchSize: 2, limit: 3 }), { sent: 1, failed: 0, retried: 0, kept: 0 });
    assert.equal(hook.acknowledged().size, 5);
  });

  it("leases the work to one holder at a time: taken when free, expired or its own", async () => {
    assert.equal(await acquireLease(db, NOTIFICATIONS_LEASE, "a", 10_000, T0), true);
    assert.equal(await acquireLease(db, NOTIFICATIONS_LEASE, "b", 10_000, later(5_000)), false);
    assert.equal(await acquireLease(db, NOTIFICATIONS_LEASE, "a", 10_000, later(5_000)), true);
    assert.equal(await acquireLease(db, NOTIFICATIONS_LEASE, "b", 10_000, later(14_000)), false);
    assert.equal(await acquireLease(db, NOTIFICATIONS_LEASE, "b", 10_000, later(15_000)), true);
    assert.equal(await acquireLease(db, NOTIFICATIONS_LEASE, "a", 10_000, later(16_000)), false);
    await releaseLease(db, NOTIFICATIONS_LEASE, "a");
    assert.equal(await acquireLease(db, NOTIFICATIONS_LEASE, "a", 10_000, later(16_000)), false);
    await releaseLease(db, NOTIFICATIONS_LEASE, "b");
    assert.equal(await acquireLease(db, NOTIFICATIONS_LEASE, "a", 10_000, later(16_000)), true);
  });

  it("two workers on the same database file: only the lease's holder delivers, each message once", async () => {
    const endpoint = await addEndpoint(hook.url);
    const other = openDatabase(test.file);
    const sentBy = { a: 0, b: 0 };
    const passes = { a: 0, b: 0 };
    const worker = (name: "a" | "b", on: DB) =>
      startNotificationWorker({
        db: on,
        pass: async () => {
          passes[name] += 1;
        },
        intervalMs: 200,
        holder: `worker-${name}`,
        onPass: (counts) => (sentBy[name] += counts.sent),
      });
    const a = worker("a", db);
    const b = worker("b", other);
    try {
      const ids = [];
      for (let n = 1; n <= 6; n++) {
        ids.push(await addWebhook(n % 2 ? db : other, endpoint, hook.url, n, new Date()));
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      await waitFor(async () => hook.acknowledged().size === ids.length, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(
        [...hook.acknowledged()].sort(),
        ids.map((id) => [String(id), 1])
      );
      assert.equal(hook.posts.length, ids.length);
      // One of them ran every pass and delivered everything; the other never got the lease.
      assert.deepEqual([sentBy.a, sentBy.b].sort(), [0, ids.length]);
      assert.ok(passes.a === 0 || passes.b === 0, `both ran the notifier's pass: ${JSON.stringify(passes)}`);
    } finally {
      await a.stop();
      await b.stop();
      await other.destroy();
    }
    assert.equal((await db.selectFrom("worker_lease").selectAll().execute()).length, 0);
  });
});

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** An HTTP server that answers every post with a redirect, and counts the requests to where it points. */
async function startRedirectingReceiver() {
  const { createServer } = await import("node:http");
  let followed = 0;
  const server = createServer((request, response) => {
    request.resume();
    if (request.url === "/moved") {
      followed += 1;
      response.end("ok");
      return;
    }
    response.writeHead(302, { Location: "/moved" });
    response.end("moved");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hook`,
    followed: () => followed,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An HTTP server that answers 503 with a body that never ends, counting the bytes it managed to write. */
async function startEndlessReceiver() {
  const { createServer } = await import("node:http");
  let written = 0;
  const server = createServer((request, response) => {
    request.resume();
    response.writeHead(503, { "Content-Type": "text/plain" });
    const chunk = Buffer.alloc(16 * 1024, "x");
    const pump = () => {
      while (!response.destroyed) {
        written += chunk.length;
        if (!response.write(chunk)) break;
      }
      if (!response.destroyed) response.once("drain", pump);
    };
    response.on("close", () => response.removeAllListeners("drain"));
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hook`,
    written: () => written,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `npm run notify` (the worker, until stopped) as a child process, with its output kept. */
function startNotifyScript(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/notify.ts")], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal }))
  );
  return { child, exited, output: () => output };
}

describe("npm run notify", () => {
  it("runs the worker until SIGTERM, then lets the lease go and exits cleanly", async () => {
    const hook = await startWebhookReceiver(SECRET);
    const worker = startNotifyScript({ ...databaseEnv(test.file), SMTP_URL: "", NOTIFY_INTERVAL_MS: "1000" });
    try {
      await waitFor(() => /runs every 1 s until stopped/.test(worker.output()), 30_000);
      const id = await addWebhook(db, await addEndpoint(hook.url), hook.url, 1, new Date());
      await waitFor(() => hook.acknowledged().has(String(id)), 10_000);
      assert.equal(
        (await db.selectFrom("worker_lease").select("holder").executeTakeFirstOrThrow()).holder.endsWith(":notify"),
        true
      );
      worker.child.kill("SIGTERM");
      assert.deepEqual(await worker.exited, { code: 0, signal: null });
      assert.equal(await db.selectFrom("worker_lease").selectAll().executeTakeFirst(), undefined);
      assert.match(worker.output(), /Notifications: 1 sent, 0 to retry, 0 failed, 0 kept\./);
    } finally {
      worker.child.kill("SIGKILL");
      await hook.close();
    }
  });

  it("sends again only the message in flight, under the same delivery id; nothing acknowledged arrives twice", async () => {
    const hook = await startWebhookReceiver(SECRET);
    try {
      const endpoint = await addEndpoint(hook.url);
      const ids = [];
      for (let n = 1; n <= 4; n++) ids.push(await addWebhook(db, endpoint, hook.url, n, new Date()));
      const inFlight = String(ids[2]);
      // The receiver takes every post but holds the third one's connection open, as a slow receiver would.
      hook.answer = (post) => (post.deliveryId === inFlight ? "hold" : 200);

      const env = { ...databaseEnv(test.file), SMTP_URL: "", NOTIFY_INTERVAL_MS: "1000" };
      const worker = startNotifyScript(env);
      try {
        await waitFor(async () => {
          const rows = await db.selectFrom("outbox_message").select(["id", "status"]).execute();
          const others = rows.filter((r) => String(r.id) !== inFlight);
          return hook.posts.some((p) => p.deliveryId === inFlight) && others.every((r) => r.status === "sent");
        }, 60_000);
      } catch (error) {
        worker.child.kill("SIGKILL");
        throw new Error(`${String(error)}\n${worker.output()}`);
      }
      worker.child.kill("SIGKILL");
      assert.equal((await worker.exited).signal, "SIGKILL");

      const claimed = await message(ids[2]!);
      assert.equal(claimed.status, "sending");
      assert.ok(claimed.claimed_until);
      const acknowledgedBefore = [...hook.acknowledged().keys()].sort();
      assert.deepEqual(acknowledgedBefore, [ids[0], ids[1], ids[3]].map(String).sort());

      // Restarted before the claim runs out, nothing is sent: the message may still be on its way.
      hook.answer = () => 200;
      const early = await runScript("scripts/notify.ts", ["--once"], env);
      assert.equal(early.status, 0, early.stderr);
      assert.match(early.stdout, /Notifications: 0 sent, 0 to retry, 0 failed, 0 kept\./);
      assert.equal(hook.posts.length, 4);

      // Once the claim has run out, the message in flight is sent again, with the same delivery id.
      const after = new Date(Date.parse(claimed.claimed_until) + 1000).toISOString();
      const run = await runScript("scripts/notify.ts", ["--once", "--at", after], env);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /Notifications: 1 sent, 0 to retry, 0 failed, 0 kept\./);

      assert.deepEqual([...hook.acknowledged()].sort(), ids.map((id) => [String(id), 1]).sort());
      const again = hook.posts.filter((p) => p.deliveryId === inFlight);
      assert.equal(again.length, 2);
      assert.equal(again[0]!.body, again[1]!.body);
      assert.ok(hook.posts.every((p) => p.verified));
      for (const id of ids) assert.equal((await message(id)).status, "sent");
      assert.equal((await message(ids[2]!)).attempts, 2);
    } finally {
      await hook.close();
    }
  });
});
