import { createCookie, data, redirect } from "@remix-run/node";
import { can, type Permission } from "~/domain/permissions";
import { ROLE_LABELS, type Role } from "~/domain/vocabulary";
import { revokeSession, sessionActor, SESSION_HOURS, signInWithPassword, tokenActor } from "~/models/sessions.server";
import type { Actor } from "~/utils/actor";
import { getDb } from "~/utils/db.server";

// Sign-in, sessions and API tokens as requests carry them (the cookie, the bearer header), and the guards every
// loader and action calls. The sessions' and tokens' tables are read and written by app/models/sessions.server.ts.

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

/** The signed-in person behind the request's session cookie, or null. */
export async function getUser(request: Request): Promise<Actor | null> {
  const secret = await sessionSecret(request);
  if (!secret) return null;
  return sessionActor(getDb(), secret);
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

export type SignInResult =
  | { ok: true; setCookie: string; role: Role }
  | { ok: false; status: 401 | 429; message: string; retryAfter?: number };

export async function signIn(
  request: Request,
  input: { email: string; password: string; ip: string },
  now: Date = new Date()
): Promise<SignInResult> {
  const result = await signInWithPassword(
    getDb(),
    {
      ...input,
      previousSecret: await sessionSecret(request),
      userAgent: request.headers.get("User-Agent"),
    },
    now
  );
  if (!result.ok) return result;
  return { ok: true, setCookie: await sessionCookie.serialize(result.secret), role: result.role };
}

/** Revokes the request's session and returns the header that clears the cookie. */
export async function signOut(request: Request): Promise<string> {
  const secret = await sessionSecret(request);
  const user = await getUser(request);
  if (secret && user) {
    await revokeSession(getDb(), user, secret);
  }
  return sessionCookie.serialize("", { maxAge: 0 });
}

// ——— API tokens ———

export function apiError(status: number, message: string): Response {
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
    const actor = match ? await tokenActor(getDb(), match[1]!) : null;
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
