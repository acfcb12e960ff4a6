import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { recordAudit } from "../../app/models/audit.server";
import { systemActor } from "../../app/utils/actor";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { launchBrowser, signInInBrowser } from "../support/browser";
import { root } from "../../scripts/build";
import { databaseEnv, tempDir } from "../support/database";
import { TEST_PASSWORD } from "../support/people";
import { checkScreen, seriousViolations, WIDTHS } from "../support/screens";
import { startServer, type RunningServer } from "../support/server";

// The scorecard as executives and leads see it, in a real headless Chromium against the real server and the demo
// program with stops and outcomes of this quarter at one of its plants: the dashboard's headline and table, the
// plant list's column and the plant page's table, on a phone, a tablet and a desktop, no wider than the screen, and
// the plant list's columns still fitting a desktop. The acts that record stops and outcomes are built separately:
// the rows are written straight into the database, each with the audit event such an act writes.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
const shots = path.join(root, "test-results");
let server: RunningServer;
let browser: Browser;
let db: DB;

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  [server, browser] = await Promise.all([
    startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD }),
    launchBrowser(),
  ]);
  db = openDatabase(file);
  const plant = await db.selectFrom("plant").select("id").where("code", "=", "DAY").executeTakeFirstOrThrow();
  const person = await db
    .selectFrom("person")
    .select("id")
    .where("email", "=", "lead@demo.test")
    .executeTakeFirstOrThrow();
  const at = new Date().toISOString();
  await db.transaction().execute(async (tx) => {
    const { id: changeId } = await tx
      .insertInto("network_change")
      .values({
        plant_id: plant.id,
        kind: "firewall_rule_change",
        title: "Tighten the historian rule",
        status: "done",
        done_at: at,
        created_at: at,
        updated_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await tx
      .insertInto("production_stop")
      .values({
        plant_id: plant.id,
        started_at: at,
        minutes_lost: 135,
        cause: "network",
        change_id: changeId,
        description: "Packaging line lost its HMI",
        recorded_by: person.id,
        created_at: at,
        updated_at: at,
      })
      .execute();
    await tx
      .insertInto("change_outcome")
      .values({ change_id: changeId, plant_id: plant.id, outcome: "with_issues", person_id: person.id, at })
      .execute();
    await recordAudit(tx, systemActor("test"), {
      action: "stop.record",
      objectType: "production_stop",
      objectId: null,
      plantId: plant.id,
      summary: "A production stop was recorded at DAY.",
    });
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await db?.destroy();
});

describe("the scorecard on screen", () => {
  it("fits a phone, a tablet and a desktop on the dashboard, the plant list and the plant page", async () => {
    for (const width of WIDTHS) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
      const page = await context.newPage();
      await signInInBrowser(page, server.url, "exec@demo.test", TEST_PASSWORD);

      await page.goto(`${server.url}/dashboard`);
      // The demo's own stops are there too: the headline shows what the rollup counts, this test's stop among them.
      const rollup = (await (await page.request.get(`${server.url}/api/rollup`)).json()) as {
        scorecard: { unscheduledStopsCausedByProgram: { thisQuarter: { stops: number } } };
      };
      const stops = rollup.scorecard.unscheduledStopsCausedByProgram.thisQuarter.stops;
      assert.ok(stops >= 1, "this test's stop is counted");
      const headline = page.locator('[data-headline="this-quarter"]');
      assert.match(
        await headline.innerText(),
        new RegExp(`^${stops}\\s+Unscheduled stops caused by the program`),
        `headline at ${width}`
      );
      assert.ok(await page.getByRole("table", { name: /^The program by quarter/ }).isVisible());
      await page.locator("#scorecard").scrollIntoViewIfNeeded();
      const dashboard = await checkScreen(page, false);
      assert.equal(dashboard.overflow, null, `the dashboard at ${width}`);
      assert.deepEqual(dashboard.invisibleText, [], `the dashboard's text at ${width}`);
      if (width === 390) assert.deepEqual(await seriousViolations(page), [], "the dashboard's accessibility");
      await page.locator("#scorecard").screenshot({ path: path.join(shots, `scorecard-dashboard-${width}.png`) });

      await page.goto(`${server.url}/plants?sort=stops&dir=desc`);
      const first = page.locator("table.plants-table tbody tr").first();
      assert.equal(await first.getAttribute("data-plant"), "DAY", `the plant with a stop first at ${width}`);
      assert.match(
        await first.locator(".quarter-cell").innerText(),
        /1 stop, 135 min lost · \d+ on plan, 1 with issues/
      );
      await first.screenshot({ path: path.join(shots, `scorecard-plant-list-${width}.png`) });
      const list = await checkScreen(page, false);
      assert.equal(list.overflow, null, `the plant list at ${width}`);
      if (width === 1440) {
        const box = await page
          .locator(".table-wrap", { has: page.locator("table.plants-table") })
          .evaluate((wrap) => ({ content: wrap.scrollWidth, box: wrap.clientWidth }));
        assert.ok(box.content <= box.box, `the plant list is ${box.content} px wide in a box of ${box.box}`);
      }

      await page.goto(`${server.url}/plants/DAY#scorecard`);
      // Folded under this quarter's figures; opened, the quarters show.
      const summary = page.locator("#scorecard summary");
      assert.match(await summary.innerText(), /to date: 1 stop caused, 135 min lost/);
      await summary.click();
      const table = page.getByRole("table", { name: /^DAY by quarter/ });
      assert.ok(await table.isVisible(), `the plant's scorecard at ${width}`);
      assert.match(await table.locator("tbody tr").first().innerText(), /to date[\s\S]*\b1\b[\s\S]*\b135\b/);
      await page.locator("#scorecard").screenshot({ path: path.join(shots, `scorecard-plant-${width}.png`) });
      const plantPage = await checkScreen(page, false);
      assert.equal(plantPage.overflow, null, `the plant page at ${width}`);
      await context.close();
    }
  });
});
