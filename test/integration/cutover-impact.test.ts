import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parseConnLog } from "../../app/domain/zeek";
import { listConduitDetails, conduitSignoffStates } from "../../app/models/conduits.server";
import {
  acknowledgeBlockedFlow,
  addBlockedFlowToDesign,
  loadCutoverImpact,
  openCutoverImpacts,
} from "../../app/models/cutover-impact.server";
import { ingestConnRecords } from "../../app/models/evidence.server";
import { completeChange } from "../../app/models/network-changes.server";
import { systemActor } from "../../app/utils/actor";
import { ActError } from "../../app/utils/errors";
import { root } from "../../scripts/build";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { actorFor, createPerson } from "../support/people";
import { insertCutOverConduit, insertPlant, insertZone } from "../support/plants";

// What a conduit cutover would block, from a real Zeek log (one Modbus master polling its slaves, with NetBIOS and
// RPC noise back towards it): the prediction, its acknowledgement by the design owner only, adding a flow to the
// design (a new revision, signoffs stale), and the cutover refused as done until every flow is acknowledged.

const FIXTURE = path.join(root, "test/fixtures/zeek/enip-modbus.conn.log");
const lines = fs.readFileSync(FIXTURE, "utf8").split("\n");
const DAY_MS = 86_400_000;
const now = new Date();

let t: TestDatabase;
let plantId: number;
let conduitId: number;
let changeId: number;
const emails = {
  owner: "owner@imp.test",
  other: "other@imp.test",
  exec: "exec@imp.test",
};

/** The log's rows as columns: an independent reading of what crosses from the field to the SCADA host. */
const rows = lines.filter((l) => l && !l.startsWith("#")).map((l) => l.split("\t"));
const toScada = (port: string) =>
  rows.filter((c) => c[2]!.startsWith("141.81.0.") && c[2] !== "141.81.0.10" && c[4] === "141.81.0.10" && c[5] === port)
    .length;

async function refusal(act: Promise<unknown>): Promise<ActError> {
  try {
    await act;
  } catch (error) {
    if (error instanceof ActError) return error;
    throw error;
  }
  assert.fail("the act was not refused");
}

const auditCount = async (action: string) =>
  Number(
    (
      await t.db
        .selectFrom("audit_event")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("action", "=", action)
        .executeTakeFirstOrThrow()
    ).n
  );

before(async () => {
  t = await createTestDatabase();
  plantId = await insertPlant(t.db, "IMP", "America/Chicago");
  // The master is its own zone (the longest prefix wins); the slaves are the field.
  const scada = await insertZone(t.db, plantId, "SCADA", "141.81.0.10/32");
  const field = await insertZone(t.db, plantId, "Field", "141.81.0.0/24");
  conduitId = await insertCutOverConduit(
    t.db,
    plantId,
    "SCADA ↔ Field",
    { a: scada, b: field },
    [
      { protocol: "tcp", port: 502 },
      { protocol: "tcp", port: 2111 },
      { protocol: "tcp", port: 102 },
    ],
    new Date(now.getTime() - 60 * DAY_MS).toISOString()
  );
  const owner = await createPerson(t.db, { email: emails.owner, role: "plant_engineer", plantIds: [plantId] });
  await createPerson(t.db, { email: emails.other, role: "plant_engineer", plantIds: [plantId] });
  await createPerson(t.db, { email: emails.exec, role: "executive" });
  await t.db.updateTable("conduit").set({ design_owner_id: owner }).where("id", "=", conduitId).execute();
  const [detail] = await listConduitDetails(t.db, plantId, conduitId);
  await t.db
    .insertInto("signoff")
    .values({
      subject_type: "conduit",
      subject_id: conduitId,
      plant_id: plantId,
      part: "design_change_control",
      person_id: owner,
      role: "plant_engineer",
      revision: 1,
      content_hash: detail!.hash,
      signed_at: now.toISOString(),
      note: null,
      revoked_at: null,
      revoked_reason: null,
    })
    .execute();

  // The log, moved to two days ago, ingested and published.
  const { records } = parseConnLog(lines);
  const first = Math.min(...records.map((r) => r.ts));
  const start = (now.getTime() - 2 * DAY_MS) / 1000;
  await ingestConnRecords(t.db, {
    plantCode: "IMP",
    actor: systemActor("test"),
    records: records.map((r) => ({ ...r, ts: r.ts - first + start })),
  });
  // An ingest still running: nothing it wrote counts.
  const { id: running } = await t.db
    .insertInto("evidence_ingest")
    .values({
      plant_id: plantId,
      source: "zeek_ingest",
      state: "running",
      started_at: now.toISOString(),
      heartbeat_at: now.toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto("flow_hour")
    .values({
      conduit_id: conduitId,
      epoch_key: "unpublished",
      day: now.toISOString().slice(0, 10),
      hour: 1,
      tuple: "141.81.0.77|141.81.0.10|tcp|23",
      wrong: 1,
      ingest_id: running,
      connections: 99,
      bytes: 1,
      first_ts: start,
      last_ts: start + 1,
    })
    .execute();

  const window = await t.db
    .insertInto("outage_window")
    .values({
      plant_id: plantId,
      title: "Cutover night",
      kind: "scheduled_outage",
      status: "confirmed",
      starts_at: new Date(now.getTime() - 3_600_000).toISOString(),
      ends_at: new Date(now.getTime() + 3 * 3_600_000).toISOString(),
      time_zone: "America/Chicago",
      notes: null,
      created_by: null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  ({ id: changeId } = await t.db
    .insertInto("network_change")
    .values({
      plant_id: plantId,
      kind: "conduit_cutover",
      title: "Cut the field over",
      conduit_id: conduitId,
      conduit_revision: 1,
      asset_id: null,
      window_id: window.id,
      planned_start: new Date(now.getTime() - 3_000_000).toISOString(),
      planned_minutes: 60,
      status: "scheduled",
      done_at: null,
      created_by: null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow());
});

after(async () => t?.cleanup());

const change = () => ({
  id: changeId,
  plantId,
  kind: "conduit_cutover",
  title: "Cut the field over",
  status: "scheduled",
  doneAt: null,
  conduitId,
});

describe("cutover impact from observed traffic", () => {
  it("predicts the flows the allowed flows would not permit, from published ingests only", async () => {
    const impact = (await loadCutoverImpact(t.db, change(), "America/Chicago", now))!;
    const flows = impact.prediction.flows;
    const netbios = flows.find((f) => f.key.endsWith("|tcp|139"))!;
    assert.equal(netbios.zonePair, "Field → SCADA");
    assert.equal(netbios.connections, toScada("139"));
    assert.equal(netbios.connections, 5);
    assert.deepEqual(
      netbios.examples.map((e) => `${e.orig}→${e.resp}`),
      ["141.81.0.182→141.81.0.10"]
    );
    // Modbus from the master is allowed; the unpublished telnet is not read.
    assert.ok(!flows.some((f) => f.key.endsWith("|tcp|502")));
    assert.ok(!flows.some((f) => f.key.endsWith("|tcp|23")));
    assert.ok(flows.every((f, i) => i === 0 || flows[i - 1]!.connections >= f.connections));
    assert.equal(impact.counts.unacknowledged, impact.prediction.total);
    assert.ok(impact.prediction.total >= 4);
    assert.match(
      impact.blocked!,
      /predicted blocked flows are not acknowledged.*design owner, owner, must acknowledge/
    );
    const [counted] = await openCutoverImpacts(t.db, [plantId], { conduitId }, now);
    assert.equal(counted!.total, impact.prediction.total);
  });

  it("refuses to mark the cutover done while a predicted blocked flow is unacknowledged", async () => {
    const lead = await actorFor(t.db, emails.owner);
    const error = await refusal(completeChange(t.db, lead, { plantId, changeId }, now));
    assert.equal(error.status, 409);
    assert.match(error.message, /not acknowledged/);
    const row = await t.db.selectFrom("network_change").select("status").where("id", "=", changeId).executeTakeFirst();
    assert.equal(row!.status, "scheduled");
  });

  it("lets only the design owner acknowledge, with a reason", async () => {
    const [flow] = (await loadCutoverImpact(t.db, change(), "America/Chicago", now))!.prediction.flows;
    const input = { plantId, changeId, flowKey: flow!.key, decision: "expected_stop" as const, reason: "Retired" };
    const other = await refusal(acknowledgeBlockedFlow(t.db, await actorFor(t.db, emails.other), input, now));
    assert.equal(other.status, 403);
    assert.match(other.message, /Only the conduit's design owner, owner, may acknowledge/);
    const exec = await refusal(acknowledgeBlockedFlow(t.db, await actorFor(t.db, emails.exec), input, now));
    assert.equal(exec.status, 403);
    const owner = await actorFor(t.db, emails.owner);
    const short = await refusal(acknowledgeBlockedFlow(t.db, owner, { ...input, reason: "x" }, now));
    assert.equal(short.status, 400);
    assert.equal(short.field, "reason");
    assert.equal(await auditCount("cutover.acknowledge_flow"), 0);

    const acknowledged = await acknowledgeBlockedFlow(t.db, owner, input, now);
    // The flow in words, as the confirmation and the trail say it: its zones by name, not the key's ids.
    assert.equal(acknowledged.flow, `${flow!.zonePair}, ${flow!.protocol}${flow!.port === null ? "" : `/${flow!.port}`}`);
    assert.doesNotMatch(acknowledged.flow, /\d+>\d+/);
    const twice = await refusal(acknowledgeBlockedFlow(t.db, owner, input, now));
    assert.equal(twice.status, 409);
    assert.match(twice.message, /already acknowledged/);
    const impact = (await loadCutoverImpact(t.db, change(), "America/Chicago", now))!;
    assert.equal(impact.counts.unacknowledged, impact.counts.total - 1);
    assert.deepEqual(
      impact.acknowledgements.map((a) => [a.flowKey, a.decision, a.by, a.reason]),
      [[flow!.key, "expected_stop", "owner", "Retired"]]
    );
    assert.equal(await auditCount("cutover.acknowledge_flow"), 1);
  });

  it("adds a flow to the design: a new revision, signoffs stale, the flow no longer predicted blocked", async () => {
    const before = (await loadCutoverImpact(t.db, change(), "America/Chicago", now))!;
    const netbios = before.prediction.flows.find((f) => f.key.endsWith("|tcp|139"))!;
    const exec = await refusal(
      addBlockedFlowToDesign(
        t.db,
        await actorFor(t.db, emails.exec),
        { plantId, changeId, flowKey: netbios.key, reason: "File shares" },
        now
      )
    );
    assert.equal(exec.status, 403);
    const { revision, flow: added } = await addBlockedFlowToDesign(
      t.db,
      await actorFor(t.db, emails.other),
      { plantId, changeId, flowKey: netbios.key, reason: "The HMI reads recipes over a file share" },
      now
    );
    assert.equal(revision, 2);
    assert.equal(added, `${netbios.zonePair}, tcp/139`);
    const [detail] = await listConduitDetails(t.db, plantId, conduitId);
    assert.equal(detail!.revision, 2);
    assert.ok(detail!.flows.some((f) => f.protocol === "tcp" && f.port === 139 && f.direction === "b_to_a"));
    const states = await conduitSignoffStates(t.db, plantId, [detail!]);
    assert.equal(states.get(conduitId)!.parts.find((p) => p.part === "design_change_control")!.status, "stale");
    const after = (await loadCutoverImpact(t.db, change(), "America/Chicago", now))!;
    assert.ok(!after.prediction.keys.includes(netbios.key));
    assert.equal(after.prediction.total, before.prediction.total - 1);
    assert.equal(await auditCount("cutover.add_flow_to_design"), 1);
    assert.equal(await auditCount("conduit.edit"), 1);
    const cutover = await t.db
      .selectFrom("network_change")
      .select("conduit_revision")
      .where("id", "=", changeId)
      .executeTakeFirstOrThrow();
    assert.equal(cutover.conduit_revision, 2);
  });

  it("marks the cutover done once every predicted blocked flow is acknowledged", async () => {
    const owner = await actorFor(t.db, emails.owner);
    const impact = (await loadCutoverImpact(t.db, change(), "America/Chicago", now))!;
    const acknowledged = new Set(impact.acknowledgements.map((a) => a.flowKey));
    for (const key of impact.prediction.keys.filter((k) => !acknowledged.has(k))) {
      await acknowledgeBlockedFlow(
        t.db,
        owner,
        { plantId, changeId, flowKey: key, decision: "expected_stop", reason: "Noise the cutover ends" },
        now
      );
    }
    const done = await completeChange(t.db, owner, { plantId, changeId }, now);
    assert.equal(done.status, "done");
    const late = await refusal(
      acknowledgeBlockedFlow(
        t.db,
        owner,
        { plantId, changeId, flowKey: impact.prediction.keys[0]!, decision: "expected_stop", reason: "Late" },
        now
      )
    );
    assert.equal(late.status, 409);
    const watching = await loadCutoverImpact(
      t.db,
      { ...change(), status: "done", doneAt: done.doneAt },
      "America/Chicago",
      now
    );
    assert.equal(watching!.stopped.state, "watching");
    assert.equal(await auditCount("change.done"), 1);
  });
});
