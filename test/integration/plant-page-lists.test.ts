import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Insertable } from "kysely";
import type { Database } from "../../db/schema";
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

/** What a flood of spoofed sources leaves behind, written in bulk: the page's reading of it is under test here. */
async function insertInBatches<T extends "asset" | "policy_violation">(
  db: TestDatabase["db"],
  table: T,
  rows: Insertable<Database[T]>[]
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    for (let from = 0; from < rows.length; from += 1000) {
      await tx
        .insertInto(table)
        .values(rows.slice(from, from + 1000))
        .execute();
    }
  });
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
  const numbers = (count: number) => Array.from({ length: count }, (_, k) => k + 1);
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  const hostIp = (i: number) => `2001:db8::${i.toString(16)}`;
  await insertInBatches(
    db,
    "asset",
    numbers(HOSTS + TRANSIENT).map((i) => {
      const transient = i > HOSTS;
      return {
        plant_id: plantId,
        name: `host-${i}`,
        ip: hostIp(i),
        kind: null,
        status: "staged" as const,
        discovery_source: "zeek_ingest" as const,
        discovered_at: `2026-11-01T00:00:${pad(Math.floor(i / 1000) % 60, 2)}.${pad(i % 1000, 3)}Z`,
        created_at: now,
        updated_at: now,
        triage: transient ? ("transient" as const) : null,
        triage_note: transient ? "Vendor laptop" : null,
        triaged_by: transient ? lead : null,
        triaged_at: transient ? now : null,
      };
    })
  );
  await insertInBatches(
    db,
    "policy_violation",
    numbers(VIOLATIONS).map((i) => {
      const acknowledged = i <= ACKNOWLEDGED;
      return {
        conduit_id: conduitId,
        tuple: `${hostIp(i)}|10.20.1.5|tcp|502`,
        first_seen: "2026-11-01T00:00:00.000Z",
        last_seen: "2026-11-02T00:00:00.000Z",
        count: 1,
        acknowledged_by: acknowledged ? lead : null,
        acknowledged_at: acknowledged ? "2026-11-03T00:00:00.000Z" : null,
        acknowledged_note: acknowledged ? "Scanner of the PM visit" : null,
      };
    })
  );
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
