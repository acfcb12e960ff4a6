import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import SQLite from "better-sqlite3";
import { recordAudit } from "../../app/models/audit.server";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { tempDir, databaseEnv } from "../support/database";
import { createPerson, signInOverHttp } from "../support/people";
import { type RunningServer, runScript, startServer } from "../support/server";

// The audit trail over HTTP against the real server: who may read it, its filters, its CSV export, and
// the verify command on the same file.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let db: DB;
let plant: { id: number; code: string };
const cookies: Record<"lead" | "executive" | "engineer" | "security" | "admin", string> = {
  lead: "",
  executive: "",
  engineer: "",
  security: "",
  admin: "",
};
let leadId = 0;
let engineerId = 0;

const TRICKY_SUMMARY = 'Renamed "DMZ, north" to\r\nDMZ-N; said: ""quote""';
const FORMULA_SUMMARY = '=HYPERLINK("http://evil.example","open")';

before(async () => {
  server = await startServer({ ...databaseEnv(file) });
  db = openDatabase(file);
  plant = await db.selectFrom("plant").select(["id", "code"]).orderBy("code").executeTakeFirstOrThrow();
  leadId = await createPerson(db, { email: "lead@audit.test", role: "program_lead", name: "Lena Lead" });
  await createPerson(db, { email: "exec@audit.test", role: "executive", name: "Eve Exec" });
  engineerId = await createPerson(db, {
    email: "eng@audit.test",
    role: "plant_engineer",
    name: "Ed Engineer",
    plantIds: [plant.id],
  });
  await createPerson(db, { email: "sec@audit.test", role: "corporate_security", name: "Sam Security" });
  await createPerson(db, { email: "admin@audit.test", role: "admin", name: "Ada Admin" });
  cookies.lead = await signInOverHttp(server.url, "lead@audit.test");
  cookies.executive = await signInOverHttp(server.url, "exec@audit.test");
  cookies.engineer = await signInOverHttp(server.url, "eng@audit.test");
  cookies.security = await signInOverHttp(server.url, "sec@audit.test");
  cookies.admin = await signInOverHttp(server.url, "admin@audit.test");

  // Changes at the plant, as the app records them: more than one export batch, and text that CSV and
  // spreadsheets find hard.
  await db.transaction().execute(async (tx) => {
    const engineer = { personId: engineerId, tokenId: null, label: "Ed Engineer (plant engineer)" };
    for (let i = 0; i < 1200; i++) {
      await recordAudit(
        tx,
        engineer,
        {
          action: "asset.edit",
          objectType: "asset",
          objectId: i,
          plantId: plant.id,
          summary: `Asset ${i} reviewed`,
          after: { status: "active" },
        },
        new Date(Date.UTC(2026, 10, 2, 0, i))
      );
    }
    await recordAudit(
      tx,
      engineer,
      {
        action: "zone.edit",
        objectType: "zone",
        objectId: 7,
        plantId: plant.id,
        summary: TRICKY_SUMMARY,
        before: { name: 'DMZ, "north"' },
        after: { name: "DMZ-N", note: "line one\nline two" },
      },
      new Date("2026-11-03T10:00:00.000Z")
    );
    await recordAudit(
      tx,
      engineer,
      { action: "zone.edit", objectType: "zone", objectId: 8, plantId: plant.id, summary: FORMULA_SUMMARY },
      new Date("2026-11-03T11:00:00.000Z")
    );
  });
});

after(async () => {
  await db?.destroy();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function get(pathname: string, cookie?: string): Promise<Response> {
  return fetch(`${server.url}${pathname}`, { headers: cookie ? { Cookie: cookie } : {}, redirect: "manual" });
}

/** RFC 4180, strictly: a quote or line break outside a quoted field, or a record not ended by CRLF, throws. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (c === ",") {
      record.push(field);
      field = "";
      fieldStart = true;
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      fieldStart = true;
      i++;
    } else if (c === '"' || c === "\r" || c === "\n") {
      throw new Error(`Bare ${JSON.stringify(c)} at offset ${i}`);
    } else {
      field += c;
      fieldStart = false;
    }
  }
  if (quoted || field !== "" || record.length > 0) throw new Error("The last record does not end with CRLF");
  return records;
}

const COLUMNS = [
  "seq",
  "at",
  "actor",
  "action",
  "object_type",
  "object_id",
  "plant",
  "summary",
  "before",
  "after",
  "hash",
];

async function csvOf(pathname: string, cookie = cookies.lead) {
  const response = await get(pathname, cookie);
  assert.equal(response.status, 200);
  const [header, ...rows] = parseCsv(await response.text());
  assert.deepEqual(header, COLUMNS);
  for (const row of rows) assert.equal(row.length, COLUMNS.length);
  return { response, rows };
}

/** The "N events" caption of a trail page. */
function captionCount(html: string): number {
  const match = /<caption>([\d,]+) events?/.exec(html);
  assert.ok(match, "the page states how many events match");
  return Number(match[1]!.replace(/,/g, ""));
}

async function countEvents(where: { plantId?: number; personId?: number } = {}): Promise<number> {
  let query = db.selectFrom("audit_event").select((eb) => eb.fn.countAll<number>().as("n"));
  if (where.plantId !== undefined) query = query.where("plant_id", "=", where.plantId);
  if (where.personId !== undefined) query = query.where("actor_person_id", "=", where.personId);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

describe("who may read the audit trail", () => {
  const urls = () => ["/audit", "/audit.csv", `/plants/${plant.code}/audit`, `/plants/${plant.code}/audit.csv`];

  it("serves the program lead and the executive", async () => {
    for (const role of ["lead", "executive"] as const) {
      for (const url of urls()) {
        const response = await get(url, cookies[role]);
        assert.equal(response.status, 200, `${role} on ${url}`);
        await response.arrayBuffer();
      }
    }
  });

  it("refuses plant engineers, corporate security and admins with 403", async () => {
    for (const role of ["engineer", "security", "admin"] as const) {
      for (const url of urls()) {
        const response = await get(url, cookies[role]);
        assert.equal(response.status, 403, `${role} on ${url}`);
        const body = await response.text();
        assert.doesNotMatch(body, /Asset \d+ reviewed/, `${role} on ${url} saw events`);
        assert.match(body, /may not do this here/, `${role} on ${url} is told why`);
      }
    }
  });

  it("sends someone who is not signed in to the sign-in page, to come back afterwards", async () => {
    for (const url of urls()) {
      const response = await get(url);
      assert.equal(response.status, 302, url);
      assert.equal(response.headers.get("location"), `/login?redirectTo=${encodeURIComponent(url)}`);
    }
  });

  it("answers 404 for a plant code that does not exist, and only to readers of the trail", async () => {
    for (const url of ["/plants/NOPE/audit", "/plants/NOPE/audit.csv"]) {
      const response = await get(url, cookies.lead);
      assert.equal(response.status, 404, url);
      assert.match(await response.text(), /No plant in the program has the code “NOPE”/);
      assert.equal((await get(url, cookies.engineer)).status, 403, url);
    }
  });
});

describe("the audit trail page", () => {
  it("lists the newest events first, with time in UTC, actor, object, plant link and the change", async () => {
    const response = await get("/audit", cookies.lead);
    const html = await response.text();
    assert.equal(captionCount(html), await countEvents());
    const seqs = [...html.matchAll(/<td class="num mono">(\d+)<\/td>/g)].map((m) => Number(m[1]));
    assert.equal(seqs.length, 50);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => b - a)
    );
    assert.equal(seqs[0], await countEvents());
    assert.match(html, /<time dateTime="2026-11-03T11:00:00.000Z">2026-11-03 11:00:00 UTC<\/time>/);
    assert.match(html, /Ed Engineer \(plant engineer\)/);
    assert.match(html, new RegExp(`<a [^>]*href="/plants/${plant.code}">${plant.code}</a>`));
    assert.match(html, /<details class="audit-change"><summary>Before \/ after<\/summary>/);
    assert.match(html, /href="\/audit\?page=2"[^>]*>Next/);
  });

  it("shows only the chosen person's events", async () => {
    const html = await (await get(`/audit?person=${leadId}`, cookies.lead)).text();
    const expected = await countEvents({ personId: leadId });
    assert.ok(expected >= 1, "signing in recorded an event");
    assert.equal(captionCount(html), expected);
    const body = html.slice(html.indexOf("<tbody>"), html.indexOf("</tbody>"));
    assert.match(body, /Lena Lead \(program lead\)/);
    assert.doesNotMatch(body, /Ed Engineer|Eve Exec|system \(demo seed\)/);
    assert.match(html, new RegExp(`<option value="${leadId}" selected="">Lena Lead</option>`));
  });

  it("shows one plant's events on the plant's trail", async () => {
    const html = await (await get(`/plants/${plant.code}/audit`, cookies.executive)).text();
    assert.equal(captionCount(html), await countEvents({ plantId: plant.id }));
    const body = html.slice(html.indexOf("<tbody>"), html.indexOf("</tbody>"));
    assert.doesNotMatch(body, /session\.sign_in|program\.seed/);
  });

  it("filters by UTC days, both included", async () => {
    const html = await (await get(`/plants/${plant.code}/audit?from=2026-11-03&to=2026-11-03`, cookies.lead)).text();
    assert.equal(captionCount(html), 2);
    const late = await (
      await get(`/plants/${plant.code}/audit?from=2026-11-02&to=2026-11-02&type=asset`, cookies.lead)
    ).text();
    assert.equal(captionCount(late), 1200);
  });

  it("ignores bad filter values with a notice instead of failing", async () => {
    const response = await get(
      "/audit?person=abc&type=toaster&from=2026-02-30&to=soon&action=%3Cb%3E&page=-2",
      cookies.lead
    );
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /parameters were ignored/);
    for (const raw of ["abc", "toaster", "2026-02-30", "soon", "&lt;b&gt;", "-2"])
      assert.ok(html.includes(`“${raw}”`), raw);
    assert.doesNotMatch(html, /<b>/);
    assert.equal(captionCount(html), await countEvents());
  });

  it("links to a CSV download that keeps the filters", async () => {
    const html = await (
      await get(`/plants/${plant.code}/audit?type=zone&from=2026-11-01&person=bad`, cookies.lead)
    ).text();
    assert.match(
      html,
      new RegExp(`href="/plants/${plant.code}/audit\\.csv\\?type=zone&amp;from=2026-11-01" download=""`)
    );
  });
});

describe("the CSV export", () => {
  it("is a streamed attachment holding every event, not one page", async () => {
    const { response, rows } = await csvOf("/audit.csv");
    assert.equal(response.headers.get("content-type"), "text/csv; charset=utf-8");
    assert.match(
      response.headers.get("content-disposition") ?? "",
      /^attachment; filename="audit-program-\d{4}-\d{2}-\d{2}\.csv"$/
    );
    const stored = await db.selectFrom("audit_event").select(["seq", "hash"]).orderBy("seq", "desc").execute();
    assert.ok(stored.length > 1200);
    assert.deepEqual(
      rows.map((row) => Number(row[0])),
      stored.map((event) => event.seq)
    );
    assert.deepEqual(
      rows.map((row) => row[10]),
      stored.map((event) => event.hash)
    );
  });

  it("exports exactly the filtered events", async () => {
    const byPerson = await csvOf(`/audit.csv?person=${leadId}`, cookies.executive);
    assert.equal(byPerson.rows.length, await countEvents({ personId: leadId }));
    assert.ok(byPerson.rows.every((row) => row[2] === "Lena Lead (program lead)"));

    const byPlant = await csvOf(`/plants/${plant.code}/audit.csv?type=zone`);
    assert.match(
      byPlant.response.headers.get("content-disposition") ?? "",
      new RegExp(`filename="audit-${plant.code}-`)
    );
    assert.equal(byPlant.rows.length, 2);
    assert.ok(byPlant.rows.every((row) => row[6] === plant.code && row[4] === "zone"));

    const page = await (await get(`/plants/${plant.code}/audit?from=2026-11-02`, cookies.lead)).text();
    const filtered = await csvOf(`/plants/${plant.code}/audit.csv?from=2026-11-02`);
    assert.equal(filtered.rows.length, captionCount(page));
  });

  it("round-trips commas, quotes and line breaks, and defuses formulas", async () => {
    const { rows } = await csvOf(`/plants/${plant.code}/audit.csv?type=zone`);
    const [formula, tricky] = rows;
    assert.equal(tricky![7], TRICKY_SUMMARY);
    assert.deepEqual(JSON.parse(tricky![8]!), { name: 'DMZ, "north"' });
    assert.deepEqual(JSON.parse(tricky![9]!), { name: "DMZ-N", note: "line one\nline two" });
    assert.equal(tricky![1], "2026-11-03T10:00:00.000Z");
    assert.equal(tricky![5], "7");
    assert.equal(formula![7], `'${FORMULA_SUMMARY}`);
  });
});

async function runVerify(databasePath: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { status, stdout, stderr } = await runScript("scripts/audit-verify.ts", [], { ...databaseEnv(databasePath) });
  return { code: status, stdout, stderr };
}

describe("npm run audit:verify", () => {
  it("exits 0 on the intact trail, counting every event", async () => {
    const { code, stdout } = await runVerify(file);
    assert.equal(code, 0, stdout);
    assert.equal(stdout.split("\n")[0], `Audit trail intact: ${await countEvents()} events.`);
  });

  it("exits 2 with one line when there is no database", async () => {
    const missing = path.join(dir, "missing.db");
    const { code, stdout, stderr } = await runVerify(missing);
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.equal(stderr.trim(), `Cannot use the database at ${missing}: no such file.`);
    assert.equal(fs.existsSync(missing), false);
  });

  it("exits 1 naming the event whose row was edited in the file", async () => {
    const target = 1 + Math.floor((await countEvents()) / 2);
    const raw = new SQLite(file);
    try {
      raw.exec("drop trigger audit_event_no_update");
      raw.prepare("update audit_event set summary = ? where seq = ?").run("Nothing happened here", target);
    } finally {
      raw.close();
    }
    const { code, stdout } = await runVerify(file);
    assert.equal(code, 1, stdout);
    assert.match(stdout, new RegExp(`^Audit trail broken at event ${target}: its content no longer matches its hash`));
  });
});
