import type { BaselineStatus } from "./baseline";
import { refusal, roleMayNot, type ActRefusal } from "./refusals";
import { PART_ROLE, SIGNOFF_PARTS, type SignoffPart, type SignoffRecord } from "./signoffs";
import type { Role } from "./vocabulary";

// The two acts that end a conduit's baseline work: accepting a stalled baseline (each owner for their part) and
// wiring alerts. Each decision answers the refusals of the act, or none; the conduit page's controls, the models
// and the API ask the same function.

type AcceptRefusalCode = "not_a_person" | "not_owner" | "not_stalled" | "already_accepted";

export interface AcceptanceFacts {
  signer: { role: Role; personId: number | null };
  conduit: {
    name: string;
    designOwnerId: number | null;
    monitoringOwnerId: number | null;
  };
  baseline: { status: BaselineStatus; countedDays: number };
  /** The hash both owners sign: the conduit's revision and the epoch whose baseline stalled. */
  acceptanceHash: string;
  epochStart: string;
  /** The conduit's baseline acceptances (revoked ones included). */
  acceptances: readonly SignoffRecord[];
}

/** The part the signer accepts for: the part their role signs, when they are that part's assigned owner. */
export function acceptingPart(facts: Pick<AcceptanceFacts, "signer" | "conduit">): SignoffPart | null {
  const part = SIGNOFF_PARTS.find((p) => PART_ROLE[p] === facts.signer.role);
  if (!part || facts.signer.personId === null) return null;
  const ownerId = part === "design_change_control" ? facts.conduit.designOwnerId : facts.conduit.monitoringOwnerId;
  return ownerId === facts.signer.personId ? part : null;
}

/** Whether the signer may accept the conduit's stalled baseline now. */
export function acceptanceRefusals(facts: AcceptanceFacts): ActRefusal<AcceptRefusalCode>[] {
  const { signer, conduit, baseline } = facts;
  if (signer.personId === null)
    return [refusal("not_a_person", 403, "A signoff binds a person; API tokens cannot accept a baseline.")];
  const part = acceptingPart(facts);
  if (part === null) return [refusal("not_owner", 403, "Only the conduit's two assigned owners accept its baseline.")];
  if (baseline.status !== "stalled") {
    return [
      refusal(
        "not_stalled",
        409,
        `Acceptance is only for a stalled baseline (one that reached its counted days without maturing); “${
          conduit.name
        }” is ${baseline.status}${
          baseline.status === "collecting" ? ` with ${baseline.countedDays} counted days` : ""
        }.`
      ),
    ];
  }
  const accepted = facts.acceptances.some(
    (s) =>
      s.part === part &&
      s.personId === signer.personId &&
      s.revokedAt === null &&
      s.contentHash === facts.acceptanceHash
  );
  if (accepted) {
    return [
      refusal(
        "already_accepted",
        409,
        `You have accepted the stalled baseline of “${conduit.name}” from ${facts.epochStart}; the other owner must accept it too.`
      ),
    ];
  }
  return [];
}

type WireRefusalCode = "not_permitted" | "not_a_person" | "already_wired" | "blocked";

interface Wirer {
  role: Role;
  personId: number | null;
  /** Holds `wire:alerts` at the conduit's plant. */
  permitted: boolean;
}

/** The refusals that depend only on who wires. */
export function wirerRefusals(wirer: Wirer): ActRefusal<WireRefusalCode>[] {
  if (!wirer.permitted) return [roleMayNot("not_permitted", wirer.role, "wire alerts")];
  if (wirer.personId === null)
    return [refusal("not_a_person", 403, "Wiring alerts binds a person; API tokens cannot wire alerts.")];
  return [];
}

export interface WiringFacts {
  wirer: Wirer;
  conduit: { name: string; revision: number };
  /** The wiring recorded on the conduit's current revision, if any. */
  wiring: { at: string; by: string } | null;
  /** Why the baseline does not allow wiring yet (readiness's alertBlock), null when it does. */
  alertBlock: string | null;
}

/** Whether alerts may be wired on the conduit now. */
export function wiringRefusals(facts: WiringFacts): ActRefusal<WireRefusalCode>[] {
  const refusals = wirerRefusals(facts.wirer);
  if (refusals.length > 0) return refusals;
  if (facts.wiring) {
    return [
      refusal(
        "already_wired",
        409,
        `Alerts are already wired on “${facts.conduit.name}” (revision ${facts.conduit.revision}): by ${
          facts.wiring.by
        } on ${facts.wiring.at.slice(0, 10)}.`
      ),
    ];
  }
  if (facts.alertBlock) return [refusal("blocked", 409, facts.alertBlock)];
  return [];
}
