// What triage shows of the hosts passive monitoring saw and the inventory did not know (staged assets), and of the
// flows a conduit does not allow (policy violations): the shapes the models read and the page draws.

/** Where triage left a staged host: seen once and gone (transient), or for a closer look (escalated). */
export type TriageState = "transient" | "escalated";

export interface StagedHost {
  id: number;
  name: string;
  ip: string | null;
  mac: string | null;
  vendor: string | null;
  model: string | null;
  kind: string | null;
  zoneId: number | null;
  zoneName: string | null;
  discoverySource: string;
  discoveredAt: string;
  triage: TriageState | null;
  triageNote: string | null;
  triagedBy: string | null;
  triagedAt: string | null;
}

/** How many staged hosts a plant has, by where triage left them. */
export interface StagedHostCounts {
  /** Awaiting triage or escalated: the hosts still to review. */
  open: number;
  escalated: number;
  transient: number;
}

export interface Violation {
  id: number;
  conduitId: number;
  conduitName: string;
  tuple: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  acknowledgedNote: string | null;
  /** Seen again after it was acknowledged: it needs looking at once more. */
  seenSinceAcknowledged: boolean;
}

/** The most hosts one triage act takes at once (a page of the triage view, with room to spare). */
export const TRIAGE_BATCH_LIMIT = 200;

/** What a triage act does to a set of hosts, as its confirmation says it. */
export type TriageAct = "confirm" | "assign-zone" | "transient" | "escalated";

const hosts = (count: number) => `${count.toLocaleString("en-US")} ${count === 1 ? "host" : "hosts"}`;

/** The sentence that confirms a triage act on `count` hosts ("3 hosts are confirmed into the inventory."). */
export function triageDone(act: TriageAct, count: number, zoneName?: string): string {
  const are = count === 1 ? "is" : "are";
  switch (act) {
    case "confirm":
      return `${hosts(count)} ${are} confirmed into the inventory.`;
    case "assign-zone":
      return `${hosts(count)} ${are} placed in ${zoneName ?? "the zone"}; confirm ${
        count === 1 ? "it" : "them"
      } when reviewed.`;
    case "transient":
      return `${hosts(count)} ${are} marked known-transient; ${count === 1 ? "it" : "they"} will not be staged again.`;
    case "escalated":
      return `${hosts(count)} ${are} escalated to corporate security.`;
  }
}

/**
 * The host ids a bulk act was given, each once, in the order given: refused (with the sentence to show by the list)
 * when there are none, one is not an id, or there are more than the limit.
 */
export function chosenHostIds(
  raw: readonly string[],
  limit: number = TRIAGE_BATCH_LIMIT
): { ok: true; ids: number[] } | { ok: false; message: string } {
  const values = raw
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter((v) => v !== "");
  if (values.length === 0) return { ok: false, message: "Choose at least one host." };
  if (values.some((value) => !/^[1-9]\d{0,9}$/.test(value)))
    return { ok: false, message: "Choose hosts from the list." };
  const ids = [...new Set(values.map(Number))];
  if (ids.length > limit) {
    return {
      ok: false,
      message: `Choose at most ${limit.toLocaleString("en-US")} hosts at once (${ids.length.toLocaleString(
        "en-US"
      )} were chosen).`,
    };
  }
  return { ok: true, ids };
}

/** Names a few hosts of a set for a sentence: "a, b and 3 more". */
export function someHosts(hosts: readonly string[], shown = 3): string {
  // By name, numbers in order (host-9 before host-10), whatever order they were chosen in.
  const names = [...hosts].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  if (names.length <= shown) {
    return names.length <= 1 ? names[0] ?? "" : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  }
  return `${names.slice(0, shown).join(", ")} and ${(names.length - shown).toLocaleString("en-US")} more`;
}

/** The acts of a plant's triage view (one form, one submit button each): confirm, place in a zone, dismiss. */
export const BULK_TRIAGE_INTENTS = ["confirm-hosts", "place-hosts", "dismiss-hosts"] as const;
