import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { after, before, describe, it } from "node:test";
import { parseConnLog } from "../../app/domain/zeek";
import { ingestConnRecords } from "../../app/models/evidence.server";
import { readinessOf } from "../../app/http/readiness-cache.server";
import { systemActor } from "../../app/utils/actor";
import { ActError } from "../../app/utils/errors";
import { createTestDatabase, type TestDatabase, databaseEnv } from "../support/database";
import { root } from "../../scripts/build";
import { runScript } from "../support/server";
import { insertCutOverConduit, insertPlant, insertZone } from "../support/plants";
import type { FlowProtocol } from "../../app/domain/vocabulary";

const FIXTURE = path.join(root, "test/fixtures/zeek/4sics-geeklounge-151020.conn.log");
const lines = fs.readFileSync(FIXTURE, "utf8").split("\n");
const actor = systemActor("test");

// The 4sics lab has no flows between 10.10.10.0/24 and 192.168.88.0/23, so the /24 is split into the PLC's
// /28 and the HMIs' /28 with a conduit between them (S7 polling crosses it); the lab /23 is a third zone.
const inPlc = (ip: string) => /^10\.10\.10\.(\d+)$/.test(ip) && Number(ip.split(".")[3]) < 16;
const inHmi = (ip: string) =>
  /^10\.10\.10\.(\d+)$/.test(ip) && Number(ip.split(".")[3]) >= 16 && Number(ip.split(".")[3]) < 32;

async function seedPlant(
  db: TestDatabase["db"],
  code: string,
  allowed: { protocol: FlowProtocol; port: number | null }[]
) {
  const plantId = await insertPlant(db, code, "UTC");
  const zone = (name: string, cidr: string) => insertZone(db, plantId, name, cidr);
  const plc = await zone("PLC", "10.10.10.0/28");
  const hmi = await zone("HMI", "10.10.10.16/28");
  await zone("Lab", "192.168.88.0/23");
  const conduitId = await insertCutOverConduit(
    db,
    plantId,
    "HMI-PLC",
    { a: hmi, b: plc },
    allowed,
    "2015-10-01T12:00:00.000Z"
  );
  return { plantId, conduitId };
}

describe("Zeek ingest of the real 4sics log", () => {
  let t: TestDatabase;
  let ids: { plantId: number; conduitId: number };
  const { records } = parseConnLog(lines);

  // Independent figures: a plain pass over the file's columns.
  const crossing = lines
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split("\t"))
    .filter((c) => (inPlc(c[2]!) && inHmi(c[4]!)) || (inHmi(c[2]!) && inPlc(c[4]!)));
  const expectedConnections = crossing.length;
  const expectedTuples = new Set(crossing.map((c) => `${c[2]}|${c[4]}|${c[6]}|${Number(c[5]) >= 49152 ? 49152 : c[5]}`))
    .size;

  before(async () => {
    t = await createTestDatabase();
    ids = await seedPlant(t.db, "LAB", [{ protocol: "udp", port: 53 }]);
  });
  after(async () => t.cleanup());

  it("counts the conduit's day as an independent pass over the file does", async () => {
    assert.ok(expectedConnections > 9000, "the S7 polling crosses the conduit");
    const summary = await ingestConnRecords(t.db, { plantCode: "LAB", records, source: "zeek_ingest", actor });
    assert.equal(summary.days.length, 1);
    const day = summary.days[0]!;
    assert.equal(day.day, "2015-10-20");
    assert.equal(day.connections, expectedConnections);
    assert.equal(day.tuples, expectedTuples);
    assert.equal(day.newTuples, expectedTuples);
    assert.ok(expectedTuples < 10, "the S7 return traffic on ephemeral ports collapses");
    const rows = await t.db.selectFrom("observation").selectAll().where("conduit_id", "=", ids.conduitId).execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.connections, expectedConnections);
    assert.ok(rows[0]!.coverage > 0 && rows[0]!.coverage <= 8 / 24);
    // Every host of the plant's ranges is now in the inventory, staged.
    const staged = await t.db.selectFrom("asset").select(["ip", "status", "discovery_source", "name"]).execute();
    assert.ok(staged.some((a) => a.ip === "10.10.10.10" && a.status === "staged" && a.name === "host-10.10.10.10"));
    assert.ok(!staged.some((a) => a.ip === "8.8.8.8"), "addresses outside the plant are not its hosts");
    // tcp/102 is not among the allowed flows: wrong.
    const violations = await t.db.selectFrom("policy_violation").selectAll().execute();
    const s7 = violations.find((v) => v.tuple === "10.10.10.30|10.10.10.10|tcp|102");
    assert.ok(s7 && s7.count > 7000);
    assert.ok(summary.wrongFlows.length > 0);
    assert.ok(summary.unmatched > 0);
    const audit = await t.db.selectFrom("audit_event").select("action").execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ["observation.ingest"]
    );
  });

  it("re-ingesting the same file changes nothing", async () => {
    const before = await t.db
      .selectFrom("observation")
      .select(["day", "connections", "tuples", "new_tuples", "bytes", "coverage"])
      .execute();
    const violations = await t.db.selectFrom("policy_violation").select(["tuple", "count"]).orderBy("tuple").execute();
    const summary = await ingestConnRecords(t.db, { plantCode: "LAB", records, source: "zeek_ingest", actor });
    assert.equal(summary.counted, 0);
    assert.equal(summary.stagedHosts.length, 0);
    assert.deepEqual(
      await t.db
        .selectFrom("observation")
        .select(["day", "connections", "tuples", "new_tuples", "bytes", "coverage"])
        .execute(),
      before
    );
    assert.deepEqual(
      await t.db.selectFrom("policy_violation").select(["tuple", "count"]).orderBy("tuple").execute(),
      violations
    );
  });

  it("refuses a log of another plant's address space", async () => {
    const foreign = records.map((r) => ({ ...r, origHost: "172.16.0.1", respHost: "172.16.0.2" }));
    await assert.rejects(
      ingestConnRecords(t.db, { plantCode: "LAB", records: foreign, source: "zeek_ingest", actor }),
      (error: unknown) =>
        error instanceof ActError && error.status === 400 && /another plant's address space/.test(error.message)
    );
  });

  it("the CLI: --dry-run writes nothing, --json parses, garbage exits 1 with the reason", async () => {
    const t2 = await createTestDatabase();
    try {
      await seedPlant(t2.db, "LAB", [{ protocol: "tcp", port: 102 }]);
      const env = { ...databaseEnv(t2.file) };
      const dry = await runScript("scripts/ingest-zeek.ts", ["--plant", "LAB", "--dry-run", "--json", FIXTURE], env);
      assert.equal(dry.status, 0, dry.stderr);
      const doc = JSON.parse(dry.stdout) as { files: { summary: { days: { connections: number }[] } }[] };
      assert.equal(doc.files[0]!.summary.days[0]!.connections, expectedConnections);
      assert.equal((await t2.db.selectFrom("observation").selectAll().execute()).length, 0);
      assert.equal((await t2.db.selectFrom("asset").selectAll().execute()).length, 0);
      const garbage = path.join(t2.dir, "garbage.log");
      fs.writeFileSync(garbage, "hello world\nnot a log\n");
      const bad = await runScript("scripts/ingest-zeek.ts", ["--plant", "LAB", garbage], env);
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /no #fields header and not JSON/);
      const real = await runScript("scripts/ingest-zeek.ts", ["--plant", "LAB", FIXTURE], env);
      assert.equal(real.status, 0, real.stderr);
      assert.match(real.stdout, /HMI-PLC\s+2015-10-20/);
      assert.equal(
        (await t2.db.selectFrom("policy_violation").selectAll().execute()).filter((v) => v.tuple.endsWith("|102"))
          .length,
        0
      );
    } finally {
      await t2.cleanup();
    }
  });
});

describe("a month of the real 4sics log, shifted day by day", () => {
  let t: TestDatabase;
  let ids: { plantId: number; conduitId: number };
  const { records } = parseConnLog(lines);
  const DAY = 86_400;
  const first = Math.min(...records.map((r) => r.ts));
  // The S7 polling crosses the conduit for three hours of the capture; eight copies three hours apart cover every
  // hour, and shifting the whole by whole days gives a month of well-covered days with the same polling each day.
  // Every fiftieth connection, and the first of each flow so that every tuple is there each day: the same
  // traffic, thinner, so a month of it ingests quickly.
  const seenFlows = new Set<string>();
  const sample = records.filter((r, i) => {
    const flow = `${r.origHost}|${r.respHost}|${r.proto}|${r.respPort}`;
    const firstOfFlow = !seenFlows.has(flow);
    seenFlows.add(flow);
    return firstOfFlow || i % 50 === 0;
  });
  const dayOf = (k: number) =>
    [0, 3, 6, 9, 12, 15, 18, 21].flatMap((hours) => sample.map((r) => ({ ...r, ts: r.ts + k * DAY + hours * 3600 })));
  const dayStart = (k: number) => new Date((Math.floor(first / DAY) + k) * DAY * 1000).toISOString().slice(0, 10);
  const readiness = async (day: number) => {
    const at = new Date((Math.floor(first / DAY) + day) * DAY * 1000 + 12 * 3600_000).toISOString();
    const [plant] = await readinessOf(t.db, at, ["LAB"]);
    return plant!.conduits.find((c) => c.id === ids.conduitId)!.baseline;
  };
  const ingestDay = (k: number) =>
    ingestConnRecords(t.db, {
      plantCode: "LAB",
      records: dayOf(k),
      source: "zeek_ingest",
      actor,
      // Recorded the next morning, as a nightly pipeline would.
      now: new Date((Math.floor(first / DAY) + k + 2) * DAY * 1000 + 6 * 3600_000),
    });

  before(async () => {
    t = await createTestDatabase();
    ids = await seedPlant(t.db, "LAB", [{ protocol: "udp", port: 53 }]);
    // Cut over the day before the capture: the epoch begins on the capture's first day.
    await t.db
      .updateTable("network_change")
      .set(() => {
        const at = new Date((Math.floor(first / DAY) - 1) * DAY * 1000 + 3 * 3600_000).toISOString();
        return { done_at: at, created_at: at, updated_at: at };
      })
      .where("conduit_id", "=", ids.conduitId)
      .execute();
  });
  after(async () => t.cleanup());

  it("converges and matures after 30 counted days, with novelty only on the first day", async () => {
    for (let k = 0; k < 34; k++) await ingestDay(k);
    const observations = await t.db
      .selectFrom("observation")
      .select(["day", "coverage", "new_tuples", "tuples", "connections"])
      .where("conduit_id", "=", ids.conduitId)
      .orderBy("day")
      .execute();
    // Independently: the days the shifted copies touch, and the tuples of one day's crossing traffic.
    const touched = new Set(
      Array.from({ length: 34 }, (_, k) => dayOf(k))
        .flat()
        .map((r) => new Date(r.ts * 1000).toISOString().slice(0, 10))
    );
    assert.deepEqual(
      observations.map((o) => o.day),
      [...touched].sort(),
      "one observation per touched day"
    );
    const full = observations.filter((o) => o.coverage >= 0.9);
    assert.ok(full.length >= 32, `well-covered days: ${full.length}`);
    assert.ok(observations[0]!.new_tuples > 0, "the first day brings the conduit's tuples");
    assert.equal(
      observations.slice(1).reduce((sum, o) => sum + o.new_tuples, 0),
      0,
      "the same polling every day brings nothing new, ephemeral return ports included"
    );
    const baseline = await readiness(35);
    assert.equal(baseline.epochStart, dayStart(0));
    assert.ok(baseline.countedDays >= 30, `counted ${baseline.countedDays}`);
    assert.equal(baseline.converged, true, "converged");
    assert.equal(baseline.status, "mature");
    assert.ok(baseline.matureOn !== null, "a maturity date");
    // Matured on the 30th counted day, not on the 34th.
    assert.ok(baseline.matureOn < dayStart(34), `matured ${baseline.matureOn}`);
    // Before the 30th counted day, it was still collecting.
    const early = await readiness(12);
    assert.equal(early.status, "collecting");
  });

  it("a new conduit revision cut over restarts the epoch: maturity does not carry over", async () => {
    const cutoverAt = new Date((Math.floor(first / DAY) + 36) * DAY * 1000 + 2 * 3600_000).toISOString();
    await t.db.updateTable("conduit").set({ revision: 2 }).where("id", "=", ids.conduitId).execute();
    await t.db
      .insertInto("network_change")
      .values({
        plant_id: ids.plantId,
        kind: "conduit_cutover",
        title: "recut",
        conduit_id: ids.conduitId,
        conduit_revision: 2,
        asset_id: null,
        window_id: null,
        planned_start: null,
        planned_minutes: null,
        status: "done",
        done_at: cutoverAt,
        created_by: null,
        created_at: cutoverAt,
        updated_at: cutoverAt,
      })
      .execute();
    const restarted = await readiness(37);
    assert.equal(restarted.epochStart, dayStart(37));
    assert.equal(restarted.countedDays, 0);
    assert.notEqual(restarted.status, "mature");
    // The old epoch's tuples do not count in the new one: its first day is all novelty again.
    const summary = await ingestDay(37);
    const newDay = summary.days.find((d) => d.day === dayStart(37) && d.conduitId === ids.conduitId);
    assert.ok(newDay, "an observation on the new epoch's first day");
    assert.equal(newDay.newTuples, newDay.tuples);
    assert.ok(newDay.tuples > 0, "tuples counted");
    const after = await readiness(39);
    assert.equal(after.status, "collecting");
    assert.ok(after.countedDays <= 2, `counted ${after.countedDays}`);
  });
});

describe("a truncated gzip", () => {
  it("is reported with the line it broke after, and nothing of the file is written", async () => {
    const t = await createTestDatabase();
    try {
      await seedPlant(t.db, "LAB", [{ protocol: "tcp", port: 102 }]);
      const whole = zlib.gzipSync(fs.readFileSync(FIXTURE));
      const cut = path.join(t.dir, "conn.log.gz");
      fs.writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
      const env = { ...databaseEnv(t.file) };
      const result = await runScript("scripts/ingest-zeek.ts", ["--plant", "LAB", cut], env);
      assert.equal(result.status, 1, result.stdout);
      assert.match(result.stderr, /truncated or corrupt after line \d+; nothing of it was written/);
      assert.equal((await t.db.selectFrom("observation").selectAll().execute()).length, 0, "no observation");
      assert.equal((await t.db.selectFrom("connection_key").selectAll().execute()).length, 0, "no connection key");
      assert.equal((await t.db.selectFrom("flow_hour").selectAll().execute()).length, 0, "no flow counted");
      assert.equal((await t.db.selectFrom("evidence_ingest").selectAll().execute()).length, 0, "no ingest left");
      assert.equal((await t.db.selectFrom("asset").selectAll().execute()).length, 0, "no staged host");
      assert.equal((await t.db.selectFrom("audit_event").selectAll().execute()).length, 0, "no audit event");
      // The same file whole, gzipped, goes in.
      const good = path.join(t.dir, "whole.log.gz");
      fs.writeFileSync(good, whole);
      const ok = await runScript("scripts/ingest-zeek.ts", ["--plant", "LAB", "--json", good], env);
      assert.equal(ok.status, 0, ok.stderr);
      assert.equal((await t.db.selectFrom("observation").selectAll().execute()).length, 1, "one observation");
    } finally {
      await t.cleanup();
    }
  });
});

describe("files that would fill the memory", () => {
  let t: TestDatabase;
  const header = lines.filter((l) => l.startsWith("#") && !l.startsWith("#close")).join("\n") + "\n";

  before(async () => {
    t = await createTestDatabase();
    await seedPlant(t.db, "LAB", [{ protocol: "tcp", port: 102 }]);
  });
  after(async () => t.cleanup());

  /** Runs the ingest on `content` and gives back its one line of error; nothing of the file may have been written. */
  async function refusal(name: string, content: Buffer | string, extra: string[] = []): Promise<string> {
    const file = path.join(t.dir, name);
    fs.writeFileSync(file, content);
    const result = await runScript("scripts/ingest-zeek.ts", ["--plant", "LAB", ...extra, file], {
      ...databaseEnv(t.file),
    });
    assert.equal(result.status, 1, result.stdout);
    assert.equal(result.stdout, "");
    const message = result.stderr.trim();
    assert.equal(message.split("\n").length, 1, `one sentence, no stack trace: ${result.stderr}`);
    assert.ok(message.startsWith(`${file}: `), `the file is named: ${message}`);
    for (const table of [
      "observation",
      "flow_hour",
      "flow_tuple",
      "connection_key",
      "asset",
      "policy_violation",
      "audit_event",
    ] as const) {
      assert.equal((await t.db.selectFrom(table).selectAll().execute()).length, 0, `nothing in ${table}`);
    }
    return message.slice(file.length + 2);
  }

  it("refuses a gzipped endless line (10 MB of zeros, 10 KB on disk) at line 1", async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(10 * 1024 * 1024), { level: 1 });
    assert.ok(bomb.length < 64 * 1024, `small on disk: ${bomb.length} bytes`);
    assert.equal(
      await refusal("b.gz", bomb, ["--dry-run"]),
      "line 1 is longer than 64 KB, which no log line is; nothing of it was written."
    );
  });

  it("refuses a gzip that inflates more than a hundred times, naming the line it had reached", async () => {
    const bomb = zlib.gzipSync(header + ("0".repeat(1023) + "\n").repeat(24 * 1024));
    const message = await refusal("ratio.log.gz", bomb);
    assert.match(
      message,
      /^by line \d+ it inflates to more than 100 times its compressed size, as a decompression bomb does \(a log compresses 5 to 10 times\); nothing of it was written\.$/
    );
  });

  it("refuses an endless line in a plain file at its line", async () => {
    const message = await refusal("endless.log", header + lines[8] + "\n" + "7".repeat(200_000));
    const headerLines = header.split("\n").length - 1;
    assert.equal(
      message,
      `line ${headerLines + 2} is longer than 64 KB, which no log line is; nothing of it was written.`
    );
  });

  it("refuses a gzip whose data is corrupt, saying after which line", async () => {
    const whole = zlib.gzipSync(fs.readFileSync(FIXTURE));
    const corrupt = Buffer.from(whole);
    for (let i = Math.floor(whole.length / 2); i < Math.floor(whole.length / 2) + 64; i++)
      corrupt[i] = corrupt[i]! ^ 0xff;
    assert.match(
      await refusal("corrupt.log.gz", corrupt),
      /^the gzip stream is truncated or corrupt after line \d+; nothing of it was written\.$/
    );
  });
});

describe("overlapping logs", () => {
  it("count the connections they share once: two overlapping halves give the whole file's figures", async () => {
    const t = await createTestDatabase();
    try {
      await seedPlant(t.db, "LAB", [{ protocol: "udp", port: 53 }]);
      const { records } = parseConnLog(lines);
      const cut = Math.floor(records.length * 0.4);
      const first = await ingestConnRecords(t.db, { plantCode: "LAB", records: records.slice(0, cut * 2), actor });
      const second = await ingestConnRecords(t.db, { plantCode: "LAB", records: records.slice(cut), actor });
      const crossing = lines
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => l.split("\t"))
        .filter((c) => (inPlc(c[2]!) && inHmi(c[4]!)) || (inHmi(c[2]!) && inPlc(c[4]!))).length;
      assert.ok(second.duplicates > 1000, "the second log repeats much of the first");
      assert.equal(first.counted + second.counted, crossing);
      const [observation] = await t.db.selectFrom("observation").select("connections").execute();
      assert.equal(observation!.connections, crossing);
    } finally {
      await t.cleanup();
    }
  });
});
