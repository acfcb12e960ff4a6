import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AuditFilters } from "../../app/domain/audit-filters";
import { recordAudit } from "../../app/models/audit.server";
import {
  AUDIT_PAGE_SIZE,
  countAuditEvents,
  exportAuditEvents,
  getAuditFilterOptions,
  getPlantRef,
  listAuditEvents,
  type AuditQuery,
} from "../../app/models/audit-log.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { createPerson } from "../support/people";

// Reading the trail back: filters, paging and the export, against a real SQLite file.

let test: TestDatabase;
let dal = 0;
let phx = 0;
let dana = 0;
let omar = 0;

const NONE: AuditFilters = { personId: null, objectType: null, objectId: null, action: null, from: null, to: null };
const all = (filters: Partial<AuditQuery> = {}): AuditQuery => ({ ...NONE, plantId: null, ...filters });

async function addPlant(code: string): Promise<number> {
  const row = await test.db
    .insertInto("plant")
    .values({
      code,
      name: `Plant ${code}`,
      time_zone: "America/Chicago",
      region: "South",
      site: code,
      created_at: "2026-01-01T00:00:00.000Z",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

before(async () => {
  test = await createTestDatabase();
  dal = await addPlant("DAL");
  phx = await addPlant("PHX");
  dana = await createPerson(test.db, { email: "dana@example.test", role: "program_lead", name: "Dana Reyes" });
  omar = await createPerson(test.db, { email: "omar@example.test", role: "plant_engineer", name: "Omar Haddad" });
  const dayStart = Date.UTC(2026, 10, 20);
  await test.db.transaction().execute(async (tx) => {
    // 120 conduit edits by Omar at DAL, one a minute from 2026-11-20 00:00 UTC…
    for (let i = 0; i < 120; i++) {
      await recordAudit(
        tx,
        { personId: omar, tokenId: null, label: "Omar Haddad (plant engineer)" },
        {
          action: "conduit.edit",
          objectType: "conduit",
          objectId: i % 4,
          plantId: dal,
          summary: `Conduit ${i % 4} edited`,
          after: { i },
        },
        new Date(dayStart + i * 60_000)
      );
    }
    // …Dana's edits at PHX exactly on the day boundaries…
    for (const at of [
      "2026-11-20T23:59:59.999Z",
      "2026-11-21T00:00:00.000Z",
      "2026-11-22T23:59:59.999Z",
      "2026-11-23T00:00:00.000Z",
    ]) {
      await recordAudit(
        tx,
        { personId: dana, tokenId: null, label: "Dana Reyes (program lead)" },
        {
          action: "plant.edit",
          objectType: "plant",
          objectId: phx,
          plantId: phx,
          summary: `PHX edited at ${at}`,
          before: { a: 1 },
          after: { a: 2 },
        },
        new Date(at)
      );
    }
    // …and a sign-in that belongs to no plant, by a token.
    await recordAudit(
      tx,
      { personId: null, tokenId: 5, label: "API token “sensor”" },
      { action: "session.sign_in", objectType: "person", objectId: null, plantId: null, summary: "signed in" },
      new Date("2026-11-24T08:00:00.000Z")
    );
  });
});

after(async () => {
  await test.cleanup();
});

describe("listAuditEvents", () => {
  it("pages the whole trail newest first, 50 at a time, with the total", async () => {
    const first = await listAuditEvents(test.db, all(), 1);
    assert.equal(first.total, 125);
    assert.equal(first.events.length, AUDIT_PAGE_SIZE);
    assert.deepEqual(
      first.events.slice(0, 3).map((e) => e.seq),
      [125, 124, 123]
    );
    const last = await listAuditEvents(test.db, all(), 3);
    assert.deepEqual(last.window, { page: 3, pageCount: 3, offset: 100, limit: 50 });
    assert.equal(last.events.length, 25);
    assert.equal(last.events.at(-1)!.seq, 1);
  });

  it("clamps a page past the end to the last page", async () => {
    const result = await listAuditEvents(test.db, all(), 99);
    assert.equal(result.window.page, 3);
    assert.equal(result.events.length, 25);
  });

  it("shows who, what, where and the change", async () => {
    const { events } = await listAuditEvents(test.db, all({ action: "plant.edit" }), 1);
    assert.deepEqual(events[0], {
      seq: 124,
      at: "2026-11-23T00:00:00.000Z",
      actorLabel: "Dana Reyes (program lead)",
      action: "plant.edit",
      objectType: "plant",
      objectId: String(phx),
      plantId: phx,
      plantCode: "PHX",
      summary: "PHX edited at 2026-11-23T00:00:00.000Z",
      beforeJson: '{"a":1}',
      afterJson: '{"a":2}',
    });
  });

  it("filters by person, object type, object id, action and plant", async () => {
    assert.equal(await countAuditEvents(test.db, all({ personId: omar })), 120);
    assert.equal(await countAuditEvents(test.db, all({ personId: dana })), 4);
    assert.equal(await countAuditEvents(test.db, all({ objectType: "person" })), 1);
    assert.equal(await countAuditEvents(test.db, all({ objectType: "conduit", objectId: "2" })), 30);
    assert.equal(await countAuditEvents(test.db, all({ action: "session.sign_in" })), 1);
    assert.equal(await countAuditEvents(test.db, all({ plantId: phx })), 4);
    assert.equal(await countAuditEvents(test.db, all({ plantId: phx, personId: omar })), 0);
    const { events } = await listAuditEvents(test.db, all({ personId: dana }), 1);
    assert.ok(events.every((e) => e.actorLabel.startsWith("Dana")));
  });

  it("reads from and to as whole UTC days, both included", async () => {
    const phxOn = (from: string | null, to: string | null) =>
      countAuditEvents(test.db, all({ plantId: phx, from, to }));
    assert.equal(await phxOn("2026-11-20", "2026-11-20"), 1);
    assert.equal(await phxOn("2026-11-21", "2026-11-22"), 2);
    assert.equal(await phxOn("2026-11-23", null), 1);
    assert.equal(await phxOn(null, "2026-11-22"), 3);
    assert.equal(await phxOn("2026-11-24", null), 0);
  });
});

describe("exportAuditEvents", () => {
  it("yields every matching event once, newest first, across batches", async () => {
    const seqs: number[] = [];
    for await (const batch of exportAuditEvents(test.db, all({ personId: omar }), 7)) {
      assert.ok(batch.length <= 7);
      for (const event of batch) {
        assert.match(event.hash, /^[0-9a-f]{64}$/);
        seqs.push(event.seq);
      }
    }
    assert.equal(seqs.length, 120);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => b - a)
    );
    assert.equal(new Set(seqs).size, 120);
  });

  it("leaves out events recorded after the export began", async () => {
    const batches = exportAuditEvents(test.db, all(), 50);
    const first = await batches.next();
    assert.equal(first.done, false);
    await test.db.transaction().execute(async (tx) => {
      await recordAudit(
        tx,
        { personId: dana, tokenId: null, label: "Dana" },
        { action: "late", objectType: "plant", objectId: dal, plantId: dal, summary: "late" }
      );
    });
    let count = first.done ? 0 : first.value.length;
    for await (const batch of { [Symbol.asyncIterator]: () => batches }) count += batch.length;
    assert.equal(count, 125);
    assert.equal(await countAuditEvents(test.db, all()), 126);
  });
});

describe("filter options", () => {
  it("offers only the people, types and actions that occur in the trail, per plant", async () => {
    const program = await getAuditFilterOptions(test.db, null);
    assert.deepEqual(program.people, [
      { id: dana, name: "Dana Reyes" },
      { id: omar, name: "Omar Haddad" },
    ]);
    assert.deepEqual(program.objectTypes, ["conduit", "person", "plant"]);
    assert.ok(program.actions.includes("session.sign_in"));

    const phoenix = await getAuditFilterOptions(test.db, phx);
    assert.deepEqual(phoenix, {
      people: [{ id: dana, name: "Dana Reyes" }],
      objectTypes: ["plant"],
      actions: ["plant.edit"],
    });
  });

  it("looks a plant up by its code", async () => {
    assert.deepEqual(await getPlantRef(test.db, "PHX"), { id: phx, code: "PHX", name: "Plant PHX" });
    assert.equal(await getPlantRef(test.db, "NOPE"), null);
  });
});
