import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { importProgram } from "../../app/models/program-import.server";
import { resetPassword } from "../../app/models/accounts.server";
import { systemActor } from "../../app/utils/actor";
import { openDatabase } from "../../app/utils/db.server";
import { migrateToLatest } from "../../db/migrate";
import { BENCH_ACCOUNTS, benchProgram } from "../../scripts/bench/program";
import { tempDir, databaseEnv } from "../support/database";
import { signInOverHttp, TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// A program larger than one page of the plant list: 60 generated plants through the real importer.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let cookie: string;

function rows(html: string): string[] {
  const body = /<table class="plants-table[^"]*">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
  return [...body.matchAll(/href="\/plants\/([A-Z0-9]+)"/g)].map((m) => m[1]!);
}

before(async () => {
  const db = openDatabase(file);
  await migrateToLatest(db);
  const today = new Date().toISOString().slice(0, 10);
  await importProgram(db, benchProgram({ plants: 60, today, assetsPerPlant: 20, observationDays: 5 }), {
    actor: systemActor("program:import"),
  });
  const lead = await db
    .selectFrom("person")
    .select("id")
    .where("email", "=", BENCH_ACCOUNTS.lead)
    .executeTakeFirstOrThrow();
  await resetPassword(db, systemActor("test"), { personId: lead.id, password: TEST_PASSWORD });
  const security = await db
    .selectFrom("person")
    .select("id")
    .where("email", "=", BENCH_ACCOUNTS.security)
    .executeTakeFirstOrThrow();
  await resetPassword(db, systemActor("test"), { personId: security.id, password: TEST_PASSWORD });
  await db.destroy();
  server = await startServer({ ...databaseEnv(file) });
  cookie = await signInOverHttp(server.url, BENCH_ACCOUNTS.lead);
});

after(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the plant list of a program larger than a page", () => {
  it("shows 50 plants a page, the rest on the next, and every plant once", async () => {
    const first = await (await fetch(`${server.url}/plants`, { headers: { Cookie: cookie } })).text();
    const second = await (await fetch(`${server.url}/plants?page=2`, { headers: { Cookie: cookie } })).text();
    assert.equal(rows(first).length, 50, "page 1 holds 50 plants");
    assert.equal(rows(second).length, 10, "page 2 the other 10");
    assert.equal(new Set([...rows(first), ...rows(second)]).size, 60, "every plant once");
    assert.match(first, /60 plants, page 1 of 2/);
    assert.match(first, /href="\/plants\?page=2"/);
  });

  it("keeps filters and sort across pages, and a page beyond the last shows the last, saying so", async () => {
    const sorted = await (
      await fetch(`${server.url}/plants?sort=code&dir=desc&page=9`, { headers: { Cookie: cookie } })
    ).text();
    assert.equal(rows(sorted).length, 10, "the last page");
    assert.match(sorted, /page 9 does not exist; showing page 2/);
    const codes = rows(sorted);
    assert.deepEqual(codes, [...codes].sort().reverse(), "still sorted by code, descending");
  });

  it("fills one page of the dashboard's criteria matrix with the 50 plants not live, and no more", async () => {
    const page = async (n: number) =>
      (await (await fetch(`${server.url}/dashboard?page=${n}`, { headers: { Cookie: cookie } })).text()).replaceAll(
        "<!-- -->",
        ""
      );
    const [first, beyond] = [await page(1), await page(2)];
    const matrixRows = (html: string) => [...html.matchAll(/<tr data-matrix-plant="([^"]+)"/g)].map((m) => m[1]!);
    // The generated program puts every sixth plant live: 50 of 60 are not, exactly one page.
    assert.equal(matrixRows(first).length, 50, "50 plants a page");
    assert.equal(new Set(matrixRows(first)).size, 50, "each plant once");
    assert.match(first, /Criteria of the current gates, 50 plants not live yet</);
    assert.doesNotMatch(first, /href="\?page=2#matrix"/, "no pager for one page");
    assert.match(beyond, /page 2 does not exist; showing page 1/);
    assert.deepEqual(matrixRows(beyond), matrixRows(first));
    const totals = (html: string) => /<tr data-matrix-total="held-back">([\s\S]*?)<\/tr>/.exec(html)?.[1];
    assert.ok(totals(first), "the totals row");
  });
});

describe("the queue of a person who acts across the whole program", () => {
  it("lists at most 100 items of a kind, with the true count and a sentence saying the rest follow", async () => {
    const securityCookie = await signInOverHttp(server.url, BENCH_ACCOUNTS.security);
    const html = (await (await fetch(`${server.url}/me`, { headers: { Cookie: securityCookie } })).text()).replaceAll(
      "<!-- -->",
      ""
    );
    const signoffs = /Signoffs to give \((\d+)\)/.exec(html);
    assert.ok(signoffs, "the queue counts the signoffs to give");
    const total = Number(signoffs[1]);
    assert.ok(total > 100, `the generated program leaves ${total} signoffs to corporate security`);
    const section = /id="signoffs">([\s\S]*?)<\/section>/.exec(html)![1]!;
    assert.equal([...section.matchAll(/<tr/g)].length - 1, 100, "100 rows under the table's header");
    assert.ok(section.includes(`The first 100 of ${total} signoffs are listed`));
  });
});
