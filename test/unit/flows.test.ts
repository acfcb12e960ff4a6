import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyFlow, dayCoverage, isAllowedFlow, type FlowRuleConduit } from "../../app/domain/flows";

// Classifying a connection seen on a conduit against its allowed flows, and a day's coverage.

const A = 1;
const B = 2;
const conduit: FlowRuleConduit = {
  zoneA: A,
  zoneB: B,
  flows: [
    { protocol: "tcp", port: 44818, direction: "a_to_b" },
    { protocol: "udp", port: null, direction: "b_to_a" },
    { protocol: "icmp", port: null, direction: "both" },
  ],
};

describe("classifying a flow", () => {
  it("allows a flow of an allowed protocol and port opened from the side its direction names", () => {
    assert.equal(classifyFlow(conduit, { proto: "tcp", respPort: 44818 }, A), "allowed");
    assert.equal(classifyFlow(conduit, { proto: "tcp", respPort: 44818 }, B), "wrong", "opened from the wrong side");
    assert.equal(classifyFlow(conduit, { proto: "tcp", respPort: 502 }, A), "wrong", "another port");
    assert.equal(
      classifyFlow(conduit, { proto: "udp", respPort: 161 }, B),
      "allowed",
      "a flow with no port allows any"
    );
    assert.equal(classifyFlow(conduit, { proto: "udp", respPort: 161 }, A), "wrong");
  });

  it("reads no port for ICMP (the responder 'port' is the message code), and allows both ways", () => {
    assert.equal(classifyFlow(conduit, { proto: "icmp", respPort: 0 }, A), "allowed");
    assert.equal(classifyFlow(conduit, { proto: "icmp", respPort: 3 }, B), "allowed");
    assert.equal(
      isAllowedFlow(
        { ...conduit, flows: [{ protocol: "icmp", port: 8, direction: "both" }] },
        { proto: "icmp", respPort: 8 },
        A
      ),
      false
    );
  });

  it("allows nothing on a conduit without flows, nor an unknown protocol", () => {
    assert.equal(isAllowedFlow({ zoneA: A, zoneB: B, flows: [] }, { proto: "tcp", respPort: 80 }, A), false);
    assert.equal(isAllowedFlow(conduit, { proto: "sctp", respPort: 44818 }, A), false);
  });
});

describe("a day's coverage", () => {
  it("is the share of the day's hours with traffic, never above 1", () => {
    assert.equal(dayCoverage(0), 0);
    assert.equal(dayCoverage(12), 0.5);
    assert.equal(dayCoverage(24), 1);
    assert.equal(dayCoverage(25), 1, "a day of 25 hours (the end of summer time) is still fully covered");
  });
});
