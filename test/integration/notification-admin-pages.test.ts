import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { verifyAuditChain } from "../../app/models/audit.server";
import {
  audits,
  cookie,
  getPage,
  outbox,
  pageAfter,
  person,
  plant,
  post,
  readable,
  test,
  useNotificationSite,
  type Fields,
} from "../support/notification-pages";

// The admin's notification pages through the real server: webhooks and their secrets, the outbox and sending a
// message again, and everyone else refused.

useNotificationSite();

describe("the admin's webhooks", () => {
  it("registers one, showing its secret once, never storing it in the trail", async () => {
    const response = await post(cookie.admin, "/admin/webhooks", {
      intent: "register-webhook",
      name: "OT channel",
      url: "https://hooks.example.com/ot",
      plantId: String(plant.AAA),
      kinds: ["window.soon", "sensor.silent"],
      format: "slack",
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("cache-control") ?? "", /no-store/);
    const html = readable(await response.text());
    const secret = /id="new-webhook-secret"[^>]*value="([A-Za-z0-9_-]+)"/.exec(html)?.[1];
    assert.ok(secret, "the secret is shown");
    assert.equal(Buffer.from(secret, "base64url").length, 32);
    const stored = await test.db
      .selectFrom("webhook_endpoint")
      .selectAll()
      .where("name", "=", "OT channel")
      .executeTakeFirstOrThrow();
    assert.equal(stored.secret, secret);
    assert.deepEqual(JSON.parse(stored.kinds), ["sensor.silent", "window.soon"], "in the kinds' own order");
    assert.equal(stored.plant_id, plant.AAA);
    assert.equal(stored.format, "slack");

    const again = await getPage(cookie.admin, "/admin/webhooks");
    assert.match(again.html, /OT channel/);
    assert.match(again.html, /https:\/\/hooks\.example\.com\/ot/);
    assert.doesNotMatch(again.html, new RegExp(secret), "never shown again");
    const [event] = await audits("webhook.register");
    assert.ok(event);
    assert.doesNotMatch(`${event.before_json}${event.after_json}${event.summary}`, new RegExp(secret));
    assert.equal(event.plant_id, plant.AAA);
  });

  it("refuses a bad address and no kinds next to their fields", async () => {
    const response = await post(cookie.admin, "/admin/webhooks", {
      intent: "register-webhook",
      name: "Bad",
      url: "ftp://files.example.com/x",
      plantId: "",
      format: "json",
    });
    assert.equal(response.status, 400);
    const html = readable(await response.text());
    assert.match(html, /id="register-webhook-url-error"><li>Only http:\/\/ and https:\/\/ addresses/);
    assert.match(html, /id="register-webhook-kinds-error"><li>Choose at least one kind/);
    assert.match(html, /value="ftp:\/\/files.example.com\/x"/);
    assert.equal(
      (await test.db.selectFrom("webhook_endpoint").select("id").where("name", "=", "Bad").execute()).length,
      0
    );
  });

  it("deactivates, activates, rotates the secret (shown once) and deletes, each audited", async () => {
    const hook = await test.db
      .selectFrom("webhook_endpoint")
      .selectAll()
      .where("name", "=", "OT channel")
      .executeTakeFirstOrThrow();
    const id = String(hook.id);
    let html = await pageAfter(
      cookie.admin,
      await post(cookie.admin, "/admin/webhooks", { intent: "set-webhook-active", endpointId: id, active: "0" })
    );
    assert.match(html, /The webhook is inactive/);
    assert.equal(
      (
        await test.db
          .selectFrom("webhook_endpoint")
          .select("active")
          .where("id", "=", hook.id)
          .executeTakeFirstOrThrow()
      ).active,
      0
    );
    html = await pageAfter(
      cookie.admin,
      await post(cookie.admin, "/admin/webhooks", { intent: "set-webhook-active", endpointId: id, active: "1" })
    );
    assert.match(html, /The webhook is active/);

    const rotated = await post(cookie.admin, "/admin/webhooks", { intent: "rotate-webhook-secret", endpointId: id });
    assert.equal(rotated.status, 200);
    const secret = /id="new-webhook-secret"[^>]*value="([A-Za-z0-9_-]+)"/.exec(readable(await rotated.text()))?.[1];
    assert.ok(secret && secret !== hook.secret, "a new secret, shown");
    assert.equal(
      (
        await test.db
          .selectFrom("webhook_endpoint")
          .select("secret")
          .where("id", "=", hook.id)
          .executeTakeFirstOrThrow()
      ).secret,
      secret
    );
    assert.doesNotMatch((await getPage(cookie.admin, "/admin/webhooks")).html, new RegExp(secret));

    html = await pageAfter(
      cookie.admin,
      await post(cookie.admin, "/admin/webhooks", { intent: "delete-webhook", endpointId: id })
    );
    assert.match(html, /The webhook is deleted/);
    assert.equal(
      (await test.db.selectFrom("webhook_endpoint").select("id").where("id", "=", hook.id).execute()).length,
      0
    );
    for (const action of ["webhook.deactivate", "webhook.activate", "webhook.rotate-secret", "webhook.delete"]) {
      const events = await audits(action);
      assert.equal(events.length, 1, action);
      assert.equal(events[0]!.object_id, id);
      assert.doesNotMatch(`${events[0]!.before_json}${events[0]!.after_json}`, new RegExp(secret));
    }
    assert.equal((await verifyAuditChain(test.db)).ok, true);
  });
});

describe("the admin's outbox", () => {
  it("lists messages newest first with a failed one's error, filters them, and shows one in full", async () => {
    await outbox({
      channel: "webhook",
      status: "failed",
      subject: "Window soon at AAA",
      lastError: "HTTP 502 from receiver",
      attempts: 8,
    });
    await outbox({ channel: "webhook", status: "sent", subject: "Sent webhook" });
    const { html } = await getPage(cookie.admin, "/admin/outbox");
    assert.match(html, /Window soon at AAA/);
    assert.match(html, /8 attempts: HTTP 502 from receiver/);
    assert.ok(html.indexOf("Sent webhook") < html.indexOf("Window soon at AAA"), "newest first");
    const failed = await getPage(cookie.admin, "/admin/outbox?status=failed&channel=webhook");
    assert.match(failed.html, /Window soon at AAA/);
    assert.doesNotMatch(failed.html, /Sent webhook/);
    const bad = await getPage(cookie.admin, "/admin/outbox?status=lost&page=0");
    assert.match(bad.html, /status “lost” is not a known value/);
    assert.match(bad.html, /page “0” is not a page number/);

    const id = (
      await test.db
        .selectFrom("outbox_message")
        .select("id")
        .where("subject", "=", "Window soon at AAA")
        .executeTakeFirstOrThrow()
    ).id;
    const detail = await getPage(cookie.admin, `/admin/outbox?message=${id}`);
    assert.match(detail.html, /<pre class="mail-body">Text of Window soon at AAA\nLine two\.<\/pre>/);
    assert.ok(detail.html.includes(`id="retry-shown-${id}"`), "a failed message offers sending it again");
  });

  it("sends a failed message again: pending, attempts afresh, due now, audited; only a failed one", async () => {
    const id = (
      await test.db
        .selectFrom("outbox_message")
        .select("id")
        .where("subject", "=", "Window soon at AAA")
        .executeTakeFirstOrThrow()
    ).id;
    const started = Date.now();
    const html = await pageAfter(
      cookie.admin,
      await post(cookie.admin, "/admin/outbox?status=failed", { intent: "retry-message", messageId: String(id) })
    );
    assert.match(html, /The message waits to be sent again/);
    const row = await test.db.selectFrom("outbox_message").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    assert.equal(row.status, "pending");
    assert.equal(row.attempts, 0);
    assert.ok(Date.parse(row.next_attempt_at) >= started - 1000 && Date.parse(row.next_attempt_at) <= Date.now());
    const events = await audits("outbox.retry");
    assert.equal(events.length, 1);
    assert.equal(events[0]!.object_id, String(id));
    const again = await post(cookie.admin, "/admin/outbox", { intent: "retry-message", messageId: String(id) });
    assert.equal(again.status, 409);
    assert.equal((await audits("outbox.retry")).length, 1);

    // Without a mail server a kept e-mail is read, not sent: no button, and the act is refused.
    const kept = await outbox({ channel: "email", personId: person.engA, status: "kept", subject: "Kept for later" });
    const keptPage = await getPage(cookie.admin, `/admin/outbox?message=${kept}`);
    assert.match(keptPage.html, /Kept for later/);
    assert.ok(!keptPage.html.includes(`id="retry-shown-${kept}"`), "a kept e-mail offers no sending");
    const refused = await post(cookie.admin, "/admin/outbox", { intent: "retry-message", messageId: String(kept) });
    assert.equal(refused.status, 409);
    assert.match(await refused.text(), /No mail server is set/);
    assert.equal((await audits("outbox.retry")).length, 1);
  });
});

describe("who may manage notifications", () => {
  it("refuses everyone but the admin the admin pages and their acts, changing nothing", async () => {
    const failed = await outbox({
      channel: "webhook",
      status: "failed",
      subject: "Still failed",
      lastError: "timeout",
    });
    const auditBefore = Number(
      (
        await test.db
          .selectFrom("audit_event")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n
    );
    for (const who of [cookie.lead, cookie.engA, cookie.exec]) {
      for (const target of ["/admin/webhooks", "/admin/outbox"]) {
        assert.equal((await getPage(who, target)).status, 403, target);
      }
      for (const [target, fields] of [
        [
          "/admin/webhooks",
          {
            intent: "register-webhook",
            name: "X",
            url: "https://x.example",
            plantId: "",
            kinds: ["gate.ready"],
            format: "json",
          },
        ],
        ["/admin/webhooks", { intent: "delete-webhook", endpointId: "1" }],
        ["/admin/outbox", { intent: "retry-message", messageId: String(failed) }],
      ] as const) {
        const response = await post(who, target, fields as Fields);
        assert.equal(response.status, 403, `${target} ${fields.intent}`);
        await response.arrayBuffer();
      }
    }
    const auditAfter = Number(
      (
        await test.db
          .selectFrom("audit_event")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n
    );
    assert.equal(auditAfter, auditBefore);
    assert.equal(
      (await test.db.selectFrom("outbox_message").select("status").where("id", "=", failed).executeTakeFirstOrThrow())
        .status,
      "failed"
    );
    assert.equal(
      (await test.db.selectFrom("webhook_endpoint").select("id").where("name", "=", "X").execute()).length,
      0
    );
  });
});
