import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { seedDemoProgram } from "../../db/seed/demo-program";
import { recordAudit } from "../../app/models/audit.server";
import { createTestDatabase, type TestDatabase, useAsProcessDatabase } from "../support/database";
import { actorFor } from "../support/people";
import { criterionTicked } from "../support/plants";

// The server's readiness cache (app/http/readiness-cache.server.ts), on the process's shared connection over a real
// seeded SQLite file: an answer for "now" is given again while nothing changed, and dropped by an audited change
// of its plant, by a change of no plant, and by any other connection's commit; past instants and transactions are
// never served from it.

let test: TestDatabase;
let models: {
  readinessOf: typeof import("../../app/http/readiness-cache.server").readinessOf;
  tickCriterion: typeof import("../../app/models/gates.server").tickCriterion;
  updateSettings: typeof import("../../app/models/settings.server").updateSettings;
  loadSettings: typeof import("../../app/models/readiness.server").loadSettings;
  getDb: typeof import("../../app/utils/db.server").getDb;
  closeDb: typeof import("../../app/utils/db.server").closeDb;
};

before(async () => {
  test = await createTestDatabase();
  await seedDemoProgram(test.db, { now: new Date() });
  useAsProcessDatabase(test.file);
  const readiness = await import("../../app/models/readiness.server");
  const cache = await import("../../app/http/readiness-cache.server");
  const gates = await import("../../app/models/gates.server");
  const settings = await import("../../app/models/settings.server");
  const db = await import("../../app/utils/db.server");
  models = {
    readinessOf: cache.readinessOf,
    loadSettings: readiness.loadSettings,
    tickCriterion: gates.tickCriterion,
    updateSettings: settings.updateSettings,
    getDb: db.getDb,
    closeDb: db.closeDb,
  };
});

after(async () => {
  await models.closeDb();
  await test.cleanup();
});

const lead = () => actorFor(test.db, "lead@demo.test");

const pause = () => new Promise((resolve) => setTimeout(resolve, 15));

/** The readiness of the given plants now, through the shared connection, keyed by code. */
async function now(...codes: string[]) {
  await pause();
  const result = await models.readinessOf(models.getDb(), new Date().toISOString(), codes);
  return new Map(result.map((r) => [r.code, r]));
}

describe("the server's readiness cache", () => {
  it("gives the same answer again while nothing changes, and says when it was computed", async () => {
    const first = await now("DAY", "KOK");
    const again = await now("DAY", "KOK");
    assert.equal(again.get("DAY"), first.get("DAY"), "the same answer, not a new computation");
    assert.equal(again.get("DAY")!.at, first.get("DAY")!.at, "computed when it first was");
    assert.ok(again.get("DAY")!.at < new Date().toISOString(), "an instant in the past");
    const all = await models.readinessOf(models.getDb(), new Date().toISOString());
    assert.equal(
      all.find((r) => r.code === "DAY"),
      first.get("DAY"),
      "all plants reuse the plants already judged"
    );
    assert.deepEqual(
      all.map((r) => r.code),
      [...all.map((r) => r.code)].sort(),
      "all plants, by code"
    );
  });

  it("judges a plant again after an audited change of that plant, and only that plant", async () => {
    const before = await now("DAY", "KOK");
    const day = await criterionTicked(test.db, "DAY", "INV-REVIEW");
    await models.tickCriterion(models.getDb(), await lead(), {
      plantId: day.plantId,
      code: "INV-REVIEW",
      ticked: !day.ticked,
      note: "Walked again with the line leads",
    });
    const after = await now("DAY", "KOK");
    assert.notEqual(after.get("DAY"), before.get("DAY"), "DAY judged again");
    assert.ok(after.get("DAY")!.at > before.get("DAY")!.at, "DAY computed after the tick");
    assert.equal(after.get("KOK"), before.get("KOK"), "KOK's answer kept");
  });

  it("judges every plant again after a change of no plant (the program's thresholds)", async () => {
    const before = await now("DAY", "KOK");
    const settings = await models.loadSettings(test.db);
    await models.updateSettings(models.getDb(), await lead(), { ...settings, matureDays: settings.matureDays + 1 });
    const after = await now("DAY", "KOK");
    assert.notEqual(after.get("DAY"), before.get("DAY"), "DAY judged again");
    assert.notEqual(after.get("KOK"), before.get("KOK"), "KOK judged again");
  });

  it("judges only the plant another process changed when its change is audited (another worker, the ingest)", async () => {
    const before = await now("DAY", "KOK");
    const day = await criterionTicked(test.db, "DAY", "INV-REVIEW");
    // Through the test's own connection: for the server's cache, another process's commit.
    await models.tickCriterion(test.db, await lead(), {
      plantId: day.plantId,
      code: "INV-REVIEW",
      ticked: !day.ticked,
      note: "Ticked from another worker",
    });
    const after = await now("DAY", "KOK");
    assert.notEqual(after.get("DAY"), before.get("DAY"), "DAY judged again");
    assert.equal(after.get("KOK"), before.get("KOK"), "KOK's answer kept");
  });

  it("keeps every answer through writes that change nothing it reads: a sign-in, a token's last use", async () => {
    const before = await now("DAY", "KOK");
    const exec = await test.db
      .selectFrom("person")
      .select("id")
      .where("email", "=", "exec@demo.test")
      .executeTakeFirstOrThrow();
    // What a sign-in records: an audit event of no plant.
    await test.db.transaction().execute((tx) =>
      recordAudit(
        tx,
        { personId: exec.id, tokenId: null, label: "exec" },
        {
          action: "session.sign_in",
          objectType: "person",
          objectId: exec.id,
          plantId: null,
          summary: "Signed in.",
        }
      )
    );
    await test.db.updateTable("api_token").set({ last_used_at: new Date().toISOString() }).execute();
    const after = await now("DAY", "KOK");
    assert.equal(after.get("DAY"), before.get("DAY"), "DAY's answer kept");
    assert.equal(after.get("KOK"), before.get("KOK"), "KOK's answer kept");
  });

  it("never serves a past instant or a transaction from the cache", async () => {
    const cached = await now("DAY");
    const past = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const [then] = await models.readinessOf(models.getDb(), past, ["DAY"]);
    assert.equal(then!.at, past, "computed at the instant asked");
    const inside = await models
      .getDb()
      .transaction()
      .execute((tx) => models.readinessOf(tx, new Date().toISOString(), ["DAY"]));
    assert.notEqual(inside[0], cached.get("DAY"), "a transaction judges afresh");
    const [own] = await models.readinessOf(test.db, new Date().toISOString(), ["DAY"]);
    assert.notEqual(own, cached.get("DAY"), "a connection other than the server's judges afresh");
  });
});
