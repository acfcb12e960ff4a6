import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { applicationTables } from "../../db/backend";
import { sql } from "kysely";
import { epochStartFor } from "../../app/domain/baseline";
import { DERIVED_HASH, type ProgramFile } from "../../app/domain/program-file";
import { serializeProgram } from "../../app/domain/program-file-writing";
import { formatError, validateProgramFile } from "../../app/domain/program-file-reading";
import { verifyAuditChain } from "../../app/models/audit.server";
import { exportProgram } from "../../app/models/program-export.server";
import {
  importProgram,
  ProgramFileInvalidError,
  ProgramImportRefusedError,
} from "../../app/models/program-import.server";
import { baselineAcceptanceHash } from "../../app/models/readiness.server";
import { readinessOf } from "../../app/http/readiness-cache.server";
import { contentHash } from "../../app/models/signoffs.server";
import type { WindowKind, WindowStatus } from "../../app/domain/vocabulary";
import type { DB } from "../../app/utils/db.server";
import { seedDemoProgram } from "../../db/seed/demo-program";
import { root } from "../../scripts/build";
import { createTestDatabase, tempDir, type TestDatabase, databaseEnv } from "../support/database";

// The program file moves a whole program between databases: what comes out must go back in unchanged, byte for
// byte, with every signoff still valid and every gate judged the same; a bad file changes nothing and says why.

const NOW = new Date("2026-11-25T15:00:00.000Z");
const EXPORTED_AT = new Date("2026-11-25T16:00:00.000Z");
const databases: TestDatabase[] = [];
let source: TestDatabase;
let exported: ProgramFile;
/** The plant the facts the seed lacks were added to. */
let fixturePlant: string;

async function database(): Promise<TestDatabase> {
  const test = await createTestDatabase();
  databases.push(test);
  return test;
}

async function seeded(): Promise<TestDatabase> {
  const test = await database();
  await seedDemoProgram(test.db, { now: NOW });
  return test;
}

/** Rows of every application table, the audit trail included. */
async function rowCounts(db: DB): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of await applicationTables(db)) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(db);
    counts[name] = Number(rows[0]?.n ?? 0);
  }
  return counts;
}

/** Readiness as people read it: everything but database ids, which differ between databases by design. */
async function readinessWithoutIds(db: DB): Promise<string> {
  const readiness = await readinessOf(db, NOW.toISOString());
  return JSON.stringify(readiness, (key, value: unknown) => (key === "id" || /Ids?$/.test(key) ? undefined : value));
}

/**
 * What the demo seed does not write yet, written as the app would: outage windows (two starting together), a
 * completed cutover and its baseline, alert wiring, detection rules, checklist ticks, waivers, a program setting,
 * and the signoffs whose hashes bind to database ids (baseline acceptance) or to a gate pass.
 */
async function addReadinessFacts(db: DB): Promise<string> {
  const conduit = await db
    .selectFrom("conduit as c")
    .innerJoin("plant as p", "p.id", "c.plant_id")
    .select(["c.id", "c.plant_id", "c.revision", "c.design_owner_id", "c.monitoring_owner_id", "p.code", "p.time_zone"])
    .where("c.monitored", "=", 1)
    .where("c.design_owner_id", "is not", null)
    .where("c.monitoring_owner_id", "is not", null)
    .orderBy("p.code")
    .orderBy("c.name")
    .executeTakeFirstOrThrow();
  const engineer = conduit.design_owner_id!;
  const security = conduit.monitoring_owner_id!;
  const asset = await db
    .selectFrom("asset")
    .select("id")
    .where("plant_id", "=", conduit.plant_id)
    .orderBy("name")
    .executeTakeFirstOrThrow();
  const gatePass = await db
    .selectFrom("gate_pass")
    .select("id")
    .where("plant_id", "=", conduit.plant_id)
    .orderBy("id")
    .executeTakeFirstOrThrow();
  const plant = conduit.plant_id;
  const lead = (
    await db
      .selectFrom("person")
      .select("id")
      .where("role", "=", "program_lead")
      .orderBy("id")
      .executeTakeFirstOrThrow()
  ).id;

  await db
    .insertInto("program_setting")
    .values({ key: "baseline.mature_days", value: "30", updated_at: "2026-01-05T10:00:00.000Z" })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();

  const window = (
    title: string,
    startsAt: string,
    endsAt: string,
    kind: WindowKind = "scheduled_outage",
    status: WindowStatus = "completed"
  ) => ({
    plant_id: plant,
    title,
    kind,
    status,
    starts_at: startsAt,
    ends_at: endsAt,
    time_zone: conduit.time_zone,
    notes: null,
    created_by: engineer,
    created_at: "2026-08-01T12:00:00.000Z",
    updated_at: "2026-08-01T12:00:00.000Z",
  });
  const windowIds: number[] = [];
  for (const row of [
    window("Line 2 changeover", "2026-09-05T10:17:00.000Z", "2026-09-05T18:00:00.000Z"),
    window("Quarter-end freeze", "2026-09-28T00:00:00.000Z", "2026-10-02T00:00:00.000Z", "blackout", "confirmed"),
    window("Shutdown, north hall", "2026-09-05T10:17:00.000Z", "2026-09-05T14:00:00.000Z"),
  ]) {
    windowIds.push((await db.insertInto("outage_window").values(row).returning("id").executeTakeFirstOrThrow()).id);
  }

  const doneAt = "2026-09-05T12:30:00.000Z";
  const change = {
    plant_id: plant,
    conduit_id: null,
    conduit_revision: null,
    asset_id: null,
    window_id: null,
    planned_start: null,
    planned_minutes: null,
    done_at: null,
    created_by: engineer,
    created_at: "2026-08-02T12:00:00.000Z",
    updated_at: "2026-09-05T12:30:00.000Z",
  };
  await db
    .insertInto("network_change")
    .values([
      {
        ...change,
        kind: "conduit_cutover",
        title: "Cut over to the new firewall",
        conduit_id: conduit.id,
        conduit_revision: conduit.revision,
        window_id: windowIds[0]!,
        planned_start: "2026-09-05T11:00:00.000Z",
        planned_minutes: 90,
        status: "done",
        done_at: doneAt,
      },
      {
        ...change,
        kind: "sensor_install",
        title: "SPAN port for the sensor",
        asset_id: asset.id,
        window_id: windowIds[2]!,
        planned_start: "2026-09-05T10:30:00.000Z",
        planned_minutes: 30,
        status: "done",
        done_at: "2026-09-05T11:00:00.000Z",
      },
      {
        ...change,
        kind: "firewall_rule_change",
        title: "Tighten historian replication",
        conduit_id: conduit.id,
        status: "needs_window",
      },
    ])
    .execute();

  const epochStart = epochStartFor(doneAt, conduit.time_zone);
  const days = Array.from({ length: 70 }, (_, i) =>
    new Date(Date.parse(`${epochStart}T00:00:00.000Z`) + i * 86_400_000).toISOString().slice(0, 10)
  );
  await db
    .insertInto("observation")
    .values(
      days.flatMap((day, i) => [
        {
          conduit_id: conduit.id,
          day,
          source: "test_sensor",
          coverage: 0.97,
          tuples: 40 + i,
          new_tuples: i % 9 === 0 ? 2 : 0,
          connections: 1200 + i,
          bytes: 9_000_000_000 + i,
          recorded_at: `${day}T23:55:00.000Z`,
        },
        ...(i % 10 === 0
          ? [
              {
                conduit_id: conduit.id,
                day,
                source: "test_manual",
                coverage: 0.5,
                tuples: 12,
                new_tuples: 0,
                connections: 80,
                bytes: 12345,
                recorded_at: `${day}T23:59:00.000Z`,
              },
            ]
          : []),
      ])
    )
    .execute();

  await db
    .insertInto("alert_wiring")
    .values({
      conduit_id: conduit.id,
      conduit_revision: conduit.revision,
      person_id: security,
      at: "2026-11-20T09:00:00.000Z",
      siem_reference: "SPLUNK-OT-17",
    })
    .execute();
  await db
    .insertInto("detection_rule")
    .values([
      {
        conduit_id: conduit.id,
        name: "New responder on the DMZ",
        class: "unusual",
        description: null,
        reviewed_by: engineer,
        reviewed_at: "2026-11-21T09:00:00.000Z",
        created_by: security,
        created_at: "2026-11-20T09:30:00.000Z",
      },
      {
        conduit_id: conduit.id,
        name: "Modbus write from corporate",
        class: "wrong",
        description: "Any write function code",
        reviewed_by: null,
        reviewed_at: null,
        created_by: security,
        created_at: "2026-11-20T09:40:00.000Z",
      },
    ])
    .execute();

  // The later tick of a code is its state, so the file must keep their order.
  await db
    .insertInto("checklist_tick")
    .values([
      {
        plant_id: plant,
        code: "BAS-PIPELINE",
        ticked: 1,
        note: "OT SIEM pipeline live",
        details_json: JSON.stringify({ pipeline: "ot-siem", retentionDays: 400 }),
        person_id: engineer,
        at: "2026-11-01T10:00:00.000Z",
      },
      {
        plant_id: plant,
        code: "BAS-PIPELINE",
        ticked: 0,
        note: "Retention not confirmed yet",
        details_json: null,
        person_id: engineer,
        at: "2026-11-01T09:00:00.000Z",
      },
    ])
    .execute();
  await db
    .insertInto("waiver")
    .values([
      {
        plant_id: plant,
        code: "ZON-REVIEW",
        justification: "Reviewed at the regional design board instead",
        person_id: lead,
        at: "2026-10-01T10:00:00.000Z",
        revoked_at: "2026-10-03T10:00:00.000Z",
        revoked_by: lead,
      },
      {
        plant_id: plant,
        code: "BAS-PIPELINE",
        justification: "Shared pipeline until the OT SIEM is funded",
        person_id: lead,
        at: "2026-10-04T10:00:00.000Z",
        revoked_at: null,
        revoked_by: null,
      },
    ])
    .execute();

  const signoff = {
    plant_id: plant,
    revision: conduit.revision,
    note: "Residual novelty is the weekly patch pull.",
    revoked_at: null,
    revoked_reason: null,
  };
  const acceptance = baselineAcceptanceHash(conduit.id, conduit.revision, epochStart);
  await db
    .insertInto("signoff")
    .values([
      {
        ...signoff,
        subject_type: "baseline_acceptance",
        subject_id: conduit.id,
        part: "design_change_control",
        person_id: engineer,
        role: "plant_engineer",
        content_hash: acceptance,
        signed_at: "2026-11-22T10:00:00.000Z",
      },
      {
        ...signoff,
        subject_type: "baseline_acceptance",
        subject_id: conduit.id,
        part: "monitoring_incident_response",
        person_id: security,
        role: "corporate_security",
        content_hash: acceptance,
        signed_at: "2026-11-22T11:00:00.000Z",
        revoked_at: "2026-11-22T11:05:00.000Z",
        revoked_reason: "Signed the wrong conduit",
      },
      {
        ...signoff,
        subject_type: "gate_pass",
        subject_id: gatePass.id,
        part: "design_change_control",
        person_id: engineer,
        role: "plant_engineer",
        content_hash: contentHash({ object: "gate_pass", phase: "inventory" }),
        signed_at: "2026-11-23T10:00:00.000Z",
      },
    ])
    .execute();
  return conduit.code;
}

function clone(program: ProgramFile): ProgramFile {
  return JSON.parse(JSON.stringify(program)) as ProgramFile;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runScript(script: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    // Decoded as a stream: a chunk may end inside a multi-byte character (every "↔" of a conduit name).
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: string) => (stdout += chunk));
    child.stderr.on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  source = await seeded();
  fixturePlant = await addReadinessFacts(source.db);
  exported = await exportProgram(source.db, { exportedAt: EXPORTED_AT });
});

after(async () => {
  for (const test of databases) await test.cleanup();
});

describe("program file export and import", () => {
  it("exports a valid document that holds the whole program by natural keys", () => {
    const check = validateProgramFile(exported);
    assert.equal(check.ok, true, check.ok ? "" : check.errors.map(formatError).join("\n"));
    assert.equal(exported.exportedAt, EXPORTED_AT.toISOString());
    assert.equal(exported.plants.length, 13);
    assert.deepEqual(
      exported.plants.map((p) => p.code),
      [...exported.plants.map((p) => p.code)].sort()
    );
    const keys = new Set<string>();
    JSON.stringify(exported, (key, value: unknown) => (keys.add(key), value));
    assert.deepEqual(
      [...keys].filter((key) => /password|session|token|^id$|Id$/i.test(key)),
      []
    );
    assert.doesNotMatch(serializeProgram(exported), /scrypt\$/);

    const plant = exported.plants.find((p) => p.code === fixturePlant)!;
    const ours = new Set(["Line 2 changeover", "Shutdown, north hall", "Quarter-end freeze"]);
    assert.deepEqual(
      plant.outageWindows.filter((w) => ours.has(w.title)).map((w) => [w.key, w.title]),
      [
        ["2026-09-05T10:17:00.000Z", "Line 2 changeover"],
        ["2026-09-05T10:17:00.000Z#2", "Shutdown, north hall"],
        ["2026-09-28T00:00:00.000Z", "Quarter-end freeze"],
      ],
      "windows starting together keep their recorded order, and their keys say so"
    );
    assert.deepEqual(
      plant.networkChanges
        .filter((n) => n.createdAt === "2026-08-02T12:00:00.000Z")
        .map((n) => [n.window, n.asset !== null]),
      [
        ["2026-09-05T10:17:00.000Z", false],
        ["2026-09-05T10:17:00.000Z#2", true],
        [null, false],
      ]
    );
    assert.deepEqual(
      plant.checklistTicks
        .filter((t) => t.note === "OT SIEM pipeline live" || t.note === "Retention not confirmed yet")
        .map((t) => t.ticked),
      [true, false],
      "ticks keep the order they were recorded in, whatever their times"
    );
    const acceptances = plant.signoffs.filter(
      (s) => s.subject.type === "baseline_acceptance" && s.note === "Residual novelty is the weekly patch pull."
    );
    assert.equal(acceptances.length, 2);
    for (const s of acceptances) assert.equal(s.contentHash, DERIVED_HASH);
    assert.ok(plant.signoffs.some((s) => s.subject.type === "gate_pass" && s.contentHash !== DERIVED_HASH));
    const conduitSignoffs = exported.plants.flatMap((p) => p.signoffs).filter((s) => s.subject.type === "conduit");
    assert.ok(
      conduitSignoffs.some((s) => s.contentHash === DERIVED_HASH),
      "conduit hashes bind to ids: they travel derived"
    );
  });

  it("round-trips: export → import into an empty database → export gives the same document, byte for byte", async () => {
    const target = await database();
    const { counts, replaced } = await importProgram(target.db, exported, { now: NOW });
    assert.equal(replaced, null);
    assert.equal(counts.plants, 13);
    assert.equal(
      counts.assets,
      exported.plants.reduce((n, p) => n + p.assets.length, 0)
    );

    const again = await exportProgram(target.db, { exportedAt: EXPORTED_AT });
    assert.deepEqual(again, exported);
    assert.equal(serializeProgram(again), serializeProgram(exported));
    // The demo's known-transient host keeps its triage through the file.
    assert.ok(
      again.plants.some((p) => p.assets.some((a) => a.triage?.state === "transient" && a.triage.by !== null)),
      "a triaged host in the export"
    );

    // Signoffs bound to database ids are still valid in the new database, so every gate reads the same.
    assert.equal(await readinessWithoutIds(target.db), await readinessWithoutIds(source.db));

    const person = await target.db
      .selectFrom("person")
      .select(["password_hash", "password_changed_at"])
      .executeTakeFirstOrThrow();
    assert.deepEqual(person, { password_hash: null, password_changed_at: null });
    const event = await target.db
      .selectFrom("audit_event")
      .selectAll()
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    assert.equal(event.action, "program.import");
    assert.equal(event.actor_label, "system (program:import)");
    assert.equal(JSON.parse(event.after_json ?? "{}").assets, counts.assets);
  });

  it("refuses to import into a database that holds a program, and replaces it only when asked, keeping the audit trail", async () => {
    const target = await seeded();
    const before = await rowCounts(target.db);
    await assert.rejects(importProgram(target.db, exported), (error: unknown) => {
      assert.ok(error instanceof ProgramImportRefusedError);
      assert.match(
        error.message,
        /already holds a program \(13 plants, [\d,]+ assets, \d+ people\); nothing was imported/
      );
      return true;
    });
    assert.deepEqual(await rowCounts(target.db), before);

    const { replaced } = await importProgram(target.db, exported, { replace: true, now: NOW });
    assert.equal(replaced?.plants, 13);
    const afterReplace = await rowCounts(target.db);
    const gained = await target.db
      .selectFrom("audit_event")
      .select(["action", "at"])
      .where("seq", ">", before.audit_event ?? 0)
      .orderBy("seq")
      .execute();
    assert.equal(afterReplace.audit_event, (before.audit_event ?? 0) + gained.length, "the trail keeps every event");
    assert.equal(gained.at(-1)?.action, "program.import", "and gains the file's history, then the import");
    assert.ok(gained.filter((e) => e.action === "gate.pass").length >= 20, "the history holds the gate passes");
    assert.deepEqual(await verifyAuditChain(target.db).then((v) => v.ok), true);
    assert.equal(
      serializeProgram(await exportProgram(target.db, { exportedAt: EXPORTED_AT })),
      serializeProgram(exported)
    );
  });

  it("refuses an invalid document whole, listing every error by its JSON path, and changes nothing", async () => {
    const broken = clone(exported);
    const [first, second] = broken.plants as [ProgramFile["plants"][number], ProgramFile["plants"][number]];
    const withConduits = broken.plants.findIndex((p) => p.conduits.length > 1 && p.signoffs.length > 0);
    const plant = broken.plants[withConduits]!;
    first.zones[0]!.ranges[0] = "10.0.0.0/33";
    second.timeZone = "Mars/Olympus_Mons";
    plant.conduits[0]!.zoneB = "Basement lab";
    plant.conduits.push({ ...plant.conduits[0]!, zoneB: plant.conduits[1]!.zoneB });
    plant.signoffs[0]!.signer = "ghost@demo.test";
    second.assets[3]!.ip = "10.0.0.300";
    (broken.people[0] as Record<string, unknown>).password = "hunter2";
    broken.plants.push({
      ...first,
      zones: [],
      conduits: [],
      assets: [],
      signoffs: [],
      gatePasses: [],
      networkChanges: [],
      outageWindows: [],
      checklistTicks: [],
      waivers: [],
    });
    const p = `plants[${withConduits}]`;
    const last = broken.plants.length - 1;

    const target = await seeded();
    const before = await rowCounts(target.db);
    await assert.rejects(importProgram(target.db, broken, { replace: true }), (error: unknown) => {
      assert.ok(error instanceof ProgramFileInvalidError);
      assert.deepEqual(
        error.errors.map(formatError).sort(),
        [
          `people[0].password: is not a field of this format`,
          `plants[0].zones[0].ranges[0]: "10.0.0.0/33" is not a CIDR block`,
          `plants[1].assets[3].ip: "10.0.0.300" is not an IPv4 or IPv6 address`,
          `plants[1].timeZone: "Mars/Olympus_Mons" is not an IANA time zone (like America/Phoenix)`,
          `plants[${last}].code: duplicate plant code "${first.code}" (first at plants[0])`,
          `${p}.conduits[${plant.conduits.length - 1}].name: duplicate conduit name "${
            plant.conduits[0]!.name
          }" (first at ${p}.conduits[0])`,
          `${p}.conduits[0].zoneB: plant ${plant.code} has no zone "Basement lab"`,
          `${p}.signoffs[0].signer: "ghost@demo.test" is not one of the file's people`,
        ].sort()
      );
      return true;
    });
    assert.deepEqual(await rowCounts(target.db), before);
  });

  it("holds every value to the rules the app's own forms and API apply, naming each by its JSON path", async () => {
    const broken = clone(exported);
    const p = broken.plants.findIndex((plant) => plant.conduits.some((c) => c.observations.length > 0));
    const c = broken.plants[p]!.conduits.findIndex((conduit) => conduit.observations.length > 0);
    const observation = broken.plants[p]!.conduits[c]!.observations[0]!;
    observation.newTuples = observation.tuples + 1;
    broken.plants[p]!.conduits[c]!.observations[1] = { ...observation, day: "2026-02-30", source: " " };
    broken.settings["baseline.mature_days"] = { value: "thirty", updatedAt: "2026-01-05T10:00:00.000Z" };
    broken.settings["baseline.sensor_gap"] = { value: "3", updatedAt: "2026-01-05T10:00:00.000Z" };
    broken.people[0]!.email = "lead(at)example.com";
    broken.people[1]!.name = "n".repeat(121);
    const at = `plants[${p}].conduits[${c}].observations`;

    const target = await seeded();
    const before = await rowCounts(target.db);
    await assert.rejects(importProgram(target.db, broken, { replace: true }), (error: unknown) => {
      assert.ok(error instanceof ProgramFileInvalidError);
      assert.deepEqual(
        error.errors.map(formatError).sort(),
        [
          `${at}[0].newTuples: cannot exceed tuples.`,
          `${at}[1].day: a plant-local date, YYYY-MM-DD.`,
          `${at}[1].newTuples: cannot exceed tuples.`,
          `${at}[1].source: the name of the sensor pipeline.`,
          `people[0].email: Enter an email address like name@example.com.`,
          `people[1].name: Keep the name to 120 characters or fewer.`,
          `settings["baseline.mature_days"].value: "thirty": Mature days must be a number.`,
          `settings["baseline.sensor_gap"]: is not a setting this program knows ("baseline.mature_days", "baseline.stall_days", "baseline.convergence_days", "baseline.coverage_threshold", "baseline.gap_days", "baseline.ephemeral_port_min", "baseline.ephemeral_port_max", "design.max_port_range", "drift.wrong_flow_days", "drift.recertification_months", "drift.rule_review_days")`,
        ].sort()
      );
      return true;
    });
    assert.deepEqual(await rowCounts(target.db), before);

    // Thresholds each within its range, but not together: the settings page refuses them, and so does the file.
    const stalls = clone(exported);
    stalls.settings["baseline.mature_days"] = { value: "45", updatedAt: "2026-01-05T10:00:00.000Z" };
    stalls.settings["baseline.stall_days"] = { value: "40", updatedAt: "2026-01-05T10:00:00.000Z" };
    const check = validateProgramFile(stalls);
    assert.deepEqual(check.ok ? [] : check.errors.map(formatError), [
      'settings["baseline.stall_days"].value: A baseline stalls only after it had the chance to mature: stall days must exceed mature days.',
    ]);
    // Over the defaults (stall after 60 days) for what the file leaves out.
    const { ["baseline.stall_days"]: _stall, ...withoutStall } = stalls.settings;
    const alone = validateProgramFile({
      ...stalls,
      settings: { ...withoutStall, "baseline.mature_days": { value: "90", updatedAt: "2026-01-05T10:00:00.000Z" } },
    });
    assert.deepEqual(alone.ok ? [] : alone.errors.map(formatError), [
      "settings: A baseline stalls only after it had the chance to mature: stall days must exceed mature days.",
    ]);
  });

  it("holds conduit and rule names and window and change titles to the rules the pages and acts apply", () => {
    const broken = clone(exported);
    const p = broken.plants.findIndex(
      (plant) =>
        plant.outageWindows.length > 0 &&
        plant.networkChanges.length > 0 &&
        plant.conduits.some((c) => c.detectionRules.length > 0)
    );
    assert.ok(p >= 0, "the seeded program has a plant with windows, changes and detection rules");
    const plant = broken.plants[p]!;
    const c = plant.conduits.findIndex((conduit) => conduit.detectionRules.length > 0);
    plant.conduits[c]!.detectionRules[0]!.name = "ab";
    plant.outageWindows[0]!.title = "ok";
    plant.outageWindows[0]!.notes = "n".repeat(4001);
    plant.networkChanges[0]!.title = "t".repeat(201);
    const renamed = clone(exported);
    renamed.plants[p]!.conduits[c]!.name = "c".repeat(121);

    const check = validateProgramFile(broken);
    assert.deepEqual(check.ok ? [] : check.errors.map(formatError).sort(), [
      `plants[${p}].conduits[${c}].detectionRules[0].name: Name the rule (at least 3 characters).`,
      `plants[${p}].networkChanges[0].title: keep the title under 200 characters.`,
      `plants[${p}].outageWindows[0].notes: keep the notes under 4000 characters.`,
      `plants[${p}].outageWindows[0].title: give it a title (at least 3 characters).`,
    ]);
    const long = validateProgramFile(renamed);
    assert.ok(
      !long.ok &&
        long.errors
          .map(formatError)
          .includes(`plants[${p}].conduits[${c}].name: Keep the conduit's name under 120 characters.`),
      "a conduit name longer than the conduit page takes is refused"
    );
  });

  it("names a file of another kind or version in one error", () => {
    const check = validateProgramFile({ ...exported, version: 2 });
    assert.equal(check.ok, false);
    assert.deepEqual(check.ok ? [] : check.errors.map(formatError), [
      "version: 2 is not a version this program reads (it reads 1)",
    ]);
  });
});

describe("program:export and program:import commands", () => {
  const dir = tempDir();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = (file: string) => ({ ...databaseEnv(file) });

  it("round-trip a program through a file into another database", async () => {
    const first = path.join(dir, "first.json");
    const target = path.join(dir, "target.db");
    const at = ["--exported-at", EXPORTED_AT.toISOString()];

    const exportRun = await runScript("scripts/program-export.ts", ["--out", first, ...at], env(source.file));
    assert.equal(exportRun.code, 0, exportRun.stderr);
    assert.match(
      exportRun.stdout,
      /^Exported 13 plants, [\d,]+ assets, \d+ people from .* \([\d.]+ MB\) in [\d.]+ s\.\n$/
    );
    assert.equal(fs.readFileSync(first, "utf8"), serializeProgram(exported));

    const importRun = await runScript("scripts/program-import.ts", [first], env(target));
    assert.equal(importRun.code, 0, importRun.stderr);
    assert.match(importRun.stdout, /Imported .*first\.json into .*target\.db in [\d.]+ s: 13 plants/);
    assert.match(importRun.stdout, /imported people sign in once an admin resets their passwords/);

    const refused = await runScript("scripts/program-import.ts", [first], env(target));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /already holds a program .*Import with --replace to replace it\.\n$/);

    const replacedRun = await runScript("scripts/program-import.ts", [first, "--replace"], env(target));
    assert.equal(replacedRun.code, 0, replacedRun.stderr);
    assert.match(replacedRun.stdout, /replacing its program \(13 plants/);

    const toStdout = await runScript("scripts/program-export.ts", at, env(target));
    assert.equal(toStdout.code, 0, toStdout.stderr);
    assert.equal(
      toStdout.stdout,
      fs.readFileSync(first, "utf8"),
      "without --out the file, and only the file, goes to stdout"
    );
  });

  it("refuses a file that is not JSON with one line naming the file and the position", async () => {
    const file = path.join(dir, "broken.json");
    fs.writeFileSync(file, '{\n  "format": "segmentation-program",\n  "version": 1,\n  "plants": [,]\n}\n');
    const target = path.join(dir, "untouched.db");
    const run = await runScript("scripts/program-import.ts", [file], env(target));
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /^.*broken\.json is not valid JSON at line 4, column 14: .+\. Nothing was imported\.\n$/);
    assert.equal(fs.existsSync(target), false, "an unreadable file never opens the database");
  });

  it("refuses, with exit 1, a file whose values the app would refuse, naming their paths", async () => {
    const broken = clone(exported);
    const p = broken.plants.findIndex((plant) => plant.conduits.some((c) => c.observations.length > 0));
    const c = broken.plants[p]!.conduits.findIndex((conduit) => conduit.observations.length > 0);
    const observation = broken.plants[p]!.conduits[c]!.observations[0]!;
    observation.newTuples = observation.tuples + 1;
    broken.settings["baseline.coverage_threshold"] = { value: "thirty", updatedAt: "2026-01-05T10:00:00.000Z" };
    const file = path.join(dir, "refused-values.json");
    fs.writeFileSync(file, serializeProgram(broken));
    const target = path.join(dir, "refused-values.db");
    const run = await runScript("scripts/program-import.ts", [file], env(target));
    assert.equal(run.code, 1, run.stdout);
    assert.deepEqual(run.stderr.trimEnd().split("\n").slice(1).sort(), [
      `  plants[${p}].conduits[${c}].observations[0].newTuples: cannot exceed tuples.`,
      `  settings["baseline.coverage_threshold"].value: "thirty": Coverage must be a number.`,
    ]);
  });

  it("lists at most 50 errors of an invalid file, then how many more", async () => {
    const broken = clone(exported);
    broken.plants[0]!.zones[0]!.ranges = Array.from({ length: 60 }, (_, i) => `10.9.${i}.0/40`);
    const file = path.join(dir, "invalid.json");
    fs.writeFileSync(file, serializeProgram(broken));
    const run = await runScript("scripts/program-import.ts", [file], env(path.join(dir, "never.db")));
    assert.equal(run.code, 1);
    const lines = run.stderr.trimEnd().split("\n");
    assert.match(lines[0]!, /invalid\.json is not a valid program file \(60 errors\); nothing was imported:$/);
    assert.equal(lines[1], '  plants[0].zones[0].ranges[0]: "10.9.0.0/40" is not a CIDR block');
    assert.equal(lines.length, 52);
    assert.equal(lines[51], "  … and 10 more");
  });
});
