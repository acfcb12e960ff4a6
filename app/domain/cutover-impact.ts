import { formatLocal } from "./time";
import type { AllowedFlow } from "./conduits";
import { isAllowedFlow, type FlowRuleConduit } from "./flows";
import type { Read, Refusal, Refused } from "./outage-windows";
import { refusal, type ActRefusal } from "./refusals";
import { FLOW_DECISIONS, isOneOf, type FlowDecision } from "./vocabulary";

// What a conduit cutover would block, judged before it is done from the traffic the Zeek evidence saw on the
// conduit, and what it seems to have stopped once done. Pure: the model loads the tuples seen (aggregated per
// `orig|resp|proto|port`), the conduit's current allowed flows and a way to place an address in a zone, and these
// rules answer. A flow is the tuples of one origin zone, responder zone, protocol and port, named by a stable key
// ("12>13|tcp|502") that acknowledgements keep.

/** How far back the traffic a cutover would block is read: the 30 days before it. */
export const IMPACT_DAYS = 30;
/** A done cutover's "stopped?" list compares the 7 days before it with the 3 days after. */
export const STOPPED_BEFORE_DAYS = 7;
export const STOPPED_AFTER_DAYS = 3;
/** The most flows a list shows (the count says how many there are in all). */
const FLOWS_SHOWN = 200;
/** Examples of host pairs given per flow. */
const EXAMPLES = 3;
export const FLOW_REASON_MIN = 3;
export const FLOW_REASON_MAX = 1000;
/** A flow key is short: two zone ids, a protocol and a port. */
const FLOW_KEY_MAX = 80;

export interface FlowKeyParts {
  origZone: number;
  respZone: number;
  protocol: string;
  /** The responder port (the collapsed ephemeral port included); null when the tuple has none (ICMP). */
  port: number | null;
}

/** The flow's stable key: origin zone > responder zone | protocol | port ("-" for none). */
export function flowKey(parts: FlowKeyParts): string {
  return `${parts.origZone}>${parts.respZone}|${parts.protocol}|${parts.port ?? "-"}`;
}

/** "tcp/502", "icmp": a flow's protocol and its responder port, as every list of flows shows them. */
export function flowPortText(flow: { protocol: string; port: number | null }): string {
  return `${flow.protocol}${flow.port === null ? "" : `/${flow.port}`}`;
}

/** "Cell → DMZ, tcp/502": a flow in words, its zones named by `zoneName` (the key's ids are for machines). */
export function flowLabel(parts: FlowKeyParts, zoneName: (zone: number) => string): string {
  return `${zoneName(parts.origZone)} → ${zoneName(parts.respZone)}, ${flowPortText(parts)}`;
}

/** A flow key as posted, read back into its parts; null when it is not one. */
export function readFlowKey(raw: unknown): FlowKeyParts | null {
  if (typeof raw !== "string" || raw.length > FLOW_KEY_MAX) return null;
  const match = /^(\d{1,12})>(\d{1,12})\|([a-z0-9_-]{1,20})\|(\d{1,5}|-)$/.exec(raw);
  if (!match) return null;
  const port = match[4] === "-" ? null : Number(match[4]);
  if (port !== null && port > 65535) return null;
  return { origZone: Number(match[1]), respZone: Number(match[2]), protocol: match[3]!, port };
}

/** A flow tuple as the evidence stores it, `orig|resp|proto|port`; null when it cannot be read. */
function readTuple(tuple: string): { orig: string; resp: string; protocol: string; port: number | null } | null {
  const parts = tuple.split("|");
  if (parts.length !== 4) return null;
  const [orig, resp, protocol, portText] = parts as [string, string, string, string];
  if (!orig || !resp || !protocol) return null;
  const port = portText === "-" ? null : Number(portText);
  if (port !== null && !Number.isInteger(port)) return null;
  return { orig, resp, protocol, port };
}

/** A conduit as these rules see it: its endpoint zones (with names) and its current allowed flows. */
export interface ImpactConduit extends FlowRuleConduit {
  zoneAName: string;
  zoneBName: string;
}

/** One tuple seen on the conduit over a span: its connections and when it was first and last seen (ISO). */
export interface SeenTuple {
  tuple: string;
  connections: number;
  firstSeen: string;
  lastSeen: string;
}

export interface ObservedFlow {
  key: string;
  /** "Cell → DMZ": the origin zone's name, then the responder's. */
  zonePair: string;
  protocol: string;
  port: number | null;
  connections: number;
  firstSeen: string;
  lastSeen: string;
  /** The busiest host pairs of the flow (at most three), origin first. */
  examples: { orig: string; resp: string; connections: number }[];
}

/** Where an address lies: the zone whose range holds it, or null. */
export type ZoneOf = (address: string) => number | null;

interface Grouped {
  flows: ObservedFlow[];
  /** Tuples whose hosts no longer lie in the conduit's two zones (ranges or endpoints changed since). */
  outside: number;
}

function zoneName(conduit: ImpactConduit, zone: number): string {
  return zone === conduit.zoneA ? conduit.zoneAName : conduit.zoneBName;
}

/** Groups the tuples into flows between the conduit's two zones, each flow's tuples summed; `keep` chooses flows. */
function groupFlows(
  conduit: ImpactConduit,
  tuples: readonly SeenTuple[],
  zoneOf: ZoneOf,
  keep: (parts: FlowKeyParts) => boolean
): Grouped {
  const byKey = new Map<string, ObservedFlow & { pairs: { orig: string; resp: string; connections: number }[] }>();
  let outside = 0;
  const zones = new Map<string, number | null>();
  const placed = (address: string) => {
    if (!zones.has(address)) zones.set(address, zoneOf(address));
    return zones.get(address)!;
  };
  for (const seen of tuples) {
    const tuple = readTuple(seen.tuple);
    if (!tuple) continue;
    const origZone = placed(tuple.orig);
    const respZone = placed(tuple.resp);
    const between =
      (origZone === conduit.zoneA && respZone === conduit.zoneB) ||
      (origZone === conduit.zoneB && respZone === conduit.zoneA);
    if (!between || origZone === null || respZone === null) {
      outside++;
      continue;
    }
    const parts = { origZone, respZone, protocol: tuple.protocol, port: tuple.protocol === "icmp" ? null : tuple.port };
    if (!keep(parts)) continue;
    const key = flowKey(parts);
    let flow = byKey.get(key);
    if (!flow) {
      flow = {
        key,
        zonePair: `${zoneName(conduit, origZone)} → ${zoneName(conduit, respZone)}`,
        protocol: parts.protocol,
        port: parts.port,
        connections: 0,
        firstSeen: seen.firstSeen,
        lastSeen: seen.lastSeen,
        examples: [],
        pairs: [],
      };
      byKey.set(key, flow);
    }
    flow.connections += seen.connections;
    if (seen.firstSeen < flow.firstSeen) flow.firstSeen = seen.firstSeen;
    if (seen.lastSeen > flow.lastSeen) flow.lastSeen = seen.lastSeen;
    flow.pairs.push({ orig: tuple.orig, resp: tuple.resp, connections: seen.connections });
  }
  const flows = [...byKey.values()].map(({ pairs, ...flow }) => ({
    ...flow,
    examples: pairs
      .sort((a, b) => b.connections - a.connections || a.orig.localeCompare(b.orig) || a.resp.localeCompare(b.resp))
      .slice(0, EXAMPLES),
  }));
  flows.sort((a, b) => b.connections - a.connections || a.key.localeCompare(b.key));
  return { flows, outside };
}

export interface Prediction {
  /** The flows the cutover would block, most connections first, at most `limit` of them. */
  flows: ObservedFlow[];
  /** The key of every flow it would block (not only those shown). */
  keys: string[];
  total: number;
  /** Tuples seen that no longer lie between the conduit's zones, left out. */
  outside: number;
}

/**
 * The flows the conduit's current allowed flows would not permit, from the tuples seen on it (the 30 days before
 * the cutover): each flow judged by isAllowedFlow as opened from its origin zone, grouped per flow key, most
 * connections first, at most `limit` shown with the count of all.
 */
export function predictedBlockedFlows(facts: {
  conduit: ImpactConduit;
  tuples: readonly SeenTuple[];
  zoneOf: ZoneOf;
  limit?: number;
}): Prediction {
  const { conduit } = facts;
  const { flows, outside } = groupFlows(
    conduit,
    facts.tuples,
    facts.zoneOf,
    (parts) => !isAllowedFlow(conduit, { proto: parts.protocol, respPort: parts.port }, parts.origZone)
  );
  return {
    flows: flows.slice(0, facts.limit ?? FLOWS_SHOWN),
    keys: flows.map((f) => f.key),
    total: flows.length,
    outside,
  };
}

/** How many predicted blocked flows there are, and how many still wait for an acknowledgement. */
export function impactCounts(keys: readonly string[], acknowledged: ReadonlySet<string>) {
  return { total: keys.length, unacknowledged: keys.filter((key) => !acknowledged.has(key)).length };
}

/**
 * Whether a cutover may be marked done as far as its predicted impact goes (409 when not): every flow it would block
 * is acknowledged by the conduit's design owner (expected to stop, or added to the design). Other kinds of change
 * are not judged here.
 */
export function impactCompletionRefusals(facts: {
  change: { kind: string; title: string };
  blockedKeys: readonly string[];
  acknowledged: ReadonlySet<string>;
  designOwner: { name: string } | null;
}): Refused | null {
  if (facts.change.kind !== "conduit_cutover") return null;
  const { unacknowledged } = impactCounts(facts.blockedKeys, facts.acknowledged);
  if (unacknowledged === 0) return null;
  const flows = unacknowledged === 1 ? "1 predicted blocked flow is" : `${unacknowledged} predicted blocked flows are`;
  const who = facts.designOwner
    ? `the conduit's design owner, ${facts.designOwner.name}, must acknowledge each (expected to stop, or added to the design) before it is marked done`
    : "the conduit has no design owner: assign one, who must acknowledge each (expected to stop, or added to the design) before it is marked done";
  return {
    status: 409,
    reasons: [{ field: "changeId", message: `${flows} not acknowledged for “${facts.change.title}”; ${who}.` }],
  };
}

/** The reason given for an acknowledgement: trimmed, required (at least 3 characters), at most 1000. */
export function readFlowReason(raw: unknown): Read<string> {
  const reason = typeof raw === "string" ? raw.trim() : "";
  if (reason.length < FLOW_REASON_MIN) {
    return {
      ok: false,
      refusal: { field: "reason", message: `say why (at least ${FLOW_REASON_MIN} characters).` },
    };
  }
  if (reason.length > FLOW_REASON_MAX) {
    return {
      ok: false,
      refusal: {
        field: "reason",
        message: `keep the reason to ${FLOW_REASON_MAX.toLocaleString("en-US")} characters or fewer.`,
      },
    };
  }
  return { ok: true, value: reason };
}

/** A decision as posted: one of FLOW_DECISIONS. */
export function readFlowDecision(raw: unknown): Read<FlowDecision> {
  if (typeof raw === "string" && isOneOf(FLOW_DECISIONS, raw)) return { ok: true, value: raw };
  return { ok: false, refusal: { field: "decision", message: `choose ${FLOW_DECISIONS.join(" or ")}.` } };
}

type AcknowledgementCode = "not_design_owner" | "not_a_cutover" | "closed" | "not_predicted" | "already_acknowledged";

export interface AcknowledgementFacts {
  decision: FlowDecision;
  /** Who acts (null for a token that binds no person). */
  personId: number | null;
  designOwner: { id: number; name: string } | null;
  change: { kind: string; title: string; status: string };
  flowKey: string;
  /** Whether the cutover is predicted to block that flow now. */
  predicted: boolean;
  /** The flow's acknowledgement already recorded on this cutover, if any. */
  existing: { decision: FlowDecision; by: string } | null;
}

/**
 * Why a predicted blocked flow may not be acknowledged now (403: not the conduit's design owner; 409: the rules).
 * Only the design owner says a flow is expected to stop; adding it to the design is an edit of the conduit, which
 * whoever may edit the plant's conduits does (the model checks that permission). Either way: only for an open
 * cutover (scheduled, or waiting for a window), only for a flow it is predicted to block, and once.
 */
export function acknowledgementRefusals(facts: AcknowledgementFacts): ActRefusal<AcknowledgementCode>[] {
  const refusals: ActRefusal<AcknowledgementCode>[] = [];
  if (facts.decision === "expected_stop" && (facts.designOwner === null || facts.personId !== facts.designOwner.id)) {
    refusals.push(
      refusal(
        "not_design_owner",
        403,
        facts.designOwner
          ? `Only the conduit's design owner, ${facts.designOwner.name}, may acknowledge its predicted blocked flows.`
          : "The conduit has no design owner; assign one, who alone may acknowledge its predicted blocked flows."
      )
    );
  }
  if (facts.change.kind !== "conduit_cutover") {
    refusals.push(refusal("not_a_cutover", 409, `“${facts.change.title}” is not a conduit cutover.`));
  } else if (facts.change.status !== "scheduled" && facts.change.status !== "needs_window") {
    refusals.push(
      refusal("closed", 409, `The cutover “${facts.change.title}” is ${facts.change.status}; its flows are history.`)
    );
  } else if (facts.existing) {
    refusals.push(
      refusal(
        "already_acknowledged",
        409,
        `${facts.existing.by} already acknowledged this flow (${
          facts.existing.decision === "expected_stop" ? "expected to stop" : "added to the design"
        }).`
      )
    );
  } else if (!facts.predicted) {
    refusals.push(refusal("not_predicted", 409, `The cutover is not predicted to block the flow ${facts.flowKey}.`));
  }
  return refusals;
}

/**
 * The allowed flow that permits an observed flow, opened from its origin zone: the protocol and port seen, in the
 * direction from that zone; refused when the protocol is not one a conduit's flow can name.
 */
export function flowToAdd(
  conduit: Pick<FlowRuleConduit, "zoneA" | "zoneB">,
  parts: FlowKeyParts,
  description: string
): { ok: true; flow: AllowedFlow } | { ok: false; refusal: Refusal } {
  if (parts.protocol !== "tcp" && parts.protocol !== "udp" && parts.protocol !== "icmp") {
    return {
      ok: false,
      refusal: {
        field: "flowKey",
        message: `a conduit's allowed flow names tcp, udp or icmp, not “${parts.protocol}”; edit the conduit's definition instead.`,
      },
    };
  }
  return {
    ok: true,
    flow: {
      protocol: parts.protocol,
      port: parts.protocol === "icmp" ? null : parts.port,
      portEnd: null,
      direction: parts.origZone === conduit.zoneA ? "a_to_b" : "b_to_a",
      description: description.slice(0, 200),
    },
  };
}

/** One tuple around a done cutover: its connections in the 7 days before, and whether it was seen in the 3 after. */
export interface TupleAround {
  tuple: string;
  connectionsBefore: number;
  firstSeen: string;
  lastSeen: string;
  seenAfter: boolean;
}

export type StoppedReading =
  | { state: "not_done" }
  | { state: "watching"; until: string; untilLocal: string }
  | { state: "judged"; flows: ObservedFlow[]; total: number; sawTrafficAfter: boolean };

/**
 * For a done cutover, the flows seen in the 7 days before it and absent in the 3 days after ("stopped by the
 * cutover?"), most connections first. Before those 3 days have passed it only says until when it is still watching;
 * when nothing at all was seen after, it says so (no evidence is not a stop).
 */
export function stoppedByCutover(facts: {
  doneAt: string | null;
  now: string;
  timeZone: string;
  conduit: ImpactConduit;
  tuples: readonly TupleAround[];
  zoneOf: ZoneOf;
  limit?: number;
}): StoppedReading {
  if (facts.doneAt === null) return { state: "not_done" };
  const until = new Date(Date.parse(facts.doneAt) + STOPPED_AFTER_DAYS * 86_400_000).toISOString();
  if (Date.parse(facts.now) < Date.parse(until)) {
    return { state: "watching", until, untilLocal: formatLocal(until, facts.timeZone) };
  }
  const after = new Set<string>();
  for (const seen of facts.tuples) {
    const tuple = readTuple(seen.tuple);
    if (!seen.seenAfter || !tuple) continue;
    const origZone = facts.zoneOf(tuple.orig);
    const respZone = facts.zoneOf(tuple.resp);
    if (origZone === null || respZone === null) continue;
    const port = tuple.protocol === "icmp" ? null : tuple.port;
    after.add(flowKey({ origZone, respZone, protocol: tuple.protocol, port }));
  }
  const before = facts.tuples
    .filter((t) => t.connectionsBefore > 0)
    .map((t) => ({ tuple: t.tuple, connections: t.connectionsBefore, firstSeen: t.firstSeen, lastSeen: t.lastSeen }));
  const { flows } = groupFlows(facts.conduit, before, facts.zoneOf, (parts) => !after.has(flowKey(parts)));
  return {
    state: "judged",
    flows: flows.slice(0, facts.limit ?? FLOWS_SHOWN),
    total: flows.length,
    sawTrafficAfter: facts.tuples.some((t) => t.seenAfter),
  };
}
