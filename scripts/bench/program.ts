import { DateTime } from "luxon";
import type {
  ProgramAsset,
  ProgramConduit,
  ProgramFile,
  ProgramNetworkChange,
  ProgramOutageWindow,
  ProgramPerson,
  ProgramPlant,
  ProgramZone,
} from "../../app/domain/program-file";
import { ASSET_KINDS, CRITICALITIES, PHASES } from "../../app/domain/vocabulary";
import { createRandom, type Random } from "../../db/seed/random";

// A large program document for the benchmark, in the program file format (docs/program-format.md), so it goes
// into the database through the real importer. Deterministic: the same seed, plant count and day give the same
// document. Each plant has six zones with IPv4 ranges (one also IPv6), about ten conduits of which six are
// monitored, about a thousand assets, outage windows, a completed cutover of every monitored conduit and
// `observationDays` days of observations on each, and gate passes that spread the plants over the phases.

export const BENCH_PASSWORD = "bench-password-1";

export interface BenchProgramOptions {
  plants: number;
  seed?: number;
  /** Today, a UTC calendar date; observations run up to the day before. */
  today: string;
  observationDays?: number;
  assetsPerPlant?: number;
}

const TIME_ZONES = [
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Phoenix",
  "America/Los_Angeles",
  "America/Mexico_City",
  "America/Sao_Paulo",
  "Europe/London",
  "Europe/Berlin",
  "Europe/Warsaw",
  "Africa/Johannesburg",
  "Asia/Kolkata",
  "Asia/Shanghai",
  "Asia/Tokyo",
  "Australia/Sydney",
  "Pacific/Auckland",
];

const REGIONS = ["North America", "South America", "Europe", "Africa", "Asia", "Oceania"];

interface ZoneSpec {
  name: string;
  kind: ProgramZone["kind"];
  purdueLevel: number;
  slTarget: number;
}

const ZONES: ZoneSpec[] = [
  { name: "Corporate network", kind: "corporate", purdueLevel: 4, slTarget: 1 },
  { name: "Plant DMZ", kind: "dmz", purdueLevel: 3.5, slTarget: 3 },
  { name: "Supervisory", kind: "supervisory", purdueLevel: 3, slTarget: 2 },
  { name: "Engineering workstations", kind: "engineering_workstation", purdueLevel: 2, slTarget: 2 },
  { name: "Process cell A", kind: "process_control", purdueLevel: 1, slTarget: 3 },
  { name: "Process cell B", kind: "process_control", purdueLevel: 1, slTarget: 3 },
];

/** Conduits by zone index pair; the first six are monitored. Flows: protocol, port, direction. */
export const CONDUITS: { a: number; b: number; flows: [string, number | null, string][] }[] = [
  {
    a: 1,
    b: 0,
    flows: [
      ["tcp", 5450, "a_to_b"],
      ["tcp", 443, "b_to_a"],
    ],
  },
  { a: 2, b: 1, flows: [["tcp", 5450, "a_to_b"]] },
  {
    a: 2,
    b: 4,
    flows: [
      ["tcp", 44818, "a_to_b"],
      ["udp", 2222, "both"],
    ],
  },
  { a: 2, b: 5, flows: [["tcp", 502, "a_to_b"]] },
  {
    a: 3,
    b: 4,
    flows: [
      ["tcp", 44818, "a_to_b"],
      ["tcp", 102, "a_to_b"],
    ],
  },
  { a: 3, b: 2, flows: [["tcp", 3389, "a_to_b"]] },
  { a: 3, b: 5, flows: [["tcp", 502, "a_to_b"]] },
  { a: 1, b: 3, flows: [["tcp", 22, "b_to_a"]] },
  { a: 0, b: 2, flows: [["tcp", 443, "a_to_b"]] },
  { a: 4, b: 5, flows: [["udp", 2222, "both"]] },
];
export const MONITORED_CONDUITS = 6;

export function plantCode(index: number): string {
  return `B${String(index + 1).padStart(4, "0")}`;
}

/** The IPv4 /20 of zone `zone` of plant `index`: plants share 10.0.0.0/8, two plants to a /16. */
function zoneBase(index: number, zone: number): [number, number, number] {
  return [10, index >> 1, (index & 1) * 128 + zone * 16];
}

/** Host `host` (0–4095) of a zone's /20. */
export function hostIp(index: number, zone: number, host: number): string {
  const [a, b, c] = zoneBase(index, zone);
  return `${a}.${b}.${c + (host >> 8)}.${host & 255}`;
}

function conduitName(spec: { a: number; b: number }): string {
  return `${ZONES[spec.a]!.name} ↔ ${ZONES[spec.b]!.name}`;
}

const iso = (dt: DateTime) => dt.toUTC().toISO({ suppressMilliseconds: false })!;

function mac(random: Random): string {
  const bytes = [0x00, 0x1d, 0x9c, random.int(0, 255), random.int(0, 255), random.int(0, 255)];
  return bytes.map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":");
}

const VENDORS = ["Rockwell", "Siemens", "Schneider", "ABB", "Emerson", "Honeywell", "Moxa", "Cisco"];
const ASSET_PREFIX: Record<string, string> = { plc: "PLC", hmi: "HMI", historian: "HIST", switch: "SW" };

function plantDocument(
  index: number,
  random: Random,
  options: Required<BenchProgramOptions>,
  people: { lead: string; security: string; engineer: string }
): ProgramPlant {
  const code = plantCode(index);
  const timeZone = TIME_ZONES[index % TIME_ZONES.length]!;
  const today = DateTime.fromISO(options.today, { zone: "UTC" });
  const created = today.minus({ days: 400 + random.int(0, 60) });
  // Phase index 0–5 (5 is complete), spread over the plants.
  const phaseIndex = index % 6;
  const local = (days: number, hour: number) =>
    iso(
      today
        .minus({ days })
        .setZone(timeZone, { keepLocalTime: false })
        .set({ hour, minute: 0, second: 0, millisecond: 0 })
    );

  const zones: ProgramZone[] = ZONES.map((z, zi) => {
    const [a, b, c] = zoneBase(index, zi);
    const ranges = [`${a}.${b}.${c}.0/20`];
    if (zi === 0) ranges.push(`fd00:${index.toString(16)}:${zi}::/64`);
    return {
      name: z.name,
      kind: z.kind,
      purdueLevel: z.purdueLevel,
      slTarget: z.slTarget,
      safety: false,
      description: null,
      createdAt: iso(created.plus({ days: 5 })),
      ranges,
    };
  });

  const windows: ProgramOutageWindow[] = [];
  const cutoverDay = options.observationDays + 5;
  const windowStart = local(cutoverDay, 2);
  const windowEnd = iso(DateTime.fromISO(windowStart).plus({ hours: 6 }));
  windows.push({
    key: windowStart,
    title: "Quarterly shutdown",
    kind: "scheduled_outage",
    status: "completed",
    startsAt: windowStart,
    endsAt: windowEnd,
    timeZone,
    notes: null,
    createdBy: people.engineer,
    createdAt: iso(created.plus({ days: 10 })),
    updatedAt: iso(created.plus({ days: 10 })),
  });
  const nextStart = local(-random.int(5, 40), 1);
  windows.push({
    key: nextStart,
    title: "Line changeover",
    kind: "scheduled_outage",
    status: "confirmed",
    startsAt: nextStart,
    endsAt: iso(DateTime.fromISO(nextStart).plus({ hours: 4 })),
    timeZone,
    notes: null,
    createdBy: people.engineer,
    createdAt: iso(today.minus({ days: 20 })),
    updatedAt: iso(today.minus({ days: 20 })),
  });
  windows.sort((a, b) => (a.startsAt < b.startsAt ? -1 : 1));

  const conduitCount = random.int(9, 10);
  const changes: ProgramNetworkChange[] = [];
  const conduits: ProgramConduit[] = CONDUITS.slice(0, conduitCount).map((spec, ci) => {
    const name = conduitName(spec);
    const monitored = ci < MONITORED_CONDUITS;
    const observations: ProgramConduit["observations"] = [];
    if (monitored) {
      let seen = random.int(30, 60);
      for (let d = options.observationDays; d >= 1; d--) {
        const day = today.minus({ days: d }).setZone(timeZone).toISODate()!;
        const fresh = d > options.observationDays - 20 ? random.int(0, 6) : random.chance(0.1) ? 1 : 0;
        seen += fresh;
        observations.push({
          day,
          source: "zeek_ingest",
          coverage: random.chance(0.05) ? 0.5 : 1,
          tuples: seen - random.int(0, 5),
          newTuples: fresh,
          connections: random.int(2_000, 40_000),
          bytes: random.int(1_000_000, 900_000_000),
          recordedAt: iso(today.minus({ days: d - 1 }).set({ hour: 3 })),
        });
      }
      observations.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
      const doneAt = iso(DateTime.fromISO(windowStart).plus({ hours: 1, minutes: ci * 5 }));
      changes.push({
        kind: "conduit_cutover",
        title: `Cut over ${name}`,
        conduit: name,
        conduitRevision: 1,
        asset: null,
        window: windowStart,
        plannedStart: doneAt,
        plannedMinutes: 30,
        status: "done",
        doneAt,
        createdBy: people.engineer,
        createdAt: iso(created.plus({ days: 20 })),
        updatedAt: doneAt,
      });
    }
    return {
      name,
      zoneA: ZONES[spec.a]!.name,
      zoneB: ZONES[spec.b]!.name,
      purpose: `Traffic between ${ZONES[spec.a]!.name} and ${ZONES[spec.b]!.name}`,
      controlType: ci % 3 === 0 ? "firewall" : ci % 3 === 1 ? "protocol_gateway" : "router_acl",
      monitored,
      monitoringPoint: monitored ? `SPAN of FW-${String(ci + 1).padStart(2, "0")}` : null,
      compensatingNote: null,
      revision: 1,
      designOwner: people.engineer,
      monitoringOwner: people.security,
      createdAt: iso(created.plus({ days: 15 })),
      updatedAt: iso(created.plus({ days: 15 })),
      flows: spec.flows
        .map(([protocol, port, direction]) => ({
          protocol: protocol as "tcp",
          port,
          portEnd: null,
          direction: direction as "both",
          description: null,
        }))
        .sort((a, b) => (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : (a.port ?? -1) - (b.port ?? -1))),
      observations,
      alertWirings: [],
      detectionRules: [],
    };
  });
  conduits.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  // About a thousand assets; the later a plant's phase, the cleaner its inventory.
  const assetCount = options.assetsPerPlant + random.int(-Math.floor(options.assetsPerPlant / 20), 0);
  const hostsUsed = ZONES.map(() => 10);
  const assets: ProgramAsset[] = [];
  for (let n = 0; n < assetCount; n++) {
    const zone = random.int(0, ZONES.length - 1);
    const host = hostsUsed[zone]!++;
    const kind = random.pick(ASSET_KINDS);
    const messy = phaseIndex === 0 && random.chance(0.1);
    const at = iso(created.plus({ days: 3, minutes: n }));
    assets.push({
      name: `${code}-${ASSET_PREFIX[kind] ?? kind.toUpperCase().slice(0, 4)}-${String(n + 1).padStart(4, "0")}`,
      kind: messy && random.chance(0.5) ? null : kind,
      vendor: random.pick(VENDORS),
      model: `M${random.int(100, 999)}`,
      firmware: `${random.int(1, 9)}.${random.int(0, 20)}`,
      installYear: random.int(1995, 2025),
      ip: hostIp(index, zone, host),
      mac: mac(random),
      criticality: messy ? null : random.pick(CRITICALITIES),
      discoverySource: random.chance(0.8) ? "passive_sensor" : "import",
      status: messy && random.chance(0.3) ? "staged" : "confirmed",
      zone: messy && random.chance(0.2) ? null : zones[zone]!.name,
      discoveredAt: at,
      createdAt: at,
      updatedAt: at,
    });
  }
  assets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const gatePasses: ProgramPlant["gatePasses"] = PHASES.slice(0, phaseIndex).map((phase, pi) => ({
    phase,
    passedAt: iso(created.plus({ days: 30 + pi * 40 })),
    passedBy: people.lead,
    criteria: [],
    note: null,
  }));

  return {
    code,
    name: `Bench plant ${index + 1}`,
    site: `Site ${index + 1}`,
    region: REGIONS[index % REGIONS.length]!,
    timeZone,
    createdAt: iso(created),
    targets: {
      inventory: created.plus({ days: 60 }).toISODate(),
      zoning: created.plus({ days: 120 }).toISODate(),
      conduits: created.plus({ days: 200 }).toISODate(),
      baseline: created.plus({ days: 300 }).toISODate(),
      alerting: today.plus({ days: random.int(10, 200) }).toISODate(),
    },
    ownershipSplit: { text: null, revision: 0 },
    zones,
    conduits,
    assets,
    outageWindows: windows,
    networkChanges: changes,
    checklistTicks: [],
    waivers: [],
    gatePasses,
    signoffs: conduits.map((c) => ({
      subject: { type: "conduit" as const, conduit: c.name },
      part: "design_change_control" as const,
      signer: people.engineer,
      role: "plant_engineer" as const,
      revision: 1,
      contentHash: "derived",
      signedAt: c.updatedAt,
      note: null,
      revokedAt: null,
      revokedReason: null,
    })),
  };
}

/** The bench program's people: the program roles and one engineer per plant. */
export const BENCH_ACCOUNTS = {
  lead: "lead@bench.test",
  exec: "exec@bench.test",
  security: "security@bench.test",
  admin: "admin@bench.test",
};

function engineerEmail(index: number): string {
  return `eng.${plantCode(index).toLowerCase()}@bench.test`;
}

export function benchProgram(input: BenchProgramOptions): ProgramFile {
  const options: Required<BenchProgramOptions> = {
    seed: 1,
    observationDays: 90,
    assetsPerPlant: 1000,
    ...input,
  };
  const random = createRandom(options.seed);
  const createdAt = iso(DateTime.fromISO(options.today, { zone: "UTC" }).minus({ days: 500 }));
  const people: ProgramPerson[] = [
    {
      email: BENCH_ACCOUNTS.lead,
      name: "Program Lead",
      role: "program_lead",
      title: null,
      active: true,
      createdAt,
      plants: [],
    },
    {
      email: BENCH_ACCOUNTS.exec,
      name: "Executive",
      role: "executive",
      title: null,
      active: true,
      createdAt,
      plants: [],
    },
    {
      email: BENCH_ACCOUNTS.security,
      name: "Corporate Security",
      role: "corporate_security",
      title: null,
      active: true,
      createdAt,
      plants: [],
    },
    { email: BENCH_ACCOUNTS.admin, name: "Admin", role: "admin", title: null, active: true, createdAt, plants: [] },
  ];
  const plants: ProgramPlant[] = [];
  for (let i = 0; i < options.plants; i++) {
    const engineer = engineerEmail(i);
    people.push({
      email: engineer,
      name: `Engineer ${plantCode(i)}`,
      role: "plant_engineer",
      title: "Controls Engineer",
      active: true,
      createdAt,
      plants: [plantCode(i)],
    });
    plants.push(
      plantDocument(i, random.fork(plantCode(i)), options, {
        lead: BENCH_ACCOUNTS.lead,
        security: BENCH_ACCOUNTS.security,
        engineer,
      })
    );
  }
  people.sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
  return {
    format: "segmentation-program",
    version: 1,
    exportedAt: iso(DateTime.fromISO(options.today, { zone: "UTC" })),
    settings: {},
    people,
    plants,
  };
}
