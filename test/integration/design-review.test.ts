import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { formatFlow } from "../../app/domain/conduits";
import type { DesignFinding } from "../../app/domain/design-review";
import { serializeProgram, type ProgramFile } from "../../app/domain/program-file";
import { formatError } from "../../app/domain/program-file-reading";
import { listConduitDetails } from "../../app/models/conduits.server";
import { exportProgram } from "../../app/models/program-export.server";
import { importProgram, ProgramFileInvalidError } from "../../app/models/program-import.server";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { seedDemoProgram } from "../../db/seed/demo-program";
import { createTestDatabase, tempDir, type TestDatabase } from "../support/database";
import { signInOverHttp, TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// The design review through the readiness API, the conduit page's form and the settings page, and the new design
// fields through the program file.

interface ReadinessDocument {
  gates: { criteria: { code: string; met: boolean; message: string; objects: { type: string; label: string }[] }[] }[];
  conduits: { id: number; name: string; findings: DesignFinding[] }[];
  designFindings: DesignFinding[];
}

describe("the design review over the readiness API", () => {
  const dir = tempDir();
  const file = path.join(dir, "tracker.db");
  let server: RunningServer;
  let db: DB;
  const cookies: Record<string, string> = {};

  before(async () => {
    server = await startServer({ DATABASE_PATH: file, DEMO_PASSWORD: TEST_PASSWORD });
    db = openDatabase(file);
    for (const email of ["lead@demo.test", "eng.kok@demo.test"])
      cookies[email] = await signInOverHttp(server.url, email);
  });

  after(async () => {
    await db?.destroy();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function readiness(code: string): Promise<ReadinessDocument> {
    const response = await fetch(`${server.url}/api/plants/${code}/readiness`, {
      headers: { Cookie: cookies["lead@demo.test"]! },
    });
    assert.equal(response.status, 200);
    return (await response.json()) as ReadinessDocument;
  }

  function post(pathname: string, as: string, body: Record<string, string>) {
    return fetch(`${server.url}${pathname}`, {
      method: "POST",
      headers: { Cookie: cookies[as]!, Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(body),
      redirect: "manual",
    });
  }

  const findingCodes = (doc: ReadinessDocument, conduit: string) =>
    doc.conduits.find((c) => c.name === conduit)!.findings.map((f) => `${f.severity} ${f.code}`);
  const criterion = (doc: ReadinessDocument, code: string) =>
    doc.gates.flatMap((g) => g.criteria).find((c) => c.code === code)!;

  it("carries each conduit's findings and the plant's, and names the errors in CON-COMPLETE", async () => {
    const kok = await readiness("KOK");
    assert.deepEqual(findingCodes(kok, "DMZ ↔ Corporate"), ["warning DES-SLT-GAP"]);
    assert.deepEqual(findingCodes(kok, "Supervisory ↔ Line 1"), ["warning DES-PORT-RANGE"]);
    assert.deepEqual(findingCodes(kok, "Supervisory ↔ Line 2"), ["error DES-NO-FLOW"]);
    const complete = criterion(kok, "CON-COMPLETE");
    assert.equal(complete.met, false);
    assert.match(complete.message, /DES-NO-FLOW: “Supervisory ↔ Line 2” allows no flow/);
    assert.doesNotMatch(complete.message, /DES-SLT-GAP|DES-PORT-RANGE/, "warnings do not block the gate");

    const ftw = await readiness("FTW");
    const ftwComplete = criterion(ftw, "CON-COMPLETE");
    assert.match(ftwComplete.message, /DES-BOUNDARY-UNMONITORED: “Supervisory ↔ Corporate” reaches the corporate zone/);
    assert.doesNotMatch(ftwComplete.message, /lacks a monitoring point|lacks .*monitoring/, "said once, by the rule");
    assert.ok(ftwComplete.objects.some((o) => o.type === "conduit" && o.label === "Supervisory ↔ Corporate"));

    const fre = await readiness("FRE");
    const unzoned = fre.designFindings.find((f) => f.code === "DES-ASSET-UNZONED");
    assert.ok(unzoned, "an inventory-phase plant has addresses in no zone yet");
    assert.match(unzoned.message, /^[\d,]+ inventoried addresses lie in no zone's range, such as /);
    assert.equal(unzoned.objects.length, 5);
  });

  it("judges a conduit's new revision: a compensating note answers the SL-T gap, and ranges and any are read", async () => {
    const plant = await db.selectFrom("plant").select("id").where("code", "=", "KOK").executeTakeFirstOrThrow();
    const [conduit] = (await listConduitDetails(db, plant.id)).filter((c) => c.name === "DMZ ↔ Corporate");
    assert.ok(conduit);
    const form = {
      intent: "edit-conduit",
      revision: String(conduit.revision),
      name: conduit.name,
      zoneAId: String(conduit.zoneAId),
      zoneBId: String(conduit.zoneBId),
      purpose: conduit.purpose ?? "",
      controlType: conduit.controlType ?? "",
      ...(conduit.monitored ? { monitored: "on" } : {}),
      monitoringPoint: conduit.monitoringPoint ?? "",
      flows: conduit.flows.map(formatFlow).join("\n"),
    };
    const where = `/plants/KOK/conduits/${conduit.id}`;
    const refused = await post(where, "eng.kok@demo.test", { ...form, flows: `${form.flows}\nudp 9-2 both Backwards` });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /port range “9-2” is not two ports from 1 to 65535, the lower first/);

    const note = "Two firewalls of two vendors, every session brokered on a DMZ host.";
    const saved = await post(where, "eng.kok@demo.test", {
      ...form,
      compensatingNote: note,
      flows: `${form.flows}\ntcp 500-510 b_to_a Modbus gateway test`,
    });
    assert.equal(saved.status, 302);
    const [after] = await listConduitDetails(db, plant.id, conduit.id);
    assert.equal(after!.revision, conduit.revision + 1);
    assert.equal(after!.compensatingNote, note);
    assert.ok(after!.flows.some((f) => f.port === 500 && f.portEnd === 510));
    const kok = await readiness("KOK");
    assert.deepEqual(findingCodes(kok, "DMZ ↔ Corporate"), ["error DES-CLEARTEXT-BOUNDARY"]);
    assert.match(criterion(kok, "CON-COMPLETE").message, /DES-CLEARTEXT-BOUNDARY: .*Modbus\/TCP \(tcp 502\)/);

    const edit = await db
      .selectFrom("audit_event")
      .select(["after_json"])
      .where("action", "=", "conduit.edit")
      .where("object_id", "=", String(conduit.id))
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    assert.match(edit.after_json ?? "", /"compensatingNote":"Two firewalls/);
  });

  it("moves the widest port range with the program setting, audited", async () => {
    const settings = {
      matureDays: "30",
      stallDays: "60",
      convergenceDays: "7",
      coverageThreshold: "0.9",
      gapDays: "3",
      ephemeralPortMin: "49152",
      ephemeralPortMax: "65535",
    };
    const tooNarrow = await post("/settings", "lead@demo.test", { ...settings, maxPortRange: "1" });
    assert.equal(tooNarrow.status, 400);
    assert.match(await tooNarrow.text(), /The widest port range is at least 2/);
    assert.equal((await post("/settings", "lead@demo.test", { ...settings, maxPortRange: "16384" })).status, 302);
    const stored = await db
      .selectFrom("program_setting")
      .select("value")
      .where("key", "=", "design.max_port_range")
      .executeTakeFirstOrThrow();
    assert.equal(stored.value, "16384");
    const audit = await db
      .selectFrom("audit_event")
      .select("summary")
      .where("action", "=", "settings.update")
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    assert.match(audit.summary, /maxPortRange/);
    assert.deepEqual(findingCodes(await readiness("KOK"), "Supervisory ↔ Line 1"), []);
  });
});

describe("the design fields in the program file", () => {
  const NOW = new Date("2026-11-25T15:00:00.000Z");
  const EXPORTED_AT = new Date("2026-11-25T16:00:00.000Z");
  const databases: TestDatabase[] = [];
  let exported: ProgramFile;

  async function database(): Promise<TestDatabase> {
    const test = await createTestDatabase();
    databases.push(test);
    return test;
  }

  before(async () => {
    const source = await database();
    await seedDemoProgram(source.db, { now: NOW });
    exported = await exportProgram(source.db, { exportedAt: EXPORTED_AT });
  });

  after(async () => {
    for (const test of databases) await test.cleanup();
  });

  const clone = (program: ProgramFile): ProgramFile => JSON.parse(JSON.stringify(program)) as ProgramFile;

  it("writes each conduit's findings and the plant's, by name, with no database id", () => {
    const kok = exported.plants.find((p) => p.code === "KOK")!;
    const corporate = kok.conduits.find((c) => c.name === "DMZ ↔ Corporate")!;
    assert.deepEqual(corporate.findings, [
      {
        code: "DES-SLT-GAP",
        severity: "warning",
        message: `“DMZ ↔ Corporate” joins “Plant DMZ” and “Corporate network”, at SL-T 3 and 1, with no compensating note saying what makes up the difference.`,
        objects: [{ type: "conduit", name: "DMZ ↔ Corporate" }],
      },
    ]);
    const line = kok.conduits.find((c) => c.name === "Supervisory ↔ Line 1")!;
    assert.ok(line.flows.some((f) => f.port === 49152 && f.portEnd === 65535));
    const fre = exported.plants.find((p) => p.code === "FRE")!;
    assert.ok((fre.designFindings as { code: string }[]).some((f) => f.code === "DES-ASSET-UNZONED"));
    assert.ok(
      exported.plants.some((p) => p.zones.some((z) => z.safety)),
      "a safety zone in the demo"
    );
  });

  it("carries safety zones, compensating notes, ranges and any through a round trip, recomputing findings", async () => {
    const edited = clone(exported);
    const kok = edited.plants.find((p) => p.code === "KOK")!;
    const corporate = kok.conduits.find((c) => c.name === "DMZ ↔ Corporate")!;
    corporate.compensatingNote = "Two firewalls of two vendors.";
    corporate.findings = [{ code: "DES-MADE-UP", severity: "error", message: "read past", objects: [] }];
    kok.designFindings = "anything: an import reads past it";
    const line = kok.conduits.find((c) => c.name === "Supervisory ↔ Line 1")!;
    line.flows.push({ protocol: "any", port: null, portEnd: null, direction: "a_to_b", description: "Everything" });
    kok.zones[0]!.safety = true;

    const target = await database();
    await importProgram(target.db, edited, { now: NOW });
    const again = await exportProgram(target.db, { exportedAt: EXPORTED_AT });
    const kokAgain = again.plants.find((p) => p.code === "KOK")!;
    const corporateAgain = kokAgain.conduits.find((c) => c.name === "DMZ ↔ Corporate")!;
    assert.equal(corporateAgain.compensatingNote, "Two firewalls of two vendors.");
    assert.deepEqual(corporateAgain.findings, []);
    const lineAgain = kokAgain.conduits.find((c) => c.name === "Supervisory ↔ Line 1")!;
    assert.ok(lineAgain.flows.some((f) => f.protocol === "any" && f.port === null));
    assert.ok(lineAgain.flows.some((f) => f.port === 49152 && f.portEnd === 65535));
    assert.deepEqual(
      (lineAgain.findings as { code: string }[]).map((f) => f.code),
      ["DES-FLOW-ANY", "DES-PORT-RANGE"]
    );
    assert.equal(kokAgain.zones.find((z) => z.name === kok.zones[0]!.name)!.safety, true);
    assert.ok(Array.isArray(kokAgain.designFindings));

    // What a second round trip gives back is the same bytes.
    const third = await database();
    await importProgram(third.db, again, { now: NOW });
    assert.equal(serializeProgram(await exportProgram(third.db, { exportedAt: EXPORTED_AT })), serializeProgram(again));
  });

  it("reads a file without the new fields, and refuses bad ones naming each by its path", async () => {
    const older = clone(exported) as unknown as {
      plants: { zones: Record<string, unknown>[]; conduits: Record<string, unknown>[]; designFindings?: unknown }[];
    };
    for (const plant of older.plants) {
      delete plant.designFindings;
      for (const zone of plant.zones) if (zone.safety === false) delete zone.safety;
      for (const conduit of plant.conduits) {
        if (conduit.compensatingNote === null) delete conduit.compensatingNote;
        delete conduit.findings;
        for (const flow of conduit.flows as Record<string, unknown>[]) if (flow.portEnd === null) delete flow.portEnd;
      }
    }
    const target = await database();
    await importProgram(target.db, older, { now: NOW });
    const back = await exportProgram(target.db, { exportedAt: EXPORTED_AT });
    assert.equal(serializeProgram(back), serializeProgram(exported), "the same program, the defaults filled in");

    const broken = clone(exported);
    const p = broken.plants.findIndex((plant) => plant.code === "KOK");
    const c = broken.plants[p]!.conduits.findIndex((conduit) => conduit.flows.length > 1);
    broken.plants[p]!.conduits[c]!.flows[0] = { ...broken.plants[p]!.conduits[c]!.flows[0]!, port: 600, portEnd: 500 };
    broken.plants[p]!.conduits[c]!.flows[1] = {
      ...broken.plants[p]!.conduits[c]!.flows[1]!,
      protocol: "any",
      port: 80,
      portEnd: null,
    };
    (broken.plants[p]!.zones[0] as unknown as Record<string, unknown>).safety = "yes";
    const empty = await database();
    await assert.rejects(importProgram(empty.db, broken, { now: NOW }), (error: unknown) => {
      assert.ok(error instanceof ProgramFileInvalidError);
      assert.deepEqual(error.errors.map(formatError).sort(), [
        `plants[${p}].conduits[${c}].flows[0].portEnd: 500 does not end a range: it must follow a port above it`,
        `plants[${p}].conduits[${c}].flows[1].port: a flow of any protocol has no port (null)`,
        `plants[${p}].zones[0].safety: expected a boolean, got "yes"`,
      ]);
      return true;
    });
  });
});
