import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { root } from "../../scripts/build";
import { launchBrowser, settled, signedInContext } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";
import { firstConduitId } from "../support/plants";

// Two people edit the same conduit in two browsers. The first save goes through; the second, based on the revision
// both opened, is refused beside the form with what changed and the draft kept, and goes through once reviewed.
// With JavaScript, and in a browser without it (plain form posts).

const dir = tempDir();
const file = path.join(dir, "tracker.db");
const shots = path.join(root, "test-results");
let server: RunningServer;
let browser: Browser;
let db: DB;
let conduitPath: string;
let conduitId: number;

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  [server, browser] = await Promise.all([
    startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD }),
    launchBrowser(),
  ]);
  db = openDatabase(file);
  conduitId = await firstConduitId(db, "DAY");
  conduitPath = `/plants/DAY/conduits/${conduitId}`;
});

after(async () => {
  await db?.destroy();
  await browser?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

// The refused save's 409 is the expected answer.
const signedIn = (email: string, javaScriptEnabled = true) =>
  signedInContext(browser, server.url, email, { password: TEST_PASSWORD, javaScriptEnabled, refusedStatus: 409 });

async function openConduit(page: Page) {
  await page.goto(`${server.url}${conduitPath}`);
  await settled(page);
  return page.getByRole("region", { name: "Edit the definition" });
}

async function conduitRow() {
  return db
    .selectFrom("conduit")
    .select(["name", "purpose", "revision"])
    .where("id", "=", conduitId)
    .executeTakeFirstOrThrow();
}

async function editsSince(seq: number) {
  return db
    .selectFrom("audit_event")
    .select(["actor_label"])
    .where("seq", ">", seq)
    .where("action", "=", "conduit.edit")
    .execute();
}

async function lastSeq(): Promise<number> {
  return (await db.selectFrom("audit_event").select("seq").orderBy("seq", "desc").executeTakeFirstOrThrow()).seq;
}

async function secondSaveIsRefusedThenReviewed(javaScript: boolean, names: { b: string; purpose: string }) {
  const a = await signedIn("lead@demo.test");
  const b = await signedIn("eng.day@demo.test", javaScript);
  const editA = await openConduit(a.page);
  const editB = await openConduit(b.page);
  const start = await conduitRow();
  const seq = await lastSeq();

  await editA.getByLabel("Purpose").fill(names.purpose);
  await editA.getByRole("button", { name: `Save as revision ${start.revision + 1}` }).click();
  await a.page.getByRole("heading", { name: `Definition (revision ${start.revision + 1})` }).waitFor();
  await settled(a.page);

  await editB.getByLabel("Name").fill(names.b);
  await editB.getByRole("button", { name: `Save as revision ${start.revision + 1}` }).click();
  const refusal = b.page.locator(".conflict-notice [role=alert]");
  await refusal.waitFor();
  await settled(b.page);
  assert.match(
    await refusal.innerText(),
    new RegExp(
      `^Someone else saved this conduit \\(revision ${
        start.revision + 1
      }, by Dana Whitfield \\(program lead\\), at .+ UTC\\) while you were editing\\. Here is what changed: purpose\\. Your text is kept below: review it and save again\\.$`
    )
  );
  const changed = b.page.locator(".conflict-notice table").getByRole("row", { name: /^Purpose/ });
  assert.match(await changed.innerText(), new RegExp(names.purpose), "the purpose as it now stands is shown");
  const again = b.page.getByRole("region", { name: "Edit the definition" });
  assert.equal(await again.getByLabel("Name").inputValue(), names.b, "the second person's name is kept");
  assert.equal(
    await again.getByLabel("Purpose").inputValue(),
    start.purpose ?? "",
    "their form still holds what they read"
  );
  assert.deepEqual(
    await conduitRow(),
    { name: start.name, purpose: names.purpose, revision: start.revision + 1 },
    "nothing of the refused save was written"
  );
  assert.equal((await editsSince(seq)).length, 1, "the trail holds only the first save");
  await b.page.screenshot({
    path: path.join(shots, `revision-conflict${javaScript ? "" : "-no-js"}.png`),
    fullPage: true,
  });

  // Having read what changed, they take the other purpose over and save on top of the current revision.
  await again.getByLabel("Purpose").fill(names.purpose);
  await again.getByRole("button", { name: `Save as revision ${start.revision + 2}` }).click();
  await b.page.getByRole("heading", { name: `Definition (revision ${start.revision + 2})` }).waitFor();
  await settled(b.page);
  assert.deepEqual(await conduitRow(), { name: names.b, purpose: names.purpose, revision: start.revision + 2 });
  assert.equal((await editsSince(seq)).length, 2);

  assert.deepEqual([...a.errors, ...b.errors], [], "no script errors");
  await a.context.close();
  await b.context.close();
}

describe("two people editing the same conduit", () => {
  it("with JavaScript: the second save is refused with what changed, the draft kept, and goes through once reviewed", async () => {
    await secondSaveIsRefusedThenReviewed(true, {
      b: "DMZ ↔ Corporate (historian)",
      purpose: "Historian replication to the corporate data lake, nightly",
    });
  });

  it("without JavaScript in the second browser: the same, by plain form posts", async () => {
    await secondSaveIsRefusedThenReviewed(false, {
      b: "DMZ ↔ Corporate (historian and patches)",
      purpose: "Historian replication out, patches and signatures in",
    });
  });

  it("the ownership split: the second save is refused beside the form, showing the current text, the draft kept", async () => {
    const a = await signedIn("lead@demo.test");
    const b = await signedIn("eng.day@demo.test");
    const split = (page: Page) => page.getByRole("region", { name: /^Ownership split/ });
    for (const { page } of [a, b]) {
      await page.goto(`${server.url}/plants/DAY`);
      await settled(page);
      await split(page)
        .getByText(/^(Edit the split|Write the split)/)
        .click();
    }
    const theirs =
      "Plant engineering owns design and change control of every DAY conduit; corporate security owns monitoring and incident response.";
    const mine =
      "Design and change control belong to plant engineering at Dayton; monitoring and incident response to corporate security.";
    await split(a.page).locator("textarea[name=text]").fill(theirs);
    await split(a.page)
      .getByRole("button", { name: /^Save as revision/ })
      .click();
    await split(a.page).locator("blockquote", { hasText: theirs }).waitFor();

    await split(b.page).locator("textarea[name=text]").fill(mine);
    await split(b.page)
      .getByRole("button", { name: /^Save as revision/ })
      .click();
    const refusal = split(b.page).locator(".conflict-notice [role=alert]");
    await refusal.waitFor();
    await settled(b.page);
    assert.match(
      await refusal.innerText(),
      /^Someone else saved the ownership split of DAY \(revision \d+, by Dana Whitfield/
    );
    assert.ok(
      (await split(b.page).locator(".revision-conflict").innerText()).includes(theirs),
      "the split as it now stands is shown"
    );
    assert.equal(await split(b.page).locator("textarea[name=text]").inputValue(), mine);
    const row = await db
      .selectFrom("plant")
      .select("ownership_split")
      .where("code", "=", "DAY")
      .executeTakeFirstOrThrow();
    assert.equal(row.ownership_split, theirs, "the refused save wrote nothing");
    assert.deepEqual([...a.errors, ...b.errors], [], "no script errors");
    await a.context.close();
    await b.context.close();
  });
});
