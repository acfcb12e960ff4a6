import type { ProgramFile } from "./program-file";
import { compareFlows } from "./conduits";
import { PHASES } from "./vocabulary";

// The program file as it is written: its counts, its one canonical order and its text. Its schema and types are in
// ./program-file, reading a file in ./program-file-reading.

// ---------------------------------------------------------------------------------------------------------------
// Counts

export interface ProgramCounts {
  settings: number;
  people: number;
  plantAssignments: number;
  plants: number;
  zones: number;
  zoneRanges: number;
  conduits: number;
  flows: number;
  observations: number;
  alertWirings: number;
  detectionRules: number;
  assets: number;
  outageWindows: number;
  networkChanges: number;
  checklistTicks: number;
  waivers: number;
  gatePasses: number;
  signoffs: number;
}

export function countProgram(program: ProgramFile): ProgramCounts {
  const plants = program.plants;
  const conduits = plants.flatMap((p) => p.conduits);
  const total = <T>(items: readonly T[], n: (item: T) => number) => items.reduce((sum, item) => sum + n(item), 0);
  return {
    settings: Object.keys(program.settings).length,
    people: program.people.length,
    plantAssignments: total(program.people, (p) => p.plants.length),
    plants: plants.length,
    zones: total(plants, (p) => p.zones.length),
    zoneRanges: total(plants, (p) => total(p.zones, (z) => z.ranges.length)),
    conduits: conduits.length,
    flows: total(conduits, (c) => c.flows.length),
    observations: total(conduits, (c) => c.observations.length),
    alertWirings: total(conduits, (c) => c.alertWirings.length),
    detectionRules: total(conduits, (c) => c.detectionRules.length),
    assets: total(plants, (p) => p.assets.length),
    outageWindows: total(plants, (p) => p.outageWindows.length),
    networkChanges: total(plants, (p) => p.networkChanges.length),
    checklistTicks: total(plants, (p) => p.checklistTicks.length),
    waivers: total(plants, (p) => p.waivers.length),
    gatePasses: total(plants, (p) => p.gatePasses.length),
    signoffs: total(plants, (p) => p.signoffs.length),
  };
}

/** "13 plants, 16,920 assets, 24 people": the counts a reader checks first. */
export function describeCounts(counts: Pick<ProgramCounts, "plants" | "assets" | "people">): string {
  const n = (value: number) => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${n(counts.plants)} plants, ${n(counts.assets)} assets, ${n(counts.people)} people`;
}

// ---------------------------------------------------------------------------------------------------------------
// Canonical order

/** Plain code-point order: localeCompare would let the machine's locale reorder the file. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sorted<T>(items: readonly T[], compare: (a: T, b: T) => number): T[] {
  return [...items].sort(compare);
}

/**
 * The document in the format's canonical order. Collections with a natural key are sorted by it; logs (signoffs,
 * checklist ticks, waivers, network changes, alert wirings, detection rules) keep the order they were recorded in,
 * which the app reads as meaning ("the latest tick"). The sort is stable, so equal keys keep their given order.
 */
export function canonicalOrder(program: ProgramFile): ProgramFile {
  return {
    ...program,
    settings: Object.fromEntries(Object.entries(program.settings).sort(([a], [b]) => byCodePoint(a, b))),
    people: sorted(program.people, (a, b) => byCodePoint(a.email, b.email)).map((person) => ({
      ...person,
      plants: sorted(person.plants, byCodePoint),
    })),
    plants: sorted(program.plants, (a, b) => byCodePoint(a.code, b.code)).map((plant) => ({
      ...plant,
      zones: sorted(plant.zones, (a, b) => byCodePoint(a.name, b.name)).map((zone) => ({
        ...zone,
        ranges: sorted(zone.ranges, byCodePoint),
      })),
      conduits: sorted(plant.conduits, (a, b) => byCodePoint(a.name, b.name)).map((conduit) => ({
        ...conduit,
        flows: sorted(conduit.flows, compareFlows),
        observations: sorted(
          conduit.observations,
          (a, b) => byCodePoint(a.day, b.day) || byCodePoint(a.source, b.source)
        ),
      })),
      assets: sorted(plant.assets, (a, b) => byCodePoint(a.name, b.name)),
      // By start only: windows starting together keep their given order, which their "#n" keys follow.
      outageWindows: sorted(plant.outageWindows, (a, b) => byCodePoint(a.startsAt, b.startsAt)),
      gatePasses: sorted(plant.gatePasses, (a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase)),
    })),
  };
}

/**
 * Keys for a plant's outage windows, given in canonical order: the start instant, with "#2", "#3"… for later
 * windows starting at the same instant. Readable, and the same on every export of the same windows.
 */
export function outageWindowKeys(startsAt: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return startsAt.map((start) => {
    const n = (seen.get(start) ?? 0) + 1;
    seen.set(start, n);
    return n === 1 ? start : `${start}#${n}`;
  });
}

/** The file's text: two-space indented JSON and a final newline, the same bytes for the same program. */
export function serializeProgram(program: ProgramFile): string {
  return `${JSON.stringify(program, null, 2)}\n`;
}
