import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { ingestConnRecords } from "../../app/models/evidence.server";
import { computeReadinessOf as readinessOf } from "../../app/models/readiness.server";
import { systemActor } from "../../app/utils/actor";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { insertCutOverConduit, insertPlant, insertZone } from "../support/plants";

// A conduit's baseline epoch is decided once (app/domain/baseline.ts: currentEpoch) from the cutovers one model
// query loads; evidence and readiness must begin it on the same day. Two cutovers of the same revision done in
// the other order than they were recorded once split them: readiness took the one recorded last, evidence the one
// done last.

let test: TestDatabase;
let conduitId: number;
const LATER = "2026-11-10T10:00:00.000Z";
const EARLIER = "2026-11-05T10:00:00.000Z";

before(async () => {
  test = await createTestDatabase();
  const plantId = await insertPlant(test.db, "EPO", "UTC");
  const a = await insertZone(test.db, plantId, "Cell", "10.9.1.0/24");
  const b = await insertZone(test.db, plantId, "DMZ", "10.9.2.0/24");
  // Change 1 is done on 10 November; change 2, recorded after it, was done on 5 November.
  conduitId = await insertCutOverConduit(
    test.db,
    plantId,
    "Cell ↔ DMZ",
    { a, b },
    [{ protocol: "tcp", port: 502 }],
    LATER
  );
  const stamp = new Date().toISOString();
  await test.db
    .insertInto("network_change")
    .values({
      plant_id: plantId,
      kind: "conduit_cutover",
      title: "second cutover",
      conduit_id: conduitId,
      conduit_revision: 1,
      asset_id: null,
      window_id: null,
      planned_start: null,
      planned_minutes: null,
      status: "done",
      done_at: EARLIER,
      created_by: null,
      created_at: stamp,
      updated_at: stamp,
    })
    .execute();
});

after(async () => {
  await test?.cleanup();
});

describe("the current baseline epoch", () => {
  it("begins the day after the cutover done last, for readiness and for evidence alike", async () => {
    const [plant] = await readinessOf(test.db, new Date().toISOString(), ["EPO"]);
    const conduit = plant!.conduits.find((c) => c.id === conduitId)!;
    assert.equal(conduit.baseline.epochStart, "2026-11-11");

    // A connection on 8 November falls before that epoch: evidence skips it; one on 12 November counts.
    const at = (iso: string) => Date.parse(iso) / 1000;
    const record = (ts: number) => ({
      ts,
      origHost: "10.9.1.5",
      origPort: 40000,
      respHost: "10.9.2.5",
      respPort: 502,
      proto: "tcp",
      service: null,
      origBytes: 10,
      respBytes: 10,
    });
    const summary = await ingestConnRecords(test.db, {
      plantCode: "EPO",
      actor: systemActor("test"),
      records: [record(at("2026-11-08T12:00:00Z")), record(at("2026-11-12T12:00:00Z"))],
    });
    assert.equal(summary.skippedBeforeEpoch, 1);
    assert.deepEqual(
      summary.days.map((d) => d.day),
      ["2026-11-12"]
    );
  });
});
