import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// Corporate security's day on the demo, in a real headless Chromium, with JavaScript and without: security@ (the
// demo's corporate security account) accepts the stalled baseline it owns, the plant engineer who owns its design
// accepts too, and security wires its alerts; then it wires alerts on a mature baseline waiting for them. The pages
// are reached by address after sign-in (the landing page is another page's concern).

const SECURITY = "security@demo.test";

let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

interface Demo {
  server: RunningServer;
  db: DB;
  dir: string;
}

/** A server over a fresh demo database (the start command seeds it), and a handle on that database. */
async function startDemo(): Promise<Demo> {
  const dir = tempDir();
  const file = path.join(dir, "tracker.db");
  const server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD });
  return { server, db: openDatabase(file), dir };
}

async function stopDemo(demo: Demo | undefined): Promise<void> {
  await demo?.db.destroy();
  await demo?.server.stop();
  if (demo) fs.rmSync(demo.dir, { recursive: true, force: true });
}

/** A conduit of the plant by name, with its owners' emails. */
async function conduitOf(db: DB, code: string, name: string) {
  return db
    .selectFrom("conduit as c")
    .innerJoin("plant as p", "p.id", "c.plant_id")
    .innerJoin("person as design", "design.id", "c.design_owner_id")
    .innerJoin("person as monitoring", "monitoring.id", "c.monitoring_owner_id")
    .select(["c.id", "design.email as designOwner", "design.name as designName", "monitoring.email as monitoringOwner"])
    .where("p.code", "=", code)
    .where("c.name", "=", name)
    .executeTakeFirstOrThrow();
}

async function signedIn(email: string, javaScriptEnabled: boolean, url: string): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 390, height: 900 } });
  const page = await context.newPage();
  await signInInBrowser(page, url, email, TEST_PASSWORD);
  return [context, page];
}

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await settled(page);
}

/** The line of the joint-acceptance list for one part ("Design & change control", "Monitoring & incident response"). */
const acceptor = (page: Page, part: string) => page.locator("#acceptance .acceptors li", { hasText: part });

async function accept(page: Page, note: string): Promise<void> {
  const baseline = page.locator("#baseline");
  await baseline.getByLabel("Residual novelty you accept").fill(note);
  await baseline.getByRole("button", { name: "Accept the stalled baseline" }).click();
  await settled(page);
}

for (const javaScriptEnabled of [true, false]) {
  describe(`corporate security's day ${javaScriptEnabled ? "with" : "without"} JavaScript`, () => {
    let demo: Demo;

    before(async () => {
      demo = await startDemo();
    });

    after(async () => {
      await stopDemo(demo);
    });

    it("accepts a stalled baseline with the engineer, then wires its alerts, and wires a mature one waiting", async () => {
      const { server, db } = demo;
      const stalled = await conduitOf(db, "GRR", "Supervisory ↔ DMZ");
      assert.equal(stalled.monitoringOwner, SECURITY, "the demo gives security@ the stalled baseline to accept");
      const conduitUrl = `${server.url}/plants/GRR/conduits/${stalled.id}`;

      const [securityContext, security] = await signedIn(SECURITY, javaScriptEnabled, server.url);
      await open(security, conduitUrl);
      const baseline = security.locator("#baseline");
      assert.match(await baseline.innerText(), /stalled: \d+ counted days observed, not mature \(stalls at 60\)/);
      assert.doesNotMatch(await baseline.innerText(), /\d+\/30 counted days/);
      // Who may accept, and that nobody has yet.
      assert.match(await acceptor(security, "Design & change control").innerText(), /has not accepted yet/);
      assert.match(await acceptor(security, "Design & change control").innerText(), new RegExp(stalled.designName));
      assert.match(
        await acceptor(security, "Monitoring & incident response").innerText(),
        /Priya Raman \(you\).*has not accepted yet/s
      );
      // Alerts cannot be wired yet, and the page says why.
      const alerts = security.locator("#alerts");
      assert.equal(await alerts.getByRole("button", { name: "Wire alerts" }).isDisabled(), true);

      await accept(
        security,
        "Residual novelty is the patch relay's weekly new update mirrors; reviewed with the plant."
      );
      await acceptor(security, "Monitoring & incident response").getByText("accepted", { exact: true }).waitFor();
      assert.match(await acceptor(security, "Design & change control").innerText(), /has not accepted yet/);
      assert.equal(
        await alerts.getByRole("button", { name: "Wire alerts" }).isDisabled(),
        true,
        "one owner is not enough"
      );

      // The engineer who owns the conduit's design accepts too.
      const [engineerContext, engineer] = await signedIn(stalled.designOwner, javaScriptEnabled, server.url);
      await open(engineer, conduitUrl);
      assert.match(await acceptor(engineer, "Monitoring & incident response").innerText(), /Priya Raman — accepted on/);
      await accept(engineer, "The new mirrors are the vendor's update relays; expected, and each is logged.");
      await acceptor(engineer, "Design & change control").getByText("accepted", { exact: true }).waitFor();
      await engineerContext.close();

      // Security sees the baseline accepted and wires its alerts.
      await open(security, conduitUrl);
      assert.match(await baseline.innerText(), /accepted by both owners/);
      await alerts.getByLabel(/SIEM reference/).fill("ot-siem-grr:supervisory-dmz");
      await alerts.getByRole("button", { name: "Wire alerts" }).click();
      await settled(security);
      await alerts.getByText("Alerts wired").waitFor();
      assert.match(
        await alerts.innerText(),
        /Alerts wired on \d{4}-\d{2}-\d{2} by Priya Raman · ot-siem-grr:supervisory-dmz/
      );

      // The plant's history tells it, newest first.
      await open(security, `${server.url}/plants/GRR/history`);
      const newest = security.locator(".history-entry");
      assert.match(await newest.nth(0).innerText(), /Alerts wired[\s\S]*Priya Raman/);
      assert.match(await newest.nth(1).innerText(), /Baseline accepted[\s\S]*by .*\(plant engineer\)/);
      assert.match(await newest.nth(2).innerText(), /Baseline accepted[\s\S]*by Priya Raman \(corporate security\)/);

      // A mature baseline waiting for alerts, owned by security@, gets them.
      const waiting = await conduitOf(db, "GRR", "Supervisory ↔ Line 2");
      assert.equal(waiting.monitoringOwner, SECURITY);
      await open(security, `${server.url}/plants/GRR/conduits/${waiting.id}`);
      assert.match(await baseline.innerText(), /\d+ counted days \(30 needed\)/);
      await alerts.getByRole("button", { name: "Wire alerts" }).click();
      await settled(security);
      await alerts.getByText("Alerts wired").waitFor();
      await securityContext.close();

      const wirings = await db
        .selectFrom("alert_wiring as w")
        .innerJoin("person as p", "p.id", "w.person_id")
        .select(["w.conduit_id", "p.email"])
        .where("w.conduit_id", "in", [stalled.id, waiting.id])
        .execute();
      assert.deepEqual(
        wirings.map((w) => [w.conduit_id, w.email]).sort(),
        [
          [stalled.id, SECURITY],
          [waiting.id, SECURITY],
        ].sort()
      );
    });
  });
}
