import { can, reachOf, type Principal } from "./permissions";
import { blockers, type PlantReadiness } from "./readiness";
import { PART_PERMISSION, SIGNOFF_PARTS, type SignoffPart } from "./signoffs";
import type { PlantPhase, Role } from "./vocabulary";

// What waits on a person (/me), decided from what they may do: each section of the queue is the work of one
// permission, at the plants where they hold it.

/** Staged hosts are escalated to corporate security, who triage those; the others triage every untriaged host. */
const ESCALATED_TO: Role = "corporate_security";

export interface QueueSections {
  /** Checklist criteria of current gates, at the plants assigned to the person (plant engineering ticks them). */
  criteria: boolean;
  gates: boolean;
  /** The signoff part the person signs, if any. */
  signoffs: SignoffPart | null;
  changes: boolean;
  /** Staged hosts to triage: every untriaged one, only the escalated ones, or none. */
  staged: "untriaged" | "escalated" | null;
}

export function queueSections(principal: Principal): QueueSections {
  return {
    criteria: reachOf(principal, "tick:criterion") === "assigned",
    gates: can(principal, "pass:gate"),
    signoffs: SIGNOFF_PARTS.find((part) => can(principal, PART_PERMISSION[part])) ?? null,
    changes: can(principal, "schedule:change"),
    staged: can(principal, "triage:asset") ? (principal.role === ESCALATED_TO ? "escalated" : "untriaged") : null,
  };
}

/** Whether anything can ever wait on the person (an executive only reads). */
export function hasQueue(sections: QueueSections): boolean {
  return (
    sections.criteria || sections.gates || sections.signoffs !== null || sections.changes || sections.staged !== null
  );
}

/** The plants a queue spans: the whole program, or the plants assigned to the person. */
export function queueSpansProgram(principal: Principal): boolean {
  return reachOf(principal, "read:plant") === "all";
}

interface QueueCriterion {
  plantCode: string;
  phase: PlantPhase;
  code: string;
  title: string;
  message: string;
}

/** The checklist criteria blocking the current gate of each plant. */
export function criteriaToTick(readiness: readonly PlantReadiness[]): QueueCriterion[] {
  return readiness.flatMap((r) =>
    blockers(r)
      .filter((c) => c.checklist)
      .map((c) => ({ plantCode: r.code, phase: r.phase, code: c.code, title: c.title, message: c.message }))
  );
}

/** The plants whose current gate is ready to pass. */
export function gatesToPass(readiness: readonly PlantReadiness[]): { plantCode: string; phase: PlantPhase }[] {
  return readiness.flatMap((r) =>
    r.gates
      .filter((g) => g.phase === r.phase && g.status === "ready")
      .map(() => ({ plantCode: r.code, phase: r.phase }))
  );
}

interface QueueGap {
  plantCode: string;
  subjectType: "conduit" | "ownership_split";
  subjectId: number;
  subjectName: string;
  part: SignoffPart;
  ownerId: number | null;
  revision: number;
  status: "missing" | "stale";
}

/**
 * The signoffs waiting on the person: their part of each plant's ownership split, and of each conduit they own;
 * stale ones first, then by plant.
 */
export function signoffsToGive(gaps: readonly QueueGap[], part: SignoffPart, personId: number | null) {
  return gaps
    .filter((g) => g.part === part && (g.subjectType === "ownership_split" || g.ownerId === personId))
    .map((g) => ({
      plantCode: g.plantCode,
      subjectType: g.subjectType,
      subjectId: g.subjectId,
      subjectName: g.subjectName,
      part: g.part,
      revision: g.revision,
      status: g.status,
      href:
        g.subjectType === "conduit"
          ? `/plants/${g.plantCode}/conduits/${g.subjectId}`
          : `/plants/${g.plantCode}#ownership`,
    }))
    .sort(
      (a, b) => (a.status === b.status ? 0 : a.status === "stale" ? -1 : 1) || a.plantCode.localeCompare(b.plantCode)
    );
}
