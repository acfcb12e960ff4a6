import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { formatFlow } from "../../app/domain/conduits";
import { homePath } from "../../app/domain/permissions";
import type { SignoffPart } from "../../app/domain/signoffs";
import type { Role } from "../../app/domain/vocabulary";
import { createFeedToken } from "../../app/models/calendar-feeds.server";
import { listConduitDetails } from "../../app/models/conduits.server";
import { closeDb, openDatabase, type DB } from "../../app/utils/db.server";
import { tempDir, databaseEnv, useAsProcessDatabase } from "../support/database";
import { matureBaseline } from "../support/evidence";
import { createPerson, signInOverHttp, TEST_PASSWORD } from "../support/people";
import { insertStagedHost } from "../support/plants";
import { runScript, startServer, type RunningServer } from "../support/server";
import { intentsOf, loadRouteModules, routesDir, type RouteModule } from "../support/routes";
import type { SignoffSubjectType } from "../../db/schema";

// The authorization matrix: every loader and action of every route module, and every API endpoint, tried by
// every role (and by nobody), through the real server over HTTP, against the demo program. One table says what
// each must get; a guard fails when a route module has an intent, an action, a loader or an API endpoint the
// table does not name, so a new route cannot be forgotten.
//
// What the outcomes mean:
// - "deny": a signed-in role gets 403 (a page that is not for the role may instead send it to its home page, as
//   `/` sends an admin to `/admin`); nobody signed in is sent to /login from pages and forms and gets 401 from
//   the API. And nothing changed: no audit event, and no row of the tables the acts write.
// - "allow": the request got past authorization: any answer but 401, 403, a 5xx or a redirect to /login (for
//   pages, 200 unless the row says otherwise). 400, 404 and 409 are business answers and count as allowed.
// - API tokens (column `token`, API rows only): a token of a role gets what a session of that role gets on its
//   plants; a plant engineer's token is limited to the plants it names, and outside them gets "not-found" (404).
//   Acts that bind a person (alert wiring) are refused to every token (docs/api.md). Revoked and forged tokens
//   get 401. Outside /api a bearer token counts for nothing: there every token gets what `anonymous` gets.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
// Route modules are imported by the guard below; anything they open is this test's database.
useAsProcessDatabase(file);

const ACTORS = [
  "anonymous",
  "program_lead",
  "executive",
  "plant_engineer_own",
  "plant_engineer_other",
  "corporate_security",
  "admin",
] as const;
type Actor = (typeof ACTORS)[number];
type SignedIn = Exclude<Actor, "anonymous">;
const SIGNED_IN = ACTORS.filter((actor): actor is SignedIn => actor !== "anonymous");

/** Who plays each role: the demo accounts. DAY is the plant engineer's own plant, KOK the other's. */
const ACCOUNTS: Record<SignedIn, { email: string; role: Role }> = {
  program_lead: { email: "lead@demo.test", role: "program_lead" },
  executive: { email: "exec@demo.test", role: "executive" },
  plant_engineer_own: { email: "eng.day@demo.test", role: "plant_engineer" },
  plant_engineer_other: { email: "eng.kok@demo.test", role: "plant_engineer" },
  corporate_security: { email: "security@demo.test", role: "corporate_security" },
  admin: { email: "admin@demo.test", role: "admin" },
};

const TOKEN_KINDS = [
  "program_lead",
  "executive",
  "plant_engineer_day",
  "plant_engineer_kok",
  "corporate_security",
  "admin",
  "revoked",
  "forged",
] as const;
type TokenKind = (typeof TOKEN_KINDS)[number];
type LiveToken = Exclude<TokenKind, "revoked" | "forged">;
const TOKEN_ARGS: Record<LiveToken, string[]> = {
  program_lead: ["--role", "program_lead"],
  executive: ["--role", "executive"],
  plant_engineer_day: ["--role", "plant_engineer", "--plants", "DAY"],
  plant_engineer_kok: ["--role", "plant_engineer", "--plants", "KOK"],
  corporate_security: ["--role", "corporate_security"],
  admin: ["--role", "admin"],
};

type Outcome = "allow" | "deny";
type TokenOutcome = Outcome | "not-found";
type Fields = Record<string, string | string[]>;

interface Ids {
  day: number;
  kok: number;
  /** The DAY conduit the forms act on. */
  conduit: number;
  /** Another DAY conduit, wired through the API. */
  apiConduit: number;
  /** A DAY conduit cutover whose conduit DAY's engineer designs (its page and its flows' forms). */
  change: number;
  engDay: number;
  security: number;
  /** A second corporate security person, so owners can really change. */
  spareSecurity: number;
  /** The account the admin forms act on. */
  target: number;
  /** The API token the admin's revoke form revokes. */
  revokeToken: number;
  /** The program lead's calendar-feed token (a secret in the address, not an id). */
  feedToken: string;
}

interface Ctx {
  /** Whose request it is; a bearer token outside /api counts as anonymous. */
  actor: Actor;
  ids: Ids;
  db: DB;
  /** What the row's `prepare` found, once per row, before anyone acts. */
  prepared: Fields;
}

interface Reply {
  status: number;
  /** The redirect target as a local path with its query, or null. */
  location: string | null;
  setCookie: string | null;
  text: string;
}

interface Entry {
  /** The route module's file name under app/routes. */
  route: string;
  /** Tells rows with the same intent apart. */
  label?: string;
  method: "GET" | "POST";
  /** `:name` is replaced by that id. */
  path: string;
  intent?: string;
  fields?: Fields | ((ctx: Ctx) => Fields | Promise<Fields>);
  /** A JSON body instead of a form (API). */
  json?: unknown;
  /** Runs once before the row's requests, as the legitimate actor would look things up (a hash, an id). */
  prepare?: (ctx: Omit<Ctx, "actor" | "prepared">) => Promise<Fields>;
  /** Each signed-in role acts with a session of its own (signing in or out ends the session it is sent with). */
  freshSession?: true;
  /** For an allowed request: the statuses that count (default: 200 for GET, anything but 401/403/5xx for POST). */
  allowStatus?: number[];
  /** For an allowed request: a check of its own instead of the default (null when it holds). */
  verify?: (reply: Reply, ctx: Ctx & { cookie: string | null }) => Promise<string | null> | string | null;
  expected: Record<Actor, Outcome>;
  /** API rows only. */
  token?: Record<TokenKind, TokenOutcome>;
}

function only(...allowed: Actor[]): Record<Actor, Outcome> {
  return Object.fromEntries(ACTORS.map((actor) => [actor, allowed.includes(actor) ? "allow" : "deny"])) as Record<
    Actor,
    Outcome
  >;
}
const EVERYONE = only(...ACTORS);
/** Whoever reads the program: everyone signed in but the admin. */
const READERS: Actor[] = [
  "program_lead",
  "executive",
  "plant_engineer_own",
  "plant_engineer_other",
  "corporate_security",
];

function tokens(allowed: TokenKind[], notFound: TokenKind[] = []): Record<TokenKind, TokenOutcome> {
  return Object.fromEntries(
    TOKEN_KINDS.map((kind) => [kind, notFound.includes(kind) ? "not-found" : allowed.includes(kind) ? "allow" : "deny"])
  ) as Record<TokenKind, TokenOutcome>;
}
const READER_TOKENS: TokenKind[] = [
  "program_lead",
  "executive",
  "plant_engineer_day",
  "plant_engineer_kok",
  "corporate_security",
];

// ——— helpers the rows use to act as the legitimate person would ———

let server: RunningServer;
let db: DB;
let ids: Ids;
const cookies = {} as Record<SignedIn, string>;
const bearer = {} as Record<TokenKind, string>;

function resolvePath(template: string): string {
  return template.replace(/:(\w+)/g, (_, key: string) => {
    const value = (ids as unknown as Record<string, number | string | undefined>)[key];
    if (value === undefined) throw new Error(`No id named “${key}” for ${template}`);
    return String(value);
  });
}

async function pageAs(pathname: string, as: SignedIn): Promise<string> {
  const response = await fetch(`${server.url}${pathname}`, { headers: { Cookie: cookies[as] }, redirect: "manual" });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${pathname} as ${as} answered ${response.status}`);
  return text;
}

/** The revision hash in the sign form the signer sees, as their browser would post it. */
async function signerHash(pathname: string, signer: SignedIn, part: string): Promise<Fields> {
  const html = await pageAs(pathname, signer);
  const match = new RegExp(
    `name="part" value="${part}"[^>]*>\\s*<input[^>]*name="hash" value="([0-9a-f]{64})"[^>]*>\\s*<input[^>]*name="revision" value="(\\d+)"`
  ).exec(html);
  if (!match) throw new Error(`${ACCOUNTS[signer].email} has no form to sign the ${part} part on ${pathname}`);
  return { hash: match[1]!, revision: match[2]! };
}

/** The revision (and owners) a conduit's forms show, as the browser of whoever opened it would post them. */
async function conduitSeen(conduitId: number): Promise<Fields> {
  const conduit = await db
    .selectFrom("conduit")
    .select(["revision", "design_owner_id", "monitoring_owner_id"])
    .where("id", "=", conduitId)
    .executeTakeFirstOrThrow();
  return {
    revision: String(conduit.revision),
    seenDesignOwnerId: String(conduit.design_owner_id ?? ""),
    seenMonitoringOwnerId: String(conduit.monitoring_owner_id ?? ""),
  };
}

async function splitRevision(code: string): Promise<string> {
  const plant = await db
    .selectFrom("plant")
    .select("ownership_split_revision")
    .where("code", "=", code)
    .executeTakeFirstOrThrow();
  return String(plant.ownership_split_revision);
}

async function accountRevision(personId: number): Promise<string> {
  const person = await db.selectFrom("person").select("revision").where("id", "=", personId).executeTakeFirstOrThrow();
  return String(person.revision);
}

async function latestSignoff(input: {
  subjectType: SignoffSubjectType;
  subjectId: number;
  part: SignoffPart;
  personId: number;
}): Promise<Fields> {
  const row = await db
    .selectFrom("signoff")
    .select("id")
    .where("subject_type", "=", input.subjectType)
    .where("subject_id", "=", input.subjectId)
    .where("part", "=", input.part)
    .where("person_id", "=", input.personId)
    .orderBy("id", "desc")
    .executeTakeFirst();
  if (!row)
    throw new Error(`No ${input.part} signoff of ${input.subjectType} ${input.subjectId} by person ${input.personId}`);
  return { signoffId: String(row.id) };
}

async function conduitForm(conduitId: number, plantId: number, purpose: string): Promise<Fields> {
  const [conduit] = await listConduitDetails(db, plantId, conduitId);
  if (!conduit) throw new Error(`No conduit ${conduitId}`);
  return {
    revision: String(conduit.revision),
    name: conduit.name,
    zoneAId: String(conduit.zoneAId),
    zoneBId: String(conduit.zoneBId),
    purpose,
    controlType: conduit.controlType ?? "",
    ...(conduit.monitored ? { monitored: "on" } : {}),
    monitoringPoint: conduit.monitoringPoint ?? "",
    // The form shows the note it holds; leaving it out would clear it and raise the SL-T gap it answers.
    compensatingNote: conduit.compensatingNote ?? "",
    flows: conduit.flows.map(formatFlow).join("\n"),
  };
}

/** A host seen in traffic at the plant, staged for triage, and the zone it belongs in. */
async function stagedHost(database: DB, plantId: number, ip: string): Promise<Fields> {
  const zone = await database
    .selectFrom("zone")
    .select("id")
    .where("plant_id", "=", plantId)
    .orderBy("id")
    .executeTakeFirstOrThrow();
  const id = await insertStagedHost(database, plantId, ip, { zoneId: zone.id, source: "zeek_ingest" });
  return { assetId: String(id), zoneId: String(zone.id) };
}

function emailFor(actor: Actor): string {
  return ACCOUNTS[actor === "anonymous" ? "program_lead" : actor].email;
}

// ——— the table ———

const SPLIT =
  "Design and change control of every conduit at Dayton belong to plant engineering; monitoring and incident response belong to corporate security.";

const TABLE: Entry[] = [
  // Pages and downloads (loaders).
  {
    route: "_index.tsx",
    method: "GET",
    path: "/",
    // Every role is sent to its own home; without a session, to sign in.
    verify: (reply, { actor }) => {
      const home = homePath(ACCOUNTS[actor === "anonymous" ? "program_lead" : actor].role);
      return reply.status === 302 && reply.location === home
        ? null
        : `expected a 302 to ${home}, got ${reply.status} ${reply.location ?? ""}`;
    },
    expected: only(...SIGNED_IN),
  },
  { route: "plants.$code/route.tsx", method: "GET", path: "/plants/DAY", expected: only(...READERS) },
  {
    route: "plants.$code/route.tsx",
    label: "another plant, as a summary",
    method: "GET",
    path: "/plants/KOK",
    expected: only(...READERS),
  },
  {
    route: "plants.$code_.conduits.$conduitId/route.tsx",
    method: "GET",
    path: "/plants/DAY/conduits/:conduit",
    expected: only("program_lead", "executive", "plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.changes.$changeId/route.tsx",
    method: "GET",
    path: "/plants/DAY/changes/:change",
    expected: only("program_lead", "executive", "plant_engineer_own", "corporate_security"),
  },
  // Every reader of the program; who ticked and signed what only for those who read the plant in full.
  { route: "plants.$code_.review/route.tsx", method: "GET", path: "/plants/DAY/review", expected: only(...READERS) },
  {
    route: "plants.$code_.history/route.tsx",
    method: "GET",
    path: "/plants/DAY/history",
    expected: only("program_lead", "executive", "plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.assets/route.tsx",
    method: "GET",
    path: "/plants/DAY/assets",
    expected: only("program_lead", "executive", "plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.hosts/route.tsx",
    method: "GET",
    path: "/plants/DAY/hosts",
    expected: only("program_lead", "executive", "plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.violations/route.tsx",
    method: "GET",
    path: "/plants/DAY/violations",
    expected: only("program_lead", "executive", "plant_engineer_own", "corporate_security"),
  },
  { route: "audit.tsx", method: "GET", path: "/audit", expected: only("program_lead", "executive") },
  { route: "audit[.]csv.tsx", method: "GET", path: "/audit.csv", expected: only("program_lead", "executive") },
  {
    route: "plants.$code_.audit.tsx",
    method: "GET",
    path: "/plants/DAY/audit",
    expected: only("program_lead", "executive"),
  },
  {
    route: "plants.$code_.audit[.]csv.tsx",
    method: "GET",
    path: "/plants/DAY/audit.csv",
    expected: only("program_lead", "executive"),
  },
  { route: "settings.tsx", method: "GET", path: "/settings", expected: only(...READERS) },
  { route: "plants.$code_.windows/route.tsx", method: "GET", path: "/plants/DAY/windows", expected: only(...READERS) },
  {
    route: "plants.$code_.triage/route.tsx",
    method: "GET",
    path: "/plants/DAY/triage",
    expected: only("program_lead", "plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.windows/route.tsx",
    label: "the month grid",
    method: "GET",
    path: "/plants/DAY/windows?view=month",
    expected: only(...READERS),
  },
  { route: "windows.tsx", method: "GET", path: "/windows", expected: only(...READERS) },
  { route: "dashboard.tsx", method: "GET", path: "/dashboard", expected: only(...READERS) },
  { route: "dashboard[.]csv.tsx", method: "GET", path: "/dashboard.csv", expected: only(...READERS) },
  { route: "plants._index.tsx", method: "GET", path: "/plants", expected: only(...READERS) },
  // The zones and conduits are on the plant page of every reader of the program, and so are their diagrams.
  { route: "plants.diagrams.tsx", method: "GET", path: "/plants/diagrams", expected: only(...READERS) },
  {
    route: "plants.$code_.diagram/route.tsx",
    method: "GET",
    path: "/plants/KOK/diagram",
    expected: only(...READERS),
  },
  {
    route: "plants.$code_.diagram[.]svg.tsx",
    method: "GET",
    path: "/plants/DAY/diagram.svg",
    expected: only(...READERS),
  },
  {
    route: "plants.$code_.diagram[.]png.tsx",
    method: "GET",
    path: "/plants/KOK/diagram.png",
    expected: only(...READERS),
  },
  { route: "me.tsx", method: "GET", path: "/me", expected: only(...READERS) },
  // A person's own notifications and choices (whoever reads the program); the admin's webhooks and outbox.
  { route: "me_.notifications/route.tsx", method: "GET", path: "/me/notifications", expected: only(...READERS) },
  { route: "me_.settings/route.tsx", method: "GET", path: "/me/settings", expected: only(...READERS) },
  { route: "admin_.webhooks/route.tsx", method: "GET", path: "/admin/webhooks", expected: only("admin") },
  { route: "admin_.outbox/route.tsx", method: "GET", path: "/admin/outbox", expected: only("admin") },
  { route: "admin/route.tsx", method: "GET", path: "/admin", expected: only("admin") },
  // Public: the form for nobody, a redirect home for the signed in.
  { route: "login.tsx", method: "GET", path: "/login", allowStatus: [200, 302], expected: EVERYONE },
  { route: "logout.tsx", method: "GET", path: "/logout", allowStatus: [302], expected: EVERYONE },
  // The health check: for anyone, signed in or not.
  { route: "healthz.ts", method: "GET", path: "/healthz", expected: EVERYONE },
  { route: "$.tsx", method: "GET", path: "/no-such-page", allowStatus: [404], expected: EVERYONE },

  // The plant page's forms.
  {
    route: "plants.$code/route.tsx",
    method: "POST",
    path: "/plants/DAY",
    intent: "edit-split",
    fields: async ({ actor }) => ({
      text: `${SPLIT} (Written for the matrix by ${actor}.)`,
      revision: await splitRevision("DAY"),
    }),
    expected: only("program_lead", "plant_engineer_own"),
  },
  {
    route: "plants.$code/route.tsx",
    label: "design & change-control part",
    method: "POST",
    path: "/plants/DAY",
    intent: "sign",
    prepare: () => signerHash("/plants/DAY", "plant_engineer_own", "design_change_control"),
    fields: { part: "design_change_control" },
    expected: only("plant_engineer_own"),
  },
  {
    route: "plants.$code/route.tsx",
    label: "monitoring & incident-response part",
    method: "POST",
    path: "/plants/DAY",
    intent: "sign",
    prepare: () => signerHash("/plants/DAY", "corporate_security", "monitoring_incident_response"),
    fields: { part: "monitoring_incident_response" },
    expected: only("corporate_security"),
  },
  {
    route: "plants.$code/route.tsx",
    label: "the plant engineer's split signoff",
    method: "POST",
    path: "/plants/DAY",
    intent: "revoke",
    prepare: ({ ids }) =>
      latestSignoff({
        subjectType: "ownership_split",
        subjectId: ids.day,
        part: "design_change_control",
        personId: ids.engDay,
      }),
    fields: { reason: "Signed before the walk-through (matrix)" },
    expected: only("plant_engineer_own"),
  },
  {
    route: "plants.$code/route.tsx",
    label: "corporate security's split signoff",
    method: "POST",
    path: "/plants/DAY",
    intent: "revoke",
    prepare: ({ ids }) =>
      latestSignoff({
        subjectType: "ownership_split",
        subjectId: ids.day,
        part: "monitoring_incident_response",
        personId: ids.security,
      }),
    fields: { reason: "Signed before the walk-through (matrix)" },
    expected: only("corporate_security"),
  },
  {
    route: "plants.$code/route.tsx",
    method: "POST",
    path: "/plants/DAY",
    intent: "untick",
    fields: ({ actor }) => ({ code: "INV-REVIEW", note: `Re-opened for another walk (${actor})` }),
    expected: only("program_lead", "plant_engineer_own"),
  },
  {
    route: "plants.$code/route.tsx",
    method: "POST",
    path: "/plants/DAY",
    intent: "tick",
    fields: ({ actor }) => ({ code: "INV-REVIEW", note: `Inventory walked with the line leads (${actor})` }),
    expected: only("program_lead", "plant_engineer_own"),
  },
  {
    route: "plants.$code/route.tsx",
    method: "POST",
    path: "/plants/DAY",
    intent: "waive",
    fields: {
      code: "INV-REVIEW",
      justification: "Reviewed during the corporate architecture audit; the minutes are on file.",
    },
    expected: only("program_lead"),
  },
  {
    route: "plants.$code/route.tsx",
    method: "POST",
    path: "/plants/DAY",
    intent: "unwaive",
    fields: { code: "INV-REVIEW" },
    expected: only("program_lead"),
  },
  {
    route: "plants.$code/route.tsx",
    method: "POST",
    path: "/plants/DAY",
    intent: "pass-gate",
    fields: { phase: "alerting", note: "Weekly review (matrix)" },
    expected: only("program_lead", "plant_engineer_own"),
  },

  // Evidence on the plant's own pages: staged-host triage, policy violations, inventory import.
  {
    route: "plants.$code_.hosts/route.tsx",
    method: "POST",
    path: "/plants/DAY/hosts",
    intent: "confirm-host",
    prepare: ({ ids, db }) => stagedHost(db, ids.day, "10.99.0.1"),
    fields: ({ prepared }) => ({ kind: "plc", name: "Matrix PLC", zoneId: prepared.zoneId! }),
    expected: only("program_lead", "plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.hosts/route.tsx",
    method: "POST",
    path: "/plants/DAY/hosts",
    intent: "mark-transient",
    prepare: ({ ids, db }) => stagedHost(db, ids.day, "10.99.0.2"),
    fields: { note: "Vendor laptop (matrix)" },
    expected: only("program_lead", "plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.hosts/route.tsx",
    method: "POST",
    path: "/plants/DAY/hosts",
    intent: "escalate-host",
    prepare: ({ ids, db }) => stagedHost(db, ids.day, "10.99.0.3"),
    fields: { note: "Unknown host on the line (matrix)" },
    expected: only("program_lead", "plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.triage/route.tsx",
    method: "POST",
    path: "/plants/DAY/triage",
    intent: "confirm-hosts",
    prepare: ({ ids, db }) => stagedHost(db, ids.day, "10.99.0.11"),
    fields: ({ prepared }) => ({ kind: "plc", assetIds: prepared.assetId! }),
    expected: only("program_lead", "plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.triage/route.tsx",
    method: "POST",
    path: "/plants/DAY/triage",
    intent: "place-hosts",
    prepare: ({ ids, db }) => stagedHost(db, ids.day, "10.99.0.12"),
    fields: ({ prepared }) => ({ zoneId: prepared.zoneId!, assetIds: prepared.assetId! }),
    expected: only("program_lead", "plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.triage/route.tsx",
    method: "POST",
    path: "/plants/DAY/triage",
    intent: "dismiss-hosts",
    prepare: ({ ids, db }) => stagedHost(db, ids.day, "10.99.0.13"),
    fields: ({ prepared }) => ({ note: "Vendor laptop (matrix)", assetIds: prepared.assetId! }),
    expected: only("program_lead", "plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.violations/route.tsx",
    method: "POST",
    path: "/plants/DAY/violations",
    intent: "acknowledge-violation",
    prepare: async ({ ids, db }) => {
      const { id } = await db
        .insertInto("policy_violation")
        .values({
          conduit_id: ids.conduit,
          tuple: "10.99.0.9|10.99.0.10|tcp|23",
          first_seen: "2026-11-01T10:00:00.000Z",
          last_seen: "2026-11-01T11:00:00.000Z",
          count: 3,
          acknowledged_by: null,
          acknowledged_at: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return { violationId: String(id) };
    },
    fields: { note: "Telnet from a contractor's laptop (matrix)" },
    expected: only("program_lead", "plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.assets/route.tsx",
    method: "POST",
    path: "/plants/DAY/assets",
    intent: "import-assets",
    // Sent as a plain form, the file is missing: 400 for whoever may import, 403 for the rest.
    fields: { file: "" },
    expected: only("program_lead", "plant_engineer_own"),
  },

  // The plant's outage-window forms (a window far ahead, clear of every seeded blackout; unknown ids meet a 404).
  {
    route: "plants.$code_.windows/route.tsx",
    method: "POST",
    path: "/plants/DAY/windows",
    intent: "create-window",
    fields: ({ actor }) => ({
      title: `Matrix form outage (${actor})`,
      kind: "scheduled_outage",
      status: "planned",
      "start.date": `${new Date().getUTCFullYear() + 1}-10-12`,
      "start.time": "22:00",
      "end.date": `${new Date().getUTCFullYear() + 1}-10-13`,
      "end.time": "02:00",
      // Each allowed actor adds the same night: keeping the overlap is confirmed (the matrix tests who may).
      confirmOverlap: "yes",
    }),
    allowStatus: [302],
    expected: only("program_lead", "plant_engineer_own"),
  },
  {
    route: "plants.$code_.windows/route.tsx",
    method: "POST",
    path: "/plants/DAY/windows",
    intent: "window-status",
    fields: { windowId: "999999999", status: "confirmed", revision: "1" },
    allowStatus: [404],
    expected: only("program_lead", "plant_engineer_own"),
  },
  {
    route: "plants.$code_.windows/route.tsx",
    method: "POST",
    path: "/plants/DAY/windows",
    intent: "schedule-change",
    fields: {
      windowId: "999999999",
      kind: "firewall_rule_change",
      title: "Matrix rule change",
      conduitId: "",
      "planned.date": `${new Date().getUTCFullYear() + 1}-10-12`,
      "planned.time": "23:00",
      plannedMinutes: "30",
    },
    allowStatus: [404],
    expected: only("program_lead", "plant_engineer_own"),
  },
  {
    route: "plants.$code_.windows/route.tsx",
    method: "POST",
    path: "/plants/DAY/windows",
    intent: "record-outcome",
    fields: {
      changeId: "999999999",
      outcome: "as_planned",
      "actualStart.date": "2026-01-05",
      "actualStart.time": "10:00",
      "actualEnd.date": "2026-01-05",
      "actualEnd.time": "11:00",
    },
    allowStatus: [404],
    expected: only("program_lead", "plant_engineer_own"),
  },
  // Production stops and their post-incident reviews (a stop that does not exist: the allowed reach a 404 or 400).
  {
    route: "plants.$code_.stops/route.tsx",
    method: "GET",
    path: "/plants/DAY/stops",
    expected: only("program_lead", "executive", "plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.stops/route.tsx",
    method: "POST",
    path: "/plants/DAY/stops",
    intent: "record-stop",
    fields: {
      zoneId: "999999999",
      line: "Matrix line",
      "startedAt.date": "2026-01-05",
      "startedAt.time": "10:00",
      minutesLost: "5",
      changeId: "",
      description: "Matrix stop",
      cause: "suspected",
    },
    allowStatus: [400],
    expected: only("program_lead", "plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.stops_.$stopId/route.tsx",
    method: "GET",
    path: "/plants/DAY/stops/999999999",
    allowStatus: [404],
    expected: only("program_lead", "executive", "plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.stops_.$stopId/route.tsx",
    method: "POST",
    path: "/plants/DAY/stops/999999999",
    intent: "write-review",
    fields: { review: "Matrix review", revision: "0" },
    allowStatus: [404],
    expected: only("program_lead", "plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.stops_.$stopId/route.tsx",
    method: "POST",
    path: "/plants/DAY/stops/999999999",
    intent: "conclude-cause",
    fields: { cause: "not_network" },
    allowStatus: [404],
    expected: only("program_lead", "plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.stops_.$stopId/route.tsx",
    label: "design part",
    method: "POST",
    path: "/plants/DAY/stops/999999999",
    intent: "sign-review",
    fields: { part: "design_change_control", revision: "1" },
    allowStatus: [404],
    expected: only("plant_engineer_own"),
  },
  {
    route: "plants.$code_.stops_.$stopId/route.tsx",
    label: "monitoring part",
    method: "POST",
    path: "/plants/DAY/stops/999999999",
    intent: "sign-review",
    fields: { part: "monitoring_incident_response", revision: "1" },
    allowStatus: [404],
    expected: only("corporate_security"),
  },
  {
    route: "plants.$code_.windows/route.tsx",
    method: "POST",
    path: "/plants/DAY/windows",
    intent: "cancel-change",
    fields: { changeId: "999999999", reason: "Matrix" },
    allowStatus: [404],
    expected: only("program_lead", "plant_engineer_own"),
  },
  {
    route: "plants.$code_.windows/route.tsx",
    method: "POST",
    path: "/plants/DAY/windows",
    intent: "move-change",
    fields: { changeId: "999999999", target: "999999999:1" },
    allowStatus: [404],
    expected: only("program_lead", "plant_engineer_own"),
  },
  // The queue's forms on a change waiting for a window: the windows page's acts, for the change's plant (named).
  {
    route: "me.tsx",
    method: "POST",
    path: "/me",
    intent: "cancel-change",
    fields: { plant: "DAY", changeId: "999999999", reason: "Matrix" },
    allowStatus: [404],
    expected: only("program_lead", "plant_engineer_own"),
  },
  {
    route: "me.tsx",
    method: "POST",
    path: "/me",
    intent: "move-change",
    fields: { plant: "DAY", changeId: "999999999", target: "999999999:1" },
    allowStatus: [404],
    expected: only("program_lead", "plant_engineer_own"),
  },
  // The program windows page: personal calendar-feed tokens (a person who reads windows; never the admin).
  {
    route: "windows.tsx",
    method: "POST",
    path: "/windows",
    intent: "create-feed",
    allowStatus: [201],
    expected: only(...READERS),
  },
  {
    route: "windows.tsx",
    method: "POST",
    path: "/windows",
    intent: "revoke-feed",
    fields: { feedId: "999999999" },
    allowStatus: [404],
    expected: only(...READERS),
  },

  // A change page's forms on the flows its cutover is predicted to block (the change is done: the allowed meet 409).
  // Only the conduit's design owner says a flow is expected to stop; whoever edits the plant's conduits adds one.
  {
    route: "plants.$code_.changes.$changeId/route.tsx",
    method: "POST",
    path: "/plants/DAY/changes/:change",
    intent: "acknowledge-flow",
    fields: { flowKey: "1>2|tcp|502", reason: "Matrix: expected to stop" },
    allowStatus: [409],
    expected: only("plant_engineer_own"),
  },
  {
    route: "plants.$code_.changes.$changeId/route.tsx",
    method: "POST",
    path: "/plants/DAY/changes/:change",
    intent: "add-flow-to-design",
    fields: { flowKey: "1>2|tcp|502", reason: "Matrix: add to the design" },
    allowStatus: [409],
    expected: only("program_lead", "plant_engineer_own"),
  },

  // The conduit page's forms.
  {
    route: "plants.$code_.conduits.$conduitId/route.tsx",
    method: "POST",
    path: "/plants/DAY/conduits/:conduit",
    intent: "wire-alerts",
    fields: async ({ ids }) => ({
      siemReference: "SPL-OT-MATRIX",
      revision: (await conduitSeen(ids.conduit)).revision!,
    }),
    expected: only("plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.conduits.$conduitId/route.tsx",
    method: "POST",
    path: "/plants/DAY/conduits/:conduit",
    intent: "assign-owners",
    // The lead hands monitoring to the spare security person, DAY's engineer hands it back.
    fields: async ({ actor, ids }) => ({
      ...(await conduitSeen(ids.conduit)),
      designOwnerId: String(ids.engDay),
      monitoringOwnerId: String(actor === "program_lead" ? ids.spareSecurity : ids.security),
    }),
    expected: only("program_lead", "plant_engineer_own"),
  },
  {
    route: "plants.$code_.conduits.$conduitId/route.tsx",
    method: "POST",
    path: "/plants/DAY/conduits/:conduit",
    intent: "edit-conduit",
    fields: ({ actor, ids }) =>
      conduitForm(ids.conduit, ids.day, `Historian replication to corporate (edited by ${actor})`),
    expected: only("program_lead", "plant_engineer_own"),
  },
  {
    route: "plants.$code_.conduits.$conduitId/route.tsx",
    label: "design & change-control part",
    method: "POST",
    path: "/plants/DAY/conduits/:conduit",
    intent: "sign",
    prepare: ({ ids }) =>
      signerHash(`/plants/DAY/conduits/${ids.conduit}`, "plant_engineer_own", "design_change_control"),
    fields: { part: "design_change_control" },
    expected: only("plant_engineer_own"),
  },
  {
    route: "plants.$code_.conduits.$conduitId/route.tsx",
    label: "monitoring & incident-response part",
    method: "POST",
    path: "/plants/DAY/conduits/:conduit",
    intent: "sign",
    prepare: ({ ids }) =>
      signerHash(`/plants/DAY/conduits/${ids.conduit}`, "corporate_security", "monitoring_incident_response"),
    fields: { part: "monitoring_incident_response" },
    expected: only("corporate_security"),
  },
  {
    route: "plants.$code_.conduits.$conduitId/route.tsx",
    label: "the design owner's signoff",
    method: "POST",
    path: "/plants/DAY/conduits/:conduit",
    intent: "revoke",
    prepare: ({ ids }) =>
      latestSignoff({
        subjectType: "conduit",
        subjectId: ids.conduit,
        part: "design_change_control",
        personId: ids.engDay,
      }),
    fields: { reason: "Signed the wrong revision (matrix)" },
    expected: only("plant_engineer_own"),
  },
  {
    route: "plants.$code_.conduits.$conduitId/route.tsx",
    label: "the monitoring owner's signoff",
    method: "POST",
    path: "/plants/DAY/conduits/:conduit",
    intent: "revoke",
    prepare: ({ ids }) =>
      latestSignoff({
        subjectType: "conduit",
        subjectId: ids.conduit,
        part: "monitoring_incident_response",
        personId: ids.security,
      }),
    fields: { reason: "Signed the wrong revision (matrix)" },
    expected: only("corporate_security"),
  },
  {
    // Only the conduit's two owners (DAY's engineer and security@, assigned above); 409 unless stalled.
    route: "plants.$code_.conduits.$conduitId/route.tsx",
    method: "POST",
    path: "/plants/DAY/conduits/:conduit",
    intent: "accept-baseline",
    fields: async ({ ids }) => ({
      note: "The residual novelty is the weekly backup job (matrix).",
      revision: (await conduitSeen(ids.conduit)).revision!,
    }),
    expected: only("plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.conduits.$conduitId/route.tsx",
    method: "POST",
    path: "/plants/DAY/conduits/:conduit",
    intent: "accept-drift",
    // Each role posts the part it would sign: who may accept is the signing rule of the part.
    fields: async ({ actor, ids }) => ({
      part: actor === "corporate_security" ? "monitoring_incident_response" : "design_change_control",
      reason: "Only the description changed; the alerts still hold (matrix).",
      revision: (await conduitSeen(ids.conduit)).revision!,
    }),
    expected: only("plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.conduits.$conduitId/route.tsx",
    method: "POST",
    path: "/plants/DAY/conduits/:conduit",
    intent: "add-rule",
    fields: ({ actor }) => ({
      name: `Modbus write from the corporate side (${actor})`,
      ruleClass: "wrong",
      description: "",
    }),
    expected: only("plant_engineer_own", "corporate_security"),
  },
  {
    route: "plants.$code_.conduits.$conduitId/route.tsx",
    method: "POST",
    path: "/plants/DAY/conduits/:conduit",
    intent: "review-rule",
    prepare: async ({ ids }) => {
      const rule = await db
        .selectFrom("detection_rule")
        .select("id")
        .where("conduit_id", "=", ids.conduit)
        .where("reviewed_by", "is", null)
        .orderBy("id", "desc")
        .executeTakeFirst();
      if (!rule) throw new Error("No unreviewed rule on the conduit to review");
      return { ruleId: String(rule.id) };
    },
    expected: only("plant_engineer_own"),
  },

  // Accounts and tokens.
  {
    route: "admin/route.tsx",
    method: "POST",
    path: "/admin",
    intent: "create-account",
    fields: ({ actor }) => ({
      email: `matrix.${actor}@demo.test`,
      name: "Matrix Newcomer",
      role: "executive",
      plants: [],
      password: "a long enough passphrase",
    }),
    expected: only("admin"),
  },
  {
    route: "admin/route.tsx",
    method: "POST",
    path: "/admin",
    intent: "update-account",
    fields: async ({ actor, ids }) => ({
      personId: String(ids.target),
      revision: await accountRevision(ids.target),
      name: `Matrix Target (${actor})`,
      role: "executive",
      plants: [],
    }),
    expected: only("admin"),
  },
  {
    route: "admin/route.tsx",
    method: "POST",
    path: "/admin",
    intent: "set-active",
    fields: ({ ids }) => ({ personId: String(ids.target), active: "0" }),
    expected: only("admin"),
  },
  {
    route: "admin/route.tsx",
    method: "POST",
    path: "/admin",
    intent: "reset-password",
    fields: ({ ids }) => ({ personId: String(ids.target), password: "another long passphrase" }),
    expected: only("admin"),
  },
  {
    route: "admin/route.tsx",
    method: "POST",
    path: "/admin",
    intent: "create-token",
    fields: ({ actor }) => ({ name: `matrix-${actor}`, role: "executive", plants: ["DAY"] }),
    expected: only("admin"),
  },
  {
    route: "admin/route.tsx",
    method: "POST",
    path: "/admin",
    intent: "revoke-token",
    fields: ({ ids }) => ({ tokenId: String(ids.revokeToken) }),
    expected: only("admin"),
  },

  // Program thresholds.
  {
    route: "settings.tsx",
    method: "POST",
    path: "/settings",
    intent: "save-settings",
    fields: {
      matureDays: "30",
      stallDays: "60",
      convergenceDays: "7",
      coverageThreshold: "0.9",
      gapDays: "4",
      ephemeralPortMin: "49152",
      ephemeralPortMax: "65535",
      maxPortRange: "16",
      wrongFlowDays: "7",
      recertificationMonths: "12",
      ruleReviewDays: "90",
    },
    expected: only("program_lead"),
  },

  // Notifications: each person's own (another's is not found), and the admin's webhooks and outbox.
  {
    route: "me_.notifications/route.tsx",
    method: "POST",
    path: "/me/notifications",
    intent: "mark-read",
    fields: { notificationId: "999999999" },
    allowStatus: [404],
    expected: only(...READERS),
  },
  {
    route: "me_.notifications/route.tsx",
    method: "POST",
    path: "/me/notifications",
    intent: "mark-all-read",
    allowStatus: [302, 409],
    expected: only(...READERS),
  },
  {
    route: "me_.settings/route.tsx",
    method: "POST",
    path: "/me/settings",
    intent: "save-notification-preferences",
    fields: { digestTime: "06:45", timeZone: "UTC", "signoff.needed|app": "on" },
    allowStatus: [302],
    expected: only(...READERS),
  },
  {
    route: "admin_.webhooks/route.tsx",
    method: "POST",
    path: "/admin/webhooks",
    intent: "register-webhook",
    fields: ({ actor }) => ({
      name: `matrix-${actor}`,
      url: "https://hooks.example.com/matrix",
      plantId: "",
      kinds: ["gate.ready"],
      format: "json",
    }),
    allowStatus: [200],
    expected: only("admin"),
  },
  {
    route: "admin_.webhooks/route.tsx",
    method: "POST",
    path: "/admin/webhooks",
    intent: "set-webhook-active",
    fields: { endpointId: "999999999", active: "0" },
    allowStatus: [404],
    expected: only("admin"),
  },
  {
    route: "admin_.webhooks/route.tsx",
    method: "POST",
    path: "/admin/webhooks",
    intent: "rotate-webhook-secret",
    fields: { endpointId: "999999999" },
    allowStatus: [404],
    expected: only("admin"),
  },
  {
    route: "admin_.webhooks/route.tsx",
    method: "POST",
    path: "/admin/webhooks",
    intent: "delete-webhook",
    fields: { endpointId: "999999999" },
    allowStatus: [404],
    expected: only("admin"),
  },
  {
    route: "admin_.outbox/route.tsx",
    method: "POST",
    path: "/admin/outbox",
    intent: "retry-message",
    fields: { messageId: "999999999" },
    allowStatus: [404],
    expected: only("admin"),
  },

  // Signing in and out: public.
  {
    route: "login.tsx",
    method: "POST",
    path: "/login",
    intent: "sign-in",
    freshSession: true,
    fields: ({ actor }) => ({ email: emailFor(actor), password: TEST_PASSWORD }),
    verify: (reply, { actor }) => {
      const home = homePath(ACCOUNTS[actor === "anonymous" ? "program_lead" : actor].role);
      if (reply.status !== 302 || reply.location !== home)
        return `expected a 302 to ${home}, got ${reply.status} ${reply.location ?? ""}`;
      return /tracker_session=[A-Za-z0-9_-]{20,}/.test(reply.setCookie ?? "") ? null : "no new session cookie";
    },
    expected: EVERYONE,
  },
  {
    route: "logout.tsx",
    method: "POST",
    path: "/logout",
    freshSession: true,
    verify: async (reply, { cookie }) => {
      if (reply.status !== 302 || reply.location !== "/login")
        return `expected a 302 to /login, got ${reply.status} ${reply.location ?? ""}`;
      if (!/tracker_session=[^;]*;.*Max-Age=0/i.test(reply.setCookie ?? ""))
        return `the session cookie was not cleared (${reply.setCookie ?? "no Set-Cookie"})`;
      if (cookie) {
        const after = await fetch(`${server.url}/settings`, { headers: { Cookie: cookie }, redirect: "manual" });
        await after.arrayBuffer();
        if (after.status !== 302) return `the session still opens /settings after signing out (${after.status})`;
      }
      return null;
    },
    expected: EVERYONE,
  },

  // The API.
  {
    route: "api.plants.tsx",
    method: "GET",
    path: "/api/plants",
    expected: only(...READERS),
    token: tokens(READER_TOKENS),
  },
  {
    route: "api.rollup.tsx",
    method: "GET",
    path: "/api/rollup",
    expected: only(...READERS),
    token: tokens(READER_TOKENS),
  },
  {
    route: "api.plants.$code.readiness.tsx",
    method: "GET",
    path: "/api/plants/DAY/readiness",
    expected: only(...READERS),
    token: tokens(READER_TOKENS, ["plant_engineer_kok"]),
  },
  {
    route: "api.plants.$code.changes.$id.impact.tsx",
    method: "GET",
    path: "/api/plants/DAY/changes/:change/impact",
    expected: only("program_lead", "executive", "plant_engineer_own", "corporate_security"),
    token: tokens(["program_lead", "executive", "plant_engineer_day", "corporate_security"], ["plant_engineer_kok"]),
  },
  {
    route: "api.plants.$code.readiness.tsx",
    label: "another plant",
    method: "GET",
    path: "/api/plants/KOK/readiness",
    expected: only(...READERS),
    token: tokens(READER_TOKENS, ["plant_engineer_day"]),
  },
  {
    route: "api.conduits.$id.alert-wiring.tsx",
    method: "POST",
    path: "/api/conduits/:apiConduit/alert-wiring",
    json: { siemReference: "SPL-OT-API" },
    expected: only("plant_engineer_own", "corporate_security"),
    // Wiring binds a person: every token is refused, and the KOK engineer's token does not even see the conduit.
    token: tokens([], ["plant_engineer_kok"]),
  },
  {
    route: "api.conduits.$id.observations.tsx",
    method: "POST",
    path: "/api/conduits/:apiConduit/observations",
    json: {
      day: "2020-01-01",
      source: "matrix-sensor",
      coverage: 1,
      tuples: 3,
      newTuples: 0,
      connections: 10,
      bytes: 900,
    },
    expected: only("program_lead", "plant_engineer_own", "corporate_security"),
    token: tokens(["program_lead", "plant_engineer_day", "corporate_security"], ["plant_engineer_kok"]),
  },
  // Outage windows and changes (a window far ahead, clear of every seeded blackout).
  {
    route: "api.plants.$code.windows.tsx",
    method: "GET",
    path: "/api/plants/DAY/windows",
    expected: only(...READERS),
    token: tokens(READER_TOKENS, ["plant_engineer_kok"]),
  },
  {
    route: "api.plants.$code.windows.tsx",
    method: "POST",
    path: "/api/plants/DAY/windows",
    json: {
      title: "Matrix outage night",
      kind: "scheduled_outage",
      status: "planned",
      start: { date: `${new Date().getUTCFullYear() + 1}-10-05`, time: "22:00" },
      end: { date: `${new Date().getUTCFullYear() + 1}-10-06`, time: "02:00" },
      confirmOverlap: true,
    },
    allowStatus: [201],
    expected: only("program_lead", "plant_engineer_own"),
    token: tokens(["program_lead", "plant_engineer_day"], ["plant_engineer_kok"]),
  },
  {
    // No such window: the allowed get past authorization to a 404 naming windowId.
    route: "api.plants.$code.changes.tsx",
    method: "POST",
    path: "/api/plants/DAY/changes",
    json: {
      windowId: 999999999,
      kind: "firewall_rule_change",
      title: "Matrix rule change",
      plannedStart: `${new Date().getUTCFullYear() + 1}-10-06T03:00:00Z`,
      plannedMinutes: 30,
    },
    allowStatus: [404],
    expected: only("program_lead", "plant_engineer_own"),
    token: tokens(["program_lead", "plant_engineer_day"], ["plant_engineer_kok"]),
  },
  {
    // No such change: the allowed get past authorization to a 404 naming changeId; an outcome binds a person.
    route: "api.plants.$code.changes_.$id.outcomes.tsx",
    method: "POST",
    path: "/api/plants/DAY/changes/999999999/outcomes",
    json: {
      outcome: "as_planned",
      actualStart: "2026-01-05T10:00:00Z",
      actualEnd: "2026-01-05T11:00:00Z",
    },
    allowStatus: [404],
    expected: only("program_lead", "plant_engineer_own"),
    token: tokens([], ["plant_engineer_kok"]),
  },
  {
    route: "api.plants.$code.stops.tsx",
    method: "GET",
    path: "/api/plants/DAY/stops",
    expected: only("program_lead", "executive", "plant_engineer_own", "corporate_security"),
    token: tokens(["program_lead", "executive", "plant_engineer_day", "corporate_security"], ["plant_engineer_kok"]),
  },
  {
    // A zone of no plant: the allowed get past authorization to a 400 naming zoneId; a stop binds a person.
    route: "api.plants.$code.stops.tsx",
    method: "POST",
    path: "/api/plants/DAY/stops",
    json: {
      zoneId: 999999999,
      line: "Matrix line",
      startedAt: "2026-01-05T10:00:00Z",
      minutesLost: 5,
      description: "Matrix stop",
      cause: "suspected",
    },
    allowStatus: [400],
    expected: only("program_lead", "plant_engineer_own", "corporate_security"),
    token: tokens([], ["plant_engineer_kok"]),
  },
  {
    route: "api.plants.$code.windows[.]ics.tsx",
    method: "GET",
    path: "/api/plants/DAY/windows.ics",
    expected: only(...READERS),
    token: tokens(READER_TOKENS, ["plant_engineer_kok"]),
  },
  {
    route: "api.plants.$code.windows[.]ics.tsx",
    label: "another plant",
    method: "GET",
    path: "/api/plants/KOK/windows.ics",
    expected: only(...READERS),
    token: tokens(READER_TOKENS, ["plant_engineer_day"]),
  },
  {
    route: "api.windows[.]ics.tsx",
    method: "GET",
    path: "/api/windows.ics",
    expected: only(...READERS),
    token: tokens(READER_TOKENS),
  },
  // Calendar feeds: the secret in the address decides, whoever asks (calendar clients carry no session).
  {
    route: "feeds.$token.windows[.]ics.tsx",
    method: "GET",
    path: "/feeds/:feedToken/windows.ics",
    expected: EVERYONE,
  },
  {
    route: "feeds.$token.windows[.]ics.tsx",
    label: "an unknown feed token",
    method: "GET",
    path: `/feeds/stf_${"A".repeat(43)}/windows.ics`,
    allowStatus: [404],
    expected: EVERYONE,
  },
  {
    route: "feeds.$token.plants.$code[.]ics.tsx",
    method: "GET",
    path: "/feeds/:feedToken/plants/DAY.ics",
    expected: EVERYONE,
  },
  {
    route: "feeds.$token.plants.$code[.]ics.tsx",
    label: "an unknown feed token",
    method: "GET",
    path: `/feeds/stf_${"A".repeat(43)}/plants/DAY.ics`,
    allowStatus: [404],
    expected: EVERYONE,
  },
  {
    route: "api.$.tsx",
    label: "an unknown endpoint: nothing behind it",
    method: "GET",
    path: "/api/no-such-endpoint",
    allowStatus: [404],
    expected: EVERYONE,
    token: tokens([...TOKEN_KINDS]),
  },
  {
    route: "api.$.tsx",
    label: "an unknown endpoint: nothing behind it",
    method: "POST",
    path: "/api/no-such-endpoint",
    json: {},
    allowStatus: [404],
    expected: EVERYONE,
    token: tokens([...TOKEN_KINDS]),
  },
];

// ——— the guard ———

/** What the table is missing for these modules, or names that no longer exist. Empty when complete. */
function coverageProblems(modules: RouteModule[], table: Entry[]): string[] {
  const problems: string[] = [];
  for (const module of modules) {
    const rows = table.filter((row) => row.route === module.file);
    const posts = rows.filter((row) => row.method === "POST");
    const gets = rows.filter((row) => row.method === "GET");
    if (module.exports.includes("action")) {
      const intents = intentsOf(module.source);
      if (posts.length === 0) problems.push(`${module.file} exports an action but the table has no POST row for it`);
      for (const intent of intents) {
        if (!posts.some((row) => row.intent === intent)) problems.push(`${module.file}: intent “${intent}” has no row`);
      }
      for (const row of posts) {
        if (row.intent !== undefined && !intents.includes(row.intent)) {
          problems.push(`${module.file}: the row for intent “${row.intent}” names an intent the action does not have`);
        }
      }
    } else if (posts.length > 0) {
      problems.push(`${module.file} has POST rows but exports no action`);
    }
    if (module.exports.includes("loader")) {
      if (gets.length === 0) problems.push(`${module.file} exports a loader but the table has no GET row for it`);
    } else if (gets.length > 0) {
      problems.push(`${module.file} has GET rows but exports no loader`);
    }
    if (module.file.startsWith("api.")) {
      for (const row of rows)
        if (!row.token) problems.push(`${module.file}: the API row ${row.method} ${row.path} has no token column`);
    }
  }
  for (const row of table) {
    if (!modules.some((module) => module.file === row.route))
      problems.push(`a row names ${row.route}, which is not a route module`);
  }
  return problems;
}

// ——— requests and their judgement ———

type Who =
  | { kind: "anonymous" }
  | { kind: "session"; actor: SignedIn; cookie: string }
  | { kind: "token"; token: TokenKind };

function describeWho(who: Who): string {
  return who.kind === "anonymous" ? "anonymous" : who.kind === "session" ? who.actor : `token:${who.token}`;
}

function isApi(entry: Entry): boolean {
  return entry.route.startsWith("api.");
}

function localPath(location: string | null): string | null {
  if (location === null) return null;
  const url = new URL(location, server.url);
  return `${url.pathname}${url.search}`;
}

function isLoginRedirect(reply: Reply): boolean {
  return reply.status >= 300 && reply.status < 400 && /^\/login(\?|$)/.test(reply.location ?? "");
}

async function bodyFor(entry: Entry, ctx: Ctx): Promise<{ body?: string; contentType?: string }> {
  if (entry.method !== "POST") return {};
  if (entry.json !== undefined) return { body: JSON.stringify(entry.json), contentType: "application/json" };
  const fields: Fields = {
    ...(entry.intent ? { intent: entry.intent } : {}),
    ...ctx.prepared,
    ...(typeof entry.fields === "function" ? await entry.fields(ctx) : entry.fields ?? {}),
  };
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) form.append(key, item);
  }
  return { body: form.toString(), contentType: "application/x-www-form-urlencoded" };
}

async function send(
  entry: Entry,
  who: Who,
  body: { body?: string; contentType?: string },
  extraHeaders: Record<string, string> = {}
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (who.kind === "session") headers.Cookie = who.cookie;
  if (who.kind === "token") headers.Authorization = `Bearer ${bearer[who.token]}`;
  if (entry.method === "POST") headers.Origin = server.url;
  if (body.contentType) headers["Content-Type"] = body.contentType;
  Object.assign(headers, extraHeaders);
  const response = await fetch(`${server.url}${resolvePath(entry.path)}`, {
    method: entry.method,
    headers,
    body: body.body,
    redirect: "manual",
  });
  return {
    status: response.status,
    location: localPath(response.headers.get("Location")),
    setCookie: response.headers.get("Set-Cookie"),
    text: await response.text(),
  };
}

/** Null when the reply is the refusal this requester should get, or why it is not. */
function refusalProblem(entry: Entry, who: Who, reply: Reply): string | null {
  const api = isApi(entry);
  const anonymous = who.kind === "anonymous" || (who.kind === "token" && !api);
  if (anonymous) {
    if (api) return reply.status === 401 ? null : `expected 401, got ${reply.status}: ${snippet(reply.text)}`;
    return isLoginRedirect(reply) ? null : `expected a redirect to /login, got ${reply.status} ${reply.location ?? ""}`;
  }
  if (who.kind === "token") {
    const status = who.token === "revoked" || who.token === "forged" ? 401 : 403;
    return reply.status === status ? null : `expected ${status}, got ${reply.status}: ${snippet(reply.text)}`;
  }
  if (reply.status === 403) return null;
  const home = homePath(ACCOUNTS[who.actor].role);
  const sentHome =
    entry.method === "GET" &&
    !api &&
    reply.status === 302 &&
    reply.location === home &&
    resolvePath(entry.path) !== home;
  return sentHome ? null : `expected 403, got ${reply.status} ${reply.location ?? snippet(reply.text)}`;
}

/** A reply's words, without the page around them. */
function snippet(text: string): string {
  const main = /<main[^>]*>([\s\S]*?)<\/main>/.exec(text)?.[1] ?? text;
  return main
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200);
}

/** Null when the reply shows the request got past authorization, or why it does not. */
function allowanceProblem(entry: Entry, reply: Reply): string | null {
  if (reply.status >= 500) return `server error ${reply.status}: ${snippet(reply.text)}`;
  if (reply.status === 401 || reply.status === 403) return `refused with ${reply.status}: ${snippet(reply.text)}`;
  if (isLoginRedirect(reply)) return `sent to sign in (${reply.location ?? ""})`;
  const statuses = entry.allowStatus ?? (entry.method === "GET" ? [200] : null);
  if (statuses && !statuses.includes(reply.status))
    return `answered ${reply.status}, expected ${statuses.join(" or ")}`;
  return null;
}

/** Everything the acts write, in one string: a refused request must leave it as it was. */
async function fingerprint(): Promise<{ audit: number; state: string }> {
  const { rows } = await sql<{ audit: number; state: string }>`
    select (select count(*) from audit_event) as audit,
      json_array(
        (select count(*) || '/' || count(revoked_at) from signoff),
        (select count(*) from checklist_tick),
        (select count(*) || '/' || count(revoked_at) from waiver),
        (select count(*) from gate_pass),
        (select count(*) from alert_wiring),
        (select count(*) || '/' || count(reviewed_by) from detection_rule),
        (select group_concat(id || ':' || revision || ':' || ifnull(design_owner_id, '-') || ':' || ifnull(monitoring_owner_id, '-')) from conduit),
        (select group_concat(id || ':' || ownership_split_revision) from plant),
        (select group_concat(id || ':' || role || ':' || active || ':' || name || ':' || ifnull(password_hash, '-')) from person),
        (select count(*) from person_plant),
        (select count(*) || '/' || count(revoked_at) from api_token),
        (select group_concat(key || '=' || value) from program_setting),
        (select count(*) from session where revoked_at is null),
        (select count(*) from outage_window),
        (select count(*) || '/' || count(done_at) || '/' || sum(status = 'needs_window') from network_change),
        (select count(*) from change_outcome),
        (select count(*) || '/' || sum(review_revision) || '/' || group_concat(cause) from production_stop),
        (select count(*) from stop_review_signoff),
        (select group_concat(id || ':' || status || ':' || starts_at || ':' || ends_at) from outage_window),
        (select count(*) || '/' || count(revoked_at) from calendar_feed),
        (select count(*) || '/' || sum(status = 'staged') || '/' || count(triage) || '/' || count(triaged_at) from asset),
        (select count(*) || '/' || count(acknowledged_at) from policy_violation),
        (select count(*) from cutover_flow_acknowledgement),
        (select count(*) || '/' || max(recorded_at) from observation),
        (select count(*) || '/' || count(read_at) from notification),
        (select group_concat(id || ':' || digest_time || ':' || ifnull(time_zone, '-')) from person),
        (select group_concat(person_id || ':' || kind || ':' || channel || ':' || enabled) from notification_preference),
        (select group_concat(id || ':' || active || ':' || secret) from webhook_endpoint),
        (select group_concat(id || ':' || status || ':' || attempts) from outbox_message)
      ) as state`.execute(db);
  return { audit: Number(rows[0]!.audit), state: rows[0]!.state };
}

async function unchangedProblem(before: { audit: number; state: string }): Promise<string | null> {
  const after = await fingerprint();
  if (after.audit !== before.audit) return `the audit trail grew by ${after.audit - before.audit} event(s)`;
  if (after.state !== before.state) return "rows changed without an audit event";
  return null;
}

async function tryRow(
  entry: Entry,
  who: Who,
  expected: TokenOutcome,
  prepared: Fields
): Promise<{ problem: string | null; status: number }> {
  const actor: Actor = who.kind === "session" ? who.actor : "anonymous";
  const ctx: Ctx = { actor, ids, db, prepared };
  const body = await bodyFor(entry, ctx);
  const before = expected === "allow" ? null : await fingerprint();
  const reply = await send(entry, who, body);
  let problem: string | null;
  if (expected === "allow") {
    problem = entry.verify
      ? await entry.verify(reply, { ...ctx, cookie: who.kind === "session" ? who.cookie : null })
      : allowanceProblem(entry, reply);
  } else if (expected === "not-found") {
    problem = reply.status === 404 ? null : `expected 404, got ${reply.status}`;
  } else {
    problem = refusalProblem(entry, who, reply);
  }
  if (!problem && before) problem = await unchangedProblem(before);
  return { problem: problem && `${describeWho(who)} (expected ${expected}): ${problem}`, status: reply.status };
}

function title(entry: Entry): string {
  return `${entry.method} ${entry.path}${entry.intent ? ` ${entry.intent}` : ""}${
    entry.label ? ` (${entry.label})` : ""
  } — ${entry.route}`;
}

// ——— setup ———

async function createToken(name: string, args: string[]): Promise<string> {
  const result = await runScript("scripts/token-create.ts", [...args, "--name", name], { ...databaseEnv(file) });
  if (result.status !== 0) throw new Error(`token:create ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout.trim().split("\n").at(-1)!;
}

async function tokenId(name: string): Promise<number> {
  return (await db.selectFrom("api_token").select("id").where("name", "=", name).executeTakeFirstOrThrow()).id;
}

async function personId(email: string): Promise<number> {
  return (await db.selectFrom("person").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
}

before(async () => {
  // No notification worker: what it writes on its own would move the fingerprint of what requests write.
  server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD, NOTIFY: "off" });
  db = openDatabase(file);
  for (const actor of SIGNED_IN) cookies[actor] = await signInOverHttp(server.url, ACCOUNTS[actor].email);

  const plant = async (code: string) =>
    (await db.selectFrom("plant").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;
  const day = await plant("DAY");
  const dayConduits = await db
    .selectFrom("conduit")
    .select("id")
    .where("plant_id", "=", day)
    .where("monitored", "=", 1)
    .orderBy("id")
    .limit(2)
    .execute();
  assert.equal(dayConduits.length, 2, "DAY has two monitored conduits to act on");
  const [conduit, apiConduit] = dayConduits.map((row) => row.id) as [number, number];
  // Both baselines mature, nothing wired yet: the first allowed wiring succeeds, the next meets a business rule.
  for (const id of [conduit, apiConduit]) {
    await db.deleteFrom("alert_wiring").where("conduit_id", "=", id).execute();
    await matureBaseline(db, id);
  }

  for (const kind of Object.keys(TOKEN_ARGS) as LiveToken[])
    bearer[kind] = await createToken(`matrix-${kind}`, TOKEN_ARGS[kind]);
  bearer.revoked = await createToken("matrix-revoked", ["--role", "executive"]);
  bearer.forged = `stk_${"A".repeat(43)}`;
  await createToken("matrix-revoke-target", ["--role", "executive"]);

  const engDay = await personId(ACCOUNTS.plant_engineer_own.email);
  const dayCutover = await db
    .selectFrom("network_change as n")
    .innerJoin("conduit as c", "c.id", "n.conduit_id")
    .select("n.id")
    .where("n.plant_id", "=", day)
    .where("n.kind", "=", "conduit_cutover")
    .where("c.design_owner_id", "=", engDay)
    .orderBy("n.id")
    .executeTakeFirstOrThrow();
  ids = {
    day,
    kok: await plant("KOK"),
    conduit,
    apiConduit,
    change: dayCutover.id,
    engDay: await personId(ACCOUNTS.plant_engineer_own.email),
    security: await personId(ACCOUNTS.corporate_security.email),
    spareSecurity: await createPerson(db, {
      email: "matrix.security@demo.test",
      role: "corporate_security",
      name: "Spare Security",
    }),
    target: await createPerson(db, { email: "matrix.target@demo.test", role: "executive", name: "Matrix Target" }),
    revokeToken: await tokenId("matrix-revoke-target"),
    feedToken: "",
  };
  // The lead's feed token, made as the lead would make it (there is no page for it yet).
  const lead = await db
    .selectFrom("person")
    .select(["id", "name", "email"])
    .where("email", "=", ACCOUNTS.program_lead.email)
    .executeTakeFirstOrThrow();
  ids.feedToken = (
    await createFeedToken(db, {
      kind: "person",
      personId: lead.id,
      tokenId: null,
      name: lead.name,
      email: lead.email,
      role: "program_lead",
      label: lead.name,
      assignedPlantIds: [],
      plantScope: null,
    })
  ).token;

  // The revoked token is revoked the way an admin does it.
  const revoked = await fetch(`${server.url}/admin`, {
    method: "POST",
    headers: { Cookie: cookies.admin, Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ intent: "revoke-token", tokenId: String(await tokenId("matrix-revoked")) }),
    redirect: "manual",
  });
  await revoked.arrayBuffer();
  assert.equal(revoked.status, 302, "the admin revokes the token meant to be revoked");
});

after(async () => {
  await db?.destroy();
  await closeDb();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

// ——— the tests ———

describe("the authorization matrix covers every route", () => {
  it("names every intent of every action, every loader, and every API endpoint with its token column", async () => {
    const modules = await loadRouteModules();
    assert.ok(modules.length > 10, `the route modules are found in ${routesDir}`);
    const problems = coverageProblems(modules, TABLE);
    assert.deepEqual(problems, [], `The table is missing routes:\n${problems.join("\n")}`);
  });

  it("would notice a route added without a row", () => {
    const added: RouteModule[] = [
      {
        file: "plants.$code_.maintenance.tsx",
        exports: ["action", "default", "loader"],
        source: 'export async function action() {\n  switch (intent) {\n    case "schedule": {\n    }\n  }\n}\n',
      },
      { file: "api.windows.tsx", exports: ["loader"], source: "export function loader() {}\n" },
      {
        // A route folder: its intents in a table of handlers beside route.tsx.
        file: "plants.$code/route.tsx",
        exports: ["action", "default", "loader"],
        source:
          "export async function action() {\n  return runIntent(plantIntents, ctx, request, form);\n}\n" +
          'export const plantIntents = {\n  "edit-split": defineIntent({}),\n  "cancel-window": defineIntent({}),\n};\n',
      },
    ];
    const problems = coverageProblems(added, TABLE).join("\n");
    assert.match(
      problems,
      /plants\.\$code_\.maintenance\.tsx exports an action but the table has no POST row/,
      problems
    );
    assert.match(problems, /plants\.\$code_\.maintenance\.tsx: intent “schedule” has no row/, problems);
    assert.match(problems, /api\.windows\.tsx exports a loader but the table has no GET row/, problems);
    assert.match(problems, /plants\.\$code\/route\.tsx: intent “cancel-window” has no row/, problems);
  });
});

describe("the authorization matrix", () => {
  for (const entry of TABLE) {
    it(title(entry), async (t) => {
      const problems: string[] = [];
      const seen: string[] = [];
      const prepared = entry.prepare ? await entry.prepare({ ids, db }) : {};
      for (const actor of ACTORS) {
        let who: Who = { kind: "anonymous" };
        if (actor !== "anonymous") {
          const cookie = entry.freshSession ? await signInOverHttp(server.url, ACCOUNTS[actor].email) : cookies[actor];
          who = { kind: "session", actor, cookie };
        }
        const result = await tryRow(entry, who, entry.expected[actor], prepared);
        seen.push(`${actor}=${result.status}`);
        if (result.problem) problems.push(result.problem);
      }
      // Tokens: on API rows, as the token column says; elsewhere a token is nobody.
      const kinds: TokenKind[] = isApi(entry) ? [...TOKEN_KINDS] : ["program_lead", "admin"];
      for (const token of kinds) {
        const expected = isApi(entry) ? entry.token?.[token] : entry.expected.anonymous;
        if (expected === undefined) {
          problems.push(`the API row has no token column (token:${token})`);
          continue;
        }
        const result = await tryRow(entry, { kind: "token", token }, expected, prepared);
        seen.push(`token:${token}=${result.status}`);
        if (result.problem) problems.push(result.problem);
      }
      t.diagnostic(seen.join(" "));
      assert.deepEqual(problems, [], `${problems.length} unexpected answer(s):\n${problems.join("\n")}`);
    });
  }
});

describe("around the matrix", () => {
  it("refuses every POST from another site with 403, whoever sends it, and changes nothing", async () => {
    const before = await fingerprint();
    const problems: string[] = [];
    for (const entry of TABLE.filter((row) => row.method === "POST")) {
      const whos: Who[] = [
        { kind: "anonymous" },
        ...SIGNED_IN.map((actor): Who => ({ kind: "session", actor, cookie: cookies[actor] })),
        ...(isApi(entry) ? TOKEN_KINDS.map((token): Who => ({ kind: "token", token })) : []),
      ];
      const body =
        entry.json !== undefined
          ? { body: JSON.stringify(entry.json), contentType: "application/json" }
          : {
              body: new URLSearchParams(entry.intent ? { intent: entry.intent } : {}).toString(),
              contentType: "application/x-www-form-urlencoded",
            };
      for (const who of whos) {
        const variants: Record<string, string>[] = [
          { Origin: "https://attacker.example" },
          { Origin: "null" },
          { "Sec-Fetch-Site": "cross-site" },
        ];
        for (const crossSite of variants) {
          // With Sec-Fetch-Site alone, `send` still sends this server's Origin: the browser's word is enough.
          const reply = await send(entry, who, body, { ...crossSite });
          if (reply.status !== 403 || !/another site/.test(reply.text)) {
            problems.push(`${title(entry)} as ${describeWho(who)} with ${JSON.stringify(crossSite)}: ${reply.status}`);
          }
        }
      }
    }
    assert.deepEqual(problems, [], `cross-site requests got through:\n${problems.join("\n")}`);
    assert.equal(await unchangedProblem(before), null, "cross-site requests changed nothing");
  });

  it("keeps every act inside the plant in the address: another plant's objects are not found through DAY", async () => {
    const kokConduit = await db
      .selectFrom("conduit")
      .select("id")
      .where("plant_id", "=", ids.kok)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    let kokRule = await db
      .selectFrom("detection_rule as r")
      .innerJoin("conduit as c", "c.id", "r.conduit_id")
      .select("r.id")
      .where("c.plant_id", "=", ids.kok)
      .where("r.reviewed_by", "is", null)
      .executeTakeFirst();
    if (!kokRule) {
      const added = await fetch(`${server.url}/plants/KOK/conduits/${kokConduit.id}`, {
        method: "POST",
        headers: {
          Cookie: cookies.plant_engineer_other,
          Origin: server.url,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({
          intent: "add-rule",
          name: "Unexpected S7 write",
          ruleClass: "wrong",
          description: "",
        }),
        redirect: "manual",
      });
      await added.arrayBuffer();
      assert.equal(added.status, 302, "KOK's engineer records a rule on a KOK conduit");
      kokRule = await db
        .selectFrom("detection_rule as r")
        .innerJoin("conduit as c", "c.id", "r.conduit_id")
        .select("r.id")
        .where("c.plant_id", "=", ids.kok)
        .where("r.reviewed_by", "is", null)
        .executeTakeFirstOrThrow();
    }
    const before = await fingerprint();
    const post = async (pathname: string, as: SignedIn, fields: Record<string, string>) => {
      const response = await fetch(`${server.url}${pathname}`, {
        method: "POST",
        headers: { Cookie: cookies[as], Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields),
        redirect: "manual",
      });
      await response.arrayBuffer();
      return response.status;
    };
    const edit = await conduitForm(kokConduit.id, ids.kok, "Moved under DAY's address");
    const kokEdit = Object.fromEntries(Object.entries(edit).map(([key, value]) => [key, String(value)]));
    for (const as of ["plant_engineer_own", "program_lead"] as const) {
      assert.equal(
        await post(`/plants/DAY/conduits/${kokConduit.id}`, as, { intent: "edit-conduit", ...kokEdit }),
        404,
        `${as}: a KOK conduit is not found under /plants/DAY`
      );
    }
    assert.equal(
      await post(`/plants/DAY/conduits/${ids.conduit}`, "plant_engineer_own", {
        intent: "review-rule",
        ruleId: String(kokRule.id),
      }),
      404,
      "DAY's engineer cannot review a KOK conduit's rule through a DAY conduit"
    );
    const wiring = await fetch(`${server.url}/api/conduits/${kokConduit.id}/alert-wiring`, {
      method: "POST",
      headers: { Cookie: cookies.plant_engineer_own, Origin: server.url, "Content-Type": "application/json" },
      body: "{}",
    });
    await wiring.arrayBuffer();
    assert.equal(wiring.status, 403, "DAY's engineer may not wire alerts on a KOK conduit through the API");
    const scoped = await fetch(`${server.url}/api/plants`, {
      headers: { Authorization: `Bearer ${bearer.plant_engineer_day}` },
    });
    const listed = (await scoped.json()) as { plants: { code: string; detail: string }[] };
    assert.deepEqual(
      listed.plants.map((p) => `${p.code}:${p.detail}`),
      ["DAY:full"],
      "a DAY-scoped token lists DAY alone"
    );
    assert.equal(await unchangedProblem(before), null, "nothing changed");
  });

  it("sends people only to this site's pages after signing in, however the address is disguised", async () => {
    // Browsers drop tabs and newlines from an address and read a backslash as "/": each of these leaves the site.
    const offsite = [
      "/\t/evil.example/",
      "/\n/evil.example/",
      "/\r\n/evil.example/",
      "/\t\\evil.example/",
      "//evil.example/",
      "https://evil.example/",
    ];
    for (const redirectTo of offsite) {
      const signIn = await fetch(`${server.url}/login`, {
        method: "POST",
        headers: { Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email: ACCOUNTS.executive.email, password: TEST_PASSWORD, redirectTo }),
        redirect: "manual",
      });
      await signIn.arrayBuffer();
      assert.equal(signIn.status, 302, `signing in with redirectTo ${JSON.stringify(redirectTo)} succeeds`);
      assert.equal(
        signIn.headers.get("Location"),
        homePath(ACCOUNTS.executive.role),
        `signing in with redirectTo ${JSON.stringify(redirectTo)} goes home`
      );
      const signedIn = await fetch(`${server.url}/login?redirectTo=${encodeURIComponent(redirectTo)}`, {
        headers: { Cookie: cookies.executive },
        redirect: "manual",
      });
      await signedIn.arrayBuffer();
      assert.equal(
        signedIn.headers.get("Location"),
        homePath(ACCOUNTS.executive.role),
        `a signed-in visit with redirectTo ${JSON.stringify(redirectTo)} goes home`
      );
    }
    const local = await fetch(`${server.url}/login?redirectTo=${encodeURIComponent("/plants/DAY?kind=plc")}`, {
      headers: { Cookie: cookies.executive },
      redirect: "manual",
    });
    await local.arrayBuffer();
    assert.equal(local.headers.get("Location"), "/plants/DAY?kind=plc", "a local redirectTo is honoured");
  });
});
