import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { CRITERIA } from "../../app/domain/readiness";
import { PHASE_LABELS, PHASES, type Phase } from "../../app/domain/vocabulary";
import { computeRollup } from "../../app/models/rollup.server";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { root } from "../../scripts/build";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// The gate review of a demo plant in a real Chromium against the real server: what the meeting reads (the gate's
// criteria, the blockers and their ages, the conduits' baselines, the next windows, the signature block and the
// instant it was computed), who may read it and how much, and its printout on A4 and Letter. Then the dashboard's
// printout: the burn-up table cut to its last weeks, and saying so.

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

async function signedIn(
  email: string,
  javaScriptEnabled = true
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`script error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  await signInInBrowser(page, server.url, email, TEST_PASSWORD);
  problems.length = 0;
  return { context, page, problems };
}

/** Pages of a PDF as Chromium writes them (one `/Type /Page` object per page). */
function pdfPages(pdf: Buffer): number {
  return (pdf.toString("latin1").match(/\/Type\s*\/Page\b(?!s)/g) ?? []).length;
}

/** A demo plant held back by blockers, with a window ahead: the kind of plant a gate meeting is held for. */
async function blockedPlant() {
  const rollup = await computeRollup(db, new Date(), null);
  const plant = rollup.plants
    .filter((p) => p.phase !== "complete" && p.blockerCount > 0 && p.nextOutage)
    // The furthest along: its conduits have baselines to show.
    .sort(
      (a, b) =>
        PHASES.indexOf(b.phase as Phase) - PHASES.indexOf(a.phase as Phase) ||
        b.blockerCount - a.blockerCount ||
        a.code.localeCompare(b.code)
    )[0];
  assert.ok(plant, "the demo program has a blocked plant with a window ahead");
  const engineers = await db
    .selectFrom("person_plant as pp")
    .innerJoin("person as p", "p.id", "pp.person_id")
    .innerJoin("plant as pl", "pl.id", "pp.plant_id")
    .select(["p.email", "p.name"])
    .where("pl.code", "=", plant.code)
    .where("p.role", "=", "plant_engineer")
    .execute();
  const outsider = await db
    .selectFrom("person as p")
    .select("p.email")
    .where("p.role", "=", "plant_engineer")
    .where(
      "p.email",
      "not in",
      engineers.map((e) => e.email)
    )
    .orderBy("p.email")
    .executeTakeFirstOrThrow();
  const leads = await db.selectFrom("person").select("name").where("role", "=", "program_lead").execute();
  const conduits = await db
    .selectFrom("conduit as c")
    .innerJoin("plant as pl", "pl.id", "c.plant_id")
    .select("c.name")
    .where("pl.code", "=", plant.code)
    .execute();
  const lastPass = await db
    .selectFrom("gate_pass as g")
    .innerJoin("plant as pl", "pl.id", "g.plant_id")
    .select((eb) => eb.fn.max("g.passed_at").as("at"))
    .where("pl.code", "=", plant.code)
    .executeTakeFirst();
  const created = await db
    .selectFrom("plant")
    .select("created_at")
    .where("code", "=", plant.code)
    .executeTakeFirstOrThrow();
  const since = (lastPass?.at as string | null) ?? created.created_at;
  const today = new Date().toISOString().slice(0, 10);
  const age = Math.round((Date.parse(today) - Date.parse(since.slice(0, 10))) / 86_400_000);
  return {
    code: plant.code,
    phase: plant.phase as Phase,
    engineers,
    outsider: outsider.email,
    leads: leads.map((l) => l.name),
    conduits: conduits.map((c) => c.name).sort(),
    age,
  };
}

describe("the gate review", () => {
  it("gives the meeting the gate, its blockers, baselines, windows and signature lines, and prints on A4 and Letter", async () => {
    const plant = await blockedPlant();
    const { context, page, problems } = await signedIn("lead@demo.test");

    // Reached from the plant page's head.
    await page.goto(`${server.url}/plants/${plant.code}`);
    await page.getByRole("link", { name: "Gate review, to print" }).click();
    await page.waitForURL(new RegExp(`/plants/${plant.code}/review$`));
    await settled(page);
    const started = Date.now();

    // The current gate, every one of its criteria with a state and the engine's message.
    await page
      .getByRole("heading", { level: 1, name: new RegExp(`Exit of ${PHASE_LABELS[plant.phase]}`, "i") })
      .waitFor();
    const criteria = await page.locator("tr[data-criterion]").evaluateAll((rows) =>
      rows.map((row) => ({
        code: row.getAttribute("data-criterion"),
        state: row.querySelector(".badge")?.textContent ?? "",
        text: (row as HTMLElement).innerText,
      }))
    );
    assert.deepEqual(
      criteria.map((c) => c.code),
      CRITERIA[plant.phase].map((c) => c.code),
      "every criterion of the current gate, in order"
    );
    for (const c of criteria) {
      assert.match(c.state, /Met|Unmet|Waived/, `${c.code} has a state in words`);
      assert.ok(c.text.split("\n").length >= 2, `${c.code} carries its evidence`);
    }
    const unmet = criteria.filter((c) => /Unmet/.test(c.state)).map((c) => c.code);
    assert.ok(unmet.length > 0, "the gate is blocked");

    // Its open blockers are exactly the unmet criteria, each with its age since the plant entered the phase.
    const blockers = await page.locator("tr[data-blocker]").evaluateAll((rows) =>
      rows.map((row) => ({
        code: row.getAttribute("data-blocker"),
        days: Number(row.querySelector("[data-age-days]")?.getAttribute("data-age-days")),
        text: (row as HTMLElement).innerText,
      }))
    );
    assert.deepEqual(blockers.map((b) => b.code).sort(), [...unmet].sort(), "a blocker per unmet criterion");
    for (const b of blockers) {
      assert.equal(b.days, plant.age, `${b.code} is as old as the plant's stay in its phase`);
      assert.match(b.text, /(\d+ days?|since today)/, `${b.code} says its age in words`);
    }

    // Every conduit with its baseline; the next windows with their changes.
    const conduits = await page
      .locator("tr[data-conduit]")
      .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-conduit") ?? ""));
    assert.deepEqual(conduits.sort(), plant.conduits, "every conduit of the plant");
    assert.match(await page.locator("#baselines").innerText(), /none|collecting|mature|stalled|accepted|not monitored/);
    assert.ok((await page.locator("tr[data-window]").count()) >= 1, "the next windows");
    assert.match(await page.locator("#windows").innerText(), /\b[A-Z][SD]T\b|GMT|UTC/, "windows in the plant's clock");

    // Who signed what, and the lines to sign.
    assert.ok((await page.locator("#record .badge").count()) > 0, "the owners' signatures are listed");
    const signatures = await page.locator("#signatures").innerText();
    for (const name of [...plant.engineers.map((e) => e.name), ...plant.leads]) {
      assert.ok(signatures.includes(name), `${name} has a line to sign`);
    }
    assert.match(signatures, /Corporate security/);
    assert.ok((await page.locator(".signature-field", { hasText: "Date" }).count()) >= 3, "a date by each signature");

    // The instant it was computed: in UTC, now (an answer may be cached for a few minutes).
    const computed = await page.locator(".review-head .computed-at time").getAttribute("datetime");
    assert.ok(computed && Math.abs(Date.parse(computed) - started) < 6 * 60_000, `computed now (${computed})`);

    await page.screenshot({ path: path.join(shots, "gate-review-screen.png"), fullPage: true });

    // In print: no navigation, no controls; a row is never cut and a table's head repeats on each page.
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.getByRole("navigation", { name: "Main" }).isVisible(), false, "no navigation in print");
    assert.equal(await page.locator(".review-tools").isVisible(), false, "no controls in print");
    assert.equal(await page.locator("main button").first().isVisible(), false, "no button in print");
    assert.ok(await page.locator(".review-head").isVisible(), "the header prints");
    const styles = await page.evaluate(() => {
      const row = document.querySelector("tr[data-criterion]")!;
      const head = document.querySelector(".review-criteria thead")!;
      const running = document.querySelector(".review-running")!;
      return {
        row: getComputedStyle(row).breakInside,
        head: getComputedStyle(head).display,
        running: getComputedStyle(running).display,
      };
    });
    assert.deepEqual(
      styles,
      { row: "avoid", head: "table-header-group", running: "table-header-group" },
      "rows kept whole, heads (and the running header) repeated"
    );
    for (const format of ["A4", "Letter"] as const) {
      const pdf = await page.pdf({ format });
      const pages = pdfPages(pdf);
      assert.ok(pages >= 2 && pages <= 15, `${format}: ${pages} pages`);
      fs.writeFileSync(path.join(shots, `gate-review-${format.toLowerCase()}.pdf`), pdf);
    }
    await page.screenshot({ path: path.join(shots, "gate-review-print.png"), fullPage: true });
    await page.emulateMedia({ media: "screen" });

    // Another gate by a plain GET: a passed one says when and by whom.
    await page.goto(`${server.url}/plants/${plant.code}/review?gate=${PHASES[0]}`);
    assert.match(await page.locator(".review-gate-status").innerText(), /Passed .* by /);
    assert.deepEqual(
      await page.locator("tr[data-criterion]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-criterion"))),
      CRITERIA[PHASES[0]].map((c) => c.code)
    );
    assert.deepEqual(problems, [], "no script or console error");
    await context.close();
  });

  it("works without JavaScript, as the print layout", async () => {
    const plant = await blockedPlant();
    const { context, page } = await signedIn(plant.engineers[0]!.email, false);
    await page.goto(`${server.url}/plants/${plant.code}/review`);
    assert.equal(await page.locator("tr[data-criterion]").count(), CRITERIA[plant.phase].length);
    await page.getByLabel("Gate", { exact: true }).selectOption(PHASES[0]);
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/gate=inventory/);
    assert.equal(await page.locator("tr[data-criterion]").count(), CRITERIA[PHASES[0]].length);
    assert.ok(await page.locator("#record").isVisible(), "the plant's own engineer sees who signed what");
    await context.close();
  });

  it("refuses those who may not read it, and shows a plant's detail only to those who see it in full", async () => {
    const plant = await blockedPlant();
    const anonymous = await fetch(`${server.url}/plants/${plant.code}/review`, { redirect: "manual" });
    assert.equal(anonymous.status, 302, "signed out: to the sign-in page");
    assert.match(anonymous.headers.get("location") ?? "", /\/login/);

    const admin = await signedIn("admin@demo.test");
    const refused = await admin.page.goto(`${server.url}/plants/${plant.code}/review`);
    assert.equal(refused?.status(), 403, "an administrator does not read the program");
    await admin.context.close();

    const outsider = await signedIn(plant.outsider);
    const answer = await outsider.page.goto(`${server.url}/plants/${plant.code}/review`);
    assert.equal(answer?.status(), 200);
    assert.equal(
      await outsider.page.locator("#record").count(),
      0,
      "no signoff record for an engineer of another plant"
    );
    assert.match(await outsider.page.locator("main").innerText(), /not assigned to this plant/);
    assert.doesNotMatch(await outsider.page.locator("#criteria").innerText(), /Ticked by|Unticked by/);
    const unknown = await outsider.page.goto(`${server.url}/plants/NOPE/review`);
    assert.equal(unknown?.status(), 404);
    await outsider.context.close();
  });
});

describe("the dashboard in print", () => {
  it("prints the last 12 weeks of the burn-up and says so; the screen keeps them all", async () => {
    const { context, page } = await signedIn("exec@demo.test");
    await page.goto(`${server.url}/dashboard`);
    await settled(page);
    const weeks = await page
      .locator(".burnup-table tbody tr")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-week") ?? ""));
    assert.ok(weeks.length > 12, `the demo's burn-up runs ${weeks.length} weeks`);
    assert.equal(await page.locator(".burnup-print-note").isVisible(), false, "no print note on the screen");

    await page.emulateMedia({ media: "print" });
    const printed = await page
      .locator(".burnup-table tbody tr")
      .evaluateAll((rows) =>
        rows.filter((r) => (r as HTMLElement).offsetParent !== null).map((r) => r.getAttribute("data-week") ?? "")
      );
    assert.deepEqual(printed, weeks.slice(-12), "the last 12 weeks print");
    assert.match(await page.locator(".burnup-print-note").innerText(), /Printed: the last 12 weeks/);
    assert.equal(await page.getByRole("navigation", { name: "Main" }).isVisible(), false, "no navigation in print");
    assert.deepEqual(
      await page.evaluate(() => ({
        row: getComputedStyle(document.querySelector(".dashboard tbody tr")!).breakInside,
        matrix: getComputedStyle(document.querySelector("#matrix")!).page,
        session: getComputedStyle(document.querySelector(".site-header .session")!).display,
      })),
      { row: "avoid", matrix: "wide-sheet", session: "none" },
      "no row cut by a page break, the criteria matrix on a landscape sheet, no sign-out button"
    );
    for (const format of ["A4", "Letter"] as const) {
      const pdf = await page.pdf({ format });
      const pages = pdfPages(pdf);
      assert.ok(pages >= 2 && pages <= 20, `${format}: ${pages} pages`);
      // The first sheet (the page's head and the matrix) is landscape, the rest portrait.
      const boxes = [...pdf.toString("latin1").matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map(
        (m) => Number(m[1]) > Number(m[2])
      );
      assert.ok(boxes.includes(true) && boxes.includes(false), `${format}: landscape and portrait sheets`);
      fs.writeFileSync(path.join(shots, `dashboard-print-${format.toLowerCase()}.pdf`), pdf);
    }
    await context.close();
  });
});
