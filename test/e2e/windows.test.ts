import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { root } from "../../scripts/build";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// A plant engineer adds a confirmed outage window, schedules a conduit cutover into it through the form and sees it
// listed, then tries one outside the window and sees the refusal explained, all in plant-local time.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let browser: Browser;
let db: DB;
const YEAR = new Date().getUTCFullYear() + 1;

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

describe("scheduling a cutover in a window", () => {
  it("schedules a cutover inside a confirmed window and explains a refused one", async () => {
    const page = await browser.newPage();
    await signInInBrowser(page, server.url, "eng.day@demo.test", TEST_PASSWORD);
    await page.goto(`${server.url}/plants/DAY`);
    await settled(page);
    await page.getByRole("link", { name: "Outage windows of DAY" }).click();
    await page.getByRole("heading", { name: /Outage windows · / }).waitFor();
    await settled(page);

    // A confirmed window, entered in Dayton's clock.
    const create = page.locator("#create-window");
    await create.getByLabel("Title").fill("E2E cutover night");
    await create.getByLabel("Status").selectOption("confirmed");
    await create.locator('input[name="start.date"]').fill(`${YEAR}-08-15`);
    await create.locator('input[name="start.time"]').fill("22:00");
    await create.locator('input[name="end.date"]').fill(`${YEAR}-08-16`);
    await create.locator('input[name="end.time"]').fill("03:00");
    await create.getByRole("button", { name: "Add the window" }).click();
    await page.getByRole("heading", { name: /E2E cutover night/ }).waitFor();
    await settled(page);
    assert.match(
      await create.locator(".confirmation").innerText(),
      /^Window “E2E cutover night” added, confirmed: /,
      "the form confirms the window was added"
    );
    const window = await db
      .selectFrom("outage_window")
      .select("id")
      .where("title", "=", "E2E cutover night")
      .executeTakeFirstOrThrow();
    const card = page.locator(`#window-${window.id}`);
    const range = await card.locator(".local-range").innerText();
    assert.match(range, /22:00 EDT – .*03:00 EDT/, `the window shows in plant-local time with EDT: ${range}`);
    assert.match(await card.innerText(), /5 h real time/, "with its real duration");

    // A cutover inside the window.
    await card.getByText("Schedule a change into this window").click();
    const form = card.getByRole("form", { name: /Schedule a change into/ });
    await form.getByLabel("Kind").selectOption("conduit_cutover");
    await form.getByLabel("Title").fill("Cut over the historian conduit");
    const conduitSelect = form.getByLabel(/^Conduit \(for a cutover\)/);
    const firstConduit = await conduitSelect.locator("option").nth(1).getAttribute("value");
    assert.ok(firstConduit, "the conduit select offers the plant's conduits");
    await conduitSelect.selectOption(firstConduit);
    await form.locator('input[name="planned.date"]').fill(`${YEAR}-08-15`);
    await form.locator('input[name="planned.time"]').fill("23:00");
    await form.getByLabel("Planned minutes").fill("90");
    await form.getByRole("button", { name: "Schedule the change" }).click();
    await card.locator(".window-changes").getByText("Cut over the historian conduit").waitFor();
    await settled(page);
    assert.equal(
      await card.locator(".confirmation").innerText(),
      "Change “Cut over the historian conduit” scheduled into this window.",
      "the window confirms the change was scheduled"
    );
    const listed = await card.locator(".window-changes").innerText();
    assert.match(listed, /Scheduled\s+Cut over the historian conduit/, `the cutover is listed as scheduled: ${listed}`);
    assert.match(listed, /planned .*23:00 EDT for 1 h 30 min/, "at its plant-local planned time");

    // One outside the window: refused, and the reason says why.
    const again = page.locator(`#window-${window.id}`);
    const details = again.locator("details.schedule-change");
    if (!(await details.evaluate((el) => (el as HTMLDetailsElement).open))) {
      await again.getByText("Schedule a change into this window").click();
    }
    const form2 = again.getByRole("form", { name: /Schedule a change into/ });
    await form2.getByLabel("Kind").selectOption("conduit_cutover");
    await form2.getByLabel("Title").fill("Cut over after hours");
    await form2.getByLabel(/^Conduit \(for a cutover\)/).selectOption(firstConduit);
    await form2.locator('input[name="planned.date"]').fill(`${YEAR}-08-16`);
    await form2.locator('input[name="planned.time"]').fill("06:00");
    await form2.getByLabel("Planned minutes").fill("30");
    await form2.getByRole("button", { name: "Schedule the change" }).click();
    const refusal = page.locator(`#window-${window.id}-schedule-error`);
    await refusal.waitFor();
    await settled(page);
    const why = await refusal.innerText();
    assert.match(why, /Refused/, `the refusal is shown: ${why}`);
    const reason = await page.locator(`#window-${window.id}-schedule-planned-error`).innerText();
    assert.match(reason, /does not start inside window “E2E cutover night”/, "and explained beside the planned start");
    assert.match(reason, /06:00 EDT/, "in plant-local time with the zone abbreviation");
    assert.doesNotMatch(`${why} ${reason}`, /plannedStart:|Refused:/, "in plain words, without field names");
    const refused = await db
      .selectFrom("network_change")
      .select("id")
      .where("title", "=", "Cut over after hours")
      .executeTakeFirst();
    assert.equal(refused, undefined, "the refused change was not stored");
    await page.screenshot({ path: path.join(root, "test-results", "windows-refused.png"), fullPage: true });

    // The program view shows it in the plant's time, too.
    await page.getByRole("link", { name: "Windows", exact: true }).click();
    await page.getByRole("heading", { name: "Upcoming outage windows" }).waitFor();
    await settled(page);
    const table = await page.locator("table.program-windows").innerText();
    assert.match(table, /(EST|EDT|CST|CDT|MST|MDT|PST|PDT)/, "the program list shows zone abbreviations");
    assert.match(table, /UTC/, "with UTC alongside");
    const hint = await page.locator("table.program-windows time[title]").first().getAttribute("title");
    assert.match(hint ?? "", /^Your time: /, `hovering a UTC time shows it in the viewer's own zone: ${hint}`);
    await page.close();
  });
});

/** The day the clocks go forward in Dayton (the second Sunday of March): 02:00–03:00 does not exist. */
function springForward(year: number): string {
  const firstSunday = 1 + ((7 - new Date(Date.UTC(year, 2, 1)).getUTCDay()) % 7);
  return `${year}-03-${String(firstSunday + 7).padStart(2, "0")}`;
}

describe("a window form with mistakes", () => {
  it("shows every field's problem beside it at once, then confirms the corrected window", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signInInBrowser(page, server.url, "eng.day@demo.test", TEST_PASSWORD);
    await page.goto(`${server.url}/plants/DAY/windows`);
    await page.getByRole("heading", { name: /Outage windows · / }).waitFor();
    await settled(page);

    // Both times fall in the hour the clocks skip: two fields at fault, both said at once, each beside its field.
    const create = page.locator("#create-window");
    const gap = springForward(YEAR);
    await create.getByLabel("Title").fill("E2E night in the gap");
    await create.locator('input[name="start.date"]').fill(gap);
    await create.locator('input[name="start.time"]').fill("02:10");
    await create.locator('input[name="end.date"]').fill(gap);
    await create.locator('input[name="end.time"]').fill("02:50");
    await create.getByRole("button", { name: "Add the window" }).click();
    const alert = create.getByRole("alert");
    await alert.waitFor();
    await settled(page);
    assert.equal(await alert.innerText(), "Check the 2 fields marked below.", "the form says how many fields to fix");
    const startError = await create.locator("#create-start-time-error").innerText();
    const endError = await create.locator("#create-end-time-error").innerText();
    assert.match(startError, /2:10 AM .*does not exist/, `the start's problem is beside the start time: ${startError}`);
    assert.match(endError, /2:50 AM .*does not exist/, `the end's problem is beside the end time: ${endError}`);
    assert.match(startError, /America\/New_York/, "naming the plant's zone");
    assert.doesNotMatch(`${startError} ${endError}`, /start\.time:|end\.time:|Refused:/, "in plain words");
    assert.equal(await create.locator('input[name="start.time"]').getAttribute("aria-invalid"), "true");
    assert.equal(await create.locator('input[name="end.time"]').getAttribute("aria-invalid"), "true");
    assert.equal(await create.locator('input[name="title"]').getAttribute("aria-invalid"), null, "the title is fine");
    const box = await create.locator("form").boundingBox();
    assert.ok(box && box.y < 800 && box.y + box.height > 0, "the page has scrolled to the form that failed");
    const stored = db.selectFrom("outage_window").select("id").where("title", "=", "E2E night in the gap");
    assert.equal(await stored.executeTakeFirst(), undefined, "nothing was stored");

    // Corrected: the window is added and the form confirms it where it was sent.
    await create.locator('input[name="start.date"]').fill(`${YEAR}-09-10`);
    await create.locator('input[name="start.time"]').fill("22:00");
    await create.locator('input[name="end.date"]').fill(`${YEAR}-09-10`);
    await create.locator('input[name="end.time"]').fill("23:30");
    await create.getByRole("button", { name: "Add the window" }).click();
    const confirmation = create.locator(".confirmation");
    await confirmation.waitFor();
    await settled(page);
    assert.match(
      await confirmation.innerText(),
      /^Window “E2E night in the gap” added, planned: .*22:00 EDT/,
      "the confirmation names the window and its plant-local time"
    );
    assert.equal(await create.getByRole("alert").count(), 0, "the refusal is gone");
    assert.ok(await stored.executeTakeFirst(), "the window was stored");
    await page.close();
  });
});
