import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import fc from "fast-check";
import { createFeedToken } from "../../app/models/calendar-feeds.server";
import { closeDb, openDatabase } from "../../app/utils/db.server";
import { root } from "../../scripts/build";
import { tempDir, databaseEnv, testBackend, useAsProcessDatabase } from "../support/database";
import { fuzz, NASTY_STRINGS, textValue } from "../support/fuzz";
import { signInOverHttp, TEST_PASSWORD } from "../support/people";
import { freeConduits, pastWindow } from "../support/floor";
import { runScript, startServer, type RunningServer } from "../support/server";
import { intentsOf, loadRouteModules, routesDir, segmentsOf, type RouteModule, type Segment } from "../support/routes";

// Fuzzing over HTTP: random and malformed bodies posted to every action and every API endpoint of the real server,
// as nobody, as each demo role's session and with API tokens of each role, against the demo program. Whatever the
// input, the server never answers with a 5xx, and an answer that refuses the request (any 4xx, or being sent to
// sign in) leaves every table as it was.
//
// The endpoints are found the way the authorization matrix finds them: every module under app/routes is imported,
// those exporting an action are posted to (once per intent their action switches on, and once with a random
// intent), and every `api.*` module is called with its method. Addresses are built from the route file's name with
// real ids from the database and with made-up ones. Besides random bodies, the post forms each role's pages really
// show are read and posted again, a little changed, by everyone: that reaches the acts behind the validation.
//
// Writes are watched by triggers this test adds to the database once the server has migrated it: every insert,
// update and delete of any table lands in `fuzz_write`, except the sign-in throttle's attempts and a token's
// last-used time, which change on every use by design.
//
// The seed is fixed, so every run tries the same inputs; FUZZ_SEED=<n> tries others, and a failure prints the
// seed and path that replay it.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
useAsProcessDatabase(file);

/** Runs per (endpoint, intent, requester); small, so the whole file stays well within a minute and a half. */
const RUNS_PER_FORM = Number(process.env.FUZZ_RUNS ?? 6);
const RUNS_PER_API_POST = Number(process.env.FUZZ_RUNS ?? 8);
const RUNS_PER_API_GET = Number(process.env.FUZZ_RUNS ?? 3);
const RUNS_PER_PAGE_FORM = Number(process.env.FUZZ_RUNS ?? 3);

const SESSIONS = {
  program_lead: "lead@demo.test",
  executive: "exec@demo.test",
  plant_engineer_day: "eng.day@demo.test",
  plant_engineer_kok: "eng.kok@demo.test",
  corporate_security: "security@demo.test",
  admin: "admin@demo.test",
} as const;
type SessionActor = keyof typeof SESSIONS;

const TOKEN_ARGS = {
  program_lead: ["--role", "program_lead"],
  executive: ["--role", "executive"],
  plant_engineer_day: ["--role", "plant_engineer", "--plants", "DAY"],
  plant_engineer_kok: ["--role", "plant_engineer", "--plants", "KOK"],
  corporate_security: ["--role", "corporate_security"],
  admin: ["--role", "admin"],
  revoked: ["--role", "executive"],
} as const;
type TokenActor = keyof typeof TOKEN_ARGS | "forged";

type Who = { kind: "anonymous" } | { kind: "session"; actor: SessionActor } | { kind: "token"; actor: TokenActor };

function describeWho(who: Who): string {
  return who.kind === "anonymous" ? "anonymous" : `${who.kind}:${who.actor}`;
}

let server: RunningServer;
let raw: Database.Database;
const cookies = {} as Record<SessionActor, string>;
const bearer = {} as Record<TokenActor, string>;

// ——— real ids and values from the database ———

const INVALID_IDS = ["0", "-1", "999999999", "1e3", "1.5", "abc", " 1", "%F0%9F%92%A5", "9".repeat(40), "%00", "null"];
let tableIds: Record<string, string[]> = {};
/** DAY's first row of each table that belongs to a plant: where the pages with forms are read. */
const dayIds: Record<string, string> = {};
let plantCodes: string[] = [];
let feedTokens: string[] = [];
let fieldNames: string[] = [];
let fieldValues: string[] = [];

function singular(word: string): string {
  return word.replace(/ies$/, "y").replace(/s$/, "");
}

/** The table an id parameter or field most likely names: `conduitId` → conduit, `:id` after `conduits` → conduit. */
function tableFor(name: string, after = ""): string | null {
  const stem = (name === "id" ? singular(after) : name.replace(/Ids?$/, ""))
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
  if (!stem) return null;
  const tables = Object.keys(tableIds);
  return tables.find((t) => t === stem) ?? tables.find((t) => t.endsWith(`_${stem}`)) ?? null;
}

/** Values for a parameter of the address: real ones, and made-up ones. */
function paramValues(segment: Extract<Segment, { kind: "param" }>): { real: string[]; madeUp: string[] } {
  if (segment.name === "*")
    return { real: [], madeUp: ["no-such-endpoint", "plants/DAY/x", "%2e%2e/%2e%2e/admin", "💥", "a".repeat(2000)] };
  if (segment.name === "code") return { real: plantCodes, madeUp: ["day", "ZZZ", "%00", "💥", "D".repeat(300)] };
  if (segment.name === "token") return { real: feedTokens, madeUp: [`stf_${"A".repeat(43)}`, "stf_", "x", "%ff"] };
  const table = tableFor(segment.name, segment.after);
  return { real: table ? tableIds[table]! : [], madeUp: INVALID_IDS };
}

function readVocabulary(): void {
  const names = new Set<string>(["intent", "_data", "__proto__", "constructor", "hasOwnProperty", "toString"]);
  const values = new Set<string>();
  const visit = (entry: string) => {
    if (fs.statSync(entry).isDirectory()) {
      for (const child of fs.readdirSync(entry)) visit(path.join(entry, child));
      return;
    }
    if (!/\.tsx?$/.test(entry)) return;
    const source = fs.readFileSync(entry, "utf8");
    for (const match of source.matchAll(/name="([A-Za-z][\w-]*)"/g)) names.add(match[1]!);
    for (const match of source.matchAll(/\b([a-zA-Z]\w*): z\b/g)) names.add(match[1]!);
    for (const match of source.matchAll(/\.get\("([A-Za-z]\w*)"\)/g)) names.add(match[1]!);
    // Snake-case words in quotes are the vocabulary's stored values (roles, kinds, statuses, parts).
    for (const match of source.matchAll(/"([a-z]+(?:_[a-z]+)+)"/g)) values.add(match[1]!);
    for (const match of source.matchAll(/"([A-Z]{2,5}-[A-Z0-9-]+)"/g)) values.add(match[1]!);
  };
  visit(path.join(root, "app"));
  fieldNames = [...names].sort();
  fieldValues = [
    ...values,
    ...Object.values(tableIds).flat(),
    ...plantCodes,
    "on",
    "off",
    "true",
    "false",
    "lead@demo.test",
    "fuzz@demo.test",
    "a".repeat(64),
  ];
}

// ——— what changed ———

/** Tables whose rows change on every use by design: the sign-in throttle's record of attempts. */
const UNWATCHED_TABLES = new Set(["login_attempt", "fuzz_write"]);
/** Columns that change on every use by design: when a token was last used. */
const UNWATCHED_COLUMNS: Record<string, string[]> = { api_token: ["last_used_at"] };

function watchWrites(): void {
  raw.exec("create table if not exists fuzz_write (id integer primary key, tbl text not null, op text not null)");
  const tables = raw
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
    .pluck()
    .all() as string[];
  for (const table of tables) {
    if (UNWATCHED_TABLES.has(table)) continue;
    const columns = (raw.prepare(`select name from pragma_table_info(?)`).pluck().all(table) as string[]).filter(
      (column) => !(UNWATCHED_COLUMNS[table] ?? []).includes(column)
    );
    const quoted = `"${table.replace(/"/g, '""')}"`;
    const log = (op: string) => `insert into fuzz_write (tbl, op) values ('${table.replace(/'/g, "''")}', '${op}');`;
    raw.exec(`create trigger "fuzz_${table}_insert" after insert on ${quoted} begin ${log("insert")} end`);
    raw.exec(`create trigger "fuzz_${table}_delete" after delete on ${quoted} begin ${log("delete")} end`);
    raw.exec(
      `create trigger "fuzz_${table}_update" after update of ${columns
        .map((c) => `"${c}"`)
        .join(", ")} on ${quoted} begin ${log("update")} end`
    );
  }
}

function writeMark(): number {
  return Number(raw.prepare("select ifnull(max(id), 0) from fuzz_write").pluck().get());
}

function writesSince(mark: number): string[] {
  return (
    raw.prepare("select op || ' ' || tbl from fuzz_write where id > ? group by tbl, op").pluck().all(mark) as string[]
  ).sort();
}

// ——— keeping the requesters usable ———
// Allowed fuzzing may deactivate an account, reset a password, revoke a token or sign a session out: a real
// program lead or admin may do all of that. Between properties the fixture is put back so every requester keeps
// being who it claims to be.

const sessionHashes = {} as Record<SessionActor, string>;
let savedPeople: { id: number; email: string; active: number; password_hash: string | null; role: string }[] = [];
let savedAssignments: { person_id: number; plant_id: number }[] = [];
const liveTokenIds: number[] = [];

async function signInAs(actor: SessionActor): Promise<void> {
  cookies[actor] = await signInOverHttp(server.url, SESSIONS[actor]);
  const personId = raw.prepare("select id from person where email = ?").pluck().get(SESSIONS[actor]) as number;
  sessionHashes[actor] = raw
    .prepare("select id_hash from session where person_id = ? order by rowid desc limit 1")
    .pluck()
    .get(personId) as string;
}

async function restoreFixture(): Promise<void> {
  raw.exec("delete from login_attempt");
  const put = raw.prepare("update person set email = ?, active = ?, password_hash = ?, role = ? where id = ?");
  for (const person of savedPeople) put.run(person.email, person.active, person.password_hash, person.role, person.id);
  const demoPeople = savedPeople.map((person) => person.id);
  raw
    .prepare(`delete from person_plant where person_id in (${demoPeople.map(() => "?").join(",")})`)
    .run(...demoPeople);
  const assign = raw.prepare("insert into person_plant (person_id, plant_id) values (?, ?)");
  for (const row of savedAssignments) assign.run(row.person_id, row.plant_id);
  raw
    .prepare(`update api_token set revoked_at = null where id in (${liveTokenIds.map(() => "?").join(",")})`)
    .run(...liveTokenIds);
  for (const actor of Object.keys(SESSIONS) as SessionActor[]) {
    const live = raw
      .prepare("select 1 from session where id_hash = ? and revoked_at is null")
      .pluck()
      .get(sessionHashes[actor]);
    if (!live) await signInAs(actor);
  }
}

// ——— requests ———

interface Body {
  /** How the body was made, for the failure message. */
  shape: string;
  body?: string | FormData;
  contentType?: string;
}

interface Attempt {
  method: "GET" | "POST";
  path: string;
  who: Who;
  body: Body;
}

interface Reply {
  status: number;
  location: string | null;
  text: string;
}

/**
 * Sends the attempt on a connection of its own: a server may answer a refused request before reading its body and
 * then close the connection, which would fail the next request on a shared keep-alive connection.
 */
async function send(attempt: Attempt): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (attempt.who.kind === "session") headers.Cookie = cookies[attempt.who.actor];
  if (attempt.who.kind === "token") headers.Authorization = `Bearer ${bearer[attempt.who.actor]}`;
  if (attempt.method === "POST") headers.Origin = server.url;
  let payload: Buffer | undefined;
  if (attempt.body.body instanceof FormData) {
    const encoded = new Response(attempt.body.body);
    headers["Content-Type"] = encoded.headers.get("Content-Type")!;
    payload = Buffer.from(await encoded.arrayBuffer());
  } else if (attempt.body.body !== undefined) {
    payload = Buffer.from(attempt.body.body, "utf8");
  }
  if (attempt.body.contentType) headers["Content-Type"] = attempt.body.contentType;
  if (payload) headers["Content-Length"] = String(payload.length);
  const url = new URL(server.url);
  return new Promise<Reply>((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, path: attempt.path, method: attempt.method, headers, agent: false },
      (response) => {
        response.setEncoding("utf8");
        let text = "";
        response.on("data", (chunk: string) => (text += chunk));
        response.on("error", reject);
        response.on("end", () => {
          const location = response.headers.location;
          resolve({ status: response.statusCode ?? 0, location: location ?? null, text });
        });
      }
    );
    // Writing may fail once the server has answered and closed; the answer is what counts.
    request.on("error", (error) => setTimeout(() => reject(error), 50));
    request.end(payload);
  });
}

function snippet(text: string): string {
  const main = /<main[^>]*>([\s\S]*?)<\/main>/.exec(text)?.[1] ?? text;
  return main
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 400);
}

function shown(attempt: Attempt): string {
  const body = attempt.body.body;
  const text =
    body === undefined
      ? "(none)"
      : typeof body === "string"
      ? JSON.stringify(body.length > 600 ? `${body.slice(0, 600)}… (${body.length} characters)` : body)
      : JSON.stringify([...body.entries()].map(([k, v]) => [k, String(v).slice(0, 200)]));
  return `${attempt.method} ${attempt.path} as ${describeWho(attempt.who)}, ${attempt.body.shape} body (${
    attempt.body.contentType ?? "no content type"
  }): ${text}`;
}

/** How often each status was answered, and how many requests wrote, for the test's diagnostics. */
const statuses = new Map<number, number>();
let wrote = 0;

function tally(): string {
  const text = [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}×${n}`)
    .join(" ");
  statuses.clear();
  const writes = wrote;
  wrote = 0;
  return `answers: ${text}; ${writes} request(s) were allowed to change something`;
}

/** Sends the attempt and throws, naming the input and the answer, when the server fails or a refusal wrote. */
async function judge(attempt: Attempt): Promise<void> {
  const mark = writeMark();
  let reply: Reply;
  try {
    reply = await send(attempt);
    statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
  } catch (error) {
    throw new Error(
      `no answer (${String(error)}: ${String((error as Error).cause)}) for ${shown(
        attempt
      )}\nthe server's last words: ${server.output().slice(-2000)}`
    );
  }
  if (reply.status >= 500) {
    throw new Error(`server error ${reply.status} for ${shown(attempt)}\nanswer: ${snippet(reply.text)}`);
  }
  // Being sent to sign in refuses whoever has no session; with a session it is also where signing out leads.
  const sentToSignIn =
    attempt.who.kind !== "session" &&
    reply.status >= 300 &&
    reply.status < 400 &&
    /^(https?:\/\/[^/]+)?\/login/.test(reply.location ?? "");
  const writes = writesSince(mark);
  if (writes.length > 0) wrote++;
  if (reply.status >= 400 || sentToSignIn) {
    if (writes.length > 0) {
      throw new Error(
        `refused with ${reply.status} but wrote (${writes.join(", ")}) for ${shown(attempt)}\nanswer: ${snippet(
          reply.text
        )}`
      );
    }
  }
}

// ——— bodies ———

function valueArb(): fc.Arbitrary<string> {
  return textValue(fieldValues);
}

function nameArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...fieldNames) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
    { weight: 1, arbitrary: fc.constantFrom(...NASTY_STRINGS.slice(0, 20)) }
  );
}

const fieldsArb = (intent: fc.Arbitrary<string | null>) =>
  fc
    .tuple(intent, fc.array(fc.tuple(nameArb(), valueArb()), { maxLength: 12 }), fc.boolean())
    .map(([value, pairs, duplicateIntent]) => {
      const all: [string, string][] = value === null ? [] : [["intent", value]];
      all.push(...pairs);
      if (duplicateIntent && value !== null) all.push(["intent", "💥"]);
      return all;
    });

/** A form body in one of the ways a browser, a script or an attacker might send it. */
function formBodyArb(intent: fc.Arbitrary<string | null>): fc.Arbitrary<Body> {
  const urlencoded = fieldsArb(intent).map(
    (pairs): Body => ({
      shape: "form",
      body: new URLSearchParams(pairs).toString(),
      contentType: "application/x-www-form-urlencoded",
    })
  );
  const multipart = fieldsArb(intent).map((pairs): Body => {
    const form = new FormData();
    for (const [name, value] of pairs) form.append(name, value);
    return { shape: "multipart", body: form };
  });
  const malformed = fc
    .tuple(
      intent,
      fc.constantFrom(
        "%zz=%E0%A4%A",
        "&&==&=",
        "a=1&a=2&a[]=3&a[b]=4",
        "=",
        "%",
        "x".repeat(200_000),
        "\u0000=\u0000",
        "intent"
      )
    )
    .map(
      ([value, tail]): Body => ({
        shape: "malformed form",
        body: `${value === null ? "" : `intent=${encodeURIComponent(value)}&`}${tail}`,
        contentType: "application/x-www-form-urlencoded",
      })
    );
  const wrongType = fc
    .tuple(
      fieldsArb(intent),
      fc.constantFrom(
        "application/json",
        "text/plain",
        "application/xml",
        "multipart/form-data",
        "garbage/x-unknown; charset=nonsense"
      )
    )
    .map(
      ([pairs, contentType]): Body => ({
        shape: "form with the wrong content type",
        body:
          contentType === "application/json"
            ? JSON.stringify(Object.fromEntries(pairs))
            : new URLSearchParams(pairs).toString(),
        contentType,
      })
    );
  const empty = fc.constantFrom<Body>(
    { shape: "empty", body: "", contentType: "application/x-www-form-urlencoded" },
    { shape: "empty", body: undefined, contentType: undefined },
    { shape: "empty multipart", body: "", contentType: "multipart/form-data; boundary=x" }
  );
  return fc.oneof(
    { weight: 8, arbitrary: urlencoded },
    { weight: 2, arbitrary: multipart },
    { weight: 1, arbitrary: malformed },
    { weight: 1, arbitrary: wrongType },
    { weight: 1, arbitrary: empty }
  );
}

function deep(depth: number, kind: "array" | "object"): string {
  return kind === "array"
    ? `${"[".repeat(depth)}${"]".repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

/** A JSON value of the wrong type, or the right one with a wrong value. */
function jsonValueArb(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: valueArb() },
    {
      weight: 2,
      arbitrary: fc.constantFrom<unknown>(
        0,
        -1,
        1.5,
        1e308,
        -1e308,
        Number.MAX_SAFE_INTEGER + 2,
        true,
        false,
        null,
        [],
        {},
        [1, 2],
        { date: "2026-02-30", time: "25:00" },
        { date: "2026-03-29", time: "02:30" },
        { date: "2026-10-25", time: "02:30", offset: "+99:99" },
        { date: 1, time: null }
      ),
    },
    { weight: 2, arbitrary: fc.integer().map((n) => n) },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }
  );
}

function jsonBodyArb(): fc.Arbitrary<Body> {
  const plausible = fc.array(fc.tuple(nameArb(), jsonValueArb()), { maxLength: 10 }).map(
    (pairs): Body => ({
      shape: "JSON object",
      body: JSON.stringify(Object.fromEntries(pairs)),
      contentType: "application/json",
    })
  );
  const anyJson = fc
    .jsonValue({ maxDepth: 4 })
    .map((value): Body => ({ shape: "JSON", body: JSON.stringify(value), contentType: "application/json" }));
  const malformed = fc
    .oneof(
      fc.constantFrom(
        "{",
        '{"a":}',
        "[1,]",
        "\u0000",
        "{'a': 1}",
        "NaN",
        '{"a": 1}}',
        '"unterminated',
        deep(100_000, "array"),
        deep(20_000, "object"),
        `{"title": "${"x".repeat(300_000)}"}`
      ),
      fc.string({ maxLength: 50 })
    )
    .map((body): Body => ({ shape: "malformed JSON", body, contentType: "application/json" }));
  const wrongType = fc
    .tuple(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(undefined, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16")
    )
    .map(
      ([value, contentType]): Body => ({
        shape: "JSON with the wrong content type",
        body: JSON.stringify(value),
        contentType,
      })
    );
  const form = fieldsArb(fc.constant(null)).map(
    (pairs): Body => ({
      shape: "form to the API",
      body: new URLSearchParams(pairs).toString(),
      contentType: "application/x-www-form-urlencoded",
    })
  );
  const empty = fc.constantFrom<Body>(
    { shape: "empty", body: "", contentType: "application/json" },
    { shape: "empty", body: undefined, contentType: undefined }
  );
  return fc.oneof(
    { weight: 6, arbitrary: plausible },
    { weight: 2, arbitrary: anyJson },
    { weight: 2, arbitrary: malformed },
    { weight: 1, arbitrary: wrongType },
    { weight: 1, arbitrary: form },
    { weight: 1, arbitrary: empty }
  );
}

/** A query string of list parameters and made-up ones. */
function queryArb(): fc.Arbitrary<string> {
  return fc
    .array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom("at", "from", "to", "sort", "dir", "page", "q", "kind", "view", "month", "phase", "plant"),
          nameArb()
        ),
        valueArb()
      ),
      { maxLength: 5 }
    )
    .map((pairs) => (pairs.length === 0 ? "" : `?${new URLSearchParams(pairs).toString()}`));
}

function realOrMadeUp(values: { real: string[]; madeUp: string[] }): string[] {
  return values.real.length > 0 ? values.real : values.madeUp;
}

/** An address for the route: each parameter a real value or a made-up one. */
function pathArb(segments: Segment[], options: { data?: boolean } = {}): fc.Arbitrary<string> {
  const parts = segments.map((segment) =>
    segment.kind === "static"
      ? fc.constant(segment.text)
      : fc
          .oneof(
            { weight: 3, arbitrary: fc.constantFrom(...realOrMadeUp(paramValues(segment))) },
            { weight: 1, arbitrary: fc.constantFrom(...paramValues(segment).madeUp) }
          )
          .map((value) => `${/%[0-9A-Fa-f]{2}/.test(value) ? value : encodeURIComponent(value)}${segment.suffix}`)
  );
  const base = parts.length === 0 ? fc.constant([] as string[]) : fc.tuple(...parts);
  return fc
    .tuple(base, options.data ? fc.boolean() : fc.constant(false))
    .map(([values, data]) => `/${values.join("/")}${data ? ".data" : ""}`.replace(/^\/\.data$/, "/_root.data"));
}

// ——— the forms the pages really show ———
// Random bodies mostly meet validation. To reach the acts behind it, the forms each role's pages render are read
// (every post form with its fields as the browser would send them) and posted again changed a little, by everyone.

interface PageForm {
  /** Where the form posts, and the page it was found on. */
  action: string;
  page: string;
  fields: [string, string][];
}

function decodeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function attributes(tag: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of tag.matchAll(/([\w-]+)(?:="([^"]*)")?/g))
    found[match[1]!.toLowerCase()] = decodeHtml(match[2] ?? "");
  return found;
}

/** The post forms of an HTML page, each with the fields a browser would submit. */
function formsOf(html: string, page: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const form = attributes(match[1]!);
    if ((form.method ?? "get").toLowerCase() !== "post") continue;
    const fields: [string, string][] = [];
    for (const control of match[2]!.matchAll(/<(input|select|textarea)\b([^>]*)>([\s\S]*?<\/(?:select|textarea)>)?/g)) {
      const attrs = attributes(control[2]!);
      if (!attrs.name) continue;
      if (control[1] === "input") {
        if ((attrs.type === "checkbox" || attrs.type === "radio") && !("checked" in attrs)) continue;
        if (attrs.type === "submit" || attrs.type === "button") continue;
        fields.push([attrs.name, attrs.value ?? ""]);
      } else if (control[1] === "select") {
        const options = [...(control[3] ?? "").matchAll(/<option\b([^>]*)>([^<]*)/g)].map((o) => ({
          attrs: attributes(o[1]!),
          text: decodeHtml(o[2]!),
        }));
        const chosen =
          options.find((o) => "selected" in o.attrs) ?? options.find((o) => o.attrs.value !== "") ?? options[0];
        if (chosen) fields.push([attrs.name, chosen.attrs.value ?? chosen.text]);
      } else {
        fields.push([attrs.name, decodeHtml((control[3] ?? "").replace(/<\/textarea>$/, ""))]);
      }
    }
    for (const button of match[2]!.matchAll(/<button\b([^>]*)>/g)) {
      const attrs = attributes(button[1]!);
      if (attrs.name && (attrs.type ?? "submit") === "submit") fields.push([attrs.name, attrs.value ?? ""]);
    }
    const action = form.action ? new URL(form.action, `${server.url}${page}`) : new URL(page, server.url);
    forms.push({ action: `${action.pathname}${action.search}`, page, fields });
  }
  return forms;
}

/** The address of a route module with DAY's first rows for its ids. */
function realAddress(segments: Segment[]): string | null {
  const parts: string[] = [];
  for (const segment of segments) {
    if (segment.kind === "static") parts.push(segment.text);
    else if (segment.name === "code") parts.push(`DAY${segment.suffix}`);
    else {
      const table = tableFor(segment.name, segment.after);
      const id = table ? dayIds[table] ?? tableIds[table]?.[0] : undefined;
      if (id === undefined) return null;
      parts.push(`${id}${segment.suffix}`);
    }
  }
  return `/${parts.join("/")}`;
}

/** Every post form on the pages of the action routes, as each role's pages show them; one of each kind. */
async function harvestForms(): Promise<PageForm[]> {
  const byKind = new Map<string, PageForm>();
  for (const module of modules.filter((m) => m.exports.includes("action") && m.exports.includes("loader"))) {
    if (module.file.startsWith("api.")) continue;
    const page = realAddress(segmentsOf(module.file));
    if (!page) continue;
    for (const actor of SESSION_ACTORS) {
      const reply = await send({ method: "GET", path: page, who: { kind: "session", actor }, body: { shape: "no" } });
      if (reply.status !== 200) continue;
      for (const form of formsOf(reply.text, page)) {
        const intent = form.fields.find(([name]) => name === "intent")?.[1] ?? "";
        const kind = `${form.action.split("?")[0]} ${intent} ${form.fields
          .map(([name]) => name)
          .sort()
          .join(",")}`;
        if (!byKind.has(kind)) byKind.set(kind, form);
      }
    }
  }
  return [...byKind.values()];
}

/** The form's fields, perhaps changed: a value replaced, a field dropped, added or sent twice. */
function nearFormArb(form: PageForm): fc.Arbitrary<Body> {
  const change = fc.oneof(
    fc.constant({ how: "as shown" as const }),
    fc.record({ how: fc.constant("replace" as const), at: fc.nat(), value: valueArb() }),
    fc.record({ how: fc.constant("drop" as const), at: fc.nat() }),
    fc.record({ how: fc.constant("add" as const), name: nameArb(), value: valueArb() }),
    fc.record({ how: fc.constant("twice" as const), at: fc.nat(), value: valueArb() })
  );
  return fc.array(change, { minLength: 1, maxLength: 3 }).map((changes): Body => {
    const fields = form.fields.map(([name, value]): [string, string] => [name, value]);
    const said: string[] = [];
    for (const c of changes) {
      const i = "at" in c && fields.length > 0 ? c.at % fields.length : 0;
      if (c.how === "replace" && fields[i]) fields[i] = [fields[i][0], c.value];
      else if (c.how === "drop") fields.splice(i, 1);
      else if (c.how === "add") fields.push([c.name, c.value]);
      else if (c.how === "twice" && fields[i]) fields.push([fields[i][0], c.value]);
      said.push(c.how === "as shown" ? c.how : `${c.how} ${"at" in c ? fields[i]?.[0] ?? "" : c.name}`);
    }
    return {
      shape: `the form on ${form.page} (${said.join(", ")})`,
      body: new URLSearchParams(fields).toString(),
      contentType: "application/x-www-form-urlencoded",
    };
  });
}

// ——— setup ———

async function createToken(name: string, args: readonly string[]): Promise<string> {
  const result = await runScript("scripts/token-create.ts", [...args, "--name", name], { ...databaseEnv(file) });
  if (result.status !== 0) throw new Error(`token:create ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout.trim().split("\n").at(-1)!;
}

let modules: RouteModule[] = [];

// ——— the tests ———

const SESSION_ACTORS = Object.keys(SESSIONS) as SessionActor[];
const TOKEN_ACTORS = [...(Object.keys(TOKEN_ARGS) as TokenActor[]), "forged" as const];

function requesters(api: boolean): Who[] {
  return [
    { kind: "anonymous" },
    ...SESSION_ACTORS.map((actor): Who => ({ kind: "session", actor })),
    // Outside /api a bearer token counts for nothing; one is enough to show it.
    ...(api ? TOKEN_ACTORS : (["program_lead"] as TokenActor[])).map((actor): Who => ({ kind: "token", actor })),
  ];
}

// The writes are watched by SQLite triggers on a database of the test's own, whichever backend the suite runs on:
// the fuzzing is defined for the SQLite run alone, rather than done twice over the same engine.
if (testBackend === "sqlite") {
  describe("fuzzing every action and API endpoint over HTTP", () => {
    before(async () => {
      // No notification worker: its own writes in the background would read as a refused request's.
      server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD, NOTIFY: "off" });
      raw = new Database(file);
      raw.pragma("busy_timeout = 5000");
      modules = await loadRouteModules();

      const kinds = Object.keys(TOKEN_ARGS) as (keyof typeof TOKEN_ARGS)[];
      // One at a time: each is its own process writing to the database.
      for (const kind of kinds) bearer[kind] = await createToken(`fuzz-${kind}`, TOKEN_ARGS[kind]);
      bearer.forged = `stk_${"A".repeat(43)}`;
      raw.prepare("update api_token set revoked_at = ? where name = 'fuzz-revoked'").run(new Date().toISOString());
      for (const kind of kinds) {
        if (kind !== "revoked")
          liveTokenIds.push(
            raw.prepare("select id from api_token where name = ?").pluck().get(`fuzz-${kind}`) as number
          );
      }

      for (const actor of Object.keys(SESSIONS) as SessionActor[]) await signInAs(actor);

      const lead = raw.prepare("select id, name, email from person where email = ?").get(SESSIONS.program_lead) as {
        id: number;
        name: string;
        email: string;
      };
      const db = openDatabase(file);
      try {
        const feed = await createFeedToken(db, {
          kind: "person",
          personId: lead.id,
          tokenId: null,
          name: lead.name,
          email: lead.email,
          role: "program_lead",
          label: lead.name,
          assignedPlantIds: [],
          plantScope: null,
        });
        feedTokens = [feed.token];
        // The floor's forms: a DAY change whose window has ended (its outcome form) and a DAY stop (its review forms).
        const [conduit] = await freeConduits(db, "DAY", 1);
        const past = await pastWindow(db, "DAY", 8, [{ title: "Fuzzed cutover", conduitId: conduit!.id }]);
        await db
          .insertInto("production_stop")
          .values({
            plant_id: past.plantId,
            zone_id: null,
            line: "Line 9",
            started_at: past.endsAt,
            minutes_lost: 5,
            change_id: past.changes[0]!,
            ticket: null,
            description: "A stop for the fuzzer's forms.",
            cause: "suspected",
            review: "Written, so that its sign forms show.",
            review_revision: 1,
            recorded_by: lead.id,
            created_at: past.endsAt,
            updated_at: past.endsAt,
          })
          .execute();
      } finally {
        await db.destroy();
      }

      // A few real ids of every table: the first, the last and one from the middle, DAY's and KOK's first.
      const tables = raw
        .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
        .pluck()
        .all() as string[];
      tableIds = {};
      for (const table of tables) {
        const columns = raw.prepare("select name from pragma_table_info(?)").pluck().all(table) as string[];
        if (!columns.includes("id")) continue;
        const quoted = `"${table}"`;
        const picks = raw
          .prepare(
            `select distinct id from (
           select min(id) as id from ${quoted} union all select max(id) from ${quoted}
           union all select id from ${quoted} order by id limit 1 offset (select count(*) / 2 from ${quoted}))`
          )
          .pluck()
          .all()
          .filter((id) => id !== null)
          .map(String);
        if (columns.includes("plant_id")) {
          for (const code of ["DAY", "KOK"]) {
            const id = raw
              .prepare(`select min(t.id) from ${quoted} t join plant p on p.id = t.plant_id where p.code = ?`)
              .pluck()
              .get(code);
            if (id !== null && id !== undefined) picks.push(String(id));
            if (id !== null && id !== undefined && code === "DAY") dayIds[table] = String(id);
          }
        }
        tableIds[table] = [...new Set(picks)];
      }
      plantCodes = [
        "DAY",
        "KOK",
        ...(raw.prepare("select code from plant order by id limit 2").pluck().all() as string[]),
      ];
      plantCodes = [...new Set(plantCodes)];
      readVocabulary();

      savedPeople = raw
        .prepare("select id, email, active, password_hash, role from person")
        .all() as typeof savedPeople;
      savedAssignments = raw.prepare("select person_id, plant_id from person_plant").all() as typeof savedAssignments;
      watchWrites();
    });

    after(async () => {
      raw?.close();
      await closeDb();
      await server?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("finds the endpoints in app/routes", () => {
      assert.ok(modules.length > 10, `the route modules are found in ${routesDir}`);
      assert.ok(
        modules.some((m) => m.exports.includes("action") && intentsOf(m.source).length > 0),
        "some actions switch on intents"
      );
      assert.ok(
        modules.some((m) => m.file.startsWith("api.")),
        "the API's modules are found"
      );
      assert.ok(writeMark() === 0 && writesSince(0).length === 0, "nothing is written before the fuzzing starts");
    });

    it("notices a write to any table", () => {
      const mark = writeMark();
      const write = raw.transaction(() => {
        raw.prepare("update plant set name = name where code = 'DAY'").run();
        raw.prepare("update api_token set last_used_at = last_used_at").run();
        return writesSince(mark);
      });
      assert.deepEqual(write(), ["update plant"], "an update of a plant is seen, a token's last use is not");
      raw.prepare("delete from fuzz_write where id > ?").run(mark);
    });

    it("refuses a post to a page whose body is no form (found by fuzzing) with 415 or 400, writing nothing", async () => {
      const cases: { attempt: Attempt; status: number }[] = [
        {
          attempt: {
            method: "POST",
            path: "/admin.data",
            who: { kind: "session", actor: "admin" },
            body: { shape: "JSON", body: '{"intent":"create-token"}', contentType: "application/json" },
          },
          status: 415,
        },
        {
          // The address resolves to /admin: the API's JSON reaches a page's action.
          attempt: {
            method: "POST",
            path: "/api/%2e%2e/%2e%2e/admin",
            who: { kind: "session", actor: "admin" },
            body: { shape: "JSON", body: "{}", contentType: "application/json" },
          },
          status: 415,
        },
        {
          attempt: {
            method: "POST",
            path: "/plants/DAY",
            who: { kind: "session", actor: "program_lead" },
            body: { shape: "broken multipart", body: "", contentType: "multipart/form-data; boundary=x" },
          },
          status: 400,
        },
        {
          // No body at all is an empty form, which the action refuses for what it lacks.
          attempt: { method: "POST", path: "/admin", who: { kind: "session", actor: "admin" }, body: { shape: "no" } },
          status: 400,
        },
      ];
      for (const { attempt, status } of cases) {
        const mark = writeMark();
        const reply = await send(attempt);
        assert.equal(reply.status, status, `${shown(attempt)}: ${snippet(reply.text)}`);
        assert.deepEqual(writesSince(mark), [], `${shown(attempt)} wrote nothing`);
      }
    });

    it("never answers a form post to an action with a 5xx, and a refused post writes nothing", async (t) => {
      for (const module of modules.filter((m) => m.exports.includes("action") && !m.file.startsWith("api."))) {
        const segments = segmentsOf(module.file);
        const intents = intentsOf(module.source);
        const targets: (string | null)[] = [...intents, null];
        for (const target of targets) {
          const intent: fc.Arbitrary<string | null> =
            target === null
              ? fc.oneof(
                  fc.constant(null),
                  valueArb(),
                  fc.constantFrom(...(intents.length ? intents : ["x"])).map((i) => `${i} `)
                )
              : fc.constant(target);
          for (const who of requesters(false)) {
            await fuzz(
              `POST ${module.file} ${target ?? "(random intent)"} as ${describeWho(who)}`,
              RUNS_PER_FORM,
              fc.asyncProperty(pathArb(segments, { data: true }), formBodyArb(intent), async (pathname, body) => {
                await judge({ method: "POST", path: pathname, who, body });
              })
            );
          }
          await restoreFixture();
        }
      }
      t.diagnostic(tally());
    });

    it("never answers the forms the pages show, a little changed, with a 5xx, and a refused one writes nothing", async (t) => {
      const forms = await harvestForms();
      const intents = new Set(
        forms.map((form) => form.fields.find(([name]) => name === "intent")?.[1]).filter(Boolean)
      );
      assert.ok(
        forms.length >= 10 && intents.size >= 10,
        `the pages show many forms (${forms.length}, ${intents.size} intents)`
      );
      for (const form of forms) {
        const intent = form.fields.find(([name]) => name === "intent")?.[1] ?? "(no intent)";
        for (const who of requesters(false)) {
          await fuzz(
            `POST the ${intent} form of ${form.page} to ${form.action} as ${describeWho(who)}`,
            RUNS_PER_PAGE_FORM,
            fc.asyncProperty(nearFormArb(form), async (body) => {
              await judge({ method: "POST", path: form.action, who, body });
            })
          );
        }
        await restoreFixture();
      }
      t.diagnostic(`${forms.length} forms, ${intents.size} intents; ${tally()}`);
    });

    it("never answers an API call with a 5xx, whatever the body, and a refused call writes nothing", async (t) => {
      for (const module of modules.filter((m) => m.file.startsWith("api."))) {
        const segments = segmentsOf(module.file);
        for (const who of requesters(true)) {
          if (module.exports.includes("action")) {
            await fuzz(
              `POST ${module.file} as ${describeWho(who)}`,
              RUNS_PER_API_POST,
              fc.asyncProperty(pathArb(segments), jsonBodyArb(), async (pathname, body) => {
                await judge({ method: "POST", path: pathname, who, body });
              })
            );
          }
          if (module.exports.includes("loader")) {
            await fuzz(
              `GET ${module.file} as ${describeWho(who)}`,
              RUNS_PER_API_GET,
              fc.asyncProperty(pathArb(segments), queryArb(), async (pathname, query) => {
                await judge({ method: "GET", path: `${pathname}${query}`, who, body: { shape: "no" } });
              })
            );
          }
        }
        await restoreFixture();
      }
      t.diagnostic(tally());
    });
  });
}
