import { z } from "../utils/zod";
import { FLOW_DIRECTIONS, FLOW_PROTOCOLS, isOneOf, type FlowDirection, type FlowProtocol } from "./vocabulary";

/**
 * A conduit's name: 3 to 120 characters. The conduit page's form reads it trimmed; the program file as written, so
 * every conduit the app holds fits in the file and the file holds no other.
 */
export const ConduitNameSchema = z
  .string()
  .min(3, "Name the conduit (at least 3 characters).")
  .max(120, "Keep the conduit's name under 120 characters.");

/** A detection rule's name, by the same rule for the conduit page's form and the program file. */
export const RuleNameSchema = z
  .string()
  .min(3, "Name the rule (at least 3 characters).")
  .max(120, "Keep the rule's name under 120 characters.");

// A conduit's allowed flows, written one per line as people read them in a firewall change request:
//   tcp 44818 a_to_b EtherNet/IP from the historian
//   udp 2222-2223 both Implicit I/O
//   tcp any b_to_a Anything the vendor's support tool opens
//   any any both Everything (the design rules warn of it)
//   icmp - both Reachability checks

export interface AllowedFlow {
  protocol: FlowProtocol;
  /** The port, or the first of a range; null for ICMP and for any port. */
  port: number | null;
  /** The last port of a range; null for a single port (or none). */
  portEnd: number | null;
  direction: FlowDirection;
  description: string | null;
}

export const DIRECTION_ARROWS: Record<FlowDirection, string> = { a_to_b: "→", b_to_a: "←", both: "↔" };

const DIRECTION_WORDS: Record<string, FlowDirection> = {
  a_to_b: "a_to_b",
  "a->b": "a_to_b",
  "→": "a_to_b",
  b_to_a: "b_to_a",
  "b->a": "b_to_a",
  "←": "b_to_a",
  both: "both",
  "<->": "both",
  "↔": "both",
};

/** Whether the flow lets any port through: any protocol, or TCP/UDP without a port. */
export function allowsAnyPort(flow: { protocol: string; port: number | null }): boolean {
  return flow.protocol === "any" || (flow.protocol !== "icmp" && flow.port === null);
}

/** The flow's ports as people write them: "502", "2222-2223", "any", or "-" for ICMP. */
export function portText(flow: { protocol: string; port: number | null; portEnd?: number | null }): string {
  if (flow.protocol === "icmp") return "-";
  if (flow.port === null) return "any";
  return flow.portEnd == null ? String(flow.port) : `${flow.port}-${flow.portEnd}`;
}

/** The flow's protocol and ports in short: "tcp/502", "udp/2222-2223", "tcp/any", "any", "icmp". */
export function flowLabel(flow: { protocol: string; port: number | null; portEnd?: number | null }): string {
  return flow.protocol === "icmp" || flow.protocol === "any" ? flow.protocol : `${flow.protocol}/${portText(flow)}`;
}

/**
 * Whether the flow's protocol and ports cover a connection's protocol and responder port (null for ICMP, which has
 * none): any protocol covers every connection; a flow without a port covers every port of its protocol; a range
 * covers its ends and what lies between.
 */
export function flowCovers(
  flow: { protocol: string; port: number | null; portEnd?: number | null },
  proto: string,
  port: number | null
): boolean {
  if (flow.protocol === "any") return true;
  if (flow.protocol !== proto) return false;
  if (flow.port === null) return true;
  if (port === null) return false;
  return flow.portEnd == null ? port === flow.port : port >= flow.port && port <= flow.portEnd;
}

export function formatFlow(flow: AllowedFlow): string {
  return [flow.protocol, portText(flow), flow.direction, flow.description ?? ""].join(" ").trim();
}

export type FlowParse = { ok: true; flows: AllowedFlow[] } | { ok: false; errors: string[] };

type PortReading = { ok: true; port: number | null; portEnd: number | null } | { ok: false; error: string };

const PORT = /^\d{1,5}$/;
const inPortRange = (word: string) => PORT.test(word) && Number(word) >= 1 && Number(word) <= 65535;

function readPorts(protocol: FlowProtocol, word: string): PortReading {
  if (protocol === "icmp")
    return word === "-" || word === ""
      ? { ok: true, port: null, portEnd: null }
      : { ok: false, error: "ICMP has no port; write “-” in the port column." };
  if (protocol === "any")
    return word.toLowerCase() === "any" || word === "-"
      ? { ok: true, port: null, portEnd: null }
      : { ok: false, error: "any protocol has no single port; write “any” in the port column." };
  if (word.toLowerCase() === "any") return { ok: true, port: null, portEnd: null };
  const range = /^(\d{1,5})-(\d{1,5})$/.exec(word);
  if (range) {
    const [, lo = "", hi = ""] = range;
    if (!inPortRange(lo) || !inPortRange(hi) || Number(lo) >= Number(hi))
      return { ok: false, error: `port range “${word}” is not two ports from 1 to 65535, the lower first.` };
    return { ok: true, port: Number(lo), portEnd: Number(hi) };
  }
  if (!inPortRange(word))
    return { ok: false, error: `port “${word}” is not a number from 1 to 65535, a range like 2222-2223, or any.` };
  return { ok: true, port: Number(word), portEnd: null };
}

/** Reads the flow lines; every bad line is reported by its number, and nothing is returned unless all are good. */
export function parseFlows(text: string): FlowParse {
  const flows: AllowedFlow[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const n = index + 1;
    if (line === "" || line.startsWith("#")) return;
    const [protocolWord = "", portWord = "", directionWord = "", ...rest] = line.split(/\s+/);
    const protocol = protocolWord.toLowerCase();
    if (!isOneOf(FLOW_PROTOCOLS, protocol)) {
      errors.push(`Line ${n}: protocol “${protocolWord}” is not one of ${FLOW_PROTOCOLS.join(", ")}.`);
      return;
    }
    const ports = readPorts(protocol, portWord);
    if (!ports.ok) {
      errors.push(`Line ${n}: ${ports.error}`);
      return;
    }
    const direction = DIRECTION_WORDS[directionWord.toLowerCase()];
    if (!direction || !isOneOf(FLOW_DIRECTIONS, direction)) {
      errors.push(`Line ${n}: direction “${directionWord}” is not a_to_b, b_to_a or both.`);
      return;
    }
    const flow = { protocol, port: ports.port, portEnd: ports.portEnd, direction };
    const key = `${protocol} ${portText(flow)} ${direction}`;
    if (seen.has(key)) {
      errors.push(`Line ${n}: ${key} is listed twice.`);
      return;
    }
    seen.add(key);
    const description = rest.join(" ").slice(0, 200) || null;
    flows.push({ ...flow, description });
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, flows };
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Canonical order of flows, independent of any locale, so equal sets of flows hash and compare equal everywhere. */
export function compareFlows(a: AllowedFlow, b: AllowedFlow): number {
  return (
    byCodePoint(a.protocol, b.protocol) ||
    (a.port ?? -1) - (b.port ?? -1) ||
    (a.portEnd ?? -1) - (b.portEnd ?? -1) ||
    byCodePoint(a.direction, b.direction) ||
    byCodePoint(a.description ?? "", b.description ?? "")
  );
}

/** The flows in their canonical order. */
export function sortFlows(flows: readonly AllowedFlow[]): AllowedFlow[] {
  return [...flows].sort(compareFlows);
}
