import assert from "node:assert/strict";
import { after, before } from "node:test";
import { createTestDatabase, type TestDatabase, databaseEnv } from "./database";
import { createPerson, signInOverHttp } from "./people";
import { startServer, type RunningServer } from "./server";

// The notification pages' site, through the real server over HTTP as a browser without JavaScript uses it, on a
// real SQLite file. Notifications and outbox messages are inserted as the notifier writes them (those tables are the
// interface between it and the pages). Two plants are inserted before the server starts, so it seeds nothing.

export let test: TestDatabase;
export let server: RunningServer;
export const plant: Record<"AAA" | "BBB", number> = { AAA: 0, BBB: 0 };
export const person = { engA: 0, engB: 0, lead: 0, exec: 0, admin: 0 };
export const cookie = { engA: "", engB: "", lead: "", exec: "", admin: "" };

export type Fields = Record<string, string | string[]>;

let factSeq = 0;
export async function notify(
  personId: number,
  input: { title: string; plantId?: number | null; kind?: string; createdAt?: string; read?: boolean }
): Promise<number> {
  factSeq += 1;
  const { id } = await test.db
    .insertInto("notification")
    .values({
      person_id: personId,
      kind: input.kind ?? "signoff.needed",
      plant_id: input.plantId ?? null,
      fact_key: `test|${factSeq}`,
      title: input.title,
      body: `Body of ${input.title}.`,
      href: "/plants/AAA#signoffs",
      urgent: 0,
      created_at: input.createdAt ?? new Date(Date.UTC(2026, 11, 1, 8, factSeq)).toISOString(),
      read_at: input.read ? new Date().toISOString() : null,
      digested_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

export async function outbox(input: {
  channel: "email" | "webhook";
  personId?: number | null;
  status: "pending" | "sending" | "sent" | "failed" | "kept";
  subject: string;
  lastError?: string;
  attempts?: number;
}): Promise<number> {
  factSeq += 1;
  const now = new Date().toISOString();
  const { id } = await test.db
    .insertInto("outbox_message")
    .values({
      channel: input.channel,
      idempotency_key: `test|${factSeq}`,
      person_id: input.personId ?? null,
      endpoint_id: null,
      notification_id: null,
      kind: "digest",
      recipient: input.channel === "email" ? "someone@pages.test" : "https://hooks.example/x",
      subject: input.subject,
      text_body: `Text of ${input.subject}\nLine two.`,
      html_body: null,
      payload: null,
      status: input.status,
      attempts: input.attempts ?? 0,
      next_attempt_at: now,
      claimed_until: null,
      last_error: input.lastError ?? null,
      created_at: now,
      sent_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

/** The site every notification page test reads: two plants, five people signed in, the real server. */
export function useNotificationSite(): void {
  before(async () => {
    test = await createTestDatabase();
    const now = new Date().toISOString();
    for (const [code, name, zone] of [
      ["AAA", "Alder Works", "America/Phoenix"],
      ["BBB", "Birch Assembly", "Europe/Berlin"],
    ] as const) {
      const { id } = await test.db
        .insertInto("plant")
        .values({ code, name, time_zone: zone, region: "West", site: name, created_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      plant[code] = id;
    }
    person.engA = await createPerson(test.db, {
      email: "eng.a@pages.test",
      role: "plant_engineer",
      plantIds: [plant.AAA],
    });
    person.engB = await createPerson(test.db, {
      email: "eng.b@pages.test",
      role: "plant_engineer",
      plantIds: [plant.BBB],
    });
    person.lead = await createPerson(test.db, { email: "lead@pages.test", role: "program_lead" });
    person.exec = await createPerson(test.db, { email: "exec@pages.test", role: "executive" });
    person.admin = await createPerson(test.db, { email: "admin@pages.test", role: "admin" });
    server = await startServer({ ...databaseEnv(test.file) });
    for (const [key, email] of [
      ["engA", "eng.a@pages.test"],
      ["engB", "eng.b@pages.test"],
      ["lead", "lead@pages.test"],
      ["exec", "exec@pages.test"],
      ["admin", "admin@pages.test"],
    ] as const) {
      cookie[key] = await signInOverHttp(server.url, email);
    }
  });

  after(async () => {
    await server?.stop();
    const { closeDb } = await import("../../app/utils/db.server");
    await closeDb();
    await test?.cleanup();
  });
}

/** The page's text as a reader gets it: entities decoded, React's text separators gone. */
export function readable(html: string): string {
  return html
    .replace(/<!-- -->/g, "")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

export async function getPage(who: string, target: string): Promise<{ status: number; html: string }> {
  const response = await fetch(`${server.url}${target}`, { headers: { Cookie: who }, redirect: "manual" });
  return { status: response.status, html: readable(await response.text()) };
}

export function post(who: string, target: string, fields: Fields) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
  }
  return fetch(`${server.url}${target}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url, Cookie: who },
    body,
    redirect: "manual",
  });
}

/** The page a successful act redirects to, read with the confirmation cookie it was given. */
export async function pageAfter(who: string, response: Response): Promise<string> {
  assert.equal(response.status, 302, `the act went through (${response.status})`);
  await response.arrayBuffer();
  const flash = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const page = await getPage(`${who}; ${flash}`, response.headers.get("location") ?? "");
  assert.equal(page.status, 200);
  return page.html;
}

export async function audits(action: string) {
  return test.db.selectFrom("audit_event").selectAll().where("action", "=", action).orderBy("seq").execute();
}

export function unreadLabel(html: string): string | null {
  return /aria-label="(Notifications, \d+ unread)"/.exec(html)?.[1] ?? null;
}
