import { DateTime } from "luxon";
import type { Insertable, Kysely, Transaction } from "kysely";
import type {
  AlertWiringTable,
  ChecklistTickTable,
  Database,
  DetectionRuleTable,
  NetworkChangeTable,
  ObservationTable,
  WaiverTable,
  NewAsset,
  NewConduit,
  NewConduitFlow,
  NewGatePass,
  NewPerson,
  NewPlant,
  NewZone,
  NewZoneRange,
  SignoffTable,
} from "../schema";
import {
  PHASES,
  ROLES,
  type AssetKind,
  type ControlType,
  type Criticality,
  type DiscoverySource,
  type FlowDirection,
  type FlowProtocol,
  type Phase,
  type Role,
  type ZoneKind,
} from "../../app/domain/vocabulary";
import { formatAddress, parseAddress } from "../../app/domain/cidr";
import { DEFAULT_OWNERSHIP_SPLIT, type SignoffPart } from "../../app/domain/signoffs";
import { recordAudit } from "../../app/models/audit.server";
import { upsertObservations, type ObservationWrite } from "../../app/models/observations.server";
import { baselineAcceptanceHash } from "../../app/models/readiness.server";
import { conduitHash, ownershipSplitHash } from "../../app/models/signoffs.server";
import { systemActor } from "../../app/utils/actor";
import { ingestDemoCaptures } from "./captures";
import {
  CATALOG,
  INDUSTRIES,
  PLANT_SITES,
  type CatalogEntry,
  type PlantSite,
  type ProductionArea,
  type VendorFamily,
} from "./catalog";
import {
  cutoverMinutes,
  cutoverTitle,
  planOperations,
  placeChange,
  type PlannedChange,
  type PlantOperations,
  type PlantStory,
} from "./operations";
import { createRandom, type Random } from "./random";
import { between, byCodePoint, clamp, DAY_MS, formatCount, HOUR_MS, iso, localDate, workTime } from "./util";
import { fits, planWindows, usable, type PlannedWindow } from "./windows";

// The demo program: thirteen plants spread over the five phases, each with the inventory, zones, conduits and
// gate passes its phase implies, and the blockers a real plant in that phase would still have. Everything is
// dated relative to `now` so the demo never looks stale, and drawn from one seed so it is reproducible.

export const DEFAULT_SEED = 62443;

/** The criterion codes of each phase's exit gate (spec: "Gate criteria"), as a gate pass snapshots them. */
export const GATE_CRITERIA: Readonly<Record<Phase, readonly string[]>> = {
  inventory: ["INV-ASSETS", "INV-PASSIVE", "INV-STAGED", "INV-REVIEW", "OWN-SPLIT"],
  zoning: ["ZON-STANDARD", "ZON-PLACED", "ZON-SLT", "ZON-REVIEW"],
  conduits: ["CON-BOUNDARY", "CON-COMPLETE", "CON-OWNERS", "CON-CUTOVER"],
  baseline: ["BAS-MATURE", "BAS-PIPELINE"],
  alerting: ["ALR-WIRED", "ALR-RULES"],
};

export interface DemoAccount {
  email: string;
  name: string;
  role: Role;
  /** Codes of the plants the person is assigned to; empty for roles that see every plant. */
  plants: string[];
}

export interface SeedSummary {
  seed: number;
  /** The instant every demo date is relative to. */
  now: string;
  plants: number;
  zones: number;
  zoneRanges: number;
  conduits: number;
  flows: number;
  assets: number;
  people: number;
  plantAssignments: number;
  gatePasses: number;
  signoffs: number;
  /** Outage windows, blackouts included. */
  windows: number;
  /** Network changes: cutovers, sensor installs, firewall rule changes, active scans. */
  changes: number;
  /** Daily baseline observations. */
  observations: number;
  /** Checklist ticks and unticks. */
  ticks: number;
  waivers: number;
  /** Alert wirings of conduits. */
  wirings: number;
  /** Detection rules. */
  rules: number;
  accounts: DemoAccount[];
}

export interface SeedOptions {
  /** Same seed and same `now`, same rows, byte for byte. */
  seed?: number;
  /** Every demo date is relative to it; defaults to the current time. */
  now?: Date;
  /**
   * A password hash (from hashPassword) given to every demo account so people can sign in. Hashing is left to
   * the caller: scrypt with a random salt per account would cost a second and make the seed non-reproducible.
   */
  passwordHash?: string;
}

export async function seedDemoProgram(db: Kysely<Database>, options: SeedOptions = {}): Promise<SeedSummary> {
  const seed = options.seed ?? DEFAULT_SEED;
  const now = options.now ?? new Date();
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new Error(`The seed must be a non-negative integer, got ${seed}.`);
  }
  if (Number.isNaN(now.getTime())) throw new Error("The seed's reference time is not a valid date.");

  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("plant")
      .select((eb) => eb.fn.countAll<number>().as("plants"))
      .executeTakeFirstOrThrow();
    if (Number(existing.plants) > 0) {
      throw new Error(
        `The database already holds a program (${existing.plants} plants); the demo program is seeded only into an empty database.`
      );
    }
    return insertProgram(trx, planProgram(seed, now), options.passwordHash ?? null);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// What each plant's story is: its phase, how it stands against its targets, and what still blocks it.

type Schedule = "ahead" | "on_track" | "behind";

interface PlantPlan {
  phase: Phase;
  schedule: Schedule;
  /** Honest blockers of an inventory-phase plant (shares of its assets). */
  inventory?: {
    staged: number;
    incomplete: number;
    activeScans: number;
    draftZone: boolean;
    ownershipSplit: "none" | "written" | "engineer_signed";
  };
  /** Honest blockers of a zoning-phase plant. */
  zoning?: { unplaced: number; zoneWithoutTarget: "building" | "newest_line" | null; draftConduit: boolean };
  /** What keeps a conduits-phase plant from its gate. */
  conduitGap?: "unfinished_line_conduit" | "unmonitored_boundary" | "no_boundary";
  dmzIpv6?: string;
  /** What the plant's windows, baselines, checklist and alerting show beyond its phase. */
  story?: PlantStory;
}

const PLANT_PLANS: Readonly<Record<string, PlantPlan>> = {
  // Every alert wired and every rule reviewed: ready to pass its alerting gate.
  DAY: { phase: "alerting", schedule: "ahead", dmzIpv6: "fd3c:a41e:62:35::/64" },
  PEO: {
    phase: "alerting",
    schedule: "on_track",
    story: { unwired: 3, unreviewedRules: 2, zoningReviewReopened: true },
  },
  GRR: {
    phase: "baseline",
    schedule: "behind",
    story: { stalled: "Supervisory ↔ DMZ", accepted: "Engineering ↔ DMZ jump host" },
  },
  OGD: {
    phase: "baseline",
    schedule: "on_track",
    story: {
      revisedAfterPass: "Engineering ↔ Supervisory",
      sensorGap: "Supervisory ↔ Line 1",
      pipeline: true,
    },
  },
  KOK: {
    phase: "conduits",
    schedule: "behind",
    conduitGap: "unfinished_line_conduit",
    story: { cancelNextWindow: true },
  },
  FTW: { phase: "conduits", schedule: "on_track", conduitGap: "unmonitored_boundary" },
  CHD: { phase: "conduits", schedule: "ahead", conduitGap: "no_boundary" },
  GVL: {
    phase: "zoning",
    schedule: "behind",
    zoning: { unplaced: 0.035, zoneWithoutTarget: "building", draftConduit: false },
  },
  ALN: {
    phase: "zoning",
    schedule: "on_track",
    zoning: { unplaced: 0.012, zoneWithoutTarget: null, draftConduit: false },
    story: { waive: "ZON-REVIEW" },
  },
  EVR: {
    phase: "zoning",
    schedule: "ahead",
    zoning: { unplaced: 0, zoneWithoutTarget: "newest_line", draftConduit: true },
    story: { zoningReview: "ticked" },
  },
  HSV: {
    phase: "inventory",
    schedule: "on_track",
    inventory: { staged: 0.05, incomplete: 0.02, activeScans: 0, draftZone: true, ownershipSplit: "engineer_signed" },
    story: { inventoryReview: "reopened", scanInWindow: true },
  },
  GRY: {
    phase: "inventory",
    schedule: "behind",
    inventory: { staged: 0.08, incomplete: 0.04, activeScans: 3, draftZone: false, ownershipSplit: "written" },
    story: { inventoryReview: "ticked" },
  },
  FRE: {
    phase: "inventory",
    schedule: "on_track",
    inventory: { staged: 0.14, incomplete: 0.06, activeScans: 0, draftZone: false, ownershipSplit: "none" },
  },
};

/** Days a plant typically spends in each phase; baseline needs its 30 counted days plus slack. */
const PHASE_DAYS: Readonly<Record<Phase, readonly [number, number]>> = {
  inventory: [70, 120],
  zoning: [45, 90],
  conduits: [75, 130],
  baseline: [40, 75],
  alerting: [30, 60],
};

interface PersonSpec {
  email: string;
  name: string;
  role: Role;
  title: string;
  plants: string[];
}

const PROGRAM_PEOPLE: readonly PersonSpec[] = [
  {
    email: "lead@demo.test",
    name: "Dana Whitfield",
    role: "program_lead",
    title: "OT Segmentation Program Lead",
    plants: [],
  },
  {
    email: "marcus.oyelaran@demo.test",
    name: "Marcus Oyelaran",
    role: "program_lead",
    title: "OT Program Manager",
    plants: [],
  },
  { email: "exec@demo.test", name: "Patricia Hale", role: "executive", title: "VP Manufacturing", plants: [] },
  {
    email: "robert.chen@demo.test",
    name: "Robert Chen",
    role: "executive",
    title: "Chief Information Security Officer",
    plants: [],
  },
  {
    email: "security@demo.test",
    name: "Priya Raman",
    role: "corporate_security",
    title: "OT Security Analyst",
    plants: [],
  },
  {
    email: "kevin.alvarez@demo.test",
    name: "Kevin Alvarez",
    role: "corporate_security",
    title: "SOC Lead, Industrial",
    plants: [],
  },
  {
    email: "aisha.morgan@demo.test",
    name: "Aisha Morgan",
    role: "corporate_security",
    title: "Detection Engineer",
    plants: [],
  },
  { email: "admin@demo.test", name: "Sam Kowalski", role: "admin", title: "IT Systems Administrator", plants: [] },
];

const PLANT_ENGINEERS: Readonly<Record<string, { name: string; title: string }>> = {
  DAY: { name: "Greg Halloran", title: "Senior Controls Engineer" },
  PEO: { name: "Teresa Lindqvist", title: "Controls Engineering Lead" },
  GRR: { name: "Brian VanderMeer", title: "Controls Engineer" },
  OGD: { name: "Natalie Sorensen", title: "Process Control Engineer" },
  KOK: { name: "Darnell Hughes", title: "Automation Engineer" },
  FTW: { name: "Luis Cantu", title: "Controls Engineer" },
  CHD: { name: "Mei-Ling Park", title: "Manufacturing Systems Engineer" },
  GVL: { name: "Carter Beasley", title: "Senior Automation Engineer" },
  ALN: { name: "Joanna Kowalczyk", title: "Controls Engineer" },
  EVR: { name: "Ryan Takahashi", title: "Plant Network Engineer" },
  HSV: { name: "Tamika Rhodes", title: "Controls Engineer" },
  GRY: { name: "Eduardo Salinas", title: "Maintenance & Controls Supervisor" },
  FRE: { name: "Kelsey Duarte", title: "Automation Lead" },
};

/** Engineers who cover two plants, as regional engineers do. */
const ROVING_ENGINEERS: readonly PersonSpec[] = [
  {
    email: "jordan.miller@demo.test",
    name: "Jordan Miller",
    role: "plant_engineer",
    title: "Regional Controls Engineer, Mountain",
    plants: ["GRY", "OGD"],
  },
  {
    email: "leah.nguyen@demo.test",
    name: "Leah Nguyen",
    role: "plant_engineer",
    title: "Regional Controls Engineer, West",
    plants: ["FRE", "EVR"],
  },
  {
    email: "tom.brennan@demo.test",
    name: "Tom Brennan",
    role: "plant_engineer",
    title: "OT Network Engineer",
    plants: ["DAY", "KOK"],
  },
];

export function engineerEmail(plantCode: string): string {
  return `eng.${plantCode.toLowerCase()}@demo.test`;
}

// ---------------------------------------------------------------------------------------------------------------
// Planning: the whole program is built in memory first, with zones and people referred to by keys, so the
// insertion step only maps keys to ids.

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

interface ZonePlan {
  key: string;
  kind: ZoneKind;
  name: string;
  shortName: string;
  purdueLevel: number | null;
  slTarget: number | null;
  description: string;
  /** IPv4 block the zone's assets are addressed from: network address as an integer, and size. */
  base: number;
  size: number;
  extraCidrs: string[];
  namePrefix: string;
  line: LinePlan | null;
  /** The devices the zone holds, in address order. */
  slots: ZoneSlot[];
  inserted: boolean;
  createdMs: number;
}

interface LinePlan {
  number: number;
  area: ProductionArea;
  commissioned: number;
}

interface PlannedAsset {
  zoneKey: string;
  placed: boolean;
  family: VendorFamily | null;
  row: Omit<NewAsset, "plant_id" | "zone_id">;
}

interface FlowSpec {
  protocol: FlowProtocol;
  port: number | null;
  direction: FlowDirection;
  description: string;
}

interface PlannedConduit {
  zoneA: string;
  zoneB: string;
  row: Omit<NewConduit, "plant_id" | "zone_a_id" | "zone_b_id" | "design_owner_id" | "monitoring_owner_id">;
  flows: FlowSpec[];
  designOwner: string | null;
  monitoringOwner: string | null;
  signoffs: PlannedSignoff[];
}

/** A signature by email, on one revision of its subject; the content hash is computed once ids are known. */
interface PlannedSignoff {
  part: SignoffPart;
  person: string;
  revision: number;
  signedMs: number;
  note: string | null;
}

interface OwnershipPlan {
  text: string | null;
  revision: number;
  /** The text of each earlier revision, so stale signatures hash what was really signed. */
  earlierTexts: Map<number, string>;
  signoffs: PlannedSignoff[];
}

interface PlannedGatePass {
  phase: Phase;
  passedAt: string;
  passedBy: string;
  note: string | null;
}

interface PlannedPlant {
  row: NewPlant;
  ownership: OwnershipPlan;
  zones: ZonePlan[];
  assets: PlannedAsset[];
  conduits: PlannedConduit[];
  gatePasses: PlannedGatePass[];
  operations: PlantOperations;
  createdMs: number;
}

interface PlannedProgram {
  seed: number;
  now: string;
  plants: PlannedPlant[];
  people: PersonSpec[];
  peopleCreatedAt: Map<string, string>;
}

interface Timeline {
  phaseIndex: number;
  kickoffMs: number;
  createdMs: number;
  /** Instants of the gate passes, one per passed phase, in phase order. */
  passMs: number[];
  targets: string[];
}

interface PlantContext {
  rng: Random;
  site: PlantSite;
  plan: PlantPlan;
  /** Networked devices in the plant, around the site's nominal size. */
  totalAssets: number;
  nowMs: number;
  nowYear: number;
  latestMs: number;
  timeline: Timeline;
  macs: Set<string>;
}

function planProgram(seed: number, now: Date): PlannedProgram {
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

/** The plant's own engineer first, then the regional engineers covering it. */
function engineersOf(code: string): string[] {
  return [engineerEmail(code), ...ROVING_ENGINEERS.filter((p) => p.plants.includes(code)).map((p) => p.email)];
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

// ---------------------------------------------------------------------------------------------------------------
// Zones and addressing. Every zone gets its IPv4 block whether or not the zone exists yet in the database: a plant
// still in inventory has its devices addressed the way they really are, the zones just have not been drawn.

interface ZoneSlot {
  kind: AssetKind;
  tag: string;
  count: number;
  subtype?: CatalogEntry["subtype"];
}

function planZones(ctx: PlantContext, index: number): ZonePlan[] {
  const { rng, site, plan, timeline } = ctx;
  const lines = planLines(ctx);
  const zones: ZonePlan[] = [];
  const siteBase = ipv4ToInt(`10.${21 + index}.0.0`);
  let cursor = siteBase + 10 * 256;

  const zoningStart = timeline.passMs[0] ?? timeline.kickoffMs;
  const zoningEnd = timeline.passMs[1] ?? ctx.latestMs;
  const zoneCreated = () => between(rng, zoningStart, Math.max(zoningStart, zoningEnd - 7 * DAY_MS));

  const allocate = (minSize: number): { base: number; size: number } => {
    const base = Math.ceil(cursor / minSize) * minSize;
    cursor = base + minSize;
    return { base, size: minSize };
  };

  zones.push({
    key: "corporate",
    kind: "corporate",
    name: "Corporate network",
    shortName: "Corporate",
    purdueLevel: 4,
    slTarget: 1,
    description: "Plant office network on the corporate WAN: business systems, email and ERP clients.",
    base: ipv4ToInt(`10.200.${index * 4}.0`),
    size: 1024,
    extraCidrs: [],
    namePrefix: "CORP",
    line: null,
    slots: [],
    inserted: true,
    createdMs: timeline.createdMs + DAY_MS,
  });
  zones.push({
    key: "supervisory",
    kind: "supervisory",
    name: "Supervisory",
    shortName: "Supervisory",
    purdueLevel: 2,
    slTarget: rng.pick([2, 3]),
    description: "SCADA servers, operator workstations, the site historian and OT domain services.",
    ...allocate(256),
    extraCidrs: [],
    namePrefix: "SUP",
    line: null,
    slots: [],
    inserted: true,
    createdMs: zoneCreated(),
  });
  zones.push({
    key: "engineering",
    kind: "engineering_workstation",
    name: "Engineering workstations",
    shortName: "Engineering",
    purdueLevel: rng.pick([2, 3]),
    slTarget: 3,
    description: "Workstations with the programming software that can change controller logic.",
    ...allocate(128),
    extraCidrs: [],
    namePrefix: "ENG",
    line: null,
    slots: [],
    inserted: true,
    createdMs: zoneCreated(),
  });
  if (site.dmz) {
    zones.push({
      key: "dmz",
      kind: "dmz",
      name: "Plant DMZ",
      shortName: "DMZ",
      purdueLevel: 3.5,
      slTarget: 3,
      description:
        "Historian replica, jump host, patch and antivirus relays: nothing crosses between corporate and the plant without landing here.",
      ...allocate(64),
      extraCidrs: plan.dmzIpv6 ? [plan.dmzIpv6] : [],
      namePrefix: "DMZ",
      line: null,
      slots: [],
      inserted: true,
      createdMs: zoneCreated(),
    });
  }
  if (site.buildingNetwork) {
    zones.push({
      key: "building",
      kind: "other",
      name: "Building systems & cameras",
      shortName: "Building systems",
      purdueLevel: null,
      slTarget: 1,
      description: "Building management controllers and IP cameras; no path to process control.",
      ...allocate(256),
      extraCidrs: [],
      namePrefix: "BMS",
      line: null,
      slots: [],
      inserted: true,
      createdMs: zoneCreated(),
    });
  }

  for (const zone of zones) zone.slots = infrastructureSlots(ctx, zone.key);

  cursor = Math.max(cursor, siteBase + 100 * 256);
  const infrastructure = zones.reduce((sum, zone) => sum + countOf(zone.slots), 0);
  const lineBudgets = lineAssetBudgets(ctx, lines, ctx.totalAssets - infrastructure);
  lines.forEach((line, i) => {
    const budget = lineBudgets[i] as number;
    zones.push({
      key: `line-${line.number}`,
      kind: "process_control",
      name: `Line ${line.number} — ${line.area.label}`,
      shortName: `Line ${line.number}`,
      purdueLevel: 1,
      slTarget: line.area.utilities || rng.chance(0.35) ? 3 : 2,
      description: `${line.area.label} line ${line.number}: controllers, HMIs, drives and I/O, commissioned ${line.commissioned}.`,
      ...allocate(blockSizeFor(budget)),
      extraCidrs: [],
      namePrefix:
        site.naming === "line-first"
          ? `L${line.number}-${line.area.code}`
          : `${line.area.code}${lines.filter((l) => l.area.code === line.area.code && l.number <= line.number).length}`,
      line,
      slots: lineSlots(ctx, line, budget),
      inserted: true,
      createdMs: zoneCreated(),
    });
  });

  applyZoningState(ctx, zones);
  return zones;
}

/** Which zones exist in the database at this phase, and which still lack a target security level. */
function applyZoningState(ctx: PlantContext, zones: ZonePlan[]): void {
  const { plan, timeline, rng } = ctx;
  if (timeline.phaseIndex === 0) {
    for (const zone of zones) zone.inserted = zone.kind === "corporate";
    const firstLine = zones.find((z) => z.line?.number === 1);
    if (plan.inventory?.draftZone && firstLine) {
      firstLine.inserted = true;
      firstLine.name = `${firstLine.name} (draft)`;
      firstLine.slTarget = null;
      firstLine.description = "Drawn after the first walkdown; boundaries not yet agreed with production.";
      firstLine.createdMs = between(rng, timeline.kickoffMs, ctx.latestMs);
    }
    return;
  }
  const missing = plan.zoning?.zoneWithoutTarget;
  if (timeline.phaseIndex === 1 && missing) {
    const zone =
      missing === "building"
        ? zones.find((z) => z.key === "building")
        : [...zones].filter((z) => z.line).sort((a, b) => (b.line?.commissioned ?? 0) - (a.line?.commissioned ?? 0))[0];
    if (zone) zone.slTarget = null;
  }
}

function planLines(ctx: PlantContext): LinePlan[] {
  const { rng, site, nowYear } = ctx;
  const areas = INDUSTRIES[site.industry].areas;
  const [from, to] = site.lineEra;
  const newest = Math.min(to, nowYear - 1);
  const lines: LinePlan[] = [];
  for (let n = 1; n <= site.lines; n++) {
    const area = areas[(n - 1) % areas.length] as ProductionArea;
    const planned = site.lines === 1 ? from : from + Math.round(((newest - from) * (n - 1)) / (site.lines - 1));
    const commissioned = n === 1 ? from : clamp(planned + rng.int(-2, 2), from, newest);
    lines.push({ number: n, area, commissioned });
  }
  return lines;
}

/** Smallest block with room for the devices, growth, and the low addresses kept for gateways and switches. */
function blockSizeFor(devices: number): number {
  let size = 256;
  while (size - 12 < Math.ceil(devices * 1.2)) size *= 2;
  return size;
}

function lineAssetBudgets(ctx: PlantContext, lines: LinePlan[], lineTotal: number): number[] {
  const { rng } = ctx;
  const total = Math.max(lines.length * 60, lineTotal);
  const weights = lines.map((line) => (line.area.utilities ? 0.4 : 1) * (0.75 + rng.next() * 0.5));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const budgets = weights.map((w) => Math.max(60, Math.floor((total * w) / weightSum)));
  budgets[0] = (budgets[0] as number) + total - budgets.reduce((a, b) => a + b, 0);
  return budgets;
}

function countOf(slots: readonly ZoneSlot[]): number {
  return slots.reduce((sum, slot) => sum + slot.count, 0);
}

/** The devices of a non-line zone, scaled to the plant's size. */
function infrastructureSlots(ctx: PlantContext, zoneKey: string): ZoneSlot[] {
  const { rng, site } = ctx;
  const s = ctx.totalAssets / 1000;
  const slot = (kind: AssetKind, tag: string, count: number, subtype?: CatalogEntry["subtype"]): ZoneSlot =>
    subtype ? { kind, tag, count, subtype } : { kind, tag, count };
  let slots: ZoneSlot[];
  switch (zoneKey) {
    case "corporate":
      slots = [slot("workstation", "WS", rng.int(2, 6)), slot("printer", "PRN", rng.int(1, 2))];
      break;
    case "supervisory":
      slots = [
        slot("switch", "SW", Math.max(2, Math.round(1 + 2 * s))),
        ...(site.dmz ? [] : [slot("firewall", "FW", 2)]),
        slot("server", "DC", 2),
        slot("server", "OPC", s > 1.5 ? 2 : 1),
        slot("server", "MES", s > 0.8 ? 1 : 0),
        slot("server", "FS", 1),
        ...(site.dmz ? [] : [slot("server", "JMP", 1)]),
        slot("scada_server", "SCADA", Math.max(2, Math.round(1.5 + 2 * s))),
        slot("historian", "HIST", s > 2 ? 2 : 1),
        slot("workstation", "OWS", Math.round(3 + 7 * s)),
        slot("other", "SNS", s > 2 ? 2 : 1, "SNS"),
        slot("printer", "PRN", 1),
      ];
      break;
    case "engineering":
      slots = [
        slot("switch", "SW", 1),
        slot("server", "FTAC", 1),
        slot("server", "LIC", s > 1 ? 1 : 0),
        slot("engineering_workstation", "EWS", Math.round(2 + 4 * s)),
      ];
      break;
    case "dmz":
      slots = [
        slot("firewall", "FW", 2),
        slot("switch", "SW", s > 1.5 ? 2 : 1),
        slot("server", "JMP", s > 1.5 ? 2 : 1),
        slot("server", "WSUS", 1),
        slot("server", "EPO", 1),
        slot("server", "NMS", s > 1 ? 1 : 0),
        slot("historian", "HIST", 1),
        slot("other", "SNS", 1, "SNS"),
      ];
      break;
    case "building":
      slots = [
        slot("switch", "SW", s > 1.5 ? 2 : 1),
        slot("other", "BMS", 2 + Math.round(s), "BMS"),
        slot("camera", "CAM", Math.round(8 + 20 * s)),
      ];
      break;
    default:
      slots = [];
  }
  return slots.filter((x) => x.count > 0);
}

/** A line's device mix: mostly drives and I/O, a controller per cell, an HMI per station. */
function lineSlots(ctx: PlantContext, line: LinePlan, budget: number): ZoneSlot[] {
  const { rng, site } = ctx;
  const industry = INDUSTRIES[site.industry];
  const utilities = line.area.utilities === true;
  const mix: [AssetKind, string, number, CatalogEntry["subtype"]?][] = [
    ["switch", "SW", 6],
    ["plc", "PLC", 12],
    ["safety_plc", "SPLC", utilities ? 0.5 : 2.2],
    ["hmi", "HMI", 9],
    ["robot_controller", "RBT", utilities ? 0 : industry.robots],
    ["drive", "VFD", 28],
    ["io_adapter", "IO", 24],
    ["rtu", "RTU", utilities ? 4 : 0],
    ["other", "VIS", utilities ? 0 : 1.5, "VIS"],
    ["other", "GW", 1, "GW"],
    ["printer", "PRN", utilities ? 0.2 : industry.printers],
    ["camera", "CAM", 0.6],
  ];
  const weights = mix.map(([, , w]) => w * (0.75 + rng.next() * 0.5));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((budget * w) / weightSum));
  const minimum: Partial<Record<AssetKind, number>> = { switch: 1, plc: 2, hmi: 1 };
  mix.forEach(([kind], i) => {
    counts[i] = Math.max(counts[i] as number, minimum[kind] ?? 0);
  });
  const driveIndex = mix.findIndex(([kind]) => kind === "drive");
  counts[driveIndex] = (counts[driveIndex] as number) + budget - counts.reduce((a, b) => a + b, 0);
  return mix
    .map(([kind, tag, , subtype], i): ZoneSlot => {
      const count = counts[i] as number;
      return subtype ? { kind, tag, count, subtype } : { kind, tag, count };
    })
    .filter((slot) => slot.count > 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Assets.

/** Share of a kind's devices replaced or added after the line was commissioned: PLCs stay, HMIs and drives turn over. */
const REFIT_CHANCE: Readonly<Partial<Record<AssetKind, number>>> = {
  plc: 0.25,
  safety_plc: 0.3,
  hmi: 0.45,
  drive: 0.5,
  io_adapter: 0.25,
  robot_controller: 0.3,
  switch: 0.6,
  printer: 0.7,
  camera: 0.8,
  rtu: 0.3,
  other: 0.5,
};

const CRITICALITY_ODDS: Readonly<
  Record<AssetKind, readonly [low: number, medium: number, high: number, critical: number]>
> = {
  plc: [0, 25, 55, 20],
  safety_plc: [0, 0, 30, 70],
  hmi: [5, 55, 35, 5],
  scada_server: [0, 10, 55, 35],
  historian: [5, 45, 45, 5],
  engineering_workstation: [0, 20, 60, 20],
  drive: [30, 55, 15, 0],
  io_adapter: [10, 55, 35, 0],
  robot_controller: [0, 30, 55, 15],
  rtu: [0, 30, 50, 20],
  switch: [5, 35, 50, 10],
  firewall: [0, 0, 40, 60],
  server: [10, 45, 40, 5],
  workstation: [40, 50, 10, 0],
  printer: [80, 20, 0, 0],
  camera: [85, 15, 0, 0],
  other: [30, 50, 20, 0],
};
const CRITICALITY_LEVELS: readonly Criticality[] = ["low", "medium", "high", "critical"];

/** Affinity of a product the plant has not standardised on: the odd skid bought with its own controls. */
const STRAY_AFFINITY = 0.05;
/** Affinity of vendor-neutral products (network, IT, cameras) relative to a plant's main ecosystem (≈ 4–10). */
const NEUTRAL_AFFINITY = 3;

function planAssets(ctx: PlantContext, zones: ZonePlan[]): PlannedAsset[] {
  return zones.flatMap((zone) => zoneAssets(ctx, zone));
}

function zoneAssets(ctx: PlantContext, zone: ZonePlan): PlannedAsset[] {
  const { rng, site, nowYear } = ctx;
  const slots = zone.slots;
  const offsets = sampleHostOffsets(rng, zone.size, countOf(slots));
  const counters = new Map<string, number>();
  const assets: PlannedAsset[] = [];
  let next = 0;
  for (const slot of slots) {
    for (let i = 0; i < slot.count; i++) {
      const year = zone.line ? lineDeviceYear(rng, zone.line, slot.kind, nowYear) : infrastructureYear(rng, nowYear);
      const entry = chooseEntry(rng, site, slot.kind, year, nowYear, slot.subtype);
      const to = Math.min(entry.years[1] ?? nowYear, nowYear);
      const installYear = clamp(year, Math.min(entry.years[0], to), to);
      const number = (counters.get(slot.tag) ?? 0) + 1;
      counters.set(slot.tag, number);
      const offset = offsets[next++] as number;
      assets.push({
        zoneKey: zone.key,
        placed: true,
        family: entry.family,
        row: {
          name: `${zone.namePrefix}-${slot.tag}-${String(number).padStart(2, "0")}`,
          kind: entry.kind,
          vendor: entry.vendor,
          model: entry.model,
          firmware: chooseFirmware(rng, entry, installYear, nowYear),
          install_year: installYear,
          ip: intToIpv4(zone.base + offset),
          mac: uniqueMac(rng, entry.oui, ctx.macs),
          criticality: rng.weighted(
            CRITICALITY_LEVELS,
            (level) => CRITICALITY_ODDS[entry.kind][CRITICALITY_LEVELS.indexOf(level)] ?? 0
          ),
          discovery_source: discoverySource(rng, zone),
          status: "confirmed",
          discovered_at: "",
          created_at: "",
          updated_at: "",
        },
      });
    }
  }
  return assets;
}

function lineDeviceYear(rng: Random, line: LinePlan, kind: AssetKind, nowYear: number): number {
  const refit = REFIT_CHANCE[kind] ?? 0.3;
  if (line.commissioned + 1 <= nowYear - 1 && rng.chance(refit)) return rng.int(line.commissioned + 1, nowYear - 1);
  return line.commissioned;
}

/** Servers and network gear are refreshed; most are recent, a few are the Windows XP box nobody dares touch. */
function infrastructureYear(rng: Random, nowYear: number): number {
  if (rng.chance(0.06)) return rng.int(nowYear - 20, nowYear - 12);
  return nowYear - 1 - Math.min(rng.int(0, 10), rng.int(0, 16));
}

function chooseEntry(
  rng: Random,
  site: PlantSite,
  kind: AssetKind,
  year: number,
  nowYear: number,
  subtype: CatalogEntry["subtype"] | undefined
): CatalogEntry {
  const candidates = CATALOG.filter((e) => e.kind === kind && e.subtype === subtype);
  if (candidates.length === 0) throw new Error(`The catalog has no ${kind}${subtype ? ` (${subtype})` : ""}.`);
  const affinity = (e: CatalogEntry) =>
    e.family === null ? NEUTRAL_AFFINITY : site.families[e.family] ?? STRAY_AFFINITY;
  const fitting = candidates.filter((e) => e.years[0] <= year && year <= (e.years[1] ?? nowYear));
  if (fitting.length > 0) return rng.weighted(fitting, (e) => e.weight * affinity(e));
  // No product of that kind was sold that year: take the closest era, the way a plant buys what exists.
  const distance = (e: CatalogEntry) => Math.max(e.years[0] - year, year - (e.years[1] ?? nowYear), 0);
  const best = Math.min(...candidates.map(distance));
  return rng.weighted(
    candidates.filter((e) => distance(e) === best),
    (e) => e.weight * affinity(e)
  );
}

function chooseFirmware(rng: Random, entry: CatalogEntry, installYear: number, nowYear: number): string {
  const versions = entry.firmware;
  const from = entry.years[0];
  const to = Math.max(from + 1, Math.min(entry.years[1] ?? nowYear, nowYear));
  const age = clamp((installYear - from) / (to - from), 0, 1);
  let index = Math.round(age * (versions.length - 1));
  // Some devices were patched since install; most were never touched again.
  if (rng.chance(0.25)) index = Math.min(versions.length - 1, index + 1);
  return versions[index] as string;
}

function discoverySource(rng: Random, zone: ZonePlan): DiscoverySource {
  const odds: readonly [DiscoverySource, number][] = zone.line
    ? [
        ["passive_sensor", 60],
        ["import", 28],
        ["manual", 12],
      ]
    : [
        ["import", 50],
        ["passive_sensor", 30],
        ["manual", 20],
      ];
  return rng.weighted(odds, ([, w]) => w)[0];
}

function uniqueMac(rng: Random, ouis: readonly string[], taken: Set<string>): string {
  for (;;) {
    const nic = [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)]
      .map((byte) => byte.toString(16).toUpperCase().padStart(2, "0"))
      .join(":");
    const mac = `${rng.pick(ouis)}:${nic}`;
    if (!taken.has(mac)) {
      taken.add(mac);
      return mac;
    }
  }
}

/** Distinct host offsets inside a block, ascending, above the addresses kept for gateways and switches. */
function sampleHostOffsets(rng: Random, size: number, count: number): number[] {
  const first = 10;
  const pool = Array.from({ length: size - 1 - first }, (_, i) => first + i);
  if (count > pool.length) throw new Error(`A block of ${size} addresses cannot hold ${count} devices.`);
  for (let i = 0; i < count; i++) {
    const j = rng.int(i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j] as number, pool[i] as number];
  }
  return pool.slice(0, count).sort((a, b) => a - b);
}

/**
 * Where each asset sits given the phase, when it was found, and the blockers a plant in that phase still has:
 * staged and half-described assets in inventory, unplaced ones in zoning.
 */
function placeAssets(ctx: PlantContext, zones: ZonePlan[], assets: PlannedAsset[]): void {
  const { rng, plan, timeline, latestMs } = ctx;
  const phase = timeline.phaseIndex;
  const inserted = new Set(zones.filter((z) => z.inserted).map((z) => z.key));
  const draft = zones.find((z) => z.line && z.inserted && z.slTarget === null && phase === 0);
  const inventoryEnd = timeline.passMs[0] !== undefined ? timeline.passMs[0] - DAY_MS : latestMs;

  for (const asset of assets) {
    if (!inserted.has(asset.zoneKey)) asset.placed = false;
    else if (draft && asset.zoneKey === draft.key) asset.placed = rng.chance(0.6);

    const discovered = between(rng, timeline.kickoffMs, inventoryEnd);
    let updated = rng.chance(0.3) ? between(rng, discovered, inventoryEnd) : discovered;
    const zoningStart = timeline.passMs[0];
    if (zoningStart !== undefined && asset.placed && asset.zoneKey !== "corporate") {
      updated = between(rng, zoningStart, timeline.passMs[1] ?? latestMs);
    }
    if (phase >= 2 && rng.chance(0.08)) updated = between(rng, updated, latestMs);
    stamp(asset, discovered, updated);
  }

  const movable = assets.filter((a) => a.zoneKey !== "corporate");
  if (phase === 0 && plan.inventory) {
    const gaps = plan.inventory;
    const chosen = rng.sample(movable, Math.round(movable.length * (gaps.staged + gaps.incomplete)) + gaps.activeScans);
    const stagedCount = Math.round(movable.length * gaps.staged);
    chosen.slice(0, stagedCount).forEach((asset) => stageAsset(ctx, asset));
    chosen.slice(stagedCount, chosen.length - gaps.activeScans).forEach((asset) => {
      if (rng.chance(0.7)) asset.row.criticality = null;
      else {
        asset.row.model = null;
        asset.row.firmware = null;
      }
    });
    // Someone ran a discovery scan on a live line before the program said not to.
    const scanMs = workTime(rng, ctx.nowMs - rng.int(25, 45) * DAY_MS, ctx.site.timeZone, latestMs);
    chosen.slice(chosen.length - gaps.activeScans).forEach((asset) => {
      asset.row.discovery_source = "active_scan";
      stamp(asset, scanMs, scanMs);
    });
  }
  if (phase === 1 && plan.zoning) {
    rng.sample(movable, Math.round(movable.length * plan.zoning.unplaced)).forEach((asset) => {
      asset.placed = false;
    });
  }
  // Hosts the baseline sensors found after inventory closed, triaged and placed since.
  const conduitsPassed = timeline.passMs[2];
  if (conduitsPassed !== undefined) {
    rng.sample(movable, Math.round(movable.length * 0.03)).forEach((asset) => {
      const found = between(rng, conduitsPassed, latestMs - 2 * DAY_MS);
      asset.row.discovery_source = "zeek_ingest";
      stamp(asset, found, between(rng, found + DAY_MS, latestMs));
    });
  }
}

/** A host seen in traffic, never reviewed: the sensor knows its address, MAC vendor and maybe its protocol. */
function stageAsset(ctx: PlantContext, asset: PlannedAsset): void {
  const { rng, latestMs } = ctx;
  const seen = between(rng, ctx.nowMs - 21 * DAY_MS, latestMs);
  const row = asset.row;
  asset.placed = false;
  row.name = `host-${(row.ip ?? "").replace(/\./g, "-")}`;
  if (!rng.chance(0.6)) row.kind = null;
  if (!rng.chance(0.85)) row.vendor = null;
  row.model = null;
  row.firmware = null;
  row.install_year = null;
  row.criticality = null;
  row.discovery_source = "passive_sensor";
  row.status = "staged";
  stamp(asset, seen, seen);
}

function stamp(asset: PlannedAsset, discoveredMs: number, updatedMs: number): void {
  asset.row.discovered_at = iso(discoveredMs);
  asset.row.created_at = iso(discoveredMs);
  asset.row.updated_at = iso(Math.max(discoveredMs, updatedMs));
}

// ---------------------------------------------------------------------------------------------------------------
// Conduits and their allowed flows. Zone A is the first zone in the conduit's name; `a_to_b` means A initiates.

const flow = (
  protocol: FlowProtocol,
  port: number | null,
  direction: FlowDirection,
  description: string
): FlowSpec => ({
  protocol,
  port,
  direction,
  description,
});

const SCADA_FLOWS: Readonly<Partial<Record<VendorFamily, readonly FlowSpec[]>>> = {
  rockwell: [
    flow(
      "tcp",
      44818,
      "a_to_b",
      "EtherNet/IP (CIP) explicit messaging: SCADA tag reads and writes to the line controllers"
    ),
  ],
  siemens: [flow("tcp", 102, "a_to_b", "S7comm over ISO-TSAP: WinCC reads from the S7 CPUs")],
  schneider: [flow("tcp", 502, "a_to_b", "Modbus/TCP polling of the Modicon controllers")],
  mitsubishi: [flow("tcp", 5007, "a_to_b", "SLMP (MELSEC MC protocol): SCADA reads from the MELSEC CPUs")],
  omron: [flow("udp", 9600, "a_to_b", "FINS/UDP: SCADA reads from the Omron controllers")],
  ge: [flow("tcp", 18245, "a_to_b", "GE SRTP: SCADA reads from the PACSystems and Series 90 controllers")],
  honeywell: [flow("tcp", 4840, "a_to_b", "OPC UA from the Experion server to the controller data")],
  abb: [flow("tcp", 502, "a_to_b", "Modbus/TCP polling of the ABB AC500 controllers")],
};

const ENGINEERING_FLOWS: Readonly<Partial<Record<VendorFamily, readonly FlowSpec[]>>> = {
  rockwell: [
    flow("tcp", 44818, "a_to_b", "Studio 5000 online edits and downloads (CIP over EtherNet/IP)"),
    flow("udp", 44818, "a_to_b", "CIP List Identity: RSLinx / FactoryTalk Linx browsing"),
  ],
  siemens: [flow("tcp", 102, "a_to_b", "TIA Portal and STEP 7 online access and downloads (S7comm-plus)")],
  schneider: [flow("tcp", 502, "a_to_b", "EcoStruxure Control Expert online access (Modbus/UMAS)")],
  mitsubishi: [flow("tcp", 5007, "a_to_b", "GX Works3 online access (SLMP)")],
  omron: [
    flow("udp", 9600, "a_to_b", "CX-Programmer online access (FINS)"),
    flow("tcp", 44818, "a_to_b", "Sysmac Studio online access (EtherNet/IP)"),
  ],
  ge: [flow("tcp", 18245, "a_to_b", "Proficy Machine Edition online access (SRTP)")],
  abb: [flow("tcp", 1217, "a_to_b", "Automation Builder online access (CODESYS gateway)")],
  fanuc: [flow("tcp", 21, "a_to_b", "FTP backups of robot programs from the R-30i controllers")],
};

const MAX_CONDUITS = 10;

const NTP_IN = "NTP: devices sync time from the zone's upstream time source";

interface ConduitDraft {
  zoneA: string;
  zoneB: string;
  name: string;
  purpose: string;
  controlType: ControlType;
  monitoringPoint: string;
  flows: FlowSpec[];
  /** Conduits serving one production line, and for whom. */
  line: { number: number; access: "supervisory" | "engineering" } | null;
  /** Added only when the plant has room under the conduit ceiling. */
  extra: boolean;
}

function planConduits(
  ctx: PlantContext,
  zones: ZonePlan[],
  assets: PlannedAsset[],
  windows: PlannedWindow[]
): { conduits: PlannedConduit[]; cutovers: PlannedChange[] } {
  const { plan, timeline, rng, latestMs } = ctx;
  const phase = timeline.phaseIndex;
  if (phase === 0) return { conduits: [], cutovers: [] };
  const drafts = conduitDrafts(ctx, zones, assets);
  const reachesCorporate = (d: ConduitDraft) => d.zoneA === "corporate" || d.zoneB === "corporate";

  if (phase === 1) {
    const boundary = drafts.find(reachesCorporate);
    if (!plan.zoning?.draftConduit || !boundary) return { conduits: [], cutovers: [] };
    const created = between(rng, timeline.passMs[0] ?? timeline.kickoffMs, latestMs);
    const draft: PlannedConduit[] = [
      {
        zoneA: boundary.zoneA,
        zoneB: boundary.zoneB,
        row: {
          name: boundary.name,
          purpose: boundary.purpose,
          control_type: boundary.controlType,
          monitored: 0,
          monitoring_point: null,
          revision: 1,
          created_at: iso(created),
          updated_at: iso(created),
        },
        flows: [],
        designOwner: null,
        monitoringOwner: null,
        signoffs: [],
      },
    ];
    return { conduits: draft, cutovers: [] };
  }

  let chosen = drafts;
  if (phase === 2) {
    // Mid-phase: the boundary conduits and the first lines are defined; the rest come after.
    chosen = drafts.filter((d) => {
      if (d.line === null) return !d.extra;
      return d.line.access === "supervisory" ? d.line.number <= 2 : d.line.number === 1;
    });
    if (plan.conduitGap === "no_boundary") chosen = chosen.filter((d) => !reachesCorporate(d));
  }

  const designStart = timeline.passMs[1] as number;
  // Plants past the conduits gate settled their designs three weeks before it, leaving the last windows for cutovers.
  const designEnd = timeline.passMs[2] !== undefined ? timeline.passMs[2] - 21 * DAY_MS : latestMs - DAY_MS;
  const conduits = chosen.map((draft, i) => {
    const created = between(rng, designStart, Math.max(designStart, designEnd - 20 * DAY_MS));
    let revision = rng.chance(0.7) ? 1 : rng.int(2, 3);
    let updated = revision === 1 ? created : between(rng, created + DAY_MS, Math.max(created + DAY_MS, designEnd));
    const designOwner = designOwnerFor(ctx);
    const monitoringOwner = rng.pick(SECURITY_EMAILS);
    const signoffs: PlannedSignoff[] = [];
    const signBoth = (rev: number, fromMs: number, toMs: number) => {
      signoffs.push(plannedSignoff(rng, "design_change_control", designOwner, rev, fromMs, toMs));
      signoffs.push(plannedSignoff(rng, "monitoring_incident_response", monitoringOwner, rev, fromMs, toMs));
    };
    const signedBy = latestMs;
    // Earlier revisions were signed too; those signatures went stale when the conduit was edited.
    if (revision > 1) signBoth(revision - 1, created, updated - 1000);
    // Past the conduits gate, the current revision is signed before its cutover window (planned below).
    if (phase < 3) {
      const state = rng.next();
      if (state < 0.6) signBoth(revision, updated, signedBy);
      else if (state < 0.8)
        signoffs.push(plannedSignoff(rng, "design_change_control", designOwner, revision, updated, signedBy));
      else {
        // Signed, then edited again: both signatures are now stale.
        if (revision === 1) {
          signBoth(1, created, Math.max(created, signedBy - 3 * DAY_MS));
          revision = 2;
        }
        updated = between(rng, Math.max(...signoffs.map((x) => x.signedMs)) + 1000, latestMs);
      }
    }
    const conduit: PlannedConduit = {
      zoneA: draft.zoneA,
      zoneB: draft.zoneB,
      row: {
        name: draft.name,
        purpose: draft.purpose,
        control_type: draft.controlType,
        monitored: 1,
        monitoring_point: draft.monitoringPoint,
        revision,
        created_at: iso(created),
        updated_at: iso(updated),
      },
      flows: draft.flows,
      designOwner,
      monitoringOwner,
      signoffs,
    };
    if (phase === 2) {
      const last = i === chosen.length - 1;
      if (plan.conduitGap === "unfinished_line_conduit" && last) {
        conduit.flows = [];
        conduit.row.monitoring_point = null;
        conduit.row.monitored = 0;
        conduit.row.revision = 1;
        conduit.row.updated_at = conduit.row.created_at;
        conduit.monitoringOwner = null;
        conduit.signoffs = [];
      }
      if (plan.conduitGap === "unmonitored_boundary" && reachesCorporate(draft)) {
        conduit.row.monitoring_point = null;
        conduit.row.monitored = 0;
      }
    }
    return conduit;
  });
  if (phase < 3) return { conduits, cutovers: [] };
  const cutovers = planCutoverCampaign(ctx, conduits, windows);
  const revised = reviseAfterPass(ctx, conduits, windows);
  return { conduits, cutovers: revised ? [...cutovers, revised] : cutovers };
}

/**
 * The cutovers of a plant past its conduits gate: every conduit cut over in a completed outage window after its
 * design settled and before the gate, both owners having signed the revision the day before at the latest.
 * The conduits with the least room choose first; baselines meant to stall get the earliest windows.
 */
function planCutoverCampaign(ctx: PlantContext, conduits: PlannedConduit[], windows: PlannedWindow[]): PlannedChange[] {
  const { timeline, latestMs, plan } = ctx;
  const rng = ctx.rng.fork("campaign");
  const passMs = timeline.passMs[2] as number;
  const early = new Set([plan.story?.stalled, plan.story?.accepted].filter(Boolean));
  const order = conduits
    .map((c, i) => ({
      i,
      updated: Date.parse(c.row.updated_at),
      created: Date.parse(c.row.created_at),
    }))
    .sort((a, b) => b.updated - a.updated || a.i - b.i);
  const changes: PlannedChange[] = [];
  for (const { i, updated, created } of order) {
    const conduit = conduits[i] as PlannedConduit;
    const minutes = cutoverMinutes(rng);
    const candidates = (from: number) =>
      windows.flatMap((w, index) =>
        usable(w) && w.status === "completed" && w.startMs >= from && w.endMs <= passMs - DAY_MS && fits(w, minutes)
          ? [index]
          : []
      );
    let eligible = candidates(updated + 2 * DAY_MS);
    if (eligible.length === 0) {
      // A blackout took the last windows before the gate: the design settled before the window it was cut over in.
      eligible = candidates(created + 2 * DAY_MS).slice(-1);
      const window = windows[eligible[0] ?? -1];
      if (!window)
        throw new Error(`${ctx.site.code}: no outage window before the conduits gate for “${conduit.row.name}”.`);
      if (conduit.row.revision === 1) conduit.row.updated_at = conduit.row.created_at;
      else {
        const movedMs = between(rng, created + DAY_MS, Math.max(created + DAY_MS, window.startMs - 2 * DAY_MS));
        for (const s of conduit.signoffs) s.signedMs = Math.min(s.signedMs, movedMs - 1000);
        conduit.row.updated_at = iso(movedMs);
      }
    }
    // A baseline meant to stall needs its 60 counted days: the latest window about three months back, or the earliest.
    const stallable = eligible.filter((w) => (windows[w] as PlannedWindow).startMs <= ctx.nowMs - 85 * DAY_MS);
    const choice = early.has(conduit.row.name) ? ((stallable.at(-1) ?? eligible[0]) as number) : rng.pick(eligible);
    const window = windows[choice] as PlannedWindow;
    const settled = Date.parse(conduit.row.updated_at);
    signCurrent(rng, conduit, settled, window.startMs - DAY_MS);
    changes.push(
      placeChange(rng, windows, choice, {
        kind: "conduit_cutover",
        title: cutoverTitle(conduit.row.name, conduit.row.revision),
        conduit: i,
        conduitRevision: conduit.row.revision,
        assetName: null,
        minutes,
        status: "done",
        createdBy: conduit.designOwner ?? engineerEmail(ctx.site.code),
        notBeforeMs: Math.max(...conduit.signoffs.map((s) => s.signedMs)),
        latestMs,
      })
    );
  }
  return changes.sort((a, b) => (a.conduit as number) - (b.conduit as number));
}

function signCurrent(rng: Random, conduit: PlannedConduit, fromMs: number, toMs: number): void {
  const revision = conduit.row.revision;
  if (conduit.designOwner) {
    conduit.signoffs.push(plannedSignoff(rng, "design_change_control", conduit.designOwner, revision, fromMs, toMs));
  }
  if (conduit.monitoringOwner) {
    conduit.signoffs.push(
      plannedSignoff(rng, "monitoring_incident_response", conduit.monitoringOwner, revision, fromMs, toMs)
    );
  }
}

/** Flows a conduit may gain in a revision after its gate, by conduit name. */
const LATER_FLOWS: Readonly<Record<string, FlowSpec>> = {
  "Engineering ↔ Supervisory": flow(
    "tcp",
    443,
    "a_to_b",
    "HTTPS: engineering workstations reach the new OT asset-management console on the SCADA servers"
  ),
};

/**
 * A conduit edited after the conduits gate (the story's `revisedAfterPass`): a new revision with one more flow,
 * signed again by both owners and cut over in a recent window, so its baseline starts a new epoch while the
 * evidence of the earlier one stays on record.
 */
function reviseAfterPass(
  ctx: PlantContext,
  conduits: PlannedConduit[],
  windows: PlannedWindow[]
): PlannedChange | null {
  const { timeline, nowMs, latestMs, plan } = ctx;
  const index = conduits.findIndex((c) => c.row.name === plan.story?.revisedAfterPass);
  const conduit = conduits[index];
  if (!conduit) return null;
  const rng = ctx.rng.fork("revision");
  const passMs = timeline.passMs[2] as number;
  const minutes = cutoverMinutes(rng);
  const candidates = windows.flatMap((w, i) =>
    usable(w) &&
    w.status === "completed" &&
    w.startMs >= passMs + 4 * DAY_MS &&
    w.endMs <= nowMs - 2 * DAY_MS &&
    fits(w, minutes)
      ? [i]
      : []
  );
  // Recent enough that the new epoch has 12 to 25 counted days.
  const recent = candidates.filter((i) => {
    const w = windows[i] as PlannedWindow;
    return w.startMs >= nowMs - 27 * DAY_MS && w.startMs <= nowMs - 14 * DAY_MS;
  });
  const choice = recent.length > 0 ? rng.pick(recent) : candidates.at(-1);
  if (choice === undefined) return null;
  const window = windows[choice] as PlannedWindow;
  const updatedMs = between(rng, passMs + DAY_MS, window.startMs - 3 * DAY_MS);
  conduit.row.revision += 1;
  conduit.row.updated_at = iso(updatedMs);
  const added = LATER_FLOWS[conduit.row.name];
  if (
    added &&
    !conduit.flows.some(
      (f) => f.protocol === added.protocol && f.port === added.port && f.direction === added.direction
    )
  ) {
    conduit.flows = [...conduit.flows, added];
  }
  signCurrent(rng, conduit, updatedMs + HOUR_MS, window.startMs - DAY_MS);
  return placeChange(rng, windows, choice, {
    kind: "conduit_cutover",
    title: cutoverTitle(conduit.row.name, conduit.row.revision),
    conduit: index,
    conduitRevision: conduit.row.revision,
    assetName: null,
    minutes,
    status: "done",
    createdBy: conduit.designOwner ?? engineerEmail(ctx.site.code),
    notBeforeMs: Math.max(...conduit.signoffs.map((s) => s.signedMs)),
    latestMs,
  });
}

function conduitDrafts(ctx: PlantContext, zones: ZonePlan[], assets: PlannedAsset[]): ConduitDraft[] {
  const { rng } = ctx;
  const has = (key: string) => zones.some((z) => z.key === key);
  const nameOf = (zoneKey: string, tag: string, n = 1) => {
    const zone = zones.find((z) => z.key === zoneKey);
    const name = zone ? `${zone.namePrefix}-${tag}-${String(n).padStart(2, "0")}` : null;
    return name && assets.some((a) => a.row.name === name)
      ? name
      : `${zone?.shortName ?? zoneKey} ${tag.toLowerCase()}`;
  };
  const supSensor = nameOf("supervisory", "SNS");
  const drafts: ConduitDraft[] = [];
  // A plant with every conduit defined keeps to ten or fewer: the optional ones come only where there is room.
  const lineZones = zones.filter((z) => z.line);
  const room = MAX_CONDUITS - (has("dmz") ? 4 : 2) - 2 * lineZones.length;
  const diode = has("dmz") && room >= 1 && rng.chance(0.5);
  const buildingConduit = has("building") && room - (diode ? 1 : 0) >= 1;

  if (has("dmz")) {
    const outer = nameOf("dmz", "FW", 1);
    const inner = nameOf("dmz", "FW", 2);
    const dmzSensor = nameOf("dmz", "SNS");
    drafts.push({
      line: null,
      extra: false,
      zoneA: "dmz",
      zoneB: "corporate",
      name: "DMZ ↔ Corporate",
      purpose:
        "Every path between the plant and corporate: historian replication out; dashboards, jump-host sessions, patches and signatures in.",
      controlType: "firewall",
      monitoringPoint: `SPAN of ${outer} outside interface → sensor ${dmzSensor}`,
      flows: [
        flow("tcp", 5450, "a_to_b", "PI-to-PI: the DMZ historian replicates to the enterprise PI Data Archive"),
        flow("tcp", 443, "b_to_a", "HTTPS: corporate users read PI Vision displays on the DMZ historian"),
        flow("tcp", 3389, "b_to_a", "RDP to the DMZ jump host through the corporate RD Gateway, with MFA"),
        flow("tcp", 8530, "a_to_b", "WSUS: the DMZ downstream server syncs approved updates from corporate"),
        flow("tcp", 443, "a_to_b", "Antivirus: the DMZ ePO relay pulls signatures from the corporate ePO server"),
        flow("udp", 53, "a_to_b", "DNS: the DMZ resolver forwards to corporate DNS"),
        flow("udp", 123, "a_to_b", "NTP from the corporate stratum-2 servers"),
        flow("tcp", 6514, "a_to_b", "Syslog over TLS from DMZ hosts and firewalls to the OT SIEM collector"),
      ],
    });
    drafts.push({
      line: null,
      extra: false,
      zoneA: "supervisory",
      zoneB: "dmz",
      name: "Supervisory ↔ DMZ",
      purpose: "SCADA and historian traffic up to the DMZ; jump-host sessions and patching down into level 2.",
      controlType: "firewall",
      monitoringPoint: `SPAN of ${inner} inside interface → sensor ${supSensor}`,
      flows: [
        ...(diode ? [] : [flow("tcp", 5450, "a_to_b", "PI-to-PI: the site historian replicates to the DMZ historian")]),
        flow("tcp", 3389, "b_to_a", "RDP from the DMZ jump host to the SCADA servers"),
        flow("tcp", 8530, "a_to_b", "WSUS: OT servers pull approved patches from the DMZ downstream server"),
        flow("tcp", 443, "a_to_b", "Antivirus agents update from the DMZ ePO relay"),
        flow("udp", 514, "a_to_b", "Syslog from OT servers to the DMZ collector"),
        flow("udp", 161, "b_to_a", "SNMP polling from the DMZ network monitor"),
        flow("icmp", null, "b_to_a", "Ping from the DMZ network monitor"),
        flow("udp", 123, "a_to_b", "NTP from the DMZ time server"),
      ],
    });
    drafts.push({
      line: null,
      extra: false,
      zoneA: "engineering",
      zoneB: "dmz",
      name: "Engineering ↔ DMZ jump host",
      purpose: "Remote engineering sessions land on the DMZ jump host, never directly on an engineering workstation.",
      controlType: "jump_host",
      monitoringPoint: `SPAN of ${inner} engineering interface → sensor ${supSensor}`,
      flows: [
        flow("tcp", 3389, "b_to_a", "RDP from the DMZ jump host: the only way in for vendors and corporate engineers"),
        flow("tcp", 8530, "a_to_b", "WSUS: engineering workstations pull approved patches from the DMZ"),
        flow("tcp", 443, "a_to_b", "Antivirus agents update from the DMZ ePO relay"),
      ],
    });
    if (diode) {
      drafts.push({
        line: null,
        extra: true,
        zoneA: "supervisory",
        zoneB: "dmz",
        name: "Historian replication (diode)",
        purpose: "One-way historian replication to the DMZ through a hardware data diode.",
        controlType: "data_diode",
        monitoringPoint: `TAP on the diode's send side → sensor ${dmzSensor}`,
        flows: [flow("tcp", 5450, "a_to_b", "PI-to-PI replication through the diode; nothing can come back")],
      });
    }
  } else {
    const firewall = nameOf("supervisory", "FW");
    drafts.push({
      line: null,
      extra: false,
      zoneA: "supervisory",
      zoneB: "corporate",
      name: "Supervisory ↔ Corporate",
      purpose:
        "The plant's only path to corporate until a DMZ is built: historian out; jump-host sessions and patches in.",
      controlType: "firewall",
      monitoringPoint: `SPAN of ${firewall} outside interface → sensor ${supSensor}`,
      flows: [
        flow("tcp", 5450, "a_to_b", "PI-to-PI: the site historian replicates to the enterprise PI Data Archive"),
        flow("tcp", 3389, "b_to_a", "RDP to the OT jump server through the corporate RD Gateway, with MFA"),
        flow("tcp", 8530, "a_to_b", "WSUS: the OT downstream server syncs approved updates from corporate"),
        flow("udp", 123, "a_to_b", "NTP from the corporate stratum-2 servers"),
        flow("tcp", 6514, "a_to_b", "Syslog over TLS to the OT SIEM collector"),
      ],
    });
  }

  drafts.push({
    line: null,
    extra: false,
    zoneA: "engineering",
    zoneB: "supervisory",
    name: "Engineering ↔ Supervisory",
    purpose: "Engineering workstations reach the SCADA servers and the OT domain services.",
    controlType: rng.pick<ControlType>(["firewall", "router_acl"]),
    monitoringPoint: `SPAN of ${nameOf("supervisory", "SW")} engineering uplink → sensor ${supSensor}`,
    flows: [
      flow("tcp", 3389, "a_to_b", "RDP to the SCADA servers for display and alarm development"),
      flow("tcp", 445, "a_to_b", "SMB: project backups to the OT file server"),
      flow("tcp", 88, "a_to_b", "Kerberos to the OT domain controllers"),
      flow("tcp", 389, "a_to_b", "LDAP to the OT domain controllers"),
      flow("udp", 53, "a_to_b", "DNS from the OT domain controllers"),
      flow("udp", 123, "a_to_b", "NTP from the OT domain controllers"),
    ],
  });

  for (const zone of lineZones) {
    const line = zone.line as LinePlan;
    const lineAssets = assets.filter((a) => a.zoneKey === zone.key);
    const families = controllerFamilies(lineAssets);
    const switchName = nameOf(zone.key, "SW");
    const kinds = new Set(lineAssets.map((a) => a.row.kind));
    drafts.push({
      line: { number: line.number, access: "supervisory" },
      extra: false,
      zoneA: "supervisory",
      zoneB: zone.key,
      name: `Supervisory ↔ ${zone.shortName}`,
      purpose: `SCADA polling, alarms and historian collection from ${zone.shortName} (${line.area.label}).`,
      controlType: line.commissioned <= 2005 && rng.chance(0.5) ? "protocol_gateway" : "firewall",
      monitoringPoint: `SPAN of ${switchName} uplink → sensor ${supSensor}`,
      flows: dedupeFlows([
        ...families.flatMap((family) => SCADA_FLOWS[family] ?? []),
        flow("tcp", 4840, "a_to_b", "OPC UA: the historian's collector reads line data"),
        ...(kinds.has("printer")
          ? [flow("tcp", 9100, "a_to_b", "Label jobs from the MES to the line's Zebra printers (raw 9100)")]
          : []),
        flow("udp", 161, "a_to_b", "SNMP polling of the line switches"),
        flow("icmp", null, "a_to_b", "Ping from the SCADA servers for communication status"),
        flow("udp", 123, "b_to_a", NTP_IN),
      ]),
    });
    drafts.push({
      line: { number: line.number, access: "engineering" },
      extra: false,
      zoneA: "engineering",
      zoneB: zone.key,
      name: `Engineering ↔ ${zone.shortName}`,
      purpose: `Programming, downloads and diagnostics of ${zone.shortName} controllers from the engineering workstations.`,
      controlType: "firewall",
      monitoringPoint: `SPAN of ${switchName} uplink, engineering VLAN → sensor ${supSensor}`,
      flows: dedupeFlows([
        ...families.flatMap((family) => ENGINEERING_FLOWS[family] ?? []),
        ...(kinds.has("robot_controller") && lineAssets.some((a) => a.family === "fanuc")
          ? ENGINEERING_FLOWS.fanuc ?? []
          : []),
        flow("tcp", 80, "a_to_b", "HTTP diagnostics pages of drives and I/O adapters"),
        flow("icmp", null, "a_to_b", "Ping from the engineering workstations"),
      ]),
    });
  }

  if (buildingConduit) {
    drafts.push({
      line: null,
      extra: true,
      zoneA: "building",
      zoneB: "corporate",
      name: "Building systems ↔ Corporate",
      purpose: "Video and building management for corporate facilities, kept off the production network.",
      controlType: "router_acl",
      monitoringPoint: `SPAN of ${nameOf("building", "SW")} uplink → sensor ${supSensor}`,
      flows: [
        flow("tcp", 554, "b_to_a", "RTSP: the corporate video management server pulls camera streams"),
        flow("tcp", 443, "b_to_a", "HTTPS: camera and building-controller management from corporate facilities"),
        flow("udp", 47808, "b_to_a", "BACnet/IP from the facilities workstation to the building controllers"),
        flow("udp", 123, "a_to_b", "NTP from the corporate stratum-2 servers"),
      ],
    });
  }
  return drafts;
}

/** The ecosystems that make up at least a tenth of a line's controllers and HMIs, largest first. */
function controllerFamilies(lineAssets: PlannedAsset[]): VendorFamily[] {
  const counts = new Map<VendorFamily, number>();
  let total = 0;
  for (const asset of lineAssets) {
    if (!asset.family || !["plc", "safety_plc", "hmi"].includes(asset.row.kind ?? "")) continue;
    counts.set(asset.family, (counts.get(asset.family) ?? 0) + 1);
    total++;
  }
  return [...counts.entries()]
    .filter(([, n]) => n >= Math.max(2, total * 0.1))
    .sort((a, b) => b[1] - a[1] || byCodePoint(a[0], b[0]))
    .map(([family]) => family);
}

function dedupeFlows(flows: FlowSpec[]): FlowSpec[] {
  const seen = new Set<string>();
  return flows.filter((f) => {
    const key = `${f.protocol}/${f.port ?? "-"}/${f.direction}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const SECURITY_EMAILS = PROGRAM_PEOPLE.filter((p) => p.role === "corporate_security").map((p) => p.email);
const LEAD_EMAILS = PROGRAM_PEOPLE.filter((p) => p.role === "program_lead").map((p) => p.email);

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
function designOwnerFor(ctx: PlantContext): string {
  const roving = ROVING_ENGINEERS.filter((p) => p.plants.includes(ctx.site.code)).map((p) => p.email);
  return roving.length > 0 && ctx.rng.chance(0.25) ? ctx.rng.pick(roving) : engineerEmail(ctx.site.code);
}

function plannedSignoff(
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
function planOwnershipSplit(ctx: PlantContext): OwnershipPlan {
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

function planGatePasses(
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

// ---------------------------------------------------------------------------------------------------------------
// Insertion: one statement per row only where an id is needed back, batches for everything else.

const CHUNK = 500;

async function insertProgram(
  trx: Transaction<Database>,
  program: PlannedProgram,
  passwordHash: string | null
): Promise<SeedSummary> {
  const personIds = new Map<string, number>();
  const idOf = (email: string): number => {
    const id = personIds.get(email);
    if (id === undefined) throw new Error(`${email} is not a demo person.`);
    return id;
  };
  for (const person of program.people) {
    const createdAt = program.peopleCreatedAt.get(person.email) ?? program.now;
    const row: NewPerson = {
      email: person.email,
      name: person.name,
      role: person.role,
      title: person.title,
      active: 1,
      created_at: createdAt,
      password_hash: passwordHash,
      password_changed_at: passwordHash === null ? null : createdAt,
    };
    const { id } = await trx.insertInto("person").values(row).returning("id").executeTakeFirstOrThrow();
    personIds.set(person.email, id);
  }

  const plantIds = new Map<string, number>();
  const zoneRanges: NewZoneRange[] = [];
  const assets: NewAsset[] = [];
  const flows: NewConduitFlow[] = [];
  const gatePasses: NewGatePass[] = [];
  const signoffs: Insertable<SignoffTable>[] = [];
  let zoneCount = 0;
  let conduitCount = 0;

  const conduitIds = new Map<string, number[]>();
  const signoffRow = (
    signoff: PlannedSignoff,
    subject: { type: "ownership_split" | "conduit" | "baseline_acceptance"; id: number; plantId: number },
    contentHash: string
  ): Insertable<SignoffTable> => ({
    subject_type: subject.type,
    subject_id: subject.id,
    plant_id: subject.plantId,
    part: signoff.part,
    person_id: idOf(signoff.person),
    role: signoff.part === "design_change_control" ? "plant_engineer" : "corporate_security",
    revision: signoff.revision,
    content_hash: contentHash,
    signed_at: iso(signoff.signedMs),
    note: signoff.note,
    revoked_at: null,
    revoked_reason: null,
  });

  for (const plant of program.plants) {
    const { id: plantId } = await trx.insertInto("plant").values(plant.row).returning("id").executeTakeFirstOrThrow();
    plantIds.set(plant.row.code, plantId);

    const { ownership } = plant;
    for (const signoff of ownership.signoffs) {
      const text =
        signoff.revision === ownership.revision ? ownership.text : ownership.earlierTexts.get(signoff.revision);
      const hash = ownershipSplitHash({
        code: plant.row.code,
        ownership_split: text ?? null,
        ownership_split_revision: signoff.revision,
      });
      signoffs.push(signoffRow(signoff, { type: "ownership_split", id: plantId, plantId }, hash));
    }

    const zoneIds = new Map<string, number>();
    for (const zone of plant.zones.filter((z) => z.inserted)) {
      const row: NewZone = {
        plant_id: plantId,
        name: zone.name,
        kind: zone.kind,
        purdue_level: zone.purdueLevel,
        sl_target: zone.slTarget,
        description: zone.description,
        created_at: iso(zone.createdMs),
      };
      const { id } = await trx.insertInto("zone").values(row).returning("id").executeTakeFirstOrThrow();
      zoneIds.set(zone.key, id);
      for (const cidr of [`${intToIpv4(zone.base)}/${32 - Math.log2(zone.size)}`, ...zone.extraCidrs]) {
        zoneRanges.push({ zone_id: id, cidr });
      }
    }
    zoneCount += zoneIds.size;

    for (const asset of plant.assets) {
      const zoneId = asset.placed ? zoneIds.get(asset.zoneKey) : undefined;
      assets.push({ ...asset.row, plant_id: plantId, zone_id: zoneId ?? null });
    }

    const ids: number[] = [];
    conduitIds.set(plant.row.code, ids);
    for (const conduit of plant.conduits) {
      const zoneA = zoneIds.get(conduit.zoneA);
      const zoneB = zoneIds.get(conduit.zoneB);
      if (zoneA === undefined || zoneB === undefined) {
        throw new Error(`Conduit ${conduit.row.name} of ${plant.row.code} joins a zone that was not created.`);
      }
      const { id: conduitId } = await trx
        .insertInto("conduit")
        .values({
          ...conduit.row,
          plant_id: plantId,
          zone_a_id: zoneA,
          zone_b_id: zoneB,
          design_owner_id: conduit.designOwner === null ? null : idOf(conduit.designOwner),
          monitoring_owner_id: conduit.monitoringOwner === null ? null : idOf(conduit.monitoringOwner),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids.push(conduitId);
      for (const f of conduit.flows) flows.push({ conduit_id: conduitId, ...f });
      const definition = {
        id: conduitId,
        plantId,
        name: conduit.row.name,
        zoneAId: zoneA,
        zoneBId: zoneB,
        purpose: conduit.row.purpose ?? null,
        controlType: conduit.row.control_type ?? null,
        monitored: conduit.row.monitored === 1,
        monitoringPoint: conduit.row.monitoring_point ?? null,
        flows: conduit.flows,
      };
      for (const signoff of conduit.signoffs) {
        const hash = conduitHash({ ...definition, revision: signoff.revision });
        signoffs.push(signoffRow(signoff, { type: "conduit", id: conduitId, plantId }, hash));
      }
      conduitCount++;
    }

    // Both owners' acceptance of a stalled baseline binds the conduit's revision and the epoch it stalled in.
    for (const acceptance of plant.operations.acceptances) {
      const conduitId = ids[acceptance.conduit] as number;
      signoffs.push(
        signoffRow(
          {
            part: acceptance.part,
            person: acceptance.person,
            revision: acceptance.revision,
            signedMs: acceptance.signedMs,
            note: acceptance.note,
          },
          { type: "baseline_acceptance", id: conduitId, plantId },
          baselineAcceptanceHash(conduitId, acceptance.revision, acceptance.epochStart)
        )
      );
    }

    for (const pass of plant.gatePasses) {
      gatePasses.push({
        plant_id: plantId,
        phase: pass.phase,
        passed_at: pass.passedAt,
        passed_by: idOf(pass.passedBy),
        criteria_snapshot: JSON.stringify(GATE_CRITERIA[pass.phase].map((code) => ({ code, met: true }))),
        note: pass.note,
      });
    }
  }

  const personPlants = program.people.flatMap((person) =>
    person.plants.map((code) => {
      const plantId = plantIds.get(code);
      if (plantId === undefined) throw new Error(`Cannot assign ${person.email} to ${code}: no such plant.`);
      return { person_id: idOf(person.email), plant_id: plantId };
    })
  );

  await inChunks(zoneRanges, (rows) => trx.insertInto("zone_range").values(rows).execute());
  await inChunks(assets, (rows) => trx.insertInto("asset").values(rows).execute());
  await inChunks(flows, (rows) => trx.insertInto("conduit_flow").values(rows).execute());
  await inChunks(personPlants, (rows) => trx.insertInto("person_plant").values(rows).execute());
  await inChunks(gatePasses, (rows) => trx.insertInto("gate_pass").values(rows).execute());
  await inChunks(
    [...signoffs].sort((a, b) => byCodePoint(a.signed_at, b.signed_at)),
    (rows) => trx.insertInto("signoff").values(rows).execute()
  );
  const operations = await insertOperations(trx, program, { plantIds, conduitIds, idOf });
  const capture = await ingestDemoCaptures(trx, program.now, (code) => {
    const engineer = program.people.find((p) => p.role === "plant_engineer" && p.plants.includes(code));
    return engineer ? idOf(engineer.email) : null;
  });

  const summary: SeedSummary = {
    seed: program.seed,
    now: program.now,
    plants: program.plants.length,
    zones: zoneCount,
    zoneRanges: zoneRanges.length,
    conduits: conduitCount,
    flows: flows.length,
    assets: assets.length + (capture?.stagedHosts.length ?? 0),
    people: program.people.length,
    plantAssignments: personPlants.length,
    gatePasses: gatePasses.length,
    signoffs: signoffs.length,
    ...operations,
    observations: operations.observations + (capture?.days.length ?? 0),
    accounts: program.people
      .map((p): DemoAccount => ({ email: p.email, name: p.name, role: p.role, plants: [...p.plants] }))
      .sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || byCodePoint(a.email, b.email)),
  };

  // The seed is a change like any other: one event, attributed to the system, records what it created.
  await recordAudit(
    trx,
    systemActor("demo seed"),
    {
      action: "program.seed",
      objectType: "program",
      objectId: null,
      plantId: null,
      summary: `Seeded the demo program (seed ${program.seed}): ${summary.plants} plants, ${formatCount(
        summary.assets
      )} assets, ${summary.people} people`,
      after: { ...summary, accounts: summary.accounts.length },
    },
    new Date(program.now)
  );
  return summary;
}

type OperationCounts = Pick<
  SeedSummary,
  "windows" | "changes" | "observations" | "ticks" | "waivers" | "wirings" | "rules"
>;

/** Windows and changes need their ids back; everything else goes in batches. */
async function insertOperations(
  trx: Transaction<Database>,
  program: PlannedProgram,
  refs: { plantIds: Map<string, number>; conduitIds: Map<string, number[]>; idOf: (email: string) => number }
): Promise<OperationCounts> {
  const { plantIds, conduitIds, idOf } = refs;
  const changes: Insertable<NetworkChangeTable>[] = [];
  const observations: ObservationWrite[] = [];
  const ticks: (Insertable<ChecklistTickTable> & { order: number })[] = [];
  const waivers: Insertable<WaiverTable>[] = [];
  const wirings: Insertable<AlertWiringTable>[] = [];
  const rules: Insertable<DetectionRuleTable>[] = [];
  let windowCount = 0;

  for (const [order, plant] of program.plants.entries()) {
    const plantId = plantIds.get(plant.row.code) as number;
    const conduitsOf = conduitIds.get(plant.row.code) ?? [];
    const conduitId = (index: number) => {
      const id = conduitsOf[index];
      if (id === undefined) throw new Error(`${plant.row.code} has no conduit ${index}.`);
      return id;
    };
    const ops = plant.operations;

    const windowIds: number[] = [];
    for (const w of ops.windows) {
      const { id } = await trx
        .insertInto("outage_window")
        .values({
          plant_id: plantId,
          title: w.title,
          kind: w.kind,
          status: w.status,
          starts_at: iso(w.startMs),
          ends_at: iso(w.endMs),
          time_zone: plant.row.time_zone,
          notes: w.notes,
          created_by: idOf(w.createdBy),
          created_at: iso(w.createdMs),
          updated_at: iso(w.updatedMs),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      windowIds.push(id);
    }
    windowCount += windowIds.length;

    const assetNames = [...new Set(ops.changes.flatMap((c) => (c.assetName ? [c.assetName] : [])))];
    const assetIds = new Map(
      assetNames.length === 0
        ? []
        : (
            await trx
              .selectFrom("asset")
              .select(["id", "name"])
              .where("plant_id", "=", plantId)
              .where("name", "in", assetNames)
              .execute()
          ).map((a) => [a.name, a.id] as const)
    );
    for (const c of [...ops.changes].sort((a, b) => a.createdMs - b.createdMs || byCodePoint(a.title, b.title))) {
      changes.push({
        plant_id: plantId,
        kind: c.kind,
        title: c.title,
        conduit_id: c.conduit === null ? null : conduitId(c.conduit),
        conduit_revision: c.conduitRevision,
        asset_id: c.assetName === null ? null : assetIds.get(c.assetName) ?? null,
        window_id: c.window === null ? null : windowIds[c.window],
        planned_start: c.plannedStartMs === null ? null : iso(c.plannedStartMs),
        planned_minutes: c.plannedMinutes,
        status: c.status,
        done_at: c.doneMs === null ? null : iso(c.doneMs),
        created_by: idOf(c.createdBy),
        created_at: iso(c.createdMs),
        updated_at: iso(c.updatedMs),
      });
    }
    for (const o of ops.observations) {
      observations.push({
        conduitId: conduitId(o.conduit),
        day: o.day,
        source: "sensor_pipeline",
        coverage: o.coverage,
        tuples: o.tuples,
        newTuples: o.newTuples,
        connections: o.connections,
        bytes: o.bytes,
        recordedAt: iso(o.recordedMs),
      });
    }
    for (const t of ops.ticks) {
      ticks.push({
        order,
        plant_id: plantId,
        code: t.code,
        ticked: t.ticked ? 1 : 0,
        note: t.note,
        details_json: t.details ? JSON.stringify(t.details) : null,
        person_id: idOf(t.person),
        at: iso(t.atMs),
      });
    }
    for (const w of ops.waivers) {
      waivers.push({
        plant_id: plantId,
        code: w.code,
        justification: w.justification,
        person_id: idOf(w.person),
        at: iso(w.atMs),
        revoked_at: null,
        revoked_by: null,
      });
    }
    for (const w of ops.wirings) {
      wirings.push({
        conduit_id: conduitId(w.conduit),
        conduit_revision: w.revision,
        person_id: idOf(w.person),
        at: iso(w.atMs),
        siem_reference: w.siemReference,
      });
    }
    for (const r of ops.rules) {
      rules.push({
        conduit_id: conduitId(r.conduit),
        name: r.name,
        class: r.ruleClass,
        description: r.description,
        reviewed_by: r.reviewedBy === null ? null : idOf(r.reviewedBy),
        reviewed_at: r.reviewedMs === null ? null : iso(r.reviewedMs),
        created_by: idOf(r.createdBy),
        created_at: iso(r.createdMs),
      });
    }
  }

  // Append-only rows go in the order they happened: the latest tick of a criterion is its state.
  const byTime =
    <T>(at: (row: T) => string) =>
    (a: T, b: T) =>
      byCodePoint(at(a), at(b));
  await inChunks(changes, (rows) => trx.insertInto("network_change").values(rows).execute());
  // Sensor pipelines' daily summaries, through the same validation and upsert as the observations API.
  await upsertObservations(trx, observations);
  await inChunks(
    ticks.sort((a, b) => byCodePoint(a.at, b.at) || a.order - b.order).map(({ order: _order, ...row }) => row),
    (rows) => trx.insertInto("checklist_tick").values(rows).execute()
  );
  await inChunks(waivers.sort(byTime((w) => w.at)), (rows) => trx.insertInto("waiver").values(rows).execute());
  await inChunks(wirings.sort(byTime((w) => w.at)), (rows) => trx.insertInto("alert_wiring").values(rows).execute());
  await inChunks(rules.sort(byTime((r) => r.created_at)), (rows) =>
    trx.insertInto("detection_rule").values(rows).execute()
  );
  return {
    windows: windowCount,
    changes: changes.length,
    observations: observations.length,
    ticks: ticks.length,
    waivers: waivers.length,
    wirings: wirings.length,
    rules: rules.length,
  };
}

async function inChunks<T>(rows: readonly T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers for time and addresses.

function ipv4ToInt(address: string): number {
  return Number(parseAddress(address)!.value);
}

function intToIpv4(value: number): string {
  return formatAddress({ version: 4, value: BigInt(value) });
}
