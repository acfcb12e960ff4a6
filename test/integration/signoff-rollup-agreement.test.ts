import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";

import { SIGNOFF_PARTS, type SignoffPart } from "../../app/domain/signoffs";
import { conduitSignoffStates, listConduitDetails } from "../../app/models/conduits.server";
import { listSignoffGaps } from "../../app/models/signoff-gaps.server";
import { getOwnershipSplit } from "../../app/models/signoffs.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { createPerson } from "../support/people";
import { insertConduit, insertPlant, insertZone } from "../support/plants";

// The rollup and /me judge every signoff part in SQL (comparing revisions, for speed); the plant and conduit pages
// judge them with the domain's partState (comparing content hashes, against the owner assigned now). On generated
// histories of edits, owner assignments, signoffs and revokes, written into a real database, both must agree on
// every part: signed, stale or missing.

type Op =
  | { kind: "edit"; conduit: number }
  | { kind: "assign"; conduit: number; part: SignoffPart; who: number | null }
  | { kind: "sign"; conduit: number | null; part: SignoffPart; who: number }
  | { kind: "revoke"; nth: number }
  | { kind: "editSplit" };

const part = fc.constantFrom(...SIGNOFF_PARTS);
const conduitIndex = fc.integer({ min: 0, max: 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("edit" as const), conduit: conduitIndex }),
  fc.record({
    kind: fc.constant("assign" as const),
    conduit: conduitIndex,
    part,
    who: fc.option(fc.integer({ min: 0, max: 1 }), { nil: null }),
  }),
  fc.record({
    kind: fc.constant("sign" as const),
    conduit: fc.option(conduitIndex, { nil: null }),
    part,
    who: fc.integer({ min: 0, max: 1 }),
  }),
  fc.record({ kind: fc.constant("revoke" as const), nth: fc.nat(20) }),
  fc.record({ kind: fc.constant("editSplit" as const) })
);

let test: TestDatabase;
const people: Record<SignoffPart, number[]> = { design_change_control: [], monitoring_incident_response: [] };
let plants = 0;

before(async () => {
  test = await createTestDatabase();
  for (const i of [0, 1]) {
    people.design_change_control.push(
      await createPerson(test.db, { email: `eng${i}@agree.test`, role: "plant_engineer" })
    );
    people.monitoring_incident_response.push(
      await createPerson(test.db, { email: `sec${i}@agree.test`, role: "corporate_security" })
    );
  }
});

after(async () => {
  await test?.cleanup();
});

function plantCode(n: number): string {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return `Z${letters[Math.floor(n / 26) % 26]}${letters[n % 26]}`;
}

/** Writes the history into a fresh plant with two conduits; returns the plant. */
async function play(ops: readonly Op[]): Promise<number> {
  const db = test.db;
  const n = plants++;
  const plantId = await insertPlant(db, plantCode(n), "Europe/Berlin");
  for (const id of people.design_change_control) {
    await db.insertInto("person_plant").values({ person_id: id, plant_id: plantId }).execute();
  }
  const a = await insertZone(db, plantId, "A", `10.${n % 250}.1.0/24`);
  const b = await insertZone(db, plantId, "B", `10.${n % 250}.2.0/24`);
  const conduits = [await insertConduit(db, plantId, "C0", { a, b }), await insertConduit(db, plantId, "C1", { a, b })];
  let clock = Date.parse("2026-11-01T00:00:00Z");
  const tick = () => new Date((clock += 60_000)).toISOString();
  for (const step of ops) {
    if (step.kind === "edit") {
      const id = conduits[step.conduit]!;
      const { revision } = await db
        .selectFrom("conduit")
        .select("revision")
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      await db
        .updateTable("conduit")
        .set({ revision: revision + 1, purpose: `purpose ${revision + 1}`, updated_at: tick() })
        .where("id", "=", id)
        .execute();
    } else if (step.kind === "assign") {
      const person = step.who === null ? null : people[step.part][step.who]!;
      await db
        .updateTable("conduit")
        .set(step.part === "design_change_control" ? { design_owner_id: person } : { monitoring_owner_id: person })
        .where("id", "=", conduits[step.conduit]!)
        .execute();
    } else if (step.kind === "editSplit") {
      const plant = await db
        .selectFrom("plant")
        .select("ownership_split_revision")
        .where("id", "=", plantId)
        .executeTakeFirstOrThrow();
      const revision = plant.ownership_split_revision + 1;
      await db
        .updateTable("plant")
        .set({ ownership_split: `split ${revision}`, ownership_split_revision: revision })
        .where("id", "=", plantId)
        .execute();
    } else if (step.kind === "sign") {
      // Signed as the app signs: the current revision and the hash of the content as it stands.
      let subject: { type: "conduit" | "ownership_split"; id: number; revision: number; hash: string };
      if (step.conduit === null) {
        const split = await getOwnershipSplit(db, plantId);
        if (split.text === null) continue;
        subject = { type: "ownership_split", id: plantId, revision: split.revision, hash: split.hash };
      } else {
        const [detail] = await listConduitDetails(db, plantId, conduits[step.conduit]);
        subject = { type: "conduit", id: detail!.id, revision: detail!.revision, hash: detail!.hash };
      }
      await db
        .insertInto("signoff")
        .values({
          subject_type: subject.type,
          subject_id: subject.id,
          plant_id: plantId,
          part: step.part,
          person_id: people[step.part][step.who]!,
          role: step.part === "design_change_control" ? "plant_engineer" : "corporate_security",
          revision: subject.revision,
          content_hash: subject.hash,
          signed_at: tick(),
          note: null,
          revoked_at: null,
          revoked_reason: null,
        })
        .execute();
    } else {
      const live = await db
        .selectFrom("signoff")
        .select("id")
        .where("plant_id", "=", plantId)
        .where("revoked_at", "is", null)
        .orderBy("id")
        .execute();
      if (live.length === 0) continue;
      await db
        .updateTable("signoff")
        .set({ revoked_at: tick(), revoked_reason: "generated" })
        .where("id", "=", live[step.nth % live.length]!.id)
        .execute();
    }
  }
  return plantId;
}

/** Every part of the plant as the domain judges it, keyed "subject:id:part". */
async function domainJudgement(plantId: number): Promise<Map<string, string>> {
  const db = test.db;
  const judged = new Map<string, string>();
  const conduits = await listConduitDetails(db, plantId);
  for (const [id, { parts }] of await conduitSignoffStates(db, plantId, conduits)) {
    for (const state of parts) judged.set(`conduit:${id}:${state.part}`, state.status);
  }
  const split = await getOwnershipSplit(db, plantId);
  for (const state of split.parts) judged.set(`ownership_split:${plantId}:${state.part}`, state.status);
  return judged;
}

/** The same parts as the rollup's SQL judges them: every part not listed as a gap is signed. */
async function sqlJudgement(plantId: number, keys: Iterable<string>): Promise<Map<string, string>> {
  const judged = new Map<string, string>([...keys].map((key) => [key, "signed"]));
  for (const gap of await listSignoffGaps(test.db, [plantId])) {
    judged.set(`${gap.subjectType}:${gap.subjectId}:${gap.part}`, gap.status);
  }
  return judged;
}

describe("signoff parts: the rollup's SQL and the domain agree", () => {
  it("on generated histories of edits, owner changes, signoffs and revokes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const plantId = await play(ops);
        const domain = await domainJudgement(plantId);
        const sql = await sqlJudgement(plantId, domain.keys());
        assert.deepEqual(Object.fromEntries(sql), Object.fromEntries(domain));
      }),
      { numRuns: 200 }
    );
  });

  it("on the history that once split them: an owner signed, the conduit changed, the owner was unassigned", async () => {
    const plantId = await play([
      { kind: "assign", conduit: 0, part: "design_change_control", who: 0 },
      { kind: "sign", conduit: 0, part: "design_change_control", who: 0 },
      { kind: "edit", conduit: 0 },
      { kind: "assign", conduit: 0, part: "design_change_control", who: null },
    ]);
    const domain = await domainJudgement(plantId);
    const key = [...domain.keys()].find((k) => k.startsWith("conduit:") && k.endsWith(":design_change_control"))!;
    assert.equal(domain.get(key), "missing", "with nobody assigned the part is missing, whatever was signed before");
    assert.equal((await sqlJudgement(plantId, domain.keys())).get(key), "missing");
  });
});
