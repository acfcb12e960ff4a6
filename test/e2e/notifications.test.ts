import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { createTestDatabase, type TestDatabase, databaseEnv } from "../support/database";
import { createPerson, TEST_PASSWORD } from "../support/people";
import { checkScreen } from "../support/screens";
import { startServer, type RunningServer } from "../support/server";

// Notifications in a real headless Chromium, on a desktop and on a phone: a plant engineer reads one, marks the
// rest read, reads an e-mail kept for them and changes their choices; the admin registers a webhook and sees its
// secret once. Notifications are inserted as the notifier writes them.

const ENGINEER = "browser.eng@notify.test";
const ADMIN = "browser.admin@notify.test";
let test: TestDatabase;
let server: RunningServer;
let browser: Browser;
let plantId: number;
let engineerId: number;

before(async () => {
  test = await createTestDatabase();
  const now = new Date().toISOString();
  ({ id: plantId } = await test.db
    .insertInto("plant")
    .values({
      code: "AAA",
      name: "Alder Works",
      time_zone: "America/Chicago",
      region: "Central",
      site: "Alder",
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow());
  engineerId = await createPerson(test.db, {
    email: ENGINEER,
    role: "plant_engineer",
    name: "Eli Engineer",
    plantIds: [plantId],
  });
  await createPerson(test.db, { email: ADMIN, role: "admin", name: "Browser Admin" });
  [server, browser] = await Promise.all([startServer({ ...databaseEnv(test.file) }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await test?.cleanup();
});

let fact = 0;
async function notify(title: string): Promise<void> {
  fact += 1;
  await test.db
    .insertInto("notification")
    .values({
      person_id: engineerId,
      kind: "gate.ready",
      plant_id: plantId,
      fact_key: `browser|${fact}`,
      title,
      body: `${title}: every criterion is met.`,
      href: "/me",
      urgent: 0,
      created_at: new Date(Date.now() - (10 - fact) * 60_000).toISOString(),
      read_at: null,
      digested_at: null,
    })
    .execute();
}

async function opened(width: number, email: string): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !/status of 400/.test(message.text())) errors.push(message.text());
  });
  await signInInBrowser(page, server.url, email, TEST_PASSWORD);
  return { page, errors, close: () => context.close() };
}

/** The header's notifications link, in the bar or in the phone's menu (whichever is shown). */
async function unreadLabel(page: Page): Promise<string | null> {
  return page.locator('a[href="/me/notifications"][aria-label]').first().getAttribute("aria-label");
}

for (const width of [1440, 390]) {
  describe(`notifications at ${width} px`, () => {
    it("reads one, marks the rest read, and reads an e-mail kept for the person", async () => {
      await test.db.deleteFrom("notification").execute();
      await test.db.deleteFrom("outbox_message").execute();
      await notify("Pass the inventory gate");
      await notify("Pass the design gate");
      await notify("Pass the monitoring gate");
      await test.db
        .insertInto("outbox_message")
        .values({
          channel: "email",
          idempotency_key: `browser-mail-${width}`,
          person_id: engineerId,
          kind: "digest",
          recipient: ENGINEER,
          subject: "Your digest: 3 things wait",
          text_body: "Good morning.\n- Pass the inventory gate",
          status: "kept",
          next_attempt_at: new Date().toISOString(),
          created_at: new Date().toISOString(),
        })
        .execute();
      const { page, errors, close } = await opened(width, ENGINEER);
      await page.goto(`${server.url}/me/notifications`);
      await settled(page);
      assert.equal(await unreadLabel(page), "Notifications, 3 unread");
      const items = page.locator(".notice-item h3");
      assert.deepEqual(await items.allInnerTexts(), [
        "Pass the monitoring gate",
        "Pass the design gate",
        "Pass the inventory gate",
      ]);

      await page.getByRole("button", { name: "Mark read “Pass the design gate”" }).click();
      await page.getByRole("status").filter({ hasText: "Marked read." }).waitFor();
      await settled(page);
      assert.equal(await unreadLabel(page), "Notifications, 2 unread");
      assert.equal(await page.locator(".notice-item.unread").count(), 2);

      await page.getByRole("button", { name: "Mark all read" }).click();
      await page.getByRole("status").filter({ hasText: "2 notifications marked read." }).waitFor();
      await settled(page);
      assert.equal(await unreadLabel(page), "Notifications, 0 unread");
      assert.equal(await page.locator(".notice-item.unread").count(), 0);
      const events = await test.db
        .selectFrom("audit_event")
        .select("action")
        .where("action", "like", "notification.read%")
        .execute();
      assert.ok(events.some((e) => e.action === "notification.read-all"));

      await page.getByText("Your digest: 3 things wait").click();
      await page.getByText("Good morning.").waitFor();
      assert.equal((await checkScreen(page, width < 500)).overflow, null);

      await page.getByRole("link", { name: "Pass the inventory gate" }).click();
      await page.waitForURL(`${server.url}/me`);
      assert.deepEqual(errors, []);
      await close();
    });

    it("changes the person's choices, and finds them kept", async () => {
      const { page, errors, close } = await opened(width, ENGINEER);
      await page.goto(`${server.url}/me/settings`);
      await settled(page);
      const form = page.locator("#notification-settings");
      await form.getByLabel("Gate ready to pass: in the app").uncheck();
      await form.getByLabel("Daily digest at").fill("06:15");
      await form.getByLabel("Time zone").selectOption("America/Chicago");
      await form.getByRole("button", { name: "Save notification settings" }).click();
      await page.getByRole("status").filter({ hasText: "Your notification choices are saved." }).waitFor();
      await settled(page);
      assert.equal(await form.getByLabel("Gate ready to pass: in the app").isChecked(), false);
      assert.equal(await form.getByLabel("Daily digest at").inputValue(), "06:15");
      assert.equal(await form.getByLabel("Time zone").inputValue(), "America/Chicago");
      assert.equal((await checkScreen(page, width < 500)).overflow, null);

      // Back to the defaults for the next width.
      await form.getByLabel("Gate ready to pass: in the app").check();
      await form.getByLabel("Daily digest at").fill("07:00");
      await form.getByLabel("Time zone").selectOption("");
      // The first save's confirmation is still on the page: wait for this post's answer instead.
      await Promise.all([
        page.waitForResponse((r) => r.url().includes("/me/settings") && r.request().method() === "POST"),
        form.getByRole("button", { name: "Save notification settings" }).click(),
      ]);
      await settled(page);
      const kept = await test.db
        .selectFrom("notification_preference")
        .select("kind")
        .where("person_id", "=", engineerId)
        .execute();
      assert.deepEqual(kept, [], "every kind on again");
      assert.deepEqual(errors, []);
      await close();
    });

    it("registers a webhook as the admin and shows its secret once", async () => {
      const { page, errors, close } = await opened(width, ADMIN);
      await page.goto(`${server.url}/admin`);
      await page.getByRole("link", { name: "webhooks" }).click();
      await page.waitForURL(`${server.url}/admin/webhooks`);
      await settled(page);
      const form = page.locator("#register-webhook");
      await form.getByLabel("Name").fill(`Channel ${width}`);
      await form.getByLabel("Address").fill("https://hooks.example.com/ot");
      await form.getByLabel("Plant").selectOption({ label: "AAA Alder Works" });
      await form.getByLabel("Format").selectOption("teams");
      await form.getByRole("button", { name: "Register webhook" }).click();
      const secret = page.getByLabel("Secret");
      await secret.waitFor();
      const value = await secret.inputValue();
      assert.match(value, /^[A-Za-z0-9_-]{43}$/);
      const row = page.locator("tr", { hasText: `Channel ${width}` });
      await row.waitFor();
      assert.equal((await checkScreen(page, width < 500)).overflow, null);

      await page.reload();
      await settled(page);
      assert.equal(await page.getByLabel("Secret").count(), 0, "not shown again");
      assert.equal((await page.content()).includes(value), false);
      assert.deepEqual(errors, []);
      await close();
    });

    it("reads a failed message in the outbox and sends it again", async () => {
      const subject = `Window soon at AAA (${width})`;
      await test.db
        .insertInto("outbox_message")
        .values({
          channel: "webhook",
          idempotency_key: `browser-failed-${width}`,
          kind: "window.soon",
          recipient: "https://hooks.example.com/ot",
          subject,
          text_body: "The window starts within 24 hours.",
          payload: '{"kind":"window.soon"}',
          status: "failed",
          attempts: 8,
          last_error: "HTTP 502 from the receiver",
          next_attempt_at: new Date().toISOString(),
          created_at: new Date().toISOString(),
        })
        .execute();
      const { page, errors, close } = await opened(width, ADMIN);
      await page.goto(`${server.url}/admin`);
      await page.getByRole("link", { name: "outbox" }).click();
      await page.waitForURL(`${server.url}/admin/outbox`);
      await settled(page);
      await page.getByLabel("Status").selectOption("failed");
      await page.getByRole("button", { name: "Filter" }).click();
      await page.waitForURL(/status=failed/);
      await settled(page);
      await page.getByText("8 attempts: HTTP 502 from the receiver").first().waitFor();
      await page.getByRole("link", { name: subject }).click();
      await page.getByRole("heading", { level: 2, name: subject }).waitFor();
      await page.getByText("The window starts within 24 hours.").waitFor();
      assert.equal((await checkScreen(page, width < 500)).overflow, null);

      await page
        .locator("#message")
        .getByRole("button", { name: /^Send again/ })
        .click();
      await page.getByRole("status").filter({ hasText: "The message waits to be sent again" }).waitFor();
      const row = await test.db
        .selectFrom("outbox_message")
        .select(["status", "attempts"])
        .where("subject", "=", subject)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: "pending", attempts: 0 });
      assert.deepEqual(errors, []);
      await close();
    });
  });
}
