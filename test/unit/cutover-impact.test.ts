import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  acknowledgementRefusals,
  flowKey,
  flowToAdd,
  impactCompletionRefusals,
  predictedBlockedFlows,
  readFlowDecision,
  readFlowKey,
  readFlowReason,
  stoppedByCutover,
  type AcknowledgementFacts,
  type ImpactConduit,
  type SeenTuple,
} from "../../app/domain/cutover-impact";
import { blockedFlowsToAcknowledge } from "../../app/domain/queue";

// What a cutover would block, judged from the traffic seen before it, and what it seems to have stopped after.

const CELL = 12;
const DMZ = 13;
const conduit: ImpactConduit = {
  zoneA: CELL,
  zoneB: DMZ,
  zoneAName: "Cell",
  zoneBName: "DMZ",
  flows: [{ protocol: "tcp", port: 502, portEnd: null, direction: "a_to_b" }],
};
const zoneOf = (address: string) => (address.startsWith("10.1.") ? CELL : address.startsWith("10.2.") ? DMZ : null);
const seen = (tuple: string, connections: number, day = "2026-11-20"): SeenTuple => ({
  tuple,
  connections,
  firstSeen: `${day}T08:00:00.000Z`,
  lastSeen: `${day}T09:00:00.000Z`,
});

describe("flow keys", () => {
  it("names a flow by origin zone, responder zone, protocol and port, and reads it back", () => {
    const key = flowKey({ origZone: CELL, respZone: DMZ, protocol: "tcp", port: 502 });
    assert.equal(key, "12>13|tcp|502");
    assert.deepEqual(readFlowKey(key), { origZone: CELL, respZone: DMZ, protocol: "tcp", port: 502 });
    assert.equal(flowKey({ origZone: 1, respZone: 2, protocol: "icmp", port: null }), "1>2|icmp|-");
  });

  it("refuses what is not a key", () => {
    assert.equal(readFlowKey("12>13|tcp|99999"), null);
    assert.equal(readFlowKey("12-13|tcp|502"), null);
    assert.equal(readFlowKey("x".repeat(200)), null);
    assert.equal(readFlowKey(42), null);
  });
});

describe("predictedBlockedFlows", () => {
  it("lists the flows the allowed flows would not permit, grouped per key, busiest first, with examples", () => {
    const prediction = predictedBlockedFlows({
      conduit,
      zoneOf,
      tuples: [
        seen("10.1.0.5|10.2.0.9|tcp|502", 900), // allowed: Modbus from the cell
        seen("10.2.0.9|10.1.0.5|tcp|502", 40), // wrong way: the DMZ opens Modbus
        seen("10.1.0.5|10.2.0.7|tcp|445", 10, "2026-11-02"),
        seen("10.1.0.6|10.2.0.7|tcp|445", 30, "2026-11-25"),
        seen("10.1.0.7|10.2.0.7|tcp|445", 5),
        seen("10.1.0.8|10.2.0.7|tcp|445", 1),
        seen("10.1.0.5|10.2.0.1|icmp|-", 3),
        seen("10.1.0.5|192.168.1.1|udp|53", 7), // not between the two zones
      ],
    });
    assert.deepEqual(
      prediction.flows.map((f) => [f.key, f.zonePair, f.connections]),
      [
        ["12>13|tcp|445", "Cell → DMZ", 46],
        ["13>12|tcp|502", "DMZ → Cell", 40],
        ["12>13|icmp|-", "Cell → DMZ", 3],
      ]
    );
    const smb = prediction.flows[0]!;
    assert.equal(smb.firstSeen, "2026-11-02T08:00:00.000Z");
    assert.equal(smb.lastSeen, "2026-11-25T09:00:00.000Z");
    assert.deepEqual(
      smb.examples.map((e) => `${e.orig}→${e.resp}`),
      ["10.1.0.6→10.2.0.7", "10.1.0.5→10.2.0.7", "10.1.0.7→10.2.0.7"]
    );
    assert.equal(prediction.total, 3);
    assert.equal(prediction.outside, 1);
  });

  it("predicts nothing when every flow seen is allowed, and bounds the list while counting all", () => {
    assert.equal(predictedBlockedFlows({ conduit, zoneOf, tuples: [seen("10.1.0.5|10.2.0.9|tcp|502", 9)] }).total, 0);
    const many = Array.from({ length: 30 }, (_, i) => seen(`10.1.0.5|10.2.0.9|tcp|${1000 + i}`, i + 1));
    const bounded = predictedBlockedFlows({ conduit, zoneOf, tuples: many, limit: 10 });
    assert.equal(bounded.flows.length, 10);
    assert.equal(bounded.total, 30);
    assert.equal(bounded.keys.length, 30);
    assert.equal(bounded.flows[0]!.port, 1029);
  });
});

describe("impactCompletionRefusals", () => {
  const change = { kind: "conduit_cutover", title: "Cut the cell over" };
  it("refuses a cutover with unacknowledged predicted blocked flows, naming how many and who acknowledges", () => {
    const refused = impactCompletionRefusals({
      change,
      blockedKeys: ["a", "b", "c"],
      acknowledged: new Set(["a"]),
      designOwner: { name: "Dana Day" },
    });
    assert.equal(refused?.status, 409);
    assert.match(refused.reasons[0]!.message, /^2 predicted blocked flows are not acknowledged/);
    assert.match(refused.reasons[0]!.message, /design owner, Dana Day, must acknowledge/);
    const ownerless = impactCompletionRefusals({
      change,
      blockedKeys: ["a"],
      acknowledged: new Set(),
      designOwner: null,
    });
    assert.match(ownerless!.reasons[0]!.message, /1 predicted blocked flow is not acknowledged.*no design owner/);
  });

  it("lets a cutover through once every flow is acknowledged, and never judges other kinds", () => {
    assert.equal(
      impactCompletionRefusals({ change, blockedKeys: ["a"], acknowledged: new Set(["a"]), designOwner: null }),
      null
    );
    assert.equal(
      impactCompletionRefusals({
        change: { kind: "firewall_rule_change", title: "x" },
        blockedKeys: ["a"],
        acknowledged: new Set(),
        designOwner: null,
      }),
      null
    );
  });
});

describe("acknowledgement rules", () => {
  const facts: AcknowledgementFacts = {
    decision: "expected_stop",
    personId: 7,
    designOwner: { id: 7, name: "Dana Day" },
    change: { kind: "conduit_cutover", title: "Cut over", status: "scheduled" },
    flowKey: "12>13|tcp|445",
    predicted: true,
    existing: null,
  };
  const codes = (f: AcknowledgementFacts) => acknowledgementRefusals(f).map((r) => `${r.code} ${r.status}`);

  it("lets the design owner acknowledge a predicted flow of an open cutover", () => {
    assert.deepEqual(codes(facts), []);
    assert.deepEqual(codes({ ...facts, change: { ...facts.change, status: "needs_window" } }), []);
  });

  it("refuses anyone but the design owner (403) to say a flow is expected to stop", () => {
    assert.deepEqual(codes({ ...facts, personId: 8 }), ["not_design_owner 403"]);
    assert.deepEqual(codes({ ...facts, personId: null }), ["not_design_owner 403"]);
    assert.match(acknowledgementRefusals({ ...facts, designOwner: null })[0]!.message, /no design owner/);
    // Adding to the design is the conduit editors' act: the owner rule does not apply to it.
    assert.deepEqual(codes({ ...facts, decision: "added_to_design", personId: 8 }), []);
  });

  it("refuses a flow acknowledged already, one not predicted, and a cutover no longer open", () => {
    assert.deepEqual(codes({ ...facts, existing: { decision: "added_to_design", by: "Eve" } }), [
      "already_acknowledged 409",
    ]);
    assert.deepEqual(codes({ ...facts, predicted: false }), ["not_predicted 409"]);
    assert.deepEqual(codes({ ...facts, change: { ...facts.change, status: "done" } }), ["closed 409"]);
    assert.deepEqual(codes({ ...facts, change: { ...facts.change, kind: "active_scan" } }), ["not_a_cutover 409"]);
  });

  it("requires a reason of 3 to 1000 characters and a known decision", () => {
    assert.deepEqual(readFlowReason("  The old historian is retired  "), {
      ok: true,
      value: "The old historian is retired",
    });
    const short = readFlowReason(" ok ");
    assert.equal(short.ok, false);
    assert.equal(!short.ok && short.refusal.field, "reason");
    assert.equal(readFlowReason("x".repeat(1001)).ok, false);
    assert.equal(readFlowReason(undefined).ok, false);
    assert.deepEqual(readFlowDecision("added_to_design"), { ok: true, value: "added_to_design" });
    assert.equal(readFlowDecision("ignore").ok, false);
  });
});

describe("flowToAdd", () => {
  it("allows the observed flow from its origin zone", () => {
    const added = flowToAdd(conduit, readFlowKey("13>12|tcp|502")!, "Seen before the cutover");
    assert.deepEqual(added, {
      ok: true,
      flow: { protocol: "tcp", port: 502, portEnd: null, direction: "b_to_a", description: "Seen before the cutover" },
    });
    const icmp = flowToAdd(conduit, readFlowKey("12>13|icmp|-")!, "ping");
    assert.equal(icmp.ok && icmp.flow.direction, "a_to_b");
  });

  it("refuses a protocol a conduit's flow cannot name", () => {
    const refused = flowToAdd(conduit, readFlowKey("12>13|sctp|9")!, "x");
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.refusal.field, "flowKey");
  });
});

describe("stoppedByCutover", () => {
  const DONE = "2026-11-20T12:00:00.000Z";
  const around = (tuple: string, before: number, seenAfter: boolean) => ({
    tuple,
    connectionsBefore: before,
    firstSeen: "2026-11-14T08:00:00.000Z",
    lastSeen: "2026-11-20T11:00:00.000Z",
    seenAfter,
  });
  const base = { doneAt: DONE, timeZone: "America/Chicago", conduit, zoneOf };

  it("lists the flows seen in the 7 days before and absent in the 3 days after", () => {
    const reading = stoppedByCutover({
      ...base,
      now: "2026-11-24T12:00:00.000Z",
      tuples: [
        around("10.1.0.5|10.2.0.9|tcp|502", 500, true),
        around("10.1.0.5|10.2.0.7|tcp|445", 20, false),
        // Another host pair of the same flow seen after: the flow did not stop.
        around("10.1.0.6|10.2.0.8|udp|161", 4, false),
        around("10.1.0.7|10.2.0.8|udp|161", 0, true),
      ],
    });
    assert.equal(reading.state, "judged");
    assert.deepEqual(reading.state === "judged" ? reading.flows.map((f) => [f.key, f.connections]) : [], [
      ["12>13|tcp|445", 20],
    ]);
    assert.equal(reading.state === "judged" && reading.sawTrafficAfter, true);
  });

  it("is still watching until 3 days have passed, and says nothing of a change not done", () => {
    const reading = stoppedByCutover({ ...base, now: "2026-11-22T12:00:00.000Z", tuples: [] });
    assert.equal(reading.state, "watching");
    assert.equal(reading.state === "watching" && reading.until, "2026-11-23T12:00:00.000Z");
    assert.match(reading.state === "watching" ? reading.untilLocal : "", /2026-11-23 06:00 CST/);
    assert.deepEqual(stoppedByCutover({ ...base, doneAt: null, now: DONE, tuples: [] }), { state: "not_done" });
  });
});

describe("blockedFlowsToAcknowledge (the design owner's queue)", () => {
  const engineer = { role: "plant_engineer" as const, assignedPlantIds: [1], plantScope: null, personId: 7 };
  const cutover = {
    plantId: 1,
    plantCode: "DAY",
    changeId: 5,
    title: "Cut over",
    conduitName: "Cell ↔ DMZ",
    designOwnerId: 7,
    total: 3,
    unacknowledged: 2,
  };

  it("lists the open cutovers of the person's conduits with flows still to acknowledge", () => {
    assert.deepEqual(
      blockedFlowsToAcknowledge([cutover], engineer).map((c) => c.href),
      ["/plants/DAY/changes/5#impact"]
    );
  });

  it("leaves out other owners' conduits, acknowledged cutovers and plants the person does not read", () => {
    assert.deepEqual(blockedFlowsToAcknowledge([{ ...cutover, designOwnerId: 8 }], engineer), []);
    assert.deepEqual(blockedFlowsToAcknowledge([{ ...cutover, unacknowledged: 0 }], engineer), []);
    assert.deepEqual(blockedFlowsToAcknowledge([{ ...cutover, plantId: 2 }], engineer), []);
  });
});
