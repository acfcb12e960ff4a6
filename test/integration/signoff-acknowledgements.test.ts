import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { signConduit } from "../../app/models/conduit-signing.server";
import { listConduitDetails } from "../../app/models/conduits.server";
import { exportProgram } from "../../app/models/program-export.server";
import { importProgram } from "../../app/models/program-import.server";
import { listAcknowledgements, listSignoffs, revokeSignoff } from "../../app/models/signoffs.server";
import type { Actor } from "../../app/utils/actor";
import { ActError, FieldsRefused } from "../../app/utils/errors";
import { countRows, createTestDatabase, type TestDatabase } from "../support/database";
import { actorFor, createPerson } from "../support/people";
import { insertConduit, insertPlant, insertZone } from "../support/plants";

// Signing a conduit against the design review, through the real model on a real database: the warnings bearing on
// the conduit are acknowledged with reasons in the signing transaction, or nothing at all is written.

let test: TestDatabase;
let plantId: number;
let conduitId: number;
let bareConduitId: number;
let cellZoneId: number;
let engineer: Actor;
let security: Actor;
let executive: Actor;

const warningKey = () => `DES-ZONE-UNCLASSIFIED|zone:${cellZoneId}`;
const warningField = () => `ack:${warningKey()}`;

async function writes() {
  return {
    signoffs: await countRows(test.db, "signoff"),
    acknowledgements: await countRows(test.db, "signoff_acknowledgement"),
    audit: await countRows(test.db, "audit_event"),
  };
}

async function sign(
  actor: Actor,
  part: "design_change_control" | "monitoring_incident_response",
  reasons: [string, string][],
  id = conduitId
) {
  const [conduit] = await listConduitDetails(test.db, plantId, id);
  return signConduit(test.db, actor, {
    conduitId: id,
    plantId,
    part,
    seenHash: conduit!.hash,
    expectedRevision: conduit!.revision,
    note: null,
    reasons: new Map(reasons),
  });
}

async function refusal(act: Promise<unknown>): Promise<ActError> {
  try {
    await act;
  } catch (error) {
    if (error instanceof ActError) return error;
    throw error;
  }
  assert.fail("the signature was not refused");
}

before(async () => {
  test = await createTestDatabase();
  plantId = await insertPlant(test.db, "ACK", "Europe/Berlin");
  const supervisory = await insertZone(test.db, plantId, "Supervisory", "10.1.0.0/24");
  cellZoneId = await insertZone(test.db, plantId, "Cell 7", "10.1.7.0/24");
  // Cell 7 has no Purdue level: the design review warns on every conduit reaching it.
  await test.db.updateTable("zone").set({ purdue_level: null }).where("id", "=", cellZoneId).execute();
  const engineerId = await createPerson(test.db, {
    email: "eng.ack@ack.example",
    role: "plant_engineer",
    plantIds: [plantId],
  });
  const securityId = await createPerson(test.db, { email: "sec.ack@ack.example", role: "corporate_security" });
  await createPerson(test.db, { email: "exec.ack@ack.example", role: "executive" });
  conduitId = await insertConduit(test.db, plantId, "Supervisory ↔ Cell 7", { a: supervisory, b: cellZoneId });
  bareConduitId = await insertConduit(test.db, plantId, "Supervisory ↔ Cell 7 spare", {
    a: supervisory,
    b: cellZoneId,
  });
  await test.db
    .insertInto("conduit_flow")
    .values({ conduit_id: conduitId, protocol: "tcp", port: 502, direction: "a_to_b", description: "Modbus polling" })
    .execute();
  await test.db
    .updateTable("conduit")
    .set({ design_owner_id: engineerId, monitoring_owner_id: securityId })
    .where("id", "in", [conduitId, bareConduitId])
    .execute();
  engineer = await actorFor(test.db, "eng.ack@ack.example");
  security = await actorFor(test.db, "sec.ack@ack.example");
  executive = await actorFor(test.db, "exec.ack@ack.example");
});

after(async () => {
  await test?.cleanup();
});

describe("signing a conduit the design review warns about", () => {
  it("refuses a signature that does not acknowledge the warning, under its field, and writes nothing", async () => {
    const before = await writes();
    const missing = await refusal(sign(engineer, "design_change_control", []));
    assert.ok(missing instanceof FieldsRefused);
    assert.equal(missing.status, 400);
    assert.match(missing.fieldErrors[warningField()]![0]!, /design changed since you opened this page/);
    const blank = await refusal(sign(engineer, "design_change_control", [[warningKey(), "  "]]));
    assert.ok(blank instanceof FieldsRefused);
    assert.match(blank.fieldErrors[warningField()]![0]!, /Say why you sign despite DES-ZONE-UNCLASSIFIED/);
    assert.match(blank.message, /Acknowledge the design review's warning with a reason/);
    assert.deepEqual(await writes(), before);
  });

  it("refuses a role that never signs, and a conduit the review finds an error in, naming its rule", async () => {
    const before = await writes();
    const wrongRole = await refusal(sign(executive, "design_change_control", [[warningKey(), "Looks fine to me"]]));
    assert.equal(wrongRole.status, 403);
    const noFlow = await refusal(
      sign(engineer, "design_change_control", [[warningKey(), "Cell 7 is a bench"]], bareConduitId)
    );
    assert.equal(noFlow.status, 409);
    assert.match(noFlow.message, /\(DES-NO-FLOW\): “Supervisory ↔ Cell 7 spare” allows no flow/);
    assert.deepEqual(await writes(), before);
  });

  it("records the acknowledgements with the signoff and its audit event, ignoring a reason for a warning gone", async () => {
    const before = await writes();
    await sign(engineer, "design_change_control", [
      [warningKey(), "Cell 7 is a vendor test bench, classified at the next outage"],
      ["DES-ZONE-UNCLASSIFIED|zone:999999", "A zone that was classified since"],
    ]);
    assert.deepEqual(await writes(), {
      signoffs: before.signoffs + 1,
      acknowledgements: before.acknowledgements + 1,
      audit: before.audit + 1,
    });
    const [signoff] = (await listSignoffs(test.db, plantId, "conduit")).filter((s) => s.subjectId === conduitId);
    const acknowledged = (await listAcknowledgements(test.db, [signoff!.id])).get(signoff!.id);
    assert.deepEqual(
      acknowledged?.map((a) => [a.key, a.code, a.severity, a.reason]),
      [
        [
          warningKey(),
          "DES-ZONE-UNCLASSIFIED",
          "warning",
          "Cell 7 is a vendor test bench, classified at the next outage",
        ],
      ]
    );
    assert.match(acknowledged[0]!.message, /Zone “Cell 7” has no Purdue level/);
    const event = await test.db
      .selectFrom("audit_event")
      .select(["action", "after_json"])
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    assert.equal(event.action, "signoff.sign");
    const afterState = JSON.parse(event.after_json!) as { acknowledgements: unknown };
    assert.deepEqual(afterState.acknowledgements, [
      {
        code: "DES-ZONE-UNCLASSIFIED",
        objects: [{ type: "zone", id: cellZoneId, label: "Cell 7" }],
        reason: "Cell 7 is a vendor test bench, classified at the next outage",
      },
    ]);
  });

  it("asks the other owner to acknowledge the warning too, and keeps a revoked signature's acknowledgements", async () => {
    await sign(security, "monitoring_incident_response", [[warningKey(), "Alerts watch Cell 7 as level 1"]]);
    const signoffs = (await listSignoffs(test.db, plantId, "conduit")).filter((s) => s.subjectId === conduitId);
    const design = signoffs.find((s) => s.part === "design_change_control")!;
    await revokeSignoff(test.db, engineer, { signoffId: design.id, plantId, reason: "Signed the wrong conduit" });
    const kept = await listAcknowledgements(
      test.db,
      signoffs.map((s) => s.id)
    );
    assert.equal(kept.get(design.id)?.length, 1);
    assert.equal(
      kept.get(signoffs.find((s) => s.part === "monitoring_incident_response")!.id)?.[0]?.reason,
      "Alerts watch Cell 7 as level 1"
    );
  });

  it("asks nothing once the zone is classified", async () => {
    await test.db.updateTable("zone").set({ purdue_level: 1 }).where("id", "=", cellZoneId).execute();
    await sign(engineer, "design_change_control", []);
    const [latest] = (await listSignoffs(test.db, plantId, "conduit")).filter((s) => s.subjectId === conduitId);
    assert.equal((await listAcknowledgements(test.db, [latest!.id])).get(latest!.id), undefined);
  });

  it("carries the acknowledgements with their signoffs through the program file, the same on the way back", async () => {
    const exportedAt = new Date("2026-12-06T12:00:00.000Z");
    const exported = await exportProgram(test.db, { exportedAt });
    const signoffs = exported.plants.find((p) => p.code === "ACK")!.signoffs;
    assert.deepEqual(
      signoffs.map((s) => s.acknowledgements?.map((a) => a.reason) ?? null),
      [["Cell 7 is a vendor test bench, classified at the next outage"], ["Alerts watch Cell 7 as level 1"], null]
    );
    const target = await createTestDatabase();
    try {
      await importProgram(target.db, JSON.parse(JSON.stringify(exported)) as unknown);
      assert.deepEqual(await exportProgram(target.db, { exportedAt }), exported);
      assert.equal(await countRows(target.db, "signoff_acknowledgement"), 2);
    } finally {
      await target.cleanup();
    }
  });
});
