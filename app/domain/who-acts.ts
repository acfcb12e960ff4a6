import type { BaselineStatus } from "./baseline";
import type { ObjectRef } from "./readiness";
import { PART_LABELS, PART_ROLE, SIGNOFF_PARTS, type SignoffPart } from "./signoffs";
import { PHASE_LABELS, ROLE_LABELS, type Phase, type Role } from "./vocabulary";

// Who must act on what holds a plant back: for each unmet criterion of a gate, the role that does the work and the
// people the program's data names for it (a conduit's owners, the plant's assigned engineers, the program leads).
// Pure: the facts come from the rollup model.

/** One party that must act, and what it must do. `names` is empty when the data names nobody yet. */
export interface MustAct {
  role: Role;
  names: string[];
  does: string;
}

/** What the program knows of a conduit for deciding who acts on it. */
export interface ConduitActFacts {
  designOwner: string | null;
  monitoringOwner: string | null;
  /** The signoff parts of the conduit's current revision that are not signed. */
  unsigned: readonly SignoffPart[];
  /** Its baseline's status, null when unknown. */
  baseline: BaselineStatus | null;
}

export interface ActFacts {
  /** Plant engineers assigned to the plant. */
  engineers: readonly string[];
  /** The program's leads. */
  leads: readonly string[];
  /** Corporate security people of the program. */
  security: readonly string[];
  conduits: ReadonlyMap<number, ConduitActFacts>;
  /** The ownership split's parts that are not signed. */
  splitUnsigned: readonly SignoffPart[];
}

/** The object a blocker is about, for reading: the first conduit, asset, zone… it names (never the plant itself). */
export function objectAtFault(objects: readonly ObjectRef[]): string | null {
  const named = objects.filter((o) => o.type !== "plant");
  if (named.length === 0) return null;
  const first = `“${named[0]!.label}”`;
  if (named.length === 1) return first;
  // Assets and changes come as a few examples of a longer list; conduits and zones in full.
  const examples = named.some((o) => o.type === "asset" || o.type === "change");
  return examples ? `${first} and others` : `${first} and ${named.length - 1} more`;
}

const ENGINEERS_DO: Record<string, string> = {
  "INV-ASSETS": "complete the asset inventory",
  "INV-PASSIVE": "resolve the active scans run outside an outage window",
  "INV-STAGED": "review the staged assets",
  "INV-REVIEW": "tick the inventory review",
  "ZON-STANDARD": "define the standard sub-zones",
  "ZON-PLACED": "place every asset in a zone",
  "ZON-SLT": "set each zone's target security level",
  "ZON-REVIEW": "tick the zone design review",
  "CON-BOUNDARY": "define a conduit to the corporate zone",
  "CON-COMPLETE": "complete the definition of the conduit",
  "CON-CUTOVER": "cut the conduit over in an outage window",
  "BAS-PIPELINE": "record the OT SIEM pipeline and its retention",
  "ALR-RULES": "write and review the detection rules of the conduit",
};

function engineersOf(facts: ActFacts, does: string, owner?: string | null): MustAct {
  return { role: "plant_engineer", names: owner ? [owner] : [...facts.engineers], does };
}

function partActor(part: SignoffPart, facts: ActFacts, owner: string | null | undefined, what: string): MustAct {
  const role = PART_ROLE[part];
  const label = PART_LABELS[part].toLowerCase();
  if (owner === null) return { role: "program_lead", names: [...facts.leads], does: `assign ${what} a ${label} owner` };
  const names = owner ? [owner] : role === "plant_engineer" ? [...facts.engineers] : [...facts.security];
  return { role, names, does: `sign ${what} (${label})` };
}

/**
 * Who must act on one unmet criterion of a plant's gate, from the criterion and the object at fault (the first
 * conduit it names). Checklist criteria and the plant's own work fall to its assigned engineers; a signoff part to
 * the conduit's owner of that part (or the role, for the ownership split); a stalled baseline to both owners; alert
 * wiring to the conduit's monitoring owner.
 */
export function whoMustAct(blocker: { code: string; objects: readonly ObjectRef[] }, facts: ActFacts): MustAct[] {
  const conduitRef = blocker.objects.find((o) => o.type === "conduit");
  const conduit = conduitRef ? facts.conduits.get(conduitRef.id) : undefined;
  const what = conduitRef ? `“${conduitRef.label}”` : "the conduit";
  switch (blocker.code) {
    case "OWN-SPLIT": {
      const parts = facts.splitUnsigned.length > 0 ? facts.splitUnsigned : SIGNOFF_PARTS;
      return parts.map((part) => partActor(part, facts, undefined, "the ownership split"));
    }
    case "CON-OWNERS": {
      const parts = conduit && conduit.unsigned.length > 0 ? conduit.unsigned : SIGNOFF_PARTS;
      return parts.map((part) =>
        partActor(
          part,
          facts,
          conduit ? (part === "design_change_control" ? conduit.designOwner : conduit.monitoringOwner) : undefined,
          what
        )
      );
    }
    case "BAS-MATURE": {
      if (conduit?.baseline === "stalled") {
        return [
          engineersOf(facts, `accept the stalled baseline of ${what}`, conduit.designOwner),
          {
            role: "corporate_security",
            names: conduit.monitoringOwner ? [conduit.monitoringOwner] : [...facts.security],
            does: `accept the stalled baseline of ${what}`,
          },
        ];
      }
      return [
        {
          role: "corporate_security",
          names: conduit?.monitoringOwner ? [conduit.monitoringOwner] : [...facts.security],
          does:
            conduit?.baseline === "collecting"
              ? `watch the baseline of ${what} mature`
              : `get the baseline of ${what} observed`,
        },
      ];
    }
    case "ALR-WIRED":
      return [
        {
          role: "corporate_security",
          names: conduit?.monitoringOwner ? [conduit.monitoringOwner] : [...facts.security],
          does: `wire the alerts of ${what}`,
        },
      ];
    default: {
      const does = ENGINEERS_DO[blocker.code] ?? "meet the criterion";
      const conduitWork = blocker.code.startsWith("CON-") || blocker.code === "ALR-RULES";
      return [
        engineersOf(
          facts,
          conduitWork && conduitRef ? does.replace("the conduit", what) : does,
          conduitWork ? conduit?.designOwner : undefined
        ),
      ];
    }
  }
}

/** Who acts on a gate whose criteria all hold: a program lead passes it. */
export function whoPassesGate(phase: Phase, facts: Pick<ActFacts, "leads">): MustAct[] {
  return [
    { role: "program_lead", names: [...facts.leads], does: `pass the ${PHASE_LABELS[phase].toLowerCase()} gate` },
  ];
}

/** "Corporate security (Sam Ortiz): wire the alerts of “DMZ”", one party after another. */
export function mustActInWords(acts: readonly MustAct[]): string {
  return acts
    .map((a) => `${ROLE_LABELS[a.role]}${a.names.length > 0 ? ` (${a.names.join(", ")})` : ""}: ${a.does}`)
    .join("; ");
}
