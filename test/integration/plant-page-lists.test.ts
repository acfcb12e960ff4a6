import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { createPerson, signInOverHttp } from "../support/people";
import { insertConduit, insertPlant, insertZone } from "../support/plants";
import { startServer, type RunningServer } from "../support/server";

// A plant whose sensor has staged a great many hosts and seen a great many wrong flows (a scan, spoofed sources):
// its page must stay the size of a page, however many there are, and every one must still be reachable.

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
  server = await startServer({ DATABASE_PATH: t.file });
  cookie = await signInOverHttp(server.url, "lead@lists.test");
});

after(async () => {
  await server?.stop();
  await t?.cleanup();
});

describe("the plant page of a plant with tens of thousands of staged hosts and wrong flows", () => {
  it("shows one page of each with the true totals, and stays small", async () => {
    const { status, html } = await page();
    assert.equal(status, 200);
    assert.ok(html.length < 400_000, `the page is ${html.length} characters`);
    assert.equal(count(html, /<tr id="host-\d+"/g), 25, "one page of staged hosts");
    has(html, /Staged hosts \(60,000\)/);
    has(html, /Showing 1–25 of 60,000 staged hosts/);
    has(html, /Known-transient hosts \(40\)/);
    has(html, /Policy violations \(59,000 open of 60,000\)/);
    has(html, /Showing 1–25 of 60,000 wrong flows/);
    assert.equal(count(html, /name="violationId"/g), 25, "one page of open violations, each with its form");
    has(html, /href="\/plants\/SCN\?hostsPage=2#staged-hosts"/);
  });

  it("reaches any page of each list by its own parameter, the others staying where they were", async () => {
    const first = await page();
    const next = await page("?hostsPage=2&violationsPage=2400");
    const ids = (html: string) => [...html.matchAll(/<tr id="host-(\d+)"/g)].map((m) => m[1]);
    assert.equal(ids(next.html).length, 25);
    assert.equal(
      ids(next.html).filter((id) => ids(first.html).includes(id)).length,
      0,
      "page 2 holds other hosts than page 1"
    );
    has(next.html, /Showing 26–50 of 60,000 staged hosts/);
    has(next.html, /Showing 59,976–60,000 of 60,000 wrong flows/);
    // Open flows come first, so the last page holds acknowledged ones only.
    assert.equal(count(next.html, /name="violationId"/g), 0, "the last page holds only acknowledged flows");
    has(next.html, /Scanner of the PM visit/);
  });

  it("shows the last page for a page beyond it, saying so", async () => {
    const { html } = await page("?hostsPage=999999");
    has(html, /Showing 59,976–60,000 of 60,000 staged hosts/);
    has(html, /hostsPage 999999 does not exist; showing page 2400/);
  });
});
