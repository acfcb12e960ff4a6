// How a connection seen on a conduit is judged against the conduit's allowed flows, and how much of a day's
// evidence a conduit holds. Pure: the evidence model calls these once per connection and once per day.

import { flowCovers } from "./conduits";

/** A conduit as the flow rule sees it: its two endpoint zones and its allowed flows. */
export interface FlowRuleConduit {
  zoneA: number;
  zoneB: number;
  flows: readonly { protocol: string; port: number | null; portEnd?: number | null; direction: string }[];
}

/** What of a connection the rule reads: its protocol and responder port (for ICMP, the message code). */
interface SeenFlow {
  proto: string;
  respPort: number | null;
}

type FlowClass = "allowed" | "wrong";

/**
 * Whether the connection, opened from `originZone`, is one the conduit allows: some allowed flow of its protocol
 * (or of any protocol), on its port or in its range of ports (any port when the flow names none; ICMP has no port),
 * in a direction that lets that zone open it.
 */
export function isAllowedFlow(conduit: FlowRuleConduit, record: SeenFlow, originZone: number): boolean {
  const port = record.proto === "icmp" ? null : record.respPort;
  // A loop, not `some` with an arrow: this runs once per connection.
  for (const flow of conduit.flows) {
    if (
      flowCovers(flow, record.proto, port) &&
      (flow.direction === "both" ||
        (flow.direction === "a_to_b" ? originZone === conduit.zoneA : originZone === conduit.zoneB))
    )
      return true;
  }
  return false;
}

/** The connection's class on the conduit: allowed, or a wrong flow (a policy violation). */
export function classifyFlow(conduit: FlowRuleConduit, record: SeenFlow, originZone: number): FlowClass {
  return isAllowedFlow(conduit, record, originZone) ? "allowed" : "wrong";
}

/** A day's coverage: the share of its 24 hours in which the conduit's traffic was seen (at most 1). */
export function dayCoverage(hoursSeen: number): number {
  return Math.min(1, hoursSeen / 24);
}
