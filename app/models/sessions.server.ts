import { isOneOf, ROLE_LABELS, ROLES, type Role } from "~/domain/vocabulary";
import { recordAudit } from "~/models/audit.server";
import type { Actor } from "~/utils/actor";
import { randomSecret, sha256 } from "~/utils/crypto.server";
import type { DB, Executor } from "~/utils/db.server";
import { decoyHash, verifyPassword } from "~/utils/password.server";

// Who is behind a credential: server-side sessions, sign-in attempts (and their throttle) and API tokens. Secrets
// are stored only as their sha256. The cookie that carries a session's secret is the request side's business
// (app/http/auth.server.ts); everything that reads or writes these tables is here.

export const SESSION_HOURS = 12;

function actorLabel(name: string, role: Role): string {
  return `${name} (${ROLE_LABELS[role].toLowerCase()})`;
}

async function assignedPlants(db: Executor, personId: number): Promise<number[]> {
  const rows = await db.selectFrom("person_plant").select("plant_id").where("person_id", "=", personId).execute();
  return rows.map((row) => row.plant_id);
}

/** The active person whose unrevoked, unexpired session has this secret, or null. */
export async function sessionActor(db: Executor, secret: string, now: Date = new Date()): Promise<Actor | null> {
  const row = await db
    .selectFrom("session as s")
    .innerJoin("person as p", "p.id", "s.person_id")
    .select(["p.id", "p.name", "p.email", "p.role"])
    .where("s.id_hash", "=", sha256(secret))
    .where("s.revoked_at", "is", null)
    .where("s.expires_at", ">", now.toISOString())
    .where("p.active", "=", 1)
    .executeTakeFirst();
  if (!row || !isOneOf(ROLES, row.role)) return null;
  return personActor(db, { ...row, role: row.role });
}

/** An active person as the actor of a request, with their plants as they stand now. */
export async function personActor(
  db: Executor,
  person: { id: number; name: string; email: string; role: Role },
  label = actorLabel(person.name, person.role)
): Promise<Actor> {
  return {
    kind: "person",
    personId: person.id,
    tokenId: null,
    name: person.name,
    email: person.email,
    role: person.role,
    label,
    assignedPlantIds: await assignedPlants(db, person.id),
    plantScope: null,
  };
}

// ——— sign-in with throttling ———

const THROTTLE_WINDOW_MINUTES = 15;
const FREE_FAILURES_PER_ACCOUNT = 5;
const FREE_FAILURES_PER_ADDRESS = 20;
const MAX_DELAY_SECONDS = 15 * 60;

/** Seconds to wait after `failures` recent failures, doubling from 15 s once the free attempts are used. */
function throttleDelaySeconds(failures: number, free: number): number {
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

export interface SignInInput {
  email: string;
  password: string;
  ip: string;
  /** The secret of a session the browser already carried: never promoted, revoked on sign-in. */
  previousSecret: string | null;
  userAgent: string | null;
}

export type SessionSignIn =
  | { ok: true; secret: string; role: Role }
  | { ok: false; status: 401 | 429; message: string; retryAfter?: number };

/**
 * Checks an email and password (throttled per account and per address), records the attempt, and on success opens
 * a session (revoking the one the browser carried) with its audit event, in one transaction. Returns the new
 * session's secret for the cookie.
 */
export async function signInWithPassword(db: DB, input: SignInInput, now: Date = new Date()): Promise<SessionSignIn> {
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

  const previous = input.previousSecret;
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
        user_agent: input.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
    const role = person.role;
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
  return { ok: true, secret, role: person.role };
}

/** Revokes the session with this secret, audited as the person's sign-out, in one transaction. */
export async function revokeSession(db: DB, actor: Actor, secret: string, now: Date = new Date()): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable("session")
      .set({ revoked_at: now.toISOString() })
      .where("id_hash", "=", sha256(secret))
      .execute();
    await recordAudit(
      tx,
      actor,
      {
        action: "session.sign_out",
        objectType: "person",
        objectId: actor.personId,
        plantId: null,
        summary: `${actor.name} signed out`,
      },
      now
    );
  });
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

// ——— API tokens ———

const TOKEN_PREFIX = "stk_";

/** A new token's secret: shown once, stored only as its sha256. */
export function newTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomSecret(32)}`;
}

/** The actor behind an unrevoked API token, or null; notes the token's last use. */
export async function tokenActor(db: Executor, bearer: string, now: Date = new Date()): Promise<Actor | null> {
  const token = await db
    .selectFrom("api_token")
    .select(["id", "name", "role"])
    .where("token_hash", "=", sha256(bearer))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (!token || !isOneOf(ROLES, token.role)) return null;
  const plants = await db.selectFrom("api_token_plant").select("plant_id").where("token_id", "=", token.id).execute();
  const plantIds = plants.map((row) => row.plant_id);
  await db.updateTable("api_token").set({ last_used_at: now.toISOString() }).where("id", "=", token.id).execute();
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
