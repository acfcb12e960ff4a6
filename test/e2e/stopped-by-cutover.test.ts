import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { formatLocal } from "../../app/domain/time";
import { parseConnLog, type ConnRecord } from "../../app/domain/zeek";
import { acknowledgeBlockedFlow, loadCutoverImpact } from "../../app/models/cutover-impact.server";
import { ingestConnRecords } from "../../app/models/evidence.server";
import { completeChange } from "../../app/models/network-changes.server";
import { systemActor } from "../../app/utils/actor";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { root } from "../../scripts/build";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { freeConduits, pastWindow, recordOutcome } from "../support/floor";
import { actorFor, TEST_PASSWORD } from "../support/people";
import { insertCutOverConduit, insertZone } from "../support/plants";
import { checkScreen, seriousViolations } from "../support/screens";
import { startServer, type RunningServer } from "../support/server";

// What a done conduit cutover seems to have stopped, on its change page at Dayton. A real Zeek log (one Modbus
// master polling its field devices) is fed through the ingest on a conduit between two zones holding its hosts: once
// moved to ten days before the cutover (only its SMB session), once to two days before (all but that session), and
// once to a day and a half after (all but the SMB session and the field's NetBIOS session towards the master). The
// NetBIOS session is the one flow seen in the week before and not in the three days after; the Modbus polling goes
// on, and the SMB session was seen only before that week. A cutover done yesterday is still being watched.

const FIXTURE = path.join(root, "test/fixtures/zeek/enip-modbus.conn.log");
const lines = fs.readFileSync(FIXTURE, "utf8").split("\n");
const DAY_MS = 86_400_000;
const MASTER = "141.81.0.10";
const PLANT = "DAY";
const ZONE = "America/New_York";
const ENGINEER = "eng.day@demo.test";

/** The log's rows as columns: an independent reading of the sessions from the field to the master on a port. */
const rows = lines.filter((l) => l && !l.startsWith("#")).map((l) => l.split("\t"));
const fieldToMaster = (proto: string, port: string) =>
  rows.filter(
    (c) => c[2]!.startsWith("141.81.0.") && c[2] !== MASTER && c[4] === MASTER && c[6] === proto && c[5] === port
  );

const { records } = parseConnLog(lines);
const first = Math.min(...records.map((r) => r.ts));
const fromField = (r: ConnRecord, port: number) =>
  r.origHost.startsWith("141.81.0.") &&
  r.origHost !== MASTER &&
  r.respHost === MASTER &&
  r.proto === "tcp" &&
  r.respPort === port;
const netbios = (r: ConnRecord) => fromField(r, 139);
const smb = (r: ConnRecord) => fromField(r, 445);

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let browser: Browser;
let db: DB;
let judgedCutover: number;
let watchedCutover: number;

/** Ingests the log's records that `keep` chooses, moved to begin at `start`, and publishes them. */
async function ingestAt(start: number, keep: (r: ConnRecord) => boolean) {
  await ingestConnRecords(db, {
    plantCode: PLANT,
    actor: systemActor("test"),
    records: records.filter(keep).map((r) => ({ ...r, ts: r.ts - first + start / 1000 })),
  });
}

before(async () => {
  [server, browser] = await Promise.all([
    startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD }),
    launchBrowser(),
  ]);
  db = openDatabase(file);
  const now = Date.now();
  const [paintCell] = await freeConduits(db, PLANT, 1);

  const plant = await db.selectFrom("plant").select("id").where("code", "=", PLANT).executeTakeFirstOrThrow();
  const engineer = await db.selectFrom("person").select("id").where("email", "=", ENGINEER).executeTakeFirstOrThrow();
  // The master is its own zone (the longest prefix wins); the polled devices are the field.
  const master = await insertZone(db, plant.id, "Modbus master", `${MASTER}/32`);
  const field = await insertZone(db, plant.id, "Modbus field", "141.81.0.0/24");
  const conduitId = await insertCutOverConduit(
    db,
    plant.id,
    "Modbus master ↔ field",
    { a: master, b: field },
    [
      { protocol: "tcp", port: 502 },
      { protocol: "tcp", port: 102 },
    ],
    new Date(now - 60 * DAY_MS).toISOString()
  );
  await db.updateTable("conduit").set({ design_owner_id: engineer.id }).where("id", "=", conduitId).execute();

  const past = await pastWindow(db, PLANT, 5 * 24, [{ title: "Move the Modbus field to the new firewall", conduitId }]);
  judgedCutover = past.changes[0]!;
  const doneAt = Date.parse(past.startsAt) + 30 * 60_000;
  await ingestAt(doneAt - 10 * DAY_MS, smb);
  await ingestAt(doneAt - 2 * DAY_MS, (r) => !smb(r));
  // The design owner acknowledges every flow the cutover would block, and it is marked done inside its window.
  const owner = await actorFor(db, ENGINEER);
  const change = {
    id: judgedCutover,
    plantId: plant.id,
    kind: "conduit_cutover",
    title: "Move the Modbus field to the new firewall",
    status: "scheduled",
    doneAt: null,
    conduitId,
  };
  const impact = (await loadCutoverImpact(db, change, ZONE))!;
  for (const flowKey of impact.prediction.keys) {
    await acknowledgeBlockedFlow(db, owner, {
      plantId: plant.id,
      changeId: judgedCutover,
      flowKey,
      decision: "expected_stop",
      reason: "The old firewall's rules end with the cutover",
    });
  }
  await completeChange(db, owner, {
    plantId: plant.id,
    changeId: judgedCutover,
    doneAt: new Date(doneAt).toISOString(),
  });
  await ingestAt(doneAt + 1.5 * DAY_MS, (r) => !smb(r) && !netbios(r));

  // Yesterday's cutover, whose outcome the engineer records in a test below.
  watchedCutover = (await pastWindow(db, PLANT, 30, [{ title: "Cut over the paint cell", conduitId: paintCell!.id }]))
    .changes[0]!;
});

after(async () => {
  await db?.destroy();
  await browser?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The change page's "Stopped by the cutover?" section. */
async function stoppedRegion(page: Page, changeId: number) {
  await page.goto(`${server.url}/plants/${PLANT}/changes/${changeId}`);
  await settled(page);
  return page.getByRole("region", { name: "Stopped by the cutover?" });
}

/** The list's rows, each as its zone pair, protocol/port and connections. */
async function listedFlows(page: Page): Promise<string[][]> {
  const region = page.getByRole("region", { name: "Stopped by the cutover?" });
  const shown = await region.locator("tbody tr").all();
  return Promise.all(shown.map(async (row) => (await row.locator("th, td").allInnerTexts()).slice(0, 3)));
}

describe("the flows a done conduit cutover seems to have stopped, on its change page", () => {
  it("lists the flow seen in the week before and not in the three days after, and not the one that goes on", async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await signInInBrowser(page, server.url, ENGINEER, TEST_PASSWORD);
    const region = await stoppedRegion(page, judgedCutover);

    const stopped = fieldToMaster("tcp", "139");
    assert.ok(stopped.length > 0, "the log holds the field's NetBIOS session towards the master");
    assert.deepEqual(await listedFlows(page), [["Modbus field → Modbus master", "tcp/139", String(stopped.length)]]);
    assert.match(
      await region.locator("caption").innerText(),
      /^1 flow seen in the 7 days before the cutover and not in the 3 days after/
    );
    const hosts = [...new Set(stopped.map((c) => `${c[2]} → ${c[4]}`))];
    assert.deepEqual(await region.locator("tbody tr ul.flows li").allInnerTexts(), hosts);
    // The Modbus polling went on after the cutover; the SMB session was seen only before the week.
    assert.ok(fieldToMaster("tcp", "445").length > 0, "the log holds an SMB session from the field");
    const smbHours = await db
      .selectFrom("flow_hour")
      .select("tuple")
      .where("tuple", "like", `%|${MASTER}|tcp|445`)
      .execute();
    assert.ok(smbHours.length > 0, "the SMB session is in the evidence");
    assert.doesNotMatch(await region.innerText(), /tcp\/502|tcp\/445/);

    for (const width of [390, 768, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      assert.deepEqual(await seriousViolations(page), [], `accessibility at ${width} px`);
      assert.deepEqual(await checkScreen(page, width < 1000), { overflow: null, invisibleText: [], smallTargets: [] });
    }
    assert.deepEqual(errors, [], "no script errors");
    await context.close();
  });

  it("serves the list in the page's HTML, without JavaScript", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInInBrowser(page, server.url, ENGINEER, TEST_PASSWORD);
    await stoppedRegion(page, judgedCutover);
    assert.deepEqual(await listedFlows(page), [
      ["Modbus field → Modbus master", "tcp/139", String(fieldToMaster("tcp", "139").length)],
    ]);
    await context.close();
  });

  it("says until when it is still watching a cutover done less than three days ago", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInInBrowser(page, server.url, ENGINEER, TEST_PASSWORD);
    await recordOutcome(page, server.url, PLANT, watchedCutover, "as_planned");
    await page.getByText("recorded as done as planned").waitFor();
    const { done_at: doneAt } = await db
      .selectFrom("network_change")
      .select("done_at")
      .where("id", "=", watchedCutover)
      .executeTakeFirstOrThrow();
    assert.ok(doneAt !== null && Date.now() - Date.parse(doneAt) < 3 * DAY_MS, "done less than three days ago");
    const until = formatLocal(new Date(Date.parse(doneAt) + 3 * DAY_MS), ZONE);
    const region = await stoppedRegion(page, watchedCutover);
    assert.equal(
      await region.locator("p").innerText(),
      `Still watching until ${until}: three days of traffic after the cutover.`
    );
    assert.equal(await region.locator("table").count(), 0);
    await context.close();
  });
});
