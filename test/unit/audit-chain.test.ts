import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { sql } from "kysely";
import { canonicalJson, eventHash, GENESIS_HASH, recordAudit, verifyAuditChain } from "../../app/models/audit.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

// The hash chain against the tampering an attacker with write access to the file would try. The
// attacker first drops the append-only triggers, as anyone holding the file can.

let test: TestDatabase;

const actor = { personId: 1, tokenId: null, label: "Dana Reyes (program lead)" };

async function recordEvents(count: number, start = Date.UTC(2026, 10, 1, 12)): Promise<void> {
  await test.db.transaction().execute(async (tx) => {
    for (let i = 1; i <= count; i++) {
      await recordAudit(
        tx,
        actor,
        {
          action: "conduit.edit",
          objectType: "conduit",
          objectId: i,
          plantId: 3,
          summary: `Conduit ${i} edited`,
          before: { purpose: "old", flows: [{ port: 502 }] },
          after: { purpose: `new ${i}`, flows: [{ port: 502 }, { port: 44818 }] },
        },
        new Date(start + i * 60_000)
      );
    }
  });
}

async function dropTriggers(): Promise<void> {
  await sql`drop trigger audit_event_no_update`.execute(test.db);
  await sql`drop trigger audit_event_no_delete`.execute(test.db);
}

async function storedEvent(seq: number) {
  return test.db.selectFrom("audit_event").selectAll().where("seq", "=", seq).executeTakeFirstOrThrow();
}

beforeEach(async () => {
  test = await createTestDatabase();
});

afterEach(async () => {
  await test.cleanup();
});

describe("an intact audit trail", () => {
  it("verifies, counting every event and naming the head", async () => {
    await recordEvents(5);
    const verdict = await verifyAuditChain(test.db);
    const head = await storedEvent(5);
    assert.deepEqual(verdict, { ok: true, count: 5, last: { seq: 5, hash: head.hash } });
  });

  it("verifies when empty", async () => {
    assert.deepEqual(await verifyAuditChain(test.db), { ok: true, count: 0, last: null });
  });

  it("links each event to the one before, from the genesis hash", async () => {
    await recordEvents(3);
    const events = await test.db.selectFrom("audit_event").selectAll().orderBy("seq").execute();
    assert.deepEqual(
      events.map((e) => e.seq),
      [1, 2, 3]
    );
    assert.equal(events[0]!.prev_hash, GENESIS_HASH);
    assert.equal(events[1]!.prev_hash, events[0]!.hash);
    assert.equal(events[2]!.prev_hash, events[1]!.hash);
    for (const event of events) assert.equal(eventHash(event), event.hash);
  });

  it("stores before and after as canonical JSON, whatever the key order given", async () => {
    await test.db.transaction().execute(async (tx) => {
      await recordAudit(tx, actor, {
        action: "a",
        objectType: "x",
        objectId: null,
        plantId: null,
        summary: "s",
        after: { b: 1, a: { d: 2, c: 3 } },
      });
    });
    assert.equal((await storedEvent(1)).after_json, '{"a":{"c":3,"d":2},"b":1}');
    assert.equal(canonicalJson({ b: 1, a: { d: 2, c: 3 } }), canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  });

  it("is refused updates and deletes by the database while the triggers stand", async () => {
    await recordEvents(2);
    await assert.rejects(
      test.db.updateTable("audit_event").set({ summary: "nothing happened" }).where("seq", "=", 1).execute(),
      /append-only/
    );
    await assert.rejects(test.db.deleteFrom("audit_event").where("seq", "=", 2).execute(), /append-only/);
    assert.equal((await verifyAuditChain(test.db)).ok, true);
  });

  it("rolls the event back with the change it records", async () => {
    await recordEvents(2);
    await assert.rejects(
      test.db.transaction().execute(async (tx) => {
        await recordAudit(tx, actor, {
          action: "plant.edit",
          objectType: "plant",
          objectId: 3,
          plantId: 3,
          summary: "doomed",
        });
        throw new Error("the change failed");
      }),
      /the change failed/
    );
    assert.deepEqual(await verifyAuditChain(test.db), {
      ok: true,
      count: 2,
      last: { seq: 2, hash: (await storedEvent(2)).hash },
    });
  });
});

describe("a tampered audit trail", () => {
  const edits: Record<string, string | number | null> = {
    at: "2026-11-01T12:03:30.000Z",
    actor_person_id: 2,
    actor_token_id: 9,
    actor_label: "Someone Else (executive)",
    action: "conduit.sign",
    object_type: "zone",
    object_id: "33",
    plant_id: 4,
    summary: "Conduit 3 left unchanged",
    before_json: '{"purpose":"older"}',
    after_json: null,
    hash: "f".repeat(64),
  };
  for (const [column, value] of Object.entries(edits)) {
    it(`names the middle event whose ${column} was edited`, async () => {
      await recordEvents(5);
      await dropTriggers();
      await sql`update audit_event set ${sql.ref(column)} = ${value} where seq = 3`.execute(test.db);
      const verdict = await verifyAuditChain(test.db);
      assert.ok(!verdict.ok);
      assert.equal(verdict.seq, 3);
      assert.match(verdict.reason, /no longer matches its hash/);
    });
  }

  it("names an event whose previous-hash link was edited", async () => {
    await recordEvents(5);
    await dropTriggers();
    await test.db
      .updateTable("audit_event")
      .set({ prev_hash: "0".repeat(64) })
      .where("seq", "=", 3)
      .execute();
    const verdict = await verifyAuditChain(test.db);
    assert.ok(!verdict.ok);
    assert.equal(verdict.seq, 3);
    assert.match(verdict.reason, /link to event 2 is broken/);
  });

  it("names a deleted middle event as missing", async () => {
    await recordEvents(5);
    await dropTriggers();
    await test.db.deleteFrom("audit_event").where("seq", "=", 3).execute();
    const verdict = await verifyAuditChain(test.db);
    assert.ok(!verdict.ok);
    assert.equal(verdict.seq, 3);
    assert.match(verdict.reason, /event 3 is missing/);
  });

  it("names a run of deleted events, and a deleted first event", async () => {
    await recordEvents(6);
    await dropTriggers();
    await test.db.deleteFrom("audit_event").where("seq", "in", [3, 4]).execute();
    const run = await verifyAuditChain(test.db);
    assert.ok(!run.ok);
    assert.equal(run.seq, 3);
    assert.match(run.reason, /events 3–4 are missing/);

    await test.db.deleteFrom("audit_event").where("seq", "=", 1).execute();
    const first = await verifyAuditChain(test.db);
    assert.ok(!first.ok);
    assert.equal(first.seq, 1);
    assert.match(first.reason, /event 1 is missing/);
  });

  it("detects two events whose seqs were swapped", async () => {
    await recordEvents(5);
    await dropTriggers();
    await test.db.updateTable("audit_event").set({ seq: 1000 }).where("seq", "=", 2).execute();
    await test.db.updateTable("audit_event").set({ seq: 2 }).where("seq", "=", 3).execute();
    await test.db.updateTable("audit_event").set({ seq: 3 }).where("seq", "=", 1000).execute();
    const verdict = await verifyAuditChain(test.db);
    assert.ok(!verdict.ok);
    assert.equal(verdict.seq, 2);
  });

  it("detects a swap that also carries each event's seq-bound content along", async () => {
    // Move whole rows: event 3's content under seq 2 and the reverse, hashes and links included.
    await recordEvents(5);
    await dropTriggers();
    const two = await storedEvent(2);
    const three = await storedEvent(3);
    await test.db.deleteFrom("audit_event").where("seq", "in", [2, 3]).execute();
    await test.db
      .insertInto("audit_event")
      .values([
        { ...three, seq: 2 },
        { ...two, seq: 3 },
      ])
      .execute();
    const verdict = await verifyAuditChain(test.db);
    assert.ok(!verdict.ok);
    assert.equal(verdict.seq, 2);
  });

  it("names the next event when an edited event's hash was forged to match", async () => {
    await recordEvents(5);
    await dropTriggers();
    const original = await storedEvent(3);
    const forged = { ...original, summary: "Conduit 3 was never edited" };
    await test.db
      .updateTable("audit_event")
      .set({ summary: forged.summary, hash: eventHash(forged) })
      .where("seq", "=", 3)
      .execute();
    const verdict = await verifyAuditChain(test.db);
    assert.ok(!verdict.ok);
    assert.equal(verdict.seq, 4);
    assert.match(verdict.reason, /link to event 3 is broken/);
  });

  it("changes the reported head when the newest event is rewritten, which only a kept copy of the head can catch", async () => {
    await recordEvents(5);
    const before = await verifyAuditChain(test.db);
    assert.ok(before.ok);
    await dropTriggers();
    const head = await storedEvent(5);
    const forged = { ...head, summary: "Nothing to see" };
    await test.db
      .updateTable("audit_event")
      .set({ summary: forged.summary, hash: eventHash(forged) })
      .where("seq", "=", 5)
      .execute();
    const after = await verifyAuditChain(test.db);
    assert.ok(after.ok);
    assert.equal(after.count, 5);
    assert.notEqual(after.last!.hash, before.last!.hash);
  });

  it("finds a deletion at a batch boundary of a long trail", async () => {
    await recordEvents(2100);
    assert.deepEqual(await verifyAuditChain(test.db), {
      ok: true,
      count: 2100,
      last: { seq: 2100, hash: (await storedEvent(2100)).hash },
    });
    await dropTriggers();
    await test.db.deleteFrom("audit_event").where("seq", "=", 1001).execute();
    const verdict = await verifyAuditChain(test.db);
    assert.ok(!verdict.ok);
    assert.equal(verdict.seq, 1001);
    assert.match(verdict.reason, /event 1001 is missing/);
  });
});
