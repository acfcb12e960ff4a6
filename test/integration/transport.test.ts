import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createFeedToken } from "../../app/models/calendar-feeds.server";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { tempDir } from "../support/database";
import { send } from "../support/http";
import { signInOverHttp, TEST_PASSWORD } from "../support/people";
import { runStart, startServer, type RunningServer } from "../support/server";

// How the server meets the network, through the real server: the address it listens on (HOST), whom it believes
// about the client's address and protocol (TRUST_PROXY), what it lets caches keep, HSTS over HTTPS, and the settings
// refused at start. Two servers: one with the defaults, one behind a trusted proxy on every address.

const dir = tempDir();
let plain: RunningServer;
let proxied: RunningServer;
let db: DB;
let lead: string;

before(async () => {
  [plain, proxied] = await Promise.all([
    startServer({ DATABASE_PATH: path.join(dir, "plain.db"), DEMO_PASSWORD: TEST_PASSWORD }),
    startServer({
      DATABASE_PATH: path.join(dir, "proxied.db"),
      DEMO_PASSWORD: TEST_PASSWORD,
      TRUST_PROXY: "loopback",
      HOST: "0.0.0.0",
      HSTS_MAX_AGE: "600",
    }),
  ]);
  db = openDatabase(path.join(dir, "plain.db"));
  lead = await signInOverHttp(plain.url, "lead@demo.test");
});

after(async () => {
  await db?.destroy();
  await Promise.all([plain?.stop(), proxied?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The local address a listening TCP port is bound to, from the kernel's table (hex, as /proc/net/tcp has it). */
function listeningAddress(url: string): string | undefined {
  const port = Number(new URL(url).port).toString(16).toUpperCase().padStart(4, "0");
  const rows = fs.readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1);
  return rows
    .map((row) => row.trim().split(/\s+/))
    .find((cells) => cells[1]?.endsWith(`:${port}`) && cells[3] === "0A")?.[1]
    ?.split(":")[0];
}

/** Whether a TCP connection to the address is accepted. */
function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function signInAttempt(url: string, email: string, forwardedFor: string | null, password = "not the password") {
  return fetch(`${url}/login`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: url,
      ...(forwardedFor ? { "X-Forwarded-For": forwardedFor } : {}),
    },
    body: new URLSearchParams({ email, password }),
    redirect: "manual",
  });
}

describe("HOST", () => {
  it("is the loopback address unless set: only this machine reaches the server, and the start says how to serve others", async () => {
    assert.equal(listeningAddress(plain.url), "0100007F", "listening on 127.0.0.1 only");
    assert.match(plain.output(), /serving http:\/\/localhost:\d+/);
    assert.match(plain.output(), /Only this machine can reach it; to serve others on the network, set HOST=0\.0\.0\.0/);
    const outside = Object.values(os.networkInterfaces())
      .flat()
      .find((address) => address && address.family === "IPv4" && !address.internal);
    if (outside) assert.equal(await connects(outside.address, Number(new URL(plain.url).port)), false);
  });

  it("HOST=0.0.0.0 serves every address of the machine", async () => {
    assert.equal(listeningAddress(proxied.url), "00000000");
    assert.match(proxied.output(), /It answers on every network address of this machine/);
    assert.equal((await fetch(`${proxied.url.replace("localhost", "127.0.0.1")}/healthz`)).status, 200);
  });
});

describe("TRUST_PROXY", () => {
  it("set: the sign-in throttle counts the client's address from X-Forwarded-For, so one address cannot lock out another", async () => {
    for (let i = 0; i < 20; i++) {
      const reply = await signInAttempt(proxied.url, `nobody${i}@demo.test`, "203.0.113.7");
      assert.equal(reply.status, 401, `attempt ${i + 1}`);
    }
    const throttled = await signInAttempt(proxied.url, "nobody@demo.test", "203.0.113.7");
    assert.equal(throttled.status, 429);
    const other = await signInAttempt(proxied.url, "lead@demo.test", "198.51.100.4", TEST_PASSWORD);
    assert.equal(other.status, 302, "another client behind the same proxy still signs in");
  });

  it("unset: X-Forwarded-For is ignored, and cannot be used to dodge the throttle", async () => {
    for (let i = 0; i < 20; i++) {
      const reply = await signInAttempt(plain.url, `nobody${i}@demo.test`, `203.0.113.${i + 1}`);
      assert.equal(reply.status, 401, `attempt ${i + 1}`);
    }
    const throttled = await signInAttempt(plain.url, "lead@demo.test", "198.51.100.4", TEST_PASSWORD);
    assert.equal(throttled.status, 429, "a new forwarded address is still the same client");
    const ips = await db.selectFrom("login_attempt").select("ip").distinct().execute();
    assert.deepEqual(
      ips.map((row) => row.ip),
      ["127.0.0.1"],
      "every attempt is recorded from the connecting address"
    );
    await db.deleteFrom("login_attempt").execute();
  });

  it("is refused at start, with one sentence, when it is not what Express's trust proxy takes", async () => {
    const { code, output } = await runStart({ DATABASE_PATH: path.join(dir, "bad.db"), TRUST_PROXY: "the proxy" });
    assert.equal(code, 1);
    assert.match(
      output.trim(),
      /^TRUST_PROXY must be true, false, the number of proxies in front of the server, or their addresses and subnets \(such as loopback or 10\.0\.0\.0\/8, comma-separated\), not “the proxy” \(.+\)\.$/
    );
  });
});

describe("settings refused at start", () => {
  it("HOST that is no address of this machine, and HSTS_MAX_AGE that is no number of seconds", async () => {
    const host = await runStart({ DATABASE_PATH: path.join(dir, "host.db"), HOST: "203.0.113.250" });
    assert.equal(host.code, 1);
    assert.match(
      host.output,
      /HOST 203\.0\.113\.250 is not an address of this machine; set HOST to one of its addresses/
    );
    const hsts = await runStart({ DATABASE_PATH: path.join(dir, "hsts.db"), HSTS_MAX_AGE: "a year" });
    assert.equal(hsts.code, 1);
    assert.match(hsts.output, /HSTS_MAX_AGE must be a whole number of seconds .*not “a year”/);
  });
});

describe("Strict-Transport-Security", () => {
  it("is sent with HSTS_MAX_AGE only on requests that came over HTTPS through a trusted proxy", async () => {
    const https = await fetch(`${proxied.url}/login`, { headers: { "X-Forwarded-Proto": "https" } });
    assert.equal(https.headers.get("strict-transport-security"), "max-age=600");
    const http = await fetch(`${proxied.url}/login`);
    assert.equal(http.headers.get("strict-transport-security"), null, "not over plain HTTP");
    const untrusted = await fetch(`${plain.url}/login`, { headers: { "X-Forwarded-Proto": "https" } });
    assert.equal(untrusted.headers.get("strict-transport-security"), null, "not on a claim nobody vouches for");
  });
});

describe("Cache-Control", () => {
  it("is private, no-store on everything for a session or a token: pages, API, CSV, calendar feeds, error pages", async () => {
    const person = await db
      .selectFrom("person")
      .select(["id", "name", "email"])
      .where("email", "=", "lead@demo.test")
      .executeTakeFirstOrThrow();
    const { token } = await createFeedToken(db, {
      kind: "person",
      personId: person.id,
      tokenId: null,
      name: person.name,
      email: person.email,
      role: "program_lead",
      label: person.name,
      assignedPlantIds: [],
      plantScope: null,
    });
    const problems: string[] = [];
    for (const address of [
      "/",
      "/plants/DAY",
      "/admin",
      "/api/plants",
      "/api/rollup",
      "/dashboard.csv",
      "/audit.csv",
      "/api/windows.ics",
      `/feeds/${token}/windows.ics`,
      "/no-such-page",
      "/plants/NOPE",
    ]) {
      const reply = await fetch(`${plain.url}${address}`, { headers: { Cookie: lead }, redirect: "manual" });
      const value = reply.headers.get("cache-control");
      if (value !== "private, no-store") problems.push(`${address} (${reply.status}): ${value}`);
    }
    assert.deepEqual(problems, []);
  });

  it("leaves static assets their caching", async () => {
    const html = await (await fetch(`${plain.url}/login`)).text();
    const asset = /href="(\/build\/[^"]+\.css)"/.exec(html)![1]!;
    assert.match((await fetch(`${plain.url}${asset}`)).headers.get("cache-control") ?? "", /immutable/);
    assert.equal((await fetch(`${plain.url}/favicon.svg`)).headers.get("cache-control"), "public, max-age=3600");
  });
});

describe("signing in over plain HTTP from another machine", () => {
  const host = "tracker.plant.example";
  const headers = () => ({ Host: `${host}:${new URL(plain.url).port}` });

  it("the sign-in page says the browser will not keep the session, and what to set", async () => {
    const page = await send(plain.url, { path: "/login", method: "GET", headers: headers() });
    assert.equal(page.status, 200);
    assert.match(page.text, /Signing in will bring you back to this page: this page came over plain HTTP/);
    assert.match(page.text, /Serve the tracker over HTTPS .*or set COOKIE_SECURE=false/);
    const local = await send(plain.url, { path: "/login", method: "GET" });
    assert.doesNotMatch(local.text, /plain HTTP/, "not on this machine's own name");
    const behindProxy = await send(proxied.url, {
      path: "/login",
      method: "GET",
      headers: { ...headers(), "X-Forwarded-Proto": "https" },
    });
    assert.doesNotMatch(behindProxy.text, /plain HTTP/, "not when a trusted proxy says the browser is on HTTPS");
  });

  it("a sign-in that succeeded comes back to say the browser did not keep the session, or goes on when it did", async () => {
    const origin = `http://${host}:${new URL(plain.url).port}`;
    const signIn = await send(plain.url, {
      path: "/login",
      headers: { ...headers(), Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
      body: Buffer.from(
        new URLSearchParams({ email: "lead@demo.test", password: TEST_PASSWORD, redirectTo: "/plants" }).toString()
      ),
    });
    assert.equal(signIn.status, 302);
    assert.equal(signIn.headers.location, "/login?session=check&redirectTo=%2Fplants");
    const cookie = String(signIn.headers["set-cookie"]).split(";")[0]!;

    const dropped = await send(plain.url, { path: signIn.headers.location, method: "GET", headers: headers() });
    assert.equal(dropped.status, 200);
    assert.match(dropped.text, /Your email and password were accepted, but your browser did not keep the session/);

    const kept = await send(plain.url, {
      path: signIn.headers.location,
      method: "GET",
      headers: { ...headers(), Cookie: cookie },
    });
    assert.equal(kept.status, 302);
    assert.equal(kept.headers.location, "/plants");
  });
});
