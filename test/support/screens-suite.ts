import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ROLE_LABELS, type Role } from "../../app/domain/vocabulary";
import { openDatabase } from "../../app/utils/db.server";
import { root } from "../../scripts/build";
import { launchBrowser, settled, signInInBrowser } from "./browser";
import { tempDir, databaseEnv } from "./database";
import { TEST_PASSWORD } from "./people";
import { loadRouteModules } from "./routes";
import { addressOf, checkScreen, isPageRoute, LAYOUT_RULES, PAGE_QUERIES, seriousViolations, WIDTHS } from "./screens";
import { startServer, type RunningServer } from "./server";

// Every page, as each role given, on a phone, a tablet and a desktop, in a real headless Chromium against the real
// server and the demo program: the page is no wider than the screen (wide tables scroll in their own box), no text
// is drawn in its background's colour, controls are finger-sized on touch-size screens, and the accessibility scan
// (axe-core) finds nothing serious or critical. A page a role may not see answers its refusal page, checked the same.
// The roles are shared between three test files so that each stays well inside the runner's time for one file.

/**
 * The screen checks of every page for each of `roles` (null: signed out), each role in a context of its own; with
 * `withChecksOfOnePage`, also the checks of single pages (every route has an address, the menu without JavaScript,
 * the plant list's columns, the phone screenshots).
 */
export function screensSuite(title: string, roles: readonly (Role | null)[], withChecksOfOnePage: boolean): void {
  const dir = tempDir();
  const file = path.join(dir, "tracker.db");
  const shots = path.join(root, "test-results");
  let server: RunningServer;
  let browser: Browser;
  /** Every address to open: each page route's, with the demo plant DAY and one of its conduits filled in. */
  let addresses: string[];
  let pageRouteFiles: string[];

  const PEOPLE: Readonly<Record<Role, string>> = {
    executive: "exec@demo.test",
    program_lead: "lead@demo.test",
    plant_engineer: "eng.day@demo.test",
    corporate_security: "security@demo.test",
    admin: "admin@demo.test",
  };

  /**
   * The accessibility scan at each width (the layout checks run at every width): every rule on the phone, and on the
   * desktop the rules whose outcome the layout changes (names, labels and landmarks are the same at any width).
   */
  const SCANS: ReadonlyMap<number, readonly string[] | undefined> = new Map([
    [390, undefined],
    [1440, LAYOUT_RULES],
  ]);

  before(async () => {
    fs.mkdirSync(shots, { recursive: true });
    [server, browser] = await Promise.all([
      startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD }),
      launchBrowser(),
    ]);
    const db = openDatabase(file);
    const conduit = await db
      .selectFrom("conduit")
      .innerJoin("plant", "plant.id", "conduit.plant_id")
      .select("conduit.id")
      .where("plant.code", "=", "DAY")
      .orderBy("conduit.id")
      .executeTakeFirstOrThrow();
    const change = await db
      .selectFrom("network_change")
      .innerJoin("plant", "plant.id", "network_change.plant_id")
      .select("network_change.id")
      .where("plant.code", "=", "DAY")
      .where("network_change.kind", "=", "conduit_cutover")
      .orderBy("network_change.id")
      .executeTakeFirstOrThrow();
    // A stop at DAY for its page, concluded not the network so that it holds nothing.
    const day = await db.selectFrom("plant").select("id").where("code", "=", "DAY").executeTakeFirstOrThrow();
    const recorder = await db
      .selectFrom("person")
      .select("id")
      .where("email", "=", "eng.day@demo.test")
      .executeTakeFirstOrThrow();
    const at = new Date(Date.now() - 86_400_000).toISOString();
    const stop = await db
      .insertInto("production_stop")
      .values({
        plant_id: day.id,
        zone_id: null,
        line: "Line 1",
        started_at: at,
        minutes_lost: 12,
        change_id: null,
        ticket: null,
        description: "Filler stopped; the network was ruled out.",
        cause: "not_network",
        review: "A failed encoder, not the network.",
        review_revision: 1,
        recorded_by: recorder.id,
        created_at: at,
        updated_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db.destroy();
    pageRouteFiles = (await loadRouteModules()).filter(isPageRoute).map((module) => module.file);
    const params = {
      code: "DAY",
      conduitId: String(conduit.id),
      changeId: String(change.id),
      stopId: String(stop.id),
    };
    addresses = pageRouteFiles.flatMap((route) =>
      (PAGE_QUERIES[route] ?? [""]).map((query) => addressOf(route, params) + query)
    );
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function context(javaScriptEnabled = true): Promise<BrowserContext> {
    // The scan is injected as a script; the app's Content-Security-Policy would (rightly) refuse it.
    return browser.newContext({ javaScriptEnabled, bypassCSP: true, viewport: { width: 1440, height: 900 } });
  }

  async function open(page: Page, address: string): Promise<number> {
    const response = await page.goto(`${server.url}${address}`);
    await settled(page);
    return response?.status() ?? 0;
  }

  /** Opens every address at each width and returns what is wrong, one line per fault (empty when all is right). */
  async function visitAll(page: Page, who: string): Promise<string[]> {
    const faults: string[] = [];
    for (const address of addresses) {
      await page.setViewportSize({ width: WIDTHS[0], height: 844 });
      const status = await open(page, address);
      if (![200, 403, 404].includes(status)) faults.push(`${who} ${address}: answered ${status}`);
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: width < 1000 ? 844 : 900 });
        const where = `${who} ${address} at ${width}`;
        const found = await checkScreen(page, width < 1000);
        if (found.overflow) faults.push(`${where}: ${found.overflow}`);
        for (const text of found.invisibleText) faults.push(`${where}: text in its background's colour: ${text}`);
        for (const target of found.smallTargets) faults.push(`${where}: control under 44 px: ${target}`);
        if (SCANS.has(width)) {
          for (const violation of await seriousViolations(page, SCANS.get(width)))
            faults.push(`${where}: ${violation}`);
        }
      }
    }
    return faults;
  }

  describe(`every page on a phone, a tablet and a desktop (${title})`, () => {
    if (withChecksOfOnePage)
      it("has an address to open for every page route", () => {
        assert.deepEqual(
          pageRouteFiles.filter((route) => !(route in PAGE_QUERIES)),
          [],
          "a page route without an entry in PAGE_QUERIES (test/support/screens.ts)"
        );
        assert.deepEqual(
          Object.keys(PAGE_QUERIES).filter((route) => !pageRouteFiles.includes(route)),
          [],
          "an entry in PAGE_QUERIES for a page route that no longer exists"
        );
        assert.ok(addresses.includes("/plants/DAY") && addresses.includes("/no-such-page"));
      });

    it("fits, shows its text and passes the accessibility scan for every role, and signed out", async () => {
      // Two at a time, each in a context of its own, signed in through the form (signed out: every page answers the
      // sign-in page).
      const queue: (Role | null)[] = [...roles];
      const faults: string[] = [];
      const worker = async () => {
        while (queue.length > 0) {
          const role = queue.shift()!;
          const signedIn = await context();
          const page = await signedIn.newPage();
          if (role) await signInInBrowser(page, server.url, PEOPLE[role], TEST_PASSWORD);
          faults.push(...(await visitAll(page, role ? ROLE_LABELS[role] : "signed out")));
          await signedIn.close();
        }
      };
      await Promise.all([worker(), worker()]);
      assert.deepEqual(faults, []);
    });

    if (!withChecksOfOnePage) return;

    it("opens the menu and follows a link on a phone without JavaScript", async () => {
      const noScript = await context(false);
      const page = await noScript.newPage();
      await page.setViewportSize({ width: 390, height: 844 });
      await signInInBrowser(page, server.url, PEOPLE.program_lead, TEST_PASSWORD);
      assert.equal(
        await page.getByRole("navigation", { name: "Main" }).count(),
        0,
        "the links wait in the closed menu"
      );
      assert.ok(await page.getByRole("button", { name: "Sign out" }).isVisible(), "Sign out stays in reach");
      await page.locator("summary", { hasText: "Menu" }).click();
      const menu = page.getByRole("navigation", { name: "Main" });
      await menu.waitFor();
      await menu.getByRole("link", { name: "Windows" }).click();
      await page.waitForURL(/\/windows$/);
      await page.getByRole("heading", { level: 1 }).waitFor();
      assert.equal(
        await page.getByRole("navigation", { name: "Main" }).count(),
        0,
        "the new page opens with the menu shut"
      );
      await noScript.close();
    });

    it("shows every column of the plant list on a desktop without scrolling its box", async () => {
      const desktop = await context();
      const page = await desktop.newPage();
      await signInInBrowser(page, server.url, PEOPLE.program_lead, TEST_PASSWORD);
      await open(page, "/plants");
      const box = await page
        .locator(".table-wrap", { has: page.locator("table.plants-table") })
        .evaluate((wrap) => ({ content: wrap.scrollWidth, box: wrap.clientWidth }));
      assert.ok(box.content <= box.box, `the plant list is ${box.content} px wide in a box of ${box.box}`);
      await desktop.close();
    });

    it("looks like a phone app at 390 px", async () => {
      const phone = async (email: string) => {
        const signedIn = await context();
        const page = await signedIn.newPage();
        await page.setViewportSize({ width: 390, height: 844 });
        await signInInBrowser(page, server.url, email, TEST_PASSWORD);
        return { signedIn, page };
      };
      const shoot = async (page: Page, address: string, name: string) => {
        await open(page, address);
        await page.screenshot({ path: path.join(shots, `phone-${name}.png`), fullPage: true });
        const size = await page.evaluate(() => ({
          width: document.documentElement.scrollWidth,
          font: parseFloat(getComputedStyle(document.querySelector("main")!).fontSize),
        }));
        assert.ok(size.width <= 390, `${address} fits the phone`);
        assert.ok(size.font >= 15, `${address}'s text is readable (${size.font} px)`);
      };
      const lead = await phone(PEOPLE.program_lead);
      await shoot(lead.page, "/plants", "overview");
      await shoot(lead.page, "/plants/DAY", "plant");
      await lead.signedIn.close();
      const engineer = await phone(PEOPLE.plant_engineer);
      await shoot(engineer.page, "/me", "me");
      await engineer.signedIn.close();
      const executive = await phone(PEOPLE.executive);
      await shoot(executive.page, "/dashboard", "dashboard");
      await executive.signedIn.close();
    });
  });
}
