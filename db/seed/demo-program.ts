import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema";
import type { ProgramFile } from "../../app/domain/program-file";
import { ROLES, type Role } from "../../app/domain/vocabulary";
import { presetPasswordHashes } from "../../app/models/account-passwords.server";
import { recordAudit } from "../../app/models/audit.server";
import { importProgram } from "../../app/models/program-import.server";
import { systemActor } from "../../app/utils/actor";
import type { IngestSummary } from "../../app/models/evidence.server";
import { ingestDemoCaptures, markServiceLaptopTransient, type DemoCapture } from "./captures";
import { seedFloorImpact } from "./floor-impact";
import { seedFloorStops } from "./floor-stops";
import { seedFloorDrift } from "./floor-drift";
import { planProgram } from "./plan";
import type { PlannedProgram } from "./plan-model";
import { programDocument } from "./program-document";
import { byCodePoint, formatCount } from "./util";

export { engineerEmail } from "./plan-model";
export { GATE_CRITERIA } from "./program-document";

// The demo program: thirteen plants spread over the five phases, each with the inventory, zones, conduits and
// gate passes its phase implies, and the blockers a real plant in that phase would still have. Everything is
// dated relative to `now` so the demo never looks stale, and drawn from one seed so it is reproducible.

export const DEFAULT_SEED = 62443;

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
  /**
   * The chapter after the rollout (db/seed/floor-drift.ts): PEO goes live and drifts. On by default; false seeds the
   * planned rollout alone, as its story tests read it.
   */
  floor?: boolean;
}

export async function seedDemoProgram(db: Kysely<Database>, options: SeedOptions = {}): Promise<SeedSummary> {
  const seed = options.seed ?? DEFAULT_SEED;
  const now = options.now ?? new Date();
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new Error(`The seed must be a non-negative integer, got ${seed}.`);
  }
  if (Number.isNaN(now.getTime())) throw new Error("The seed's reference time is not a valid date.");

  const written = await db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectNoFrom((eb) => [
        eb
          .selectFrom("plant")
          .select((s) => s.fn.countAll<number>().as("n"))
          .as("plants"),
        eb
          .selectFrom("person")
          .select((s) => s.fn.countAll<number>().as("n"))
          .as("people"),
      ])
      .executeTakeFirstOrThrow();
    if (Number(existing.plants) > 0 || Number(existing.people) > 0) {
      throw new Error(
        `The database already holds a program (${existing.plants} plants, ${existing.people} people); the demo program is seeded only into an empty database.`
      );
    }
    return writeDemoProgram(trx, planProgram(seed, now), options.passwordHash ?? null);
  });
  if (written.capture && written.captureEngineer !== null) {
    await markServiceLaptopTransient(db, written.capture, written.captureEngineer, now);
  }
  await seedFloorImpact(db, now, written.summary);
  if (options.floor !== false) await seedFloorDrift(db, now);
  return written.summary;
}

// ---------------------------------------------------------------------------------------------------------------
// Writing: the planned program becomes a program file, written by the importer like any other; then what a program
// file does not carry: the demo accounts' password, and a passive capture fed through the Zeek ingest.

async function writeDemoProgram(
  trx: Transaction<Database>,
  program: PlannedProgram,
  passwordHash: string | null
): Promise<{ summary: SeedSummary; capture: DemoCapture | null; captureEngineer: number | null }> {
  const actor = systemActor("demo seed");
  const at = new Date(program.now);
  const document = programDocument(program);
  await importProgram(trx, document, { actor, now: at });
  await seedFloorStops(trx, at);

  if (passwordHash !== null) {
    await presetPasswordHashes(trx, {
      passwordHash,
      accounts: document.people.map((p) => ({ email: p.email, changedAt: p.createdAt })),
    });
  }
  const people = await trx.selectFrom("person").select(["id", "email"]).execute();
  const personIds = new Map(people.map((p) => [p.email, p.id]));
  const capture = await ingestDemoCaptures(trx, program.now);
  const captureEngineer = capture
    ? program.people.find((p) => p.role === "plant_engineer" && p.plants.includes(capture.summary.plant))
    : undefined;

  const summary = summarize(program, document, capture?.summary ?? null);
  // The seed is a change like any other: one event, attributed to the system, records what it created.
  await recordAudit(
    trx,
    actor,
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
    at
  );
  return { summary, capture, captureEngineer: captureEngineer ? personIds.get(captureEngineer.email) ?? null : null };
}

function summarize(program: PlannedProgram, document: ProgramFile, capture: IngestSummary | null): SeedSummary {
  const plants = document.plants;
  const sum = (count: (plant: ProgramFile["plants"][number]) => number) =>
    plants.reduce((total, plant) => total + count(plant), 0);
  const perConduit = (count: (conduit: ProgramFile["plants"][number]["conduits"][number]) => number) =>
    sum((plant) => plant.conduits.reduce((total, conduit) => total + count(conduit), 0));
  return {
    seed: program.seed,
    now: program.now,
    plants: plants.length,
    zones: sum((p) => p.zones.length),
    zoneRanges: sum((p) => p.zones.reduce((n, z) => n + z.ranges.length, 0)),
    conduits: sum((p) => p.conduits.length),
    flows: perConduit((c) => c.flows.length),
    assets: sum((p) => p.assets.length) + (capture?.stagedHosts.length ?? 0),
    people: document.people.length,
    plantAssignments: document.people.reduce((n, p) => n + p.plants.length, 0),
    gatePasses: sum((p) => p.gatePasses.length),
    signoffs: sum((p) => p.signoffs.length),
    windows: sum((p) => p.outageWindows.length),
    changes: sum((p) => p.networkChanges.length),
    observations: perConduit((c) => c.observations.length) + (capture?.days.length ?? 0),
    ticks: sum((p) => p.checklistTicks.length),
    waivers: sum((p) => p.waivers.length),
    wirings: perConduit((c) => c.alertWirings.length),
    rules: perConduit((c) => c.detectionRules.length),
    accounts: program.people
      .map((p): DemoAccount => ({ email: p.email, name: p.name, role: p.role, plants: [...p.plants] }))
      .sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || byCodePoint(a.email, b.email)),
  };
}
