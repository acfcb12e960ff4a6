import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { GATE_CRITERIA, engineerEmail, seedDemoProgram, type SeedSummary } from "../../db/seed/demo-program";
import { conduitHash, ownershipSplitHash } from "../../app/models/signoffs.server";
import { PHASES, ROLES, type FlowDirection, type FlowProtocol, type Phase } from "../../app/domain/vocabulary";
import type { DB } from "../../app/utils/db.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

// The demo program a new user first sees: it has to look like a real program in every phase, with the
// blockers each phase really has, and come out the same every time for the same seed and date.

const NOW = new Date("2026-11-25T15:00:00.000Z");
const databases: TestDatabase[] = [];
let db: DB;
let summary: SeedSummary;

async function seeded(options: { seed?: number } = {}): Promise<TestDatabase> {
  const test = await createTestDatabase();
  databases.push(test);
  await seedDemoProgram(test.db, { ...options, now: NOW });
  return test;
}

before(async () => {
  const test = await createTestDatabase();
  databases.push(test);
  db = test.db;
  summary = await seedDemoProgram(db, { now: NOW });
});

after(async () => {
  for (const test of databases) await test.cleanup();
});

async function plants() {
  return db.selectFrom("plant").select(["id", "code", "time_zone"]).orderBy("id").execute();
}

/** The current phase as the spec defines it: the first phase whose exit gate has not been passed. */
async function currentPhases(): Promise<Map<string, Phase | "complete">> {
  const passes = await db
    .selectFrom("gate_pass")
    .innerJoin("plant", "plant.id", "gate_pass.plant_id")
    .select(["plant.code", "gate_pass.phase", "gate_pass.passed_at", "gate_pass.criteria_snapshot"])
    .orderBy("gate_pass.passed_at")
    .execute();
  const phases = new Map<string, Phase | "complete">();
  for (const plant of await plants()) {
    const mine = passes.filter((p) => p.code === plant.code);
    assert.deepEqual(
      mine.map((p) => p.phase),
      PHASES.slice(0, mine.length),
      `${plant.code}: gates are passed in phase order`,
    );
    for (const pass of mine) {
      assert.ok(pass.passed_at < NOW.toISOString(), `${plant.code} passed ${pass.phase} in the past`);
      const snapshot = JSON.parse(pass.criteria_snapshot) as { code: string; met: boolean }[];
      assert.deepEqual(
        snapshot,
        GATE_CRITERIA[pass.phase as Phase].map((code) => ({ code, met: true })),
      );
    }
    phases.set(plant.code, PHASES[mine.length] ?? "complete");
  }
  return phases;
}

async function plantsFromPhase(phase: Phase): Promise<number[]> {
  const phases = await currentPhases();
  const rows = await plants();
  return rows.filter((p) => PHASES.indexOf(phases.get(p.code) as Phase) >= PHASES.indexOf(phase)).map((p) => p.id);
}

function ipv4(address: string): number | null {
  const parts = address.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function inCidr(address: string, cidr: string): boolean {
  const [network, bits] = cidr.split("/");
  const ip = ipv4(address);
  const base = network === undefined ? null : ipv4(network);
  if (ip === null || base === null || bits === undefined) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ip / size) === Math.floor(base / size);
}

describe("demo program seed", () => {
  it("seeds thirteen plants across US time zones, Phoenix included", async () => {
    const rows = await plants();
    assert.equal(rows.length, 13);
    assert.equal(summary.plants, 13);
    const zones = new Set(rows.map((p) => p.time_zone));
    assert.ok(zones.size >= 4, [...zones].join(", "));
    assert.ok(zones.has("America/Phoenix"));
    assert.ok([...zones].every((zone) => zone.startsWith("America/")));
  });

  it("has every phase as some plant's current phase, derived from its gate passes", async () => {
    const phases = new Set((await currentPhases()).values());
    for (const phase of PHASES) assert.ok(phases.has(phase), `a plant is in ${phase}`);
  });

  it("gives each plant 300 to 3,000 assets, with PLCs and HMIs from the early 2000s", async () => {
    const counts = await db
      .selectFrom("asset")
      .select(["plant_id", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("plant_id")
      .execute();
    assert.equal(counts.length, 13);
    for (const { plant_id, n } of counts) assert.ok(n >= 300 && n <= 3000, `plant ${plant_id} has ${n} assets`);
    assert.equal(
      counts.reduce((sum, c) => sum + Number(c.n), 0),
      summary.assets,
    );
    for (const kind of ["plc", "hmi"]) {
      const oldest = await db
        .selectFrom("asset")
        .where("kind", "=", kind)
        .select((eb) => eb.fn.min<number>("install_year").as("year"))
        .executeTakeFirstOrThrow();
      assert.ok(oldest.year !== null && oldest.year <= 2004, `oldest ${kind}: ${oldest.year}`);
    }
  });

  it("names and MAC addresses are unique within each plant", async () => {
    const duplicates = await sql<{ n: number }>`
      select (select count(*) from (select 1 from asset group by plant_id, name having count(*) > 1))
           + (select count(*) from (select 1 from asset where mac is not null group by plant_id, mac having count(*) > 1)) as n`.execute(
      db,
    );
    assert.equal(Number(duplicates.rows[0]?.n), 0);
  });

  it("assigns every plant its engineer, and has people in every role", async () => {
    const assignments = await db
      .selectFrom("person_plant")
      .innerJoin("person", "person.id", "person_plant.person_id")
      .innerJoin("plant", "plant.id", "person_plant.plant_id")
      .select(["person.email", "person.role", "plant.code"])
      .execute();
    for (const plant of await plants()) {
      assert.ok(
        assignments.some(
          (a) => a.email === engineerEmail(plant.code) && a.code === plant.code && a.role === "plant_engineer",
        ),
        `eng.${plant.code.toLowerCase()}@demo.test is assigned to ${plant.code}`,
      );
    }
    const people = await db.selectFrom("person").select(["email", "role"]).execute();
    for (const role of ROLES)
      assert.ok(
        people.some((p) => p.role === role),
        `someone is ${role}`,
      );
    const fixed = {
      "lead@demo.test": "program_lead",
      "exec@demo.test": "executive",
      "security@demo.test": "corporate_security",
      "admin@demo.test": "admin",
    };
    for (const [email, role] of Object.entries(fixed)) assert.equal(people.find((p) => p.email === email)?.role, role);
    assert.equal(summary.accounts.length, people.length);
  });

  it("leaves the honest blockers in inventory plants, and none in plants past zoning", async () => {
    const phases = await currentPhases();
    const rows = await plants();
    const inventory = rows.filter((p) => phases.get(p.code) === "inventory").map((p) => p.id);
    const staged = await db
      .selectFrom("asset")
      .where("plant_id", "in", inventory)
      .where("status", "=", "staged")
      .select("plant_id")
      .execute();
    assert.ok(staged.length > 0, "inventory plants still have staged assets");

    const placed = await plantsFromPhase("conduits");
    assert.ok(placed.length > 0);
    const unplacedOrStaged = await db
      .selectFrom("asset")
      .where("plant_id", "in", placed)
      .where((eb) => eb.or([eb("zone_id", "is", null), eb("status", "=", "staged")]))
      .select(["plant_id", "name"])
      .execute();
    assert.deepEqual(unplacedOrStaged, []);
  });

  it("keeps every conduit inside its plant, between two distinct zones", async () => {
    const conduits = await db
      .selectFrom("conduit as c")
      .innerJoin("zone as a", "a.id", "c.zone_a_id")
      .innerJoin("zone as b", "b.id", "c.zone_b_id")
      .select(["c.name", "c.plant_id", "c.zone_a_id", "c.zone_b_id", "a.plant_id as a_plant", "b.plant_id as b_plant"])
      .execute();
    assert.ok(conduits.length > 0);
    for (const c of conduits) {
      assert.notEqual(c.zone_a_id, c.zone_b_id, c.name);
      assert.equal(c.a_plant, c.plant_id, c.name);
      assert.equal(c.b_plant, c.plant_id, c.name);
    }
  });

  it("addresses every zoned asset inside one of its zone's IPv4 ranges", async () => {
    const ranges = await db.selectFrom("zone_range").select(["zone_id", "cidr"]).execute();
    const byZone = new Map<number, string[]>();
    for (const r of ranges) if (r.cidr.includes(".")) byZone.set(r.zone_id, [...(byZone.get(r.zone_id) ?? []), r.cidr]);
    const assets = await db
      .selectFrom("asset")
      .where("zone_id", "is not", null)
      .select(["name", "ip", "zone_id"])
      .execute();
    assert.ok(assets.length > 0);
    const outside = assets.filter(
      (a) => a.ip === null || !(byZone.get(a.zone_id as number) ?? []).some((cidr) => inCidr(a.ip as string, cidr)),
    );
    assert.deepEqual(outside.slice(0, 5), []);
  });

  it("has the ownership split and every conduit of plants past conduits signed at their current revision", async () => {
    const later = await plantsFromPhase("zoning");
    const splits = await db
      .selectFrom("plant")
      .where("id", "in", later)
      .select(["id", "code", "ownership_split", "ownership_split_revision"])
      .execute();
    const signoffs = await db
      .selectFrom("signoff")
      .select(["subject_type", "subject_id", "part", "content_hash", "revoked_at"])
      .execute();
    const signed = (type: string, id: number, hash: string) =>
      new Set(
        signoffs
          .filter(
            (s) => s.subject_type === type && s.subject_id === id && s.content_hash === hash && s.revoked_at === null,
          )
          .map((s) => s.part),
      );
    for (const plant of splits) {
      assert.equal(
        signed("ownership_split", plant.id, ownershipSplitHash(plant)).size,
        2,
        `${plant.code} ownership split`,
      );
    }

    const conduits = await db
      .selectFrom("conduit")
      .where("plant_id", "in", await plantsFromPhase("baseline"))
      .selectAll()
      .execute();
    assert.ok(conduits.length > 0);
    const flows = await db
      .selectFrom("conduit_flow")
      .select(["conduit_id", "protocol", "port", "direction", "description"])
      .execute();
    for (const c of conduits) {
      const hash = conduitHash({
        id: c.id,
        plantId: c.plant_id,
        name: c.name,
        zoneAId: c.zone_a_id,
        zoneBId: c.zone_b_id,
        purpose: c.purpose,
        controlType: c.control_type,
        monitored: c.monitored === 1,
        monitoringPoint: c.monitoring_point,
        revision: c.revision,
        flows: flows
          .filter((f) => f.conduit_id === c.id)
          .map((f) => ({
            protocol: f.protocol as FlowProtocol,
            port: f.port,
            direction: f.direction as FlowDirection,
            description: f.description,
          })),
      });
      assert.ok(c.monitored === 1 && c.monitoring_point, `${c.name} is monitored`);
      assert.ok(c.design_owner_id !== null && c.monitoring_owner_id !== null, `${c.name} has both owners`);
      assert.equal(
        signed("conduit", c.id, hash).size,
        2,
        `${c.name} (plant ${c.plant_id}) is signed at revision ${c.revision}`,
      );
    }
  });

  it("is reproducible: the same seed and date give the same rows, another seed another program", async () => {
    const again = await seeded();
    const other = await seeded({ seed: 1 });
    const dump = async (target: DB) => {
      const { rows: tables } = await sql<{ name: string }>`
        select name from sqlite_master where type = 'table' and name not like 'kysely%' order by name`.execute(target);
      const parts: string[] = [];
      for (const { name } of tables) {
        const { rows } = await sql`select * from ${sql.table(name)} order by rowid`.execute(target);
        parts.push(name, JSON.stringify(rows));
      }
      return parts.join("\n");
    };
    const original = await dump(db);
    assert.equal(await dump(again.db), original);
    assert.notEqual(await dump(other.db), original);
  });

  it("refuses to seed a database that already holds a program, and changes nothing", async () => {
    const assetsBefore = await db
      .selectFrom("asset")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    await assert.rejects(seedDemoProgram(db, { now: NOW }), /already holds a program/);
    const afterwards = await db
      .selectFrom("asset")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    assert.equal(afterwards.n, assetsBefore.n);
  });
});
