import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { tempDir, databaseEnv } from "../support/database";
import { signInOverHttp, TEST_PASSWORD } from "../support/people";
import { runScript, startServer, type RunningServer } from "../support/server";

// Baseline evidence and its triage over HTTP, through the real server on the demo program: the observations API
// of sensor pipelines, and the plant page's forms to acknowledge wrong flows, triage staged hosts and import an
// inventory export. Every refusal leaves the database as it was.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let db: DB;
const cookies: Record<string, string> = {};
const tokens: Record<string, string> = {};

async function createToken(name: string, args: string[]): Promise<string> {
  const result = await runScript("scripts/token-create.ts", [...args, "--name", name], { ...databaseEnv(file) });
  if (result.status !== 0) throw new Error(`token:create ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout.trim().split("\n").at(-1)!;
}

async function plantId(code: string): Promise<number> {
  return (await db.selectFrom("plant").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;
}

async function conduitId(code: string, name: string): Promise<number> {
  const row = await db
    .selectFrom("conduit as c")
    .innerJoin("plant as p", "p.id", "c.plant_id")
    .select("c.id")
    .where("p.code", "=", code)
    .where("c.name", "=", name)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function auditCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from audit_event`.execute(db);
  return Number(rows[0]!.n);
}

async function observationCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from observation`.execute(db);
  return Number(rows[0]!.n);
}

async function assetCount(code: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from asset where plant_id = (select id from plant where code = ${code})`.execute(db);
  return Number(rows[0]!.n);
}

/** The words of a page's main content, without its markup. */
function words(html: string): string {
  const main = /<main[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1] ?? html;
  return main
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, " ")
    .trim();
}

/** The words of one section of a page, found by its id. */
function section(html: string, id: string): string {
  const match = new RegExp(`<section[^>]*id="${id}"[^>]*>([\\s\\S]*?)</section>`).exec(html);
  if (!match) throw new Error(`No section #${id} on the page`);
  return words(match[1]!);
}

/**
 * Reads what an action answered to a data request (`/path.data`): the first line of the stream holds it as one
 * flat JSON array where objects name their keys and values by index. Plain values only; anything typed fails.
 */
function decodeActionData(text: string): unknown {
  const values = JSON.parse(text.split("\n")[0]!) as unknown[];
  const hydrate = (index: number): unknown => {
    if (index === -5) return null;
    if (index === -7) return undefined;
    if (index < 0) throw new Error(`Unexpected special value ${index} in ${text}`);
    const value = values[index];
    if (Array.isArray(value)) {
      if (typeof value[0] === "string") throw new Error(`Unexpected typed value ${JSON.stringify(value)}`);
      return value.map((i) => hydrate(i as number));
    }
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([key, i]) => [values[Number(key.slice(1))] as string, hydrate(i as number)])
      );
    }
    return value;
  };
  return hydrate(0);
}

async function postForm(
  pathname: string,
  as: string,
  fields: Record<string, string>
): Promise<{ status: number; location: string | null; text: string }> {
  const response = await fetch(`${server.url}${pathname}`, {
    method: "POST",
    headers: {
      Cookie: cookies[as]!,
      Origin: server.url,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  return { status: response.status, location: response.headers.get("Location"), text: await response.text() };
}

async function upload(
  code: string,
  as: string,
  csv: string,
  name = "export.csv"
): Promise<{ status: number; text: string }> {
  const form = new FormData();
  form.append("intent", "import-assets");
  form.append("file", new Blob([csv], { type: "text/csv" }), name);
  const response = await fetch(`${server.url}/plants/${code}/assets`, {
    method: "POST",
    headers: { Cookie: cookies[as]!, Origin: server.url },
    body: form,
    redirect: "manual",
  });
  return { status: response.status, text: await response.text() };
}

async function postObservation(
  conduit: number | string,
  token: string,
  body: unknown,
  raw?: string
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/api/conduits/${conduit}/observations`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: raw ?? JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`The API answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, body: parsed };
}

before(async () => {
  server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD });
  db = openDatabase(file);
  for (const email of ["security@demo.test", "exec@demo.test", "eng.gry@demo.test", "eng.ogd@demo.test"]) {
    cookies[email] = await signInOverHttp(server.url, email);
  }
  tokens.lead = await createToken("evidence-lead", ["--role", "program_lead"]);
  tokens.security = await createToken("evidence-security", ["--role", "corporate_security"]);
  tokens.executive = await createToken("evidence-executive", ["--role", "executive"]);
  tokens.engOgd = await createToken("evidence-eng-ogd", ["--role", "plant_engineer", "--plants", "OGD"]);
  tokens.engDay = await createToken("evidence-eng-day", ["--role", "plant_engineer", "--plants", "DAY"]);
});

after(async () => {
  await db?.destroy();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("POST /api/conduits/:id/observations", () => {
  const SOURCE = "evidence-check-pipeline";
  const good = {
    day: "2026-10-05",
    source: SOURCE,
    coverage: 0.97,
    tuples: 41,
    newTuples: 2,
    connections: 18233,
    bytes: 912838112,
  };

  it("records a day (201), then replaces the same day and source (200), auditing each", async () => {
    const conduit = await conduitId("OGD", "Supervisory ↔ Line 1");
    const row = () =>
      db
        .selectFrom("observation")
        .selectAll()
        .where("conduit_id", "=", conduit)
        .where("day", "=", good.day)
        .where("source", "=", SOURCE)
        .execute();
    const events = () =>
      db
        .selectFrom("audit_event")
        .select(["action", "actor_token_id", "plant_id"])
        .where("object_type", "=", "conduit")
        .where("object_id", "=", String(conduit))
        .where("action", "in", ["observation.create", "observation.update"])
        .orderBy("seq")
        .execute();
    assert.equal((await row()).length, 0, "no observation of that day and source before the test");
    const eventsBefore = (await events()).length;
    const observationsBefore = await observationCount();

    const first = await postObservation(conduit, tokens.security!, good);
    assert.equal(first.status, 201, `the first report is created: ${JSON.stringify(first.body)}`);
    assert.equal(first.body.created, true);
    assert.equal(first.body.day, good.day);

    const second = await postObservation(conduit, tokens.security!, {
      ...good,
      coverage: 0.5,
      tuples: 44,
      newTuples: 3,
      connections: 100,
      bytes: 2048,
    });
    assert.equal(second.status, 200, `the same day and source is replaced: ${JSON.stringify(second.body)}`);
    assert.equal(second.body.created, false);

    const rows = await row();
    assert.equal(rows.length, 1, "one row per (conduit, day, source)");
    assert.deepEqual(
      {
        coverage: rows[0]!.coverage,
        tuples: rows[0]!.tuples,
        new_tuples: rows[0]!.new_tuples,
        connections: rows[0]!.connections,
        bytes: rows[0]!.bytes,
      },
      { coverage: 0.5, tuples: 44, new_tuples: 3, connections: 100, bytes: 2048 },
      "the row holds the second report's numbers"
    );
    assert.equal(await observationCount(), observationsBefore + 1, "the replacement added no row");

    const audited = (await events()).slice(eventsBefore);
    assert.deepEqual(
      audited.map((e) => e.action),
      ["observation.create", "observation.update"],
      "one audit event per report"
    );
    const ogd = await plantId("OGD");
    assert.ok(
      audited.every((e) => e.plant_id === ogd && e.actor_token_id !== null),
      "the events name the plant and the token that reported"
    );
  });

  it("takes a plant engineer's token on its own plant", async () => {
    const conduit = await conduitId("OGD", "Supervisory ↔ Line 2");
    const reply = await postObservation(conduit, tokens.engOgd!, { ...good, day: "2026-10-06" });
    assert.equal(reply.status, 201, `the OGD engineer's token reports on OGD: ${JSON.stringify(reply.body)}`);
  });

  it("refuses bad fields with 400 naming the field, and writes nothing", async () => {
    const conduit = await conduitId("OGD", "Supervisory ↔ Line 1");
    const { source: _source, ...withoutSource } = good;
    const cases: { label: string; body: unknown; field: string }[] = [
      { label: "a day that is not a date", body: { ...good, day: "2026-02-30" }, field: "day" },
      { label: "a day in another format", body: { ...good, day: "05/10/2026" }, field: "day" },
      { label: "coverage above 1", body: { ...good, coverage: 1.5 }, field: "coverage" },
      { label: "negative tuples", body: { ...good, tuples: -1 }, field: "tuples" },
      { label: "bytes that are not whole", body: { ...good, bytes: 10.5 }, field: "bytes" },
      { label: "more new tuples than tuples", body: { ...good, tuples: 3, newTuples: 4 }, field: "newTuples" },
      { label: "no source", body: withoutSource, field: "source" },
    ];
    const auditBefore = await auditCount();
    const observationsBefore = await observationCount();
    for (const { label, body, field } of cases) {
      const reply = await postObservation(conduit, tokens.lead!, body);
      assert.equal(reply.status, 400, `${label}: 400, got ${reply.status} ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body.field, field, `${label}: the answer names ${field}: ${JSON.stringify(reply.body)}`);
      assert.ok(
        typeof reply.body.error === "string" && reply.body.error.includes(field),
        `${label}: the message says what is wrong with ${field}: ${JSON.stringify(reply.body)}`
      );
    }
    const malformed = await postObservation(conduit, tokens.lead!, null, '{"day": "2026-10-05", "source": ');
    assert.equal(malformed.status, 400, `malformed JSON: 400, got ${malformed.status}`);
    assert.match(String(malformed.body.error), /not valid JSON/);

    assert.equal(await observationCount(), observationsBefore, "no observation was written");
    assert.equal(await auditCount(), auditBefore, "no audit event was written");
  });

  it("answers 404 for an unknown conduit or one outside the token's plants, 403 for an executive, 405 on GET", async () => {
    const conduit = await conduitId("OGD", "Supervisory ↔ Line 1");
    const auditBefore = await auditCount();
    const observationsBefore = await observationCount();

    const unknown = await postObservation(999_999, tokens.lead!, good);
    assert.equal(unknown.status, 404, `an unknown conduit: 404, got ${unknown.status}`);
    assert.match(String(unknown.body.error), /No conduit 999999/);

    const notAnId = await postObservation("abc", tokens.lead!, good);
    assert.equal(notAnId.status, 404, `a conduit id that is not a number: 404, got ${notAnId.status}`);

    const otherPlant = await postObservation(conduit, tokens.engDay!, { ...good, day: "2026-10-07" });
    assert.equal(otherPlant.status, 404, `the DAY engineer's token on an OGD conduit: 404, got ${otherPlant.status}`);

    const executive = await postObservation(conduit, tokens.executive!, { ...good, day: "2026-10-07" });
    assert.equal(executive.status, 403, `an executive's token: 403, got ${executive.status}`);
    assert.match(String(executive.body.error), /executive/i);

    const get = await fetch(`${server.url}/api/conduits/${conduit}/observations`, {
      headers: { Authorization: `Bearer ${tokens.lead!}` },
    });
    assert.equal(get.status, 405, `GET: 405, got ${get.status}`);
    assert.equal(get.headers.get("Allow"), "POST");
    await get.arrayBuffer();

    assert.equal(await observationCount(), observationsBefore, "no observation was written");
    assert.equal(await auditCount(), auditBefore, "no audit event was written");
  });
});

describe("acknowledging a policy violation", () => {
  it("is refused to an executive, done by corporate security once, then 409", async () => {
    const violation = await db
      .selectFrom("policy_violation as v")
      .innerJoin("conduit as c", "c.id", "v.conduit_id")
      .innerJoin("plant as p", "p.id", "c.plant_id")
      .select(["v.id", "v.tuple", "v.acknowledged_at"])
      .where("p.code", "=", "OGD")
      .where("c.name", "=", "Engineering ↔ Supervisory")
      .executeTakeFirstOrThrow();
    assert.equal(violation.acknowledged_at, null, "the demo's telnet flow on OGD starts open");
    assert.match(violation.tuple, /\|tcp\|23$/, "the demo's wrong flow is telnet");
    const fields = { intent: "acknowledge-violation", violationId: String(violation.id), note: "Vendor telnet test" };

    const auditBefore = await auditCount();
    const refused = await postForm("/plants/OGD/violations", "exec@demo.test", fields);
    assert.equal(refused.status, 403, `an executive may not acknowledge: got ${refused.status}`);
    const still = await db
      .selectFrom("policy_violation")
      .select(["acknowledged_at", "acknowledged_by", "acknowledged_note"])
      .where("id", "=", violation.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      still,
      { acknowledged_at: null, acknowledged_by: null, acknowledged_note: null },
      "the refusal changed nothing"
    );
    assert.equal(await auditCount(), auditBefore, "the refusal wrote no audit event");

    const done = await postForm("/plants/OGD/violations", "security@demo.test", fields);
    assert.ok(
      [302, 303].includes(done.status),
      `corporate security acknowledges and is redirected: got ${done.status} ${words(done.text).slice(0, 200)}`
    );
    assert.equal(done.location, "/plants/OGD/violations#violations", "back to the plant's wrong flows");
    const security = await db
      .selectFrom("person")
      .select("id")
      .where("email", "=", "security@demo.test")
      .executeTakeFirstOrThrow();
    const acknowledged = await db
      .selectFrom("policy_violation")
      .select(["acknowledged_at", "acknowledged_by", "acknowledged_note"])
      .where("id", "=", violation.id)
      .executeTakeFirstOrThrow();
    assert.ok(acknowledged.acknowledged_at !== null, "the violation is acknowledged");
    assert.equal(acknowledged.acknowledged_by, security.id, "by the person who sent the form");
    assert.equal(acknowledged.acknowledged_note, "Vendor telnet test");
    const events = await db
      .selectFrom("audit_event")
      .select(["action", "actor_person_id", "plant_id", "summary"])
      .where("action", "=", "violation.acknowledge")
      .execute();
    assert.equal(events.length, 1, "one audit event for the acknowledgement");
    assert.equal(events[0]!.actor_person_id, security.id);
    assert.equal(events[0]!.plant_id, await plantId("OGD"));
    assert.equal(await auditCount(), auditBefore + 1, "exactly one audit event was written");

    const page = await fetch(`${server.url}/plants/OGD/violations`, {
      headers: { Cookie: cookies["security@demo.test"]! },
    });
    const text = section(await page.text(), "violations");
    assert.match(text, /Policy violations \(0 open of 1\)/, "the page counts the flow as acknowledged");
    assert.match(text, /Vendor telnet test/, "the page shows the note");

    const again = await postForm("/plants/OGD/violations", "security@demo.test", fields);
    assert.equal(again.status, 409, `a second acknowledgement: 409, got ${again.status}`);
    assert.match(words(again.text), /already acknowledged/);
    assert.equal(await auditCount(), auditBefore + 1, "the second attempt wrote no audit event");
  });
});

describe("triaging staged hosts", () => {
  async function stagedHost(code: string) {
    return db
      .selectFrom("asset as a")
      .innerJoin("plant as p", "p.id", "a.plant_id")
      .selectAll("a")
      .where("p.code", "=", code)
      .where("a.status", "=", "staged")
      .where("a.triage", "is", null)
      .orderBy("a.id")
      .executeTakeFirstOrThrow();
  }

  it("refuses a zone of another plant with 400 naming zoneId, and changes nothing", async () => {
    const host = await stagedHost("GRY");
    const otherZone = await db
      .selectFrom("zone")
      .select("id")
      .where("plant_id", "=", await plantId("OGD"))
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const fields = { intent: "confirm-host", assetId: String(host.id), zoneId: String(otherZone.id), kind: "plc" };
    const auditBefore = await auditCount();

    const page = await postForm("/plants/GRY/hosts", "eng.gry@demo.test", fields);
    assert.equal(page.status, 400, `a zone of OGD for a GRY host: 400, got ${page.status}`);
    assert.match(
      page.text,
      new RegExp(
        `<ul class="field-error" id="confirm-host-${host.id}-zoneId-error"><li>Choose a zone of this plant\\.</li>|` +
          `<div class="reply-notice" id="confirm-host-${host.id}"><div class="form-error" role="alert"><ul><li>Choose a zone of this plant\\.</li>`
      ),
      "the page says what is wrong: under the zone of that host's triage form, or where its form would be"
    );

    const data = await postForm("/plants/GRY/hosts.data", "eng.gry@demo.test", fields);
    assert.equal(data.status, 400, `the same as a data request: 400, got ${data.status}`);
    const answer = decodeActionData(data.text) as {
      data: { intent: string; fieldErrors: Record<string, string[]> };
    };
    assert.equal(answer.data.intent, "confirm-host");
    assert.deepEqual(
      Object.keys(answer.data.fieldErrors),
      ["zoneId"],
      `the refusal names the zoneId field: ${data.text}`
    );

    const after = await db.selectFrom("asset").selectAll().where("id", "=", host.id).executeTakeFirstOrThrow();
    assert.deepEqual(after, host, "the host is untouched");
    assert.equal(await auditCount(), auditBefore, "no audit event was written");
  });

  it("refuses to mark a host known-transient without a note", async () => {
    const host = await stagedHost("GRY");
    const auditBefore = await auditCount();
    for (const note of ["", "  ", "ab"]) {
      const reply = await postForm("/plants/GRY/hosts", "eng.gry@demo.test", {
        intent: "mark-transient",
        assetId: String(host.id),
        note,
      });
      assert.equal(reply.status, 400, `note “${note}”: 400, got ${reply.status}`);
      assert.match(words(reply.text), /Write a note \(at least 3 characters\)/, `note “${note}”: the page says why`);
    }
    const after = await db.selectFrom("asset").selectAll().where("id", "=", host.id).executeTakeFirstOrThrow();
    assert.deepEqual(after, host, "the host is untouched");
    assert.equal(await auditCount(), auditBefore, "no audit event was written");
  });

  it("confirms a host with a zone of its plant (control for the refusals above)", async () => {
    const host = await stagedHost("GRY");
    const zone = await db
      .selectFrom("zone")
      .select("id")
      .where("plant_id", "=", await plantId("GRY"))
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const auditBefore = await auditCount();
    const reply = await postForm("/plants/GRY/hosts", "eng.gry@demo.test", {
      intent: "confirm-host",
      assetId: String(host.id),
      zoneId: String(zone.id),
      kind: "plc",
      name: "GRY-CONFIRMED-PLC",
    });
    assert.ok([302, 303].includes(reply.status), `the confirmation redirects: got ${reply.status}`);
    assert.equal(reply.location, "/plants/GRY/hosts#staged-hosts");
    const after = await db.selectFrom("asset").selectAll().where("id", "=", host.id).executeTakeFirstOrThrow();
    assert.equal(after.status, "confirmed");
    assert.equal(after.zone_id, zone.id);
    assert.equal(after.kind, "plc");
    assert.equal(after.name, "GRY-CONFIRMED-PLC");
    assert.equal(await auditCount(), auditBefore + 1, "one audit event");
  });
});

describe("importing an inventory export", () => {
  const GOOD = [
    "IP Address,MAC Address,Vendor,Model,Device Type,Hostname,Site notes",
    "10.200.45.201,02:5e:00:00:45:01,Siemens,S7-1516,PLC,gry-import-plc-1,line 3",
    "10.200.45.202,02-5E-00-00-45-02,Rockwell,PanelView 5500,HMI,gry-import-hmi-1,",
    "10.200.45.203,,Moxa,EDS-510E,Switch,,",
  ].join("\r\n");

  it("stages new hosts from a good file and says what it did", async () => {
    const before = await assetCount("GRY");
    const auditBefore = await auditCount();
    const reply = await upload("GRY", "eng.gry@demo.test", GOOD, "gry-export.csv");
    assert.equal(reply.status, 200, `a good file: 200, got ${reply.status} ${words(reply.text).slice(0, 300)}`);
    assert.match(
      words(reply.text),
      /Imported 3 rows: 3 new \(staged\), 0 updated, 0 unchanged\. Ignored columns: Site notes\./,
      "the summary names the counts and the ignored column"
    );
    assert.match(reply.text, /role="status"/, "the summary is a status message");
    assert.equal(await assetCount("GRY"), before + 3, "three assets were added");
    const created = await db
      .selectFrom("asset")
      .select(["name", "ip", "mac", "kind", "vendor", "status", "discovery_source", "zone_id"])
      .where("plant_id", "=", await plantId("GRY"))
      .where("ip", "in", ["10.200.45.201", "10.200.45.202", "10.200.45.203"])
      .orderBy("ip")
      .execute();
    const zone = await db
      .selectFrom("zone")
      .select("id")
      .where("plant_id", "=", await plantId("GRY"))
      .where("name", "=", "Corporate network")
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      created.map((a) => [a.name, a.mac, a.kind, a.status, a.discovery_source, a.zone_id]),
      [
        ["gry-import-plc-1", "02:5e:00:00:45:01", "plc", "staged", "import", zone.id],
        ["gry-import-hmi-1", "02:5e:00:00:45:02", "hmi", "staged", "import", zone.id],
        ["host-10.200.45.203", null, "switch", "staged", "import", zone.id],
      ],
      "the rows are staged, from the import, in the zone whose range holds their address"
    );
    const event = await db
      .selectFrom("audit_event")
      .select(["action", "summary", "actor_person_id"])
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    assert.equal(await auditCount(), auditBefore + 1, "one audit event for the whole file");
    assert.equal(event.action, "asset.import");
    assert.match(event.summary, /gry-export\.csv/, "the event names the file");

    const again = await upload("GRY", "eng.gry@demo.test", GOOD, "gry-export.csv");
    assert.equal(again.status, 200, `the same file again: 200, got ${again.status}`);
    assert.match(words(again.text), /Imported 3 rows: 0 new \(staged\), 0 updated, 3 unchanged\./);
    assert.equal(await assetCount("GRY"), before + 3, "importing the same file again adds nothing");
  });

  it("refuses a file with bad rows, naming each line, and writes none of it", async () => {
    const bad = [
      "IP Address,MAC Address,Vendor,Device Type,Hostname",
      "10.200.45.300,,Siemens,PLC,gry-bad-ip",
      "10.200.45.210,,Siemens,Toaster,gry-bad-kind",
      "10.200.45.211,,Siemens,PLC,gry-good-row",
      ",not-a-mac,Siemens,PLC,gry-bad-mac",
    ].join("\n");
    const before = await assetCount("GRY");
    const auditBefore = await auditCount();
    const reply = await upload("GRY", "eng.gry@demo.test", bad);
    assert.equal(reply.status, 400, `a file with bad rows: 400, got ${reply.status}`);
    const text = words(reply.text);
    assert.match(text, /3 problems in the file; nothing was imported\./);
    assert.match(reply.text, /role="alert"/, "the problems are an alert");
    assert.match(text, /line 2, column “IP Address”: “10\.200\.45\.300” is not an IPv4 or IPv6 address/);
    assert.match(text, /line 3, column “Device Type”: “Toaster” is not a kind this program knows/);
    assert.match(text, /line 5, column “MAC Address”: “not-a-mac” is not a MAC address/);
    assert.doesNotMatch(text, /line 4[,:]/, "the good row is not named as a problem");
    assert.equal(await assetCount("GRY"), before, "not even the good row was written");
    const goodRow = await db.selectFrom("asset").select("id").where("name", "=", "gry-good-row").executeTakeFirst();
    assert.equal(goodRow, undefined, "the good row of a bad file is not imported");
    assert.equal(await auditCount(), auditBefore, "no audit event was written");
  });

  it("refuses an upload from an executive", async () => {
    const before = await assetCount("GRY");
    const auditBefore = await auditCount();
    const reply = await upload(
      "GRY",
      "exec@demo.test",
      "IP Address,Hostname\n10.200.45.220,gry-exec-upload\n",
      "exec.csv"
    );
    assert.equal(reply.status, 403, `an executive may not import: got ${reply.status}`);
    assert.equal(await assetCount("GRY"), before, "nothing was imported");
    assert.equal(await auditCount(), auditBefore, "no audit event was written");
  });

  it("refuses an upload from the engineer of another plant", async () => {
    const before = await assetCount("GRY");
    const reply = await upload(
      "GRY",
      "eng.ogd@demo.test",
      "IP Address,Hostname\n10.200.45.221,gry-ogd-upload\n",
      "ogd.csv"
    );
    assert.equal(reply.status, 403, `the OGD engineer may not import into GRY: got ${reply.status}`);
    assert.equal(await assetCount("GRY"), before, "nothing was imported");
  });

  it("refuses an upload past 8 MB even when the request does not say its length (chunked)", async () => {
    const before = await assetCount("GRY");
    const auditBefore = await auditCount();
    const row = "10.200.46.1,gry-big\n";
    const csv = `IP Address,Hostname\n${row.repeat(Math.ceil((9 * 1024 * 1024) / row.length))}`;
    const form = new FormData();
    form.append("intent", "import-assets");
    form.append("file", new Blob([csv], { type: "text/csv" }), "big.csv");
    // A body streamed without Content-Length, as chunked transfer sends it.
    const encoded = new Response(form);
    const response = await fetch(`${server.url}/plants/GRY/assets`, {
      method: "POST",
      headers: {
        Cookie: cookies["eng.gry@demo.test"]!,
        Origin: server.url,
        "Content-Type": encoded.headers.get("Content-Type")!,
      },
      body: encoded.body,
      duplex: "half",
      redirect: "manual",
    });
    const text = await response.text();
    assert.equal(response.status, 413, `a 9 MB upload: got ${response.status} ${text.slice(0, 200)}`);
    assert.match(words(text), /larger than 8 MB/);
    assert.equal(await assetCount("GRY"), before, "nothing was imported");
    assert.equal(await auditCount(), auditBefore, "no audit event");
  });

  const plainPageSize = async () =>
    (
      await (
        await fetch(`${server.url}/plants/GRY/assets`, { headers: { Cookie: cookies["eng.gry@demo.test"]! } })
      ).text()
    ).length;

  it("lists the first 20 problems of a file with thousands and counts the rest, and the page stays small", async () => {
    const csv = `IP Address,Kind\n${"not-an-ip,PLC\n".repeat(20_000)}`;
    const before = await assetCount("GRY");
    const reply = await upload("GRY", "eng.gry@demo.test", csv, "bad.csv");
    assert.equal(reply.status, 400, `got ${reply.status}`);
    assert.match(words(reply.text), /20000 problems in the file; nothing was imported/);
    assert.match(words(reply.text), /line 21, column “IP Address”/);
    assert.match(words(reply.text), /… and 19980 more/);
    assert.doesNotMatch(reply.text, /line 22,/, "the 21st problem is not sent");
    const plainSize = await plainPageSize();
    // 20 problems add a few kilobytes to the page, not the 20,000 (about 1.4 MB).
    assert.ok(reply.text.length < plainSize + 20_000, `the page is ${reply.text.length} bytes, ${plainSize} without`);
    assert.equal(await assetCount("GRY"), before, "nothing was imported");
  });

  it("stops reading a file of 400,000 columns at its first line, saying so in a sentence", async () => {
    const header = Array.from({ length: 400_000 }, (_, i) => `c${i}`).join(",");
    const before = await assetCount("GRY");
    const reply = await upload("GRY", "eng.gry@demo.test", `${header}\n`, "wide.csv");
    assert.equal(reply.status, 400, `got ${reply.status}`);
    assert.match(
      words(reply.text),
      /1 problem in the file; nothing was imported\. CSV file line 1: more than 500 columns; an inventory export has a few dozen, so the file was not read further/
    );
    const plainSize = await plainPageSize();
    assert.ok(reply.text.length < plainSize + 5_000, `the page is ${reply.text.length} bytes, ${plainSize} without`);
    assert.equal(await assetCount("GRY"), before, "nothing was imported");
  });
});

describe("the observations API with a body that is not one object", () => {
  it("answers 400 saying so, with no field", async () => {
    const conduit = await conduitId("OGD", "Engineering ↔ Supervisory");
    for (const raw of ["[]", '"text"', "42", "null"]) {
      const reply = await postObservation(conduit, tokens.lead!, undefined, raw);
      assert.equal(reply.status, 400, `${raw}: got ${reply.status}`);
      assert.match(String(reply.body.error), /must be one JSON object/, `${raw}: ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body.field, null, `${raw}: no field is at fault`);
    }
  });
});
