import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { tempDir, databaseEnv } from "../support/database";
import { signInOverHttp, TEST_PASSWORD } from "../support/people";
import { send, type Sending } from "../support/http";
import { startServer, type RunningServer } from "../support/server";

// Every request body is bounded before it is read (docs/limits.md), through the real server: a body whose
// Content-Length is over its limit is refused at once, one sent in chunks without a length is refused once the
// limit is read, and the serving process's memory stays flat while twenty of them arrive at once, whoever sends
// them. The memory is the server process's own: its peak resident size (VmHWM in /proc/<pid>/status), reset
// before each burst.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let db: DB;
let lead: string;

const MB = 1024 * 1024;
/** How much the serving process may grow while twenty oversized requests of one kind arrive at once. */
const MAX_GROWTH_MB = 60;

before(async () => {
  server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD });
  db = openDatabase(file);
  lead = await signInOverHttp(server.url, "lead@demo.test");
});

after(async () => {
  await db?.destroy();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function repeated(chunk: Buffer, bytes: number): () => Iterable<Buffer> {
  return function* () {
    for (let sent = 0; sent < bytes; sent += chunk.length) yield chunk;
  };
}

const BOUNDARY = "----tracker-limits-test";

/** A multipart form of `count` file parts of `size` bytes each, sent as it is produced. */
function multipart(count: number, size: number): () => Iterable<Buffer> {
  const filler = Buffer.alloc(64 * 1024, "a");
  return function* () {
    for (let i = 0; i < count; i++) {
      yield Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file${i}"; filename="f${i}.csv"\r\nContent-Type: text/csv\r\n\r\n`
      );
      for (let sent = 0; sent < size; sent += filler.length)
        yield filler.subarray(0, Math.min(filler.length, size - sent));
      yield Buffer.from("\r\n");
    }
    yield Buffer.from(`--${BOUNDARY}--\r\n`);
  };
}

function whole(chunks: () => Iterable<Buffer>): Buffer {
  return Buffer.concat([...chunks()]);
}

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
const JSON_TYPE = { "Content-Type": "application/json" };
const MULTIPART = { "Content-Type": `multipart/form-data; boundary=${BOUNDARY}` };

function memoryKb(field: "VmRSS" | "VmHWM"): number {
  const status = fs.readFileSync(`/proc/${server.pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]);
}

async function windowCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from outage_window`.execute(db);
  return Number(rows[0]!.n);
}

describe("a body over its limit by its Content-Length", () => {
  it("is refused with 413 and a sentence before it is read, and the connection closes", async () => {
    const form = await send(server.url, { path: "/login", headers: FORM, body: Buffer.alloc(64 * 1024 + 1, "a") });
    assert.equal(form.status, 413, form.text);
    assert.equal(form.text, "The form is larger than 64 KB; no form of the tracker sends that much.");
    assert.equal(form.headers.connection, "close");

    const json = await send(server.url, {
      path: "/api/plants/DAY/windows",
      headers: { ...JSON_TYPE, Cookie: lead },
      body: Buffer.from(JSON.stringify({ title: "x".repeat(70 * 1024) })),
    });
    assert.equal(json.status, 413, json.text);
    assert.deepEqual(JSON.parse(json.text), {
      error: "The body is larger than 64 KB; no call of the tracker takes that much.",
    });

    const upload = await send(server.url, {
      path: "/plants/GRY",
      headers: MULTIPART,
      body: whole(multipart(1, 9 * MB)),
    });
    assert.equal(upload.status, 413, upload.text);
    assert.match(upload.text, /The upload is larger than 8 MB/);
  });
});

describe("a body without a length", () => {
  it("is refused with 413 once its form passes 64 KB, and nothing is read further", async () => {
    const form = await send(server.url, {
      path: "/login",
      headers: FORM,
      chunks: repeated(Buffer.alloc(16 * 1024, "a"), MB),
    });
    assert.equal(form.status, 413, form.text.slice(0, 300));
    assert.match(form.text, /The form is larger than 64 KB/);
    assert.equal(form.headers.connection, "close");
  });

  it("is refused with 413 in JSON once an API call's body passes 64 KB, and nothing is written", async () => {
    const before = await windowCount();
    const body = `{"title": "Night outage", "kind": "scheduled_outage", "notes": "${"n".repeat(MB)}"}`;
    const json = await send(server.url, {
      path: "/api/plants/DAY/windows",
      headers: { ...JSON_TYPE, Cookie: lead },
      chunks: () => [Buffer.from(body)].values(),
    });
    assert.equal(json.status, 413, json.text);
    assert.match(JSON.parse(json.text).error, /The body is larger than 64 KB/);
    assert.equal(await windowCount(), before);
  });

  it("is refused with 413 once a multipart form passes 8 MB, or holds more than 20 parts", async () => {
    const big = await send(server.url, { path: "/login", headers: MULTIPART, chunks: multipart(12, MB) });
    assert.equal(big.status, 413, big.text.slice(0, 300));
    assert.match(big.text, /The upload is larger than 8 MB/);

    const many = await send(server.url, { path: "/login", headers: MULTIPART, body: whole(multipart(40, 100)) });
    assert.equal(many.status, 413, many.text.slice(0, 300));
    assert.match(many.text, /The form has more than 20 parts/);
  });
});

describe("the serving process's memory", () => {
  const kinds: Array<{ name: string; sending: () => Sending }> = [
    {
      name: "a 6 MB sign-in form with its length",
      sending: () => ({ path: "/login", headers: FORM, body: SIX_MB_FORM }),
    },
    {
      name: "a 6 MB sign-in form without a length",
      sending: () => ({ path: "/login", headers: FORM, chunks: repeated(Buffer.alloc(64 * 1024, "a"), 6 * MB) }),
    },
    {
      name: "a multipart form of 12 parts of 1 MB without a length, unauthenticated",
      sending: () => ({ path: "/login", headers: MULTIPART, chunks: multipart(12, MB) }),
    },
    {
      name: "a multipart form of 40 parts of 200 KB with its length",
      sending: () => ({ path: "/plants/GRY", headers: MULTIPART, body: FORTY_PARTS }),
    },
    {
      name: "a 6 MB JSON body with its length",
      sending: () => ({ path: "/api/plants/DAY/windows", headers: { ...JSON_TYPE, Cookie: lead }, body: SIX_MB_JSON }),
    },
    {
      name: "a 6 MB JSON body without a length",
      sending: () => ({
        path: "/api/conduits/1/observations",
        headers: { ...JSON_TYPE, Cookie: lead },
        chunks: () => [Buffer.from('{"day": "'), ...repeated(Buffer.alloc(64 * 1024, "1"), 6 * MB)()].values(),
      }),
    },
  ];
  const SIX_MB_FORM = Buffer.alloc(6 * MB, "a");
  const SIX_MB_JSON = Buffer.from(JSON.stringify({ title: "t", notes: "n".repeat(6 * MB) }));
  const FORTY_PARTS = whole(multipart(40, 200 * 1024));

  for (const kind of kinds) {
    it(`stays flat while twenty requests of ${kind.name} arrive at once, each refused with 413`, async (t) => {
      const before = memoryKb("VmRSS");
      // From here VmHWM is the peak of this burst alone.
      fs.writeFileSync(`/proc/${server.pid}/clear_refs`, "5");
      const answers = await Promise.all(Array.from({ length: 20 }, () => send(server.url, kind.sending())));
      const growthMb = (memoryKb("VmHWM") - before) / 1024;
      t.diagnostic(`the server grew by ${growthMb.toFixed(1)} MB`);
      assert.ok(growthMb < MAX_GROWTH_MB, `the server grew by ${growthMb.toFixed(1)} MB (at most ${MAX_GROWTH_MB})`);
      assert.deepEqual(
        answers.map((answer) => answer.status),
        Array(20).fill(413),
        answers.map((answer) => answer.text.slice(0, 200)).join("\n")
      );
    });
  }
});
