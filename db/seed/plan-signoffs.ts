import { DateTime } from "luxon";
import { PHASES, type Phase } from "../../app/domain/vocabulary";
import { DEFAULT_OWNERSHIP_SPLIT, type SignoffPart } from "../../app/domain/signoffs";
import type { PlannedChange } from "./operations";
import type { Random } from "./random";
import { between, DAY_MS, formatCount, iso } from "./util";
import type { PlannedWindow } from "./windows";
import {
  ROVING_ENGINEERS,
  engineerEmail,
  MONTHS,
  SECURITY_EMAILS,
  LEAD_EMAILS,
  engineersOf,
  type ZonePlan,
  type PlannedAsset,
  type PlannedConduit,
  type PlannedSignoff,
  type OwnershipPlan,
  type PlannedGatePass,
  type PlantContext,
} from "./plan-model";

// Signatures on the ownership split and the conduits, and the gate passes.

const SIGNOFF_NOTES: Readonly<Record<SignoffPart, readonly string[]>> = {
  design_change_control: [
    "Matches the firewall change request.",
    "Reviewed with the controls contractor.",
    "Rule set walked through with production on the floor.",
  ],
  monitoring_incident_response: [
    "SPAN verified on the sensor.",
    "Alert routing confirmed with the SOC.",
    "Sensor coverage checked against the allowed flows.",
  ],
};

/** Conduits are designed by the plant's own engineer, sometimes by the regional engineer covering the plant. */
export function designOwnerFor(ctx: PlantContext): string {
  const roving = ROVING_ENGINEERS.filter((p) => p.plants.includes(ctx.site.code)).map((p) => p.email);
  return roving.length > 0 && ctx.rng.chance(0.25) ? ctx.rng.pick(roving) : engineerEmail(ctx.site.code);
}

export function plannedSignoff(
  rng: Random,
  part: SignoffPart,
  person: string,
  revision: number,
  fromMs: number,
  toMs: number
): PlannedSignoff {
  return {
    part,
    person,
    revision,
    signedMs: between(rng, fromMs, Math.max(fromMs, toMs)),
    note: rng.chance(0.4) ? rng.pick(SIGNOFF_NOTES[part]) : null,
  };
}

/**
 * The plant's written ownership split (OWN-SPLIT): signed by both owners in every plant past inventory, and in
 * the inventory plants at the stage their plan says.
 */
export function planOwnershipSplit(ctx: PlantContext): OwnershipPlan {
  const { rng, site, timeline, plan, latestMs } = ctx;
  const stage = timeline.phaseIndex === 0 ? plan.inventory?.ownershipSplit ?? "none" : "signed";
  if (stage === "none") return { text: null, revision: 0, earlierTexts: new Map(), signoffs: [] };

  const end = timeline.passMs[0] !== undefined ? timeline.passMs[0] - DAY_MS : latestMs;
  const start = Math.min(timeline.kickoffMs + 7 * DAY_MS, end);
  const engineer = engineerEmail(site.code);
  const security = rng.pick(SECURITY_EMAILS);
  const signoffs: PlannedSignoff[] = [];
  const earlierTexts = new Map<number, string>();
  let text = DEFAULT_OWNERSHIP_SPLIT;
  let revision = 1;
  let from = start;
  // Some plants amended the split once; the first signatures stay in the history, stale.
  if (stage === "signed" && rng.chance(0.3)) {
    const middle = start + Math.floor((end - start) / 2);
    signoffs.push(plannedSignoff(rng, "design_change_control", engineer, 1, start, middle));
    signoffs.push(plannedSignoff(rng, "monitoring_incident_response", security, 1, start, middle));
    earlierTexts.set(1, text);
    text = `${text} At ${site.name}, conduit changes outside day shift also need the production manager's approval.`;
    revision = 2;
    from = Math.max(...signoffs.map((x) => x.signedMs)) + DAY_MS;
  }
  if (stage === "signed" || stage === "engineer_signed") {
    signoffs.push(plannedSignoff(rng, "design_change_control", engineer, revision, from, end));
  }
  if (stage === "signed")
    signoffs.push(plannedSignoff(rng, "monitoring_incident_response", security, revision, from, end));
  return { text, revision, earlierTexts, signoffs };
}

// ---------------------------------------------------------------------------------------------------------------
// Gate passes: one per passed phase, in order, by a program lead or an engineer of the plant.

export function planGatePasses(
  ctx: PlantContext,
  zones: ZonePlan[],
  assets: PlannedAsset[],
  conduits: PlannedConduit[],
  facts: { windows: readonly PlannedWindow[]; cutovers: readonly PlannedChange[]; retentionDays: number }
): PlannedGatePass[] {
  const { rng, site, timeline } = ctx;
  const engineers = engineersOf(site.code);
  // The months of the windows the conduits were cut over in before the gate.
  const months = [
    ...new Set(
      facts.cutovers
        .filter((c) => c.doneMs !== null && c.doneMs < (timeline.passMs[2] ?? 0))
        .sort((a, b) => (a.doneMs as number) - (b.doneMs as number))
        .map((c) => MONTHS[DateTime.fromMillis(c.doneMs as number, { zone: site.timeZone }).month - 1] as string)
    ),
  ];
  const monthList = months.length > 1 ? `${months.slice(0, -1).join(", ")} and ${months.at(-1)}` : months[0] ?? "";
  return timeline.passMs.map((ms, i) => {
    const phase = PHASES[i] as Phase;
    const passedBy = rng.chance(0.55) ? rng.pick(LEAD_EMAILS) : rng.pick(engineers);
    const inventoried = assets.filter((a) => a.row.discovery_source !== "zeek_ingest").length;
    const notes: Record<Phase, string> = {
      inventory: `${formatCount(inventoried)} assets confirmed with maintenance; staged hosts triaged to zero.`,
      zoning: `${zones.length} zones reviewed with production and corporate security; SL-T set on each.`,
      conduits: `${conduits.length} conduits cut over in the ${monthList} outage windows; both owners signed the current revisions.`,
      baseline: `Every monitored conduit mature; OT telemetry on its own SIEM pipeline with ${facts.retentionDays}-day retention.`,
      alerting: "Alert rules wired and reviewed on every monitored conduit.",
    };
    return {
      phase,
      passedAt: iso(ms),
      passedBy,
      note: rng.chance(0.8) ? notes[phase] : null,
    };
  });
}
