import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { seedDemoProgram } from "../../db/seed/demo-program";
import { migrateToLatest } from "../../db/migrate";
import { openDatabase } from "../../app/utils/db.server";
import { hashPassword } from "../../app/utils/password.server";
import { root } from "../../scripts/build";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";
import { addStuckPlant, STUCK_PLANT } from "../support/stuck-plant";

// The program lead's and the executive's day from sign-in, in a real headless Chromium, with JavaScript and
// without: the lead lands on the plant list and finds the plant stuck longest, what holds it and who must act,
// by name; the executive lands on the dashboard and reads the plants × criteria matrix.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
const shots = path.join(root, "test-results");
let server: RunningServer;
let browser: Browser;

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  const db = openDatabase(file);
  await migrateToLatest(db);
  await seedDemoProgram(db, { now: new Date(), passwordHash: await hashPassword(TEST_PASSWORD) });
  await addStuckPlant(db);
  await db.destroy();
  [server, browser] = await Promise.all([startServer({ ...databaseEnv(file) }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function signedIn(email: string, javaScriptEnabled: boolean, width: number) {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await signInInBrowser(page, server.url, email, TEST_PASSWORD);
  return { context, page, errors };
}

const pathOf = (page: Page) => new URL(page.url()).pathname;

/** Whether the page fits the screen's width (wide tables scroll inside their own box). */
const fitsWidth = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? "with JavaScript" : "without JavaScript";
  const width = javaScriptEnabled ? 1440 : 390;

  describe(`the lead's and the executive's day, ${how}`, () => {
    it("the lead lands on the plant list and finds the plant stuck longest, on what, and who must act", async () => {
      const { context, page, errors } = await signedIn("lead@demo.test", javaScriptEnabled, width);
      assert.equal(pathOf(page), "/plants", "the lead lands on the plant list");
      await page.getByRole("heading", { level: 1, name: "Plants" }).waitFor();

      await page.getByRole("link", { name: "Stuck plants, longest blocked first" }).click();
      await page.waitForURL(/sort=oldest/);
      await settled(page);
      const first = page.locator("table.plants-table tbody tr").first();
      assert.equal(await first.getAttribute("data-plant"), STUCK_PLANT.code, "the plant stuck longest comes first");
      assert.match(await first.locator("td.held-back").innerText(), new RegExp(STUCK_PLANT.title));
      assert.match(await first.locator("td.blocked-for").innerText(), new RegExp(`^${STUCK_PLANT.days} days`));
      const who = await first.locator("td.who-acts").innerText();
      assert.match(who, /Plant engineer/);
      assert.match(who, new RegExp(STUCK_PLANT.engineer), "its blocker's owner, by name");
      assert.ok(await fitsWidth(page), `the plant list fits ${width} px`);
      await page.screenshot({ path: path.join(shots, `day-lead-plants-${width}.png`), fullPage: true });

      // From the row to the plant's gates.
      await first.locator("td").first().getByRole("link").click();
      await page.waitForURL(new RegExp(`/plants/${STUCK_PLANT.code}$`));
      await settled(page);
      await page.getByRole("heading", { level: 1, name: new RegExp(STUCK_PLANT.code) }).waitFor();
      assert.deepEqual(errors, [], "no script error");
      await context.close();
    });

    it("the executive lands on the dashboard and reads the plants × criteria matrix", async () => {
      const { context, page, errors } = await signedIn("exec@demo.test", javaScriptEnabled, width);
      assert.equal(pathOf(page), "/dashboard", "the executive lands on the dashboard");
      const matrix = page.locator("table.criteria-matrix");
      await matrix.waitFor();
      const cell = matrix.locator(
        `tr[data-matrix-plant="${STUCK_PLANT.code}"] td[data-criterion="${STUCK_PLANT.criterion}"]`
      );
      assert.equal(await cell.innerText(), "Unmet", "the stuck plant's blocker reads unmet, in words");
      assert.match((await cell.getAttribute("title")) ?? "", new RegExp(STUCK_PLANT.title));
      const later = matrix.locator(`tr[data-matrix-plant="${STUCK_PLANT.code}"] td.cell-later`);
      assert.ok((await later.count()) > 0, "gates the plant has not reached read as not yet");
      assert.equal(await later.first().innerText(), "Not yet");
      const total = matrix.locator('tr[data-matrix-total="held-back"]');
      assert.match(await total.innerText(), /Plants held back/);
      const heldBack = Number(await total.locator(`td[data-criterion="${STUCK_PLANT.criterion}"]`).innerText());
      assert.ok(heldBack >= 1, "the stuck plant is counted as held back");
      assert.match(await page.locator("#matrix").innerText(), /Most plants are held back by [A-Z]{3}-[A-Z]+/);
      assert.ok(await fitsWidth(page), `the dashboard fits ${width} px`);
      await page.screenshot({ path: path.join(shots, `day-lead-matrix-${width}.png`), fullPage: true });
      await page.emulateMedia({ media: "print" });
      assert.ok(await matrix.isVisible(), "the matrix prints");
      await page.emulateMedia({ media: "screen" });
      assert.deepEqual(errors, [], "no script error");
      await context.close();
    });
  });
}
