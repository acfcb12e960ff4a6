import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { importAssets } from "../../app/models/asset-import.server";
import { systemActor } from "../../app/utils/actor";
import { createTestDatabase, type TestDatabase, databaseEnv } from "../support/database";
import { runScript } from "../support/server";
import { insertPlant, insertZone } from "../support/plants";

const actor = systemActor("test");

async function plantWithZones(db: TestDatabase["db"]) {
  const now = new Date().toISOString();
  const plantId = await insertPlant(db, "IMP", "America/Chicago");
  const zone = (name: string, cidr: string) => insertZone(db, plantId, name, cidr);
  // Two production lines reuse the same addresses: IP alone does not tell their assets apart.
  const line1 = await zone("Line 1", "192.168.1.0/24");
  const line2 = await zone("Line 2", "192.168.1.0/24");
  const asset = async (zoneId: number, ip: string, mac: string | null, name: string) =>
    (
      await db
        .insertInto("asset")
        .values({
          plant_id: plantId,
          zone_id: zoneId,
          name,
          kind: "plc",
          vendor: "Siemens",
          model: "S7-1500",
          firmware: "2.8",
          install_year: 2019,
          ip,
          mac,
          criticality: "high",
          discovery_source: "manual",
          status: "confirmed",
          discovered_at: now,
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  const plc1 = await asset(line1, "192.168.1.10", "00:1b:1b:00:00:01", "L1-PLC");
  const plc2 = await asset(line2, "192.168.1.10", "00:1b:1b:00:00:02", "L2-PLC");
  return { plantId, line1, line2, plc1, plc2 };
}

describe("inventory import into a plant", () => {
  let t: TestDatabase;
  let ids: Awaited<ReturnType<typeof plantWithZones>>;
  before(async () => {
    t = await createTestDatabase();
    ids = await plantWithZones(t.db);
  });
  after(async () => t.cleanup());

  const assets = () => t.db.selectFrom("asset").selectAll().orderBy("id").execute();

  it("updates the asset known by zone, IP and MAC, and stages the rest", async () => {
    const csv = [
      "Zone,IP Address,MAC Address,Firmware,Device Type",
      "Line 2,192.168.1.10,00:1B:1B:00:00:02,3.0.1,PLC",
      "Line 1,192.168.1.77,,,HMI",
    ].join("\n");
    const result = await importAssets(t.db, actor, { plantCode: "IMP", text: csv, label: "export.csv" });
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual([result.summary.created, result.summary.updated, result.summary.unchanged], [1, 1, 0]);
    const rows = await assets();
    assert.equal(rows.find((a) => a.id === ids.plc2)!.firmware, "3.0.1", "line 2's PLC was updated");
    assert.equal(rows.find((a) => a.id === ids.plc1)!.firmware, "2.8", "line 1's PLC at the same IP was not");
    const staged = rows.find((a) => a.ip === "192.168.1.77")!;
    assert.deepEqual(
      [staged.status, staged.zone_id, staged.kind, staged.discovery_source],
      ["staged", ids.line1, "hmi", "import"]
    );
    const audit = await t.db.selectFrom("audit_event").select(["action", "summary"]).execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ["asset.import"]
    );
    assert.match(audit[0]!.summary, /from export\.csv into IMP: 1 new \(staged\), 1 updated, 0 unchanged/);
  });

  it("refuses two rows for one asset, and a row that fits two assets", async () => {
    const before = (await assets()).length;
    const twice = await importAssets(t.db, actor, {
      plantCode: "IMP",
      text: "Zone,IP\nLine 1,192.168.1.10\nLine 1,192.168.1.10\n",
    });
    assert.ok(!twice.ok && twice.problems.some((p) => p.line === 3 && /same asset as line 2/.test(p.message)), "twice");
    // A second device answers at line 1's PLC address (a spare on the bench): IP alone cannot say which is meant.
    const now = new Date().toISOString();
    await t.db
      .insertInto("asset")
      .values({
        plant_id: ids.plantId,
        zone_id: ids.line1,
        name: "L1-PLC-SPARE",
        kind: "plc",
        vendor: null,
        model: null,
        firmware: null,
        install_year: null,
        ip: "192.168.1.10",
        mac: "00:1b:1b:00:00:09",
        criticality: null,
        discovery_source: "manual",
        status: "confirmed",
        discovered_at: now,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const ambiguous = await importAssets(t.db, actor, {
      plantCode: "IMP",
      text: "Zone,IP,Vendor\nLine 1,192.168.1.10,Siemens AG\n",
    });
    assert.ok(
      !ambiguous.ok && ambiguous.problems.some((p) => p.line === 2 && /matches 2 assets/.test(p.message)),
      JSON.stringify(ambiguous)
    );
    assert.equal((await assets()).length, before + 1, "nothing written but the spare");
  });

  it("writes nothing when any row is bad, and names every bad row", async () => {
    const before = await assets();
    const auditBefore = (await t.db.selectFrom("audit_event").selectAll().execute()).length;
    const result = await importAssets(t.db, actor, {
      plantCode: "IMP",
      text: "Zone,IP,Kind\nLine 1,192.168.1.90,PLC\nLine 9,192.168.1.91,PLC\nLine 1,192.168.1.92,toaster\n",
    });
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok ? result.problems.map((p) => [p.line, p.column]) : [], [
      [3, "Zone"],
      [4, "Kind"],
    ]);
    assert.deepEqual(await assets(), before, "no asset created or changed");
    assert.equal((await t.db.selectFrom("audit_event").selectAll().execute()).length, auditBefore, "no audit event");
  });

  it("the command: a dry run writes nothing, a bad file exits 1 naming lines, a good one imports", async () => {
    const env = { ...databaseEnv(t.file) };
    const good = path.join(t.dir, "good.csv");
    fs.writeFileSync(good, "IP Address,Hostname,Vendor\n192.168.1.120,new-hmi,Siemens\n");
    const before = (await assets()).length;
    const dry = await runScript("scripts/import-assets.ts", ["--plant", "IMP", "--dry-run", "--json", good], env);
    assert.equal(dry.status, 0, dry.stderr);
    assert.equal((JSON.parse(dry.stdout) as { created: number }).created, 1);
    assert.equal((await assets()).length, before, "the dry run wrote nothing");
    const bad = path.join(t.dir, "bad.csv");
    fs.writeFileSync(bad, "IP Address\nnope\n192.168.1.121\n");
    const refused = await runScript("scripts/import-assets.ts", ["--plant", "IMP", bad], env);
    assert.equal(refused.status, 1);
    assert.match(
      refused.stderr,
      /1 problem; nothing was imported\.\n {2}line 2, column “IP Address”: “nope” is not an IPv4 or IPv6 address/
    );
    const real = await runScript("scripts/import-assets.ts", ["--plant", "IMP", good], env);
    assert.equal(real.status, 0, real.stderr);
    assert.match(real.stdout, /1 assets for IMP: 1 new \(staged\), 0 updated, 0 unchanged/);
    assert.equal((await assets()).length, before + 1);
    const unknown = await runScript("scripts/import-assets.ts", ["--plant", "NOPE", good], env);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /No plant in the program has the code “NOPE”/);
  });

  it("the command lists the first 20 problems and counts the rest, in its text and in --json", async () => {
    const env = { ...databaseEnv(t.file) };
    const many = path.join(t.dir, "many.csv");
    fs.writeFileSync(many, `IP Address\n${"nope\n".repeat(500)}`);
    const text = await runScript("scripts/import-assets.ts", ["--plant", "IMP", many], env);
    assert.equal(text.status, 1);
    const lines = text.stderr.trimEnd().split("\n");
    assert.match(lines[0]!, /500 problems; nothing was imported\.$/);
    assert.equal(lines[20], "  line 21, column “IP Address”: “nope” is not an IPv4 or IPv6 address");
    assert.deepEqual(lines.slice(21), ["  … and 480 more"]);
    const json = await runScript("scripts/import-assets.ts", ["--plant", "IMP", "--json", many], env);
    assert.equal(json.status, 1);
    const report = JSON.parse(json.stdout) as { ok: boolean; problemCount: number; problems: unknown[]; more: number };
    assert.deepEqual([report.ok, report.problemCount, report.problems.length, report.more], [false, 500, 20, 480]);
  });

  it("the command stops reading a file of 400,000 columns or a 200,000-character line, naming the line", async () => {
    const env = { ...databaseEnv(t.file) };
    const wide = path.join(t.dir, "wide.csv");
    fs.writeFileSync(wide, `${Array.from({ length: 400_000 }, (_, i) => `c${i}`).join(",")}\n1,2\n`);
    const refused = await runScript("scripts/import-assets.ts", ["--plant", "IMP", "--json", wide], env);
    assert.equal(refused.status, 1);
    assert.ok(refused.stdout.length + refused.stderr.length < 2_000, `${refused.stdout.length} characters of output`);
    assert.deepEqual((JSON.parse(refused.stdout) as { problems: unknown[] }).problems, [
      {
        line: 1,
        column: null,
        message: "more than 500 columns; an inventory export has a few dozen, so the file was not read further",
      },
    ]);
    const long = path.join(t.dir, "long.csv");
    fs.writeFileSync(long, `IP Address,Notes\n192.168.1.130,short\n192.168.1.131,"${"x".repeat(200_000)}"\n`);
    const tooLong = await runScript("scripts/import-assets.ts", ["--plant", "IMP", long], env);
    assert.equal(tooLong.status, 1);
    assert.match(
      tooLong.stderr,
      /1 problem; nothing was imported\.\n {2}line 3: longer than 100,000 characters; a row of an inventory export is far shorter \(is a quote left open\?\), so the file was not read further\n$/
    );
  });
});
