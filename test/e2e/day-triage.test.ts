import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { TEST_PASSWORD } from "../support/people";
import { insertStagedHost } from "../support/plants";
import { startServer, type RunningServer } from "../support/server";

// A plant engineer's triage in a real headless Chromium: from /me, the staged-hosts item opens the plant's triage
// view, where several hosts are ticked and dismissed or confirmed in one act; with JavaScript and without.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let browser: Browser;
let db: DB;
let dayId: number;

before(async () => {
  [server, browser] = await Promise.all([
    startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD }),
    launchBrowser(),
  ]);
  db = openDatabase(file);
  dayId = (await db.selectFrom("plant").select("id").where("code", "=", "DAY").executeTakeFirstOrThrow()).id;
  // Hosts passive monitoring saw at DAY that nobody has reviewed.
  for (const n of [1, 2, 3, 4, 5]) await insertStagedHost(db, dayId, `10.66.0.${n}`, { name: `seen-10.66.0.${n}` });
});

after(async () => {
  await db?.destroy();
  await browser?.close();
  await server?.stop();
});

async function hostStates(): Promise<Record<string, string>> {
  const rows = await db
    .selectFrom("asset")
    .select(["name", "status", "triage", "kind", "zone_id"])
    .where("plant_id", "=", dayId)
    .where("name", "like", "seen-10.66.0.%")
    .orderBy("name")
    .execute();
  return Object.fromEntries(
    rows.map((r) => [
      r.name,
      r.status === "confirmed" ? `confirmed ${r.kind} ${r.zone_id !== null}` : r.triage ?? "staged",
    ])
  );
}

/** From /me, follow the staged-hosts item of DAY to its triage view. */
async function openTriageFromQueue(page: Page): Promise<void> {
  await page.goto(`${server.url}/me`);
  await settled(page);
  const summary = page.getByRole("navigation", { name: "What waits, by kind" });
  const counts = ((await summary.textContent()) ?? "").replace(/\s+/g, " ");
  assert.match(counts, /\d+ staged hosts to triage/, "the count of staged hosts at the top");
  const item = page.locator("#staged li[data-plant='DAY'] a");
  assert.match(await item.innerText(), /DAY · \d+ staged hosts/);
  await item.click();
  await page.waitForURL(/\/plants\/DAY\/triage$/);
  await settled(page);
  await page.getByRole("heading", { name: "Triage staged hosts" }).waitFor();
}

describe("an engineer's bulk triage from the queue", () => {
  it("dismisses several hosts in one act, with JavaScript", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await signInInBrowser(page, server.url, "eng.day@demo.test", TEST_PASSWORD);
    await openTriageFromQueue(page);

    await page.getByLabel("Choose seen-10.66.0.1").check();
    await page.getByLabel("Choose seen-10.66.0.2").check();
    await page.getByRole("button", { name: "Dismiss as known-transient" }).click();
    await page.getByText("Say why these hosts are transient (at least 3 characters).").waitFor();
    assert.ok(await page.getByLabel("Choose seen-10.66.0.1").isChecked(), "the ticks stay after a refusal");

    await page.getByLabel("Note").fill("Vendor laptops during the PM visit");
    await page.getByRole("button", { name: "Dismiss as known-transient" }).click();
    await page.getByRole("status").filter({ hasText: "2 hosts are marked known-transient" }).waitFor();
    await settled(page);
    assert.equal(await page.getByLabel("Choose seen-10.66.0.1").count(), 0, "dismissed hosts leave the list");
    const states = await hostStates();
    assert.equal(states["seen-10.66.0.1"], "transient");
    assert.equal(states["seen-10.66.0.2"], "transient");
    assert.equal(states["seen-10.66.0.3"], "staged");
    assert.deepEqual(errors, []);
    await page.close();
  });

  it("confirms several hosts into a zone in one act, without JavaScript", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInInBrowser(page, server.url, "eng.day@demo.test", TEST_PASSWORD);
    await openTriageFromQueue(page);

    await page.getByRole("button", { name: "Confirm into the inventory" }).click();
    await page.waitForLoadState();
    await page.getByText("Choose at least one host.").waitFor();

    await page.getByLabel("Choose seen-10.66.0.3").check();
    await page.getByLabel("Choose seen-10.66.0.4").check();
    await page.getByRole("button", { name: "Confirm into the inventory" }).click();
    await page.waitForLoadState();
    await page.getByText(/Choose a zone: seen-10\.66\.0\.3 and seen-10\.66\.0\.4 are in none\./).waitFor();

    await page.getByLabel("Choose seen-10.66.0.3").check();
    await page.getByLabel("Choose seen-10.66.0.4").check();
    const zone = page.getByLabel("Zone");
    const firstZone = await zone.locator("option").nth(1).getAttribute("value");
    assert.ok(firstZone, "DAY has a zone to choose");
    await zone.selectOption(firstZone);
    await page.getByLabel("Kind").selectOption("hmi");
    await page.getByRole("button", { name: "Confirm into the inventory" }).click();
    await page.waitForLoadState();
    await page.getByRole("status").filter({ hasText: "2 hosts are confirmed into the inventory." }).waitFor();
    const states = await hostStates();
    assert.equal(states["seen-10.66.0.3"], "confirmed hmi true");
    assert.equal(states["seen-10.66.0.4"], "confirmed hmi true");
    assert.equal(states["seen-10.66.0.5"], "staged");
    const audit = await db
      .selectFrom("audit_event")
      .select("action")
      .where("plant_id", "=", dayId)
      .where("object_type", "=", "asset")
      .execute();
    assert.equal(audit.filter((a) => a.action === "asset.confirm").length, 2, "each host's change is audited");
    assert.equal(audit.filter((a) => a.action === "asset.mark-transient").length, 2);

    await page.getByRole("link", { name: "Tick every host on this page" }).click();
    await page.waitForLoadState();
    assert.ok(await page.getByLabel("Choose seen-10.66.0.5").isChecked(), "every box ticked, without JavaScript");
    await page.getByLabel("Note").fill("Contractor's laptop");
    await page.getByRole("button", { name: "Dismiss as known-transient" }).click();
    await page.waitForLoadState();
    await page.getByRole("status").filter({ hasText: "1 host is marked known-transient" }).waitFor();
    assert.equal((await hostStates())["seen-10.66.0.5"], "transient");
    await context.close();
  });

  it("fits its content to a phone, a tablet and a desktop", async () => {
    const page = await browser.newPage();
    await signInInBrowser(page, server.url, "eng.day@demo.test", TEST_PASSWORD);
    for (const width of [390, 768, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      for (const pathname of ["/me", "/plants/DAY/triage"]) {
        await page.goto(`${server.url}${pathname}`);
        await settled(page);
        // The page's own content (the site header is the layout's): nothing wider than the screen but the tables,
        // which scroll inside their frame.
        const wide = await page.evaluate(() =>
          [...document.querySelectorAll("main *")]
            .filter((e) => !e.closest(".table-wrap") && e.getBoundingClientRect().right > window.innerWidth + 1)
            .map((e) => `${e.tagName.toLowerCase()}.${e.className} “${(e.textContent ?? "").slice(0, 40)}”`)
        );
        assert.deepEqual(wide, [], `${pathname} at ${width} px: nothing but tables wider than the screen`);
      }
    }
    await page.close();
  });
});
