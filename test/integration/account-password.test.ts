import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { verifyPassword } from "../../app/utils/password.server";
import { createTestDatabase, type TestDatabase, databaseEnv } from "../support/database";
import { createPerson } from "../support/people";
import { runScript } from "../support/server";

let test: TestDatabase;

before(async () => {
  test = await createTestDatabase();
  await createPerson(test.db, { email: "admin@site.test", role: "admin" });
});

after(() => test.cleanup());

const run = (args: string[], password?: string) =>
  runScript("scripts/account-password.ts", args, { ...databaseEnv(test.file), NEW_PASSWORD: password ?? "" });

describe("npm run account:password", () => {
  it("sets the password from NEW_PASSWORD, audited, for an email in any case", async () => {
    const result = await run(["--email", "ADMIN@site.test"], "a much better passphrase");
    assert.equal(result.status, 0, result.stderr);
    const person = await test.db
      .selectFrom("person")
      .select(["password_hash"])
      .where("email", "=", "admin@site.test")
      .executeTakeFirstOrThrow();
    assert.equal(await verifyPassword("a much better passphrase", person.password_hash!), true);
    const event = await test.db
      .selectFrom("audit_event")
      .select(["action", "actor_label"])
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    assert.deepEqual(event, { action: "account.reset_password", actor_label: "system (account:password command)" });
  });

  it("refuses a short password, an unknown email, or no password, with one line and exit 1", async () => {
    const cases: [string[], string | undefined, RegExp][] = [
      [["--email", "admin@site.test"], "short", /at least 10 characters/],
      [["--email", "nobody@site.test"], "long enough passphrase", /No account has the email nobody@site\.test/],
      [["--email", "admin@site.test"], undefined, /Set the new password in NEW_PASSWORD/],
      [[], "long enough passphrase", /Missing --email/],
    ];
    for (const [args, password, message] of cases) {
      const result = await run(args, password);
      assert.equal(result.status, 1, result.stdout);
      assert.match(result.stderr.trim(), message);
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    }
  });
});
