import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { verifyAuditChain } from "../../app/models/audit.server";
import { setActive, updateAccount } from "../../app/models/accounts.server";
import { systemActor } from "../../app/utils/actor";
import { ActError } from "../../app/utils/errors";
import { sha256 } from "../../app/utils/crypto.server";
import { createTestDatabase, type TestDatabase, databaseEnv, useAsProcessDatabase } from "../support/database";
import { createPerson, signInOverHttp, TEST_PASSWORD } from "../support/people";
import { type RunningServer, runScript, startServer } from "../support/server";

// Accounts and API tokens through the real server over HTTP, as a browser without JavaScript would use
// them, against a real SQLite file. Two plants are inserted before the server starts, so it seeds nothing
// and every person here is one this file created.

let test: TestDatabase;
let server: RunningServer;
let adminId: number;
let adminCookie: string;
const plantIds: Record<string, number> = {};

const ADMIN_EMAIL = "root.admin@accounts.test";
const NEW_PASSWORD = "a brand new passphrase";

before(async () => {
  test = await createTestDatabase();
  const now = new Date().toISOString();
  for (const [code, name] of [
    ["AAA", "Alder Works"],
    ["BBB", "Birch Assembly"],
  ] as const) {
    const { id } = await test.db
      .insertInto("plant")
      .values({ code, name, time_zone: "America/Phoenix", region: "West", site: name, created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    plantIds[code] = id;
  }
  adminId = await createPerson(test.db, { email: ADMIN_EMAIL, role: "admin", name: "Root Admin" });
  server = await startServer({ ...databaseEnv(test.file) });
  adminCookie = await signInOverHttp(server.url, ADMIN_EMAIL);
});

after(async () => {
  await server?.stop();
  const { closeDb } = await import("../../app/utils/db.server");
  await closeDb();
  await test?.cleanup();
});

type Fields = Record<string, string | string[]>;

function formBody(fields: Fields): URLSearchParams {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
  }
  return body;
}

function postAdmin(cookie: string | null, fields: Fields, origin = server.url, target = "/admin") {
  return fetch(`${server.url}${target}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: origin,
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body: formBody(fields),
    redirect: "manual",
  });
}

function getPage(cookie: string | null, target: string) {
  return fetch(`${server.url}${target}`, { headers: cookie ? { Cookie: cookie } : {}, redirect: "manual" });
}

/** The page a successful act redirects to, read as the browser would: with the confirmation cookie it was given. */
async function pageAfter(cookie: string, response: Response): Promise<string> {
  const location = response.headers.get("location") ?? "";
  const flash = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  assert.match(flash, /^flash=./, "the redirect carries the confirmation");
  const page = await getPage(`${cookie}; ${flash}`, location);
  assert.equal(page.status, 200);
  return decodeHtml(await page.text());
}

/** The confirmation a page shows, or null. */
function confirmationIn(html: string): string | null {
  return /<p class="confirmation" role="status">([^<]*)<\/p>/.exec(html)?.[1] ?? null;
}

async function signInStatus(email: string, password: string): Promise<number> {
  const response = await fetch(`${server.url}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url },
    body: new URLSearchParams({ email, password }),
    redirect: "manual",
  });
  await response.arrayBuffer();
  return response.status;
}

/** Whether a session cookie still lets its holder in: a signed-out visitor is sent to the sign-in page. */
async function cookieIsSignedIn(cookie: string): Promise<boolean> {
  const response = await getPage(cookie, "/");
  await response.arrayBuffer();
  return !(response.status === 302 && (response.headers.get("location") ?? "").startsWith("/login"));
}

async function auditEvents(action: string, objectId: number) {
  return test.db
    .selectFrom("audit_event")
    .selectAll()
    .where("action", "=", action)
    .where("object_id", "=", String(objectId))
    .orderBy("seq")
    .execute();
}

async function accountActCount(): Promise<number> {
  const row = await test.db
    .selectFrom("audit_event")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where((eb) => eb.or([eb("action", "like", "account.%"), eb("action", "like", "api_token.%")]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function personByEmail(email: string) {
  return test.db.selectFrom("person").selectAll().where("email", "=", email).executeTakeFirst();
}

/** The revision of the account an edit form shows. */
async function revisionOf(personId: number): Promise<string> {
  const row = await test.db.selectFrom("person").select("revision").where("id", "=", personId).executeTakeFirst();
  return String(row?.revision ?? 1);
}

async function plantCodesOf(personId: number): Promise<string[]> {
  const rows = await test.db
    .selectFrom("person_plant")
    .innerJoin("plant", "plant.id", "person_plant.plant_id")
    .select("plant.code")
    .where("person_id", "=", personId)
    .orderBy("plant.code")
    .execute();
  return rows.map((row) => row.code);
}

function decodeHtml(html: string): string {
  return html
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function assertNoSecrets(event: { before_json: string | null; after_json: string | null }) {
  for (const json of [event.before_json, event.after_json]) {
    assert.doesNotMatch(json ?? "", /scrypt|password_hash|token_hash|stk_[A-Za-z0-9_-]{20,}/);
  }
}

describe("accounts, by an admin", () => {
  it("creates an account that can then sign in, and lists it", async () => {
    const response = await postAdmin(adminCookie, {
      intent: "create-account",
      email: "  Pat.Engineer@Accounts.TEST ",
      name: "Pat Engineer",
      role: "plant_engineer",
      plants: ["AAA", "BBB"],
      password: NEW_PASSWORD,
    });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get("location"), "/admin#create-account");

    const person = await personByEmail("pat.engineer@accounts.test");
    assert.ok(person, "the account is stored with its email lower-cased");
    assert.equal(person.role, "plant_engineer");
    assert.equal(person.active, 1);
    assert.match(person.password_hash ?? "", /^scrypt\$/);
    assert.deepEqual(await plantCodesOf(person.id), ["AAA", "BBB"]);

    const [event] = await auditEvents("account.create", person.id);
    assert.ok(event, "an audit event records the creation");
    assert.equal(event.actor_person_id, adminId);
    assert.deepEqual(JSON.parse(event.after_json ?? "null"), {
      active: true,
      email: "pat.engineer@accounts.test",
      name: "Pat Engineer",
      plants: ["AAA", "BBB"],
      role: "plant_engineer",
    });
    assertNoSecrets(event);

    const cookie = await signInOverHttp(server.url, "pat.engineer@accounts.test", NEW_PASSWORD);
    assert.ok(await cookieIsSignedIn(cookie), "the new account is signed in");

    const html = await pageAfter(adminCookie, response);
    assert.match(confirmationIn(html) ?? "", /^Account created for pat\.engineer@accounts\.test\./);
    assert.match(html, /pat\.engineer@accounts\.test/);
    assert.match(html, /Last sign-in/);
  });

  it("refuses a duplicate email, whatever its case, with 409 next to the email field", async () => {
    await createPerson(test.db, { email: "taken@accounts.test", role: "executive" });
    const before = await test.db
      .selectFrom("person")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const response = await postAdmin(adminCookie, {
      intent: "create-account",
      email: "TAKEN@accounts.test",
      name: "Someone Else",
      role: "executive",
      password: NEW_PASSWORD,
    });
    assert.equal(response.status, 409);
    const html = decodeHtml(await response.text());
    assert.match(html, /id="new-email-error"><li>An account with the email taken@accounts\.test already exists\.</);
    assert.match(html, /value="Someone Else"/, "the form is filled again with what was typed");
    const afterCount = await test.db
      .selectFrom("person")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    assert.equal(Number(afterCount.n), Number(before.n));
  });

  it("refuses a short password with 400 naming the password field, and never echoes it", async () => {
    const response = await postAdmin(adminCookie, {
      intent: "create-account",
      email: "shorty@accounts.test",
      name: "Shorty",
      role: "executive",
      password: "tiny-pw",
    });
    assert.equal(response.status, 400);
    const html = await response.text();
    assert.match(
      html,
      /<ul class="field-error" id="new-password-error"><li>The password must be at least 10 characters long\.<\/li><\/ul>/
    );
    assert.match(html, /id="new-password"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="new-password"/);
    assert.doesNotMatch(html, /tiny-pw/);
    assert.equal(await personByEmail("shorty@accounts.test"), undefined);
  });

  it("refuses a plant engineer without plants, and an unknown plant code", async () => {
    const none = await postAdmin(adminCookie, {
      intent: "create-account",
      email: "lonely@accounts.test",
      name: "Lonely Engineer",
      role: "plant_engineer",
      password: NEW_PASSWORD,
    });
    assert.equal(none.status, 400);
    assert.match(await none.text(), /id="new-plants-error"><li>Assign a plant engineer to at least one plant\./);

    const unknown = await postAdmin(adminCookie, {
      intent: "create-account",
      email: "lonely@accounts.test",
      name: "Lonely Engineer",
      role: "plant_engineer",
      plants: ["ZZZ"],
      password: NEW_PASSWORD,
    });
    assert.equal(unknown.status, 400);
    assert.match(await unknown.text(), /id="new-plants-error"><li>No plant has the code ZZZ\.</);
    assert.equal(await personByEmail("lonely@accounts.test"), undefined);
  });

  it("refuses other bad input with 400 and field errors", async () => {
    const response = await postAdmin(adminCookie, {
      intent: "create-account",
      email: "not-an-email",
      name: "   ",
      role: "overlord",
      password: NEW_PASSWORD,
    });
    assert.equal(response.status, 400);
    const html = await response.text();
    assert.match(html, /id="new-email-error"><li>Enter an email address like name@example\.com\./);
    assert.match(html, /id="new-name-error"><li>Enter a name\./);
    assert.match(html, /id="new-role-error"><li>Choose a role\./);

    const unknownIntent = await postAdmin(adminCookie, { intent: "drop-tables" });
    assert.equal(unknownIntent.status, 400);
    assert.match(await unknownIntent.text(), /role="alert">The form was not recognized/);
  });

  it("edits role and plants, keeping plants only for plant engineers", async () => {
    const id = await createPerson(test.db, {
      email: "mover@accounts.test",
      role: "plant_engineer",
      plantIds: [plantIds.AAA!],
    });
    const toBoth = await postAdmin(adminCookie, {
      intent: "update-account",
      personId: String(id),
      revision: await revisionOf(id),
      name: "Mo Mover",
      role: "plant_engineer",
      plants: ["AAA", "BBB"],
    });
    assert.equal(toBoth.status, 302);
    assert.equal(toBoth.headers.get("location"), `/admin?edit=${id}#edit-account`);
    assert.equal(confirmationIn(await pageAfter(adminCookie, toBoth)), "Account updated.");
    assert.deepEqual(await plantCodesOf(id), ["AAA", "BBB"]);
    assert.equal((await personByEmail("mover@accounts.test"))?.name, "Mo Mover");

    const withoutPlants = await postAdmin(
      adminCookie,
      {
        intent: "update-account",
        personId: String(id),
        revision: await revisionOf(id),
        name: "Mo Mover",
        role: "plant_engineer",
      },
      server.url,
      `/admin?edit=${id}`
    );
    assert.equal(withoutPlants.status, 400);
    const html = await withoutPlants.text();
    assert.match(html, /id="edit-plants-error"><li>Assign a plant engineer to at least one plant\./);
    assert.match(html, /Edit Mo Mover/);
    assert.deepEqual(await plantCodesOf(id), ["AAA", "BBB"]);

    const toSecurity = await postAdmin(adminCookie, {
      intent: "update-account",
      personId: String(id),
      revision: await revisionOf(id),
      name: "Mo Mover",
      role: "corporate_security",
      plants: ["AAA"],
    });
    assert.equal(toSecurity.status, 302);
    assert.equal((await personByEmail("mover@accounts.test"))?.role, "corporate_security");
    assert.deepEqual(await plantCodesOf(id), []);

    const events = await auditEvents("account.update", id);
    assert.equal(events.length, 2);
    assert.equal(JSON.parse(events[1]!.before_json ?? "null").role, "plant_engineer");
    assert.equal(JSON.parse(events[1]!.after_json ?? "null").role, "corporate_security");

    const unchanged = await postAdmin(adminCookie, {
      intent: "update-account",
      personId: String(id),
      revision: await revisionOf(id),
      name: "Mo Mover",
      role: "corporate_security",
    });
    assert.equal(unchanged.headers.get("location"), `/admin?edit=${id}#edit-account`);
    assert.equal(
      confirmationIn(await pageAfter(adminCookie, unchanged)),
      "Nothing to save: the account already had those details."
    );
    assert.equal((await auditEvents("account.update", id)).length, 2, "an edit that changes nothing records nothing");

    const missing = await postAdmin(adminCookie, {
      intent: "update-account",
      personId: "999999",
      revision: "1",
      name: "Ghost",
      role: "executive",
    });
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /role="alert">There is no such account\.<\/p>/);

    // An edit from a form read before the last save: refused, and the conflict (what changed, the account as it
    // stands) shown once, in the edit form.
    const staleEdit = await postAdmin(
      adminCookie,
      { intent: "update-account", personId: String(id), revision: "1", name: "From an old form", role: "executive" },
      server.url,
      `/admin?edit=${id}`
    );
    assert.equal(staleEdit.status, 409);
    const staleHtml = await staleEdit.text();
    assert.equal(staleHtml.match(/class="revision-conflict"/g)?.length, 1, "the conflict is shown once");

    const stale = await postAdmin(adminCookie, { intent: "set-active", personId: "abc", active: "0" });
    assert.equal(stale.status, 400);
    assert.match(await stale.text(), /role="alert">The form was not recognized; reload the page and try again\.<\/p>/);
  });

  it("shows one account's edit forms, and ignores an unknown account or confirmation", async () => {
    const id = await createPerson(test.db, { email: "shown@accounts.test", role: "executive", name: "Shown Person" });
    const page = await getPage(adminCookie, `/admin?edit=${id}`);
    const html = await page.text();
    assert.match(html, /Edit Shown Person/);
    assert.match(html, /Deactivate account/);
    assert.match(html, /Reset password/);

    const unknown = await (
      await getPage(adminCookie, "/admin?edit=424242&done=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    ).text();
    assert.match(unknown, /edit “424242” is not an account/);
    assert.doesNotMatch(unknown, /<script>alert/);
    assert.doesNotMatch(unknown, /class="form-success"/);
    assert.doesNotMatch(unknown, /class="confirmation"/);
  });

  it("deactivating ends the person's sessions and stops sign-in; reactivating lets them back", async () => {
    const email = "leaving@accounts.test";
    const id = await createPerson(test.db, { email, role: "program_lead" });
    const first = await signInOverHttp(server.url, email);
    const second = await signInOverHttp(server.url, email);
    assert.ok(await cookieIsSignedIn(first), "signed in before deactivation");

    const response = await postAdmin(adminCookie, { intent: "set-active", personId: String(id), active: "0" });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get("location"), `/admin?edit=${id}#edit-account`);
    assert.match(confirmationIn(await pageAfter(adminCookie, response)) ?? "", /^Account deactivated\./);

    assert.equal((await personByEmail(email))?.active, 0);
    const sessions = await test.db.selectFrom("session").select("revoked_at").where("person_id", "=", id).execute();
    assert.equal(sessions.length, 2);
    assert.ok(
      sessions.every((session) => session.revoked_at !== null),
      "every session is revoked"
    );
    for (const cookie of [first, second]) {
      const page = await getPage(cookie, "/");
      assert.equal(page.status, 302);
      assert.match(page.headers.get("location") ?? "", /^\/login/);
    }
    assert.equal(await signInStatus(email, TEST_PASSWORD), 401);

    const [event] = await auditEvents("account.deactivate", id);
    assert.ok(event, "an audit event records the act");
    assert.deepEqual(JSON.parse(event.after_json ?? "null"), { active: false, revokedSessions: 2 });

    const again = await postAdmin(adminCookie, { intent: "set-active", personId: String(id), active: "0" });
    assert.equal(again.status, 409);
    assert.match(await again.text(), /role="alert">The account of leaving is already deactivated\.</);

    const back = await postAdmin(adminCookie, { intent: "set-active", personId: String(id), active: "1" });
    assert.equal(back.headers.get("location"), `/admin?edit=${id}#edit-account`);
    assert.match(confirmationIn(await pageAfter(adminCookie, back)) ?? "", /^Account reactivated\./);
    assert.ok(await cookieIsSignedIn(await signInOverHttp(server.url, email)), "a reactivated account signs in");
    assert.equal((await auditEvents("account.reactivate", id)).length, 1);
    assert.equal(await cookieIsSignedIn(first), false, "reactivation does not revive old sessions");
  });

  it("resetting a password ends every session; the old password no longer works", async () => {
    const email = "forgetful@accounts.test";
    const id = await createPerson(test.db, { email, role: "corporate_security" });
    const before = await personByEmail(email);
    const oldCookie = await signInOverHttp(server.url, email);

    const short = await postAdmin(
      adminCookie,
      { intent: "reset-password", personId: String(id), password: "short" },
      server.url,
      `/admin?edit=${id}`
    );
    assert.equal(short.status, 400);
    assert.match(
      await short.text(),
      /id="reset-password-error"><li>The password must be at least 10 characters long\./
    );

    const response = await postAdmin(adminCookie, {
      intent: "reset-password",
      personId: String(id),
      password: NEW_PASSWORD,
    });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get("location"), `/admin?edit=${id}#edit-account`);
    assert.equal(
      confirmationIn(await pageAfter(adminCookie, response)),
      "Password reset. Every session of that account has ended."
    );

    const afterReset = await personByEmail(email);
    assert.notEqual(afterReset?.password_hash, before?.password_hash);
    assert.notEqual(afterReset?.password_changed_at, before?.password_changed_at);
    assert.equal(await cookieIsSignedIn(oldCookie), false);
    assert.equal(await signInStatus(email, TEST_PASSWORD), 401);
    assert.ok(
      await cookieIsSignedIn(await signInOverHttp(server.url, email, NEW_PASSWORD)),
      "the new password signs in"
    );

    const [event] = await auditEvents("account.reset_password", id);
    assert.ok(event, "an audit event records the act");
    assertNoSecrets(event);
    assert.doesNotMatch(`${event.before_json}${event.after_json}${event.summary}`, new RegExp(NEW_PASSWORD));
  });

  it("an admin cannot deactivate themselves, nor change their own role", async () => {
    const actsBefore = await accountActCount();
    const deactivate = await postAdmin(adminCookie, { intent: "set-active", personId: String(adminId), active: "0" });
    assert.equal(deactivate.status, 409);
    assert.match(await deactivate.text(), /role="alert">You cannot deactivate your own account\.</);

    const demote = await postAdmin(
      adminCookie,
      {
        intent: "update-account",
        personId: String(adminId),
        revision: await revisionOf(adminId),
        name: "Root Admin",
        role: "executive",
      },
      server.url,
      `/admin?edit=${adminId}`
    );
    assert.equal(demote.status, 409);
    assert.match(await demote.text(), /id="edit-role-error"><li>You cannot change your own role/);

    assert.equal((await personByEmail(ADMIN_EMAIL))?.active, 1);
    assert.equal((await personByEmail(ADMIN_EMAIL))?.role, "admin");
    assert.ok(await cookieIsSignedIn(adminCookie), "the admin is still signed in");
    assert.equal(await accountActCount(), actsBefore);
  });

  it("the last active admin cannot be deactivated or demoted, even by the system", async () => {
    const system = systemActor("test");
    await assert.rejects(setActive(test.db, system, { personId: adminId, active: false }), (error: unknown) => {
      assert.ok(error instanceof ActError, "refused as an act");
      assert.equal(error.status, 409);
      assert.match(error.message, /last active admin/);
      return true;
    });
    await assert.rejects(
      updateAccount(test.db, system, {
        personId: adminId,
        expectedRevision: 1,
        name: "Root Admin",
        role: "executive",
        plants: [],
      }),
      /last active admin/
    );
    assert.equal((await personByEmail(ADMIN_EMAIL))?.active, 1);
  });
});

describe("who may manage accounts", () => {
  it("answers 403 to every other role, on GET and POST, and changes nothing", async () => {
    const roles = ["program_lead", "executive", "plant_engineer", "corporate_security"] as const;
    for (const role of roles) {
      const email = `nosy.${role}@accounts.test`;
      await createPerson(test.db, { email, role, plantIds: role === "plant_engineer" ? [plantIds.AAA!] : [] });
      const cookie = await signInOverHttp(server.url, email);
      const actsBefore = await accountActCount();

      const page = await getPage(cookie, "/admin");
      assert.equal(page.status, 403, `${role} GET /admin`);
      assert.doesNotMatch(await page.text(), /root\.admin@accounts\.test/);

      const attempts: Fields[] = [
        {
          intent: "create-account",
          email: `sneaky.${role}@accounts.test`,
          name: "Sneaky",
          role: "admin",
          password: NEW_PASSWORD,
        },
        { intent: "set-active", personId: String(adminId), active: "0" },
        { intent: "reset-password", personId: String(adminId), password: NEW_PASSWORD },
        { intent: "create-token", name: "sneaky", role: "admin" },
      ];
      for (const fields of attempts) {
        const response = await postAdmin(cookie, fields);
        assert.equal(response.status, 403, `${role} POST ${fields.intent}`);
        await response.arrayBuffer();
      }
      assert.equal(await personByEmail(`sneaky.${role}@accounts.test`), undefined);
      assert.equal(await accountActCount(), actsBefore, `${role} changed nothing`);
    }
    assert.equal((await personByEmail(ADMIN_EMAIL))?.active, 1);
    assert.ok(await cookieIsSignedIn(adminCookie), "the admin's password and sessions are untouched");
  });

  it("sends a signed-out visitor to sign in, and refuses a cross-site post", async () => {
    const page = await getPage(null, "/admin");
    assert.equal(page.status, 302);
    assert.equal(page.headers.get("location"), "/login?redirectTo=%2Fadmin");

    const anonymous = await postAdmin(null, {
      intent: "create-account",
      email: "anon@accounts.test",
      name: "Anon",
      role: "admin",
      password: NEW_PASSWORD,
    });
    assert.equal(anonymous.status, 302);
    assert.match(anonymous.headers.get("location") ?? "", /^\/login/);

    const actsBefore = await accountActCount();
    const forged = await postAdmin(
      adminCookie,
      {
        intent: "create-account",
        email: "forged@accounts.test",
        name: "Forged",
        role: "admin",
        password: NEW_PASSWORD,
      },
      "http://evil.example"
    );
    assert.equal(forged.status, 403);
    assert.equal(await personByEmail("forged@accounts.test"), undefined);
    assert.equal(await personByEmail("anon@accounts.test"), undefined);
    assert.equal(await accountActCount(), actsBefore);
  });
});

describe("API tokens", () => {
  it("creates a token from the form, shows it once, and it authenticates until revoked", async () => {
    const response = await postAdmin(adminCookie, {
      intent: "create-token",
      name: "sensor pipeline AAA",
      role: "plant_engineer",
      plants: ["AAA"],
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("cache-control") ?? "", /no-store/);
    assert.equal(response.headers.get("location"), null);
    const html = await response.text();
    assert.match(html, /Copy it now: it will not be shown again\./);
    const secret = /id="new-token-secret"[^>]*value="(stk_[A-Za-z0-9_-]+)"/.exec(html)?.[1];
    assert.ok(secret, "the token is on the page");

    const stored = await test.db
      .selectFrom("api_token")
      .selectAll()
      .where("name", "=", "sensor pipeline AAA")
      .executeTakeFirstOrThrow();
    assert.equal(stored.token_hash, sha256(secret));
    assert.equal(stored.prefix, secret.slice(0, 10));
    assert.equal(stored.role, "plant_engineer");
    assert.equal(stored.created_by, adminId);
    assert.equal(stored.revoked_at, null);
    const scope = await test.db
      .selectFrom("api_token_plant")
      .select("plant_id")
      .where("token_id", "=", stored.id)
      .execute();
    assert.deepEqual(
      scope.map((row) => row.plant_id),
      [plantIds.AAA]
    );
    const [created] = await auditEvents("api_token.create", stored.id);
    assert.ok(created, "an audit event records the creation");
    assertNoSecrets(created);
    assert.doesNotMatch(`${created.summary}${created.after_json}`, new RegExp(stored.token_hash));

    const listing = await (await getPage(adminCookie, "/admin")).text();
    assert.ok(!listing.includes(secret), "the list shows the token's prefix, never the token again");
    assert.ok(listing.includes(`${stored.prefix}…`), "the list shows the token's prefix");

    // The app's own bearer-token check, as every /api route calls it, against the same database file.
    useAsProcessDatabase(test.file);
    const { requireApiActor } = await import("../../app/http/auth.server");
    const bearer = (token: string) =>
      new Request(`${server.url}/api/anything`, { headers: { Authorization: `Bearer ${token}` } });
    const actor = await requireApiActor(bearer(secret));
    assert.equal(actor.kind, "token");
    assert.equal(actor.role, "plant_engineer");
    assert.deepEqual(actor.plantScope, [plantIds.AAA]);

    const revoke = await postAdmin(adminCookie, { intent: "revoke-token", tokenId: String(stored.id) });
    assert.equal(revoke.status, 302);
    assert.equal(revoke.headers.get("location"), "/admin#tokens-title");
    assert.equal(confirmationIn(await pageAfter(adminCookie, revoke)), "API token revoked. It no longer works.");
    const revoked = await test.db
      .selectFrom("api_token")
      .select(["revoked_at", "revoked_by"])
      .where("id", "=", stored.id)
      .executeTakeFirstOrThrow();
    assert.ok(revoked.revoked_at, "revoked_at is set");
    assert.equal(revoked.revoked_by, adminId);
    assert.equal((await auditEvents("api_token.revoke", stored.id)).length, 1);
    await assert.rejects(
      requireApiActor(bearer(secret)),
      (thrown: unknown) => thrown instanceof Response && thrown.status === 401
    );

    const twice = await postAdmin(adminCookie, { intent: "revoke-token", tokenId: String(stored.id) });
    assert.equal(twice.status, 409);
    assert.match(
      decodeHtml(await twice.text()),
      /role="alert">The API token “sensor pipeline AAA” is already revoked\.</
    );
    const unknown = await postAdmin(adminCookie, { intent: "revoke-token", tokenId: "987654" });
    assert.equal(unknown.status, 404);
  });

  it("refuses a plant engineer token without plants, and a token without a name", async () => {
    const noPlants = await postAdmin(adminCookie, {
      intent: "create-token",
      name: "engineer laptop",
      role: "plant_engineer",
    });
    assert.equal(noPlants.status, 400);
    const html = decodeHtml(await noPlants.text());
    assert.match(html, /id="token-plants-error"><li>Limit a plant engineer's token to at least one plant\./);
    assert.doesNotMatch(html, /id="new-token-secret"/);

    const noName = await postAdmin(adminCookie, { intent: "create-token", name: " ", role: "executive" });
    assert.equal(noName.status, 400);
    assert.match(await noName.text(), /id="token-name-error"><li>Name the token after what uses it\./);
    const count = await test.db
      .selectFrom("api_token")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("name", "in", ["engineer laptop", " ", ""])
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 0);
  });
});

async function runTokenCreate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { status, stdout, stderr } = await runScript("scripts/token-create.ts", args, { ...databaseEnv(test.file) });
  return { code: status, stdout, stderr };
}

describe("npm run token:create", () => {
  it("prints the token alone on its last line and stores only its hash, with role and plants", async () => {
    const { code, stdout, stderr } = await runTokenCreate([
      "--role",
      "plant_engineer",
      "--plants",
      "AAA,bbb",
      "--name",
      "zeek ingest",
    ]);
    assert.equal(code, 0, stderr);
    const lines = stdout.trimEnd().split("\n");
    const secret = lines.at(-1)!;
    assert.match(secret, /^stk_[A-Za-z0-9_-]{40,}$/);
    assert.ok(lines.length > 1, "a description comes before the token");
    assert.ok(!lines.slice(0, -1).join("\n").includes(secret), "the token is printed once");

    const stored = await test.db
      .selectFrom("api_token")
      .selectAll()
      .where("token_hash", "=", sha256(secret))
      .executeTakeFirstOrThrow();
    assert.equal(stored.name, "zeek ingest");
    assert.equal(stored.role, "plant_engineer");
    assert.equal(stored.prefix, secret.slice(0, 10));
    assert.equal(stored.created_by, null);
    const scope = await test.db
      .selectFrom("api_token_plant")
      .innerJoin("plant", "plant.id", "api_token_plant.plant_id")
      .select("plant.code")
      .where("token_id", "=", stored.id)
      .orderBy("plant.code")
      .execute();
    assert.deepEqual(
      scope.map((row) => row.code),
      ["AAA", "BBB"]
    );
    const [event] = await auditEvents("api_token.create", stored.id);
    assert.ok(event, "an audit event records the act");
    assert.equal(event.actor_label, "system (token:create command)");
    assert.equal(event.actor_person_id, null);
    assertNoSecrets(event);

    const listing = await (await getPage(adminCookie, "/admin")).text();
    assert.match(listing, /zeek ingest/);
    assert.match(listing, /by the system/);
  });

  it("refuses bad arguments with one line and exit 1, creating nothing", async () => {
    const countTokens = async () =>
      Number(
        (
          await test.db
            .selectFrom("api_token")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n
      );
    const before = await countTokens();
    const cases: Array<[string[], RegExp]> = [
      [
        ["--role", "overlord", "--name", "x"],
        /^Unknown role “overlord”: use one of program_lead, executive, plant_engineer, corporate_security, admin\.$/,
      ],
      [["--role", "executive", "--plants", "AAA,NOPE", "--name", "x"], /^--plants: No plant has the code NOPE\.$/],
      [["--role", "executive"], /^Missing --name/],
      [["--name", "x"], /^Missing --role/],
      [
        ["--role", "plant_engineer", "--name", "x"],
        /^--plants: Limit a plant engineer's token to at least one plant\.$/,
      ],
      [["--role", "executive", "--name", "x", "--colour", "blue"], /^Unknown option '--colour'/],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await runTokenCreate(args);
      assert.equal(code, 1, args.join(" "));
      assert.equal(stdout, "", args.join(" "));
      const lines = stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0]!, message);
    }
    assert.equal(await countTokens(), before);
  });
});

describe("the audit trail after all of the above", () => {
  it("is one unbroken chain", async () => {
    const verdict = await verifyAuditChain(test.db);
    assert.ok(verdict.ok, JSON.stringify(verdict));
    assert.ok(verdict.count > 10, `only ${verdict.count} events`);
  });
});
