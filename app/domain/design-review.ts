import { DEFAULT_BASELINE_SETTINGS } from "./baseline";
import { CidrMatcher, cidrsOverlap, parseCidr, type Cidr } from "./cidr";
import { allowsAnyPort, flowCovers, portText } from "./conduits";
import type { ObjectRef } from "./readiness";

// Design review: every zone and conduit of a plant is checked against the design rules of IEC 62443-3-2 practice
// and CISA CSET's network diagram rules. Each finding has a stable code, a sentence naming what is at fault, a
// severity and the objects at fault. Errors keep CON-COMPLETE unmet; warnings are acknowledged, each with a reason,
// by whoever signs a conduit they bear on. docs/design-review.md says why each rule has its severity.

export type FindingSeverity = "error" | "warning";

export interface DesignFinding {
  code: string;
  severity: FindingSeverity;
  /** A sentence a plant engineer understands, naming what is at fault. */
  message: string;
  /** What is at fault: conduits, zones, assets. */
  objects: ObjectRef[];
  /** The conduits the finding bears on: its own conduit, or every conduit that reaches a zone at fault. */
  conduitIds: number[];
}

export interface DesignZone {
  id: number;
  name: string;
  kind: string;
  purdueLevel: number | null;
  slTarget: number | null;
  /** The zone holds safety instrumented systems. */
  safety: boolean;
  /** Its address ranges, as CIDR text. */
  ranges: readonly string[];
}

/** An allowed flow as the rules read it. */
export interface DesignFlow {
  protocol: string;
  port: number | null;
  portEnd: number | null;
}

export interface DesignConduit {
  id: number;
  name: string;
  zoneAId: number;
  zoneBId: number;
  flowCount: number;
  flows: readonly DesignFlow[];
  monitored: boolean;
  monitoringPoint: string | null;
  compensatingNote: string | null;
}

/** Inventoried addresses that no zone's range holds: how many, and a few of them. */
export interface UnzonedAddresses {
  count: number;
  examples: ObjectRef[];
}

/** What the rules read of a plant's design. */
export interface DesignFacts {
  zones: DesignZone[];
  conduits: DesignConduit[];
  unzoned: UnzonedAddresses;
}

/** The program's limits the rules apply. */
export interface DesignLimits {
  /** The widest port range a flow may allow without a finding. */
  maxPortRange: number;
}

const DEFAULT_DESIGN_LIMITS: DesignLimits = { maxPortRange: DEFAULT_BASELINE_SETTINGS.maxPortRange };

export interface DesignRule {
  code: string;
  severity: FindingSeverity;
  title: string;
  rationale: string;
}

/** Every rule of the design review, in the order docs and pages list them. */
export const DESIGN_RULES = [
  {
    code: "DES-PURDUE-SKIP",
    severity: "error",
    title: "A conduit skips a Purdue level without passing a DMZ",
    rationale:
      "Traffic between levels more than one apart must be brokered by a DMZ (IEC 62443-3-2 zone and conduit model; CSET: no direct path from enterprise to control).",
  },
  {
    code: "DES-CORP-TO-CONTROL",
    severity: "error",
    title: "Corporate joined straight to process control or safety",
    rationale:
      "The corporate network reaching controllers or safety instrumented systems directly is the path most attacks on plants took; safety systems must be reachable from the fewest places.",
  },
  {
    code: "DES-FLOW-ANY",
    severity: "error",
    title: "A flow allows any protocol or any port",
    rationale:
      "A conduit that lets everything through enforces nothing (IEC 62443-3-3 SR 5.1, SR 7.7 least functionality); its baseline and alerts cannot tell expected from wrong traffic.",
  },
  {
    code: "DES-PORT-RANGE",
    severity: "warning",
    title: "A flow allows a port range wider than the program's limit",
    rationale:
      "Some protocols need a range (OPC Classic, vendor RPC), so a wide range can be right, but each should be looked at and acknowledged by the signer.",
  },
  {
    code: "DES-CLEARTEXT-BOUNDARY",
    severity: "error",
    title: "A cleartext industrial protocol crosses the plant boundary",
    rationale:
      "Modbus/TCP, DNP3, EtherNet/IP, S7 and BACnet carry commands without authentication; they must end inside the plant, with a DMZ broker (historian, gateway) toward corporate.",
  },
  {
    code: "DES-BOUNDARY-UNMONITORED",
    severity: "error",
    title: "A boundary conduit has no monitoring point",
    rationale:
      "The conduit to corporate is where intrusions enter; it must be monitored, at a named point, before the plant leaves the conduit phase.",
  },
  {
    code: "DES-NO-FLOW",
    severity: "error",
    title: "A conduit allows no flow",
    rationale: "A conduit carries at least one named protocol and port, or it is not a conduit.",
  },
  {
    code: "DES-ZONE-OVERLAP",
    severity: "error",
    title: "Two zones' address ranges overlap",
    rationale:
      "An address in two zones makes its traffic land on the wrong conduit: the evidence, baselines and wrong-flow alerts judge the wrong design.",
  },
  {
    code: "DES-ASSET-UNZONED",
    severity: "warning",
    title: "Inventoried addresses lie in no zone's range",
    rationale:
      "Traffic of such a host is on no conduit, so no baseline sees it; often a range is missing, sometimes the host is transient.",
  },
  {
    code: "DES-SLT-GAP",
    severity: "warning",
    title: "Zones' target security levels differ by two or more without a compensating note",
    rationale:
      "A conduit between SL-T 1 and SL-T 3 zones must carry the countermeasures that make up the difference (IEC 62443-3-2 ZCR 5); the note says which.",
  },
  {
    code: "DES-ZONE-UNCLASSIFIED",
    severity: "warning",
    title: "A zone has no target security level or no Purdue level",
    rationale: "Without them the level and SL-T rules cannot judge the zone's conduits.",
  },
] as const satisfies readonly DesignRule[];

export type DesignRuleCode = (typeof DESIGN_RULES)[number]["code"];

const severityOf = (code: DesignRuleCode): FindingSeverity => DESIGN_RULES.find((r) => r.code === code)!.severity;

/** Cleartext industrial protocols, by their registered port. */
export const CLEARTEXT_INDUSTRIAL_PORTS: readonly { port: number; protocol: string; name: string }[] = [
  { port: 102, protocol: "tcp", name: "S7" },
  { port: 502, protocol: "tcp", name: "Modbus/TCP" },
  { port: 20000, protocol: "tcp", name: "DNP3" },
  { port: 44818, protocol: "tcp", name: "EtherNet/IP" },
  { port: 47808, protocol: "udp", name: "BACnet" },
];

const DMZ_LEVEL = 3.5;
const KIND_LEVELS: Record<string, number> = {
  corporate: 4,
  dmz: DMZ_LEVEL,
  engineering_workstation: 3,
  supervisory: 2,
  process_control: 1,
};

/** A zone's Purdue level: its own when set, else its kind's; null when neither says. */
export function zoneLevel(zone: Pick<DesignZone, "kind" | "purdueLevel">): number | null {
  return zone.purdueLevel ?? KIND_LEVELS[zone.kind] ?? null;
}

const zoneRef = (z: DesignZone): ObjectRef => ({ type: "zone", id: z.id, label: z.name });
const conduitRef = (c: DesignConduit): ObjectRef => ({ type: "conduit", id: c.id, label: c.name });
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

function finding(code: DesignRuleCode, message: string, objects: ObjectRef[], conduitIds: number[]): DesignFinding {
  return { code, severity: severityOf(code), message, objects, conduitIds };
}

const flowText = (flow: DesignFlow) =>
  flow.protocol === "any"
    ? "any protocol"
    : allowsAnyPort(flow)
    ? `${flow.protocol} to any port`
    : `${flow.protocol} ${portText(flow)}`;

function conduitFindings(
  conduit: DesignConduit,
  zoneA: DesignZone | undefined,
  zoneB: DesignZone | undefined,
  limits: DesignLimits
): DesignFinding[] {
  const out: DesignFinding[] = [];
  const own = (code: DesignRuleCode, message: string) =>
    out.push(finding(code, message, [conduitRef(conduit)], [conduit.id]));
  const name = `“${conduit.name}”`;

  if (conduit.flowCount === 0)
    own("DES-NO-FLOW", `${name} allows no flow: a conduit carries at least one named protocol and port.`);
  const open = conduit.flows.filter(allowsAnyPort);
  if (open.length > 0)
    own("DES-FLOW-ANY", `${name} allows ${open.map(flowText).join(", ")}: name the protocols and ports it carries.`);
  const wide = conduit.flows.filter(
    (f) => f.port !== null && f.portEnd !== null && f.portEnd - f.port + 1 > limits.maxPortRange
  );
  if (wide.length > 0)
    own(
      "DES-PORT-RANGE",
      `${name} allows ${wide.map(flowText).join(", ")}, wider than ${plural(limits.maxPortRange, "port")}.`
    );
  if (!zoneA || !zoneB) return out;

  const [corporate, other] = zoneA.kind === "corporate" ? [zoneA, zoneB] : [zoneB, zoneA];
  const boundary = corporate.kind === "corporate" && other.kind !== "corporate";
  const endpoints = `“${zoneA.name}” and “${zoneB.name}”`;
  if (boundary && (other.kind === "process_control" || other.safety)) {
    out.push(
      finding(
        "DES-CORP-TO-CONTROL",
        `${name} joins the corporate zone “${corporate.name}” straight to the ${
          other.safety ? "safety" : "process-control"
        } zone “${other.name}”: route it through the DMZ.`,
        [conduitRef(conduit), zoneRef(corporate), zoneRef(other)],
        [conduit.id]
      )
    );
  } else {
    const a = zoneLevel(zoneA);
    const b = zoneLevel(zoneB);
    if (a !== null && b !== null && Math.abs(a - b) > 1 && a !== DMZ_LEVEL && b !== DMZ_LEVEL)
      own("DES-PURDUE-SKIP", `${name} joins ${endpoints}, at Purdue levels ${a} and ${b}, without passing a DMZ.`);
  }
  if (boundary) {
    const carried = CLEARTEXT_INDUSTRIAL_PORTS.filter((p) =>
      conduit.flows.some((f) => flowCovers(f, p.protocol, p.port))
    );
    if (carried.length > 0)
      own(
        "DES-CLEARTEXT-BOUNDARY",
        `${name} lets ${carried
          .map((p) => `${p.name} (${p.protocol} ${p.port})`)
          .join(", ")} cross the plant boundary to “${corporate.name}”: end them in the DMZ.`
      );
    if (!conduit.monitored || !conduit.monitoringPoint)
      own(
        "DES-BOUNDARY-UNMONITORED",
        `${name} reaches the corporate zone but ${
          conduit.monitored ? "names no monitoring point" : "is not monitored"
        }: monitor it at a named point.`
      );
  }
  if (
    zoneA.slTarget !== null &&
    zoneB.slTarget !== null &&
    Math.abs(zoneA.slTarget - zoneB.slTarget) >= 2 &&
    !conduit.compensatingNote?.trim()
  )
    own(
      "DES-SLT-GAP",
      `${name} joins ${endpoints}, at SL-T ${zoneA.slTarget} and ${zoneB.slTarget}, with no compensating note saying what makes up the difference.`
    );
  return out;
}

function overlapFindings(zones: readonly DesignZone[], conduitsOfZone: (id: number) => number[]): DesignFinding[] {
  const blocks: { zone: DesignZone; text: string; cidr: Cidr }[] = [];
  for (const zone of zones)
    for (const text of zone.ranges) {
      const cidr = parseCidr(text);
      if (cidr) blocks.push({ zone, text, cidr });
    }
  const out: DesignFinding[] = [];
  const reported = new Set<string>();
  for (let i = 0; i < blocks.length; i++)
    for (let j = i + 1; j < blocks.length; j++) {
      const x = blocks[i]!;
      const y = blocks[j]!;
      if (x.zone.id === y.zone.id || !cidrsOverlap(x.cidr, y.cidr)) continue;
      // By name, so the finding reads the same in every database the design is loaded into.
      const [first, second] = x.zone.name <= y.zone.name ? [x, y] : [y, x];
      const key = `${first.zone.id}|${second.zone.id}`;
      if (reported.has(key)) continue;
      reported.add(key);
      out.push(
        finding(
          "DES-ZONE-OVERLAP",
          `Zones “${first.zone.name}” (${first.text}) and “${second.zone.name}” (${second.text}) overlap: an address in both lands on the wrong conduit.`,
          [zoneRef(first.zone), zoneRef(second.zone)],
          [...new Set([...conduitsOfZone(first.zone.id), ...conduitsOfZone(second.zone.id)])]
        )
      );
    }
  return out;
}

/** The findings of a plant's design, in a stable order: by code, then by the first object's label. */
export function reviewDesign(design: DesignFacts, limits: DesignLimits = DEFAULT_DESIGN_LIMITS): DesignFinding[] {
  const findings: DesignFinding[] = [];
  const zoneById = new Map(design.zones.map((z) => [z.id, z]));
  const conduitsOfZone = (zoneId: number) =>
    design.conduits.filter((c) => c.zoneAId === zoneId || c.zoneBId === zoneId).map((c) => c.id);
  for (const conduit of design.conduits)
    findings.push(...conduitFindings(conduit, zoneById.get(conduit.zoneAId), zoneById.get(conduit.zoneBId), limits));
  for (const zone of design.zones) {
    const missing =
      zone.slTarget === null && zone.purdueLevel === null
        ? "neither a target security level nor a Purdue level"
        : zone.slTarget === null
        ? "no target security level"
        : zone.purdueLevel === null
        ? "no Purdue level"
        : null;
    if (missing)
      findings.push(
        finding(
          "DES-ZONE-UNCLASSIFIED",
          `Zone “${zone.name}” has ${missing}, so the rules cannot place it.`,
          [zoneRef(zone)],
          conduitsOfZone(zone.id)
        )
      );
  }
  findings.push(...overlapFindings(design.zones, conduitsOfZone));
  const { count, examples } = design.unzoned;
  if (count > 0)
    findings.push(
      finding(
        "DES-ASSET-UNZONED",
        `${plural(count, "inventoried address lies", "inventoried addresses lie")} in no zone's range${
          examples.length > 0 ? `, such as ${examples.map((e) => e.label).join(", ")}` : ""
        }: add the missing ranges.`,
        examples,
        []
      )
    );
  // By code, then by the first object's label: the same order in every database the design is loaded into.
  const label = (f: DesignFinding) => f.objects[0]?.label ?? "";
  return findings.sort((a, b) =>
    a.code !== b.code ? (a.code < b.code ? -1 : 1) : label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0
  );
}

/** An IPv4 address in its canonical dotted text as a number, or null for anything else (IPv6 among them). */
function ipv4Number(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    const n = Number(part);
    if (part === "" || !Number.isInteger(n) || n < 0 || n > 255) return null;
    value = value * 256 + n;
  }
  return value;
}

/**
 * Inventoried addresses that no zone's range holds, with the first `limit` of them (by the order given) as
 * examples. Assets without an address are not judged. A plant has thousands of addresses and a few dozen ranges:
 * IPv4 addresses are compared as numbers against the ranges' bounds, the rest through the app's CIDR matcher.
 */
export function unzonedAddresses(
  zones: readonly Pick<DesignZone, "id" | "ranges">[],
  assets: Iterable<{ id: number; name: string; ip: string }>,
  limit = 5
): UnzonedAddresses {
  const matcher = new CidrMatcher<number>();
  const v4: [number, number][] = [];
  for (const zone of zones)
    for (const range of zone.ranges) {
      matcher.add(range, zone.id);
      const cidr = parseCidr(range);
      if (cidr?.version === 4) {
        const size = 2 ** (32 - cidr.prefix);
        v4.push([Number(cidr.network), Number(cidr.network) + size - 1]);
      }
    }
  const inZone = (ip: string) => {
    const n = ipv4Number(ip);
    if (n === null) return matcher.match(ip) !== null;
    for (const [start, end] of v4) if (n >= start && n <= end) return true;
    return false;
  };
  let count = 0;
  const examples: ObjectRef[] = [];
  for (const asset of assets) {
    if (inZone(asset.ip)) continue;
    count++;
    if (examples.length < limit) examples.push({ type: "asset", id: asset.id, label: `${asset.name} (${asset.ip})` });
  }
  return { count, examples };
}

/** Whether the finding says its conduit's definition is incomplete (no flow; a boundary without monitoring). */
export function isIncompleteDefinition(finding: DesignFinding): boolean {
  return finding.code === "DES-NO-FLOW" || finding.code === "DES-BOUNDARY-UNMONITORED";
}

/** The errors of a design: what keeps CON-COMPLETE unmet. */
export function designErrors(findings: readonly DesignFinding[]): DesignFinding[] {
  return findings.filter((f) => f.severity === "error");
}

/** The findings on zones and addresses rather than on a conduit: what a plant, not a conduit, answers for. */
export function plantFindings(findings: readonly DesignFinding[]): DesignFinding[] {
  return findings.filter((f) => !f.objects.some((o) => o.type === "conduit"));
}

/** The findings bearing on one conduit. */
export function findingsOfConduit(findings: readonly DesignFinding[], conduitId: number): DesignFinding[] {
  return findings.filter((f) => f.conduitIds.includes(conduitId));
}

/**
 * What identifies a warning for its acknowledgement: its code and the objects at fault. An acknowledgement answers
 * this key; a finding whose key no acknowledgement of the signature answers is not acknowledged.
 */
export function acknowledgementKey(finding: DesignFinding): string {
  return [finding.code, ...finding.objects.map((o) => `${o.type}:${o.id}`)].join("|");
}
