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
