import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { seedDemoProgram } from "../../db/seed/demo-program";
import { migrateToLatest } from "../../db/migrate";
import { homePath } from "../../app/domain/permissions";
import { openDatabase } from "../../app/utils/db.server";
import { hashPassword } from "../../app/utils/password.server";
import { tempDir, databaseEnv } from "../support/database";
import { signInOverHttp, TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";
import { addStuckPlant, STUCK_PLANT } from "../support/stuck-plant";

// Each role's day starts on its own page, through the real sign-in and server; the lead's page, the plant list,
// says what holds each plant back, since when and who must act.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;

const ACCOUNTS = [
  { email: "lead@demo.test", role: "program_lead", home: "/plants" },
  { email: "exec@demo.test", role: "executive", home: "/dashboard" },
  { email: "eng.day@demo.test", role: "plant_engineer", home: "/me" },
  { email: "security@demo.test", role: "corporate_security", home: "/me" },
  { email: "admin@demo.test", role: "admin", home: "/admin" },
] as const;

before(async () => {
  const db = openDatabase(file);
  await migrateToLatest(db);
  await seedDemoProgram(db, { now: new Date(), passwordHash: await hashPassword(TEST_PASSWORD) });
  await addStuckPlant(db);
  await db.destroy();
  server = await startServer({ ...databaseEnv(file) });
});

after(async () => {
  await server?.stop();
});

const get = (pathname: string, cookie: string) =>
  fetch(`${server.url}${pathname}`, { headers: { Cookie: cookie }, redirect: "manual" });

/** The cells' text of the plant list's rows, by plant code, in page order. */
function plantRows(html: string): [string, string[]][] {
  const body = /<table class="plants-table[^"]*">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
  return [...body.matchAll(/<tr[^>]*data-plant="([^"]+)"[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => [
    m[1]!,
    [...m[2]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) =>
      c[1]!
        .replace(/<[^>]+>/g, " ")
        .replace(/&#x27;|&#39;/g, "'")
        .replace(/\s+/g, " ")
        .trim()
    ),
  ]);
}

describe("where each role lands", () => {
  for (const account of ACCOUNTS) {
    it(`signs ${account.role} in to ${account.home}, and sends them there from /`, async () => {
      assert.equal(homePath(account.role), account.home);
      const signIn = await fetch(`${server.url}/login`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url },
        body: new URLSearchParams({ email: account.email, password: TEST_PASSWORD }),
        redirect: "manual",
      });
      await signIn.arrayBuffer();
      assert.equal(signIn.status, 302);
      assert.equal(signIn.headers.get("location"), account.home, "signing in lands on the home");
      const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;
      const root = await get("/", cookie);
      await root.arrayBuffer();
      assert.equal(root.status, 302);
      assert.equal(root.headers.get("location"), account.home, "/ sends the role home");
      const home = await get(account.home, cookie);
      await home.arrayBuffer();
      assert.equal(home.status, 200, `${account.home} answers the ${account.role}`);
    });
  }

  it("honours a local redirectTo at sign-in, and sends a visitor without a session from / to sign in", async () => {
    const signIn = await fetch(`${server.url}/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url },
      body: new URLSearchParams({ email: "exec@demo.test", password: TEST_PASSWORD, redirectTo: "/windows" }),
      redirect: "manual",
    });
    await signIn.arrayBuffer();
    assert.equal(signIn.headers.get("location"), "/windows");
    const anonymous = await fetch(`${server.url}/`, { redirect: "manual" });
    await anonymous.arrayBuffer();
    assert.equal(anonymous.status, 302);
    assert.match(anonymous.headers.get("location") ?? "", /^\/login/);
  });
});

describe("the plant list's blockers", () => {
  it("puts the plant blocked longest first, with its blocker in words, its age and who must act by name", async () => {
    const cookie = await signInOverHttp(server.url, "lead@demo.test");
    const reply = await get("/plants?blocked=yes&sort=oldest&dir=desc", cookie);
    assert.equal(reply.status, 200);
    const rows = plantRows(await reply.text());
    assert.ok(rows.length > 1, "several plants are blocked");
    const [code, cells] = rows[0]!;
    assert.equal(code, STUCK_PLANT.code, "the plant blocked longest comes first");
    // Plant, region, phase, gate, blockers, held back by, blocked for, who must act, …
    assert.equal(cells[3], "Blocked");
    assert.ok(cells[5]!.startsWith(STUCK_PLANT.title), `held back by: ${cells[5]}`);
    assert.match(cells[5]!, new RegExp(STUCK_PLANT.criterion));
    assert.match(cells[6]!, new RegExp(`^${STUCK_PLANT.days} days \\(about 13 months\\) 30\\+ days$`));
    assert.match(cells[7]!, new RegExp(`^Plant engineer ?: ${STUCK_PLANT.engineer} complete the asset inventory`));
    const ages = rows.map(([, c]) => Number(/^(\d+) days?/.exec(c[6]!)?.[1] ?? 0));
    assert.deepEqual(
      ages,
      [...ages].sort((a, b) => b - a),
      "longest blocked first"
    );
    for (const [plant, c] of rows) {
      assert.notEqual(c[5], "—", `${plant} says what holds it back`);
      assert.notEqual(c[7], "—", `${plant} says who must act`);
      assert.doesNotMatch(c[9]!, /-\d/, `${plant}: days ahead never read as negative days late`);
    }
  });

  it("keeps the filters without JavaScript: a plain GET form, and the rows it asks for", async () => {
    const cookie = await signInOverHttp(server.url, "lead@demo.test");
    const html = await (await get("/plants?blocked=no", cookie)).text();
    assert.match(html, /<form method="get"[^>]*aria-label="Filter plants"/);
    for (const [plant, cells] of plantRows(html)) assert.equal(cells[4], "0", `${plant} is not blocked`);
  });
});

describe("the dashboard's criteria matrix", () => {
  it("reads each plant not live against each criterion, and counts the plants each criterion holds back", async () => {
    const cookie = await signInOverHttp(server.url, "exec@demo.test");
    const html = await (await get("/dashboard", cookie)).text();
    const table = /<table class="criteria-matrix">([\s\S]*?)<\/table>/.exec(html)?.[1];
    assert.ok(table, "the matrix is on the page, rendered by the server");
    const cellOf = (row: string, code: string) =>
      new RegExp(`data-criterion="${code}"[^>]*>([^<]*)<`).exec(row)?.[1] ?? null;
    const rows = [...table.matchAll(/<tr data-matrix-plant="([^"]+)">([\s\S]*?)<\/tr>/g)].map((m) => [m[1]!, m[2]!]);
    const stuck = rows.find(([code]) => code === STUCK_PLANT.code);
    assert.ok(stuck, "the stuck plant has a row");
    assert.equal(cellOf(stuck[1]!, "INV-ASSETS"), "Unmet");
    assert.equal(cellOf(stuck[1]!, "INV-PASSIVE"), "Met");
    const total = /<tr data-matrix-total="held-back">([\s\S]*?)<\/tr>/.exec(table)?.[1] ?? "";
    assert.match(total, /Plants held back/);
    const unmet = rows.filter(([, row]) => cellOf(row!, "INV-ASSETS") === "Unmet").length;
    assert.equal(Number(cellOf(total, "INV-ASSETS")), unmet, "the total counts the unmet cells (one page holds all)");
    for (const [code, row] of rows) {
      const cells = [...row!.matchAll(/data-criterion="[^"]+"[^>]*>([^<]*)</g)].map((m) => m[1]);
      assert.ok(
        cells.every((c) => ["Met", "Unmet", "Waived", "Not yet", "Passed"].includes(c!)),
        `${code}: ${cells.join(", ")}`
      );
    }
    assert.match(html, /Most plants are held back by/);
  });
});
