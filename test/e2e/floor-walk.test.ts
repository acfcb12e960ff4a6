import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { freeConduits, pastWindow, recordOutcome, type PastWindow } from "../support/floor";
import { TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// The floor's whole walk at the demo's capture plant, on each change's own page: the design owner acknowledges the
// flow the firewall cutover is predicted to block; last night's other cutover is recorded rolled back, and the
// production stop it caused is recorded; the firewall cutover is then refused (the refusal links the stop); both
// owners sign the stop's review; and the firewall cutover is recorded done.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let browser: Browser;
let db: DB;
let past: PastWindow;
let plantCode: string;
let firewallCutover: number;
let ownerEmail: string;
/** The audit trail's last event before the walk. */
let startSeq: number;

before(async () => {
  [server, browser] = await Promise.all([
    startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD }),
    launchBrowser(),
  ]);
  db = openDatabase(file);
  const cutover = await db
    .selectFrom("network_change as n")
    .innerJoin("plant as p", "p.id", "n.plant_id")
    .innerJoin("conduit as c", "c.id", "n.conduit_id")
    .innerJoin("person as o", "o.id", "c.design_owner_id")
    .select(["n.id", "p.code", "o.email"])
    .where("n.kind", "=", "conduit_cutover")
    .where("n.status", "=", "scheduled")
    .where("n.title", "like", "Move %new firewall pair")
    .executeTakeFirstOrThrow();
  plantCode = cutover.code;
  firewallCutover = cutover.id;
  ownerEmail = cutover.email;
  // Last night's window held another cutover too; the firewall cutover is moved into it, so both have happened.
  const [other] = await freeConduits(db, plantCode, 1);
  past = await pastWindow(db, plantCode, 12, [{ title: "Cut over the packaging cell", conduitId: other!.id }]);
  await db
    .updateTable("network_change")
    .set({ window_id: past.windowId, planned_start: past.startsAt })
    .where("id", "=", firewallCutover)
    .execute();
  startSeq = (
    await db
      .selectFrom("audit_event")
      .select((eb) => eb.fn.max("seq").as("seq"))
      .executeTakeFirstOrThrow()
  ).seq!;
});

after(async () => {
  await db?.destroy();
  await browser?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function openChange(page: Page, changeId: number) {
  await page.goto(`${server.url}/plants/${plantCode}/changes/${changeId}`);
  await settled(page);
}

describe("the floor's walk: a predicted blocked flow, a rollback, a stop, its review, and the cutover done", () => {
  it("holds the cutover until its flow is acknowledged and the stop's review is signed by both owners", async () => {
    const owner = await (await browser.newContext()).newPage();
    await signInInBrowser(owner, server.url, ownerEmail, TEST_PASSWORD);

    // The design owner acknowledges the flow the firewall cutover would block.
    await openChange(owner, firewallCutover);
    const impact = owner.getByRole("region", { name: "Predicted blocked flows" });
    assert.match(await owner.locator("#cannot-be-done").innerText(), /cannot be marked done yet/);
    const acknowledge = impact.locator("form").filter({ has: owner.getByRole("button", { name: "Expected to stop" }) });
    await acknowledge
      .getByRole("textbox", { name: "Why it is expected to stop" })
      .fill("The contractor's telnet session ends with the old firewall; nobody needs it after.");
    await acknowledge.getByRole("button", { name: "Expected to stop" }).click();
    await impact.getByText(/Acknowledged \S.* → .*, tcp\/\d+ as expected to stop at the cutover\./).waitFor();
    await settled(owner);
    assert.equal(await owner.locator("#cannot-be-done").count(), 0);

    // The other cutover of the night was rolled back, and it stopped a line.
    await recordOutcome(
      owner,
      server.url,
      plantCode,
      past.changes[0]!,
      "rolled_back",
      "The packaging HMI lost its PLC; rolled back."
    );
    await owner.getByText("recorded as rolled back").first().waitFor();
    await owner.goto(`${server.url}/plants/${plantCode}/stops`);
    await settled(owner);
    const record = owner.locator("#record-stop");
    await record.locator('input[name="line"]').fill("Packaging line");
    await record.locator('input[name="minutesLost"]').fill("35");
    await record.locator('select[name="changeId"]').selectOption(String(past.changes[0]));
    await record.locator('textarea[name="description"]').fill("Packaging stopped when its HMI lost the PLC.");
    await record.locator('select[name="cause"]').selectOption("network");
    await record.getByRole("button", { name: "Record the stop" }).click();
    await owner.waitForURL(/\/stops\/\d+/);
    await owner.getByText("Stop recorded").waitFor();
    const stopUrl = owner.url().split("#")[0]!;

    // The firewall cutover, though its flow is acknowledged, is refused while the stop is under review.
    await recordOutcome(owner, server.url, plantCode, firewallCutover, "as_planned");
    const refused = owner.locator(`#change-${firewallCutover}-outcome`);
    await refused.getByText("has no post-incident review signed by both owners").waitFor();
    await refused.getByRole("link", { name: "Go to the stop and its review" }).click();
    await owner.waitForURL(new RegExp(`${new URL(stopUrl).pathname}$`));
    await settled(owner);

    // Both owners sign the review.
    await owner
      .locator('#write-review textarea[name="review"]')
      .fill("Root cause: the HMI's implicit I/O was missing from the design. Added before the next attempt.");
    await owner.getByRole("button", { name: "Save the review" }).click();
    await owner.getByText("Review saved").waitFor();
    await owner.getByRole("button", { name: "Sign as plant engineering" }).click();
    await owner.getByText("Signed.").waitFor();
    const security = await (await browser.newContext()).newPage();
    await signInInBrowser(security, server.url, "security@demo.test", TEST_PASSWORD);
    await security.goto(stopUrl);
    await settled(security);
    await security.getByRole("button", { name: "Sign as corporate security" }).click();
    await security.getByText("Signed.").waitFor();

    // Now the firewall cutover is recorded done, on its own page.
    await recordOutcome(owner, server.url, plantCode, firewallCutover, "as_planned");
    await owner.getByText("recorded as done as planned").waitFor();
    assert.match(owner.url(), new RegExp(`/changes/${firewallCutover}#outcome$`));
    const done = await db
      .selectFrom("network_change")
      .select("status")
      .where("id", "=", firewallCutover)
      .executeTakeFirstOrThrow();
    assert.equal(done.status, "done");
    const acts = await db
      .selectFrom("audit_event")
      .select("action")
      .where("seq", ">", startSeq)
      .where("object_id", "in", [String(firewallCutover), String(past.changes[0])])
      .orderBy("seq")
      .execute();
    assert.deepEqual(
      acts.map((a) => a.action).filter((a) => a.startsWith("cutover.") || a.startsWith("change.")),
      ["cutover.acknowledge_flow", "change.outcome", "change.done"]
    );
  });
});
