import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { root } from "../../scripts/build";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { matureBaseline, noteEvidenceChange } from "../support/evidence";
import { TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// A plant engineer meets the alert-wiring block in the browser, and sees it lift once the baseline matures.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let browser: Browser;
let db: DB;

before(async () => {
  [server, browser] = await Promise.all([
    startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD }),
    launchBrowser(),
  ]);
  db = openDatabase(file);
});

after(async () => {
  await db?.destroy();
  await browser?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the alert-wiring block", () => {
  it("shows the control disabled with its reason, then enabled once the baseline matures", async () => {
    const conduit = await db
      .selectFrom("conduit as c")
      .innerJoin("plant as p", "p.id", "c.plant_id")
      .select(["c.id", "c.name"])
      .where("p.code", "=", "DAY")
      .where("c.monitored", "=", 1)
      .orderBy("c.id")
      .executeTakeFirstOrThrow();
    await db.deleteFrom("alert_wiring").where("conduit_id", "=", conduit.id).execute();
    await db.deleteFrom("observation").where("conduit_id", "=", conduit.id).execute();
    await db.updateTable("network_change").set({ status: "cancelled" }).where("conduit_id", "=", conduit.id).execute();
    await noteEvidenceChange(db, conduit.id, "Took the conduit's baseline evidence away for the test.");

    const page = await browser.newPage();
    await signInInBrowser(page, server.url, "eng.day@demo.test", TEST_PASSWORD);
    await page.goto(`${server.url}/plants/DAY/conduits/${conduit.id}`);
    await settled(page);
    const wire = page.getByRole("button", { name: "Wire alerts" });
    assert.equal(await wire.isDisabled(), true);
    const why = await page.locator("#wire-why").innerText();
    assert.match(why, /until its baseline is mature or jointly accepted/);
    await page.screenshot({ path: path.join(root, "test-results", "alert-wiring-blocked.png"), fullPage: true });

    await matureBaseline(db, conduit.id);
    await page.reload();
    await settled(page);
    assert.equal(await page.getByRole("button", { name: "Wire alerts" }).isDisabled(), false);
    assert.match(await page.locator("#baseline").innerText(), /mature since/);
    await page.getByLabel("SIEM reference").fill("SPL-OT-DAY-7");
    await page.getByRole("button", { name: "Wire alerts" }).click();
    await page.locator("#alerts").getByText("Alerts wired").waitFor();
    await settled(page);
    assert.match(await page.locator("#alerts").innerText(), /SPL-OT-DAY-7/);
    const wiring = await db
      .selectFrom("alert_wiring")
      .select(["siem_reference"])
      .where("conduit_id", "=", conduit.id)
      .executeTakeFirst();
    assert.equal(wiring?.siem_reference, "SPL-OT-DAY-7");
    await page.close();
  });

  it("explains a refused gate pass and lists the criteria as they stand", async () => {
    const page = await browser.newPage();
    await signInInBrowser(page, server.url, "lead@demo.test", TEST_PASSWORD);
    await page.goto(`${server.url}/plants/FRE`);
    await settled(page);
    const gate = page.locator("#gates .gate-current");
    assert.match(await gate.locator("> h3").innerText(), /Exit of asset inventory\s+Blocked: \d+ unmet/);
    const pass = gate.getByRole("button", { name: "Pass the inventory gate" });
    assert.equal(await pass.isDisabled(), true);
    assert.match(await page.locator("#pass-why-inventory").innerText(), /criteri(on is|a are) unmet/);
    assert.match(await gate.locator("#criterion-INV-STAGED").innerText(), /still staged/);
    await page.close();
  });
});
