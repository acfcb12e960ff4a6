import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { addDays, localDay } from "../../app/domain/calendar";
import {
  acceptBaseline,
  addDetectionRule,
  passGate,
  reviewDetectionRule,
  tickCriterion,
  wireAlerts,
} from "../../app/models/gates.server";
import { cancelChange } from "../../app/models/network-changes.server";
import { loadQueue } from "../../app/models/queues.server";
import { editOwnershipSplit, getOwnershipSplit, signOwnershipSplit } from "../../app/models/signoffs.server";
import { closeDb, openDatabase, type DB } from "../../app/utils/db.server";
import { tempDir, databaseEnv } from "../support/database";
import { matureBaseline, noteEvidenceChange } from "../support/evidence";
import { actorFor, createPerson, signInOverHttp, TEST_PASSWORD } from "../support/people";
import { insertConduit, insertPlant, insertStagedHost, insertZone } from "../support/plants";
import { startServer, type RunningServer } from "../support/server";

// Every kind of work /me holds, against the demo program on the real server: each test puts an item in the queue
// and takes it out by doing the work, through the model functions the pages call (and, for staged hosts, the triage
// view's forms over HTTP).

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let db: DB;
const DAY_MS = 86_400_000;

before(async () => {
  server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD });
  db = openDatabase(file);
});

after(async () => {
  await server?.stop();
  await db?.destroy();
  await closeDb();
});

const personActor = (email: string) => actorFor(db, email);

const queueOf = async (email: string) => loadQueue(db, await personActor(email), new Date());
const plantId = async (code: string) =>
  (await db.selectFrom("plant").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;

/** A monitored conduit of DAY between its first two zones, owned by eng.day@ (design) and security@ (monitoring). */
async function ownedConduit(name: string): Promise<{ plant: number; conduit: number }> {
  const plant = await plantId("DAY");
  const zones = await db.selectFrom("zone").select("id").where("plant_id", "=", plant).orderBy("id").limit(2).execute();
  const conduit = await insertConduit(db, plant, name, { a: zones[0]!.id, b: zones[1]!.id });
  const [eng, sec] = await Promise.all([personActor("eng.day@demo.test"), personActor("security@demo.test")]);
  await db
    .updateTable("conduit")
    .set({ design_owner_id: eng.personId, monitoring_owner_id: sec.personId })
    .where("id", "=", conduit)
    .execute();
  return { plant, conduit };
}

/** Makes the conduit's baseline stall: cut over 70 days ago, 66 counted days, each bringing a new flow. */
async function stallBaseline(conduitId: number): Promise<void> {
  await matureBaseline(db, conduitId, new Date(Date.now() - 30 * DAY_MS));
  const c = await db
    .selectFrom("network_change as n")
    .innerJoin("plant as p", "p.id", "n.plant_id")
    .select(["n.done_at", "p.time_zone"])
    .where("n.conduit_id", "=", conduitId)
    .where("n.status", "=", "done")
    .executeTakeFirstOrThrow();
  const epoch = addDays(localDay(c.done_at!, c.time_zone), 1);
  await db.deleteFrom("observation").where("conduit_id", "=", conduitId).execute();
  await db
    .insertInto("observation")
    .values(
      Array.from({ length: 66 }, (_, i) => ({
        conduit_id: conduitId,
        day: addDays(epoch, i),
        source: "sensor_pipeline",
        coverage: 0.97,
        tuples: 25 + i,
        new_tuples: 1,
        connections: 1200,
        bytes: 5_000_000,
        recorded_at: new Date().toISOString(),
      }))
    )
    .execute();
  await noteEvidenceChange(db, conduitId, "Observations that never converge (test).");
}

describe("gates and targets", () => {
  it("shows the lead a plant past its target and a gate ready to pass, until the gate is passed", async () => {
    const plant = await plantId("DAY");
    await db.updateTable("plant").set({ target_alerting: "2020-01-01" }).where("id", "=", plant).execute();
    const lead = await queueOf("lead@demo.test");
    const late = lead.targets.find((t) => t.plantCode === "DAY");
    assert.equal(late?.phase, "alerting");
    assert.ok(late.daysLate > 300);
    assert.ok(
      lead.gates.some((g) => g.plantCode === "DAY" && g.phase === "alerting"),
      "DAY's last gate is ready"
    );
    assert.equal((await queueOf("eng.kok@demo.test")).sections.targets, false, "targets are the lead's");

    await passGate(db, await personActor("lead@demo.test"), { plantId: plant, phase: "alerting", note: null });
    const after = await queueOf("lead@demo.test");
    assert.ok(!after.targets.some((t) => t.plantCode === "DAY"), "passed: no longer past its target");
    assert.ok(!after.gates.some((g) => g.plantCode === "DAY"), "passed: no gate to pass");
  });
});

describe("alerts to wire and detection rules", () => {
  it("asks the monitoring owner to wire a mature conduit, then for its rules, then for their review", async () => {
    const { plant, conduit } = await ownedConduit("Queue wiring conduit");
    const has = (list: { conduitId: number }[]) => list.some((c) => c.conduitId === conduit);
    assert.ok(!has((await queueOf("security@demo.test")).wiring), "collecting: nothing to wire yet");

    await matureBaseline(db, conduit);
    const security = await queueOf("security@demo.test");
    assert.ok(has(security.wiring), "mature: the monitoring owner wires it");
    assert.equal(security.wiring.find((c) => c.conduitId === conduit)!.href, `/plants/DAY/conduits/${conduit}#alerts`);
    assert.ok(!has((await queueOf("eng.day@demo.test")).wiring), "not on the design owner");
    assert.ok(!has((await queueOf("lead@demo.test")).wiring), "the lead does not wire alerts");

    await wireAlerts(db, await personActor("security@demo.test"), {
      plantId: plant,
      conduitId: conduit,
      siemReference: "SIEM-1",
      expectedRevision: null,
    });
    const wired = await queueOf("security@demo.test");
    assert.ok(!has(wired.wiring), "wired: out of the queue");
    assert.ok(has(wired.rulesToWrite), "a wired conduit without rules asks for them");
    assert.ok(has((await queueOf("eng.day@demo.test")).rulesToWrite), "plant engineering may write them too");

    await addDetectionRule(db, await personActor("security@demo.test"), {
      plantId: plant,
      conduitId: conduit,
      name: "New Modbus writer",
      ruleClass: "wrong",
      description: null,
    });
    assert.ok(!has((await queueOf("security@demo.test")).rulesToWrite), "a rule written: out of the queue");
    const rule = await db
      .selectFrom("detection_rule")
      .select("id")
      .where("conduit_id", "=", conduit)
      .executeTakeFirstOrThrow();
    const engineer = await queueOf("eng.day@demo.test");
    const review = engineer.rulesToReview.find((r) => r.ruleId === rule.id);
    assert.ok(review, "the rule waits for plant engineering's review");
    assert.equal(review.href, `/plants/DAY/conduits/${conduit}#review-rule-${rule.id}`);
    assert.equal((await queueOf("security@demo.test")).sections.rulesToReview, false, "security does not review");

    await reviewDetectionRule(db, await personActor("eng.day@demo.test"), {
      plantId: plant,
      conduitId: conduit,
      ruleId: rule.id,
    });
    assert.ok(!(await queueOf("eng.day@demo.test")).rulesToReview.some((r) => r.ruleId === rule.id), "reviewed");
  });
});

describe("stalled baselines to accept", () => {
  it("waits on each owner until that owner has accepted", async () => {
    const { plant, conduit } = await ownedConduit("Queue stalled conduit");
    await stallBaseline(conduit);
    const has = async (email: string) =>
      (await queueOf(email)).acceptances.some((c) => c.conduitId === conduit && c.countedDays >= 60);
    assert.ok(await has("security@demo.test"), "the monitoring owner accepts it");
    assert.ok(await has("eng.day@demo.test"), "the design owner accepts it");
    assert.ok(!(await has("eng.kok@demo.test")), "not an owner");

    const note = "Residual novelty is the historian's rotating client ports.";
    await acceptBaseline(db, await personActor("security@demo.test"), {
      plantId: plant,
      conduitId: conduit,
      note,
      expectedRevision: 1,
    });
    assert.ok(!(await has("security@demo.test")), "accepted by security: out of security's queue");
    assert.ok(await has("eng.day@demo.test"), "still on the engineer until they accept");

    await acceptBaseline(db, await personActor("eng.day@demo.test"), {
      plantId: plant,
      conduitId: conduit,
      note,
      expectedRevision: 1,
    });
    assert.ok(!(await has("eng.day@demo.test")), "accepted by both");
    assert.ok(
      (await queueOf("security@demo.test")).wiring.some((c) => c.conduitId === conduit),
      "jointly accepted: its alerts can be wired"
    );
  });
});

describe("changes needing a new window", () => {
  it("lists the change, linking to it on the windows page, until it is cancelled", async () => {
    const plant = await plantId("DAY");
    const stamp = new Date().toISOString();
    const { id } = await db
      .insertInto("network_change")
      .values({
        plant_id: plant,
        kind: "firewall_rule_change",
        title: "Queue test rule change",
        conduit_id: null,
        conduit_revision: null,
        asset_id: null,
        window_id: null,
        planned_start: null,
        planned_minutes: 30,
        status: "needs_window",
        done_at: null,
        created_by: null,
        created_at: stamp,
        updated_at: stamp,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await noteEvidenceChange(
      db,
      (
        await db.selectFrom("conduit").select("id").where("plant_id", "=", plant).executeTakeFirstOrThrow()
      ).id,
      "A change needing a window (test)."
    );
    const item = (await queueOf("eng.day@demo.test")).changes.find((c) => c.id === id);
    assert.equal(item?.todo, "schedule");
    const cookie = await signInOverHttp(server.url, "eng.day@demo.test");
    const page = await (await fetch(`${server.url}/me`, { headers: { Cookie: cookie } })).text();
    assert.match(page, new RegExp(`href="/plants/DAY/changes/${id}"`), "links to the change's page");
    assert.match(page, /Needs a new window/);

    await cancelChange(db, await personActor("eng.day@demo.test"), {
      plantId: plant,
      changeId: id,
      reason: "No longer needed after the redesign.",
    });
    assert.ok(!(await queueOf("eng.day@demo.test")).changes.some((c) => c.id === id), "cancelled: out of the queue");
  });
});

describe("criteria and signoffs", () => {
  it("drops a checklist criterion once it is ticked", async () => {
    const plant = await insertPlant(db, "QCR", "America/New_York");
    await createPerson(db, { email: "eng.qcr@demo.test", role: "plant_engineer", plantIds: [plant] });
    const has = async () =>
      (await queueOf("eng.qcr@demo.test")).criteria.some((c) => c.plantCode === "QCR" && c.code === "INV-REVIEW");
    assert.ok(await has(), "plant engineering's inventory review waits at a new plant");
    assert.ok(!(await queueOf("eng.kok@demo.test")).criteria.some((c) => c.plantCode === "QCR"), "not another's");
    await tickCriterion(db, await personActor("eng.qcr@demo.test"), {
      plantId: plant,
      code: "INV-REVIEW",
      ticked: true,
      note: "Reviewed with the shift lead.",
    });
    assert.ok(!(await has()), "ticked: out of the queue");
  });

  it("drops the ownership split signoff once it is signed", async () => {
    const plant = await insertPlant(db, "QSG", "America/Chicago");
    const wanted = (q: Awaited<ReturnType<typeof queueOf>>) =>
      q.signoffs.find((s) => s.plantCode === "QSG" && s.subjectType === "ownership_split");
    await editOwnershipSplit(db, await personActor("lead@demo.test"), {
      plantId: plant,
      text: "Design & change control of every conduit: plant engineering. Monitoring & IR: corporate security.",
      expectedRevision: (await getOwnershipSplit(db, plant)).revision,
    });
    const item = wanted(await queueOf("security@demo.test"));
    assert.ok(item, "security's part of the split waits");
    const written = await getOwnershipSplit(db, plant);
    await signOwnershipSplit(db, await personActor("security@demo.test"), {
      plantId: plant,
      part: "monitoring_incident_response",
      seenHash: written.hash,
      expectedRevision: written.revision,
      note: null,
    });
    assert.ok(!wanted(await queueOf("security@demo.test")), "signed: out of the queue");
  });
});

describe("staged hosts and the triage view", () => {
  let plant: number;
  let zone: number;
  let cookie: string;
  const hostIds: number[] = [];

  before(async () => {
    plant = await insertPlant(db, "QTR", "America/Phoenix");
    zone = await insertZone(db, plant, "QTR process control", "10.77.1.0/24");
    await createPerson(db, { email: "eng.qtr@demo.test", role: "plant_engineer", plantIds: [plant] });
    cookie = await signInOverHttp(server.url, "eng.qtr@demo.test");
    for (const n of [1, 2, 3, 4]) hostIds.push(await insertStagedHost(db, plant, `10.77.1.${n}`));
  });

  const post = (form: [string, string][], as = cookie) =>
    fetch(`${server.url}/plants/QTR/triage`, {
      method: "POST",
      headers: { Cookie: as, "Content-Type": "application/x-www-form-urlencoded", Origin: server.url },
      body: new URLSearchParams(form),
      redirect: "manual",
    });
  const staged = async () =>
    (await db.selectFrom("asset").selectAll().where("plant_id", "=", plant).orderBy("id").execute()).map((a) => ({
      status: a.status,
      zone: a.zone_id,
      triage: a.triage,
    }));

  it("lists the plant's staged hosts as one item with a count, opening the triage view", async () => {
    const queue = await queueOf("eng.qtr@demo.test");
    assert.deepEqual(
      queue.staged.map((s) => [s.plantCode, s.count]),
      [["QTR", 4]]
    );
    const me = await (await fetch(`${server.url}/me`, { headers: { Cookie: cookie } })).text();
    assert.match(me, /href="\/plants\/QTR\/triage"/);
    assert.match(
      me,
      /<a href="#staged"><span class="queue-count">4<\/span>/,
      "the count at the top links to the section"
    );
    const view = await fetch(`${server.url}/plants/QTR/triage`, { headers: { Cookie: cookie } });
    assert.equal(view.status, 200);
    const html = await view.text();
    for (const id of hostIds) assert.match(html, new RegExp(`name="assetIds"[^>]*value="${id}"`));
    const plantPage = await (await fetch(`${server.url}/plants/QTR`, { headers: { Cookie: cookie } })).text();
    assert.match(plantPage, /href="\/plants\/QTR\/triage">Triage several hosts at once/, "the plant page leads there");
  });

  it("refuses bad lists next to the list and changes nothing", async () => {
    const before = await staged();
    const none = await post([
      ["intent", "dismiss-hosts"],
      ["note", "Vendor laptops"],
    ]);
    assert.equal(none.status, 400);
    assert.match(await none.text(), /Choose at least one host\./);
    const many = await post([
      ["intent", "dismiss-hosts"],
      ["note", "Vendor laptops"],
      ...Array.from({ length: 201 }, (_, i) => ["assetIds", String(100_000 + i)] as [string, string]),
    ]);
    assert.equal(many.status, 400);
    assert.match(await many.text(), /Choose at most 200 hosts at once \(201 were chosen\)\./);
    const foreign = (await db.selectFrom("asset").select("id").where("plant_id", "!=", plant).executeTakeFirstOrThrow())
      .id;
    const mixed = await post([
      ["intent", "dismiss-hosts"],
      ["note", "Vendor laptops"],
      ["assetIds", String(hostIds[0])],
      ["assetIds", String(foreign)],
    ]);
    assert.equal(mixed.status, 404);
    const unzoned = await post([
      ["intent", "confirm-hosts"],
      ["kind", "plc"],
      ["assetIds", String(hostIds[0])],
    ]);
    assert.equal(unzoned.status, 400);
    assert.match(await unzoned.text(), /Choose a zone: host-10\.77\.1\.1 is in none\./);
    assert.deepEqual(await staged(), before, "nothing changed");
  });

  it("escalated hosts only for corporate security, here as in the queue", async () => {
    const security = await signInOverHttp(server.url, "security@demo.test");
    assert.ok(!(await queueOf("security@demo.test")).staged.some((s) => s.plantCode === "QTR"));
    const refused = await post(
      [
        ["intent", "dismiss-hosts"],
        ["note", "Not ours"],
        ["assetIds", String(hostIds[3])],
      ],
      security
    );
    assert.equal(refused.status, 409);
    assert.match(await refused.text(), /not escalated/);
  });

  it("places, confirms and dismisses several hosts at once, each audited, until nothing is staged", async () => {
    const place = await post([
      ["intent", "place-hosts"],
      ["zoneId", String(zone)],
      ["assetIds", String(hostIds[0])],
      ["assetIds", String(hostIds[1])],
    ]);
    assert.equal(place.status, 302);
    assert.match(place.headers.get("set-cookie") ?? "", /^flash=/, "the saved change says so");
    const confirm = await post([
      ["intent", "confirm-hosts"],
      ["kind", "hmi"],
      ["assetIds", String(hostIds[0])],
      ["assetIds", String(hostIds[1])],
    ]);
    assert.equal(confirm.status, 302);
    assert.equal(
      (await queueOf("eng.qtr@demo.test")).staged.find((s) => s.plantCode === "QTR")?.count,
      2,
      "two hosts left"
    );
    const dismiss = await post([
      ["intent", "dismiss-hosts"],
      ["note", "Vendor laptops during the PM visit"],
      ["assetIds", String(hostIds[2])],
      ["assetIds", String(hostIds[3])],
    ]);
    assert.equal(dismiss.status, 302);
    assert.deepEqual(await staged(), [
      { status: "confirmed", zone, triage: null },
      { status: "confirmed", zone, triage: null },
      { status: "staged", zone: null, triage: "transient" },
      { status: "staged", zone: null, triage: "transient" },
    ]);
    assert.deepEqual((await queueOf("eng.qtr@demo.test")).staged, [], "nothing left to triage");
    const audit = await db
      .selectFrom("audit_event")
      .select(["action", "object_id"])
      .where("plant_id", "=", plant)
      .where("object_type", "=", "asset")
      .orderBy("seq")
      .execute();
    assert.deepEqual(
      audit.map((a) => `${a.action} ${a.object_id}`),
      [
        `asset.place ${hostIds[0]}`,
        `asset.place ${hostIds[1]}`,
        `asset.confirm ${hostIds[0]}`,
        `asset.confirm ${hostIds[1]}`,
        `asset.mark-transient ${hostIds[2]}`,
        `asset.mark-transient ${hostIds[3]}`,
      ]
    );
  });
});
