import {
  alertWiringAllowed,
  computeBaseline,
  countedDaysText,
  type Baseline,
  type BaselineSettings,
  type Observation,
} from "./baseline";
import { addDays, localDay } from "./calendar";
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
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

function latestTick(checklist: ChecklistEntry[], code: string): ChecklistEntry | null {
  return checklist.filter((entry) => entry.code === code).at(-1) ?? null;
}

/** Work on the network may only happen inside a confirmed (or since completed) scheduled outage. */
function insideUsableWindow(instant: string, windows: WindowFact[]): WindowFact | null {
  return (
    windows.find(
      (w) =>
        w.kind === "scheduled_outage" &&
        (w.status === "confirmed" || w.status === "completed") &&
        w.startsAt <= instant &&
        instant <= w.endsAt
    ) ?? null
  );
}

function touchesCorporate(conduit: ConduitFacts): boolean {
  return (conduit.zoneAKind === "corporate") !== (conduit.zoneBKind === "corporate");
}

function conduitGaps(conduit: ConduitFacts): string[] {
  const missing: string[] = [];
  if (!conduit.name.trim()) missing.push("a name");
  if (!conduit.distinctZones) missing.push("two distinct endpoint zones");
  if (!conduit.purpose) missing.push("a purpose");
  if (!conduit.controlType) missing.push("a control type");
  if (conduit.flowCount === 0) missing.push("an allowed flow");
  if (!conduit.monitoringPoint) missing.push("a monitoring point");
  if (touchesCorporate(conduit) && !conduit.monitored) missing.push("monitoring (it reaches the corporate zone)");
  return missing;
}

type Judged = { met: boolean; message: string; objects?: ObjectRef[] };

function judge(code: string, state: PlantState, baselines: Map<number, Baseline>, settings: BaselineSettings): Judged {
  const conduitRef = (c: ConduitFacts): ObjectRef => ({ type: "conduit", id: c.id, label: c.name });
  const monitored = state.conduits.filter((c) => c.monitored);
  switch (code) {
    case "INV-ASSETS": {
      if (state.assets.total === 0)
        return {
          met: false,
          message: "No asset is inventoried yet.",
          objects: [{ type: "plant", id: 0, label: state.code }],
        };
      const { count, examples } = state.assets.incomplete;
      return count === 0
        ? { met: true, message: `All ${plural(state.assets.total, "asset")} have kind, vendor/model and criticality.` }
        : {
            met: false,
            message: `${plural(count, "asset")} lack kind, vendor/model or criticality.`,
            objects: examples,
          };
    }
    case "INV-PASSIVE": {
      const scans = state.assets.activeScans.filter((a) => !insideUsableWindow(a.discoveredAt, state.windows));
      const changes = state.activeScanChanges.filter((c) => !insideUsableWindow(c.doneAt, state.windows));
      if (scans.length === 0 && changes.length === 0)
        return { met: true, message: "Nothing was probed actively outside an outage window." };
      const parts = [];
      if (scans.length)
        parts.push(
          `${plural(scans.length, "asset was", "assets were")} discovered by an active scan outside any outage window`
        );
      if (changes.length)
        parts.push(`${plural(changes.length, "active scan was", "active scans were")} run outside any outage window`);
      return {
        met: false,
        message: `${parts.join("; ")}.`,
        objects: [
          ...scans.slice(0, 5).map((a): ObjectRef => ({ type: "asset", id: a.id, label: a.name })),
          ...changes.slice(0, 5).map((c): ObjectRef => ({ type: "change", id: c.id, label: c.title })),
        ],
      };
    }
    case "INV-STAGED": {
      const { count, examples } = state.assets.staged;
      return count === 0
        ? { met: true, message: "Every asset has been reviewed by an engineer." }
        : {
            met: false,
            message: `${plural(
              count,
              "asset is",
              "assets are"
            )} still staged: seen in traffic or imported, never reviewed.`,
            objects: examples,
          };
    }
    case "OWN-SPLIT": {
      if (!state.split.written)
        return {
          met: false,
          message: "No ownership split is written for this plant yet.",
          objects: [{ type: "plant", id: 0, label: state.code }],
        };
      const unsigned = state.split.parts.filter((p) => p.status !== "signed");
      return unsigned.length === 0
        ? { met: true, message: "Signed by plant engineering and by corporate security." }
        : {
            met: false,
            message: unsigned.map((p) => p.reason).join(" "),
            objects: [{ type: "plant", id: 0, label: state.code }],
          };
    }
    case "ZON-STANDARD": {
      const needed = [
        ["process_control", "process-control"],
        ["supervisory", "supervisory"],
        ["engineering_workstation", "engineering-workstation"],
      ] as const;
      const missing = needed.filter(([kind]) => !state.zones.some((z) => z.kind === kind)).map(([, label]) => label);
      return missing.length === 0
        ? { met: true, message: "Process-control, supervisory and engineering-workstation sub-zones exist." }
        : {
            met: false,
            message: `The plant has no ${missing.join(", no ")} sub-zone.`,
            objects: [{ type: "plant", id: 0, label: state.code }],
          };
    }
    case "ZON-PLACED": {
      const { count, examples } = state.assets.unplaced;
      if (state.assets.total === 0) return { met: false, message: "No asset is inventoried yet." };
      return count === 0
        ? { met: true, message: `All ${plural(state.assets.total, "asset")} sit in a zone.` }
        : {
            met: false,
            message: `${plural(count, "asset is", "assets are")} not placed in any zone.`,
            objects: examples,
          };
    }
    case "ZON-SLT": {
      if (state.zones.length === 0) return { met: false, message: "No zone is defined yet." };
      const without = state.zones.filter((z) => z.slTarget === null);
      return without.length === 0
        ? { met: true, message: `All ${plural(state.zones.length, "zone")} have an SL-T.` }
        : {
            met: false,
            message: `${plural(without.length, "zone has", "zones have")} no target security level: ${without
              .map((z) => z.name)
              .join(", ")}.`,
            objects: without.map((z) => ({ type: "zone", id: z.id, label: z.name })),
          };
    }
    case "CON-BOUNDARY": {
      const boundary = state.conduits.filter(touchesCorporate);
      return boundary.length > 0
        ? { met: true, message: `${plural(boundary.length, "conduit reaches", "conduits reach")} the corporate zone.` }
        : {
            met: false,
            message: "No conduit joins the plant to the corporate zone.",
            objects: [{ type: "plant", id: 0, label: state.code }],
          };
    }
    case "CON-COMPLETE": {
      if (state.conduits.length === 0) return { met: false, message: "No conduit is defined yet." };
      const incomplete = state.conduits.map((c) => [c, conduitGaps(c)] as const).filter(([, gaps]) => gaps.length > 0);
      return incomplete.length === 0
        ? { met: true, message: `All ${plural(state.conduits.length, "conduit")} are fully defined.` }
        : {
            met: false,
            message: incomplete.map(([c, gaps]) => `“${c.name}” lacks ${gaps.join(", ")}.`).join(" "),
            objects: incomplete.map(([c]) => conduitRef(c)),
          };
    }
    case "CON-OWNERS": {
      if (state.conduits.length === 0) return { met: false, message: "No conduit is defined yet." };
      const open = state.conduits.filter((c) => c.parts.some((p) => p.status !== "signed"));
      return open.length === 0
        ? { met: true, message: "Both owners signed every conduit's current revision." }
        : {
            met: false,
            message: open
              .map(
                (c) =>
                  `“${c.name}” (revision ${c.revision}): ${c.parts
                    .filter((p) => p.status !== "signed")
                    .map((p) => p.reason)
                    .join(" ")}`
              )
              .join(" "),
            objects: open.map(conduitRef),
          };
    }
    case "CON-CUTOVER": {
      if (state.conduits.length === 0) return { met: false, message: "No conduit is defined yet." };
      const problems: [ConduitFacts, string][] = [];
      for (const c of state.conduits) {
        if (!c.cutover) problems.push([c, `“${c.name}” has no cutover scheduled for revision ${c.revision}.`]);
        else if (!c.cutover.doneAt) problems.push([c, `The cutover of “${c.name}” is not completed yet.`]);
        else if (!insideUsableWindow(c.cutover.doneAt, state.windows)) {
          problems.push([c, `The cutover of “${c.name}” was carried out outside any outage window of the plant.`]);
        }
      }
      return problems.length === 0
        ? { met: true, message: "Every conduit's cutover was completed inside an outage window." }
        : { met: false, message: problems.map(([, m]) => m).join(" "), objects: problems.map(([c]) => conduitRef(c)) };
    }
    case "BAS-MATURE": {
      if (monitored.length === 0) return { met: false, message: "No conduit is monitored, so no baseline can mature." };
      const notYet = monitored.filter((c) => !alertWiringAllowed(baselines.get(c.id)!));
      return notYet.length === 0
        ? {
            met: true,
            message: `All ${plural(monitored.length, "monitored conduit")} have a mature or accepted baseline.`,
          }
        : {
            met: false,
            message: notYet.map((c) => baselineSentence(c.name, baselines.get(c.id)!, settings)).join(" "),
            objects: notYet.map(conduitRef),
          };
    }
    case "ALR-WIRED": {
      if (monitored.length === 0) return { met: false, message: "No conduit is monitored." };
      const unwired = monitored.filter((c) => !c.alertsWiredAt);
      return unwired.length === 0
        ? { met: true, message: "Alerts are wired on every monitored conduit." }
        : {
            met: false,
            message: `Alerts are not wired on ${unwired.map((c) => `“${c.name}”`).join(", ")}.`,
            objects: unwired.map(conduitRef),
          };
    }
    case "ALR-RULES": {
      const wired = state.conduits.filter((c) => c.alertsWiredAt);
      if (wired.length === 0) return { met: false, message: "No conduit has its alerts wired yet." };
      const problems: [ConduitFacts, string][] = [];
      for (const c of wired) {
        if (c.rules.length === 0) problems.push([c, `“${c.name}” has no detection rules.`]);
        else {
          const unreviewed = c.rules.filter((r) => !r.reviewedByEngineer);
          if (unreviewed.length)
            problems.push([c, `${plural(unreviewed.length, "rule")} on “${c.name}” not reviewed by a plant engineer.`]);
        }
      }
      return problems.length === 0
        ? { met: true, message: "Every wired conduit has detection rules reviewed by a plant engineer." }
        : { met: false, message: problems.map(([, m]) => m).join(" "), objects: problems.map(([c]) => conduitRef(c)) };
    }
    default:
      throw new Error(`Unknown criterion ${code}`);
  }
}

function baselineSentence(name: string, baseline: Baseline, settings: BaselineSettings): string {
  switch (baseline.status) {
    case "none":
      return `“${name}” has no baseline yet: ${(baseline.reason ?? "nothing observed.").replace(/^./, (c) =>
        c.toLowerCase()
      )}`;
    case "collecting":
      return `“${name}” is collecting: ${countedDaysText(baseline, settings)}${
        baseline.converged ? "" : `, not converged (no new flow for ${settings.convergenceDays} days yet)`
      }${baseline.earliestMaturity ? `; mature on ${baseline.earliestMaturity} at the earliest` : ""}.`;
    case "stalled":
      return `“${name}” is ${countedDaysText(baseline, settings)}; both owners must accept it.`;
    default:
      return `“${name}” is ${baseline.status}.`;
  }
}

function checklistJudgement(code: string, tick: ChecklistEntry | null): Judged {
  if (!tick || !tick.ticked) {
    const what: Record<string, string> = {
      "INV-REVIEW": "Plant engineering has not ticked the inventory review yet.",
      "ZON-REVIEW": "Plant engineering has not ticked the zone design review yet.",
      "BAS-PIPELINE": "The OT SIEM pipeline and its retention are not recorded yet.",
    };
    return { met: false, message: what[code] ?? "Not ticked yet." };
  }
  return { met: true, message: `Ticked by ${tick.by} on ${tick.at.slice(0, 10)}: ${tick.note}` };
}

function alertBlockReason(baseline: Baseline, name: string, settings: BaselineSettings): string | null {
  if (alertWiringAllowed(baseline)) return null;
  return `Alerts cannot be wired on “${name}” until its baseline is mature or jointly accepted. ${baselineSentence(
    name,
    baseline,
    settings
  )}`;
}

function conduitState(c: ConduitFacts, baseline: Baseline): ConduitState {
  if (conduitGaps(c).length > 0) return "draft";
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
  const passes = new Map(state.passes.filter((p) => p.passedAt <= at).map((p) => [p.phase, p]));
  const gates: GateResult[] = PHASES.map((phase) => {
    const criteria = CRITERIA[phase].map(({ code, title, checklist }): CriterionResult => {
      const tick = checklist ? latestTick(state.checklist, code) : null;
      const judged = checklist ? checklistJudgement(code, tick) : judge(code, state, baselines, settings);
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
    return {
      id: c.id,
      name: c.name,
      state: conduitState(c, baseline),
      monitored: c.monitored,
      baseline,
      alertBlock: c.monitored
        ? alertBlockReason(baseline, c.name, settings)
        : `“${c.name}” is not monitored, so there is nothing to alert on.`,
    };
  });
  const livePass = state.passes.find((p) => p.phase === "alerting");
  const live =
    phase === "complete" && livePass
      ? { day: localDay(livePass.passedAt, state.timeZone), reason: null }
      : forecast(state, baselines, at);
  return { code: state.code, phase, at, gates, conduits, forecastLive: live.day, forecastReason: live.reason };
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
    })),
  };
}
