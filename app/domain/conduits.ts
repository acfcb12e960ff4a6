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
//   icmp - both Reachability checks

export interface AllowedFlow {
  protocol: FlowProtocol;
  port: number | null;
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

export function formatFlow(flow: AllowedFlow): string {
  const port = flow.port === null ? "-" : String(flow.port);
  return [flow.protocol, port, flow.direction, flow.description ?? ""].join(" ").trim();
}

export type FlowParse = { ok: true; flows: AllowedFlow[] } | { ok: false; errors: string[] };

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
    let port: number | null = null;
    if (protocol === "icmp") {
      if (portWord !== "-" && portWord !== "") {
        errors.push(`Line ${n}: ICMP has no port; write “-” in the port column.`);
        return;
      }
    } else if (!/^\d{1,5}$/.test(portWord) || Number(portWord) < 1 || Number(portWord) > 65535) {
      errors.push(`Line ${n}: port “${portWord}” is not a number from 1 to 65535.`);
      return;
    } else port = Number(portWord);
    const direction = DIRECTION_WORDS[directionWord.toLowerCase()];
    if (!direction || !isOneOf(FLOW_DIRECTIONS, direction)) {
      errors.push(`Line ${n}: direction “${directionWord}” is not a_to_b, b_to_a or both.`);
      return;
    }
    const key = `${protocol}/${port ?? "-"}/${direction}`;
    if (seen.has(key)) {
      errors.push(`Line ${n}: ${protocol} ${port ?? "-"} ${direction} is listed twice.`);
      return;
    }
    seen.add(key);
    const description = rest.join(" ").slice(0, 200) || null;
    flows.push({ protocol, port, direction, description });
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, flows };
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Canonical order, independent of any locale, so equal sets of flows hash and compare equal everywhere. */
export function sortFlows(flows: readonly AllowedFlow[]): AllowedFlow[] {
  return [...flows].sort(
    (a, b) =>
      byCodePoint(a.protocol, b.protocol) ||
      (a.port ?? -1) - (b.port ?? -1) ||
      byCodePoint(a.direction, b.direction) ||
      byCodePoint(a.description ?? "", b.description ?? "")
  );
}
