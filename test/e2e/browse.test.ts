import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { TEST_PASSWORD } from "../support/people";
import { tempDir } from "../support/database";
import { startServer, type RunningServer } from "../support/server";
import { root } from "../../scripts/build";

// A person browsing the program in a real headless Chromium, against the real server.

const dir = tempDir();
const shots = path.join(root, "test-results");
let server: RunningServer;
let browser: Browser;

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  [server, browser] = await Promise.all([
    startServer({ DATABASE_PATH: path.join(dir, "tracker.db"), DEMO_PASSWORD: TEST_PASSWORD }),
    launchBrowser(),
  ]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("browsing the program", () => {
  it("goes from the plant list to a plant, sorts, filters and pages its assets", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });

    await signInInBrowser(page, server.url, "lead@demo.test", TEST_PASSWORD);
    assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "Plants", "the lead lands on the plants");
    const rows = page.locator("table.plants-table tbody tr");
    assert.equal(await rows.count(), 13);
    await page.screenshot({ path: path.join(shots, "overview.png"), fullPage: true });

    await page.getByRole("link", { name: "Blockers", exact: true }).click();
    await page.waitForURL(/sort=blockers&dir=desc/);
    await page.locator('th[aria-sort="descending"]', { hasText: "Blockers" }).waitFor();
    await settled(page);
    const counts = await page.locator("table.plants-table tbody tr td:nth-child(5)").allInnerTexts();
    const numbers = counts.map((c) => Number(c.replace(/,/g, "")));
    assert.deepEqual(
      numbers,
      [...numbers].sort((a, b) => b - a)
    );

    const biggest = page.locator("table.plants-table tbody tr").first().locator("td").first().getByRole("link");
    const code = (await biggest.innerText()).split(" ")[0]!;
    await biggest.click();
    await page.waitForURL(new RegExp(`/plants/${code}$`));
    await settled(page);
    await page.getByRole("heading", { level: 1, name: new RegExp(code) }).waitFor();
    assert.ok(await page.getByRole("heading", { name: /^Zones \(/ }).isVisible());
    assert.ok(await page.getByRole("heading", { name: /^Conduits \(/ }).isVisible());
    assert.ok(await page.getByRole("heading", { name: /^Assets \([\d,]+\)$/ }).isVisible());
    await page.screenshot({ path: path.join(shots, "plant.png"), fullPage: true });

    // The inventory is a page of its own, one link away.
    await page.getByRole("link", { name: /^The asset inventory/ }).click();
    await page.waitForURL(new RegExp(`/plants/${code}/assets$`));
    await settled(page);
    await page.getByRole("heading", { name: "Asset inventory" }).waitFor();

    await page.getByRole("combobox", { name: "Kind" }).selectOption("plc");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/kind=plc/);
    await settled(page);
    // A loaded machine can commit the filtered render a few frames after the router settles: wait for the rows to
    // change (or fail on the timeout) rather than read them at once.
    await page
      .waitForFunction(
        () => {
          const cells = [...document.querySelectorAll("#assets table tbody tr td:nth-child(2)")];
          return cells.length > 0 && cells.every((cell) => cell.textContent === "PLC");
        },
        undefined,
        { timeout: 10_000 }
      )
      .catch(() => undefined);
    const kinds = await page.locator("#assets table tbody tr td:nth-child(2)").allInnerTexts();
    assert.ok(kinds.length > 0);
    assert.ok(
      kinds.every((k) => k === "PLC"),
      kinds.join(",")
    );
    const summary = await page.locator("#assets .pager p").innerText();
    assert.match(summary, /^Showing 1–\d+ of [\d,]+ assets$/);

    const total = Number(/of ([\d,]+)/.exec(summary)![1]!.replace(/,/g, ""));
    if (total > 50) {
      await page.locator("#assets").getByRole("link", { name: "Next →" }).click();
      await page.waitForURL(/page=2/);
      await settled(page);
      assert.match(await page.locator("#assets .pager p").innerText(), /^Showing 51–/);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });

  it("works without JavaScript, and answers an unknown plant with a 404 page", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInInBrowser(page, server.url, "exec@demo.test", TEST_PASSWORD);
    await page.goto(`${server.url}/plants?sort=name`);
    const firstPlant = page.locator("table.plants-table tbody tr").first().locator("td").first().getByRole("link");
    await firstPlant.click();
    await page.waitForURL(/\/plants\/[A-Z]+$/);
    await settled(page);
    await page.getByRole("link", { name: /^The asset inventory/ }).click();
    await page.waitForURL(/\/plants\/[A-Z]+\/assets$/);
    await settled(page);
    await page.getByRole("combobox", { name: "Status" }).selectOption("confirmed");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/status=confirmed/);
    await settled(page);
    const statuses = await page.locator("#assets table tbody tr td:nth-child(10)").allInnerTexts();
    assert.ok(statuses.length > 0 && statuses.every((s) => s === "Confirmed"));

    const response = await page.goto(`${server.url}/plants/ZZZZ`);
    assert.equal(response?.status(), 404);
    assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "Not found");
    assert.ok(await page.getByRole("link", { name: "Back to your start page" }).isVisible());
    await context.close();
  });

  it("can be used from the keyboard: the skip link leads to the content", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/login`);
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement?.textContent);
    assert.equal(focused, "Skip to content");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
    await page.close();
  });
});
