import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { formatFlow } from "../../app/domain/conduits";
import type { DesignFinding } from "../../app/domain/design-review";
import { listConduitDetails } from "../../app/models/conduits.server";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { countRows, tempDir, databaseEnv } from "../support/database";
import { matureBaseline, noteEvidenceChange } from "../support/evidence";
import { signInOverHttp, TEST_PASSWORD } from "../support/people";
import { runScript, startServer, type RunningServer } from "../support/server";

// The readiness acts through the real routes and API, as each role, and the readiness command.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let db: DB;
const cookies: Record<string, string> = {};

before(async () => {
  server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD });
  db = openDatabase(file);
  for (const email of [
    "lead@demo.test",
    "exec@demo.test",
    "eng.fre@demo.test",
    "eng.day@demo.test",
    "eng.kok@demo.test",
    "security@demo.test",
  ]) {
    cookies[email] = await signInOverHttp(server.url, email);
  }
});

after(async () => {
  await db?.destroy();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function post(pathname: string, as: string, body: Record<string, string>) {
  return fetch(`${server.url}${pathname}`, {
    method: "POST",
    headers: { Cookie: cookies[as]!, Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(body),
    redirect: "manual",
  });
}

const count = (table: "gate_pass" | "checklist_tick" | "waiver" | "audit_event" | "alert_wiring") =>
  countRows(db, table);

async function readinessOf(code: string, as = "lead@demo.test") {
  const response = await fetch(`${server.url}/api/plants/${code}/readiness`, { headers: { Cookie: cookies[as]! } });
  assert.equal(response.status, 200);
  return (await response.json()) as {
    phase: string;
    gates: {
      phase: string;
      status: string;
      criteria: { code: string; met: boolean; waived: unknown; message: string }[];
    }[];
    conduits: { id: number; name: string; state: string; baseline: { status: string; countedDays: number } }[];
  };
}

describe("checklist ticks, waivers and gate passes", () => {
  it("lets the plant's engineer tick a checklist criterion, and refuses other roles and plants", async () => {
    const ticksBefore = await count("checklist_tick");
    const auditBefore = await count("audit_event");
    for (const as of ["exec@demo.test", "security@demo.test", "eng.day@demo.test"]) {
      const refused = await post("/plants/FRE", as, { intent: "tick", code: "INV-REVIEW", note: "Walked the floor" });
      assert.equal(refused.status, 403, as);
    }
    assert.equal(await count("checklist_tick"), ticksBefore);
    assert.equal(await count("audit_event"), auditBefore);

    const missingNote = await post("/plants/FRE", "eng.fre@demo.test", {
      intent: "tick",
      code: "INV-REVIEW",
      note: "",
    });
    assert.equal(missingNote.status, 400);
    assert.match(await missingNote.text(), /Write a note/);

    const ticked = await post("/plants/FRE", "eng.fre@demo.test", {
      intent: "tick",
      code: "INV-REVIEW",
      note: "Inventory walked with the line leads",
    });
    assert.equal(ticked.status, 302);
    const criterion = (await readinessOf("FRE")).gates[0]!.criteria.find((c) => c.code === "INV-REVIEW")!;
    assert.equal(criterion.met, true);
    assert.match(criterion.message, /Inventory walked with the line leads/);
    assert.equal(await count("audit_event"), auditBefore + 1);
  });

  it("refuses to pass a gate with unmet criteria, with the reasons, writing nothing", async () => {
    const before = { passes: await count("gate_pass"), audit: await count("audit_event") };
    const refused = await post("/plants/FRE", "lead@demo.test", { intent: "pass-gate", phase: "inventory" });
    assert.equal(refused.status, 409);
    const html = await refused.text();
    assert.match(html, /cannot pass while criteria are unmet/);
    assert.match(html, /INV-STAGED|OWN-SPLIT/);
    const outOfOrder = await post("/plants/FRE", "lead@demo.test", { intent: "pass-gate", phase: "zoning" });
    assert.equal(outOfOrder.status, 409);
    assert.match(await outOfOrder.text(), /Gates pass in order/);
    assert.equal(await count("gate_pass"), before.passes);
    assert.equal(await count("audit_event"), before.audit);
    assert.equal(
      (await post("/plants/FRE", "exec@demo.test", { intent: "pass-gate", phase: "inventory" })).status,
      403
    );
  });

  it("lets only a program lead waive, only checklist criteria, and shows the waiver", async () => {
    const justification = "Zone design reviewed during the 2026 corporate architecture audit";
    assert.equal(
      (await post("/plants/FRE", "eng.fre@demo.test", { intent: "waive", code: "ZON-REVIEW", justification })).status,
      403
    );
    const notWaivable = await post("/plants/FRE", "lead@demo.test", {
      intent: "waive",
      code: "BAS-MATURE",
      justification,
    });
    assert.equal(notWaivable.status, 409);
    assert.match(await notWaivable.text(), /cannot be waived/);
    const short = await post("/plants/FRE", "lead@demo.test", {
      intent: "waive",
      code: "ZON-REVIEW",
      justification: "because",
    });
    assert.equal(short.status, 400);
    const waivers = await count("waiver");
    assert.equal(
      (await post("/plants/FRE", "lead@demo.test", { intent: "waive", code: "ZON-REVIEW", justification })).status,
      302
    );
    assert.equal(await count("waiver"), waivers + 1);
    const zoning = (await readinessOf("FRE")).gates.find((g) => g.phase === "zoning")!;
    assert.ok(zoning.criteria.find((c) => c.code === "ZON-REVIEW")!.waived);
    const page = await (
      await fetch(`${server.url}/plants/FRE`, { headers: { Cookie: cookies["exec@demo.test"]! } })
    ).text();
    assert.match(page, /Waived by Dana Whitfield/);
    assert.match(page, new RegExp(justification));
    assert.match(page, /href="\/plants\/FRE\/audit"/, "readers of the audit trail get a link to the plant's trail");
    const engineerPage = await (
      await fetch(`${server.url}/plants/FRE`, { headers: { Cookie: cookies["eng.fre@demo.test"]! } })
    ).text();
    assert.doesNotMatch(engineerPage, /href="\/plants\/FRE\/audit"/);
  });

  it("passes a gate once everything is met, recording the criteria as they stood", async () => {
    // Make FRE's inventory true: review every staged or incomplete asset, and sign the ownership split.
    await db
      .updateTable("asset")
      .set({ status: "confirmed", kind: "plc", vendor: "Rockwell Automation", model: "1756-L83E", criticality: "high" })
      .where("plant_id", "=", db.selectFrom("plant").select("id").where("code", "=", "FRE"))
      .execute();
    const fre = await db.selectFrom("plant").select("id").where("code", "=", "FRE").executeTakeFirstOrThrow();
    await db
      .updateTable("asset")
      .set({ discovery_source: "passive_sensor" })
      .where("plant_id", "=", fre.id)
      .where("discovery_source", "=", "active_scan")
      .execute();
    const split =
      "Design and change control of every conduit at Fresno belong to plant engineering; monitoring and incident response belong to corporate security.";
    const splitRevision = async () =>
      (
        await db
          .selectFrom("plant")
          .select("ownership_split_revision")
          .where("id", "=", fre.id)
          .executeTakeFirstOrThrow()
      ).ownership_split_revision;
    const written = await post("/plants/FRE", "eng.fre@demo.test", {
      intent: "edit-split",
      text: split,
      revision: String(await splitRevision()),
    });
    assert.equal(written.status, 302);
    const page = await (
      await fetch(`${server.url}/plants/FRE`, { headers: { Cookie: cookies["eng.fre@demo.test"]! } })
    ).text();
    const hash = /name="hash" value="([0-9a-f]{64})"/.exec(page)![1]!;
    const revision = String(await splitRevision());
    assert.equal(
      (
        await post("/plants/FRE", "eng.fre@demo.test", {
          intent: "sign",
          part: "design_change_control",
          hash,
          revision,
        })
      ).status,
      302
    );
    assert.equal(
      (
        await post("/plants/FRE", "security@demo.test", {
          intent: "sign",
          part: "monitoring_incident_response",
          hash,
          revision,
        })
      ).status,
      302
    );

    const gate = (await readinessOf("FRE")).gates[0]!;
    assert.deepEqual(
      gate.criteria.filter((c) => !c.met).map((c) => c.code),
      []
    );
    assert.equal(gate.status, "ready");
    const passed = await post("/plants/FRE", "eng.fre@demo.test", {
      intent: "pass-gate",
      phase: "inventory",
      note: "Signed off at the weekly review",
    });
    assert.equal(passed.status, 302);
    const row = await db
      .selectFrom("gate_pass")
      .selectAll()
      .where("plant_id", "=", fre.id)
      .where("phase", "=", "inventory")
      .executeTakeFirstOrThrow();
    const snapshot = JSON.parse(row.criteria_snapshot) as { code: string; met: boolean }[];
    assert.deepEqual(
      snapshot.map((c) => c.code),
      ["INV-ASSETS", "INV-PASSIVE", "INV-STAGED", "INV-REVIEW", "OWN-SPLIT"]
    );
    assert.ok(snapshot.every((c) => c.met));
    assert.equal((await readinessOf("FRE")).phase, "zoning");
    const again = await post("/plants/FRE", "lead@demo.test", { intent: "pass-gate", phase: "inventory" });
    assert.equal(again.status, 409);
  });
});

describe("alert wiring", () => {
  async function dayConduit() {
    return db
      .selectFrom("conduit as c")
      .innerJoin("plant as p", "p.id", "c.plant_id")
      .select(["c.id", "c.name", "c.revision", "c.plant_id", "p.time_zone"])
      .where("p.code", "=", "DAY")
      .where("c.monitored", "=", 1)
      .orderBy("c.id")
      .executeTakeFirstOrThrow();
  }

  it("is refused with 409 and the reasons while the baseline is not mature, and nothing is written", async () => {
    const conduit = await dayConduit();
    await db.deleteFrom("alert_wiring").where("conduit_id", "=", conduit.id).execute();
    await db.deleteFrom("observation").where("conduit_id", "=", conduit.id).execute();
    await noteEvidenceChange(db, conduit.id, "Took the conduit's baseline evidence away for the test.");
    const wirings = await count("alert_wiring");
    const viaApi = await fetch(`${server.url}/api/conduits/${conduit.id}/alert-wiring`, {
      method: "POST",
      headers: { Cookie: cookies["security@demo.test"]!, Origin: server.url, "Content-Type": "application/json" },
      body: JSON.stringify({ siemReference: "SPL-OT-1" }),
    });
    assert.equal(viaApi.status, 409);
    const body = (await viaApi.json()) as { error: string };
    assert.match(body.error, /until its baseline is mature or jointly accepted/);
    const viaForm = await post(`/plants/DAY/conduits/${conduit.id}`, "eng.day@demo.test", {
      intent: "wire-alerts",
      revision: String(conduit.revision),
    });
    assert.equal(viaForm.status, 409);
    assert.equal(await count("alert_wiring"), wirings);
    const page = await (
      await fetch(`${server.url}/plants/DAY/conduits/${conduit.id}`, {
        headers: { Cookie: cookies["eng.day@demo.test"]! },
      })
    ).text();
    assert.match(page, /<button type="button" disabled="" aria-describedby="wire-why">Wire alerts<\/button>/);
    assert.equal(
      (
        await post(`/plants/DAY/conduits/${conduit.id}`, "exec@demo.test", {
          intent: "wire-alerts",
          revision: String(conduit.revision),
        })
      ).status,
      403
    );
  });

  it("is accepted once the conduit's baseline has matured from evidence", async () => {
    const conduit = await dayConduit();
    await db.deleteFrom("observation").where("conduit_id", "=", conduit.id).execute();
    await db.updateTable("network_change").set({ status: "cancelled" }).where("conduit_id", "=", conduit.id).execute();
    assert.equal((await readinessOf("DAY")).conduits.find((c) => c.id === conduit.id)!.baseline.status, "none");
    await matureBaseline(db, conduit.id);
    const matured = (await readinessOf("DAY")).conduits.find((c) => c.id === conduit.id)!;
    assert.equal(matured.baseline.status, "mature");

    const audit = await count("audit_event");
    const wired = await fetch(`${server.url}/api/conduits/${conduit.id}/alert-wiring`, {
      method: "POST",
      headers: { Cookie: cookies["security@demo.test"]!, Origin: server.url, "Content-Type": "application/json" },
      body: JSON.stringify({ siemReference: "SPL-OT-1" }),
    });
    assert.equal(wired.status, 201);
    assert.equal(await count("audit_event"), audit + 1);
    assert.equal((await readinessOf("DAY")).conduits.find((c) => c.id === conduit.id)!.state, "alert_wired");
    const twice = await post(`/plants/DAY/conduits/${conduit.id}`, "eng.day@demo.test", {
      intent: "wire-alerts",
      revision: String(conduit.revision),
    });
    assert.equal(twice.status, 409);
  });
});

describe("readiness over the API and the command line", () => {
  it("answers the documented JSON shape, for a session or a token, within the token's plants", async () => {
    const token = await runScript(
      "scripts/token-create.ts",
      ["--role", "executive", "--plants", "KOK", "--name", "rollup-reader"],
      { ...databaseEnv(file) }
    );
    assert.equal(token.status, 0, token.stderr);
    const secret = token.stdout.trim().split("\n").at(-1)!;
    const auth = { Authorization: `Bearer ${secret}` };
    const kok = await fetch(`${server.url}/api/plants/KOK/readiness?at=2026-12-01T00:00:00Z`, { headers: auth });
    assert.equal(kok.status, 200);
    const document = (await kok.json()) as Record<string, unknown> & {
      gates: { criteria: unknown[] }[];
      conduits: { baseline: Record<string, unknown> }[];
    };
    assert.equal(document.at, "2026-12-01T00:00:00.000Z");
    for (const key of ["code", "phase", "forecastLive", "gates", "conduits"]) assert.ok(key in document, key);
    assert.equal(document.gates.length, 5);
    for (const key of ["status", "countedDays", "converged", "matureOn"])
      assert.ok(key in document.conduits[0]!.baseline, key);
    assert.equal((await fetch(`${server.url}/api/plants/DAY/readiness`, { headers: auth })).status, 404);
    const list = (await (await fetch(`${server.url}/api/plants`, { headers: auth })).json()) as {
      plants: { code: string; gates: unknown[] }[];
    };
    assert.deepEqual(
      list.plants.map((p) => p.code),
      ["KOK"]
    );
    assert.equal(list.plants[0]!.gates.length, 5);
    assert.equal((await fetch(`${server.url}/api/plants/KOK/readiness?at=yesterday`, { headers: auth })).status, 400);
    assert.equal(
      (await fetch(`${server.url}/api/plants/KOK/readiness`, { headers: { Authorization: "Bearer stk_forged" } }))
        .status,
      401
    );
  });

  it("prints JSON and tables from `npm run readiness`, and refuses bad arguments", async () => {
    const run = (...args: string[]) => runScript("scripts/readiness.ts", args, { ...databaseEnv(file) });
    const json = await run("--json", "--at", "2026-12-01T00:00:00Z");
    assert.equal(json.status, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { at: string; plants: { code: string; gates: unknown[] }[] };
    assert.equal(parsed.at, "2026-12-01T00:00:00.000Z");
    assert.equal(parsed.plants.length, 13);
    const table = await run("--plant", "kok");
    assert.equal(table.status, 0);
    assert.match(table.stdout, /KOK {2}Conduit definition/);
    assert.match(table.stdout, /design review:\n {4}ERR {2}DES-NO-FLOW +“Supervisory ↔ Line 2” allows no flow/);
    assert.match(table.stdout, /\n {4}WARN DES-PORT-RANGE +“Supervisory ↔ Line 1” allows tcp 49152-65535/);
    const unknown = await run("--plant", "NOPE");
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /No plant in the program has the code “NOPE”/);
    const badAt = await run("--at", "next tuesday");
    assert.equal(badAt.status, 1);
    assert.match(badAt.stderr, /--at “next tuesday” is not an ISO-8601/);
  });
});

/** The settings page's fields at their defaults. */
const THRESHOLDS = {
  matureDays: "30",
  stallDays: "60",
  convergenceDays: "7",
  coverageThreshold: "0.9",
  gapDays: "3",
  ephemeralPortMin: "49152",
  ephemeralPortMax: "65535",
  maxPortRange: "16",
  wrongFlowDays: "7",
  recertificationMonths: "12",
  ruleReviewDays: "90",
};

describe("program thresholds", () => {
  it("lets a program lead change a threshold, audited, and refuses others and inconsistent values", async () => {
    const settings = THRESHOLDS;
    assert.equal((await post("/settings", "exec@demo.test", settings)).status, 403);
    assert.equal((await post("/settings", "eng.day@demo.test", { ...settings, matureDays: "20" })).status, 403);
    const inconsistent = await post("/settings", "lead@demo.test", { ...settings, stallDays: "25" });
    assert.equal(inconsistent.status, 400);
    assert.match(await inconsistent.text(), /stall days must exceed mature days/);
    const notNumber = await post("/settings", "lead@demo.test", { ...settings, coverageThreshold: "most" });
    assert.equal(notNumber.status, 400);
    assert.match(await notNumber.text(), /Coverage must be a number/);
    const audit = await count("audit_event");
    assert.equal((await post("/settings", "lead@demo.test", { ...settings, gapDays: "5" })).status, 302);
    assert.equal(await count("audit_event"), audit + 1);
    const stored = await db
      .selectFrom("program_setting")
      .select("value")
      .where("key", "=", "baseline.gap_days")
      .executeTakeFirstOrThrow();
    assert.equal(stored.value, "5");
    assert.equal((await post("/settings", "lead@demo.test", { ...settings, gapDays: "5" })).status, 400);
  });
});

interface ReadinessDocument {
  gates: { criteria: { code: string; met: boolean; message: string; objects: { type: string; label: string }[] }[] }[];
  conduits: { id: number; name: string; findings: DesignFinding[] }[];
  designFindings: DesignFinding[];
}

describe("the design review over the readiness API", () => {
  async function readiness(code: string): Promise<ReadinessDocument> {
    return (await readinessOf(code)) as unknown as ReadinessDocument;
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
    const settings = THRESHOLDS;
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
