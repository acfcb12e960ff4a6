import type { GateResult } from "./readiness";
import { refusal, roleMayNot, type ActRefusal } from "./refusals";
import { PHASES, type Phase, type Role } from "./vocabulary";

// Whether a plant's gate may be passed: the plant page's controls and the model that passes it ask this.

type PassRefusalCode = "not_permitted" | "passed" | "out_of_order" | "unmet";

export interface PassFacts {
  passer: { role: Role; permitted: boolean };
  plantCode: string;
  phase: Phase;
  /** The plant's gates as readiness judges them now. */
  gates: readonly GateResult[];
}

/** The refusal that depends only on who passes: the permission to pass gates at the plant. */
export function passerRefusals(passer: PassFacts["passer"]): ActRefusal<PassRefusalCode>[] {
  return passer.permitted ? [] : [roleMayNot("not_permitted", passer.role, "pass gates")];
}

/** Whether the gate of `phase` may be passed now: the refusals, or none. */
export function passRefusals(facts: PassFacts): ActRefusal<PassRefusalCode>[] {
  const { passer, plantCode, phase, gates } = facts;
  if (!passer.permitted) return passerRefusals(passer);
  const gate = gates.find((g) => g.phase === phase);
  if (!gate) return [];
  if (gate.status === "passed") return [refusal("passed", 409, `The ${phase} gate of ${plantCode} is already passed.`)];
  const earlier = PHASES.slice(0, PHASES.indexOf(phase)).find(
    (p) => gates.find((g) => g.phase === p)?.status !== "passed"
  );
  if (earlier) {
    return [
      refusal("out_of_order", 409, `Gates pass in order: the ${earlier} gate of ${plantCode} has not been passed yet.`),
    ];
  }
  const unmet = gate.criteria.filter((c) => !c.met && !c.waived);
  if (unmet.length > 0) {
    return [
      refusal(
        "unmet",
        409,
        `The ${phase} gate cannot pass while criteria are unmet: ${unmet
          .map((c) => `${c.code}: ${c.message}`)
          .join(" ")}`
      ),
    ];
  }
  return [];
}
