import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { freeConduits, pastWindow, recordOutcome, type PastWindow } from "../support/floor";
import { TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// The program stops its own line before it stops the floor's, in a real browser: Dayton's engineer records last
// night's first cutover as rolled back, records the production stop it caused, is refused marking the next cutover
// done (the refusal links the stop), writes the post-incident review and signs it; corporate security signs its
// part; and the next cutover is then recorded done.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let browser: Browser;
let db: DB;
let past: PastWindow;

before(async () => {
  [server, browser] = await Promise.all([
    startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD }),
    launchBrowser(),
  ]);
  db = openDatabase(file);
  const [a, b] = await freeConduits(db, "DAY", 2);
  past = await pastWindow(db, "DAY", 12, [
    { title: "Cut over the filler cell", conduitId: a!.id },
    { title: "Cut over the palletizer cell", conduitId: b!.id },
  ]);
});

after(async () => {
  await db?.destroy();
  await browser?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a stop holds the plant's next cutover until its review is signed by both owners", () => {
  it("walks rollback, stop, refusal, review and signatures, then the cutover done", async () => {
    const engineer = await (await browser.newContext()).newPage();
    await signInInBrowser(engineer, server.url, "eng.day@demo.test", TEST_PASSWORD);

    // The first cutover came out rolled back.
    await recordOutcome(
      engineer,
      server.url,
      "DAY",
      past.changes[0]!,
      "rolled_back",
      "The filler HMI lost its PLC; rolled back."
    );
    await engineer.getByText("recorded as rolled back").first().waitFor();

    // The stop it caused.
    await engineer.goto(`${server.url}/plants/DAY/stops`);
    await settled(engineer);
    const record = engineer.locator("#record-stop");
    await record.locator('input[name="line"]').fill("Line 2");
    await record.locator('input[name="minutesLost"]').fill("45");
    await record.locator('select[name="changeId"]').selectOption(String(past.changes[0]));
    await record
      .locator('textarea[name="description"]')
      .fill("Filler line stopped when its HMI lost the PLC after the cutover.");
    await record.locator('select[name="cause"]').selectOption("network");
    await record.getByRole("button", { name: "Record the stop" }).click();
    await engineer.waitForURL(/\/plants\/DAY\/stops\/\d+/);
    await engineer.getByText("Stop recorded").waitFor();
    const stopUrl = engineer.url().split("#")[0]!;

    // The next cutover is refused, and the refusal links the stop.
    await recordOutcome(engineer, server.url, "DAY", past.changes[1]!, "as_planned");
    const refusal = engineer.locator(`#change-${past.changes[1]}-outcome`);
    await refusal.getByText("has no post-incident review signed by both owners").waitFor();
    await refusal.getByRole("link", { name: "Go to the stop and its review" }).click();
    await engineer.waitForURL(new RegExp(`${new URL(stopUrl).pathname}$`));

    // The review, written and signed for plant engineering.
    await settled(engineer);
    await engineer
      .locator('#write-review textarea[name="review"]')
      .fill(
        "Root cause: implicit I/O (UDP 2222) was missing from the conduit's design. Added; cutovers replay observed flows."
      );
    await engineer.getByRole("button", { name: "Save the review" }).click();
    await engineer.getByText("Review saved").waitFor();
    await engineer.getByRole("button", { name: "Sign as plant engineering" }).click();
    await engineer.getByText("Signed.").waitFor();

    // Corporate security signs its part.
    const security = await (await browser.newContext()).newPage();
    await signInInBrowser(security, server.url, "security@demo.test", TEST_PASSWORD);
    await security.goto(stopUrl);
    await settled(security);
    await security.getByRole("button", { name: "Sign as corporate security" }).click();
    await security.getByText("Signed.").waitFor();
    assert.match(await security.locator("#signatures").innerText(), /Reviewed/);

    // Now the next cutover is recorded done.
    await recordOutcome(engineer, server.url, "DAY", past.changes[1]!, "as_planned");
    await engineer.getByText("recorded as done as planned").waitFor();
    const done = await db
      .selectFrom("network_change")
      .select("status")
      .where("id", "=", past.changes[1]!)
      .executeTakeFirstOrThrow();
    assert.equal(done.status, "done");
  });
});
