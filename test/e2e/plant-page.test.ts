import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { openDatabase } from "../../app/utils/db.server";
import { root } from "../../scripts/build";
import { tempDir, databaseEnv } from "../support/database";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// The plant page of the demo plant with the most assets before its last phase, in a real headless Chromium: how
// tall it is, that its section index lands on every section (with and without JavaScript), and that the current gate's
// unmet criteria come first with their forms in view. Before the page was made short it was 10,300 px tall at
// 1440 px wide and 17,900 px on a phone; the heights measured now are written to the test's output.

const dir = tempDir();
const shots = path.join(root, "test-results");
const SECTIONS = ["phases", "gates", "ownership", "zones", "evidence", "assets", "windows", "history", "scorecard"];
let server: RunningServer;
let browser: Browser;
let code: string;

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  const file = path.join(dir, "tracker.db");
  [server, browser] = await Promise.all([
    startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD }),
    launchBrowser(),
  ]);
  const db = openDatabase(file);
  const largest = await db
    .selectFrom("plant as p")
    .innerJoin("asset as a", "a.plant_id", "p.id")
    .select(["p.code", (eb) => eb.fn.countAll<number>().as("assets")])
    // A plant before its last phase, so that its current gate still has unmet criteria (a live plant has none).
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("gate_pass as g")
            .select("g.id")
            .whereRef("g.plant_id", "=", "p.id")
            .where("g.phase", "in", ["baseline", "alerting"])
        )
      )
    )
    .groupBy("p.id")
    .orderBy("assets", "desc")
    .executeTakeFirstOrThrow();
  await db.destroy();
  code = largest.code;
});

after(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function openPlant(width: number, height: number, javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, javaScriptEnabled });
  const page = await context.newPage();
  await signInInBrowser(page, server.url, "lead@demo.test", TEST_PASSWORD);
  await page.goto(`${server.url}/plants/${code}`);
  await settled(page);
  return page;
}

/** Where a section is in the window after following its anchor: its top, and whether the page could scroll further. */
async function landing(page: Page, id: string) {
  return page.evaluate((target) => {
    const element = document.getElementById(target)!;
    const { top, bottom } = element.getBoundingClientRect();
    const atEnd = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
    return { top, bottom, atEnd, hash: location.hash, innerHeight: window.innerHeight };
  }, id);
}

function assertLanded(where: Awaited<ReturnType<typeof landing>>, id: string) {
  assert.equal(where.hash, `#${id}`, `the address names #${id}`);
  assert.ok(where.top >= -1 && where.top < where.innerHeight, `#${id} is in view (top ${where.top})`);
  // The section starts at the top of the window, below the index bar, unless the page ends before it can.
  assert.ok(where.top <= 120 || where.atEnd, `#${id} starts near the top of the window (top ${where.top})`);
}

describe("the plant page of the largest demo plant", () => {
  it("is under 4,200 px tall at 1440 px wide, and its index lands on every section", async (t) => {
    const page = await openPlant(1440, 900);
    await page.locator("#baseline .chart-box canvas").waitFor();
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    t.diagnostic(`${code}: ${height} px tall at 1440 px wide (10,300 px before)`);
    await page.screenshot({ path: path.join(shots, "plant-page-1440.png"), fullPage: true });
    // 4,000 before the scorecard's section and the link to the plant's stops came (folded, they add about 130 px).
    assert.ok(height < 4200, `the plant page is ${height} px tall at 1440 px wide`);

    const index = page.getByRole("navigation", { name: "Sections of this plant" });
    assert.deepEqual(
      await index.getByRole("link").evaluateAll((links) => links.map((a) => a.getAttribute("href"))),
      SECTIONS.map((id) => `#${id}`),
      "the index links to every section, in page order"
    );
    for (const id of [...SECTIONS].reverse()) {
      await index.locator(`a[href="#${id}"]`).click();
      await page.waitForFunction((target) => location.hash === `#${target}`, id);
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      assertLanded(await landing(page, id), id);
      // The index stays in reach wherever the page is.
      assert.ok(await index.isVisible(), `the index is in view at #${id}`);
      const bar = await index.boundingBox();
      assert.ok(bar && bar.y >= -1 && bar.y < 10, `the index stays at the top of the window at #${id}`);
    }
    await page.context().close();
  });

  it("opens the current gate with its unmet criteria first, their forms in view", async () => {
    const page = await openPlant(1440, 900);
    const current = page.locator("#gates .gate-current");
    assert.equal(await current.count(), 1, "one gate is the current one");
    assert.equal(await current.evaluate((el) => el.tagName), "DIV", "the current gate does not fold");
    const states = await current.locator("tbody tr td:last-child").allInnerTexts();
    const firstMet = states.findIndex((s) => s.trim() !== "Unmet");
    const unmet = states.filter((s) => s.trim() === "Unmet").length;
    assert.ok(unmet > 0, `the current gate of ${code} has unmet criteria: ${states.join(", ")}`);
    assert.ok(firstMet === -1 || firstMet === unmet, `the unmet criteria come first: ${states.join(", ")}`);
    // Every unmet criterion's forms show as they are: nothing to expand.
    for (const row of await current.locator("tbody tr").all()) {
      if ((await row.locator("td:last-child").innerText()).trim() !== "Unmet") continue;
      assert.equal(await row.locator("details").count(), 0, "an unmet criterion of the current gate folds nothing");
      for (const button of await row.getByRole("button").all()) {
        assert.ok(await button.isVisible(), `${await button.innerText()} shows without expanding anything`);
      }
    }
    // The other gates fold.
    const folded = page.locator("#gates details.gate");
    assert.ok((await folded.count()) > 0, "the passed and future gates are there");
    for (const gate of await folded.all()) assert.equal(await gate.getAttribute("open"), null, "and folded");
    await page.context().close();
  });

  it("shows the tick and waive forms of an unmet checklist criterion of the current gate", async () => {
    const page = await openPlant(1440, 900);
    const db = openDatabase(path.join(dir, "tracker.db"));
    const codes = (await db.selectFrom("plant").select("code").orderBy("code").execute()).map((p) => p.code);
    await db.destroy();
    let found = false;
    for (const plant of codes) {
      await page.goto(`${server.url}/plants/${plant}`);
      await settled(page);
      const tick = page.locator("#gates .gate-current").getByRole("button", { name: /^Tick [A-Z]+-[A-Z-]+$/ });
      if ((await tick.count()) === 0) continue;
      found = true;
      const row = page
        .locator("#gates .gate-current tbody tr")
        .filter({ has: page.getByRole("button", { name: /^Tick [A-Z]+-[A-Z-]+$/ }) })
        .first();
      assert.ok(await tick.first().isVisible(), `${plant}: the tick button shows without expanding anything`);
      assert.ok(await row.locator(`input[name="note"]`).first().isVisible(), `${plant}: and its note`);
      const waive = row.getByRole("button", { name: /^Waive [A-Z]+-[A-Z-]+$/ });
      assert.ok(await waive.isVisible(), `${plant}: and the waive button`);
      assert.ok(await row.locator(`textarea[name="justification"]`).isVisible(), `${plant}: and the justification`);
      break;
    }
    assert.ok(found, "some demo plant's current gate has an unmet checklist criterion");
    await page.context().close();
  });

  it("follows its index without JavaScript, and records how tall it is on a phone", async (t) => {
    const page = await openPlant(1440, 900, false);
    for (const id of ["history", "gates", "evidence"]) {
      await page.getByRole("navigation", { name: "Sections of this plant" }).locator(`a[href="#${id}"]`).click();
      await page.waitForFunction((target) => location.hash === `#${target}`, id);
      assertLanded(await landing(page, id), id);
    }
    await page.context().close();

    const phone = await openPlant(390, 844);
    const height = await phone.evaluate(() => document.documentElement.scrollHeight);
    t.diagnostic(`${code}: ${height} px tall at 390 px wide (17,900 px before)`);
    await phone.screenshot({ path: path.join(shots, "plant-page-390.png"), fullPage: true });
    const index = phone.getByRole("navigation", { name: "Sections of this plant" });
    const box = await index.boundingBox();
    assert.ok(box && box.y < 400, `on a phone the index is at the top of the page (at ${box?.y} px)`);
    // On a phone every zone and conduit is a card of its own, so the page is longer than on a desktop; it must still be
    // a third shorter than the 17,900 px it was.
    assert.ok(height < 12_000, `the plant page is ${height} px tall on a phone`);
    await phone.context().close();
  });
});
