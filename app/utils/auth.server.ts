import { createCookie, data, redirect } from "@remix-run/node";
import { can, type Permission } from "~/domain/permissions";
import { isOneOf, ROLE_LABELS, ROLES, type Role } from "~/domain/vocabulary";
import { recordAudit } from "~/models/audit.server";
import type { Actor } from "~/utils/actor";
import { getDb, type Executor } from "~/utils/db.server";
import { decoyHash, randomSecret, sha256, verifyPassword } from "~/utils/password.server";

// Sign-in, server-side sessions, API tokens, and the guards every loader and action calls.

export const SESSION_HOURS = 12;

function secureCookies(): boolean {
  const flag = process.env.COOKIE_SECURE;
  if (flag === "true" || flag === "false") return flag === "true";
  return process.env.NODE_ENV === "production";
}

const sessionCookie = createCookie("tracker_session", {
  httpOnly: true,
  sameSite: "lax",
  path: "/",
  maxAge: SESSION_HOURS * 3600,
  get secure() {
    return secureCookies();
  },
});

/**
 * Whether the browser will refuse the session cookie on this request: browsers keep a Secure cookie only from
 * HTTPS pages, or from this machine's own names (localhost, 127.0.0.1, ::1) which they trust as if they were.
 */
export function sessionCookieRefusedOver(request: Request): boolean {
  if (!secureCookies()) return false;
  const url = new URL(request.url);
  if (url.protocol !== "http:") return false;
  const host = url.hostname.toLowerCase();
  return !(host === "localhost" || host.endsWith(".localhost") || host === "127.0.0.1" || host === "[::1]");
}

async function sessionSecret(request: Request): Promise<string | null> {
  const value: unknown = await sessionCookie.parse(request.headers.get("Cookie"));
  return typeof value === "string" && /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : null;
}

function actorLabel(name: string, role: Role): string {
  return `${name} (${ROLE_LABELS[role].toLowerCase()})`;
}

async function assignedPlants(db: Executor, personId: number): Promise<number[]> {
  const rows = await db.selectFrom("person_plant").select("plant_id").where("person_id", "=", personId).execute();
  return rows.map((row) => row.plant_id);
}

/** The signed-in person behind the request's session cookie, or null. */
export async function getUser(request: Request): Promise<Actor | null> {
  const secret = await sessionSecret(request);
  if (!secret) return null;
  const db = getDb();
  const row = await db
    .selectFrom("session as s")
    .innerJoin("person as p", "p.id", "s.person_id")
    .select(["p.id", "p.name", "p.email", "p.role"])
    .where("s.id_hash", "=", sha256(secret))
    .where("s.revoked_at", "is", null)
    .where("s.expires_at", ">", new Date().toISOString())
    .where("p.active", "=", 1)
    .executeTakeFirst();
  if (!row || !isOneOf(ROLES, row.role)) return null;
  return {
    kind: "person",
    personId: row.id,
    tokenId: null,
    name: row.name,
    email: row.email,
    role: row.role,
    label: actorLabel(row.name, row.role),
    assignedPlantIds: await assignedPlants(db, row.id),
    plantScope: null,
  };
}

/** The signed-in person, or a redirect to the sign-in page that comes back here afterwards. */
export async function requireUser(request: Request): Promise<Actor> {
  const user = await getUser(request);
  if (user) return user;
  const url = new URL(request.url);
  const back = `${url.pathname}${url.search}`;
  throw redirect(back === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(back)}`);
}

/** Refuses with 403 unless the actor holds the permission (on the plant, when one is named). */
export function requirePermission(actor: Actor, permission: Permission, plantId?: number): void {
  if (!can(actor, permission, plantId)) {
    throw data(`Your role (${ROLE_LABELS[actor.role].toLowerCase()}) may not do this here.`, { status: 403 });
  }
}

export async function requireUserWith(request: Request, permission: Permission, plantId?: number): Promise<Actor> {
  const user = await requireUser(request);
  requirePermission(user, permission, plantId);
  return user;
}

/** Only local paths are honoured after sign-in, so the form cannot be used to bounce people elsewhere. */
export function safeRedirect(target: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof target !== "string" || !target.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) {
    return fallback;
  }
  // Browsers drop tabs and newlines from addresses and read "\" as "/": "/\t/evil.example" leaves the site.
  // Read the target as a browser would and keep only what stays on this origin.
  const base = "http://tracker.invalid";
  let url: URL;
  try {
    url = new URL(target, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

// ——— sign-in with throttling ———

const THROTTLE_WINDOW_MINUTES = 15;
const FREE_FAILURES_PER_ACCOUNT = 5;
const FREE_FAILURES_PER_ADDRESS = 20;
const MAX_DELAY_SECONDS = 15 * 60;

/** Seconds to wait after `failures` recent failures, doubling from 15 s once the free attempts are used. */
export function throttleDelaySeconds(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(15 * 2 ** (failures - free), MAX_DELAY_SECONDS);
}

async function retryAfterSeconds(db: Executor, column: "email" | "ip", value: string, free: number, now: Date) {
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MINUTES * 60_000).toISOString();
  const row = await db
    .selectFrom("login_attempt")
    .select((eb) => [eb.fn.countAll<number>().as("failures"), eb.fn.max("at").as("last")])
    .where(column, "=", value)
    .where("succeeded", "=", 0)
    .where("at", ">", since)
    .executeTakeFirstOrThrow();
  const delay = throttleDelaySeconds(Number(row.failures), free);
  if (delay === 0 || !row.last) return 0;
  const wait = Math.ceil((new Date(String(row.last)).getTime() + delay * 1000 - now.getTime()) / 1000);
  return Math.max(0, wait);
}

export type SignInResult =
  | { ok: true; setCookie: string; role: Role }
  | { ok: false; status: 401 | 429; message: string; retryAfter?: number };

export async function signIn(
  request: Request,
  input: { email: string; password: string; ip: string },
  now: Date = new Date()
): Promise<SignInResult> {
  const db = getDb();
  const email = input.email.trim().toLowerCase();
  const wait = Math.max(
    await retryAfterSeconds(db, "email", email, FREE_FAILURES_PER_ACCOUNT, now),
    await retryAfterSeconds(db, "ip", input.ip, FREE_FAILURES_PER_ADDRESS, now)
  );
  if (wait > 0) {
    return {
      ok: false,
      status: 429,
      retryAfter: wait,
      message: `Too many failed sign-ins. Wait ${wait} seconds and try again.`,
    };
  }

  const person = await db
    .selectFrom("person")
    .select(["id", "name", "role", "active", "password_hash"])
    .where("email", "=", email)
    .executeTakeFirst();
  const usable = person && person.active === 1 && person.password_hash && isOneOf(ROLES, person.role);
  const matches = await verifyPassword(input.password, usable ? person.password_hash! : await decoyHash());
  const succeeded = Boolean(usable && matches);

  const previous = await sessionSecret(request);
  const secret = randomSecret();
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto("login_attempt")
      .values({ email, ip: input.ip, at: now.toISOString(), succeeded: succeeded ? 1 : 0 })
      .execute();
    if (!succeeded || !person) return;
    // A session id that existed before sign-in is never promoted: it is revoked and a new one issued.
    if (previous)
      await tx
        .updateTable("session")
        .set({ revoked_at: now.toISOString() })
        .where("id_hash", "=", sha256(previous))
        .where("revoked_at", "is", null)
        .execute();
    await tx
      .insertInto("session")
      .values({
        id_hash: sha256(secret),
        person_id: person.id,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + SESSION_HOURS * 3600_000).toISOString(),
        revoked_at: null,
        ip: input.ip,
        user_agent: request.headers.get("User-Agent")?.slice(0, 300) ?? null,
      })
      .execute();
    const role = person.role as Role;
    await recordAudit(
      tx,
      { personId: person.id, tokenId: null, label: actorLabel(person.name, role) },
      {
        action: "session.sign_in",
        objectType: "person",
        objectId: person.id,
        plantId: null,
        summary: `${person.name} signed in`,
      },
      now
    );
  });
  if (!succeeded || !person) {
    return { ok: false, status: 401, message: "That email and password do not match an active account." };
  }
  return { ok: true, setCookie: await sessionCookie.serialize(secret), role: person.role as Role };
}

// ——— pruning ———

/** Sign-in attempts are kept a day, though the throttle reads only the last THROTTLE_WINDOW_MINUTES of them. */
const ATTEMPTS_KEPT_HOURS = 24;

/**
 * Deletes the sign-in records nothing reads any more: attempts older than a day, and expired sessions except each
 * person's latest (it dates their last sign-in on /admin). Both deletes read an index (see the sign-in pruning
 * migration); the server runs this at start and every hour in each worker.
 */
export async function pruneSignInRecords(
  db: Executor,
  now: Date = new Date()
): Promise<{ attempts: number; sessions: number }> {
  const attempts = await db
    .deleteFrom("login_attempt")
    .where("at", "<", new Date(now.getTime() - ATTEMPTS_KEPT_HOURS * 3600_000).toISOString())
    .executeTakeFirst();
  const sessions = await db
    .deleteFrom("session")
    .where("expires_at", "<", now.toISOString())
    .where((eb) =>
      eb(
        "session.created_at",
        "<",
        eb
          .selectFrom("session as newer")
          .select((sub) => sub.fn.max("newer.created_at").as("at"))
          .whereRef("newer.person_id", "=", "session.person_id")
      )
    )
    .executeTakeFirst();
  return { attempts: Number(attempts.numDeletedRows), sessions: Number(sessions.numDeletedRows) };
}

/** Revokes the request's session and returns the header that clears the cookie. */
export async function signOut(request: Request): Promise<string> {
  const secret = await sessionSecret(request);
  const user = await getUser(request);
  if (secret && user) {
    await getDb()
      .transaction()
      .execute(async (tx) => {
        await tx
          .updateTable("session")
          .set({ revoked_at: new Date().toISOString() })
          .where("id_hash", "=", sha256(secret))
          .execute();
        await recordAudit(tx, user, {
          action: "session.sign_out",
          objectType: "person",
          objectId: user.personId,
          plantId: null,
          summary: `${user.name} signed out`,
        });
      });
  }
  return sessionCookie.serialize("", { maxAge: 0 });
}

// ——— API tokens ———

export const TOKEN_PREFIX = "stk_";

/** A new token's secret: shown once, stored only as its sha256. */
export function newTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomSecret(32)}`;
}

async function tokenActor(bearer: string): Promise<Actor | null> {
  const db = getDb();
  const token = await db
    .selectFrom("api_token")
    .select(["id", "name", "role"])
    .where("token_hash", "=", sha256(bearer))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (!token || !isOneOf(ROLES, token.role)) return null;
  const plants = await db.selectFrom("api_token_plant").select("plant_id").where("token_id", "=", token.id).execute();
  const plantIds = plants.map((row) => row.plant_id);
  await db
    .updateTable("api_token")
    .set({ last_used_at: new Date().toISOString() })
    .where("id", "=", token.id)
    .execute();
  return {
    kind: "token",
    personId: null,
    tokenId: token.id,
    name: token.name,
    email: null,
    role: token.role,
    label: `API token “${token.name}” (${ROLE_LABELS[token.role].toLowerCase()})`,
    // A plant engineer's token reaches the plants it names, as the person's assignments would.
    assignedPlantIds: plantIds,
    plantScope: plantIds.length > 0 ? plantIds : null,
  };
}

function apiError(status: number, message: string): Response {
  return Response.json(
    { error: message },
    { status, headers: status === 401 ? { "WWW-Authenticate": 'Bearer realm="api"' } : {} }
  );
}

/** For `/api/*`: a bearer token or a session; 401 JSON otherwise, never a redirect. */
export async function requireApiActor(request: Request): Promise<Actor> {
  const header = request.headers.get("Authorization");
  if (header !== null) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const actor = match ? await tokenActor(match[1]!) : null;
    if (!actor) throw apiError(401, "The bearer token is missing, malformed, revoked or unknown.");
    return actor;
  }
  const user = await getUser(request);
  if (!user) throw apiError(401, "Sign in or send an API token as “Authorization: Bearer …”.");
  return user;
}

export function requireApiPermission(actor: Actor, permission: Permission, plantId?: number): void {
  if (!can(actor, permission, plantId)) {
    throw apiError(
      403,
      `This ${actor.kind === "token" ? "token" : "account"} (${ROLE_LABELS[
        actor.role
      ].toLowerCase()}) may not do this here.`
    );
  }
}
