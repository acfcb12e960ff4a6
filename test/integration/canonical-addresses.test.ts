import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Migrator } from "kysely";
import { parseConnLog } from "../../app/domain/zeek";
import { formatError, validateProgramFile } from "../../app/domain/program-file-reading";
import { importAssets } from "../../app/models/asset-import.server";
import { ingestConnRecords } from "../../app/models/evidence.server";
import { exportProgram } from "../../app/models/program-export.server";
import { importProgram } from "../../app/models/program-import.server";
import { systemActor } from "../../app/utils/actor";
import { openDatabase } from "../../app/utils/db.server";
import { migrations } from "../../db/migrations/index";
import { createTestDatabase, tempDir, type TestDatabase } from "../support/database";
import { insertCutOverConduit, insertPlant, insertZone } from "../support/plants";
import fs from "node:fs";
import path from "node:path";

// One host is one address however a tool wrote it: `10.0.0.010` is 10.0.0.10, `2001:DB8:0:0::1` is 2001:db8::1,
// through every door addresses come in by (Zeek ingest, the inventory import, the program file) and in what the
// database already held.

const actor = systemActor("test");

async function plantWithConduit(db: TestDatabase["db"], code: string) {
  const plantId = await insertPlant(db, code, "UTC");
  const cell = await insertZone(db, plantId, "Cell", "10.0.0.0/24");
  const control = await insertZone(db, plantId, "Control", "10.0.1.0/24");
  await db.insertInto("zone_range").values({ zone_id: control, cidr: "2001:db8::/64" }).execute();
  const conduitId = await insertCutOverConduit(
    db,
    plantId,
    "Cell-Control",
    { a: cell, b: control },
    [{ protocol: "tcp", port: 502 }],
    "2026-10-01T12:00:00.000Z"
  );
  return { plantId, cell, control, conduitId };
}

/** A conn.log of one connection as Zeek's JSON writer would give it, with the hosts spelled as given. */
function connLog(origHost: string, respHost: string): string[] {
  return [
    JSON.stringify({
      ts: 1_791_000_000.25,
      "id.orig_h": origHost,
      "id.orig_p": 50123,
      "id.resp_h": respHost,
      "id.resp_p": 502,
      proto: "tcp",
      orig_bytes: 100,
      resp_bytes: 200,
    }),
  ];
}

describe("canonical addresses at every door", () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
    await plantWithConduit(t.db, "CAN");
  });
  after(async () => t.cleanup());

  const hosts = () => t.db.selectFrom("asset").select(["ip", "name", "discovery_source"]).orderBy("id").execute();

  it("a host ingested as 10.0.0.010, then as 10.0.0.10, is one host and one connection", async () => {
    const first = parseConnLog(connLog("10.0.0.010", "2001:DB8:0:0::1"));
    assert.deepEqual(first.problems, []);
    const one = await ingestConnRecords(t.db, { plantCode: "CAN", records: first.records, actor });
    assert.deepEqual(
      one.stagedHosts.map((h) => h.ip),
      ["10.0.0.10", "2001:db8::1"]
    );
    assert.equal(one.counted, 1);

    const again = parseConnLog(connLog("10.0.0.10", "2001:db8::1"));
    const two = await ingestConnRecords(t.db, { plantCode: "CAN", records: again.records, actor });
    assert.deepEqual(two.stagedHosts, [], "nothing staged again");
    assert.equal(two.counted, 0, "the same connection is not counted again");
    assert.equal(two.duplicates, 1);
    assert.deepEqual(await hosts(), [
      { ip: "10.0.0.10", name: "host-10.0.0.10", discovery_source: "zeek_ingest" },
      { ip: "2001:db8::1", name: "host-2001:db8::1", discovery_source: "zeek_ingest" },
    ]);
    const tuples = await t.db.selectFrom("flow_tuple").select("tuple").execute();
    assert.deepEqual(
      tuples.map((r) => r.tuple),
      ["10.0.0.10|2001:db8::1|tcp|502"]
    );
  });

  it("an inventory export spelling the hosts otherwise finds them, and stores what it adds canonically", async () => {
    const result = await importAssets(t.db, actor, {
      plantCode: "CAN",
      text: "IP Address,Vendor\n010.000.000.010,Wago\n2001:0DB8:0000:0000:0000:0000:0000:0001,Moxa\n10.0.0.011,Wago\n",
    });
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual([result.summary.created, result.summary.updated], [1, 2]);
    const rows = await hosts();
    assert.deepEqual(
      rows.map((r) => r.ip),
      ["10.0.0.10", "2001:db8::1", "10.0.0.11"]
    );
    assert.equal(rows[2]!.name, "host-10.0.0.11");

    const twice = await importAssets(t.db, actor, { plantCode: "CAN", text: "IP\n10.0.0.012\n10.0.0.12\n" });
    assert.ok(
      !twice.ok && twice.problems.some((p) => p.line === 3 && /same asset as line 2/.test(p.message)),
      JSON.stringify(twice)
    );
  });

  it("a program file's addresses and ranges are stored canonically; spellings of one range are one range", async () => {
    const exported = await exportProgram(t.db, { exportedAt: new Date("2026-11-27T00:00:00.000Z") });
    const plant = exported.plants[0]!;
    plant.zones[0]!.ranges = ["010.000.000.000/24", "2001:DB8:1:0::/64"];
    // Assets by name: host-10.0.0.10, host-10.0.0.11, host-2001:db8::1.
    plant.assets[0]!.ip = "010.0.0.010";
    plant.assets[2]!.ip = "2001:0db8:0:0:0:0:0:0001";
    const target = await createTestDatabase();
    try {
      await importProgram(target.db, exported);
      const ranges = await target.db.selectFrom("zone_range").select("cidr").orderBy("cidr").execute();
      assert.deepEqual(
        ranges.map((r) => r.cidr),
        ["10.0.0.0/24", "10.0.1.0/24", "2001:db8:1::/64", "2001:db8::/64"]
      );
      const ips = await target.db.selectFrom("asset").select("ip").orderBy("id").execute();
      assert.deepEqual(
        ips.map((r) => r.ip),
        ["10.0.0.10", "10.0.0.11", "2001:db8::1"]
      );
    } finally {
      await target.cleanup();
    }

    plant.zones[0]!.ranges = ["10.0.0.0/24", "10.0.0.000/24", "10.0.0.7/24"];
    const check = validateProgramFile(exported);
    assert.deepEqual(check.ok ? [] : check.errors.map(formatError).sort(), [
      'plants[0].zones[0].ranges[1]: duplicate range "10.0.0.0/24" (first at plants[0].zones[0].ranges[0])',
      'plants[0].zones[0].ranges[2]: "10.0.0.7/24" has host bits set: the block is 10.0.0.0/24 (or write 10.0.0.7/32 for the one host)',
    ]);
  });
});

describe("migration to canonical addresses", () => {
  const dir = tempDir();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("rewrites the asset IPs, staged host names and zone ranges stored before, merging ranges that were one", async () => {
    const db = openDatabase(path.join(dir, "old.db"));
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      const { error } = await migrator.migrateTo("2026-11-26T0100_performance");
      assert.equal(error, undefined);
      const plantId = await insertPlant(db, "OLD", "UTC");
      const zone = await insertZone(db, plantId, "Cell", "10.0.0.0/24");
      await db
        .insertInto("zone_range")
        .values([
          { zone_id: zone, cidr: "010.0.0.0/24" },
          { zone_id: zone, cidr: "10.0.0.7/24" },
          { zone_id: zone, cidr: "2001:DB8:0:0::/64" },
          { zone_id: zone, cidr: "10.0.2.9/23" },
        ])
        .execute();
      const now = new Date().toISOString();
      const asset = (ip: string | null, name: string) => ({
        plant_id: plantId,
        zone_id: zone,
        name,
        kind: null,
        vendor: null,
        model: null,
        firmware: null,
        install_year: null,
        ip,
        mac: null,
        criticality: null,
        discovery_source: "zeek_ingest" as const,
        status: "staged" as const,
        discovered_at: now,
        created_at: now,
        updated_at: now,
      });
      await db
        .insertInto("asset")
        .values([
          asset("10.0.0.010", "host-10.0.0.010"),
          asset("2001:DB8:0:0::1", "Press 4 HMI"),
          asset("10.0.0.20", "host-10.0.0.20"),
          asset(null, "no address"),
        ])
        .execute();

      const ran = await migrator.migrateTo("2026-12-05T0010_canonical_addresses");
      assert.equal(ran.error, undefined);
      assert.deepEqual(
        ran.results?.map((r) => [r.migrationName, r.status]),
        [["2026-12-05T0010_canonical_addresses", "Success"]]
      );
      const ranges = await db.selectFrom("zone_range").select("cidr").orderBy("id").execute();
      assert.deepEqual(
        ranges.map((r) => r.cidr),
        ["10.0.0.0/24", "2001:db8::/64", "10.0.2.0/23"]
      );
      const assets = await db.selectFrom("asset").select(["ip", "name"]).orderBy("id").execute();
      assert.deepEqual(assets, [
        { ip: "10.0.0.10", name: "host-10.0.0.10" },
        { ip: "2001:db8::1", name: "Press 4 HMI" },
        { ip: "10.0.0.20", name: "host-10.0.0.20" },
        { ip: null, name: "no address" },
      ]);
    } finally {
      await db.destroy();
    }
  });
});
