import type { NewAsset, NewConduit, NewPlant } from "../schema";
import type { FlowDirection, FlowProtocol, Phase, Role, ZoneKind } from "../../app/domain/vocabulary";
import type { SignoffPart } from "../../app/domain/signoffs";
import type { PlantSite, ProductionArea, VendorFamily } from "./catalog";
import type { PlantOperations, PlantStory } from "./operations";
import type { Random } from "./random";
import type { ZoneSlot } from "./plan-zones";

// The demo program's plan: what each plant's story is, who works on the program, and the shapes the planners
// fill in (zones and people referred to by keys; the program document maps them to names).

// ---------------------------------------------------------------------------------------------------------------
// What each plant's story is: its phase, how it stands against its targets, and what still blocks it.

type Schedule = "ahead" | "on_track" | "behind";

export interface PlantPlan {
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
  /** A conduits-phase plant whose design bears warnings of the design review, for its signers to acknowledge. */
  designWarnings?: boolean;
  dmzIpv6?: string;
  /** What the plant's windows, baselines, checklist and alerting show beyond its phase. */
  story?: PlantStory;
}

export const PLANT_PLANS: Readonly<Record<string, PlantPlan>> = {
  // Every alert wired and every rule reviewed: ready to pass its alerting gate.
  DAY: { phase: "alerting", schedule: "ahead", dmzIpv6: "fd3c:a41e:62:35::/64" },
  PEO: {
    phase: "alerting",
    schedule: "on_track",
    story: { unwired: 3, unreviewedRules: 2, zoningReviewReopened: true, sensorSilent: "Supervisory ↔ Line 1" },
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
    designWarnings: true,
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
export const PHASE_DAYS: Readonly<Record<Phase, readonly [number, number]>> = {
  inventory: [70, 120],
  zoning: [45, 90],
  conduits: [75, 130],
  baseline: [40, 75],
  alerting: [30, 60],
};

export interface PersonSpec {
  email: string;
  name: string;
  role: Role;
  title: string;
  plants: string[];
}

/** The demo's corporate security account: the one people sign in with to try the role. */
export const DEMO_SECURITY_EMAIL = "security@demo.test";

export const PROGRAM_PEOPLE: readonly PersonSpec[] = [
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
    email: DEMO_SECURITY_EMAIL,
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

export const PLANT_ENGINEERS: Readonly<Record<string, { name: string; title: string }>> = {
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
export const ROVING_ENGINEERS: readonly PersonSpec[] = [
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
// The shapes of the plan: the whole program is built in memory first, with zones and people referred to by keys,
// so the program document (program-document.ts) only maps keys to names.

export const MONTHS = [
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

export interface ZonePlan {
  key: string;
  kind: ZoneKind;
  name: string;
  shortName: string;
  purdueLevel: number | null;
  slTarget: number | null;
  /** Holds safety instrumented systems. */
  safety?: boolean;
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

export interface LinePlan {
  number: number;
  area: ProductionArea;
  commissioned: number;
}

export interface PlannedAsset {
  zoneKey: string;
  placed: boolean;
  family: VendorFamily | null;
  row: Omit<NewAsset, "plant_id" | "zone_id">;
}

export interface FlowSpec {
  protocol: FlowProtocol;
  port: number | null;
  /** The last port of a range. */
  portEnd?: number;
  direction: FlowDirection;
  description: string;
}

export interface PlannedConduit {
  zoneA: string;
  zoneB: string;
  row: Omit<NewConduit, "plant_id" | "zone_a_id" | "zone_b_id" | "design_owner_id" | "monitoring_owner_id">;
  flows: FlowSpec[];
  designOwner: string | null;
  monitoringOwner: string | null;
  signoffs: PlannedSignoff[];
}

/** A signature by email, on one revision of its subject; the content hash is computed once ids are known. */
export interface PlannedSignoff {
  part: SignoffPart;
  person: string;
  revision: number;
  signedMs: number;
  note: string | null;
}

export interface OwnershipPlan {
  text: string | null;
  revision: number;
  /** The text of each earlier revision, so stale signatures hash what was really signed. */
  earlierTexts: Map<number, string>;
  signoffs: PlannedSignoff[];
}

export interface PlannedGatePass {
  phase: Phase;
  passedAt: string;
  passedBy: string;
  note: string | null;
}

export interface PlannedPlant {
  row: NewPlant;
  ownership: OwnershipPlan;
  zones: ZonePlan[];
  assets: PlannedAsset[];
  conduits: PlannedConduit[];
  gatePasses: PlannedGatePass[];
  operations: PlantOperations;
  createdMs: number;
}

export interface PlannedProgram {
  seed: number;
  now: string;
  plants: PlannedPlant[];
  people: PersonSpec[];
  peopleCreatedAt: Map<string, string>;
}

export interface Timeline {
  phaseIndex: number;
  kickoffMs: number;
  createdMs: number;
  /** Instants of the gate passes, one per passed phase, in phase order. */
  passMs: number[];
  targets: string[];
}

export interface PlantContext {
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

export const SECURITY_EMAILS = PROGRAM_PEOPLE.filter((p) => p.role === "corporate_security").map((p) => p.email);
export const LEAD_EMAILS = PROGRAM_PEOPLE.filter((p) => p.role === "program_lead").map((p) => p.email);

/** The plant's own engineer first, then the regional engineers covering it. */
export function engineersOf(code: string): string[] {
  return [engineerEmail(code), ...ROVING_ENGINEERS.filter((p) => p.plants.includes(code)).map((p) => p.email)];
}
