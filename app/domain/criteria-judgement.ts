import { alertWiringAllowed, countedDaysText, type Baseline, type BaselineSettings } from "./baseline";
import { designErrors, type DesignFinding } from "./design-review";
import type { ChecklistEntry, ConduitFacts, ObjectRef, PlantState, WindowFact } from "./readiness";

// How each criterion of the gates is judged against a plant's state: met or not, a sentence saying why, and the
// objects at fault. `computeReadiness` (readiness.ts) walks the gates and calls these.

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

export function latestTick(checklist: ChecklistEntry[], code: string): ChecklistEntry | null {
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

/**
 * What a conduit's definition lacks beyond the design rules: allowed flows, and the monitoring of a conduit that
 * reaches the corporate zone, are the design review's (DES-NO-FLOW, DES-BOUNDARY-UNMONITORED), said once there.
 */
export function conduitGaps(conduit: ConduitFacts): string[] {
  const missing: string[] = [];
  if (!conduit.name.trim()) missing.push("a name");
  if (!conduit.distinctZones) missing.push("two distinct endpoint zones");
  if (!conduit.purpose) missing.push("a purpose");
  if (!conduit.controlType) missing.push("a control type");
  if (!conduit.monitoringPoint && !touchesCorporate(conduit)) missing.push("a monitoring point");
  return missing;
}

export type Judged = { met: boolean; message: string; objects?: ObjectRef[] };

export function judge(
  code: string,
  state: PlantState,
  baselines: Map<number, Baseline>,
  settings: BaselineSettings,
  design: readonly DesignFinding[] = []
): Judged {
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
      const errors = designErrors(design);
      if (incomplete.length === 0 && errors.length === 0)
        return { met: true, message: `All ${plural(state.conduits.length, "conduit")} are fully defined.` };
      const objects = new Map<string, ObjectRef>();
      for (const ref of [...incomplete.map(([c]) => conduitRef(c)), ...errors.flatMap((f) => f.objects)])
        if (!objects.has(`${ref.type}:${ref.id}`)) objects.set(`${ref.type}:${ref.id}`, ref);
      return {
        met: false,
        message: [
          ...incomplete.map(([c, gaps]) => `“${c.name}” lacks ${gaps.join(", ")}.`),
          ...errors.map((f) => `${f.code}: ${f.message}`),
        ].join(" "),
        objects: [...objects.values()],
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

export function checklistJudgement(code: string, tick: ChecklistEntry | null): Judged {
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

export function alertBlockReason(baseline: Baseline, name: string, settings: BaselineSettings): string | null {
  if (alertWiringAllowed(baseline)) return null;
  return `Alerts cannot be wired on “${name}” until its baseline is mature or jointly accepted. ${baselineSentence(
    name,
    baseline,
    settings
  )}`;
}
