import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { signInOverHttp, TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// An engineer's day: Kokomo's engineer signs in, finds on the program's windows page the changes whose window was
// cancelled, follows one to its place on the plant's windows page (#change-<id>) and moves it into another window,
// once with JavaScript and once without.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let browser: Browser;
let db: DB;
const YEAR = new Date().getUTCFullYear() + 1;
const TARGET = "E2E rescue night";

before(async () => {
  [server, browser] = await Promise.all([
    startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD }),
    launchBrowser(),
  ]);
  db = openDatabase(file);
  // The program lead confirms a long window at KOK that has room for the waiting changes.
  const cookie = await signInOverHttp(server.url, "lead@demo.test");
  const response = await fetch(`${server.url}/api/plants/KOK/windows`, {
    method: "POST",
    headers: { Cookie: cookie, Origin: server.url, "Content-Type": "application/json" },
    body: JSON.stringify({
      title: TARGET,
      kind: "scheduled_outage",
      status: "confirmed",
      startsAt: `${YEAR}-06-06T02:00:00Z`,
      endsAt: `${YEAR}-06-06T14:00:00Z`,
    }),
  });
  assert.equal(response.status, 201, `the window is created: ${await response.text()}`);
});

after(async () => {
  await db?.destroy();
  await browser?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function waiting(): Promise<{ id: number; title: string }[]> {
  const plant = await db.selectFrom("plant").select("id").where("code", "=", "KOK").executeTakeFirstOrThrow();
  return db
    .selectFrom("network_change")
    .select(["id", "title"])
    .where("plant_id", "=", plant.id)
    .where("status", "=", "needs_window")
    .orderBy("planned_start")
    .orderBy("id")
    .execute();
}

for (const javaScriptEnabled of [true, false]) {
  describe(`moving a change that needs a new window (${javaScriptEnabled ? "with" : "without"} JavaScript)`, () => {
    it("finds the change from the program's windows and moves it into another window", async () => {
      const [change] = await waiting();
      assert.ok(change, "the demo holds a change of KOK that needs a new window");
      const context = await browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      try {
        await signInInBrowser(page, server.url, "eng.kok@demo.test", TEST_PASSWORD);
        await page.goto(`${server.url}/windows`);
        await settled(page);
        const panel = page.locator("section", {
          has: page.getByRole("heading", { name: "Changes needing a new window" }),
        });
        await panel.getByRole("link", { name: change.title }).click();
        await page.waitForURL(new RegExp(`/plants/KOK/windows#change-${change.id}$`));
        await settled(page);

        const item = page.locator(`#change-${change.id}`);
        assert.match(await item.innerText(), /Needs a new window/, "the anchor is the change waiting for a window");
        const move = item.getByRole("form", { name: `Move ${change.title} into another window` });
        const choice = move.getByLabel("Move into window");
        const option = await choice.locator("option", { hasText: TARGET }).getAttribute("value");
        assert.ok(option, `the window “${TARGET}” is offered`);
        await choice.selectOption(option);
        await move.getByRole("button", { name: "Move the change" }).click();
        await page.waitForURL(new RegExp(`#change-${change.id}$`));
        await settled(page);

        const moved = page.locator(`#change-${change.id}`);
        await moved.locator(".confirmation").waitFor();
        assert.match(
          await moved.locator(".confirmation").innerText(),
          new RegExp(`moved into window “${TARGET}”`),
          "the page says the change was moved"
        );
        assert.match(await moved.innerText(), /Scheduled/, "it is scheduled again");
        const card = page.locator(".window-card", { has: page.getByRole("heading", { name: new RegExp(TARGET) }) });
        assert.equal(await card.locator(`#change-${change.id}`).count(), 1, "inside the window it was moved into");
        const row = await db
          .selectFrom("network_change as c")
          .innerJoin("outage_window as w", "w.id", "c.window_id")
          .select(["c.status", "w.title"])
          .where("c.id", "=", change.id)
          .executeTakeFirstOrThrow();
        assert.deepEqual(row, { status: "scheduled", title: TARGET }, "stored");
        assert.ok(!(await waiting()).some((c) => c.id === change.id), "no longer waiting for a window");
      } finally {
        await context.close();
      }
    });
  });
}
