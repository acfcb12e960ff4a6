import type { Insertable, Transaction } from "kysely";
import type { Database, OutboxMessageTable } from "../../db/schema";
import {
  clip,
  composeDigest,
  composeImmediateEmail,
  composeWebhookPayload,
  MAX_BODY_LENGTH,
  MAX_HREF_LENGTH,
  MAX_TITLE_LENGTH,
  WEBHOOK_FORMATS,
  type MessageItem,
} from "~/domain/notification-messages";
import {
  isNotificationKind,
  NOTIFICATION_KINDS,
  personZone,
  wants,
  digestDayDue,
  type Notice,
  type NotificationKind,
  type Preferences,
} from "~/domain/notifications";
import { can } from "~/domain/permissions";
import { isOneOf, ROLES, type Role } from "~/domain/vocabulary";
import { loadPreferences } from "~/models/notification-preferences.server";
import type { DB, Executor } from "~/utils/db.server";

// The outbox's way in: notices become each person's stored notifications, and the messages that carry them (an
// urgent one's e-mail at once, a webhook post per endpoint and fact, each person's daily digest) are composed and
// written as pending outbox rows in the same transaction. Unique keys make every step safe to repeat: a fact is
// told to a person once, mailed once, posted to an endpoint once, and a person gets one digest per local day.

/**
 * The address every link in a message starts with: PUBLIC_URL (the tracker's address as its users reach it, e.g.
 * https://tracker.example.com), else http://localhost:<PORT, or 3000>.
 */
export function publicBaseUrl(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const raw = env.PUBLIC_URL?.trim();
  if (raw) {
    let protocol = "";
    try {
      protocol = new URL(raw).protocol;
    } catch {
      // reported below
    }
    if (protocol !== "http:" && protocol !== "https:")
      throw new Error(`PUBLIC_URL must be an absolute http:// or https:// address, not “${raw}”.`);
    return raw.replace(/\/+$/, "");
  }
  const port = env.PORT?.trim();
  return `http://localhost:${port && /^\d+$/.test(port) && port !== "0" ? port : "3000"}`;
}

const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export interface RecordCounts {
  notifications: number;
  emails: number;
  webhooks: number;
}

interface ActiveEndpoint {
  id: number;
  url: string;
  plantId: number | null;
  kinds: ReadonlySet<string>;
  format: (typeof WEBHOOK_FORMATS)[number];
}

function parseKinds(json: string): Set<string> {
  try {
    const value: unknown = JSON.parse(json);
    return new Set(Array.isArray(value) ? value.filter((kind) => isNotificationKind(kind)) : []);
  } catch {
    return new Set();
  }
}

async function activeEndpoints(db: Executor): Promise<ActiveEndpoint[]> {
  const rows = await db
    .selectFrom("webhook_endpoint")
    .select(["id", "url", "plant_id", "kinds", "format"])
    .where("active", "=", 1)
    .orderBy("id")
    .execute();
  return rows
    .filter((row) => isOneOf(WEBHOOK_FORMATS, row.format))
    .map((row) => ({
      id: row.id,
      url: row.url,
      plantId: row.plant_id,
      kinds: parseKinds(row.kinds),
      format: row.format,
    }));
}

/** The stored (bounded) text of a notice. */
function boundedNotice(notice: Notice): Notice {
  return {
    ...notice,
    title: clip(notice.title, MAX_TITLE_LENGTH),
    body: clip(notice.body, MAX_BODY_LENGTH),
    href: clip(notice.href, MAX_HREF_LENGTH),
  };
}

function messageItem(notice: Notice, createdAt: string): MessageItem {
  return {
    kind: notice.kind,
    plantCode: notice.plantCode,
    title: notice.title,
    body: notice.body,
    href: notice.href,
    urgent: notice.urgent,
    createdAt,
  };
}

/** What differs between outbox messages; the rest of a new row is the same for all. */
type NewMessage = Omit<
  Insertable<OutboxMessageTable>,
  "status" | "attempts" | "next_attempt_at" | "claimed_until" | "last_error" | "created_at" | "sent_at"
>;

/** Queues a message, due at once, unless one with its idempotency key exists. Whether it was new. */
async function queueMessage(tx: Transaction<Database>, message: NewMessage, at: string): Promise<boolean> {
  const row = await tx
    .insertInto("outbox_message")
    .values({
      ...message,
      subject: clip(message.subject, MAX_TITLE_LENGTH),
      status: "pending",
      next_attempt_at: at,
      claimed_until: null,
      last_error: null,
      created_at: at,
      sent_at: null,
    })
    .onConflict((oc) => oc.column("idempotency_key").doNothing())
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Stores the notices and their messages, in one transaction: see recordNoticesIn. Returns how many notifications,
 * e-mails and webhook posts were new.
 */
export async function recordNotices(db: DB, notices: readonly Notice[], now: Date): Promise<RecordCounts> {
  const baseUrl = publicBaseUrl();
  return db.transaction().execute((tx) => recordNoticesIn(tx, notices, now, baseUrl));
}

/**
 * Within the caller's transaction: each notice becomes the person's notification unless they may not read its
 * plant, want its kind on neither channel, or already were told the fact; a new urgent one they want by e-mail gets its e-mail at once (and
 * stays out of the digest); every active endpoint taking the kind, program-wide or at the notice's plant, gets one
 * post per fact, whoever the fact concerns.
 */
export async function recordNoticesIn(
  tx: Transaction<Database>,
  notices: readonly Notice[],
  now: Date,
  baseUrl: string
): Promise<RecordCounts> {
  const counts: RecordCounts = { notifications: 0, emails: 0, webhooks: 0 };
  if (notices.length === 0) return counts;
  const at = now.toISOString();
  const unique = new Map<string, Notice>();
  for (const notice of notices) unique.set(`${notice.personId}|${notice.factKey}`, boundedNotice(notice));

  const personIds = [...new Set([...unique.values()].map((notice) => notice.personId))];
  const people = new Map((await loadRecipients(tx, { ids: personIds })).map((person) => [person.id, person]));
  const preferences = await loadPreferences(tx, [...people.keys()]);

  for (const notice of unique.values()) {
    const person = people.get(notice.personId);
    const chosen = preferences.get(notice.personId);
    // Never tell anyone of a plant they may not read.
    if (!person || !chosen || !mayRead(person, notice.plantId)) continue;
    const byEmail = wants(chosen, notice.kind, "email");
    if (!wants(chosen, notice.kind, "app") && !byEmail) continue;
    const inserted = await tx
      .insertInto("notification")
      .values({
        person_id: notice.personId,
        kind: notice.kind,
        plant_id: notice.plantId,
        fact_key: notice.factKey,
        title: notice.title,
        body: notice.body,
        href: notice.href,
        urgent: notice.urgent ? 1 : 0,
        created_at: at,
        read_at: null,
        digested_at: null,
      })
      .onConflict((oc) => oc.columns(["person_id", "fact_key"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) continue;
    counts.notifications += 1;
    if (!notice.urgent || !byEmail || person.email.trim() === "") continue;
    const message = composeImmediateEmail(messageItem(notice, at), baseUrl);
    const queued = await queueMessage(
      tx,
      {
        channel: "email",
        idempotency_key: `email|notice|${inserted.id}`,
        person_id: notice.personId,
        endpoint_id: null,
        notification_id: inserted.id,
        kind: notice.kind,
        recipient: person.email,
        subject: message.subject,
        text_body: message.text,
        html_body: message.html,
        payload: null,
      },
      at
    );
    if (!queued) continue;
    counts.emails += 1;
    // Mailed already: the digest does not tell it again.
    await tx.updateTable("notification").set({ digested_at: at }).where("id", "=", inserted.id).execute();
  }

  counts.webhooks = await queueWebhooks(tx, [...unique.values()], at, baseUrl);
  return counts;
}

async function queueWebhooks(
  tx: Transaction<Database>,
  notices: readonly Notice[],
  at: string,
  baseUrl: string
): Promise<number> {
  const endpoints = await activeEndpoints(tx);
  if (endpoints.length === 0) return 0;
  const facts = new Map<string, Notice>();
  for (const notice of notices) if (!facts.has(notice.factKey)) facts.set(notice.factKey, notice);
  let queued = 0;
  for (const endpoint of endpoints) {
    for (const fact of facts.values()) {
      if (!endpoint.kinds.has(fact.kind)) continue;
      if (endpoint.plantId !== null && endpoint.plantId !== fact.plantId) continue;
      const payload = JSON.stringify(
        composeWebhookPayload(endpoint.format, { ...messageItem(fact, at), factKey: fact.factKey }, baseUrl)
      );
      const row = await queueMessage(
        tx,
        {
          channel: "webhook",
          idempotency_key: `webhook|${endpoint.id}|${fact.factKey}`,
          person_id: null,
          endpoint_id: endpoint.id,
          notification_id: null,
          kind: fact.kind,
          recipient: endpoint.url,
          subject: fact.title,
          text_body: `${fact.title}\n${fact.body}`,
          html_body: null,
          payload,
        },
        at
      );
      if (row) queued += 1;
    }
  }
  return queued;
}

// ——— the daily digest ———

/** An active person as their notifications and digest need them. */
export interface Recipient {
  id: number;
  name: string;
  email: string;
  role: Role;
  assignedPlantIds: number[];
  digestTime: string;
  /** The zone their digest time is read in: their own, else their first plant's, else UTC. */
  zone: string;
}

async function personRows(db: Executor, which: { ids?: readonly number[]; email?: string }) {
  const query = db
    .selectFrom("person")
    .select(["id", "name", "email", "role", "digest_time", "time_zone"])
    .where("active", "=", 1)
    .orderBy("id");
  if (which.email !== undefined) return query.where("email", "=", which.email.trim().toLowerCase()).execute();
  if (which.ids === undefined) return query.execute();
  const rows = [];
  for (const ids of chunks(which.ids)) rows.push(...(await query.where("id", "in", ids).execute()));
  return rows;
}

/** The active people (only those with these ids, or with this e-mail address, when given), with their plants. */
async function loadRecipients(db: Executor, which: { ids?: readonly number[]; email?: string }): Promise<Recipient[]> {
  const rows = await personRows(db, which);
  const plants = new Map<number, { ids: number[]; firstZone: string | null }>();
  for (const ids of chunks(rows.map((row) => row.id))) {
    const assigned = await db
      .selectFrom("person_plant as pp")
      .innerJoin("plant as p", "p.id", "pp.plant_id")
      .select(["pp.person_id", "p.id", "p.time_zone"])
      .where("pp.person_id", "in", ids)
      .orderBy("p.id")
      .execute();
    for (const row of assigned) {
      const entry = plants.get(row.person_id) ?? { ids: [], firstZone: row.time_zone };
      entry.ids.push(row.id);
      plants.set(row.person_id, entry);
    }
  }
  return rows.flatMap((row) => {
    if (!isOneOf(ROLES, row.role)) return [];
    const assigned = plants.get(row.id);
    return [
      {
        id: row.id,
        name: row.name,
        email: row.email,
        role: row.role,
        assignedPlantIds: assigned?.ids ?? [],
        digestTime: row.digest_time,
        zone: personZone(row.time_zone, assigned?.firstZone ?? null),
      },
    ];
  });
}

/** The active people with an e-mail address (only the one with `email`, when given): whom digests go to. */
export async function loadDigestPeople(db: Executor, email?: string): Promise<Recipient[]> {
  return (await loadRecipients(db, { email })).filter((person) => person.email.trim() !== "");
}

/** Whether the person may read what a notification at this plant tells (a program-wide one: anyone told it). */
export function mayRead(person: Recipient, plantId: number | null): boolean {
  return (
    plantId === null ||
    can({ role: person.role, assignedPlantIds: person.assignedPlantIds, plantScope: null }, "read:plant", plantId)
  );
}

/** The kinds the person wants by e-mail. */
function emailKinds(preferences: Preferences): NotificationKind[] {
  return NOTIFICATION_KINDS.filter((kind) => wants(preferences, kind, "email"));
}

/**
 * What the person's next digest holds: their notifications not yet carried by e-mail, of kinds they want by
 * e-mail, at plants they may still read, oldest first.
 */
export async function digestItems(
  db: Executor,
  person: Recipient,
  preferences: Preferences
): Promise<{ id: number; item: MessageItem }[]> {
  const kinds = emailKinds(preferences);
  if (kinds.length === 0) return [];
  const rows = await db
    .selectFrom("notification as n")
    .leftJoin("plant as p", "p.id", "n.plant_id")
    .select(["n.id", "n.kind", "n.plant_id", "p.code", "n.title", "n.body", "n.href", "n.urgent", "n.created_at"])
    .where("n.person_id", "=", person.id)
    .where("n.digested_at", "is", null)
    .where("n.kind", "in", kinds)
    .orderBy("n.created_at")
    .orderBy("n.id")
    .execute();
  return rows.flatMap((row) =>
    isNotificationKind(row.kind) && mayRead(person, row.plant_id)
      ? [
          {
            id: row.id,
            item: {
              kind: row.kind,
              plantCode: row.code,
              title: row.title,
              body: row.body,
              href: row.href,
              urgent: row.urgent === 1,
              createdAt: row.created_at,
            },
          },
        ]
      : []
  );
}

/** The notifier_state row holding the local day of the person's last digest. */
function digestStateName(personId: number): string {
  return `digest_day|${personId}`;
}

/** Sets one of the notifier's remembered values (its audit cursor, its last full pass, a person's digest day). */
export async function setNotifierState(tx: Transaction<Database>, name: string, value: string): Promise<void> {
  await tx
    .insertInto("notifier_state")
    .values({ name, value })
    .onConflict((oc) => oc.column("name").doUpdateSet({ value }))
    .execute();
}

/**
 * Writes the digest of every person whose digest time has come in their zone today and who has not had today's:
 * one pending e-mail per person and local day (none when nothing waits; that day is then over for them, so what
 * arrives later waits for the next morning), marking what it carries as digested. One transaction. Returns how many
 * digests were written.
 */
export async function enqueueDigests(db: DB, now: Date): Promise<number> {
  const baseUrl = publicBaseUrl();
  return db.transaction().execute(async (tx) => {
    const people = await loadDigestPeople(tx);
    if (people.length === 0) return 0;
    const lastDays = new Map(
      (
        await tx.selectFrom("notifier_state").select(["name", "value"]).where("name", "like", "digest_day|%").execute()
      ).map((row) => [row.name, row.value])
    );
    const due = people.flatMap((person) => {
      const day = digestDayDue(now, person.zone, person.digestTime, lastDays.get(digestStateName(person.id)) ?? null);
      return day ? [{ person, day }] : [];
    });
    if (due.length === 0) return 0;
    const preferences = await loadPreferences(
      tx,
      due.map(({ person }) => person.id)
    );
    const at = now.toISOString();
    let written = 0;
    for (const { person, day } of due) {
      await setNotifierState(tx, digestStateName(person.id), day);
      const items = await digestItems(tx, person, preferences.get(person.id) ?? new Map());
      if (items.length === 0) continue;
      const message = composeDigest(
        person,
        day,
        items.map(({ item }) => item),
        baseUrl
      );
      const row = await queueMessage(
        tx,
        {
          channel: "email",
          idempotency_key: `email|digest|${person.id}|${day}`,
          person_id: person.id,
          endpoint_id: null,
          notification_id: null,
          kind: "digest",
          recipient: person.email,
          subject: message.subject,
          text_body: message.text,
          html_body: message.html,
          payload: null,
        },
        at
      );
      if (!row) continue;
      written += 1;
      for (const ids of chunks(items.map(({ id }) => id))) {
        await tx.updateTable("notification").set({ digested_at: at }).where("id", "in", ids).execute();
      }
    }
    return written;
  });
}
