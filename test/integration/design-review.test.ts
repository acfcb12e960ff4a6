import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ProgramFile } from "../../app/domain/program-file";
import { serializeProgram } from "../../app/domain/program-file-writing";
import { formatError } from "../../app/domain/program-file-reading";
import { exportProgram } from "../../app/models/program-export.server";
import { importProgram, ProgramFileInvalidError } from "../../app/models/program-import.server";
import { seedDemoProgram } from "../../db/seed/demo-program";
import { createTestDatabase, type TestDatabase } from "../support/database";

// The design fields through the program file: findings written on export and read past on import, the new fields
// carried, defaulted and refused by their paths. The readiness API's findings are tested with the readiness acts.

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
