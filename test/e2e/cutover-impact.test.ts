import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { launchBrowser, settled, signedInContext } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { TEST_PASSWORD } from "../support/people";
import { checkScreen, seriousViolations } from "../support/screens";
import { startServer, type RunningServer } from "../support/server";

// The demo's capture plant has a cutover scheduled whose captured traffic holds a flow its conduit does not allow.
// The conduit's design owner opens the change from their queue, is refused without a reason (next to the field),
// then acknowledges the flow as expected to stop; the banner saying the cutover cannot be marked done goes away,
// and the acknowledgement is recorded with its audit event. Corporate security sees the flow but no form.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let browser: Browser;
let db: DB;
let changePath: string;
let changeId: number;
let ownerEmail: string;
const REASON = "The contractor's telnet session ends with the old firewall; nobody needs it after";

before(async () => {
  [server, browser] = await Promise.all([
    startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD }),
    launchBrowser(),
  ]);
  db = openDatabase(file);
  const change = await db
    .selectFrom("network_change as n")
    .innerJoin("plant as p", "p.id", "n.plant_id")
    .innerJoin("conduit as c", "c.id", "n.conduit_id")
    .innerJoin("person as o", "o.id", "c.design_owner_id")
    .select(["n.id", "p.code", "o.email"])
    .where("n.kind", "=", "conduit_cutover")
    .where("n.status", "=", "scheduled")
    .where("n.title", "like", "Move %new firewall pair")
    .executeTakeFirstOrThrow();
  changeId = change.id;
  changePath = `/plants/${change.code}/changes/${change.id}`;
  ownerEmail = change.email;
});

after(async () => {
  await db?.destroy();
  await browser?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function impactRegion(page: Page) {
  await page.goto(`${server.url}${changePath}`);
  await settled(page);
  return page.getByRole("region", { name: "Predicted blocked flows" });
}

describe("acknowledging a predicted blocked flow on the change page", () => {
  it("shows corporate security the predicted flow without a form to acknowledge it", async () => {
    const security = await signedInContext(browser, server.url, "security@demo.test", {
      password: TEST_PASSWORD,
      refusedStatus: 400,
    });
    const region = await impactRegion(security.page);
    assert.match(await region.innerText(), /1 predicted blocked flow, 1 not acknowledged/);
    assert.match(await region.innerText(), /tcp\/23/);
    assert.equal(await region.getByRole("button", { name: "Expected to stop" }).count(), 0);
    assert.match(await security.page.locator("#cannot-be-done").innerText(), /cannot be marked done yet/);
    await security.context.close();
  });

  it("lets the design owner acknowledge it from their queue, with a reason", async () => {
    const owner = await signedInContext(browser, server.url, ownerEmail, {
      password: TEST_PASSWORD,
      refusedStatus: 400,
      bypassCSP: true,
    });
    const { page } = owner;
    await page.goto(`${server.url}/me`);
    await settled(page);
    const queue = page.getByRole("region", { name: /Predicted blocked flows to acknowledge \(1\)/ });
    await queue.getByRole("link", { name: /new firewall pair/ }).click();
    await page.waitForURL(`**${changePath}#impact`);
    await settled(page);

    const region = page.getByRole("region", { name: "Predicted blocked flows" });
    const form = region.locator("form").filter({ has: page.getByRole("button", { name: "Expected to stop" }) });
    const reason = form.getByRole("textbox", { name: "Why it is expected to stop" });
    // Spaces pass the browser's own check; the server finds no reason in them.
    await reason.fill("   ");
    await form.getByRole("button", { name: "Expected to stop" }).click();
    await form.locator("[role=alert]").waitFor();
    await settled(page);
    assert.equal(await reason.getAttribute("aria-invalid"), "true");
    assert.match(await form.innerText(), /Say why \(at least 3 characters\)\./);
    for (const width of [390, 768, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      assert.deepEqual(await seriousViolations(page), [], `accessibility at ${width} px`);
      assert.deepEqual(await checkScreen(page, width < 1000), { overflow: null, invisibleText: [], smallTargets: [] });
    }

    await reason.fill(REASON);
    await form.getByRole("button", { name: "Expected to stop" }).click();
    await region.getByText(/Acknowledged \S.* → .*, tcp\/\d+ as expected to stop at the cutover\./).waitFor();
    await settled(page);
    assert.match(await region.innerText(), /1 predicted blocked flow, 0 not acknowledged/);
    assert.match(await region.innerText(), new RegExp(`Expected to stop[^]*${REASON}`));
    assert.equal(await page.locator("#cannot-be-done").count(), 0, "the cutover may now be marked done");

    const rows = await db
      .selectFrom("cutover_flow_acknowledgement")
      .select(["decision", "reason"])
      .where("change_id", "=", changeId)
      .execute();
    assert.deepEqual(rows, [{ decision: "expected_stop", reason: REASON }]);
    const audit = await db
      .selectFrom("audit_event")
      .select("summary")
      .where("action", "=", "cutover.acknowledge_flow")
      .execute();
    assert.equal(audit.length, 1);
    assert.deepEqual(owner.errors, [], "no script errors");
    await owner.context.close();
  });
});
