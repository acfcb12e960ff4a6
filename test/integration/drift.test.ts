import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { localDay } from "../../app/domain/calendar";
import { acknowledgeViolation } from "../../app/models/triage.server";
import { loadDrift } from "../../app/models/drift.server";
import { passGate, reviewDetectionRule } from "../../app/models/gates.server";
import { recordObservation } from "../../app/models/observations.server";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { countRows, databaseEnv, tempDir } from "../support/database";
import { actorFor, signInOverHttp, TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// A live plant stays true, or says it drifted: on the real server over the demo program, whose PEO went live and
// drifted (a conduit edited after its alerts were wired, a silent sensor) while DAY is ready to pass its last gate.
// Each rule is found on a live plant and resolved by the act that sets it right.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let db: DB;
const cookies: Record<string, string> = {};
const DAY_MS = 86_400_000;

interface Edited {
  id: number;
  revision: number;
  designOwner: string;
  monitoringOwner: string;
}
let edited: Edited;

before(async () => {
  server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD });
  db = openDatabase(file);
  const row = await db
    .selectFrom("conduit as c")
    .innerJoin("plant as p", "p.id", "c.plant_id")
    .innerJoin("person as d", "d.id", "c.design_owner_id")
    .innerJoin("person as m", "m.id", "c.monitoring_owner_id")
    .select(["c.id", "c.revision", "d.email as design", "m.email as monitoring"])
    .where("p.code", "=", "PEO")
    .where("c.name", "=", "Engineering ↔ Supervisory")
    .executeTakeFirstOrThrow();
  edited = { id: row.id, revision: row.revision, designOwner: row.design, monitoringOwner: row.monitoring };
  for (const email of new Set([
    "lead@demo.test",
    "exec@demo.test",
    "eng.day@demo.test",
    "security@demo.test",
    "aisha.morgan@demo.test",
    edited.designOwner,
    edited.monitoringOwner,
  ])) {
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

const get = (pathname: string, as = "lead@demo.test") =>
  fetch(`${server.url}${pathname}`, { headers: { Cookie: cookies[as]! } });

const plantId = async (code: string) =>
  (await db.selectFrom("plant").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;

/** The drift codes of a plant as the model judges it now; null when the plant is not live. */
async function codesOf(code: string): Promise<string[] | null> {
  const id = await plantId(code);
  const drift = (await loadDrift(db, [id], new Date())).get(id);
  return drift ? drift.findings.map((f) => f.code) : null;
}

interface RollupDoc {
  live: { healthy: number; drifting: number };
  plants: {
    code: string;
    phase: string;
    drift: { status: string; findings: { code: string; href: string }[] } | null;
  }[];
}
async function rollup(): Promise<RollupDoc> {
  const response = await get("/api/rollup");
  assert.equal(response.status, 200);
  return (await response.json()) as RollupDoc;
}

function accept(as: string, part: string, reason: string, revision = edited.revision) {
  return post(`/plants/PEO/conduits/${edited.id}`, as, {
    intent: "accept-drift",
    target: part,
    part,
    reason,
    revision: String(revision),
  });
}

describe("drift of a live plant", () => {
  it("shows the demo's PEO live and drifting with its reasons on the API, the CSV, the plant list and the dashboard", async () => {
    assert.deepEqual(await codesOf("PEO"), ["DRIFT-EDITED-AFTER-WIRING", "DRIFT-SENSOR-SILENT"]);
    assert.equal(await codesOf("DAY"), null, "DAY is not live yet: not judged");
    const doc = await rollup();
    assert.deepEqual(doc.live, { healthy: 0, drifting: 1 });
    const peo = doc.plants.find((p) => p.code === "PEO")!;
    assert.equal(peo.drift?.status, "live_drifting");
    assert.deepEqual(
      peo.drift?.findings.map((f) => [f.code, f.href]),
      [
        ["DRIFT-EDITED-AFTER-WIRING", `/plants/PEO/conduits/${edited.id}#drift`],
        ["DRIFT-SENSOR-SILENT", peo.drift.findings[1]!.href],
      ]
    );
    assert.equal(doc.plants.find((p) => p.code === "DAY")!.drift, null);

    const csv = await (await get("/dashboard.csv")).text();
    const [header, ...rows] = csv.trim().split("\r\n");
    const driftAt = header!.split(",").indexOf("drift");
    assert.ok(driftAt > 0, "the CSV has a drift column");
    const peoRow = rows.find((r) => r.startsWith("PEO,"))!;
    assert.match(peoRow, /,live_drifting,"DRIFT-EDITED-AFTER-WIRING; DRIFT-SENSOR-SILENT"$/);

    const list = await (await get("/plants")).text();
    const peoListRow = list.slice(
      list.indexOf('data-plant="PEO"'),
      list.indexOf("</tr>", list.indexOf('data-plant="PEO"'))
    );
    assert.match(peoListRow, /data-drift="live_drifting"[^>]*>.*Live, drifting/);
    assert.match(peoListRow, new RegExp(`href="/plants/PEO/conduits/${edited.id}#drift"`));
    assert.match(peoListRow, /DRIFT-SENSOR-SILENT/);

    const dashboard = await (await get("/dashboard", "exec@demo.test")).text();
    assert.match(dashboard, /<tr data-live="live"><th scope="row">.*?<\/th><td class="num">0<\/td>/);
    assert.match(dashboard, /<tr data-live="live_drifting"><th scope="row">.*?<\/th><td class="num">1<\/td>/);
    assert.match(dashboard, /data-drifting-plant="PEO"/);

    const page = await (await get("/plants/PEO")).text();
    assert.match(page, /id="drift"/);
    assert.match(page, /Conduit “Engineering ↔ Supervisory” is at revision \d+, edited after its alerts were wired/);
  });

  it("counts every section of /me at its top, the floor's with the rest, each as its heading says", async () => {
    const counted = async (as: string) => {
      const page = await (await get("/me", as)).text();
      const start = page.indexOf('aria-label="What waits, by kind"');
      const summary = page.slice(start, page.indexOf("</nav>", start));
      const counts = new Map(
        [...summary.matchAll(/data-kind="(\w+)"[^>]*><a href="#\1"><span class="queue-count">([\d,]+)<\/span>/g)].map(
          (m) => [m[1]!, Number(m[2]!.replace(/,/g, ""))]
        )
      );
      for (const [kind, count] of counts) {
        if (kind === "staged") continue; // its heading counts hosts, as its summary line does
        assert.match(page, new RegExp(`<h2 id="${kind}-title">[^<]*\\(${count}\\)</h2>`), `${as}: ${kind} heading`);
      }
      const sum = [...counts.values()].reduce((n, c) => n + c, 0);
      const total = /([\d,]+) items? waits? on you\./.exec(page);
      assert.equal(total ? Number(total[1]!.replace(/,/g, "")) : 0, sum, `${as}: the total is the sum of the kinds`);
      return counts;
    };
    const owner = await counted(edited.designOwner);
    assert.ok(owner.get("drift")! >= 1, "the edit after wiring waits on the design owner");
    assert.ok(owner.has("outcomesDue") && owner.has("reviewsToSign") && owner.has("flowsToAcknowledge"));
    const security = await counted("security@demo.test");
    assert.ok(security.get("reviewsToSign")! >= 1, "the demo's stop under review waits on corporate security");
    assert.equal(security.has("outcomesDue"), false, "corporate security schedules no change");
    const lead = await counted("lead@demo.test");
    assert.equal(lead.has("reviewsToSign"), false, "the program lead signs no review");
    assert.ok(lead.has("outcomesDue"));
    const executive = await (await get("/me", "exec@demo.test")).text();
    assert.doesNotMatch(executive, /What waits, by kind/);
  });

  it("takes both owners' acceptance of the edit, refusing other roles, a bad reason and a moved revision", async () => {
    const design = "design_change_control";
    const monitoring = "monitoring_incident_response";
    const reason = "Only the purpose was reworded; the alerts still watch the same flows.";
    const before = await countRows(db, "drift_acceptance");
    assert.equal((await accept("exec@demo.test", design, reason)).status, 403);
    assert.equal((await accept("eng.day@demo.test", design, reason)).status, 403, "an engineer of another plant");
    assert.equal((await accept(edited.monitoringOwner, design, reason)).status, 403, "security signs no design");
    const other = edited.monitoringOwner === "security@demo.test" ? "aisha.morgan@demo.test" : "security@demo.test";
    assert.equal((await accept(other, monitoring, reason)).status, 403, "only the assigned owner accepts");

    const short = await accept(edited.designOwner, design, "fine");
    assert.equal(short.status, 400);
    assert.match(
      await short.text(),
      /id="accept-drift-design_change_control-reason-error"><li>Say why the alerts still hold/
    );
    const moved = await accept(edited.designOwner, design, reason, edited.revision - 1);
    assert.equal(moved.status, 409);
    assert.match(await moved.text(), /changed since you read it/);
    assert.equal(await countRows(db, "drift_acceptance"), before);

    // The conduit page offers the form to its owner.
    const page = await (await get(`/plants/PEO/conduits/${edited.id}`, edited.designOwner)).text();
    assert.match(page, /id="accept-drift-design_change_control"/);

    assert.equal((await accept(edited.designOwner, design, reason)).status, 302);
    assert.equal((await accept(edited.designOwner, design, reason)).status, 409, "a part accepts once");
    assert.deepEqual(
      await codesOf("PEO"),
      ["DRIFT-EDITED-AFTER-WIRING", "DRIFT-SENSOR-SILENT"],
      "one part is not both"
    );
    // The monitoring owner sees it waiting on /me.
    assert.match(
      await (await get("/me", edited.monitoringOwner)).text(),
      /PEO(<!-- -->|<\/span>)? · <span class="mono">DRIFT-EDITED-AFTER-WIRING/
    );
    assert.equal((await accept(edited.monitoringOwner, monitoring, reason)).status, 302);
    assert.deepEqual(await codesOf("PEO"), ["DRIFT-SENSOR-SILENT"]);

    const audit = await db
      .selectFrom("audit_event")
      .select(["action", "summary"])
      .where("action", "=", "drift.accept")
      .orderBy("seq")
      .execute();
    assert.equal(audit.length, 2);
    assert.match(
      audit[1]!.summary,
      /accepted revision \d+ of conduit “Engineering ↔ Supervisory”.*monitoring & incident response/
    );
  });

  it("finds each rule on a live plant and clears it by the act that sets it right", async () => {
    const day = await plantId("DAY");
    const lead = await actorFor(db, "lead@demo.test");
    await passGate(db, lead, { plantId: day, phase: "alerting", note: null });
    assert.deepEqual(await codesOf("DAY"), [], "DAY goes live and stays true");
    assert.deepEqual((await rollup()).live, { healthy: 1, drifting: 1 });

    const conduit = await db
      .selectFrom("conduit as c")
      .innerJoin("alert_wiring as w", "w.conduit_id", "c.id")
      .select(["c.id", "c.name"])
      .where("c.plant_id", "=", day)
      .orderBy("c.id")
      .executeTakeFirstOrThrow();
    const engineer = await actorFor(db, "eng.day@demo.test");
    const now = Date.now();

    // Wrong flows left unacknowledged longer than the setting (7 days).
    const { id: violation } = await db
      .insertInto("policy_violation")
      .values({
        conduit_id: conduit.id,
        tuple: "tcp/10.9.9.9>10.1.1.1:4444",
        first_seen: new Date(now - 10 * DAY_MS).toISOString(),
        last_seen: new Date(now - DAY_MS).toISOString(),
        count: 3,
        acknowledged_by: null,
        acknowledged_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    assert.deepEqual(await codesOf("DAY"), ["DRIFT-WRONG-FLOWS"]);
    await acknowledgeViolation(db, engineer, {
      plantId: day,
      violationId: violation,
      note: "A vendor laptop on the wrong VLAN; removed.",
    });
    assert.deepEqual(await codesOf("DAY"), []);

    // A signoff older than the recertification period (12 months), until the period is set longer on /settings.
    const signoff = await db
      .selectFrom("signoff")
      .select(["id"])
      .where("subject_type", "=", "conduit")
      .where("subject_id", "=", conduit.id)
      .where("revoked_at", "is", null)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    await db
      .updateTable("signoff")
      .set({ signed_at: new Date(now - 400 * DAY_MS).toISOString() })
      .where("id", "=", signoff.id)
      .execute();
    const aged = await codesOf("DAY");
    assert.ok(aged?.every((c) => c === "DRIFT-SIGNOFF-AGED") && aged.length >= 1, String(aged));
    const settings = {
      intent: "save-settings",
      matureDays: "30",
      stallDays: "60",
      convergenceDays: "7",
      coverageThreshold: "0.9",
      gapDays: "3",
      ephemeralPortMin: "49152",
      ephemeralPortMax: "65535",
      maxPortRange: "16",
      wrongFlowDays: "7",
      ruleReviewDays: "90",
    };
    const refused = await post("/settings", "lead@demo.test", { ...settings, recertificationMonths: "0" });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /Months before a signoff is signed again is at least 1\./);
    assert.equal((await post("/settings", "exec@demo.test", { ...settings, recertificationMonths: "24" })).status, 403);
    assert.equal((await post("/settings", "lead@demo.test", { ...settings, recertificationMonths: "24" })).status, 302);
    assert.deepEqual(await codesOf("DAY"), []);
    const audited = await db
      .selectFrom("audit_event")
      .select("summary")
      .where("action", "=", "settings.update")
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    assert.match(audited.summary, /recertificationMonths/);

    // A confirmed asset in no zone.
    const asset = await db
      .selectFrom("asset")
      .select(["id", "zone_id", "name"])
      .where("plant_id", "=", day)
      .where("status", "=", "confirmed")
      .where("zone_id", "is not", null)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    await db.updateTable("asset").set({ zone_id: null }).where("id", "=", asset.id).execute();
    const unzoned = (await loadDrift(db, [day], new Date())).get(day)!.findings;
    assert.deepEqual(
      unzoned.map((f) => [f.code, f.objects.map((o) => o.label)]),
      [["DRIFT-UNZONED-ASSETS", [asset.name]]]
    );
    await db.updateTable("asset").set({ zone_id: asset.zone_id }).where("id", "=", asset.id).execute();
    assert.deepEqual(await codesOf("DAY"), []);

    // A sensor silent for more than 3 days, until it reports again.
    await db.deleteFrom("flow_hour").where("conduit_id", "=", conduit.id).execute();
    const timeZone = (await db.selectFrom("plant").select("time_zone").where("id", "=", day).executeTakeFirstOrThrow())
      .time_zone;
    const recent = [0, 1, 2, 3].map((d) => localDay(new Date(now - d * DAY_MS), timeZone));
    await db.deleteFrom("observation").where("conduit_id", "=", conduit.id).where("day", "in", recent).execute();
    assert.deepEqual(await codesOf("DAY"), ["DRIFT-SENSOR-SILENT"]);
    await recordObservation(db, engineer, {
      conduitId: conduit.id,
      plantId: day,
      day: recent[0]!,
      source: "zeek-day",
      coverage: 0.97,
      tuples: 12,
      newTuples: 0,
      connections: 400,
      bytes: 90_000,
    });
    assert.deepEqual(await codesOf("DAY"), []);

    // A detection rule never reviewed and older than the review period, until plant engineering reviews it.
    const rule = await db
      .insertInto("detection_rule")
      .values({
        conduit_id: conduit.id,
        name: "Writes from the corporate side",
        class: "wrong",
        description: null,
        reviewed_by: null,
        reviewed_at: null,
        created_by: engineer.personId!,
        created_at: new Date(now - 120 * DAY_MS).toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    assert.deepEqual(await codesOf("DAY"), ["DRIFT-RULE-UNREVIEWED"]);
    // Plant engineering sees it waiting on /me; an executive has no queue.
    assert.match(await (await get("/me", "eng.day@demo.test")).text(), /DRIFT-RULE-UNREVIEWED/);
    await reviewDetectionRule(db, engineer, { plantId: day, conduitId: conduit.id, ruleId: rule.id });
    assert.deepEqual(await codesOf("DAY"), []);

    // The rollup the server keeps is not stale: every act above was audited, so the counts move with them.
    assert.deepEqual((await rollup()).live, { healthy: 1, drifting: 1 });
  });
});
