import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { seedDemoProgram } from "../../db/seed/demo-program";
import { verifyAuditChain } from "../../app/models/audit.server";
import { hashPassword } from "../../app/utils/password.server";
import { createTestDatabase, type TestDatabase, useAsProcessDatabase } from "../support/database";
import { TEST_PASSWORD } from "../support/people";

// The demo's months of history in its audit trail (written by the importer from the program file), and a plant's
// history page read from it, over a seeded real SQLite file.

const NOW = new Date("2026-11-25T15:00:00.000Z");
let test: TestDatabase;
let historyPage: typeof import("../../app/routes/plants.$code_.history/route").loader;
let plantPage: typeof import("../../app/routes/plants.$code/route").loader;
let cookie = "";

before(async () => {
  test = await createTestDatabase();
  await seedDemoProgram(test.db, { now: NOW, passwordHash: await hashPassword(TEST_PASSWORD) });
  useAsProcessDatabase(test.file);
  historyPage = (await import("../../app/routes/plants.$code_.history/route")).loader;
  plantPage = (await import("../../app/routes/plants.$code/route")).loader;
  const { signIn } = await import("../../app/http/auth.server");
  const result = await signIn(new Request("http://localhost/login"), {
    email: "lead@demo.test",
    password: TEST_PASSWORD,
    ip: "127.0.0.1",
  });
  assert.ok(result.ok);
  cookie = result.setCookie.split(";")[0]!;
});

after(async () => {
  const { closeDb } = await import("../../app/utils/db.server");
  await closeDb();
  await test.cleanup();
});

const call = <T>(loader: (args: never) => Promise<T>, url: string, params: Record<string, string>) =>
  loader({
    request: new Request(`http://localhost${url}`, { headers: { Cookie: cookie } }),
    params,
    context: { cspNonce: "", clientIp: "127.0.0.1" },
  } as never);

const count = async (table: "gate_pass" | "signoff" | "alert_wiring" | "waiver" | "detection_rule") =>
  Number(
    (
      await test.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n
  );

describe("the demo's audit trail", () => {
  it("holds the program's history before today in time order, then the import, one event per act", async () => {
    const events = await test.db.selectFrom("audit_event").selectAll().orderBy("seq").execute();
    const importAt = events.findIndex((e) => e.action === "program.import");
    assert.ok(importAt > 500, `hundreds of historical events precede the import (${importAt})`);
    const history = events.slice(0, importAt);
    const dayBefore = new Date(NOW.getTime() - 86_400_000).toISOString();
    assert.ok(history.filter((e) => e.at < dayBefore).length > 500, "most of them months before today");
    assert.ok(history[0]!.at < "2026-06-01", `the oldest reaches back months (${history[0]!.at})`);
    for (let i = 1; i < history.length; i++) {
      assert.ok(history[i - 1]!.at <= history[i]!.at, `event ${history[i]!.seq} is in time order`);
    }
    assert.ok(events.findIndex((e) => e.action === "program.seed") > importAt, "the seed's own event follows");

    // One event per act across the whole trail: the file's history before the import, and after it the demo's
    // chapter after the rollout (db/seed/floor-drift.ts), whose acts are the app's own.
    const byAction = (action: string) => events.filter((e) => e.action === action);
    assert.equal(byAction("gate.pass").length, await count("gate_pass"));
    assert.equal(byAction("signoff.sign").length, await count("signoff"));
    assert.equal(byAction("conduit.wire_alerts").length, await count("alert_wiring"));
    assert.equal(byAction("criterion.waive").length, await count("waiver"));
    assert.equal(byAction("rule.add").length, await count("detection_rule"));
    for (const action of ["criterion.tick", "change.schedule", "change.done", "window.create", "conduit.edit"]) {
      assert.ok(history.some((e) => e.action === action), `the history holds ${action}`);
    }
    assert.ok(
      history.some((e) => e.action === "signoff.sign" && e.object_type === "baseline_acceptance"),
      "a baseline acceptance"
    );

    // Each act is attributed to the person the file names, as the live act would be.
    const passes = await test.db
      .selectFrom("gate_pass as g")
      .innerJoin("plant as p", "p.id", "g.plant_id")
      .innerJoin("person as who", "who.id", "g.passed_by")
      .select(["p.code", "g.phase", "g.passed_at", "g.passed_by", "who.name"])
      .execute();
    for (const pass of passes) {
      const event = byAction("gate.pass").find((e) => e.object_id === `${pass.code}:${pass.phase}`);
      assert.ok(event, `the ${pass.phase} gate pass of ${pass.code} is in the trail`);
      assert.equal(event.at, pass.passed_at);
      assert.equal(event.actor_person_id, pass.passed_by);
      assert.equal(event.summary, `${pass.name} passed the ${pass.phase} gate of ${pass.code}`);
    }

    // The demo's service laptop was marked transient through the triage act, by the plant's engineer.
    const marked = events.find((e) => e.action === "asset.mark-transient");
    assert.ok(marked?.actor_person_id, "the known-transient host was marked by a person, audited");
    assert.equal(marked.at, NOW.toISOString());

    const verdict = await verifyAuditChain(test.db);
    assert.ok(verdict.ok, "the chain verifies");
    assert.equal(verdict.count, events.length);
  });
});

describe("a plant's history page", () => {
  it("lists the plant's gate passes, signoffs, cutovers, alerts and baseline moments, newest first, by month", async () => {
    const page1 = await call(historyPage, "/plants/DAY/history", { code: "DAY" });
    assert.equal(page1.plant.code, "DAY");
    assert.ok(page1.total > 50, `DAY has a long history (${page1.total})`);
    assert.equal(page1.entries.length, 50);
    const all = [...page1.entries];
    for (let page = 2; page <= page1.window.pageCount; page++) {
      const next = await call(historyPage, `/plants/DAY/history?page=${page}`, { code: "DAY" });
      all.push(...next.entries);
    }
    assert.equal(all.length, page1.total, "the pages hold every entry once");
    assert.equal(new Set(all.map((e) => e.key)).size, all.length);
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.at >= all[i]!.at, "newest first");

    const labels = new Set(all.map((e) => e.label));
    for (const label of ["Gate passed", "Signoff given", "Cutover done", "Alerts wired", "Baseline mature"]) {
      assert.ok(labels.has(label), `the history shows “${label}”`);
    }
    const gates = all.filter((e) => e.label === "Gate passed");
    assert.equal(gates.length, 4, "DAY passed four gates");
    assert.ok(
      gates.every((e) => e.who !== null && /\(/.test(e.who)),
      "each gate pass names who passed it"
    );
    assert.ok(
      all.some((e) => e.label === "Baseline mature" && e.who === null),
      "maturity is derived from evidence, not attributed"
    );

    const grr = await call(historyPage, "/plants/GRR/history", { code: "GRR" });
    const grrAll = [...grr.entries];
    for (let page = 2; page <= grr.window.pageCount; page++) {
      grrAll.push(...(await call(historyPage, `/plants/GRR/history?page=${page}`, { code: "GRR" })).entries);
    }
    assert.ok(
      grrAll.some((e) => e.label === "Baseline stalled"),
      "GRR's stalled baseline"
    );
    assert.ok(
      grrAll.some((e) => e.label === "Baseline accepted"),
      "and the one both owners accepted"
    );
  });

  it("shows the newest entries on the plant page, and a page past the end shows the last page", async () => {
    const plant = await call(plantPage, "/plants/DAY", { code: "DAY" });
    assert.ok(plant.recentHistory, "the lead sees the plant in full, its history too");
    assert.equal(plant.recentHistory.entries.length, 3);
    const history = await call(historyPage, "/plants/DAY/history", { code: "DAY" });
    assert.deepEqual(
      plant.recentHistory.entries.map((e) => e.key),
      history.entries.slice(0, 3).map((e) => e.key)
    );
    const past = await call(historyPage, "/plants/DAY/history?page=999", { code: "DAY" });
    assert.equal(past.window.page, past.window.pageCount);
    assert.ok(past.ignored.some((i) => /page 999 does not exist/.test(i)));
  });
});
