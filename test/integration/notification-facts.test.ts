import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { seedDemoProgram } from "../../db/seed/demo-program";
import { can } from "../../app/domain/permissions";
import type { Notice } from "../../app/domain/notifications";
import { computeNotices } from "../../app/models/notification-facts.server";
import { loadQueue } from "../../app/models/queues.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { actorFor } from "../support/people";

// What the notifier would tell each person of the demo program, against the queue /me shows them: the same items,
// only at plants they read, each fact once; and the facts the queue does not hold, each with its threshold.

const NOW = new Date("2026-12-06T12:00:00.000Z");
const HOUR = 3_600_000;

describe("the notices of the demo program", () => {
  let test: TestDatabase;
  let notices: Notice[];

  before(async () => {
    test = await createTestDatabase();
    await seedDemoProgram(test.db, { now: NOW });
    notices = await computeNotices(test.db, NOW, null);
  });

  after(async () => {
    await test?.cleanup();
  });

  const plantId = async (code: string) =>
    (await test.db.selectFrom("plant").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;
  const mine = (list: readonly Notice[], personId: number | null) => list.filter((n) => n.personId === personId);

  it("tells each person of plants they may read only, and each fact once", async () => {
    assert.ok(notices.length > 20, `only ${notices.length} notices`);
    const keys = new Set(notices.map((n) => `${n.personId}|${n.factKey}`));
    assert.equal(keys.size, notices.length);
    const people = await test.db.selectFrom("person").select(["email", "role"]).execute();
    for (const { email, role } of people) {
      const actor = await actorFor(test.db, email);
      const told = mine(notices, actor.personId);
      for (const n of told)
        assert.ok(n.plantId === null || can(actor, "read:plant", n.plantId), `${email}: ${n.title}`);
      if (role === "admin" || role === "executive") assert.deepEqual(told, [], email);
    }
  });

  it("tells each person the items of their queue, no more and no fewer", async () => {
    for (const email of ["lead@demo.test", "security@demo.test", "eng.kok@demo.test", "eng.peo@demo.test"]) {
      const actor = await actorFor(test.db, email);
      const queue = await loadQueue(test.db, actor, NOW);
      const told = mine(notices, actor.personId);
      const keysOf = (kind: string) =>
        told
          .filter((n) => n.kind === kind)
          .map((n) => n.factKey.split("|")[1])
          .sort();
      assert.deepEqual(
        [...keysOf("signoff.needed"), ...keysOf("signoff.stale")].sort(),
        queue.signoffs.map((s) => `${s.subjectType}:${s.subjectId}:${s.part}`).sort(),
        email
      );
      assert.deepEqual(keysOf("alerts.ready"), queue.wiring.map((w) => `conduit:${w.conduitId}`).sort(), email);
      assert.deepEqual(keysOf("baseline.stalled"), queue.acceptances.map((a) => `conduit:${a.conduitId}`).sort());
      assert.deepEqual(keysOf("gate.ready"), queue.gates.map((g) => `plant:${g.plantCode}:${g.phase}`).sort());
      assert.deepEqual(keysOf("gate.overdue"), queue.targets.map((t) => `plant:${t.plantCode}:${t.phase}`).sort());
      assert.deepEqual(
        keysOf("change.needs_window"),
        queue.changes
          .filter((c) => c.todo === "schedule")
          .map((c) => `change:${c.id}`)
          .sort()
      );
      assert.deepEqual(keysOf("triage.staged"), queue.staged.map((s) => `plant:${s.plantCode}`).sort());
    }
  });

  it("gives a plant engineer only their own plants", async () => {
    const eng = await actorFor(test.db, "eng.kok@demo.test");
    const told = mine(notices, eng.personId);
    assert.ok(told.length > 0);
    assert.deepEqual([...new Set(told.map((n) => n.plantCode))], ["KOK"]);
  });

  it("computes only the plants asked for", async () => {
    const kok = await plantId("KOK");
    const some = await computeNotices(test.db, NOW, [kok]);
    assert.ok(some.length > 0);
    assert.deepEqual([...new Set(some.map((n) => n.plantCode))], ["KOK"]);
    const all = new Set(notices.map((n) => `${n.personId}|${n.factKey}`));
    for (const n of some) assert.ok(all.has(`${n.personId}|${n.factKey}`), n.factKey);
  });

  it("tells a confirmed window within 24 hours to the plant's engineers, urgently, and not one 25 hours away", async () => {
    const kok = await plantId("KOK");
    const eng = await actorFor(test.db, "eng.kok@demo.test");
    const window = await test.db
      .insertInto("outage_window")
      .values({
        plant_id: kok,
        title: "Line 2 stop",
        kind: "scheduled_outage",
        status: "confirmed",
        starts_at: new Date(NOW.getTime() + 20 * HOUR).toISOString(),
        ends_at: new Date(NOW.getTime() + 26 * HOUR).toISOString(),
        time_zone: "Europe/Berlin",
        notes: null,
        created_by: eng.personId,
        created_at: NOW.toISOString(),
        updated_at: NOW.toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const soon = (await computeNotices(test.db, NOW, [kok])).filter(
      (n) => n.kind === "window.soon" && n.factKey.includes(`window:${window.id}|`)
    );
    assert.ok(soon.some((n) => n.personId === eng.personId && n.urgent));
    assert.match(soon[0]!.body, /\(Europe\/Berlin\)/);
    const later = new Date(NOW.getTime() - 5 * HOUR);
    const none = (await computeNotices(test.db, later, [kok])).filter((n) =>
      n.factKey.includes(`window:${window.id}|`)
    );
    assert.deepEqual(none, []);
  });

  it("tells a sensor silent more than three days to the conduit's owners, urgently", async () => {
    const row = await test.db
      .selectFrom("conduit as c")
      .innerJoin("observation as o", "o.conduit_id", "c.id")
      .select(["c.id", "c.plant_id", "c.monitoring_owner_id"])
      .where("c.monitored", "=", 1)
      .where("c.monitoring_owner_id", "is not", null)
      .groupBy("c.id")
      .orderBy("c.id")
      .executeTakeFirstOrThrow();
    const silentFor = async (days: number) => {
      const last = new Date(NOW.getTime() - days * 24 * HOUR).toISOString().slice(0, 10);
      await test.db.deleteFrom("observation").where("conduit_id", "=", row.id).where("day", ">", last).execute();
      return (await computeNotices(test.db, NOW, [row.plant_id])).filter(
        (n) => n.kind === "sensor.silent" && n.factKey.startsWith(`sensor.silent|conduit:${row.id}|`)
      );
    };
    assert.deepEqual(await silentFor(3), []);
    const told = await silentFor(5);
    assert.ok(told.some((n) => n.personId === row.monitoring_owner_id && n.urgent));
  });

  it("makes a stale signoff urgent exactly where its conduit is cut over", async () => {
    const stale = notices.filter((n) => n.kind === "signoff.stale");
    assert.ok(stale.length > 0);
    for (const n of stale) {
      const conduitId = Number(/conduit:(\d+)/.exec(n.factKey)?.[1]);
      const cut = await test.db
        .selectFrom("network_change as n")
        .innerJoin("conduit as c", "c.id", "n.conduit_id")
        .select("n.id")
        .where("n.conduit_id", "=", conduitId)
        .where("n.kind", "=", "conduit_cutover")
        .where("n.status", "=", "done")
        .whereRef("n.conduit_revision", "=", "c.revision")
        .executeTakeFirst();
      assert.equal(n.urgent, cut !== undefined, n.factKey);
    }
  });
});
