import type { GateResult } from "./readiness";
import { refusal, type Refusal } from "./refusals";
import { PHASES, ROLE_LABELS, type Phase, type Role } from "./vocabulary";

// Whether a plant's gate may be passed: the plant page's controls and the model that passes it ask this.

export type PassRefusalCode = "not_permitted" | "passed" | "out_of_order" | "unmet";

export interface PassFacts {
  passer: { role: Role; permitted: boolean };
  plantCode: string;
  phase: Phase;
  /** The plant's gates as readiness judges them now. */
  gates: readonly GateResult[];
}

export function passRefusals(facts: PassFacts): Refusal<PassRefusalCode>[] {
  const { passer, plantCode, phase, gates } = facts;
  if (!passer.permitted) {
    return [
      refusal(
        "not_permitted",
        403,
        `Your role (${ROLE_LABELS[passer.role].toLowerCase()}) may not pass gates at this plant.`
      ),
    ];
  }
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
