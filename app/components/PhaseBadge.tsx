import { PHASE_LABELS, type PlantPhase } from "~/domain/vocabulary";

export function PhaseBadge({ phase }: { phase: PlantPhase }) {
  return <span className={`badge phase-${phase}`}>{PHASE_LABELS[phase]}</span>;
}
