import type { Role } from "./vocabulary";

// A signoff binds a person, in a role, to one revision of one object, identified by a hash of the
// content that was signed. Editing the object changes its hash and leaves earlier signoffs stale.

export const SIGNOFF_PARTS = ["design_change_control", "monitoring_incident_response"] as const;
export type SignoffPart = (typeof SIGNOFF_PARTS)[number];

export const PART_LABELS: Record<SignoffPart, string> = {
  design_change_control: "Design & change control",
  monitoring_incident_response: "Monitoring & incident response",
};

/** The role that owns, and therefore signs, each part. */
export const PART_ROLE: Record<SignoffPart, Role> = {
  design_change_control: "plant_engineer",
  monitoring_incident_response: "corporate_security",
};

export const PART_OWNER_LABELS: Record<SignoffPart, string> = {
  design_change_control: "plant engineering",
  monitoring_incident_response: "corporate security",
};

export const DEFAULT_OWNERSHIP_SPLIT =
  "Design and change control of every conduit of this plant belong to plant engineering. " +
  "Monitoring and incident response on every conduit belong to corporate security. " +
  "Changes to a conduit are requested through plant engineering and scheduled into an outage window; " +
  "alerts raised on a conduit are triaged by corporate security, who call the plant's on-shift engineer.";

export interface SignoffRecord {
  id: number;
  part: SignoffPart;
  personId: number;
  personName: string;
  role: string;
  revision: number;
  contentHash: string;
  signedAt: string;
  note: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
}

export type PartStatus = "signed" | "stale" | "missing";

export interface PartState {
  part: SignoffPart;
  status: PartStatus;
  /** The signoff that currently holds, when the part is signed. */
  valid: SignoffRecord | null;
  /** Why the part is not signed, in words a plant engineer understands. */
  reason: string | null;
}

export function isStale(signoff: SignoffRecord, currentHash: string): boolean {
  return signoff.revokedAt === null && signoff.contentHash !== currentHash;
}

/**
 * The state of one part. `owner` narrows who may hold it: a conduit's part counts only when signed by the
 * owner assigned to it now (null: nobody is assigned); undefined means anyone of the part's role.
 */
export function partState(
  signoffs: readonly SignoffRecord[],
  part: SignoffPart,
  currentHash: string,
  owner?: { id: number; name: string } | null
): PartState {
  const live = signoffs.filter((s) => s.part === part && s.revokedAt === null);
  if (owner === null) {
    return { part, status: "missing", valid: null, reason: `No ${PART_OWNER_LABELS[part]} owner is assigned.` };
  }
  const valid =
    live.find((s) => s.contentHash === currentHash && (owner === undefined || s.personId === owner.id)) ?? null;
  if (valid) return { part, status: "signed", valid, reason: null };
  const stale = live.find((s) => s.contentHash !== currentHash);
  if (stale) {
    return {
      part,
      status: "stale",
      valid: null,
      reason: `${stale.personName} signed revision ${stale.revision}; the current revision is not signed.`,
    };
  }
  const who = owner ? owner.name : `Someone from ${PART_OWNER_LABELS[part]}`;
  return { part, status: "missing", valid: null, reason: `${who} has not signed yet.` };
}

/**
 * Whether a person may sign a part now. A role that never signs the part gets no control at all (`why` null);
 * the right role gets a disabled control with the reason when it cannot sign yet.
 */
export function signControl(
  state: PartState,
  who: { role: Role; personId: number | null; permitted: boolean },
  subject: { signable: boolean; notSignableWhy: string; ownerId?: number | null; ownerName?: string | null }
): { allowed: boolean; why: string | null } {
  if (who.role !== PART_ROLE[state.part] || who.personId === null) return { allowed: false, why: null };
  if (!who.permitted) return { allowed: false, why: "You are not assigned to this plant." };
  if (!subject.signable) return { allowed: false, why: subject.notSignableWhy };
  if (subject.ownerId !== undefined && subject.ownerId !== who.personId) {
    return {
      allowed: false,
      why:
        subject.ownerId === null
          ? "No owner is assigned to this part yet."
          : `Only the assigned owner, ${subject.ownerName ?? "someone else"}, signs this part.`,
    };
  }
  if (state.valid?.personId === who.personId) return { allowed: false, why: "You have signed the current revision." };
  return { allowed: true, why: null };
}

/** How many past signoffs a page lists; the audit trail holds them all. */
export const SIGNOFF_HISTORY_SHOWN = 20;

/**
 * The signoffs a page lists, newest first: every one still standing on the current content (a signer must be able to
 * revoke it), then the most recent others up to SIGNOFF_HISTORY_SHOWN.
 */
export function shownHistory<S extends SignoffRecord>(history: readonly S[], currentHash: string): S[] {
  let others = 0;
  return history.filter((signoff) => {
    if (signoff.revokedAt === null && signoff.contentHash === currentHash) return true;
    return others++ < SIGNOFF_HISTORY_SHOWN;
  });
}
