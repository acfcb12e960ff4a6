import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatFlow, parseFlows } from "../../app/domain/conduits";
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

describe("ranges and any in the allowed flows", () => {
  const open: FlowRuleConduit = {
    zoneA: A,
    zoneB: B,
    flows: [
      { protocol: "udp", port: 2222, portEnd: 2223, direction: "a_to_b" },
      { protocol: "tcp", port: null, portEnd: null, direction: "b_to_a" },
    ],
  };

  it("allows a port inside a range, its ends included, and nothing beside it", () => {
    assert.equal(classifyFlow(open, { proto: "udp", respPort: 2222 }, A), "allowed");
    assert.equal(classifyFlow(open, { proto: "udp", respPort: 2223 }, A), "allowed");
    assert.equal(classifyFlow(open, { proto: "udp", respPort: 2224 }, A), "wrong");
    assert.equal(classifyFlow(open, { proto: "udp", respPort: 2221 }, A), "wrong");
    assert.equal(classifyFlow(open, { proto: "tcp", respPort: 2222 }, A), "wrong", "another protocol");
    assert.equal(classifyFlow(open, { proto: "udp", respPort: 2222 }, B), "wrong", "the other way");
  });

  it("allows any port of the protocol when the flow says any", () => {
    assert.equal(classifyFlow(open, { proto: "tcp", respPort: 1 }, B), "allowed");
    assert.equal(classifyFlow(open, { proto: "tcp", respPort: 65535 }, B), "allowed");
    assert.equal(classifyFlow(open, { proto: "udp", respPort: 53 }, B), "wrong");
  });

  it("allows every protocol and port, ICMP and unknown protocols included, when the flow says any protocol", () => {
    const anything: FlowRuleConduit = {
      zoneA: A,
      zoneB: B,
      flows: [{ protocol: "any", port: null, portEnd: null, direction: "a_to_b" }],
    };
    for (const record of [
      { proto: "tcp", respPort: 502 },
      { proto: "udp", respPort: 47808 },
      { proto: "icmp", respPort: 8 },
      { proto: "sctp", respPort: 9 },
    ])
      assert.equal(classifyFlow(anything, record, A), "allowed", record.proto);
    assert.equal(classifyFlow(anything, { proto: "tcp", respPort: 502 }, B), "wrong", "still one way");
  });
});

describe("the flow lines of a conduit", () => {
  it("reads ports, ranges, any and ICMP's dash, and writes them back the same", () => {
    const text = [
      "tcp 44818 a_to_b EtherNet/IP",
      "udp 2222-2223 both Implicit I/O",
      "tcp any b_to_a Vendor tool",
      "any any ↔ Everything",
      "icmp - both",
    ].join("\n");
    const parsed = parseFlows(text);
    assert.ok(parsed.ok);
    assert.deepEqual(
      parsed.flows.map((f) => [f.protocol, f.port, f.portEnd]),
      [
        ["tcp", 44818, null],
        ["udp", 2222, 2223],
        ["tcp", null, null],
        ["any", null, null],
        ["icmp", null, null],
      ]
    );
    assert.deepEqual(parsed.flows.map(formatFlow), [
      "tcp 44818 a_to_b EtherNet/IP",
      "udp 2222-2223 both Implicit I/O",
      "tcp any b_to_a Vendor tool",
      "any any both Everything",
      "icmp - both",
    ]);
    const again = parseFlows(parsed.flows.map(formatFlow).join("\n"));
    assert.deepEqual(again, parsed);
  });

  it("refuses bad ranges, ports on any protocol and twice-listed flows, each by its line", () => {
    const parsed = parseFlows(
      [
        "udp 2223-2222 both",
        "udp 0-10 both",
        "tcp 1-70000 both",
        "any 502 both",
        "icmp 1-2 both",
        "tcp 10-20 a_to_b",
        "tcp 10-20 a_to_b again",
      ].join("\n")
    );
    assert.ok(!parsed.ok);
    assert.deepEqual(parsed.errors, [
      "Line 1: port range “2223-2222” is not two ports from 1 to 65535, the lower first.",
      "Line 2: port range “0-10” is not two ports from 1 to 65535, the lower first.",
      "Line 3: port range “1-70000” is not two ports from 1 to 65535, the lower first.",
      "Line 4: any protocol has no single port; write “any” in the port column.",
      "Line 5: ICMP has no port; write “-” in the port column.",
      "Line 7: tcp 10-20 a_to_b is listed twice.",
    ]);
  });

  it("says what a port may be when it is none of them", () => {
    const parsed = parseFlows("tcp http both");
    assert.ok(!parsed.ok);
    assert.deepEqual(parsed.errors, [
      "Line 1: port “http” is not a number from 1 to 65535, a range like 2222-2223, or any.",
    ]);
  });
});
