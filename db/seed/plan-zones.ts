import type { AssetKind, Criticality, DiscoverySource } from "../../app/domain/vocabulary";
import { formatAddress, parseAddress } from "../../app/domain/cidr";
import { CATALOG, INDUSTRIES, type CatalogEntry, type PlantSite, type ProductionArea } from "./catalog";
import type { Random } from "./random";
import { between, clamp, DAY_MS, iso, workTime } from "./util";
import type { ZonePlan, LinePlan, PlannedAsset, PlantContext } from "./plan-model";

// Zones and addressing. Every zone gets its IPv4 block whether or not the zone exists yet in the database: a plant
// still in inventory has its devices addressed the way they really are, the zones just have not been drawn.

export interface ZoneSlot {
  kind: AssetKind;
  tag: string;
  count: number;
  subtype?: CatalogEntry["subtype"];
}

export function planZones(ctx: PlantContext, index: number): ZonePlan[] {
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
    // Beside the supervisory systems, one level above the controllers they program.
    purdueLevel: 2,
    slTarget: 3,
    description: rng.chance(0.5)
      ? "Workstations with the programming software that can change controller logic."
      : "Workstations with the programming and configuration software that can change controller logic and drives.",
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
      purdueLevel: 3,
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
      // Utilities (boilers, burners, compressed gases) run safety instrumented systems beside their controllers.
      safety: line.area.utilities,
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

export function planAssets(ctx: PlantContext, zones: ZonePlan[]): PlannedAsset[] {
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
export function placeAssets(ctx: PlantContext, zones: ZonePlan[], assets: PlannedAsset[]): void {
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
// Small helpers for time and addresses.

function ipv4ToInt(address: string): number {
  return Number(parseAddress(address)!.value);
}

export function intToIpv4(value: number): string {
  return formatAddress({ version: 4, value: BigInt(value) });
}
