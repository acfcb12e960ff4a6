import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { root } from "../../scripts/build";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// Baseline evidence on the plant page in a real headless Chromium: the convergence chart and its numbers, a wrong
// flow acknowledged, staged hosts triaged, inventory exports uploaded, and the same page without JavaScript.

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
});

after(async () => {
  await db?.destroy();
  await browser?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Console errors, uncaught page errors and CSP violations of a page. Chromium logs CSP refusals as console errors;
 * the page's own `securitypolicyviolation` events are collected too (see `cspViolations`).
 */
async function watchErrors(page: Page, { allow400 = false } = {}): Promise<string[]> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) =>
      seen.push(`${event.violatedDirective} ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`)
    );
  });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    // A refused form's 400 is the expected answer; Chromium logs every 4xx fetch as an error.
    if (allow400 && /the server responded with a status of 400/.test(message.text())) return;
    errors.push(message.text());
  });
  return errors;
}

/**
 * The CSP violations the current document reported, `eval` included: the validation library must not even probe
 * for `new Function` in the browser (app/utils/zod.ts turns its compiler off).
 */
async function cspViolations(page: Page): Promise<string[]> {
  const reported = await page.evaluate(
    () => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []
  );
  return reported;
}

/** The count in the "Staged hosts (N)" heading. */
async function stagedCount(page: Page): Promise<number> {
  const heading = await page.locator("#staged-title").innerText();
  const match = /^Staged hosts \((\d+)\)/.exec(heading);
  assert.ok(match, `the staged-hosts heading carries a count: “${heading}”`);
  return Number(match[1]);
}

async function waitForStagedCount(page: Page, count: number): Promise<void> {
  await page.locator("#staged-title", { hasText: new RegExp(`^Staged hosts \\(${count}\\)`) }).waitFor();
  await settled(page);
}

/** The IPs of the open staged hosts, in the order the table lists them. */
async function stagedIps(page: Page): Promise<string[]> {
  return page.locator("#staged-hosts table tbody tr td:nth-child(2)").allInnerTexts();
}

function triageOf(page: Page, ip: string) {
  return page.locator("#staged-hosts details.triage", {
    has: page.locator("summary", { hasText: new RegExp(`^Triage ${ip.replace(/\./g, "\\.")}$`) }),
  });
}

/** The plant's staged hosts still to triage, as the database holds them. */
async function stagedInDatabase(code: string): Promise<number> {
  const row = await db
    .selectFrom("asset as a")
    .innerJoin("plant as p", "p.id", "a.plant_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("p.code", "=", code)
    .where("a.status", "=", "staged")
    .where("a.triage", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function assetByIp(code: string, ip: string) {
  return db
    .selectFrom("asset as a")
    .innerJoin("plant as p", "p.id", "a.plant_id")
    .select(["a.id", "a.status", "a.kind", "a.zone_id", "a.triage", "a.triage_note", "a.discovery_source"])
    .where("p.code", "=", code)
    .where("a.ip", "=", ip)
    .executeTakeFirstOrThrow();
}

describe("baseline evidence on the plant page", () => {
  it("draws the convergence chart beside its numbers, and acknowledges the open wrong flow", async () => {
    const page = await browser.newPage();
    const errors = await watchErrors(page);
    await signInInBrowser(page, server.url, "eng.ogd@demo.test", TEST_PASSWORD);
    await page.goto(`${server.url}/plants/OGD`);
    await settled(page);

    const baseline = page.locator("#baseline");
    await baseline.getByRole("heading", { name: "Passive baselines" }).waitFor();
    const monitored = baseline.locator("table", {
      has: page.locator("caption", {
        hasText: /^Monitored conduits: counted days \(mature at 30, stalled at 60 if never mature\)/,
      }),
    });
    const telnetRow = monitored.locator("tbody tr", { hasText: "Engineering ↔ Supervisory" });
    assert.equal(await telnetRow.count(), 1, "the monitored conduit with the wrong flow has a row");
    assert.match(await telnetRow.innerText(), /\d+ of 30/, "the row counts days out of 30");
    assert.match(await telnetRow.innerText(), /1 open of 1/, "the row counts its open wrong flow");

    // The chart is drawn on the client: its canvas holds pixels an empty canvas of the same size does not.
    const canvas = baseline.locator(".chart-box canvas");
    await canvas.waitFor();
    await page.waitForFunction(() => {
      const c = document.querySelector<HTMLCanvasElement>("#baseline .chart-box canvas");
      if (!c || c.width === 0 || c.height === 0) return false;
      const blank = document.createElement("canvas");
      blank.width = c.width;
      blank.height = c.height;
      return c.toDataURL() !== blank.toDataURL();
    });
    const drawn = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>("#baseline .chart-box canvas")!;
      const blank = document.createElement("canvas");
      blank.width = c.width;
      blank.height = c.height;
      const pixels = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
      return {
        width: c.width,
        height: c.height,
        differs: c.toDataURL() !== blank.toDataURL(),
        painted,
        label: c.getAttribute("aria-label"),
        role: c.getAttribute("role"),
      };
    });
    assert.ok(drawn.width > 0 && drawn.height > 0, `the canvas has a size: ${drawn.width}×${drawn.height}`);
    assert.ok(drawn.differs, "the canvas differs from an empty canvas of the same size");
    assert.ok(drawn.painted > 500, `the chart paints a fair share of the canvas: ${drawn.painted} pixels`);
    assert.equal(drawn.role, "img", "the chart is an image to assistive technology");
    assert.match(drawn.label ?? "", /New flow tuples per day/, "the chart has a label");

    // The same numbers as a table, folded away when the chart is there.
    const numbers = baseline.locator("details", { has: page.locator("summary", { hasText: "The numbers behind" }) });
    assert.equal(await numbers.getAttribute("open"), null, "with the chart drawn, the numbers start folded");
    await numbers.locator("summary").click();
    const table = numbers.locator("table", {
      has: page.locator("caption", { hasText: "New flow tuples per day of the epoch" }),
    });
    await table.waitFor();
    assert.ok(
      (await table.locator("thead th", { hasText: "Engineering ↔ Supervisory" }).count()) === 1,
      "the numbers table has a column for the conduit with the wrong flow"
    );
    assert.ok((await table.locator("tbody tr").count()) > 0, "the numbers table has a row per day of the epoch");
    await baseline.screenshot({ path: path.join(shots, "evidence-baseline.png") });

    // The open telnet flow, acknowledged through its form on the plant's wrong-flows page.
    await telnetRow.getByRole("link", { name: "1 open of 1" }).click();
    await page.waitForURL(`${server.url}/plants/OGD/violations`);
    await settled(page);
    const violations = page.locator("#violations");
    assert.match(await page.locator("#violations-title").innerText(), /^Policy violations \(1 open of 1\)/);
    const row = violations.locator("tbody tr", { hasText: "tcp/23" });
    assert.equal(await row.count(), 1, "the telnet flow is listed");
    await row.getByLabel(/What the flow was/).fill("Vendor telnet test; the port is closed on the firewall again.");
    await row.getByRole("button", { name: "Acknowledge" }).click();
    await page.locator("#violations-title", { hasText: /^Policy violations \(0 open of 1\)/ }).waitFor();
    await settled(page);
    const acknowledged = await violations.locator("tbody tr", { hasText: "tcp/23" }).innerText();
    assert.match(acknowledged, /Vendor telnet test; the port is closed on the firewall again\./, "the note shows");
    assert.doesNotMatch(acknowledged, /\bopen\b/, "the flow is no longer marked open");
    assert.equal(await row.getByRole("button", { name: "Acknowledge" }).count(), 0, "the form is gone");
    const stored = await db
      .selectFrom("policy_violation as v")
      .innerJoin("person as p", "p.id", "v.acknowledged_by")
      .select(["p.email", "v.acknowledged_note"])
      .where("v.tuple", "like", "%|tcp|23")
      .executeTakeFirstOrThrow();
    assert.equal(stored.email, "eng.ogd@demo.test", "the acknowledgement names the engineer");
    assert.equal(stored.acknowledged_note, "Vendor telnet test; the port is closed on the firewall again.");

    assert.deepEqual(await cspViolations(page), [], "the page reported no CSP violation");
    assert.deepEqual(errors, [], "no console errors, page errors or CSP violations");
    await page.close();
  });

  it("triages staged hosts of an inventory-phase plant: one confirmed, one known-transient", async () => {
    const page = await browser.newPage();
    const errors = await watchErrors(page);
    await signInInBrowser(page, server.url, "eng.gry@demo.test", TEST_PASSWORD);
    await page.goto(`${server.url}/plants/GRY`);
    await settled(page);
    await page.getByRole("link", { name: /^Staged hosts to triage: \d+/ }).click();
    await page.waitForURL(`${server.url}/plants/GRY/hosts`);
    await settled(page);

    const before = await stagedCount(page);
    assert.ok(before >= 2, `GRY has staged hosts to triage: ${before}`);
    const [confirmIp, transientIp] = await stagedIps(page);
    assert.ok(confirmIp && transientIp, "two staged hosts are listed");

    const confirm = triageOf(page, confirmIp);
    await confirm.locator("summary").click();
    await confirm.getByLabel("Zone").selectOption({ label: "Corporate network" });
    await confirm.getByLabel("Kind").selectOption({ label: "PLC" });
    await confirm.getByRole("button", { name: "Confirm into the inventory" }).click();
    await waitForStagedCount(page, before - 1);
    assert.ok(!(await stagedIps(page)).includes(confirmIp), `${confirmIp} left the staged list`);
    const confirmed = await assetByIp("GRY", confirmIp);
    assert.equal(confirmed.status, "confirmed");
    assert.equal(confirmed.kind, "plc");

    const transient = triageOf(page, transientIp);
    await transient.locator("summary").click();
    await transient.getByLabel("Note").fill("Vendor laptop during the PM visit");
    await transient.getByRole("button", { name: "Known-transient" }).click();
    await waitForStagedCount(page, before - 2);
    assert.ok(!(await stagedIps(page)).includes(transientIp), `${transientIp} left the hosts to triage`);
    const known = page.locator("#staged-hosts details", {
      has: page.locator("summary", { hasText: /^Known-transient hosts \(1\)$/ }),
    });
    await known.locator("summary").click();
    const listed = await known.locator("li").allInnerTexts();
    assert.equal(listed.length, 1, "one known-transient host");
    assert.match(listed[0]!, new RegExp(`^${transientIp.replace(/\./g, "\\.")} — Vendor laptop during the PM visit`));
    const stored = await assetByIp("GRY", transientIp);
    assert.deepEqual(
      [stored.status, stored.triage, stored.triage_note],
      ["staged", "transient", "Vendor laptop during the PM visit"],
      "the host stays staged, marked known-transient with its note"
    );

    assert.deepEqual(await cspViolations(page), [], "the page reported no CSP violation");
    assert.deepEqual(errors, [], "no console errors, page errors or CSP violations");
    await page.close();
  });

  it("uploads an inventory export, then refuses a bad one listing its lines", async () => {
    const page = await browser.newPage();
    const errors = await watchErrors(page, { allow400: true });
    await signInInBrowser(page, server.url, "eng.gry@demo.test", TEST_PASSWORD);
    await page.goto(`${server.url}/plants/GRY/assets`);
    await settled(page);
    const before = await stagedInDatabase("GRY");

    const importer = page.locator("#assets details.asset-import");
    await importer.locator("> summary", { hasText: "Import an inventory export (CSV)" }).click();
    await importer.getByLabel("CSV file").setInputFiles({
      name: "gry-sensor-export.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(
        "IP Address,MAC Address,Vendor,Model,Device Type,Hostname\n" +
          "10.200.46.11,02:5e:00:00:46:11,Siemens,S7-1516,PLC,gry-e2e-plc\n" +
          "10.200.46.12,,Rockwell,PanelView 5500,HMI,gry-e2e-hmi\n"
      ),
    });
    await importer.getByRole("button", { name: "Import" }).click();
    const status = page.locator("#assets").getByRole("status");
    await status.waitFor();
    await settled(page);
    assert.equal(await status.innerText(), "Imported 2 rows: 2 new (staged), 0 updated, 0 unchanged.");
    assert.equal(await stagedInDatabase("GRY"), before + 2, "the two imported hosts wait for triage");
    assert.equal((await assetByIp("GRY", "10.200.46.11")).status, "staged", "the imported host waits for triage");
    assert.equal((await assetByIp("GRY", "10.200.46.12")).discovery_source, "import");

    await importer.getByLabel("CSV file").setInputFiles({
      name: "gry-bad-export.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(
        "IP Address,Device Type,Hostname\n" + "10.200.46.300,PLC,gry-e2e-bad\n" + "10.200.46.13,Toaster,gry-e2e-odd\n"
      ),
    });
    await importer.getByRole("button", { name: "Import" }).click();
    const alert = page.locator("#assets").getByRole("alert");
    await alert.waitFor();
    await settled(page);
    assert.match(await alert.innerText(), /2 problems in the file; nothing was imported\./);
    // Every bad row is listed under the file it is in.
    const text = await importer.locator("form .field-error").innerText();
    assert.match(text, /line 2, column “IP Address”: “10\.200\.46\.300” is not an IPv4 or IPv6 address/);
    assert.match(text, /line 3, column “Device Type”: “Toaster” is not a kind this program knows/);
    assert.equal(await page.locator("#assets").getByRole("status").count(), 0, "the earlier success is gone");
    assert.equal(await stagedInDatabase("GRY"), before + 2, "nothing of the bad file was staged");
    await importer.screenshot({ path: path.join(shots, "evidence-import-refused.png") });

    assert.deepEqual(await cspViolations(page), [], "the page reported no CSP violation");
    assert.deepEqual(errors, [], "no console errors, page errors or CSP violations");
    await page.close();
  });

  it("works without JavaScript: the numbers table shows and a host is confirmed through the plain form", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const errors = await watchErrors(page);
    // Jordan Miller is a plant engineer of both OGD (with a baseline) and GRY (with staged hosts).
    await signInInBrowser(page, server.url, "jordan.miller@demo.test", TEST_PASSWORD);

    await page.goto(`${server.url}/plants/OGD`);
    const numbers = page.locator("#baseline details", {
      has: page.locator("summary", { hasText: "The numbers behind" }),
    });
    assert.equal(await page.locator("#baseline canvas").count(), 0, "no chart is drawn without JavaScript");
    await numbers.locator("summary").click();
    const table = numbers.locator("table", {
      has: page.locator("caption", { hasText: "New flow tuples per day of the epoch" }),
    });
    assert.ok(await table.isVisible(), "the numbers table is visible");
    assert.ok((await table.locator("tbody tr").count()) > 0, "the numbers table has rows");
    assert.ok(
      (await table.locator("thead th", { hasText: "Engineering ↔ Supervisory" }).count()) === 1,
      "the numbers table has a column per charted conduit"
    );

    await page.goto(`${server.url}/plants/GRY/hosts`);
    const before = await stagedCount(page);
    const [ip] = await stagedIps(page);
    assert.ok(ip, "GRY still has a staged host");
    const triage = triageOf(page, ip);
    await triage.locator("summary").click();
    await triage.getByLabel("Zone").selectOption({ label: "Corporate network" });
    await triage.getByLabel("Kind").selectOption({ label: "HMI" });
    await Promise.all([
      page.waitForURL(`${server.url}/plants/GRY/hosts#staged-hosts`),
      triage.getByRole("button", { name: "Confirm into the inventory" }).click(),
    ]);
    await page.waitForLoadState("load");
    assert.equal(await stagedCount(page), before - 1, "the staged count drops by one");
    assert.ok(!(await stagedIps(page)).includes(ip), `${ip} left the staged list`);
    const stored = await assetByIp("GRY", ip);
    assert.deepEqual([stored.status, stored.kind], ["confirmed", "hmi"], "the host is confirmed as an HMI");

    assert.deepEqual(errors, [], "no console errors");
    await context.close();
  });
});
