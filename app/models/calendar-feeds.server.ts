import { calendarFeed, windowUid, type CalendarWindow } from "~/domain/icalendar";
import { can } from "~/domain/permissions";
import { isOneOf, ROLE_LABELS, ROLES } from "~/domain/vocabulary";
import { recordAudit } from "~/models/audit.server";
import { listWindows, readablePlantIds } from "~/models/outage-windows.server";
import { personActor } from "~/models/sessions.server";
import type { Actor } from "~/utils/actor";
import type { DB, Executor } from "~/utils/db.server";
import { ActError } from "~/utils/errors";
import { randomSecret, sha256 } from "~/utils/crypto.server";

// Per-person secret calendar-feed tokens, and the iCalendar feeds of outage windows they (or a session, or an API
// token) open. A feed token stands for its person: the person's current role and plants decide what the feed
// shows, so a person made inactive or moved off a plant stops seeing it at the next refresh.

const FEED_TOKEN_PREFIX = "stf_";
/** How far back a feed reaches: recent history stays in people's calendars, older windows drop out. */
const FEED_HISTORY_DAYS = 90;

export interface FeedTokenSummary {
  id: number;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

function requireFeedOwner(actor: Actor): number {
  if (actor.kind !== "person" || actor.personId === null) {
    throw new ActError(403, "A calendar feed belongs to a person; API tokens cannot hold one.");
  }
  return actor.personId;
}

/** A new feed token for the actor: the secret is returned once and only its sha256 is stored. */
export async function createFeedToken(
  db: DB,
  actor: Actor,
  now: Date = new Date()
): Promise<{ id: number; token: string; prefix: string }> {
  const personId = requireFeedOwner(actor);
  if (!can(actor, "read:program")) {
    throw new ActError(403, `Your role (${ROLE_LABELS[actor.role].toLowerCase()}) does not read outage windows.`);
  }
  const token = `${FEED_TOKEN_PREFIX}${randomSecret(32)}`;
  const prefix = token.slice(0, FEED_TOKEN_PREFIX.length + 6);
  const id = await db.transaction().execute(async (tx) => {
    const { id } = await tx
      .insertInto("calendar_feed")
      .values({
        person_id: personId,
        token_hash: sha256(token),
        prefix,
        created_at: now.toISOString(),
        revoked_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(
      tx,
      actor,
      {
        action: "feed_token.create",
        objectType: "calendar_feed",
        objectId: id,
        plantId: null,
        summary: `${actor.name} created a calendar feed token (${prefix}…)`,
        after: { prefix },
      },
      now
    );
    return id;
  });
  return { id, token, prefix };
}

/** Revokes one of the actor's own feed tokens; someone else's is "not found". */
export async function revokeFeedToken(db: DB, actor: Actor, id: number, now: Date = new Date()): Promise<void> {
  const personId = requireFeedOwner(actor);
  await db.transaction().execute(async (tx) => {
    const feed = await tx
      .selectFrom("calendar_feed")
      .select(["id", "prefix", "revoked_at"])
      .where("id", "=", id)
      .where("person_id", "=", personId)
      .executeTakeFirst();
    if (!feed) throw new ActError(404, "You have no such calendar feed token.", "id");
    if (feed.revoked_at) throw new ActError(409, `The feed token ${feed.prefix}… is already revoked.`, "id");
    await tx.updateTable("calendar_feed").set({ revoked_at: now.toISOString() }).where("id", "=", feed.id).execute();
    await recordAudit(
      tx,
      actor,
      {
        action: "feed_token.revoke",
        objectType: "calendar_feed",
        objectId: feed.id,
        plantId: null,
        summary: `${actor.name} revoked the calendar feed token ${feed.prefix}…`,
        before: { revokedAt: null },
        after: { revokedAt: now.toISOString() },
      },
      now
    );
  });
}

export async function listFeedTokens(db: Executor, personId: number): Promise<FeedTokenSummary[]> {
  const rows = await db
    .selectFrom("calendar_feed")
    .select(["id", "prefix", "created_at", "revoked_at"])
    .where("person_id", "=", personId)
    .orderBy("id", "desc")
    .execute();
  return rows.map((row) => ({ id: row.id, prefix: row.prefix, createdAt: row.created_at, revokedAt: row.revoked_at }));
}

/** The person a feed token stands for, with their current role and plants; null when unknown, revoked or inactive. */
export async function feedActor(db: Executor, token: string | undefined): Promise<Actor | null> {
  if (!token || !/^stf_[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const row = await db
    .selectFrom("calendar_feed as f")
    .innerJoin("person as p", "p.id", "f.person_id")
    .select(["p.id", "p.name", "p.email", "p.role"])
    .where("f.token_hash", "=", sha256(token))
    .where("f.revoked_at", "is", null)
    .where("p.active", "=", 1)
    .executeTakeFirst();
  if (!row || !isOneOf(ROLES, row.role)) return null;
  return personActor(db, { ...row, role: row.role }, `${row.name}'s calendar feed`);
}

/** A calendar client reads the whole feed at every refresh: it holds the first windows from FEED_HISTORY_DAYS ago. */
const FEED_WINDOW_LIMIT = 2000;

/**
 * The iCalendar body of the windows the actor may read: one plant's (`plantId`) or the whole program's, from
 * FEED_HISTORY_DAYS ago on. Null when the actor may not read that plant (or anything).
 */
export async function windowsCalendar(
  db: Executor,
  actor: Actor,
  options: { plantId?: number; name: string },
  now: Date = new Date()
): Promise<string | null> {
  const readable = await readablePlantIds(db, actor);
  const plantIds = options.plantId === undefined ? readable : readable.filter((id) => id === options.plantId);
  if (plantIds.length === 0 && (options.plantId !== undefined || !can(actor, "read:program"))) return null;
  const from = new Date(now.getTime() - FEED_HISTORY_DAYS * 86_400_000).toISOString();
  const windows = await listWindows(db, { plantIds, from, limit: FEED_WINDOW_LIMIT });
  // A listed window holds every field of an event (plant, span, last update); its notes are the description.
  const events: CalendarWindow[] = windows.map((w) => ({ ...w, uid: windowUid(w.id), description: w.notes }));
  return calendarFeed({ name: options.name, windows: events, now: now.toISOString() });
}

/** The answer every feed route gives: text/calendar in UTF-8, not cached by intermediaries. */
export function calendarResponse(body: string, filename: string): Response {
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `inline; filename="${filename}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
