import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { root } from "../../scripts/build";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// The dashboards in a real headless Chromium against the demo program: the executive's rollup with its charts
// drawn (pixels read back from each canvas) and printable; the program lead filtering and sorting plants by the
// address and drilling into one; a plant engineer's queue, only their plant's work, each item leading to where
// it is done; and every page whole with JavaScript off.

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
  await browser?.close();
  await server?.stop();
  await db?.destroy();
});

interface Session {
  context: BrowserContext;
  page: Page;
  /** Script errors, console errors and Content-Security-Policy violations seen by the page. */
  problems: string[];
}

async function signedIn(email: string, javaScriptEnabled = true): Promise<Session> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`script error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  // Recorded by the browser itself, whatever the console says.
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const list = ((window as unknown as { __csp?: string[] }).__csp ??= []);
      list.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
    });
  });
  await signInInBrowser(page, server.url, email, TEST_PASSWORD);
  // What the sign-in page itself reported is not the dashboards' doing: start counting from here.
  problems.length = 0;
  if (javaScriptEnabled) await page.evaluate(() => ((window as unknown as { __csp?: string[] }).__csp = []));
  return { context, page, problems };
}

async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
}

/** Each chart's canvas: its size and how many of its pixels are painted. */
async function canvases(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLCanvasElement>(".chart-box canvas")].map((canvas) => {
      const context = canvas.getContext("2d")!;
      const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      const colours = new Set<string>();
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3] !== 0) {
          painted += 1;
          if (colours.size < 50) colours.add(`${pixels[i]},${pixels[i + 1]},${pixels[i + 2]}`);
        }
      }
      const blank = document.createElement("canvas");
      blank.width = canvas.width;
      blank.height = canvas.height;
      return {
        chart: canvas.closest<HTMLElement>(".chart-box")!.dataset.chart ?? "",
        width: canvas.width,
        height: canvas.height,
        painted,
        colours: colours.size,
        differsFromBlank: canvas.toDataURL() !== blank.toDataURL(),
        label: canvas.getAttribute("aria-label") ?? "",
      };
    })
  );
}

/** The plant codes of the table rows marked with data-plant, in order. */
async function listedPlants(page: Page): Promise<string[]> {
  return page.locator("tr[data-plant]").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-plant") ?? ""));
}

async function navLinks(page: Page): Promise<string[]> {
  return (await page.getByRole("navigation", { name: "Main" }).getByRole("link").allInnerTexts()).map((t) => t.trim());
}

describe("the executive", () => {
  it("reads the rollup with its charts drawn, prints it, and can change nothing", async () => {
    const { context, page, problems } = await signedIn("exec@demo.test");
    assert.ok((await navLinks(page)).includes("Dashboard"), "the executive's navigation has the dashboard");
    assert.ok(!(await navLinks(page)).includes("My queue"), "nothing waits on an executive");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
    await page.getByRole("heading", { level: 1, name: "Program dashboard" }).waitFor();
    await settled(page);
    for (const chart of ["phase", "burnup", "rag"]) await page.locator(`[data-chart="${chart}"] canvas`).waitFor();
    // Chart.js draws on the next animation frame after the canvas mounts.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

    const drawn = await canvases(page);
    assert.deepEqual(
      drawn.map((c) => c.chart),
      ["phase", "burnup", "rag"],
      "three charts"
    );
    for (const canvas of drawn) {
      assert.ok(canvas.width > 100 && canvas.height > 100, `the ${canvas.chart} chart has a size`);
      assert.ok(canvas.differsFromBlank, `the ${canvas.chart} chart is not blank`);
      assert.ok(
        canvas.painted > canvas.width * canvas.height * 0.01,
        `the ${canvas.chart} chart has drawn pixels (${canvas.painted})`
      );
      assert.ok(canvas.colours > 3, `the ${canvas.chart} chart has several colours (${canvas.colours})`);
      assert.match(canvas.label, /table/, `the ${canvas.chart} chart points to its table`);
    }
    // Every chart has its table with the same numbers.
    for (const caption of ["Plants per phase", "Plants through each gate", "Plants by rating"]) {
      assert.equal(await page.locator("table caption", { hasText: caption }).count(), 1, `the table “${caption}”`);
    }
    assert.match(await page.locator(".rag-rule").innerText(), /Green:[\s\S]*Amber:[\s\S]*Red:/, "the rule is stated");
    assert.match(await page.locator(".computed-at").first().innerText(), /Computed \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    assert.match(await page.locator("#windows").innerText(), /\b(E|C|M|P)[SD]T\b/, "windows in plant time with zone");
    await page.screenshot({ path: path.join(shots, "dashboard-executive.png"), fullPage: true });

    assert.equal(await page.locator("main form").count(), 0, "no form on the dashboard");
    assert.equal(await page.locator("main button").count(), 0, "no button on the dashboard");

    // Printable: navigation and export links drop out, the charts and tables stay.
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.getByRole("navigation", { name: "Main" }).isVisible(), false, "no navigation in print");
    assert.equal(await page.locator(".exports").first().isVisible(), false, "no export links in print");
    assert.ok(await page.locator('[data-chart="burnup"] canvas').isVisible(), "the burn-up prints");
    for (const format of ["A4", "Letter"] as const) {
      const pdf = await page.pdf({ format, printBackground: true });
      assert.equal(pdf.subarray(0, 4).toString(), "%PDF", `a ${format} PDF`);
      fs.writeFileSync(path.join(shots, `dashboard-${format.toLowerCase()}.pdf`), pdf);
    }
    await page.emulateMedia({ media: "screen" });

    // The plants list is read-only too: its one form only filters (GET).
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Plants" }).click();
    await page.getByRole("heading", { level: 1, name: "Plants" }).waitFor();
    await settled(page);
    assert.equal((await listedPlants(page)).length, 13, "an executive sees every plant");
    assert.equal(await page.locator('main form[method="post"]').count(), 0, "no form that changes anything");

    assert.deepEqual(await cspViolations(page), [], "no Content-Security-Policy violation");

    // Loaded afresh, the dashboard draws its charts within the policy too.
    await page.goto(`${server.url}/dashboard`);
    await page.locator('[data-chart="burnup"] canvas').waitFor();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    assert.ok(
      (await canvases(page)).every((c) => c.differsFromBlank),
      "the charts are drawn after a full load"
    );
    assert.deepEqual(await cspViolations(page), [], "no Content-Security-Policy violation after a full load");

    // A plant's link in the forecast (a plain link, the table rendered once on the server) opens its page within
    // the app: the document stays the same one.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const plantLink = page.locator(".rag-table tbody tr th a").first();
    const href = await plantLink.getAttribute("href");
    assert.match(href ?? "", /^\/plants\/[A-Z0-9]+$/, "the forecast links each plant's page");
    await plantLink.click();
    await page.waitForURL(`${server.url}${href}`);
    await page.getByRole("heading", { level: 1 }).waitFor();
    assert.equal(
      await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
      true,
      "followed within the app, without loading the document again"
    );
    assert.deepEqual(problems, [], "no script or console error");
    await context.close();
  });
});

describe("the program lead", () => {
  it("filters and sorts plants by the address, and drills into one", async () => {
    const { context, page, problems } = await signedIn("lead@demo.test");
    await page.goto(`${server.url}/plants`);
    await page.getByRole("heading", { level: 1, name: "Plants" }).waitFor();
    await settled(page);
    const all = await listedPlants(page);
    assert.equal(all.length, 13);

    const filters = page.getByRole("form", { name: "Filter plants" });
    await filters.getByLabel("Blocked").selectOption("yes");
    await filters.getByLabel("Phase").selectOption("conduits");
    await filters.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/blocked=yes/);
    await settled(page);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get("phase"), "conduits", "the phase filter is in the address");
    assert.equal(url.searchParams.get("blocked"), "yes", "the blocked filter is in the address");
    const conduits = await listedPlants(page);
    assert.ok(conduits.length > 0 && conduits.length < all.length, `a few plants: ${conduits.join(", ")}`);
    for (const code of conduits) {
      const row = page.locator(`tr[data-plant="${code}"]`);
      assert.match(await row.locator(".badge").first().innerText(), /Conduit definition/, `${code} is in conduits`);
    }

    await page.getByRole("link", { name: "Blocked for", exact: true }).click();
    await page.waitForURL(/sort=oldest/);
    await settled(page);
    const sorted = new URL(page.url());
    assert.equal(sorted.searchParams.get("phase"), "conduits", "sorting keeps the filters");
    const ages = await page
      .locator("tr[data-plant] td.blocked-for [data-age-days]")
      .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute("data-age-days"))));
    assert.deepEqual(
      ages,
      [...ages].sort((a, b) => b - a),
      "oldest blocker first"
    );

    // The state lives in the address: a reload shows the same view.
    const shown = await listedPlants(page);
    await page.reload();
    await settled(page);
    assert.deepEqual(await listedPlants(page), shown, "the same plants in the same order after reload");
    assert.equal(await filters.getByLabel("Phase").inputValue(), "conduits", "the form shows the filter after reload");

    await page.goto(`${server.url}/plants?phase=nowhere&sort=colour`);
    await settled(page);
    const notice = await page.getByRole("status").innerText();
    assert.match(notice, /phase “nowhere”/, "the unknown phase is named");
    assert.match(notice, /sort “colour”/, "the unknown sort key is named");
    assert.equal((await listedPlants(page)).length, 13, "an unknown filter shows every plant");
    await page.screenshot({ path: path.join(shots, "dashboard-plants.png"), fullPage: true });

    const first = all[0]!;
    await page.locator(`tr[data-plant="${first}"] a`).first().click();
    await page.getByRole("heading", { level: 1, name: new RegExp(`\\b${first}\\b`) }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/plants/${first}`);
    assert.deepEqual(problems, [], "no script or console error");
    await context.close();
  });
});

describe("a plant engineer", () => {
  it("sees only their plant's work in the queue, each item leading to where it is done", async () => {
    const { context, page, problems } = await signedIn("eng.kok@demo.test");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My queue" }).click();
    await page.getByRole("heading", { level: 1, name: "What waits on me" }).waitFor();
    await settled(page);
    const plants = await page
      .locator("[data-plant]")
      .evaluateAll((items) => items.map((item) => item.getAttribute("data-plant")));
    assert.ok(plants.length > 0, "something waits at KOK");
    assert.ok(
      plants.every((code) => code === "KOK"),
      `only KOK's work: ${plants.join(", ")}`
    );
    assert.match(await page.locator(".computed-at").innerText(), /Computed .* UTC/);
    await page.screenshot({ path: path.join(shots, "dashboard-queue.png"), fullPage: true });

    const change = page.locator("#changes tr[data-plant] a").first();
    assert.equal(await change.count(), 1, "a change to schedule or close");
    await change.click();
    await page.waitForURL(/\/plants\/KOK\/changes\/\d+/);
    await page.getByRole("heading", { level: 1 }).waitFor();

    await page.goBack();
    await page.getByRole("heading", { level: 1, name: "What waits on me" }).waitFor();
    const signoff = page.locator("#signoffs tr[data-plant] a").first();
    if ((await signoff.count()) > 0) {
      const href = (await signoff.getAttribute("href")) ?? "";
      assert.match(href, /^\/plants\/KOK(\/conduits\/\d+|#ownership)$/, "a signoff links to its conduit or split");
    }
    assert.deepEqual(problems, [], "no script or console error");
    await context.close();
  });
});

describe("without JavaScript", () => {
  it("the dashboard, the plants list and the queue are whole", async () => {
    const { context, page } = await signedIn("lead@demo.test", false);
    await page.goto(`${server.url}/dashboard`);
    await page.getByRole("heading", { level: 1, name: "Program dashboard" }).waitFor();
    assert.equal(await page.locator("canvas").count(), 0, "no chart without JavaScript");
    for (const caption of ["Plants per phase", "Plants through each gate", "Plants by rating", "oldest blockers"]) {
      assert.equal(await page.locator("table caption", { hasText: caption }).count(), 1, `the table “${caption}”`);
    }
    const weeks = await page.locator("tr[data-week]").count();
    assert.ok(weeks >= 13, `months of weekly history (${weeks} weeks)`);
    await page.screenshot({ path: path.join(shots, "dashboard-no-js.png"), fullPage: true });

    await page.goto(`${server.url}/plants`);
    const filters = page.getByRole("form", { name: "Filter plants" });
    await filters.getByLabel("Rating").selectOption("red");
    await filters.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/rag=red/);
    const red = await listedPlants(page);
    assert.ok(red.length > 0, "red plants listed");
    for (const code of red) {
      assert.match(await page.locator(`tr[data-plant="${code}"] .rag`).innerText(), /Red/, `${code} is red`);
    }

    await page.goto(`${server.url}/me`);
    await page.getByRole("heading", { level: 1, name: "What waits on me" }).waitFor();
    assert.ok((await page.locator("section.panel").count()) >= 2, "the queue's sections are there");
    await context.close();
  });
});
