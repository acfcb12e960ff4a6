import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { migrations } from "../../db/migrations/index";
import { createEmptyPostgresDatabase } from "../support/database";
import { runScript, runStart } from "../support/server";

// The commands against PostgreSQL (DATABASE_URL), whichever backend the rest of the suite uses: `npm run db:migrate`
// brings an empty database up and then says it is up to date; a database that cannot be reached makes db:migrate
// and `npm start` fail with one line naming it, its password hidden, and no stack.

let database: { url: string; drop(): Promise<void> };

before(async () => {
  database = await createEmptyPostgresDatabase();
});

after(async () => {
  await database?.drop();
});

/** A URL with a password, on a port nothing listens on. */
const UNREACHABLE = "postgres://postgres:s3cret-word@127.0.0.1:1/tracker";
const SHOWN = "postgres://postgres:*****@127.0.0.1:1/tracker";

function assertOneClearLine(output: string, what: string) {
  const lines = output.trim().split("\n");
  assert.equal(lines.length, 1, `${what} says one line, not:\n${output}`);
  assert.ok(lines[0]!.startsWith(`Cannot use the database at ${SHOWN}: `), `${what} names the database: ${lines[0]}`);
  assert.match(lines[0]!, /ECONNREFUSED/, `${what} says why`);
  assert.ok(!output.includes("s3cret-word"), `${what} does not show the password`);
  assert.doesNotMatch(output, /^\s+at /m, `${what} shows no stack`);
}

describe("npm run db:migrate on PostgreSQL", () => {
  it("applies every migration to an empty database, and says it is up to date the second time", async () => {
    const first = await runScript("scripts/migrate.ts", [], { DATABASE_URL: database.url, DATABASE_PATH: "" });
    assert.equal(first.status, 0, first.stderr);
    assert.equal(
      first.stdout.trim(),
      `Applied ${Object.keys(migrations).length} migration(s) to ${database.url}: ${Object.keys(migrations).join(", ")}`
    );
    const second = await runScript("scripts/migrate.ts", [], { DATABASE_URL: database.url });
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout.trim(), `The database at ${database.url} is up to date.`);
    assert.equal(second.stderr, "");
  });

  it("fails with one line naming an unreachable database without its password", async () => {
    const run = await runScript("scripts/migrate.ts", [], { DATABASE_URL: UNREACHABLE });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, "");
    assertOneClearLine(run.stderr, "db:migrate");
  });
});

describe("npm run program:export on an unreachable PostgreSQL", () => {
  it("fails with one line naming the database without its password, writing no file", async () => {
    const run = await runScript("scripts/program-export.ts", [], { DATABASE_URL: UNREACHABLE });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, "", "nothing on stdout, where the file would go");
    assertOneClearLine(run.stderr, "program:export");
  });
});

describe("npm start on an unreachable PostgreSQL", () => {
  it("fails with one line naming the database without its password", async () => {
    const run = await runStart({ DATABASE_URL: UNREACHABLE });
    assert.equal(run.code, 1);
    assertOneClearLine(run.output, "npm start");
  });
});

describe("a DATABASE_URL that names no PostgreSQL database", () => {
  it("is refused by every command in one sentence that does not repeat the URL's password", async () => {
    const env = { DATABASE_URL: "mysql://tracker:s3cret-word@db.internal/tracker" };
    for (const [script, args] of [
      ["scripts/migrate.ts", []],
      ["scripts/audit-verify.ts", []],
      ["scripts/program-export.ts", []],
      ["scripts/readiness.ts", []],
    ] as const) {
      const run = await runScript(script, [...args], env);
      assert.notEqual(run.status, 0, `${script} fails`);
      const output = run.stdout + run.stderr;
      assert.equal(
        output.trim(),
        "DATABASE_URL must be a postgres:// or postgresql:// URL, not one beginning “mysql:”; for SQLite set DATABASE_PATH instead.",
        script
      );
    }
  });
});
