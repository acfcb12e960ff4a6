import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { root } from "../../scripts/build";
import { launchBrowser } from "../support/browser";
import { createTestDatabase, type TestDatabase, databaseEnv } from "../support/database";
import { createPerson, TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// An admin managing accounts and API tokens in a real headless Chromium, with and without JavaScript.

const shots = path.join(root, "test-results");
const ADMIN_EMAIL = "browser.admin@accounts.test";
let test: TestDatabase;
let server: RunningServer;
let browser: Browser;

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  test = await createTestDatabase();
  const now = new Date().toISOString();
  // A plant before the server starts: it seeds nothing, so every account here is one this file made.
  await test.db
    .insertInto("plant")
    .values({
      code: "AAA",
      name: "Alder Works",
      time_zone: "America/Chicago",
      region: "Central",
      site: "Alder",
      created_at: now,
    })
    .execute();
  await createPerson(test.db, { email: ADMIN_EMAIL, role: "admin", name: "Browser Admin" });
  [server, browser] = await Promise.all([startServer({ ...databaseEnv(test.file) }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await test?.cleanup();
});

async function signIn(page: Page) {
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${server.url}/admin`);
  await page.getByRole("heading", { level: 1, name: "Accounts and API tokens" }).waitFor();
}

describe("managing accounts in the browser", () => {
  it("signs in as admin, is refused a plant engineer without plants, creates one, and sees it listed", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      // The refused form's 400 is the expected answer; Chromium logs every 4xx fetch as an error.
      if (message.type() === "error" && !/status of 400/.test(message.text())) errors.push(message.text());
    });
    await signIn(page);

    const create = page.getByRole("region", { name: "Create an account" });
    await create.getByLabel("Email").fill("new.engineer@accounts.test");
    await create.getByLabel("Name").fill("Nia Engineer");
    await create.getByLabel("Role").selectOption("plant_engineer");
    await create.getByLabel("Initial password").fill("a long enough password");
    await create.getByRole("button", { name: "Create account" }).click();
    const plantsError = create.locator("#new-plants-error");
    await plantsError.waitFor();
    assert.equal(await plantsError.innerText(), "Assign a plant engineer to at least one plant.");
    assert.equal(await create.getByLabel("Email").inputValue(), "new.engineer@accounts.test", "what was typed is kept");

    await create.getByLabel(/AAA/).check();
    await create.getByLabel("Initial password").fill("a long enough password");
    await create.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/admin#create-account$/);
    await page.locator(".confirmation", { hasText: "Account created for new.engineer@accounts.test." }).waitFor();
    const row = page.getByRole("row", { name: /new\.engineer@accounts\.test/ });
    assert.match(await row.innerText(), /Nia Engineer[\s\S]*Plant engineer[\s\S]*AAA[\s\S]*Active[\s\S]*Never/);
    assert.equal(await create.getByLabel("Email").inputValue(), "", "the form is emptied after a success");
    await page.screenshot({ path: path.join(shots, "admin.png"), fullPage: true });

    await row.getByRole("link", { name: "Edit Nia Engineer" }).click();
    await page.waitForURL(/edit=\d+#edit-account$/);
    await page.getByRole("heading", { name: /^Edit Nia Engineer/ }).waitFor();
    await page.screenshot({ path: path.join(shots, "admin-edit.png"), fullPage: true });
    assert.ok(await page.getByRole("heading", { name: /^Edit Nia Engineer/ }).isVisible(), "the edit panel opens");
    await page.getByRole("button", { name: "Deactivate account" }).click();
    await page.waitForURL(/\/admin\?edit=\d+#edit-account$/);
    await page.locator(".confirmation", { hasText: "Account deactivated." }).waitFor();
    assert.match(await page.getByRole("row", { name: /new\.engineer@accounts\.test/ }).innerText(), /Deactivated/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it("creates an API token without JavaScript and shows it once", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page);
    const form = page.getByRole("region", { name: "Create an API token" });
    await form.getByLabel("Name").fill("historian export");
    await form.getByLabel("Role").selectOption("executive");
    await form.getByRole("button", { name: "Create token" }).click();
    await page.waitForLoadState();
    const shown = page.getByRole("status").filter({ hasText: "Copy it now: it will not be shown again." });
    assert.ok(await shown.isVisible(), "the new token's notice is shown");
    const secret = await page.getByLabel("Token", { exact: true }).inputValue();
    assert.match(secret, /^stk_[A-Za-z0-9_-]{40,}$/);
    await page.screenshot({ path: path.join(shots, "admin-token.png"), fullPage: true });

    await page.goto(`${server.url}/admin`);
    assert.equal(await page.getByLabel("Token", { exact: true }).count(), 0);
    assert.ok(!(await page.content()).includes(secret), "the token is not shown again");
    const row = page.getByRole("row", { name: /historian export/ });
    assert.match(await row.innerText(), new RegExp(`${secret.slice(0, 10)}…[\\s\\S]*Executive[\\s\\S]*All plants`));
    await row.getByRole("button", { name: "Revoke token historian export" }).click();
    await page.waitForURL(/\/admin#tokens-title$/);
    assert.equal(await page.locator(".confirmation").innerText(), "API token revoked. It no longer works.");
    assert.match(await page.getByRole("row", { name: /historian export/ }).innerText(), /Revoked/);
    await context.close();
  });
});
