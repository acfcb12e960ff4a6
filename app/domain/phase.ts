import { PHASES, type PlantPhase } from "./vocabulary";

/**
 * A plant's current phase is the first phase whose exit gate has not been passed. Gates pass in order,
 * so a pass recorded out of order (which the engine refuses) does not advance the plant past a gap.
 */
export function currentPhase(passedPhases: Iterable<string>): PlantPhase {
  const passed = new Set(passedPhases);
  return PHASES.find((phase) => !passed.has(phase)) ?? "complete";
}

/** Position of a phase in the rollout, 0-based; `complete` comes after the last phase. */
export function phaseIndex(phase: PlantPhase): number {
  return phase === "complete" ? PHASES.length : PHASES.indexOf(phase);
}

/** A plant's target date for each phase, from its columns (`target_inventory` … `target_alerting`). */
export function targetsOf(plant: {
  target_inventory: string | null;
  target_zoning: string | null;
  target_conduits: string | null;
  target_baseline: string | null;
  target_alerting: string | null;
}) {
  return {
    inventory: plant.target_inventory,
    zoning: plant.target_zoning,
    conduits: plant.target_conduits,
    baseline: plant.target_baseline,
    alerting: plant.target_alerting,
  };
}
