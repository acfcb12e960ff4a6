import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { root, serverBuildPath } from "../../scripts/build";
import { runStart, startServer, type RunningServer } from "../support/server";
import { emptyDatabase, tempDir, databaseEnv, type EmptyDatabase } from "../support/database";
import { signInOverHttp, TEST_PASSWORD } from "../support/people";

// The real `npm start` entry point: build, migrate, seed, serve, over HTTP.

const dir = tempDir();
let database: EmptyDatabase;
let server: RunningServer;
let lead: string;

before(async () => {
  database = await emptyDatabase(dir);
  server = await startServer({ ...database.env, DEMO_PASSWORD: TEST_PASSWORD });
  lead = await signInOverHttp(server.url, "lead@demo.test");
});

/** The command lines of the processes whose environment holds START_CHECK_MARK=`mark`. */
function processesMarked(mark: string): string[] {
  return fs.readdirSync("/proc").flatMap((pid) => {
    if (!/^\d+$/.test(pid)) return [];
    try {
      const marked = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`START_CHECK_MARK=${mark}`);
      return marked ? [fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim()] : [];
    } catch {
      return [];
    }
  });
}

const get = (url: string) => fetch(url, { headers: { Cookie: lead }, redirect: "manual" });

after(async () => {
  await server?.stop();
  await database?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("npm start", () => {
  it("seeds an empty database and prints the demo accounts", () => {
    assert.match(server.output(), /Seeded the demo program into .*: 13 plants/);
    assert.match(server.output(), /lead@demo\.test/);
    assert.match(server.output(), /password: the value of DEMO_PASSWORD/);
  });

  it("sends a visitor without a session to the sign-in page", async () => {
    const response = await fetch(`${server.url}/plants/DAY`, { redirect: "manual" });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get("location"), "/login?redirectTo=%2Fplants%2FDAY");
  });

  it("serves the lead's home, the plant list, with security headers", async () => {
    const response = await get(`${server.url}/plants`);
    assert.equal(response.status, 200);
    const csp = response.headers.get("content-security-policy") ?? "";
    assert.match(csp, /script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.equal(response.headers.get("referrer-policy"), "same-origin");
    assert.equal(response.headers.get("x-powered-by"), null);
    const html = await response.text();
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.ok(scripts.length > 0);
    for (const tag of scripts) assert.ok(tag.includes(`nonce="${nonce}"`), `script without the nonce: ${tag}`);
    assert.match(html, /Which plants are stuck, on what, since when, and who must act/);
  });

  it("serves a plant page, and 404 pages for unknown plants and addresses", async () => {
    const home = await (await get(`${server.url}/plants`)).text();
    const code = /href="\/plants\/([A-Z]+)"/.exec(home)![1]!;
    const plant = await get(`${server.url}/plants/${code}`);
    assert.equal(plant.status, 200);
    assert.match(await plant.text(), /Zones and conduits/);
    const assets = await get(`${server.url}/plants/${code}/assets?page=abc&sort=%3Cscript%3E`);
    assert.equal(assets.status, 200);
    const html = await assets.text();
    assert.match(html, /Asset inventory/);
    assert.match(html, /parameters were ignored/);
    assert.doesNotMatch(html, /<script>/);

    const missing = await get(`${server.url}/plants/NOPE`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /No plant in the program has the code “NOPE”/);
    const nowhere = await get(`${server.url}/no/such/page`);
    assert.equal(nowhere.status, 404);
  });

  it("serves built assets with long-lived caching", async () => {
    const html = await (await get(`${server.url}/plants`)).text();
    const asset = /href="(\/build\/[^"]+\.css)"/.exec(html)![1]!;
    const response = await fetch(`${server.url}${asset}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("cache-control") ?? "", /immutable/);
  });
});

describe("npm start when the sources changed", () => {
  it("builds and serves without a Go stack trace from the build's esbuild service", async () => {
    const dir = tempDir();
    // Older than every source: the start builds again. Every process of the start holds its exit a moment, as a
    // busy machine would, so an esbuild service left waiting on its build's contexts reports a deadlock.
    fs.utimesSync(serverBuildPath, new Date(0), new Date(0));
    const started = await startServer({
      DATABASE_PATH: path.join(dir, "tracker.db"),
      DEMO_PASSWORD: TEST_PASSWORD,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${path.join(root, "test/fixtures/slow-exit.cjs")}`,
    });
    try {
      assert.equal((await fetch(`${started.url}/healthz`)).status, 200);
    } finally {
      await started.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.match(started.output(), /Building the app/);
    assert.doesNotMatch(started.output(), /goroutine|fatal error|deadlock/i, started.output());
  });
});

describe("npm start with a bad database path", () => {
  it("stops with one sentence naming a file that is not a database", async () => {
    const file = path.join(dir, "notes.db");
    fs.writeFileSync(file, "meeting notes, definitely not SQLite ".repeat(100));
    const { code, output } = await runStart({ ...databaseEnv(file) });
    assert.equal(code, 1);
    assert.equal(output.trim(), `Cannot use the database at ${file}: file is not a database.`);
  });

  it("stops with one sentence naming a path whose folder cannot exist", async () => {
    const blocker = path.join(dir, "plain-file");
    fs.writeFileSync(blocker, "");
    const file = path.join(blocker, "tracker.db");
    const { code, output } = await runStart({ ...databaseEnv(file) });
    assert.equal(code, 1);
    assert.match(
      output.trim(),
      new RegExp(`^Cannot use the database at ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: [^\\n]+\\.$`)
    );
  });
});

describe("npm start with several workers", () => {
  it("serves from every worker on one port, signed-in sessions included, and stops them all", async () => {
    const dir = tempDir();
    const file = path.join(dir, "tracker.db");
    const cluster = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD, WEB_CONCURRENCY: "2" });
    try {
      assert.match(cluster.output(), /serving http:\/\/localhost:\d+ \(database .*; 2 workers\)/);
      const cookie = await signInOverHttp(cluster.url, "lead@demo.test");
      // A session made through one worker is honoured by all: sessions live in the database.
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          fetch(`${cluster.url}/plants/DAY`, { headers: { Cookie: cookie }, redirect: "manual" }).then((r) => r.status)
        )
      );
      assert.deepEqual(answers, Array(12).fill(200));
    } finally {
      await cluster.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // Stopped: nothing answers on the port any more.
    await assert.rejects(fetch(`${cluster.url}/healthz`), "the workers are gone");
  });

  it("stops its notification worker too when its server processes cannot listen", async () => {
    const dir = tempDir();
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as net.AddressInfo).port;
    const mark = `start-${process.pid}-${Date.now()}`;
    try {
      const { code, output } = await runStart({
        ...(await emptyDatabase(dir)).env,
        PORT: String(port),
        WEB_CONCURRENCY: "2",
        START_CHECK_MARK: mark,
      });
      assert.notEqual(code, 0);
      assert.match(output, new RegExp(`Port ${port} is already in use`));
      // The start's processes end with it (a server process may take a moment after its primary has gone).
      let left = processesMarked(mark);
      for (let waited = 0; left.length > 0 && waited < 5_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        left = processesMarked(mark);
      }
      assert.deepEqual(left, [], "no process of the start is left running");
    } finally {
      taken.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stops with one sentence when WEB_CONCURRENCY is not a number of workers", async () => {
    const dir = tempDir();
    const { code, output } = await runStart({ DATABASE_PATH: path.join(dir, "tracker.db"), WEB_CONCURRENCY: "many" });
    assert.equal(code, 1);
    assert.match(output, /WEB_CONCURRENCY must be a whole number of worker processes from 1 to 64, not “many”/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
