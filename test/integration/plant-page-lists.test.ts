import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createTestDatabase, type TestDatabase, databaseEnv } from "../support/database";
import { createPerson, signInOverHttp } from "../support/people";
import { insertConduit, insertPlant, insertZone } from "../support/plants";
import { startServer, type RunningServer } from "../support/server";

// A plant whose sensor has staged a great many hosts and seen a great many wrong flows (a scan, spoofed sources):
// its page must stay the size of a page, however many there are, and every one must still be reachable on the
// plant's staged-hosts and wrong-flows pages.

const HOSTS = 60_000;
const TRANSIENT = 40;
const VIOLATIONS = 60_000;
const ACKNOWLEDGED = 1_000;

let t: TestDatabase;
let server: RunningServer;
let cookie: string;

/** Asserts a pattern without printing a page of hundreds of kilobytes when it fails. */
function has(html: string, pattern: RegExp) {
  assert.ok(pattern.test(html), `the page shows ${pattern}`);
}

function count(html: string, pattern: RegExp): number {
  return [...html.matchAll(pattern)].length;
}

async function page(query = ""): Promise<{ status: number; html: string }> {
  const response = await fetch(`${server.url}/plants/SCN${query}`, { headers: { Cookie: cookie } });
  // React separates adjacent text with empty comments; the assertions read the text as a person does.
  return { status: response.status, html: (await response.text()).replaceAll("<!-- -->", "") };
}

before(async () => {
  t = await createTestDatabase();
  const { db } = t;
  const plantId = await insertPlant(db, "SCN", "Europe/Berlin");
  const hmi = await insertZone(db, plantId, "HMI", "10.20.0.0/24");
  const plc = await insertZone(db, plantId, "PLC", "10.20.1.0/24");
  const now = new Date().toISOString();
  const conduitId = await insertConduit(db, plantId, "HMI-PLC", { a: hmi, b: plc });
  const lead = await createPerson(db, { email: "lead@lists.test", role: "program_lead" });
  // What a flood of spoofed sources leaves behind, written in bulk: the page's reading of it is under test here.
  await sql`
    with recursive n(i) as (select 1 union all select i + 1 from n where i < ${HOSTS + TRANSIENT})
    insert into asset (plant_id, name, ip, kind, status, discovery_source, discovered_at, created_at, updated_at,
                       triage, triage_note, triaged_by, triaged_at)
    select ${plantId}, 'host-' || i, '2001:db8::' || printf('%x', i), null, 'staged', 'zeek',
           printf('2026-11-01T00:00:%02d.%03dZ', (i / 1000) % 60, i % 1000), ${now}, ${now},
           case when i > ${HOSTS} then 'transient' end, case when i > ${HOSTS} then 'Vendor laptop' end,
           case when i > ${HOSTS} then ${lead} end, case when i > ${HOSTS} then ${now} end
    from n`.execute(db);
  await sql`
    with recursive n(i) as (select 1 union all select i + 1 from n where i < ${VIOLATIONS})
    insert into policy_violation (conduit_id, tuple, first_seen, last_seen, count, acknowledged_by, acknowledged_at,
                                  acknowledged_note)
    select ${conduitId}, '2001:db8::' || printf('%x', i) || '|10.20.1.5|tcp|502', '2026-11-01T00:00:00.000Z',
           '2026-11-02T00:00:00.000Z', 1,
           case when i <= ${ACKNOWLEDGED} then ${lead} end,
           case when i <= ${ACKNOWLEDGED} then '2026-11-03T00:00:00.000Z' end,
           case when i <= ${ACKNOWLEDGED} then 'Scanner of the PM visit' end
    from n`.execute(db);
  server = await startServer({ ...databaseEnv(t.file) });
  cookie = await signInOverHttp(server.url, "lead@lists.test");
});

after(async () => {
  await server?.stop();
  await t?.cleanup();
});

describe("the plant page of a plant with tens of thousands of staged hosts and wrong flows", () => {
  it("counts them and links to their pages, and stays small", async () => {
    const { status, html } = await page();
    assert.equal(status, 200);
    assert.ok(html.length < 150_000, `the page is ${html.length} characters`);
    assert.equal(count(html, /<tr id="host-\d+"/g), 0, "no staged host is listed on the plant page");
    assert.equal(count(html, /name="violationId"/g), 0, "no wrong flow is listed on the plant page");
    has(html, /href="\/plants\/SCN\/hosts">Staged hosts to triage: 60,000; 40 known-transient →/);
    has(html, /href="\/plants\/SCN\/violations">Wrong flows: 59,000 open of 60,000 →/);
    has(html, /href="\/plants\/SCN\/triage">Triage several hosts at once/);
  });
});

describe("the staged-hosts and wrong-flows pages of that plant", () => {
  it("show one page of each with the true totals", async () => {
    const hosts = await page("/hosts");
    assert.equal(hosts.status, 200);
    assert.ok(hosts.html.length < 400_000, `the page is ${hosts.html.length} characters`);
    assert.equal(count(hosts.html, /<tr id="host-\d+"/g), 25, "one page of staged hosts");
    has(hosts.html, /Staged hosts \(60,000\)/);
    has(hosts.html, /Showing 1–25 of 60,000 staged hosts/);
    has(hosts.html, /Known-transient hosts \(40\)/);
    has(hosts.html, /href="\/plants\/SCN\/hosts\?hostsPage=2#staged-hosts"/);
    const flows = await page("/violations");
    assert.equal(flows.status, 200);
    has(flows.html, /Policy violations \(59,000 open of 60,000\)/);
    has(flows.html, /Showing 1–25 of 60,000 wrong flows/);
    assert.equal(count(flows.html, /name="violationId"/g), 25, "one page of open violations, each with its form");
  });

  it("reach any page of each list by its own parameter", async () => {
    const first = await page("/hosts");
    const next = await page("/hosts?hostsPage=2&transientPage=1");
    const ids = (html: string) => [...html.matchAll(/<tr id="host-(\d+)"/g)].map((m) => m[1]);
    assert.equal(ids(next.html).length, 25);
    assert.equal(
      ids(next.html).filter((id) => ids(first.html).includes(id)).length,
      0,
      "page 2 holds other hosts than page 1"
    );
    has(next.html, /Showing 26–50 of 60,000 staged hosts/);
    const last = await page("/violations?violationsPage=2400");
    has(last.html, /Showing 59,976–60,000 of 60,000 wrong flows/);
    // Open flows come first, so the last page holds acknowledged ones only.
    assert.equal(count(last.html, /name="violationId"/g), 0, "the last page holds only acknowledged flows");
    has(last.html, /Scanner of the PM visit/);
  });

  it("shows the last page for a page beyond it, saying so", async () => {
    const { html } = await page("/hosts?hostsPage=999999");
    has(html, /Showing 59,976–60,000 of 60,000 staged hosts/);
    has(html, /hostsPage 999999 does not exist; showing page 2400/);
  });
});
