import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { verifyAuditChain } from "../../app/models/audit.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { createPerson, signInOverHttp } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// The notification pages through the real server over HTTP, as a browser without JavaScript uses them, against a
// real SQLite file. Notifications and outbox messages are inserted as the notifier writes them (those tables are the
// interface between it and these pages). Two plants are inserted before the server starts, so it seeds nothing.

let test: TestDatabase;
let server: RunningServer;
const plant: Record<"AAA" | "BBB", number> = { AAA: 0, BBB: 0 };
const person = { engA: 0, engB: 0, lead: 0, exec: 0, admin: 0 };
const cookie = { engA: "", engB: "", lead: "", exec: "", admin: "" };

type Fields = Record<string, string | string[]>;

let factSeq = 0;
async function notify(
  personId: number,
  input: { title: string; plantId?: number | null; kind?: string; createdAt?: string; read?: boolean }
): Promise<number> {
  factSeq += 1;
  const { id } = await test.db
    .insertInto("notification")
    .values({
      person_id: personId,
      kind: input.kind ?? "signoff.needed",
      plant_id: input.plantId ?? null,
      fact_key: `test|${factSeq}`,
      title: input.title,
      body: `Body of ${input.title}.`,
      href: "/plants/AAA#signoffs",
      urgent: 0,
      created_at: input.createdAt ?? new Date(Date.UTC(2026, 11, 1, 8, factSeq)).toISOString(),
      read_at: input.read ? new Date().toISOString() : null,
      digested_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

async function outbox(input: {
  channel: "email" | "webhook";
  personId?: number | null;
  status: "pending" | "sending" | "sent" | "failed" | "kept";
  subject: string;
  lastError?: string;
  attempts?: number;
}): Promise<number> {
  factSeq += 1;
  const now = new Date().toISOString();
  const { id } = await test.db
    .insertInto("outbox_message")
    .values({
      channel: input.channel,
      idempotency_key: `test|${factSeq}`,
      person_id: input.personId ?? null,
      endpoint_id: null,
      notification_id: null,
      kind: "digest",
      recipient: input.channel === "email" ? "someone@pages.test" : "https://hooks.example/x",
      subject: input.subject,
      text_body: `Text of ${input.subject}\nLine two.`,
      html_body: null,
      payload: null,
      status: input.status,
      attempts: input.attempts ?? 0,
      next_attempt_at: now,
      claimed_until: null,
      last_error: input.lastError ?? null,
      created_at: now,
      sent_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

before(async () => {
  test = await createTestDatabase();
  const now = new Date().toISOString();
  for (const [code, name, zone] of [
    ["AAA", "Alder Works", "America/Phoenix"],
    ["BBB", "Birch Assembly", "Europe/Berlin"],
  ] as const) {
    const { id } = await test.db
      .insertInto("plant")
      .values({ code, name, time_zone: zone, region: "West", site: name, created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    plant[code] = id;
  }
  person.engA = await createPerson(test.db, {
    email: "eng.a@pages.test",
    role: "plant_engineer",
    plantIds: [plant.AAA],
  });
  person.engB = await createPerson(test.db, {
    email: "eng.b@pages.test",
    role: "plant_engineer",
    plantIds: [plant.BBB],
  });
  person.lead = await createPerson(test.db, { email: "lead@pages.test", role: "program_lead" });
  person.exec = await createPerson(test.db, { email: "exec@pages.test", role: "executive" });
  person.admin = await createPerson(test.db, { email: "admin@pages.test", role: "admin" });
  server = await startServer({ DATABASE_PATH: test.file });
  for (const [key, email] of [
    ["engA", "eng.a@pages.test"],
    ["engB", "eng.b@pages.test"],
    ["lead", "lead@pages.test"],
    ["exec", "exec@pages.test"],
    ["admin", "admin@pages.test"],
  ] as const) {
    cookie[key] = await signInOverHttp(server.url, email);
  }
});

after(async () => {
  await server?.stop();
  const { closeDb } = await import("../../app/utils/db.server");
  await closeDb();
  await test?.cleanup();
});

/** The page's text as a reader gets it: entities decoded, React's text separators gone. */
function readable(html: string): string {
  return html
    .replace(/<!-- -->/g, "")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

async function getPage(who: string, target: string): Promise<{ status: number; html: string }> {
  const response = await fetch(`${server.url}${target}`, { headers: { Cookie: who }, redirect: "manual" });
  return { status: response.status, html: readable(await response.text()) };
}

function post(who: string, target: string, fields: Fields) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
  }
  return fetch(`${server.url}${target}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url, Cookie: who },
    body,
    redirect: "manual",
  });
}

/** The page a successful act redirects to, read with the confirmation cookie it was given. */
async function pageAfter(who: string, response: Response): Promise<string> {
  assert.equal(response.status, 302, `the act went through (${response.status})`);
  await response.arrayBuffer();
  const flash = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const page = await getPage(`${who}; ${flash}`, response.headers.get("location") ?? "");
  assert.equal(page.status, 200);
  return page.html;
}

async function audits(action: string) {
  return test.db.selectFrom("audit_event").selectAll().where("action", "=", action).orderBy("seq").execute();
}

function unreadLabel(html: string): string | null {
  return /aria-label="(Notifications, \d+ unread)"/.exec(html)?.[1] ?? null;
}

describe("a person's notifications", () => {
  it("lists only the person's own, never about a plant they may not read, nor of a kind they turned off", async () => {
    const mine = await notify(person.engA, { title: "Sign conduit A-1", plantId: plant.AAA });
    await notify(person.engA, { title: "Program-wide note" });
    await notify(person.engA, { title: "About Birch, not readable", plantId: plant.BBB });
    await notify(person.engA, { title: "A turned-off kind", kind: "gate.overdue", plantId: plant.AAA });
    await test.db
      .insertInto("notification_preference")
      .values({ person_id: person.engA, kind: "gate.overdue", channel: "app", enabled: 0 })
      .execute();
    await notify(person.engB, { title: "Birch's own", plantId: plant.BBB });

    const page = await getPage(cookie.engA, "/me/notifications");
    assert.equal(page.status, 200);
    assert.match(page.html, /Sign conduit A-1/);
    assert.match(page.html, /Program-wide note/);
    assert.match(page.html, /Signoff needed/, "the kind's label");
    assert.match(page.html, /href="\/plants\/AAA#signoffs"/, "a link to where the work is done");
    assert.match(page.html, /MST/, "AAA's time in its own zone");
    assert.doesNotMatch(page.html, /About Birch/);
    assert.doesNotMatch(page.html, /A turned-off kind/);
    assert.doesNotMatch(page.html, /Birch's own/);
    assert.match(page.html, new RegExp(`data-notification="${mine}"`));
    assert.equal(unreadLabel(page.html), "Notifications, 2 unread", "the header counts what the list shows");

    const other = await getPage(cookie.engB, "/me/notifications");
    assert.match(other.html, /Birch's own/);
    assert.doesNotMatch(other.html, /Sign conduit A-1/);
    assert.equal(unreadLabel(other.html), "Notifications, 1 unread");
  });

  it("pages and filters the list, refusing a malformed page with a notice", async () => {
    const page = await getPage(cookie.engA, "/me/notifications?show=unread&page=abc");
    assert.equal(page.status, 200);
    assert.match(page.html, /page “abc” is not a page number/);
    assert.match(page.html, /Unread notifications \(2\)/);
    const bad = await getPage(cookie.engA, "/me/notifications?show=nonsense");
    assert.match(bad.html, /show “nonsense” is not a known value/);
  });

  it("gives the link to an executive only once told something, and never to the admin", async () => {
    assert.equal(unreadLabel((await getPage(cookie.exec, "/dashboard")).html), null);
    await notify(person.exec, { title: "Gate overdue at Alder", kind: "gate.overdue", plantId: plant.AAA });
    assert.equal(unreadLabel((await getPage(cookie.exec, "/dashboard")).html), "Notifications, 1 unread");
    assert.equal(unreadLabel((await getPage(cookie.lead, "/plants")).html), "Notifications, 0 unread");
    assert.equal(unreadLabel((await getPage(cookie.admin, "/admin")).html), null);
    assert.equal((await getPage(cookie.admin, "/me/notifications")).status, 403);
  });

  it("marks one read (audited), and refuses another person's notification without changing it", async () => {
    const mine = await notify(person.engA, { title: "Read me", plantId: plant.AAA });
    const theirs = await notify(person.engB, { title: "Not yours", plantId: plant.BBB });
    const before = (await audits("notification.read")).length;

    const refused = await post(cookie.engA, "/me/notifications", {
      intent: "mark-read",
      notificationId: String(theirs),
    });
    assert.equal(refused.status, 404);
    await refused.arrayBuffer();
    const untouched = await test.db
      .selectFrom("notification")
      .select("read_at")
      .where("id", "=", theirs)
      .executeTakeFirstOrThrow();
    assert.equal(untouched.read_at, null);

    const html = await pageAfter(
      cookie.engA,
      await post(cookie.engA, "/me/notifications", { intent: "mark-read", notificationId: String(mine) })
    );
    assert.match(html, /Marked read\./);
    const row = await test.db
      .selectFrom("notification")
      .select("read_at")
      .where("id", "=", mine)
      .executeTakeFirstOrThrow();
    assert.ok(row.read_at, "read");
    const events = await audits("notification.read");
    assert.equal(events.length, before + 1, "one audit event");
    assert.equal(events.at(-1)!.object_id, String(mine));
    assert.equal(events.at(-1)!.plant_id, null);

    const again = await post(cookie.engA, "/me/notifications", { intent: "mark-read", notificationId: String(mine) });
    assert.equal(again.status, 409, "already read");
  });

  it("marks all read in one audited act", async () => {
    await notify(person.engA, { title: "One more", plantId: plant.AAA });
    const hidden = await notify(person.engA, { title: "About Birch again", plantId: plant.BBB });
    const unread = await test.db
      .selectFrom("notification")
      .select("id")
      .where("person_id", "=", person.engA)
      .where("read_at", "is", null)
      .where((eb) => eb.or([eb("plant_id", "is", null), eb("plant_id", "=", plant.AAA)]))
      .where("kind", "!=", "gate.overdue")
      .execute();
    assert.ok(unread.length >= 2);
    const html = await pageAfter(
      cookie.engA,
      await post(cookie.engA, "/me/notifications", { intent: "mark-all-read" })
    );
    assert.match(html, new RegExp(`${unread.length} notifications marked read`));
    assert.equal(unreadLabel(html), "Notifications, 0 unread");
    const events = await audits("notification.read-all");
    assert.equal(events.length, 1);
    assert.deepEqual(JSON.parse(events[0]!.after_json!), { count: unread.length });
    const stillHidden = await test.db
      .selectFrom("notification")
      .select("read_at")
      .where("id", "=", hidden)
      .executeTakeFirstOrThrow();
    assert.equal(stillHidden.read_at, null, "what the list does not show is not touched");
    const nothing = await post(cookie.engA, "/me/notifications", { intent: "mark-all-read" });
    assert.equal(nothing.status, 409);
  });

  it("shows the e-mails the outbox kept for the person, and only theirs", async () => {
    await outbox({ channel: "email", personId: person.engA, status: "kept", subject: "Your digest for 1 Dec" });
    await outbox({ channel: "email", personId: person.engA, status: "sent", subject: "A sent one" });
    await outbox({ channel: "email", personId: person.engB, status: "kept", subject: "Birch's digest" });
    const { html } = await getPage(cookie.engA, "/me/notifications");
    assert.match(html, /E-mails kept for you \(1\)/);
    assert.match(html, /Your digest for 1 Dec/);
    assert.match(html, /<pre class="mail-body">Text of Your digest for 1 Dec\nLine two\.<\/pre>/);
    assert.doesNotMatch(html, /A sent one/);
    assert.doesNotMatch(html, /Birch's digest/);
  });
});

describe("a person's notification settings", () => {
  it("saves kinds per channel, the digest time and the zone, audited with before and after", async () => {
    const page = await getPage(cookie.engB, "/me/settings");
    assert.equal(page.status, 200);
    assert.match(page.html, /Signoff gone stale/);
    assert.match(page.html, /<option value="Europe\/Berlin">/);
    assert.match(page.html, /name="signoff.needed\|app" checked=""/);

    const fields: Fields = { intent: "save-notification-preferences", digestTime: "06:30", timeZone: "Europe/Berlin" };
    for (const kind of ["signoff.needed", "gate.ready"]) fields[`${kind}|app`] = "on";
    fields["window.soon|email"] = "on";
    const html = await pageAfter(cookie.engB, await post(cookie.engB, "/me/settings", fields));
    assert.match(html, /Your notification choices are saved\./);
    assert.match(html, /value="06:30"/);
    assert.match(html, /name="window.soon\|email" checked=""/);
    assert.doesNotMatch(html, /name="window.soon\|app" checked=""/);

    const stored = await test.db
      .selectFrom("person")
      .select(["digest_time", "time_zone"])
      .where("id", "=", person.engB)
      .executeTakeFirstOrThrow();
    assert.deepEqual(stored, { digest_time: "06:30", time_zone: "Europe/Berlin" });
    const off = await test.db
      .selectFrom("notification_preference")
      .selectAll()
      .where("person_id", "=", person.engB)
      .execute();
    assert.equal(off.length, 24 - 3, "every choice turned off is stored, none that is on");
    assert.ok(off.every((row) => row.enabled === 0));
    const [event, ...more] = await audits("notification.preferences");
    assert.equal(more.length, 0);
    assert.equal(JSON.parse(event!.before_json!).digestTime, "07:00");
    assert.equal(JSON.parse(event!.after_json!).digestTime, "06:30");
    assert.equal(JSON.parse(event!.after_json!).off.length, 21);

    // What was turned off for the app is no longer listed.
    await notify(person.engB, { title: "Triage at Birch", kind: "triage.staged", plantId: plant.BBB });
    assert.doesNotMatch((await getPage(cookie.engB, "/me/notifications")).html, /Triage at Birch/);
  });

  it("refuses a bad digest time and an unknown zone next to their fields, changing nothing", async () => {
    const auditBefore = (await audits("notification.preferences")).length;
    const response = await post(cookie.engB, "/me/settings", {
      intent: "save-notification-preferences",
      digestTime: "25:99",
      timeZone: "Mars/Olympus",
    });
    assert.equal(response.status, 400);
    const html = readable(await response.text());
    assert.match(
      html,
      /id="notification-settings-digestTime"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="notification-settings-digestTime"/
    );
    assert.match(
      html,
      /<ul class="field-error" id="notification-settings-digestTime-error"><li>Write the time as HH:MM/
    );
    assert.match(html, /<ul class="field-error" id="notification-settings-timeZone-error"><li>Choose a time zone/);
    assert.match(html, /value="25:99"/, "what was typed is shown again");
    assert.equal((await audits("notification.preferences")).length, auditBefore);
    const stored = await test.db
      .selectFrom("person")
      .select("digest_time")
      .where("id", "=", person.engB)
      .executeTakeFirstOrThrow();
    assert.equal(stored.digest_time, "06:30");
  });
});

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
