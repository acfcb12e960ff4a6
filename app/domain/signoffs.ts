import type { DesignFinding } from "./design-review";
import { controlOf, refusal, type Control, type ActRefusal } from "./refusals";
import { ROLE_LABELS, type Role } from "./vocabulary";

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

/** The permission that lets a person of that role sign the part at a plant. */
export const PART_PERMISSION: Record<SignoffPart, "sign:design" | "sign:monitoring"> = {
  design_change_control: "sign:design",
  monitoring_incident_response: "sign:monitoring",
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

export type SignRefusalCode =
  | "wrong_role"
  | "not_a_person"
  | "not_permitted"
  | "not_signable"
  | "design_error"
  | "no_owner"
  | "not_owner"
  | "already_signed";

/** Who would sign: their role, their person (null for an API token), and whether they hold the part's permission. */
export interface Signer {
  role: Role;
  personId: number | null;
  /** Holds `sign:design` or `sign:monitoring` (as the part needs) on the subject's plant. */
  permitted: boolean;
}

const SIGNER_WORDS: Record<SignoffPart, string> = {
  design_change_control: "a plant engineer of this plant",
  monitoring_incident_response: "corporate security",
};

/** The refusals that depend only on who signs: the part's role, a person, and the plant's permission. */
export function signerRefusals(part: SignoffPart, signer: Signer): ActRefusal<SignRefusalCode>[] {
  if (signer.role !== PART_ROLE[part]) {
    return [
      refusal(
        "wrong_role",
        403,
        `The ${PART_LABELS[part].toLowerCase()} part is signed by ${
          SIGNER_WORDS[part]
        }, not by your role (${ROLE_LABELS[signer.role].toLowerCase()}).`
      ),
    ];
  }
  if (signer.personId === null)
    return [refusal("not_a_person", 403, "A signoff binds a person; API tokens cannot sign.")];
  if (!signer.permitted) return [refusal("not_permitted", 403, "You are not assigned to this plant.")];
  return [];
}

export interface SigningFacts {
  part: SignoffPart;
  signer: Signer;
  subject: {
    /** "The ownership split of KOK", "Conduit “Cell 1 ↔ DMZ”". */
    label: string;
    revision: number;
    currentHash: string;
    /** Why it cannot be signed at all (nothing written yet), null when it can. */
    notSignableWhy: string | null;
    /** The design review's findings bearing on it (a conduit); an error among them keeps it from being signed. */
    findings?: readonly DesignFinding[];
  };
  /** The assigned owner of the part (null: nobody is assigned); undefined when anyone of the part's role signs. */
  owner?: { id: number; name: string } | null;
  /** The subject's signoffs (any part, revoked ones included). */
  signoffs: readonly SignoffRecord[];
}

/**
 * Whether a person may sign a part of a subject now: the refusals, in the order a person fixes them, or none.
 * The page's controls (signControl) and the models' enforcement both ask this.
 */
export function signingRefusals(facts: SigningFacts): ActRefusal<SignRefusalCode>[] {
  const { part, signer, subject, owner } = facts;
  const refusals = signerRefusals(part, signer);
  if (refusals.length > 0) return refusals;
  if (subject.notSignableWhy !== null) refusals.push(refusal("not_signable", 409, subject.notSignableWhy));
  for (const finding of subject.findings ?? []) {
    if (finding.severity !== "error") continue;
    refusals.push(
      refusal(
        "design_error",
        409,
        `The design review finds an error (${finding.code}): ${finding.message} Correct it before signing.`
      )
    );
  }
  if (owner === null) {
    refusals.push(refusal("no_owner", 409, "No owner is assigned to this part yet; assign one before signing."));
  } else if (owner !== undefined && owner.id !== signer.personId) {
    refusals.push(refusal("not_owner", 403, `Only the assigned owner, ${owner.name}, signs this part.`));
  }
  const mine = facts.signoffs.some(
    (s) =>
      s.part === part && s.personId === signer.personId && s.revokedAt === null && s.contentHash === subject.currentHash
  );
  if (mine) {
    refusals.push(
      refusal(
        "already_signed",
        409,
        `You have already signed revision ${subject.revision} of ${subject.label.replace(/^./, (c) =>
          c.toLowerCase()
        )}.`
      )
    );
  }
  return refusals;
}

/**
 * The page's control for signing: a role that never signs the part (or an API token) gets no control at all
 * (`why` null); the right role gets a disabled control with the first reason when it cannot sign now.
 */
export function signControl(facts: SigningFacts): Control {
  const refusals = signingRefusals(facts);
  if (refusals.some((r) => r.code === "wrong_role" || r.code === "not_a_person")) return { allowed: false, why: null };
  return controlOf(refusals);
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
