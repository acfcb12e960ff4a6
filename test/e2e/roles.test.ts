import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { root } from "../../scripts/build";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { signInOverHttp, TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// Each role signs in to the demo program in a real headless Chromium and sees only what it may do: the
// navigation it is entitled to, and on a plant only the controls its role holds there. The server decides
// (test/integration/authorization-matrix.test.ts); this is the other half: the UI hides what a role cannot do.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
const shots = path.join(root, "test-results");
let server: RunningServer;
let browser: Browser;
let db: DB;

/** The DAY conduit whose monitoring part security@ owns and has not signed, and one owned by someone else. */
let ownedConduit: number;
let othersConduit: { id: number; owner: string };
/** A plant other than DAY whose current gate has a checklist criterion, so tick controls exist there for those allowed. */
let otherPlant: string;

const CHECKLIST_PHASES = ["inventory", "zoning", "baseline"];

async function post(pathname: string, cookie: string, fields: Record<string, string>): Promise<number> {
  const response = await fetch(`${server.url}${pathname}`, {
    method: "POST",
    headers: { Cookie: cookie, Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  await response.arrayBuffer();
  return response.status;
}

async function html(pathname: string, cookie: string): Promise<string> {
  const response = await fetch(`${server.url}${pathname}`, { headers: { Cookie: cookie } });
  const text = await response.text();
  assert.equal(response.status, 200, `GET ${pathname} for the setup`);
  return text;
}

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  [server, browser] = await Promise.all([
    startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD }),
    launchBrowser(),
  ]);
  db = openDatabase(file);
  const lead = await signInOverHttp(server.url, "lead@demo.test");
  const security = await signInOverHttp(server.url, "security@demo.test");
  const day = await db.selectFrom("plant").select("id").where("code", "=", "DAY").executeTakeFirstOrThrow();

  // The demo's DAY has passed every gate that holds a checklist criterion, and a passed gate shows no tick
  // controls. Reopen it from the baseline gate on, so DAY's engineer has something to tick.
  const passed: string[] = (
    await db.selectFrom("gate_pass").select("phase").where("plant_id", "=", day.id).execute()
  ).map((row) => row.phase);
  if (CHECKLIST_PHASES.every((phase) => passed.includes(phase))) {
    await db
      .deleteFrom("gate_pass")
      .where("plant_id", "=", day.id)
      .where("phase", "in", ["baseline", "alerting"])
      .execute();
  }

  const plants = (await (await fetch(`${server.url}/api/plants`, { headers: { Cookie: lead } })).json()) as {
    plants: { code: string; phase: string }[];
  };
  const other = plants.plants.find((plant) => plant.code !== "DAY" && CHECKLIST_PHASES.includes(plant.phase));
  assert.ok(other, "another plant is in a phase with a checklist criterion");
  otherPlant = other.code;

  // security@ owns the monitoring part of one DAY conduit and has not signed its current revision yet.
  const securityId = (
    await db.selectFrom("person").select("id").where("email", "=", "security@demo.test").executeTakeFirstOrThrow()
  ).id;
  const conduits = await db
    .selectFrom("conduit as c")
    .leftJoin("person as m", "m.id", "c.monitoring_owner_id")
    .select(["c.id", "c.revision", "c.design_owner_id", "c.monitoring_owner_id", "m.name as monitoring_owner_name"])
    .where("c.plant_id", "=", day.id)
    .orderBy("c.id")
    .execute();
  let owned = conduits.find((c) => c.monitoring_owner_id === securityId);
  if (!owned) {
    owned = conduits[0]!;
    const designOwnerId = owned.design_owner_id === null ? "" : String(owned.design_owner_id);
    const status = await post(`/plants/DAY/conduits/${owned.id}`, lead, {
      intent: "assign-owners",
      revision: String(owned.revision),
      seenDesignOwnerId: designOwnerId,
      seenMonitoringOwnerId: owned.monitoring_owner_id === null ? "" : String(owned.monitoring_owner_id),
      designOwnerId,
      monitoringOwnerId: String(securityId),
    });
    assert.equal(status, 302, "the lead makes security@ the monitoring owner of a DAY conduit");
  }
  ownedConduit = owned.id;
  const signForm = 'name="part" value="monitoring_incident_response"';
  if (!(await html(`/plants/DAY/conduits/${ownedConduit}`, security)).includes(signForm)) {
    // Signed already: security@ revokes it, as the signer may, so the current revision waits for them again.
    const live = await db
      .selectFrom("signoff")
      .select("id")
      .where("subject_type", "=", "conduit")
      .where("subject_id", "=", ownedConduit)
      .where("part", "=", "monitoring_incident_response")
      .where("person_id", "=", securityId)
      .where("revoked_at", "is", null)
      .execute();
    for (const signoff of live) {
      const status = await post(`/plants/DAY/conduits/${ownedConduit}`, security, {
        intent: "revoke",
        signoffId: String(signoff.id),
        reason: "Re-reviewing before the browser test",
      });
      assert.equal(status, 302, "security@ revokes their signoff");
    }
    assert.ok(
      (await html(`/plants/DAY/conduits/${ownedConduit}`, security)).includes(signForm),
      "security@ can sign the conduit now"
    );
  }
  const others = conduits.find((c) => c.monitoring_owner_id !== null && c.monitoring_owner_id !== securityId);
  assert.ok(others?.monitoring_owner_name, "another DAY conduit has a monitoring owner other than security@");
  othersConduit = { id: others.id, owner: others.monitoring_owner_name };
});

after(async () => {
  await db?.destroy();
  await browser?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A browser of its own per role, signed in through the real form, collecting script errors. */
async function signedIn(email: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await signInInBrowser(page, server.url, email, TEST_PASSWORD);
  return { context, page, errors };
}

async function navLinks(page: Page): Promise<string[]> {
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.waitFor();
  // The notifications link carries the unread count, which depends on what the notifier wrote so far.
  return (await nav.getByRole("link").allInnerTexts()).map((text) =>
    text.trim().replace(/^Notifications \(\d+\)$/, "Notifications (n)")
  );
}

async function openPlant(page: Page, code: string): Promise<void> {
  await page.goto(`${server.url}/plants/${code}`);
  await page.getByRole("heading", { level: 1, name: new RegExp(`\\b${code}\\b`) }).waitFor();
  await settled(page);
}

/** The summaries that open a tick or untick form in the gates panel. */
/** The tick controls of the gates: a folded form's summary, or the button of a form shown as it is. */
function tickControls(page: Page) {
  return page
    .locator("#gates summary, #gates button")
    .filter({ hasText: /^(Tick…|Untick…|(Tick|Untick) [A-Z]+-[A-Z-]+)$/ });
}

function editSplitControl(page: Page) {
  return page.locator("#ownership details.edit-split > summary");
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(shots, `roles-${name}.png`), fullPage: true });
}

describe("what each role sees", () => {
  it("the program lead: the program, settings and the audit trail; tick and edit controls on a plant", async () => {
    const { context, page, errors } = await signedIn("lead@demo.test");
    await page.getByRole("heading", { level: 1, name: "Plants" }).waitFor();
    assert.deepEqual(
      await navLinks(page),
      ["Dashboard", "Plants", "My queue", "Notifications (n)", "Windows", "Settings", "Audit trail"],
      "the lead's navigation"
    );
    await openPlant(page, "DAY");
    assert.ok((await tickControls(page).count()) > 0, "the lead sees tick controls on DAY");
    assert.ok(await editSplitControl(page).isVisible(), "the lead sees the control to edit DAY's ownership split");
    await shot(page, "program-lead");
    assert.deepEqual(errors, [], "no script errors");
    await context.close();
  });

  it("the executive: everything, read-only: no control that changes anything", async () => {
    const { context, page, errors } = await signedIn("exec@demo.test");
    await page.getByRole("heading", { level: 1, name: "Program dashboard" }).waitFor();
    assert.deepEqual(
      await navLinks(page),
      ["Dashboard", "Plants", "Windows", "Settings", "Audit trail"],
      "the executive's navigation"
    );
    await openPlant(page, "DAY");
    await page.getByRole("heading", { name: /^Assets \(/ }).waitFor();
    const enabledSubmits = await page.evaluate(() =>
      [
        ...document.querySelectorAll<HTMLButtonElement | HTMLInputElement>(
          "button, input[type=submit], input[type=image]"
        ),
      ]
        .filter((control) => !control.disabled && (control.type === "submit" || control.type === "image"))
        .map((control) => (control instanceof HTMLButtonElement ? control.innerText : control.value).trim())
        .sort()
    );
    assert.deepEqual(enabledSubmits, ["Sign out"], "the only enabled submit button is Sign out");
    const postForms = await page.evaluate(() =>
      [...document.querySelectorAll("form")]
        .filter((form) => form.method.toLowerCase() === "post")
        .map((form) => new URL(form.action).pathname)
    );
    assert.deepEqual(postForms, ["/logout"], "the only form that posts is Sign out");
    assert.equal(await tickControls(page).count(), 0, "no tick controls for the executive");
    assert.equal(await editSplitControl(page).count(), 0, "no split editing for the executive");
    await shot(page, "executive");

    await page.goto(`${server.url}/settings`);
    await page.getByRole("heading", { level: 1, name: "Baseline thresholds" }).waitFor();
    await settled(page);
    assert.ok(await page.getByText("Only a program lead changes these.").isVisible(), "settings say who changes them");
    const editable = await page
      .locator("main input:not([disabled]), main textarea:not([disabled]), main select:not([disabled])")
      .count();
    assert.equal(editable, 0, "every threshold field is disabled for the executive");
    assert.deepEqual(errors, [], "no script errors");
    await context.close();
  });

  it("the plant engineer: their plant in full with tick and split controls, another plant as a summary", async () => {
    const { context, page, errors } = await signedIn("eng.day@demo.test");
    await page.getByRole("heading", { level: 1, name: "What waits on me" }).waitFor();
    assert.deepEqual(
      await navLinks(page),
      ["Dashboard", "Plants", "My queue", "Notifications (n)", "Windows", "Settings"],
      "the plant engineer's navigation"
    );

    await openPlant(page, "DAY");
    await page.getByRole("heading", { name: /^Assets \(/ }).waitFor();
    assert.ok((await tickControls(page).count()) > 0, "DAY's engineer sees tick controls on DAY");
    assert.ok(
      await editSplitControl(page).isVisible(),
      "DAY's engineer sees the control to edit DAY's ownership split"
    );
    await shot(page, "plant-engineer-own-plant");

    // The other plant has tick controls for those allowed there (the lead sees them), not for DAY's engineer.
    const lead = await signInOverHttp(server.url, "lead@demo.test");
    assert.match(
      await html(`/plants/${otherPlant}`, lead),
      /name="intent" value="(tick|untick)"/,
      `${otherPlant} has checklist controls for the lead`
    );
    await openPlant(page, otherPlant);
    await page.getByRole("heading", { name: /^Assets \(/ }).waitFor();
    assert.ok(
      await page.getByText("You are not assigned to this plant, so its inventory").isVisible(),
      "the summary says why details are hidden"
    );
    assert.equal(
      await page.getByRole("heading", { name: "Asset inventory" }).count(),
      0,
      "no asset inventory on another plant"
    );
    assert.equal(await page.getByText("Assets by kind and zone").count(), 0, "no asset breakdown on another plant");
    assert.equal(await tickControls(page).count(), 0, "no tick controls on another plant");
    assert.equal(await editSplitControl(page).count(), 0, "no split editing on another plant");
    assert.equal(
      await page.getByRole("button", { name: /^Pass the \w+ gate$/ }).count(),
      0,
      "no gate pass control on another plant"
    );
    await shot(page, "plant-engineer-other-plant");
    assert.deepEqual(errors, [], "no script errors");
    await context.close();
  });

  it("corporate security: signs the monitoring part where they are the owner, and is told why not elsewhere", async () => {
    const { context, page, errors } = await signedIn("security@demo.test");
    await page.getByRole("heading", { level: 1, name: "What waits on me" }).waitFor();
    assert.deepEqual(
      await navLinks(page),
      ["Dashboard", "Plants", "My queue", "Notifications (n)", "Windows", "Settings"],
      "corporate security's navigation"
    );
    const part = (name: RegExp) => page.locator(".part").filter({ has: page.getByRole("heading", { name }) });

    await page.goto(`${server.url}/plants/DAY/conduits/${ownedConduit}`);
    await page.getByRole("heading", { name: /^Owners and signoffs/ }).waitFor();
    await settled(page);
    const monitoring = part(/^Monitoring & incident response/);
    const sign = monitoring.getByRole("button", { name: /^Sign revision \d+$/ });
    await sign.waitFor();
    assert.equal(await sign.isEnabled(), true, "security@ may sign the monitoring part they own");
    assert.equal(
      await part(/^Design & change control/)
        .getByRole("button", { name: /^Sign revision/ })
        .count(),
      0,
      "no control to sign the design part"
    );
    await shot(page, "corporate-security-owner");

    await page.goto(`${server.url}/plants/DAY/conduits/${othersConduit.id}`);
    await page.getByRole("heading", { name: /^Owners and signoffs/ }).waitFor();
    await settled(page);
    const disabled = part(/^Monitoring & incident response/).getByRole("button", { name: /^Sign revision \d+$/ });
    await disabled.waitFor();
    assert.equal(await disabled.isDisabled(), true, "the sign control is disabled on a conduit someone else owns");
    assert.equal(
      (await page.locator("#why-monitoring_incident_response").innerText()).trim(),
      `Only the assigned owner, ${othersConduit.owner}, signs this part.`,
      "the disabled control says who signs instead"
    );
    await shot(page, "corporate-security-not-owner");
    assert.deepEqual(errors, [], "no script errors");
    await context.close();
  });

  it("the admin: sent to accounts and tokens, refused a plant with a 403 page", async () => {
    const { context, page, errors } = await signedIn("admin@demo.test");
    await page.getByRole("heading", { level: 1, name: "Accounts and API tokens" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/admin", "the admin lands on /admin");
    assert.deepEqual(await navLinks(page), ["Accounts & tokens"], "the admin's navigation");
    await shot(page, "admin");

    const response = await page.goto(`${server.url}/plants/DAY`);
    assert.equal(response?.status(), 403, "the plant page answers 403 to the admin");
    await page.locator(".error-page").getByText("Error 403").waitFor();
    await settled(page);
    assert.match(await page.locator(".error-page").innerText(), /may not do this here/, "the 403 page says why");
    assert.equal(
      await page.getByRole("heading", { name: "Asset inventory" }).count(),
      0,
      "nothing of the plant is shown"
    );
    await shot(page, "admin-refused-plant");
    assert.deepEqual(errors, [], "no script errors");
    await context.close();
  });
});
