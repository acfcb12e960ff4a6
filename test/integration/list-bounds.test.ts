import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, type TestDatabase, databaseEnv } from "../support/database";
import { createPerson, signInOverHttp } from "../support/people";
import { insertPlant } from "../support/plants";
import { runScript, startServer, type RunningServer } from "../support/server";

// Lists that grow with the program (plants, windows, accounts, tokens) are read a page at a time by the API and the
// admin page, and every item stays reachable through the pages.

const PLANTS = 12;
const WINDOWS = 12;
const ACCOUNTS = 130;
const TOKENS = 60;

let t: TestDatabase;
let server: RunningServer;
let token: string;
let adminCookie: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test walks a different JSON shape
async function api(path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

async function adminPage(query = ""): Promise<string> {
  const response = await fetch(`${server.url}/admin${query}`, { headers: { Cookie: adminCookie } });
  assert.equal(response.status, 200);
  return (await response.text()).replaceAll("<!-- -->", "");
}

before(async () => {
  t = await createTestDatabase();
  const { db } = t;
  const now = new Date();
  let first = 0;
  for (let i = 1; i <= PLANTS; i++) {
    const id = await insertPlant(db, `P${String(i).padStart(2, "0")}`, "Europe/Berlin");
    if (i === 1) first = id;
  }
  for (let i = 0; i < WINDOWS; i++) {
    const starts = new Date(now.getTime() + (i + 1) * 86_400_000);
    await db
      .insertInto("outage_window")
      .values({
        plant_id: first,
        title: `Weekend outage ${i + 1}`,
        kind: "scheduled_outage",
        status: "planned",
        starts_at: starts.toISOString(),
        ends_at: new Date(starts.getTime() + 4 * 3_600_000).toISOString(),
        time_zone: "Europe/Berlin",
        notes: null,
        created_by: null,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .execute();
  }
  const adminId = await createPerson(db, { email: "admin@bounds.test", role: "admin", name: "Aaron Admin" });
  const { password_hash } = await db
    .selectFrom("person")
    .select("password_hash")
    .where("id", "=", adminId)
    .executeTakeFirstOrThrow();
  for (let i = 1; i < ACCOUNTS; i++) {
    await db
      .insertInto("person")
      .values({
        email: `engineer${i}@bounds.test`,
        name: `Engineer ${String(i).padStart(3, "0")}`,
        role: "plant_engineer",
        title: null,
        active: 1,
        created_at: now.toISOString(),
        password_hash,
        password_changed_at: now.toISOString(),
      })
      .execute();
  }
  for (let i = 1; i < TOKENS; i++) {
    await db
      .insertInto("api_token")
      .values({
        name: `sensor pipeline ${i}`,
        token_hash: `unused-${i}`,
        prefix: `stk_${String(i).padStart(4, "0")}`,
        role: "executive",
        created_by: adminId,
        created_at: new Date(now.getTime() - i * 60_000).toISOString(),
        last_used_at: null,
        revoked_at: null,
        revoked_by: null,
      })
      .execute();
  }
  const created = await runScript("scripts/token-create.ts", ["--role", "program_lead", "--name", "bounds"], {
    ...databaseEnv(t.file),
  });
  assert.equal(created.status, 0, created.stderr);
  token = created.stdout.trim().split("\n").at(-1)!;
  server = await startServer({ ...databaseEnv(t.file) });
  adminCookie = await signInOverHttp(server.url, "admin@bounds.test");
});

after(async () => {
  await server?.stop();
  await t?.cleanup();
});

describe("GET /api/plants pages", () => {
  it("gives at most `limit` plants with the total and the address of the next page, until every plant was given", async () => {
    const seen: string[] = [];
    let path: string | null = "/api/plants?limit=5";
    let pages = 0;
    while (path !== null) {
      const { status, body } = await api(path);
      assert.equal(status, 200);
      assert.equal(body.total, PLANTS);
      assert.ok(body.plants.length <= 5);
      seen.push(...body.plants.map((p: { code: string }) => p.code));
      path = body.next;
      pages++;
    }
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, PLANTS, "every plant once");
  });

  it("refuses a limit beyond the largest page, or not a number, naming the parameter", async () => {
    for (const query of ["limit=0", "limit=501", "limit=ten", "offset=-1"]) {
      const { status, body } = await api(`/api/plants?${query}`);
      assert.equal(status, 400, query);
      assert.match(body.error, new RegExp(`^${query.split("=")[0]}: `));
    }
  });
});

describe("GET /api/plants/:code/windows pages", () => {
  it("gives the windows in time order a page at a time", async () => {
    const first = await api("/api/plants/P01/windows?limit=10");
    assert.equal(first.status, 200);
    assert.equal(first.body.windows.length, 10);
    assert.equal(first.body.next, "/api/plants/P01/windows?limit=10&offset=10");
    const rest = await api(first.body.next);
    assert.deepEqual(
      rest.body.windows.map((w: { title: string }) => w.title),
      ["Weekend outage 11", "Weekend outage 12"]
    );
    assert.equal(rest.body.next, null);
    assert.equal((await api("/api/plants/P01/windows?limit=100000")).status, 400);
  });
});

describe("the admin page pages accounts and tokens", () => {
  it("shows 50 accounts a page with the true totals, and the rest on later pages", async () => {
    const html = await adminPage();
    assert.ok(html.includes(`${ACCOUNTS} accounts · ${ACCOUNTS} active`), "the caption counts every account");
    assert.ok(html.includes(`Showing 1–50 of ${ACCOUNTS} accounts`));
    assert.ok(html.includes(`${TOKENS} tokens · ${TOKENS} usable`), "the caption counts every token");
    assert.ok(html.includes(`Showing 1–50 of ${TOKENS} tokens`));
    const last = await adminPage("?page=3&tokensPage=2");
    assert.ok(last.includes(`Showing 101–${ACCOUNTS} of ${ACCOUNTS} accounts`));
    assert.ok(last.includes("Engineer 129"), "the last account is on the last page");
    assert.ok(!last.includes("Engineer 001<"), "an account of the first page is not");
    assert.ok(last.includes(`Showing 51–${TOKENS} of ${TOKENS} tokens`));
  });
});
