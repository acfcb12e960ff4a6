import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Migrator, sql } from "kysely";
import { DEFAULT_BASELINE_SETTINGS } from "../../app/domain/baseline";
import { flowTuple, parseConnLog } from "../../app/domain/zeek";
import { INGEST_CREATION_CAP, ingestConnRecords } from "../../app/models/evidence.server";
import { tickCriterion } from "../../app/models/gates.server";
import type { Actor } from "../../app/utils/actor";
import { systemActor } from "../../app/utils/actor";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { ActError } from "../../app/utils/errors";
import { migrateToLatest } from "../../db/migrate";
import { migrations } from "../../db/migrations/index";
import { root } from "../../scripts/build";
import { createTestDatabase, tempDir, type TestDatabase, databaseEnv } from "../support/database";
import { createPerson, signInOverHttp } from "../support/people";
import { insertCutOverConduit, insertPlant, insertZone } from "../support/plants";
import { runScript, startServer } from "../support/server";
import type { FlowProtocol } from "../../app/domain/vocabulary";

// What one file may do to a plant: create at most INGEST_CREATION_CAP hosts and violations (a spoofed scan is
// reported, not stored), leave the app writable while it is read, and show readers nothing until it is published
// whole, even when its process is killed midway.

const FIXTURE = path.join(root, "test/fixtures/zeek/4sics-geeklounge-151020.conn.log");
const fixtureLines = fs.readFileSync(FIXTURE, "utf8").split("\n");
const actor = systemActor("test");

/** A plant with two zones and a monitored conduit between them, cut over before `epochDay`, allowing `allowed`. */
async function plantWithConduit(
  db: DB,
  code: string,
  zones: { a: [string, string]; b: [string, string] },
  allowed: { protocol: FlowProtocol; port: number | null }[],
  cutoverAt: string
): Promise<{ plantId: number; conduitId: number }> {
  const plantId = await insertPlant(db, code, "UTC");
  const a = await insertZone(db, plantId, ...zones.a);
  const b = await insertZone(db, plantId, ...zones.b);
  const conduitId = await insertCutOverConduit(
    db,
    plantId,
    `${zones.a[0]}-${zones.b[0]}`,
    { a, b },
    allowed,
    cutoverAt
  );
  return { plantId, conduitId };
}

/** The 4sics lab as in zeek-ingest.test.ts: the PLC's /28 and the HMIs' /28, S7 polling crossing the conduit. */
function labPlant(db: DB) {
  return plantWithConduit(
    db,
    "LAB",
    { a: ["HMI", "10.10.10.16/28"], b: ["PLC", "10.10.10.0/28"] },
    [{ protocol: "udp", port: 53 }],
    "2015-10-01T12:00:00.000Z"
  );
}

/** The 4sics log `copies` times, each copy `hours` later than the one before: a large log of real traffic. */
function writeShiftedLog(file: string, copies: number, hours: number): void {
  const header = fixtureLines.filter((l) => l.startsWith("#") && !l.startsWith("#close"));
  const rows = fixtureLines.filter((l) => l && !l.startsWith("#")).map((l) => l.split("\t"));
  const out = fs.openSync(file, "w");
  fs.writeSync(out, header.join("\n") + "\n");
  for (let k = 0; k < copies; k++) {
    const shift = k * hours * 3600;
    fs.writeSync(out, rows.map((c) => [(Number(c[0]) + shift).toFixed(6), ...c.slice(1)].join("\t")).join("\n") + "\n");
  }
  fs.closeSync(out);
}

async function count(db: DB, table: "observation" | "policy_violation" | "asset" | "audit_event" | "flow_hour") {
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0]!.n);
}

/** What readers see of the evidence: observations, violations, staged hosts (instants of recording left out). */
async function evidence(db: DB) {
  return {
    observations: await db
      .selectFrom("observation")
      .select(["conduit_id", "day", "source", "coverage", "tuples", "new_tuples", "connections", "bytes"])
      .orderBy("conduit_id")
      .orderBy("day")
      .execute(),
    violations: await db
      .selectFrom("policy_violation")
      .select(["conduit_id", "tuple", "count", "first_seen", "last_seen"])
      .orderBy("tuple")
      .execute(),
    hosts: await db.selectFrom("asset").select(["ip", "zone_id", "status"]).orderBy("ip").execute(),
  };
}

describe("a spoofed scan: 20,000 sources in one plant /64", () => {
  let t: TestDatabase;
  const file = path.join(tempDir(), "scan.conn.log");
  const SOURCES = 20_000;

  before(async () => {
    t = await createTestDatabase();
    await plantWithConduit(
      t.db,
      "SCN",
      { a: ["Field", "2001:db8:5::/64"], b: ["Control", "10.9.0.0/24"] },
      [{ protocol: "tcp", port: 502 }],
      "2026-11-01T12:00:00.000Z"
    );
    // Every line a new source telnetting to one controller: a new host and a new wrong flow each.
    const start = Date.parse("2026-11-10T00:00:00Z") / 1000;
    const lines = ["#separator \\x09", "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto"];
    for (let i = 0; i < SOURCES; i++) {
      lines.push(
        `${(start + i * 2).toFixed(6)}\tC${i}\t2001:db8:5::${(i + 1).toString(16)}\t40000\t10.9.0.10\t23\ttcp`
      );
    }
    fs.writeFileSync(file, lines.join("\n") + "\n");
  });
  after(async () => t.cleanup());

  it("stages and records at most the cap, and reports the anomaly in --json, the audit trail and the plant page", async () => {
    const run = await runScript("scripts/ingest-zeek.ts", ["--plant", "SCN", "--json", file], {
      ...databaseEnv(t.file),
    });
    assert.equal(run.status, 0, run.stderr);
    const { summary } = (
      JSON.parse(run.stdout) as { files: { summary: import("../../app/models/evidence.server").IngestSummary }[] }
    ).files[0]!;
    // Every connection counted (observations stay exact); what people must triage is bounded.
    assert.equal(summary.counted, SOURCES);
    assert.deepEqual(summary.anomaly, {
      cap: INGEST_CREATION_CAP,
      newHosts: SOURCES + 1,
      stagedHosts: INGEST_CREATION_CAP,
      newWrongFlows: SOURCES,
      recordedWrongFlows: INGEST_CREATION_CAP,
    });
    assert.equal(summary.stagedHosts.length, INGEST_CREATION_CAP);
    assert.ok(summary.wrongFlows.length <= INGEST_CREATION_CAP, "the summary holds no more than the cap");
    assert.equal(await count(t.db, "asset"), INGEST_CREATION_CAP, "hosts staged: the cap");
    assert.equal(await count(t.db, "policy_violation"), INGEST_CREATION_CAP, "violations recorded: the cap");
    // The first hosts of the file are the ones staged (the responder first of all, in order of appearance).
    assert.deepEqual(
      summary.stagedHosts.slice(0, 3).map((h) => h.ip),
      ["2001:db8:5::1", "10.9.0.10", "2001:db8:5::2"]
    );
    const [observation] = await t.db.selectFrom("observation").select(["connections", "tuples"]).execute();
    assert.deepEqual(observation, { connections: SOURCES, tuples: SOURCES });

    const event = await t.db
      .selectFrom("audit_event")
      .select(["summary", "after_json"])
      .where("action", "=", "observation.ingest")
      .executeTakeFirstOrThrow();
    assert.match(
      event.summary,
      /Scan or spoofing suspected: 20001 new hosts \(5000 staged\) and 20000 new wrong flows/
    );
    assert.deepEqual((JSON.parse(event.after_json!) as { anomaly: unknown }).anomaly, summary.anomaly);

    // Ingesting it again counts nothing, and stages the next hosts, as many as the cap allows, no more.
    const again = await runScript("scripts/ingest-zeek.ts", ["--plant", "SCN", file], { ...databaseEnv(t.file) });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /20000 connections, 0 counted, 20000 already counted/);
    assert.match(
      again.stdout,
      /SCAN OR SPOOFING SUSPECTED: 15001 new hosts \(5000 staged\), 0 new wrong flows \(0 recorded\); one file creates at most 5000 of each/
    );
    assert.equal(await count(t.db, "asset"), 2 * INGEST_CREATION_CAP, "the next file stages the next hosts, bounded");

    const plantId = (await t.db.selectFrom("plant").select("id").where("code", "=", "SCN").executeTakeFirstOrThrow())
      .id;
    await createPerson(t.db, { email: "lead@scan.test", role: "program_lead", plantIds: [plantId] });
    const server = await startServer({ ...databaseEnv(t.file) });
    try {
      const cookie = await signInOverHttp(server.url, "lead@scan.test");
      const page = await fetch(`${server.url}/plants/SCN`, { headers: { Cookie: cookie } });
      assert.equal(page.status, 200);
      const html = (await page.text()).replace(/<!-- -->/g, "");
      assert.match(html, /Scan or spoofed sources suspected/);
      assert.match(
        html,
        /scan\.conn\.log, [^<]*?: 20001 hosts missing from the inventory \(5000 staged\), 20000 new wrong flows \(5000 recorded\)/
      );
    } finally {
      await server.stop();
    }
  });
});

describe("an ingest killed midway, and the app writing while one runs", () => {
  let t: TestDatabase;
  let reference: TestDatabase;
  const file = path.join(tempDir(), "big.conn.log");

  before(async () => {
    t = await createTestDatabase();
    reference = await createTestDatabase();
    await labPlant(t.db);
    await labPlant(reference.db);
    writeShiftedLog(file, 40, 2);
  });
  after(async () => {
    await t.cleanup();
    await reference.cleanup();
  });

  it("shows readers nothing of a killed ingest, lets a tick through while it runs, and a re-run counts as one run", async () => {
    const plantId = (await t.db.selectFrom("plant").select("id").where("code", "=", "LAB").executeTakeFirstOrThrow())
      .id;
    const personId = await createPerson(t.db, { email: "lead@lab.test", role: "program_lead", name: "Lab Lead" });
    const lead: Actor = {
      kind: "person",
      personId,
      tokenId: null,
      name: "Lab Lead",
      email: "lead@lab.test",
      role: "program_lead",
      label: "Lab Lead",
      assignedPlantIds: [],
      plantScope: null,
    };
    const before = await evidence(t.db);
    const auditBefore = await count(t.db, "audit_event");

    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(root, "scripts/ingest-zeek.ts"), "--plant", "LAB", file],
      { cwd: root, env: { ...process.env, ...databaseEnv(t.file) }, stdio: "ignore" }
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // Midway: once the first chunk is committed (long before the last: the file is forty of them).
    for (;;) {
      const { rows } = await sql<{ n: number }>`select count(*) as n from flow_hour`.execute(t.db);
      if (Number(rows[0]!.n) > 0) break;
      assert.equal(child.exitCode, null, "the ingest is still running");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // A write through the app's models goes through while the ingest runs in another process.
    await tickCriterion(t.db, lead, { plantId, code: "ZON-REVIEW", ticked: true, note: "Zones reviewed" });
    assert.equal(child.exitCode, null, "the tick did not wait for the ingest to end");
    child.kill("SIGKILL");
    await exited;

    assert.deepEqual(await evidence(t.db), before, "readers saw nothing of the killed ingest");
    assert.equal(await count(t.db, "audit_event"), auditBefore + 1, "only the tick was audited");
    assert.equal(
      (await t.db.selectFrom("checklist_tick").select("note").executeTakeFirstOrThrow()).note,
      "Zones reviewed"
    );

    const rerun = await runScript("scripts/ingest-zeek.ts", ["--plant", "LAB", "--json", file], {
      ...databaseEnv(t.file),
    });
    assert.equal(rerun.status, 0, rerun.stderr);
    const whole = await runScript("scripts/ingest-zeek.ts", ["--plant", "LAB", "--json", file], {
      ...databaseEnv(reference.file),
    });
    assert.equal(whole.status, 0, whole.stderr);
    type Report = { files: { summary: { records: number; counted: number; duplicates: number; days: unknown[] } }[] };
    const [a, b] = [rerun, whole].map((r) => (JSON.parse(r.stdout) as Report).files[0]!.summary);
    assert.ok(a!.counted > 100_000, `counted ${a!.counted}`);
    assert.deepEqual(
      { records: a!.records, counted: a!.counted, duplicates: a!.duplicates, days: a!.days },
      { records: b!.records, counted: b!.counted, duplicates: b!.duplicates, days: b!.days }
    );
    assert.deepEqual(await evidence(t.db), await evidence(reference.db), "the same evidence as one uninterrupted run");
    assert.equal(
      Number(
        (await t.db
          .selectFrom("evidence_ingest")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirst())!.n
      ),
      1,
      "the killed ingest is gone"
    );
  });
});

describe("an ingest already running", () => {
  it("refuses a second ingest into the same plant while its process lives", async () => {
    const t = await createTestDatabase();
    try {
      const { plantId } = await labPlant(t.db);
      const now = new Date().toISOString();
      await t.db
        .insertInto("evidence_ingest")
        .values({
          plant_id: plantId,
          source: "zeek_ingest",
          label: "conn.log",
          state: "running",
          pid: process.pid,
          host: os.hostname(),
          started_at: now,
          heartbeat_at: now,
          finished_at: null,
        })
        .execute();
      const { records } = parseConnLog(fixtureLines);
      await assert.rejects(
        ingestConnRecords(t.db, { plantCode: "LAB", records, actor }),
        (error: unknown) =>
          error instanceof ActError && error.status === 409 && /Another ingest into LAB is running/.test(error.message)
      );
      assert.equal(await count(t.db, "observation"), 0);
    } finally {
      await t.cleanup();
    }
  });
});

describe("migration of the connections stored one row each", () => {
  it("moves them into flow hours and keys: the same log ingested again counts nothing, a new connection counts", async () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, "old.db"));
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      const { error } = await migrator.migrateTo("2026-12-05T0030_sign_in_pruning");
      assert.equal(error, undefined);
      const { plantId, conduitId } = await labPlant(db);
      const { records } = parseConnLog(fixtureLines);
      const inLab = (ip: string, from: number) => {
        const m = /^10\.10\.10\.(\d+)$/.exec(ip);
        return m !== null && Number(m[1]) >= from && Number(m[1]) < from + 16;
      };
      const crossing = records.filter(
        (r) => (inLab(r.origHost, 0) && inLab(r.respHost, 16)) || (inLab(r.origHost, 16) && inLab(r.respHost, 0))
      );
      // Rows as the ingest wrote them before: keyed by start second and the SHA-1 of start and 5-tuple.
      const rows = crossing.map((r) => ({
        plant_id: plantId,
        conn_key: `${String(Math.floor(r.ts)).padStart(10, "0")}${crypto.hash(
          "sha1",
          `${r.ts}|${r.origHost}|${r.origPort ?? "-"}|${r.respHost}|${r.respPort ?? "-"}|${r.proto}`,
          "base64url"
        )}`,
        conduit_id: conduitId,
        epoch_key: "1@2015-10-02",
        day: new Date(r.ts * 1000).toISOString().slice(0, 10),
        hour: new Date(r.ts * 1000).getUTCHours(),
        ts: r.ts,
        tuple: flowTuple(r, DEFAULT_BASELINE_SETTINGS),
        bytes: (r.origBytes ?? 0) + (r.respBytes ?? 0),
        wrong: r.proto === "udp" && r.respPort === 53 ? 0 : 1,
        source: "zeek_ingest",
      }));
      const legacy = db as unknown as import("kysely").Kysely<Record<string, Record<string, unknown>>>;
      for (let i = 0; i < rows.length; i += 500) {
        await legacy
          .insertInto("ingested_connection")
          .values(rows.slice(i, i + 500))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      const stored = (await sql<{ n: number }>`select count(*) as n from ingested_connection`.execute(db)).rows[0]!.n;
      assert.ok(stored > 9000);

      // The aggregates' migration runs first of those after it; later ones follow it.
      assert.equal((await migrateToLatest(db))[0], "2026-12-05T0100_ingest_aggregates");
      const hours = await sql<{ n: number }>`select sum(connections) as n from flow_hour`.execute(db);
      assert.equal(Number(hours.rows[0]!.n), stored, "every stored connection is in the flow hours");

      const again = await ingestConnRecords(db, { plantCode: "LAB", records, actor });
      assert.equal(again.counted, 0, "the log ingested before the change is recognised");
      assert.equal(again.duplicates, stored);

      // A connection not stored before counts, and its day and flow are recounted with the moved connections.
      const s7 = crossing.find((r) => flowTuple(r, DEFAULT_BASELINE_SETTINGS) === "10.10.10.30|10.10.10.10|tcp|102")!;
      const more = await ingestConnRecords(db, {
        plantCode: "LAB",
        records: [...records.slice(0, 50), { ...s7, ts: s7.ts + 0.5 }],
        actor,
      });
      assert.equal(more.counted, 1);
      const [observation] = await db.selectFrom("observation").select("connections").execute();
      assert.equal(observation!.connections, stored + 1);
      const violation = await db
        .selectFrom("policy_violation")
        .select("count")
        .where("tuple", "=", "10.10.10.30|10.10.10.10|tcp|102")
        .executeTakeFirstOrThrow();
      assert.equal(
        violation.count,
        rows.filter((r) => r.tuple === "10.10.10.30|10.10.10.10|tcp|102").length + 1,
        "the violation counts the moved connections and the new one"
      );
    } finally {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
