import type { NewPlant } from "../schema";
import { PHASES, type Phase } from "../../app/domain/vocabulary";
import type { SignoffPart } from "../../app/domain/signoffs";
import { PLANT_SITES, type PlantSite } from "./catalog";
import { planOperations, type PlantOperations, type PlantStory } from "./operations";
import { createRandom, type Random } from "./random";
import { clamp, DAY_MS, iso, localDate, workTime } from "./util";
import { planWindows } from "./windows";
import { planConduits } from "./plan-conduits";
import {
  DEMO_SECURITY_EMAIL,
  PLANT_PLANS,
  PLANT_ENGINEERS,
  PROGRAM_PEOPLE,
  ROVING_ENGINEERS,
  PHASE_DAYS,
  engineerEmail,
  SECURITY_EMAILS,
  LEAD_EMAILS,
  engineersOf,
  type PlantPlan,
  type PersonSpec,
  type PlannedConduit,
  type PlannedPlant,
  type PlannedProgram,
  type Timeline,
  type PlantContext,
} from "./plan-model";
import { planOwnershipSplit, planGatePasses } from "./plan-signoffs";
import { planZones, planAssets, placeAssets } from "./plan-zones";

// Planning: the whole program is built in memory first, plant by plant, from one seed and one `now`.

export function planProgram(seed: number, now: Date): PlannedProgram {
  const rng = createRandom(seed);
  // Whole seconds keep every stored instant in one shape ("…:05.000Z") whatever the caller's clock says.
  const nowMs = Math.floor(now.getTime() / 1000) * 1000;
  const macs = new Set<string>();

  const plants = PLANT_SITES.map((site, index) => {
    const plan = PLANT_PLANS[site.code];
    if (!plan) throw new Error(`No demo plan for plant ${site.code}.`);
    return planPlant(rng.fork(site.code), site, plan, index, nowMs, macs);
  });

  const people = planPeople();
  const peopleCreatedAt = new Map<string, string>();
  const peopleRng = rng.fork("people");
  const programStartMs = Math.min(...plants.map((p) => p.createdMs));
  const plantCreated = new Map(plants.map((p) => [p.row.code, p.createdMs]));
  for (const person of people) {
    const assigned = person.plants.map((code) => plantCreated.get(code) ?? programStartMs);
    const createdMs =
      assigned.length > 0
        ? Math.min(...assigned) + peopleRng.int(0, 3) * DAY_MS
        : programStartMs - peopleRng.int(3, 15) * DAY_MS;
    peopleCreatedAt.set(person.email, iso(Math.min(createdMs, nowMs - 60_000)));
  }

  return { seed, now: iso(nowMs), plants, people, peopleCreatedAt };
}

function planPeople(): PersonSpec[] {
  const engineers = PLANT_SITES.map((site): PersonSpec => {
    const engineer = PLANT_ENGINEERS[site.code];
    if (!engineer) throw new Error(`No demo engineer for plant ${site.code}.`);
    return { email: engineerEmail(site.code), role: "plant_engineer", plants: [site.code], ...engineer };
  });
  return [...PROGRAM_PEOPLE, ...engineers, ...ROVING_ENGINEERS];
}

function planPlant(
  rng: Random,
  site: PlantSite,
  plan: PlantPlan,
  index: number,
  nowMs: number,
  macs: Set<string>
): PlannedPlant {
  const timeline = planTimeline(rng, site, plan, nowMs);
  const ctx: PlantContext = {
    rng,
    site,
    plan,
    totalAssets: clamp(Math.round(site.assets * (0.93 + rng.next() * 0.14)), 320, 2950),
    nowMs,
    nowYear: new Date(nowMs).getUTCFullYear(),
    latestMs: nowMs - 60_000,
    timeline,
    macs,
  };

  const zones = planZones(ctx, index);
  const assets = planAssets(ctx, zones);
  placeAssets(ctx, zones, assets);
  const engineers = engineersOf(site.code);
  const windows = planWindows({
    rng: rng.fork("windows"),
    code: site.code,
    timeZone: site.timeZone,
    createdMs: timeline.createdMs,
    nowMs,
    latestMs: ctx.latestMs,
    passMs: timeline.passMs,
    phaseIndex: timeline.phaseIndex,
    engineers,
    leads: LEAD_EMAILS,
    avoid: assets.filter((a) => a.row.discovery_source === "active_scan").map((a) => Date.parse(a.row.discovered_at)),
  });
  const { conduits, cutovers } = planConduits(ctx, zones, assets, windows);
  const retentionDays = rng.pick([365, 400, 730]);
  const gatePasses = planGatePasses(ctx, zones, assets, conduits, { windows, cutovers, retentionDays });
  const ownership = planOwnershipSplit(ctx);
  const operations = planOperations({
    rng: rng.fork("operations"),
    code: site.code,
    timeZone: site.timeZone,
    phaseIndex: timeline.phaseIndex,
    passMs: timeline.passMs,
    kickoffMs: timeline.kickoffMs,
    nowMs,
    latestMs: ctx.latestMs,
    engineers,
    leads: LEAD_EMAILS,
    security: SECURITY_EMAILS,
    windows,
    conduits: conduits.map((c) => ({
      name: c.row.name,
      monitored: c.row.monitored === 1,
      revision: c.row.revision,
      flowCount: c.flows.length,
      designOwner: c.designOwner,
      monitoringOwner: c.monitoringOwner,
      signedMs: signedAt(c),
      reachesCorporate: c.zoneA === "corporate" || c.zoneB === "corporate",
    })),
    changes: cutovers,
    assets,
    zoneCount: zones.filter((z) => z.inserted).length,
    inventoried: assets.filter((a) => a.row.discovery_source !== "zeek_ingest").length,
    retentionDays,
    story: plan.story ?? {},
  });

  assignDemoSecurity(conduits, waitingSecurityWork(conduits, operations, plan.story ?? {}, timeline.phaseIndex));

  const row: NewPlant = {
    code: site.code,
    name: site.name,
    time_zone: site.timeZone,
    region: site.region,
    site: `${site.city}, ${site.state}`,
    target_inventory: timeline.targets[0] ?? null,
    target_zoning: timeline.targets[1] ?? null,
    target_conduits: timeline.targets[2] ?? null,
    target_baseline: timeline.targets[3] ?? null,
    target_alerting: timeline.targets[4] ?? null,
    created_at: iso(timeline.createdMs),
    ownership_split: ownership.text,
    ownership_split_revision: ownership.revision,
  };
  return { row, ownership, zones, assets, conduits, gatePasses, operations, createdMs: timeline.createdMs };
}
/**
 * The conduits where corporate security's work waits: the stalled baseline awaiting both owners' acceptance, and in an
 * alerting plant the mature baselines whose alerts are not wired yet.
 */
function waitingSecurityWork(
  conduits: readonly PlannedConduit[],
  operations: PlantOperations,
  story: PlantStory,
  phaseIndex: number
): number[] {
  const stalled = conduits.findIndex((c) => c.row.name === story.stalled);
  const wired = new Set(operations.wirings.map((w) => w.conduit));
  const unwired =
    phaseIndex >= PHASES.indexOf("alerting")
      ? conduits.flatMap((c, i) => (c.row.monitored === 1 && !wired.has(i) ? [i] : []))
      : [];
  return [...(stalled >= 0 ? [stalled] : []), ...unwired];
}

/**
 * The demo's corporate security account (the one people sign in with to try the role) owns monitoring & incident
 * response where that work waits, so it can do its headline job on the demo: its name replaces the owner drawn at
 * random, on the conduit and on the monitoring signoffs given as owner (nothing else of the plan depends on who).
 */
function assignDemoSecurity(conduits: PlannedConduit[], indexes: readonly number[]): void {
  for (const index of indexes) {
    const conduit = conduits[index];
    if (!conduit?.monitoringOwner) continue;
    const drawn = conduit.monitoringOwner;
    conduit.monitoringOwner = DEMO_SECURITY_EMAIL;
    for (const signoff of conduit.signoffs) {
      if (signoff.part === "monitoring_incident_response" && signoff.person === drawn)
        signoff.person = DEMO_SECURITY_EMAIL;
    }
  }
}

/** When both assigned owners had signed the conduit's current revision, or null while a part is open. */
function signedAt(conduit: PlannedConduit): number | null {
  const { designOwner, monitoringOwner, row, signoffs } = conduit;
  if (designOwner === null || monitoringOwner === null) return null;
  const current = (part: SignoffPart, person: string) =>
    signoffs
      .filter((s) => s.part === part && s.person === person && s.revision === row.revision)
      .map((s) => s.signedMs);
  const design = current("design_change_control", designOwner);
  const monitoring = current("monitoring_incident_response", monitoringOwner);
  if (design.length === 0 || monitoring.length === 0) return null;
  return Math.max(Math.min(...design), Math.min(...monitoring));
}

function planTimeline(rng: Random, site: PlantSite, plan: PlantPlan, nowMs: number): Timeline {
  const phaseIndex = PHASES.indexOf(plan.phase);
  const duration = (phase: Phase) => rng.int(...PHASE_DAYS[phase]);

  // Walk back from the most recent gate pass; a plant behind schedule has been stuck for a while.
  const daysAgo: number[] = [];
  if (phaseIndex > 0) {
    let days = { behind: rng.int(70, 130), on_track: rng.int(20, 60), ahead: rng.int(8, 35) }[plan.schedule];
    daysAgo.unshift(days);
    for (let i = phaseIndex - 1; i > 0; i--) {
      days += duration(PHASES[i] as Phase);
      daysAgo.unshift(days);
    }
  }
  const kickoffDaysAgo =
    daysAgo.length > 0
      ? (daysAgo[0] as number) + duration("inventory")
      : { behind: rng.int(150, 210), on_track: rng.int(40, 80), ahead: rng.int(20, 40) }[plan.schedule];

  const latestMs = nowMs - 60_000;
  const passMs = daysAgo.map((days) => workTime(rng, nowMs - days * DAY_MS, site.timeZone, latestMs));
  const kickoffMs = workTime(rng, nowMs - kickoffDaysAgo * DAY_MS, site.timeZone, latestMs);
  const createdMs = kickoffMs - rng.int(5, 20) * DAY_MS;

  const targetMs: number[] = [];
  PHASES.forEach((phase, i) => {
    let target: number;
    const passed = passMs[i];
    const previous = targetMs[i - 1];
    if (passed !== undefined) {
      const drift = { ahead: rng.int(7, 30), on_track: rng.int(-6, 6), behind: -rng.int(10, 35) }[plan.schedule];
      target = passed + drift * DAY_MS;
    } else if (i === phaseIndex) {
      target =
        nowMs + { ahead: rng.int(50, 100), on_track: rng.int(14, 45), behind: -rng.int(5, 40) }[plan.schedule] * DAY_MS;
    } else {
      target = (previous ?? nowMs) + duration(phase) * DAY_MS;
    }
    if (previous !== undefined) target = Math.max(target, previous + 14 * DAY_MS);
    targetMs.push(target);
  });

  return {
    phaseIndex,
    kickoffMs,
    createdMs,
    passMs,
    targets: targetMs.map((ms) => localDate(ms, site.timeZone)),
  };
}
