import {
  alertWiringAllowed,
  computeBaseline,
  type Baseline,
  type BaselineSettings,
  type Observation,
} from "./baseline";
import { addDays, localDay } from "./calendar";
import { alertBlockReason, checklistJudgement, conduitGaps, judge, latestTick } from "./criteria-judgement";
import {
  findingsOfConduit,
  isIncompleteDefinition,
  plantFindings,
  reviewDesign,
  type DesignFacts,
  type DesignFinding,
} from "./design-review";
import { currentPhase } from "./phase";
import type { PartState } from "./signoffs";
import { PHASES, type Phase, type PlantPhase } from "./vocabulary";

// The readiness gates of one plant at one instant, as a pure function of the plant's state. Every unmet
// criterion says why in a sentence and names the objects at fault.

export const CRITERIA: Record<Phase, readonly { code: string; title: string; checklist?: true }[]> = {
  inventory: [
    { code: "INV-ASSETS", title: "Every asset has kind, vendor/model and criticality" },
    { code: "INV-PASSIVE", title: "Nothing discovered by an active scan outside an outage window" },
    { code: "INV-STAGED", title: "No asset is still staged" },
    { code: "INV-REVIEW", title: "Plant engineering has reviewed the inventory", checklist: true },
    { code: "OWN-SPLIT", title: "Ownership split written and signed by both owners" },
  ],
  zoning: [
    { code: "ZON-STANDARD", title: "Process-control, supervisory and engineering-workstation sub-zones exist" },
    { code: "ZON-PLACED", title: "Every asset sits in a zone" },
    { code: "ZON-SLT", title: "Every zone has a target security level" },
    { code: "ZON-REVIEW", title: "Plant engineering has reviewed the zone design", checklist: true },
  ],
  conduits: [
    { code: "CON-BOUNDARY", title: "At least one conduit to the corporate zone" },
    { code: "CON-COMPLETE", title: "Every conduit is fully defined; boundary conduits are monitored" },
    { code: "CON-OWNERS", title: "Both owners signed every conduit's current revision" },
    { code: "CON-CUTOVER", title: "Every conduit was cut over inside an outage window" },
  ],
  baseline: [
    { code: "BAS-MATURE", title: "Every monitored conduit's baseline is mature (or stalled and accepted)" },
    { code: "BAS-PIPELINE", title: "OT telemetry has its own SIEM pipeline and retention", checklist: true },
  ],
  alerting: [
    { code: "ALR-WIRED", title: "Alerts are wired on every monitored conduit" },
    { code: "ALR-RULES", title: "Every wired conduit has reviewed detection rules, each classed unusual or wrong" },
  ],
};

export const CHECKLIST_CODES = ["INV-REVIEW", "ZON-REVIEW", "BAS-PIPELINE"] as const;
export type ChecklistCode = (typeof CHECKLIST_CODES)[number];

/** Only checklist criteria can be waived; never BAS-MATURE and never the alert-wiring block. */
export function isWaivable(code: string): code is ChecklistCode {
  return (CHECKLIST_CODES as readonly string[]).includes(code);
}

export function phaseOfCriterion(code: string): Phase | null {
  return PHASES.find((phase) => CRITERIA[phase].some((c) => c.code === code)) ?? null;
}

export interface ObjectRef {
  type: "plant" | "asset" | "zone" | "conduit" | "window" | "change" | "person";
  id: number;
  label: string;
}

export interface ChecklistEntry {
  code: string;
  ticked: boolean;
  note: string;
  by: string;
  at: string;
  details: Record<string, unknown> | null;
}

export interface WaiverEntry {
  code: string;
  justification: string;
  by: string;
  at: string;
}

export interface WindowFact {
  id: number;
  title: string;
  kind: "scheduled_outage" | "blackout";
  status: "planned" | "confirmed" | "completed" | "cancelled";
  startsAt: string;
  endsAt: string;
}

export interface ConduitFacts {
  id: number;
  name: string;
  revision: number;
  zoneAKind: string;
  zoneBKind: string;
  distinctZones: boolean;
  purpose: string | null;
  controlType: string | null;
  monitored: boolean;
  monitoringPoint: string | null;
  flowCount: number;
  designOwner: string | null;
  monitoringOwner: string | null;
  /** The two owners' parts against the current revision and current owners. */
  parts: PartState[];
  /** The cutover change of the current revision: when it was done (null: not yet) and its window. */
  cutover: { changeId: number; doneAt: string | null; windowId: number | null; plannedStart: string | null } | null;
  observations: Observation[];
  baselineAccepted: boolean;
  /** Alerts wired on the current revision. */
  alertsWiredAt: string | null;
  rules: { name: string; class: "unusual" | "wrong"; reviewedByEngineer: boolean }[];
}

export interface PlantState {
  code: string;
  timeZone: string;
  passes: { phase: string; passedAt: string; by: string }[];
  assets: {
    total: number;
    /** Assets missing kind, vendor/model or criticality (the first few, and how many). */
    incomplete: { count: number; examples: ObjectRef[] };
    staged: { count: number; examples: ObjectRef[] };
    unplaced: { count: number; examples: ObjectRef[] };
    activeScans: { id: number; name: string; discoveredAt: string }[];
  };
  /** Active-scan changes carried out, with when. */
  activeScanChanges: { id: number; title: string; doneAt: string }[];
  zones: { id: number; name: string; kind: string; slTarget: number | null }[];
  conduits: ConduitFacts[];
  split: { written: boolean; parts: PartState[] };
  checklist: ChecklistEntry[];
  waivers: WaiverEntry[];
  windows: WindowFact[];
  /** What the design rules read: zones with their levels, conduits with their endpoints and flows. */
  design: DesignFacts;
}

export interface CriterionResult {
  code: string;
  title: string;
  checklist: boolean;
  met: boolean;
  waived: WaiverEntry | null;
  /** Why it is not met, or what holds when it is. */
  message: string;
  objects: ObjectRef[];
  tick: ChecklistEntry | null;
}

export type GateStatus = "passed" | "ready" | "blocked";

export interface GateResult {
  phase: Phase;
  status: GateStatus;
  passedAt: string | null;
  passedBy: string | null;
  criteria: CriterionResult[];
}

export const CONDUIT_STATES = [
  "draft",
  "defined",
  "signed",
  "cut_over",
  "baselining",
  "mature",
  "alert_wired",
] as const;
export type ConduitState = (typeof CONDUIT_STATES)[number];

export interface ConduitReadiness {
  id: number;
  name: string;
  state: ConduitState;
  monitored: boolean;
  baseline: Baseline;
  /** Why alerts may not be wired yet, or null when they may. */
  alertBlock: string | null;
  /** The design review's findings bearing on this conduit. */
  findings: DesignFinding[];
}

export interface PlantReadiness {
  code: string;
  phase: PlantPhase;
  at: string;
  gates: GateResult[];
  conduits: ConduitReadiness[];
  /** The earliest plant-local day alerting can be live, or null when it cannot be forecast. */
  forecastLive: string | null;
  forecastReason: string | null;
  /** Every finding of the design review of the plant's zones and conduits. */
  design: DesignFinding[];
}

/**
 * A conduit is a draft while its definition lacks something: a gap, or a flow or the boundary's monitoring, which
 * the design review says. Other findings do not move a conduit back along its track; they block CON-COMPLETE.
 */
function conduitState(c: ConduitFacts, baseline: Baseline, findings: readonly DesignFinding[]): ConduitState {
  if (conduitGaps(c).length > 0 || findings.some(isIncompleteDefinition)) return "draft";
  if (c.parts.some((p) => p.status !== "signed")) return "defined";
  if (!c.cutover?.doneAt) return "signed";
  if (!c.monitored || baseline.status === "none") return "cut_over";
  if (!alertWiringAllowed(baseline)) return "baselining";
  return c.alertsWiredAt ? "alert_wired" : "mature";
}

/** The plant's forecast alerting-live day: every monitored conduit mature, counting cutovers still to come. */
function forecast(
  state: PlantState,
  baselines: Map<number, Baseline>,
  at: string
): { day: string | null; reason: string | null } {
  const monitored = state.conduits.filter((c) => c.monitored);
  if (monitored.length === 0) return { day: null, reason: "No monitored conduit is defined yet." };
  const today = localDay(at, state.timeZone);
  const nextWindows = state.windows
    .filter((w) => w.kind === "scheduled_outage" && w.status === "confirmed" && w.endsAt > at)
    .sort((a, b) => (a.startsAt < b.startsAt ? -1 : 1));
  let latest = today;
  for (const c of monitored) {
    const baseline = baselines.get(c.id)!;
    if (baseline.status === "stalled") {
      return { day: null, reason: `The baseline of “${c.name}” is stalled and needs acceptance by both owners.` };
    }
    let day: string | null;
    if (c.cutover?.doneAt) day = baseline.matureOn ?? baseline.earliestMaturity;
    else {
      // Not cut over yet: the cutover's own window if it has one, else the plant's next confirmed window.
      const window = nextWindows.find((w) => w.id === c.cutover?.windowId) ?? nextWindows[0];
      if (!window)
        return {
          day: null,
          reason: `“${c.name}” still needs a cutover and the plant has no confirmed outage window ahead.`,
        };
      const epochStart = addDays(localDay(window.endsAt, state.timeZone), 1);
      day = addDays(epochStart, 29);
    }
    if (!day) return { day: null, reason: `The baseline of “${c.name}” cannot be forecast.` };
    if (day > latest) latest = day;
  }
  return { day: latest, reason: null };
}

export function computeReadiness(state: PlantState, at: string, settings: BaselineSettings): PlantReadiness {
  const baselines = new Map(
    state.conduits.map((c) => [
      c.id,
      computeBaseline(
        {
          monitored: c.monitored,
          cutoverCompletedAt: c.cutover?.doneAt ?? null,
          timeZone: state.timeZone,
          observations: c.observations,
          accepted: c.baselineAccepted,
        },
        at,
        settings
      ),
    ])
  );
  const design = reviewDesign(state.design, { maxPortRange: settings.maxPortRange });
  const passes = new Map(state.passes.filter((p) => p.passedAt <= at).map((p) => [p.phase, p]));
  const gates: GateResult[] = PHASES.map((phase) => {
    const criteria = CRITERIA[phase].map(({ code, title, checklist }): CriterionResult => {
      const tick = checklist ? latestTick(state.checklist, code) : null;
      const judged = checklist ? checklistJudgement(code, tick) : judge(code, state, baselines, settings, design);
      const waiver = isWaivable(code) ? state.waivers.find((w) => w.code === code) ?? null : null;
      return {
        code,
        title,
        checklist: Boolean(checklist),
        met: judged.met,
        waived: judged.met ? null : waiver,
        message: judged.message,
        objects: judged.objects ?? [],
        tick,
      };
    });
    const pass = passes.get(phase);
    const status: GateStatus = pass ? "passed" : criteria.every((c) => c.met || c.waived) ? "ready" : "blocked";
    return { phase, status, passedAt: pass?.passedAt ?? null, passedBy: pass?.by ?? null, criteria };
  });
  const phase = currentPhase(passes.keys());
  const conduits = state.conduits.map((c): ConduitReadiness => {
    const baseline = baselines.get(c.id)!;
    const findings = findingsOfConduit(design, c.id);
    return {
      id: c.id,
      name: c.name,
      state: conduitState(c, baseline, findings),
      monitored: c.monitored,
      baseline,
      alertBlock: c.monitored
        ? alertBlockReason(baseline, c.name, settings)
        : `“${c.name}” is not monitored, so there is nothing to alert on.`,
      findings,
    };
  });
  const livePass = state.passes.find((p) => p.phase === "alerting");
  const live =
    phase === "complete" && livePass
      ? { day: localDay(livePass.passedAt, state.timeZone), reason: null }
      : forecast(state, baselines, at);
  return {
    code: state.code,
    phase,
    at,
    gates,
    conduits,
    forecastLive: live.day,
    forecastReason: live.reason,
    design,
  };
}

/** Unmet criteria (not waived) that stand between the plant and passing its current gate. */
export function blockers(readiness: PlantReadiness): CriterionResult[] {
  const gate = readiness.gates.find((g) => g.phase === readiness.phase);
  return gate ? gate.criteria.filter((c) => !c.met && !c.waived) : [];
}

/** The documented JSON shape of a plant's readiness (docs/api.md), shared by the API and the command line. */
export function readinessDocument(r: PlantReadiness) {
  return {
    code: r.code,
    phase: r.phase,
    forecastLive: r.forecastLive,
    forecastReason: r.forecastReason,
    gates: r.gates.map((g) => ({
      phase: g.phase,
      status: g.status,
      passedAt: g.passedAt,
      passedBy: g.passedBy,
      criteria: g.criteria.map((c) => ({
        code: c.code,
        met: c.met,
        waived: c.waived ? { by: c.waived.by, at: c.waived.at, justification: c.waived.justification } : null,
        message: c.message,
        objects: c.objects,
      })),
    })),
    conduits: r.conduits.map((c) => ({
      id: c.id,
      name: c.name,
      state: c.state,
      monitored: c.monitored,
      alertBlock: c.alertBlock,
      baseline: {
        status: c.baseline.status,
        epochStart: c.baseline.epochStart,
        countedDays: c.baseline.countedDays,
        converged: c.baseline.converged,
        daysSinceNovelty: c.baseline.daysSinceNovelty,
        matureOn: c.baseline.matureOn,
        earliestMaturity: c.baseline.earliestMaturity,
        gaps: c.baseline.gaps,
      },
      findings: c.findings,
    })),
    /** The design's findings on zones and addresses rather than on one conduit. */
    designFindings: plantFindings(r.design),
  };
}
