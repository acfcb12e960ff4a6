import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { databaseEnv, tempDir } from "../support/database";
import { TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// A live plant that drifted, in a real headless Chromium, with JavaScript and without: the program lead sees the
// demo's PEO "Live, drifting" on the plant list with its reasons, follows the reason to the conduit edited after its
// alerts were wired, and its two owners accept the edit there, each for their part, with a reason; the plant list
// then keeps only the silent sensor as its reason.

let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await settled(page);
}

async function signedIn(email: string, javaScriptEnabled: boolean, url: string): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await signInInBrowser(page, url, email, TEST_PASSWORD);
  return page;
}

for (const javaScriptEnabled of [true, false]) {
  describe(`a drifting live plant ${javaScriptEnabled ? "with" : "without"} JavaScript`, () => {
    let server: RunningServer;
    let db: DB;
    let dir: string;

    before(async () => {
      dir = tempDir();
      const file = path.join(dir, "tracker.db");
      server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD });
      db = openDatabase(file);
    });

    after(async () => {
      await db?.destroy();
      await server?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("shows PEO drifting with its reasons, and clears the edit once both owners accept it", async () => {
      const conduit = await db
        .selectFrom("conduit as c")
        .innerJoin("plant as p", "p.id", "c.plant_id")
        .innerJoin("person as d", "d.id", "c.design_owner_id")
        .innerJoin("person as m", "m.id", "c.monitoring_owner_id")
        .select(["c.id", "d.email as design", "m.email as monitoring"])
        .where("p.code", "=", "PEO")
        .where("c.name", "=", "Engineering ↔ Supervisory")
        .executeTakeFirstOrThrow();

      const lead = await signedIn("lead@demo.test", javaScriptEnabled, server.url);
      await open(lead, `${server.url}/plants`);
      const row = lead.locator('tr[data-plant="PEO"]');
      const live = row.locator(".live-drift");
      assert.equal((await live.locator(".badge.drift").innerText()).trim().replace(/^!\s*/, ""), "Live, drifting");
      assert.deepEqual(
        await live
          .locator("[data-drift-code]")
          .evaluateAll((items) => items.map((i) => i.getAttribute("data-drift-code"))),
        ["DRIFT-EDITED-AFTER-WIRING", "DRIFT-SENSOR-SILENT"]
      );
      // A plant not live has no drift.
      assert.equal(await lead.locator('tr[data-plant="DAY"] .live-drift').count(), 0);

      // The design owner follows the reason to where it is fixed and accepts for their part.
      const engineer = await signedIn(conduit.design, javaScriptEnabled, server.url);
      await open(engineer, `${server.url}/plants/PEO`);
      const reason = engineer.locator("#drift [data-drift-code='DRIFT-EDITED-AFTER-WIRING'] a");
      await reason.click();
      await settled(engineer);
      assert.match(engineer.url(), new RegExp(`/plants/PEO/conduits/${conduit.id}#drift$`));
      const panel = engineer.locator("#drift");
      await panel
        .getByLabel(/Why the alerts still hold after this edit/)
        .fill("Only the purpose was reworded; the alerts watch the same flows.");
      await panel.getByRole("button", { name: /Accept revision/ }).click();
      await settled(engineer);
      await engineer.locator("#drift").getByText("Your acceptance of revision").waitFor();
      assert.match(
        await engineer.locator("#drift [data-drift-part='design_change_control']").innerText(),
        /Accepted by .* on/
      );
      assert.match(
        await engineer.locator("#drift [data-drift-part='monitoring_incident_response']").innerText(),
        /Not accepted yet/
      );

      // Corporate security's owner accepts for monitoring & incident response.
      const security = await signedIn(conduit.monitoring, javaScriptEnabled, server.url);
      await open(security, `${server.url}/plants/PEO/conduits/${conduit.id}`);
      await security
        .locator("#drift")
        .getByLabel(/Why the alerts still hold after this edit/)
        .fill("The SIEM rules key on the zones' addresses, which did not change.");
      await security
        .locator("#drift")
        .getByRole("button", { name: /Accept revision/ })
        .click();
      await settled(security);
      // Accepted by both: the panel keeps the record of both acceptances.
      await security.locator("#drift").getByText("Your acceptance of revision").waitFor();
      assert.match(
        await security.locator("#drift [data-drift-part='monitoring_incident_response']").innerText(),
        /Accepted by .* on/
      );

      await open(lead, `${server.url}/plants`);
      assert.deepEqual(
        await lead
          .locator('tr[data-plant="PEO"] .live-drift [data-drift-code]')
          .evaluateAll((items) => items.map((i) => i.getAttribute("data-drift-code"))),
        ["DRIFT-SENSOR-SILENT"]
      );
      const acceptances = await db.selectFrom("drift_acceptance").select(["part"]).orderBy("id").execute();
      assert.deepEqual(
        acceptances.map((a) => a.part),
        ["design_change_control", "monitoring_incident_response"]
      );
    });
  });
}
