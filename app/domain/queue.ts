import { acceptanceRefusals, wiringRefusals, type AcceptanceFacts } from "./alerting";
import type { Baseline } from "./baseline";
import { DRIFT_PERMISSIONS } from "./drift";
import { can, reachOf, type Principal } from "./permissions";
import { blockers, type PlantReadiness } from "./readiness";
import type { SignoffRecord } from "./signoffs";
import { PART_PERMISSION, SIGNOFF_PARTS, type SignoffPart } from "./signoffs";
import { PHASES, type Phase, type PlantPhase, type Role } from "./vocabulary";

// What waits on a person (/me), decided from what they may do: each section of the queue is the work of one
// permission, at the plants where they hold it.

/** Staged hosts are escalated to corporate security, who triage those; the others triage every untriaged host. */
const ESCALATED_TO: Role = "corporate_security";

export interface QueueSections {
  /** Checklist criteria of current gates, at the plants assigned to the person (plant engineering ticks them). */
  criteria: boolean;
  gates: boolean;
  /** Plants with a gate past its target date: for whoever passes gates across the program. */
  targets: boolean;
  /** Conduits whose alerts may be wired now. */
  wiring: boolean;
  /** Stalled baselines the person, as one of a conduit's two owners, has still to accept. */
  acceptances: boolean;
  /** Wired conduits without detection rules. */
  rulesToWrite: boolean;
  /** Detection rules not reviewed by plant engineering. */
  rulesToReview: boolean;
  /** The signoff part the person signs, if any. */
  signoffs: SignoffPart | null;
  changes: boolean;
  /** Staged hosts to triage: every untriaged one, only the escalated ones, or none. */
  staged: "untriaged" | "escalated" | null;
  /** Changes whose window ended with no outcome recorded: for whoever schedules changes. */
  outcomesDue: boolean;
  /** Post-incident reviews of production stops whose part the person signs. */
  reviewsToSign: boolean;
  /** Predicted blocked flows of cutovers of the conduits the person designs, to acknowledge. */
  flowsToAcknowledge: boolean;
  /** Drift of live plants the person can set right. */
  drift: boolean;
}

export function queueSections(principal: Principal): QueueSections {
  return {
    criteria: reachOf(principal, "tick:criterion") === "assigned",
    gates: can(principal, "pass:gate"),
    targets: reachOf(principal, "pass:gate") === "all",
    wiring: can(principal, "wire:alerts"),
    // Each owner accepts for the part they sign.
    acceptances: SIGNOFF_PARTS.some((part) => can(principal, PART_PERMISSION[part])),
    rulesToWrite: can(principal, "write:rule"),
    rulesToReview: can(principal, "review:rule"),
    signoffs: SIGNOFF_PARTS.find((part) => can(principal, PART_PERMISSION[part])) ?? null,
    changes: can(principal, "schedule:change"),
    staged: can(principal, "triage:asset") ? (principal.role === ESCALATED_TO ? "escalated" : "untriaged") : null,
    outcomesDue: can(principal, "schedule:change"),
    reviewsToSign: SIGNOFF_PARTS.some((part) => can(principal, PART_PERMISSION[part])),
    flowsToAcknowledge: can(principal, "sign:design"),
    drift: DRIFT_PERMISSIONS.some((permission) => can(principal, permission)),
  };
}

/** Whether anything can ever wait on the person (an executive only reads). */
export function hasQueue(sections: QueueSections): boolean {
  return QUEUE_KINDS.some((kind) => Boolean(sections[kind]));
}

/** Every kind of work the queue holds, by its stable name (the section's id on /me), in the order /me shows them. */
export const QUEUE_KINDS = [
  "outcomesDue",
  "reviewsToSign",
  "criteria",
  "gates",
  "targets",
  "signoffs",
  "acceptances",
  "wiring",
  "rulesToWrite",
  "rulesToReview",
  "flowsToAcknowledge",
  "changes",
  "staged",
  "drift",
] as const satisfies readonly (keyof QueueSections)[];
export type QueueKind = (typeof QUEUE_KINDS)[number];

/** The kinds of work that can wait on the person, with how many items each holds now, for the summary at the top. */
export function queueCounts(
  sections: QueueSections,
  totals: Readonly<Record<QueueKind, number>>
): { kind: QueueKind; count: number }[] {
  return QUEUE_KINDS.filter((kind) => Boolean(sections[kind])).map((kind) => ({ kind, count: totals[kind] }));
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
 * stale ones first, then by plant. A split never written (revision 0) holds nothing to sign yet: it waits on whoever
 * writes it, not on its signers.
 */
export function signoffsToGive(gaps: readonly QueueGap[], part: SignoffPart, personId: number | null) {
  return gaps
    .filter((g) => g.part === part && (g.subjectType === "ownership_split" || g.ownerId === personId))
    .filter((g) => !(g.subjectType === "ownership_split" && g.revision === 0))
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

/** A conduit as the alerting queues read it: its owners, its current revision, its baseline and its alerting. */
export interface QueueConduit {
  plantId: number;
  plantCode: string;
  id: number;
  name: string;
  revision: number;
  monitored: boolean;
  designOwnerId: number | null;
  monitoringOwnerId: number | null;
  baseline: Pick<Baseline, "status" | "countedDays">;
  /** Readiness's reason why alerts may not be wired yet, null when they may. */
  alertBlock: string | null;
  /** The wiring recorded on the current revision, if any. */
  wiring: { at: string; by: string } | null;
  /** Detection rules recorded on the conduit. */
  ruleCount: number;
  /** What both owners sign when they accept the stalled baseline, and the epoch it belongs to. */
  acceptance: { hash: string; epochStart: string };
}

interface QueueConduitItem {
  plantCode: string;
  conduitId: number;
  conduitName: string;
  href: string;
}

const conduitItem = (c: QueueConduit, anchor: string): QueueConduitItem => ({
  plantCode: c.plantCode,
  conduitId: c.id,
  conduitName: c.name,
  href: `/plants/${c.plantCode}/conduits/${c.id}#${anchor}`,
});

type Person = Principal & { personId: number | null };

/**
 * The conduits whose alerts the person may wire now (wiringRefusals answers nothing): the conduit's monitoring owner
 * wires them, or anyone who may wire alerts there while it has none.
 */
export function alertsToWire(conduits: readonly QueueConduit[], person: Person): QueueConduitItem[] {
  return conduits
    .filter(
      (c) =>
        c.monitored &&
        (c.monitoringOwnerId === null || c.monitoringOwnerId === person.personId) &&
        wiringRefusals({
          wirer: { role: person.role, personId: person.personId, permitted: can(person, "wire:alerts", c.plantId) },
          conduit: c,
          wiring: c.wiring,
          alertBlock: c.alertBlock,
        }).length === 0
    )
    .map((c) => conduitItem(c, "alerts"));
}

/** The stalled baselines the person, as one of the conduit's owners, may accept now (acceptanceRefusals: none). */
export function acceptancesToGive(
  conduits: readonly QueueConduit[],
  person: Person,
  acceptances: readonly (SignoffRecord & { subjectId: number })[]
): (QueueConduitItem & { countedDays: number })[] {
  return conduits
    .filter((c) => c.baseline.status === "stalled")
    .filter((c) => {
      const facts: AcceptanceFacts = {
        signer: { role: person.role, personId: person.personId },
        conduit: { name: c.name, designOwnerId: c.designOwnerId, monitoringOwnerId: c.monitoringOwnerId },
        baseline: c.baseline,
        acceptanceHash: c.acceptance.hash,
        epochStart: c.acceptance.epochStart,
        acceptances: acceptances.filter((a) => a.subjectId === c.id),
      };
      return acceptanceRefusals(facts).length === 0;
    })
    .map((c) => ({ ...conduitItem(c, "baseline"), countedDays: c.baseline.countedDays }));
}

/** Wired conduits with no detection rule yet, at the plants where the person may write rules. */
export function rulesToWrite(conduits: readonly QueueConduit[], person: Principal): QueueConduitItem[] {
  return conduits
    .filter((c) => c.wiring !== null && c.ruleCount === 0 && can(person, "write:rule", c.plantId))
    .map((c) => conduitItem(c, "add-rule"));
}

/** A detection rule no plant engineer has reviewed yet. */
export interface QueueRule {
  plantId: number;
  plantCode: string;
  conduitId: number;
  conduitName: string;
  id: number;
  name: string;
  ruleClass: "unusual" | "wrong";
  reviewed: boolean;
}

/** The rules the person may review that nobody has reviewed yet, each linking to its review form. */
export function rulesToReview(rules: readonly QueueRule[], person: Principal) {
  return rules
    .filter((r) => !r.reviewed && can(person, "review:rule", r.plantId))
    .map((r) => ({
      plantCode: r.plantCode,
      conduitId: r.conduitId,
      conduitName: r.conduitName,
      ruleId: r.id,
      ruleName: r.name,
      ruleClass: r.ruleClass,
      href: `/plants/${r.plantCode}/conduits/${r.conduitId}#review-rule-${r.id}`,
    }));
}

/** A plant's gate targets and passes, and its plant-local today, as the targets queue reads them. */
export interface QueueTargets {
  plantCode: string;
  today: string;
  targets: Readonly<Record<Phase, string | null>>;
  passed: readonly string[];
}

/**
 * The plants with a gate past its target date and not passed: the earliest such gate of each plant, how many days
 * late it is, and how many of the plant's gates are late; the latest first.
 */
export function plantsPastTarget(plants: readonly QueueTargets[]) {
  return plants
    .flatMap((p) => {
      const late = PHASES.filter((phase) => {
        const target = p.targets[phase];
        return target !== null && target < p.today && !p.passed.includes(phase);
      });
      const first = late[0];
      if (!first) return [];
      const target = p.targets[first]!;
      return [
        {
          plantCode: p.plantCode,
          phase: first,
          target,
          daysLate: Math.round((Date.parse(`${p.today}T00:00:00Z`) - Date.parse(`${target}T00:00:00Z`)) / 86_400_000),
          lateGates: late.length,
        },
      ];
    })
    .sort((a, b) => b.daysLate - a.daysLate || a.plantCode.localeCompare(b.plantCode));
}

/** An open conduit cutover with how many of the flows it is predicted to block still wait for acknowledgement. */
export interface QueueCutoverImpact {
  plantId: number;
  plantCode: string;
  changeId: number;
  title: string;
  conduitName: string;
  designOwnerId: number | null;
  total: number;
  unacknowledged: number;
}

/**
 * "Predicted blocked flows to acknowledge": the open cutovers of the conduits the person is the design owner of,
 * at plants they read, with flows not yet acknowledged; the most waiting first.
 */
export function blockedFlowsToAcknowledge(cutovers: readonly QueueCutoverImpact[], person: Person) {
  return cutovers
    .filter(
      (c) =>
        person.personId !== null &&
        c.designOwnerId === person.personId &&
        c.unacknowledged > 0 &&
        can(person, "read:plant", c.plantId)
    )
    .map((c) => ({ ...c, href: `/plants/${c.plantCode}/changes/${c.changeId}#impact` }))
    .sort((a, b) => b.unacknowledged - a.unacknowledged || a.plantCode.localeCompare(b.plantCode));
}
