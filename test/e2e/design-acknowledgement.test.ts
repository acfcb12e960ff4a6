import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Locator, Page } from "playwright-core";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { root } from "../../scripts/build";
import { launchBrowser, settled, signedInContext } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { TEST_PASSWORD } from "../support/people";
import { checkScreen, seriousViolations } from "../support/screens";
import { startServer, type RunningServer } from "../support/server";

// A zone of DAY loses its Purdue level, so the design review warns on the conduits reaching it. The plant engineer
// signs one of them only once the warning has a reason; corporate security sees that reason before signing their
// part (without JavaScript), and the audit trail holds it. An executive's signature is refused by the server.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
const shots = path.join(root, "test-results");
let server: RunningServer;
let browser: Browser;
let db: DB;
let conduitPath: string;
let zoneId: number;
let conduitId: number;
const REASON = "Line 1 cells are classified at the March outage; the conduit itself is reviewed";

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  [server, browser] = await Promise.all([
    startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD }),
    launchBrowser(),
  ]);
  db = openDatabase(file);
  const conduit = await db
    .selectFrom("conduit as c")
    .innerJoin("plant as p", "p.id", "c.plant_id")
    .innerJoin("zone as z", "z.id", "c.zone_b_id")
    .select(["c.id", "z.id as zone_id"])
    .where("p.code", "=", "DAY")
    .where("c.name", "=", "Supervisory ↔ Line 1")
    .executeTakeFirstOrThrow();
  conduitId = conduit.id;
  conduitPath = `/plants/DAY/conduits/${conduit.id}`;
  zoneId = conduit.zone_id;
  // The data that makes the warning: the zone has no Purdue level. (The conduit's edit below makes the page read it.)
  await db.updateTable("zone").set({ purdue_level: null }).where("id", "=", zoneId).execute();
});

after(async () => {
  await db?.destroy();
  await browser?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

// The refused signature's 400 is the expected answer.
const signedIn = (email: string, javaScriptEnabled = true, bypassCSP = false) =>
  signedInContext(browser, server.url, email, {
    password: TEST_PASSWORD,
    javaScriptEnabled,
    refusedStatus: 400,
    bypassCSP,
  });

async function openConduit(page: Page): Promise<Locator> {
  await page.goto(`${server.url}${conduitPath}`);
  await settled(page);
  return page.getByRole("region", { name: "Owners and signoffs (CON-OWNERS)" });
}

/** The error messages a field is described by. */
async function errorsOf(page: Page, field: Locator): Promise<string> {
  const ids = ((await field.getAttribute("aria-describedby")) ?? "").split(" ").filter((id) => id.endsWith("-error"));
  return (await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).innerText()))).join(" ");
}

describe("acknowledging the design review's warnings when signing a conduit", () => {
  it("refuses the engineer's signature without a reason beside the warning, then records it with one", async () => {
    const engineer = await signedIn("eng.day@demo.test", true, true);
    const { page } = engineer;
    // A new revision of the conduit: the earlier signatures are stale and both owners sign again.
    await openConduit(page);
    const edit = page.getByRole("region", { name: "Edit the definition" });
    await edit.getByLabel("Purpose").fill("Supervisory polling of the Line 1 cells, reviewed for classification");
    await edit.getByRole("button", { name: "Save as revision 2" }).click();
    await page.getByRole("heading", { name: "Definition (revision 2)" }).waitFor();
    await settled(page);

    const owners = page.getByRole("region", { name: "Owners and signoffs (CON-OWNERS)" });
    const findings = owners.locator(".design-findings");
    assert.match(
      await findings.innerText(),
      /! Warning DES-ZONE-UNCLASSIFIED Zone “Line 1 — Machining” has no Purdue level, so the rules cannot place it\. At fault: Line 1 — Machining/
    );
    const form = page.locator("#sign-design_change_control");
    const reason = form.getByRole("textbox", { name: /DES-ZONE-UNCLASSIFIED/ });
    // Blank spaces pass the browser's own check; the server finds no reason in them.
    await reason.fill("   ");
    await form.getByRole("button", { name: "Sign revision 2" }).click();
    await page.locator("#sign-design_change_control [role=alert]").first().waitFor();
    await settled(page);
    assert.equal(await reason.getAttribute("aria-invalid"), "true");
    assert.match(
      await errorsOf(page, reason),
      /Say why you sign despite DES-ZONE-UNCLASSIFIED \(at least 3 characters\)\./
    );
    // The refused form, its warning and its error, as a phone and a desktop draw it.
    for (const width of [390, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      assert.deepEqual(await seriousViolations(page), [], `accessibility at ${width} px`);
      assert.deepEqual(await checkScreen(page, width < 1000), { overflow: null, invisibleText: [], smallTargets: [] });
    }
    assert.equal(
      await db
        .selectFrom("signoff")
        .select("id")
        .where("revision", "=", 2)
        .where("subject_type", "=", "conduit")
        .where("subject_id", "=", conduitId)
        .executeTakeFirst(),
      undefined,
      "nothing was signed"
    );

    await reason.fill(REASON);
    await form.getByRole("button", { name: "Sign revision 2" }).click();
    await owners.getByText("Your signoff of Design & change control on revision 2 is recorded.").waitFor();
    await settled(page);
    const history = page.getByRole("region", { name: "Signoff history" });
    assert.match(await history.innerText(), new RegExp(`DES-ZONE-UNCLASSIFIED[^]*Acknowledged: “${REASON}”`));
    assert.deepEqual(engineer.errors, [], "no script errors");
    await engineer.context.close();
  });

  it("shows corporate security the engineer's reason and the findings before they sign, without JavaScript", async () => {
    const security = await signedIn("security@demo.test", false);
    const owners = await openConduit(security.page);
    const design = owners.locator(".part").filter({ hasText: "Design & change control" });
    assert.match(await design.innerText(), new RegExp(`DES-ZONE-UNCLASSIFIED[^]*Acknowledged: “${REASON}”`));
    assert.match(await owners.locator(".design-findings").innerText(), /DES-ZONE-UNCLASSIFIED/);
    const form = security.page.locator("#sign-monitoring_incident_response");
    await form.getByRole("textbox", { name: /DES-ZONE-UNCLASSIFIED/ }).fill("Alerts treat Line 1 as level 1 meanwhile");
    await form.getByRole("button", { name: "Sign revision 2" }).click();
    await security.page
      .getByText("Your signoff of Monitoring & incident response on revision 2 is recorded.")
      .waitFor();
    assert.match(
      await security.page.getByRole("region", { name: "Signoff history" }).innerText(),
      /Acknowledged: “Alerts treat Line 1 as level 1 meanwhile”/
    );
    await security.page.screenshot({ path: path.join(shots, "design-acknowledgement.png"), fullPage: true });
    await security.context.close();
  });

  it("holds the acknowledgements in the audit trail and the gate review, and refuses an executive's signature on the server", async () => {
    const lead = await signedIn("lead@demo.test");
    await lead.page.goto(`${server.url}/plants/DAY/audit`);
    await settled(lead.page);
    const trail = (await lead.page.locator("main").textContent()) ?? "";
    assert.match(trail, /signed conduit “Supervisory ↔ Line 1” \(revision 2\) for design & change control/);
    assert.ok(trail.includes(REASON), "the event's after-state holds the reason");
    assert.ok(trail.includes('"code": "DES-ZONE-UNCLASSIFIED"') || trail.includes('"code":"DES-ZONE-UNCLASSIFIED"'));
    // The gate review's record of signatures says what each standing one acknowledged, and why.
    await lead.page.goto(`${server.url}/plants/DAY/review`);
    await settled(lead.page);
    const signatures = lead.page.locator("table.review-signoffs");
    assert.ok((await signatures.innerText()).includes(`Acknowledged: “${REASON}”`));
    await lead.context.close();

    const executive = await signedIn("exec@demo.test");
    const owners = await openConduit(executive.page);
    assert.equal(await owners.locator("form").count(), 0, "an executive is offered no signing form");
    const hash = await db
      .selectFrom("signoff")
      .select("content_hash")
      .where("revision", "=", 2)
      .where("subject_type", "=", "conduit")
      .where("subject_id", "=", conduitId)
      .executeTakeFirstOrThrow();
    const before = await db
      .selectFrom("signoff")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const response = await executive.page.request.post(`${server.url}${conduitPath}`, {
      headers: { Origin: server.url },
      form: {
        intent: "sign",
        part: "design_change_control",
        hash: hash.content_hash,
        revision: "2",
        [`ack:DES-ZONE-UNCLASSIFIED|zone:${zoneId}`]: "Executives may not sign",
      },
      maxRedirects: 0,
    });
    assert.equal(response.status(), 403);
    assert.match(await response.text(), /signed by a plant engineer of this plant, not by your role \(executive\)/);
    const afterCount = await db
      .selectFrom("signoff")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    assert.deepEqual(afterCount, before, "nothing was signed");
    await executive.context.close();
  });
});
