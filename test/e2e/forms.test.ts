import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Locator, Page } from "playwright-core";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// The form pipeline in a real browser, on the plant page: a refused form shows every problem under its field and is
// brought into view (with JavaScript and without), and a successful act shows its confirmation where it was done.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let browser: Browser;

before(async () => {
  [server, browser] = await Promise.all([
    startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD }),
    launchBrowser(),
  ]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A plant engineer of GRY on its page, in a short window so that the gates' forms start below the fold. */
async function engineerOnGry(javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 600 } });
  const page = await context.newPage();
  await signInInBrowser(page, server.url, "eng.gry@demo.test", TEST_PASSWORD);
  await page.goto(`${server.url}/plants/GRY`);
  await settled(page);
  return page;
}

/** Opens the BAS-PIPELINE criterion's tick form (in the closed baseline gate) and returns it. */
async function pipelineTickForm(page: Page): Promise<Locator> {
  const gate = page.locator("#gates details.gate", { hasText: "Exit of passive baseline" });
  if ((await gate.getAttribute("open")) === null) await gate.locator("> summary").click();
  const row = gate.locator("#criterion-BAS-PIPELINE");
  const control = row.locator("details.criterion-control").first();
  if ((await control.getAttribute("open")) === null) await control.locator("> summary").click();
  return row.locator("form").first();
}

/** Submits two bad fields past the browser's own checks (the server is the reference): a note of spaces, 1.5 days. */
async function submitTwoBadFields(page: Page): Promise<void> {
  const form = await pipelineTickForm(page);
  await form.evaluate((element) => ((element as HTMLFormElement).noValidate = true));
  await form.getByLabel("OT SIEM pipeline").fill("ot-siem-gry");
  await form.getByLabel("Retention (days)").fill("1.5");
  await form.getByLabel("IT pipeline it is kept apart from").fill("corp-it-siem");
  await form.getByLabel("Note").fill("   ");
  await page.evaluate(() => window.scrollTo(0, 0));
  await form.getByRole("button", { name: "Tick BAS-PIPELINE" }).click();
  await page.waitForLoadState("load");
  await settled(page);
}

/** Both problems under their own fields, the form's sentence at its top, and the form in view. */
async function assertRefusalShown(page: Page, how: string): Promise<void> {
  const form = page.locator("form#tick-BAS-PIPELINE");
  await form.locator(".form-error").waitFor();
  assert.equal(
    await form.getByRole("alert").innerText(),
    "Check the 2 fields marked below.",
    `${how}: the form says two fields are marked`
  );
  const retention = form.getByLabel("Retention (days)");
  const note = form.getByLabel("Note");
  assert.equal(await retention.getAttribute("aria-invalid"), "true", `${how}: retention is marked`);
  assert.equal(await note.getAttribute("aria-invalid"), "true", `${how}: the note is marked`);
  assert.equal(await form.getByLabel("OT SIEM pipeline").getAttribute("aria-invalid"), null, `${how}: not the name`);
  assert.equal(
    await form.locator(`#${await retention.getAttribute("aria-describedby")}`).innerText(),
    "Retention is a whole number of days.",
    `${how}: retention's problem is under it`
  );
  assert.equal(
    await form.locator(`#${await note.getAttribute("aria-describedby")}`).innerText(),
    "Write a note saying what was reviewed (at least 3 characters).",
    `${how}: the note's problem is under it`
  );
  const view = await form.evaluate((element) => {
    const box = element.getBoundingClientRect();
    return { top: box.top, height: window.innerHeight, scrolled: window.scrollY };
  });
  assert.ok(view.scrolled > 0, `${how}: the page scrolled down to the form (scrollY ${view.scrolled})`);
  assert.ok(
    view.top >= -1 && view.top < view.height,
    `${how}: the form is in view (top ${view.top} of ${view.height})`
  );
}

describe("a refused form on the plant page", () => {
  it("without JavaScript: both problems under their fields, and the browser lands on the form", async () => {
    const page = await engineerOnGry(false);
    await submitTwoBadFields(page);
    assert.match(page.url(), /\/plants\/GRY#tick-BAS-PIPELINE$/, "the post went to the form's own anchor");
    await assertRefusalShown(page, "without JavaScript");
    await page.context().close();
  });

  it("with JavaScript: the same, the form scrolled into view and its first marked field focused; then a good act is confirmed", async () => {
    const page = await engineerOnGry(true);
    await submitTwoBadFields(page);
    await assertRefusalShown(page, "with JavaScript");
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute("name")),
      "retentionDays",
      "the first marked field has the focus"
    );

    const form = page.locator("form#tick-BAS-PIPELINE");
    await form.getByLabel("Retention (days)").fill("730");
    await form.getByLabel("Note").fill("OT telemetry has its own pipeline, apart from corporate IT.");
    await form.getByRole("button", { name: "Tick BAS-PIPELINE" }).click();
    const confirmation = page.locator("#gates").getByRole("status");
    await confirmation.waitFor();
    await settled(page);
    assert.equal(await confirmation.innerText(), "BAS-PIPELINE is ticked.");
    assert.equal(await page.locator("#gates .form-error").count(), 0, "no refusal is left on the panel");
    await page.context().close();
  });

  it("without JavaScript: a good act redirects to its section, which confirms it once", async () => {
    const page = await engineerOnGry(false);
    const form = await pipelineTickForm(page);
    await form.getByLabel("Note").fill("Pipeline moved; to be reviewed again.");
    await form.getByRole("button", { name: "Untick BAS-PIPELINE" }).click();
    await page.waitForLoadState("load");
    assert.match(page.url(), /\/plants\/GRY#gates$/, "back to the gates");
    const confirmation = page.locator("#gates").getByRole("status");
    assert.equal(await confirmation.innerText(), "BAS-PIPELINE is unticked.");
    await page.reload();
    assert.equal(await page.locator("#gates .confirmation").count(), 0, "the confirmation is shown once");
    await page.context().close();
  });
});
