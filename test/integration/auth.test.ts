import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, it } from "node:test";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { sha256 } from "../../app/utils/crypto.server";
import { emptyDatabase, tempDir, type EmptyDatabase } from "../support/database";
import { createPerson, signInOverHttp, TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// Sign-in, sessions and request forgery, through the real server over HTTP.

const dir = tempDir();
let database: EmptyDatabase;
let server: RunningServer;
let db: DB;

before(async () => {
  database = await emptyDatabase(dir);
  server = await startServer({ ...database.env, DEMO_PASSWORD: TEST_PASSWORD });
  db = openDatabase(database.target);
});

after(async () => {
  await db?.destroy();
  await server?.stop();
  await database?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function postLogin(body: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url, ...headers },
    body: new URLSearchParams(body),
    redirect: "manual",
  });
}

describe("sign-in", () => {
  it("sets an httpOnly, SameSite=Lax, Secure session cookie and honours a local redirectTo", async () => {
    const response = await postLogin({ email: "LEAD@demo.test", password: TEST_PASSWORD, redirectTo: "/plants/DAY" });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get("location"), "/plants/DAY");
    const cookie = response.headers.get("set-cookie") ?? "";
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.match(cookie, /Secure/i);
  });

  it("ignores a redirectTo that leaves the site", async () => {
    for (const target of ["https://evil.example/", "//evil.example/", "/\\evil.example"]) {
      const response = await postLogin({ email: "lead@demo.test", password: TEST_PASSWORD, redirectTo: target });
      assert.equal(response.headers.get("location"), "/plants", `${target}: the lead's home`);
    }
  });

  it("answers a wrong password, an unknown user and a deactivated user with the same message", async () => {
    await createPerson(db, { email: "gone@demo.test", role: "executive", active: false });
    const messages = new Set<string>();
    for (const [email, password] of [
      ["exec@demo.test", "not the password"],
      ["nobody@demo.test", TEST_PASSWORD],
      ["gone@demo.test", TEST_PASSWORD],
    ] as const) {
      const response = await postLogin({ email, password });
      assert.equal(response.status, 401);
      assert.equal(response.headers.get("set-cookie"), null);
      const html = await response.text();
      messages.add(/role="alert"[^>]*>(?:<p>)?([^<]+)</.exec(html)?.[1] ?? "");
    }
    assert.deepEqual([...messages], ["That email and password do not match an active account."]);
  });

  it("refuses an empty form with 400 naming the fields", async () => {
    const response = await postLogin({ email: "", password: "" });
    assert.equal(response.status, 400);
    const html = await response.text();
    assert.match(html, /Enter your email address\./);
    assert.match(html, /Enter your password\./);
  });

  it("slows down repeated failures for one account, then tells how long to wait", async () => {
    await createPerson(db, { email: "target@demo.test", role: "executive" });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await postLogin({ email: "target@demo.test", password: `guess ${i}` })).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    const refused = await postLogin({ email: "target@demo.test", password: TEST_PASSWORD });
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get("retry-after")) > 0);
    assert.match(await refused.text(), /Too many failed sign-ins\. Wait \d+ seconds/);
    // Another account from the same address is not locked out by it.
    assert.equal((await postLogin({ email: "exec@demo.test", password: TEST_PASSWORD })).status, 302);
  });

  it("slows down many failures from one address across accounts", async () => {
    const address = { "X-Test-Ignored": "1" };
    let last = 0;
    for (let i = 0; i < 25 && last !== 429; i++)
      last = (await postLogin({ email: `spray${i}@demo.test`, password: "x" }, address)).status;
    assert.equal(last, 429);
    await db.deleteFrom("login_attempt").execute();
  });
});

describe("sessions", () => {
  it("rotates the session id at sign-in: a cookie from before sign-in is never promoted", async () => {
    const first = await signInOverHttp(server.url, "security@demo.test");
    const response = await postLogin({ email: "security@demo.test", password: TEST_PASSWORD }, { Cookie: first });
    const second = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
    assert.notEqual(second, first);
    const old = await fetch(`${server.url}/`, { headers: { Cookie: first }, redirect: "manual" });
    assert.equal(old.status, 302);
    assert.equal(old.headers.get("location"), "/login");
    const current = await fetch(`${server.url}/`, { headers: { Cookie: second }, redirect: "manual" });
    assert.equal(current.status, 302);
    assert.equal(current.headers.get("location"), "/me", "corporate security is sent to its queue");
  });

  it("stores only a hash of the session secret", async () => {
    const cookie = await signInOverHttp(server.url, "exec@demo.test");
    const secret = decodeURIComponent(cookie.split("=")[1]!);
    const value = JSON.parse(Buffer.from(secret, "base64").toString("utf8")) as string;
    const row = await db
      .selectFrom("session")
      .select("id_hash")
      .where("id_hash", "=", sha256(value))
      .executeTakeFirst();
    assert.ok(row);
    const plain = await db.selectFrom("session").select("id_hash").where("id_hash", "=", value).executeTakeFirst();
    assert.equal(plain, undefined);
  });

  it("signs out by revoking the session", async () => {
    const cookie = await signInOverHttp(server.url, "exec@demo.test");
    const out = await fetch(`${server.url}/logout`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: server.url },
      redirect: "manual",
    });
    assert.equal(out.status, 302);
    assert.match(out.headers.get("set-cookie") ?? "", /Max-Age=0/);
    const after = await fetch(`${server.url}/`, { headers: { Cookie: cookie }, redirect: "manual" });
    assert.equal(after.headers.get("location"), "/login");
  });

  it("does not honour an expired session", async () => {
    const cookie = await signInOverHttp(server.url, "eng.day@demo.test");
    await db
      .updateTable("session")
      .set({ expires_at: "2000-01-01T00:00:00.000Z" })
      .where("revoked_at", "is", null)
      .execute();
    const response = await fetch(`${server.url}/plants/DAY`, { headers: { Cookie: cookie }, redirect: "manual" });
    assert.equal(response.status, 302);
  });

  it("does not honour a forged cookie", async () => {
    const response = await fetch(`${server.url}/`, {
      headers: { Cookie: "tracker_session=Imxvb2tzLWxlZ2l0LWJ1dC1pcy1ub3Qi" },
      redirect: "manual",
    });
    assert.equal(response.status, 302);
  });
});

describe("cross-site requests", () => {
  it("refuses unsafe requests that a browser marks as cross-site, and changes nothing", async () => {
    const cookie = await signInOverHttp(server.url, "lead@demo.test");
    const before = await db
      .selectFrom("audit_event")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const attempts: Record<string, string>[] = [
      { Origin: "https://evil.example" },
      { "Sec-Fetch-Site": "cross-site" },
      { Origin: "null" },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${server.url}/plants/DAY`, {
        method: "POST",
        headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams({
          intent: "edit-split",
          text: "Forged text that tries to replace the ownership split of DAY.",
          revision: "1",
        }),
        redirect: "manual",
      });
      assert.equal(response.status, 403, JSON.stringify(headers));
    }
    const afterCount = await db
      .selectFrom("audit_event")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    assert.equal(Number(afterCount.n), Number(before.n));
    const same = await fetch(`${server.url}/plants/DAY`, {
      method: "POST",
      headers: {
        Cookie: cookie,
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: server.url,
        "Sec-Fetch-Site": "same-origin",
      },
      body: new URLSearchParams({
        intent: "edit-split",
        text: "Design and change control: plant engineering. Monitoring and incident response: corporate security.",
        revision: String(
          (
            await db
              .selectFrom("plant")
              .select("ownership_split_revision")
              .where("code", "=", "DAY")
              .executeTakeFirstOrThrow()
          ).ownership_split_revision
        ),
      }),
      redirect: "manual",
    });
    assert.equal(same.status, 302);
  });
});
