import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { root } from "../../scripts/build";
import { tempDir, databaseEnv, useAsProcessDatabase } from "../support/database";
import { send } from "../support/http";
import { TEST_PASSWORD } from "../support/people";
import { loadRouteModules, patternOf, segmentsOf, type RouteModule, type Segment } from "../support/routes";
import { runScript, startServer, type RunningServer } from "../support/server";
import { firstConduitId } from "../support/plants";

// Every address answers only its methods, through the real server: a route module's loader (or its page) answers
// GET and HEAD, its action answers POST, and any other method (PUT, PATCH, DELETE, OPTIONS, TRACE) gets 405 with an
// Allow header naming the methods it answers, before any route runs. The routes are read from app/routes
// (test/support/routes.ts), so a new one is tried without editing this test; the API's are held to docs/api.md.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
// Route modules are imported to read their exports; anything they open is this test's database.
useAsProcessDatabase(file);

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"];

let server: RunningServer;
let db: DB;
let modules: RouteModule[];
let conduitId: number;

before(async () => {
  server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD });
  db = openDatabase(file);
  modules = await loadRouteModules();
  conduitId = await firstConduitId(db, "DAY");
});

after(async () => {
  await db?.destroy();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** An address the route answers: DAY and one of its conduits; a made-up feed token and address for the rest. */
function addressOf(segments: Segment[]): string {
  const parts = segments.map((segment) => {
    if (segment.kind === "static") return segment.text;
    if (segment.name === "*") return "no-such-page";
    if (segment.name === "code") return `DAY${segment.suffix}`;
    if (segment.name === "token") return `stf_unknown${segment.suffix}`;
    return `${conduitId}${segment.suffix}`;
  });
  return `/${parts.join("/")}`;
}

/** What a module answers: GET and HEAD for a loader or a page, POST for an action. */
function methodsOf(module: RouteModule): string[] {
  const methods: string[] = [];
  if (module.exports.includes("loader") || module.exports.includes("default")) methods.push("GET", "HEAD");
  if (module.exports.includes("action")) methods.push("POST");
  return methods;
}

async function tryEveryMethod(address: string, answered: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const method of METHODS) {
    const reply = await send(server.url, { path: address, method, body: Buffer.alloc(0) });
    if (answered.includes(method)) {
      if (reply.status === 405) problems.push(`${method} ${address}: 405, though the route answers it`);
    } else if (reply.status !== 405 || reply.headers.allow !== answered.join(", ")) {
      problems.push(
        `${method} ${address}: ${reply.status} with Allow “${reply.headers.allow}”, not 405 with “${answered.join(
          ", "
        )}”`
      );
    }
  }
  return problems;
}

describe("the methods of every route", () => {
  it("answers each address its route's methods, and every other method 405 with Allow", async () => {
    const problems: string[] = [];
    for (const module of modules) {
      problems.push(...(await tryEveryMethod(addressOf(segmentsOf(module.file)), methodsOf(module))));
    }
    assert.ok(modules.length >= 30, `only ${modules.length} route modules were found`);
    assert.deepEqual(problems, []);
  });

  it("answers a page's data requests (single fetch) the same way", async () => {
    const problems: string[] = [];
    for (const module of modules.filter((m) => m.exports.includes("default"))) {
      const address = addressOf(segmentsOf(module.file));
      problems.push(...(await tryEveryMethod(address === "/" ? "/_root.data" : `${address}.data`, methodsOf(module))));
    }
    assert.deepEqual(problems, []);
  });

  it("answers on each API address exactly the methods docs/api.md documents (HEAD with GET)", async () => {
    const documented = new Map<string, string[]>();
    const docs = fs.readFileSync(path.join(root, "docs/api.md"), "utf8");
    for (const heading of docs.split("\n").filter((line) => line.startsWith("#"))) {
      for (const match of heading.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`[\s]+)/g)) {
        documented.set(match[2]!, [...(documented.get(match[2]!) ?? []), match[1]!]);
      }
    }
    const problems: string[] = [];
    for (const module of modules.filter((m) => m.file.startsWith("api.") || m.file.startsWith("feeds."))) {
      const segments = segmentsOf(module.file);
      if (segments.some((segment) => segment.kind === "param" && segment.name === "*")) continue;
      const pattern = patternOf(segments);
      const reply = await send(server.url, { path: addressOf(segments), method: "OPTIONS", body: Buffer.alloc(0) });
      const allowed = (reply.headers.allow ?? "").split(", ").filter((method) => method !== "HEAD");
      const expected = documented.get(pattern) ?? [];
      if (allowed.sort().join(",") !== [...expected].sort().join(","))
        problems.push(
          `${pattern}: the server answers ${allowed.join(", ")}; docs/api.md documents ${
            expected.join(", ") || "nothing"
          }`
        );
    }
    assert.deepEqual(problems, []);
  });
});

describe("methods that are not answered", () => {
  it("TRACE / is 405, not a server error", async () => {
    const reply = await send(server.url, { path: "/", method: "TRACE", body: Buffer.alloc(0) });
    assert.equal(reply.status, 405);
    assert.equal(reply.headers.allow, "GET, HEAD");
    assert.equal(reply.text, "This address answers GET and HEAD, not TRACE.");
  });

  it("a DELETE, PUT or PATCH to the API records nothing, though its body would be a valid POST", async () => {
    const created = await runScript("scripts/token-create.ts", ["--role", "program_lead", "--name", "methods"], {
      ...databaseEnv(file),
    });
    const token = created.stdout.trim().split("\n").at(-1)!;
    const count = async (table: "observation" | "alert_wiring") =>
      Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);
    const before = { observation: await count("observation"), wiring: await count("alert_wiring") };
    const observation = {
      day: "2020-01-02",
      source: "methods-test",
      coverage: 1,
      tuples: 3,
      newTuples: 0,
      connections: 10,
      bytes: 900,
    };
    for (const method of ["DELETE", "PUT", "PATCH"]) {
      for (const [address, body] of [
        [`/api/conduits/${conduitId}/observations`, observation],
        [`/api/conduits/${conduitId}/alert-wiring`, { siemReference: "SPL-METHODS" }],
      ] as const) {
        const reply = await send(server.url, {
          path: address,
          method,
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
          body: Buffer.from(JSON.stringify(body)),
        });
        assert.equal(reply.status, 405, `${method} ${address}: ${reply.text}`);
        assert.equal(reply.headers.allow, "POST");
        assert.deepEqual(JSON.parse(reply.text), { error: `This address answers POST, not ${method}.` });
      }
    }
    assert.equal(await count("observation"), before.observation);
    assert.equal(await count("alert_wiring"), before.wiring);
  });
});
