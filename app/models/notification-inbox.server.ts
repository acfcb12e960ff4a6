import type { ExpressionBuilder } from "kysely";
import type { Database } from "../../db/schema";
import type { PageWindow } from "~/domain/listing";
import { readablePlantIds } from "~/domain/notification-settings";
import { isNotificationKind, KIND_INFO } from "~/domain/notifications";
import { recordAudit } from "~/models/audit.server";
import type { Actor } from "~/utils/actor";
import type { DB, Executor } from "~/utils/db.server";
import { ActError } from "~/utils/errors";

// A person's notifications as the app lists them: only their own, never about a plant they may not read, and not of
// a kind they turned off for the app. The header's unread count, the list, and the acts of reading them.

export type InboxFilter = "all" | "unread";

type NotificationScope = ExpressionBuilder<Database & { n: Database["notification"] }, "n">;

/** The person's own notifications the app may show them (a condition on `notification as n`). */
function shownTo(actor: Actor) {
  const personId = actor.personId ?? -1;
  const plants = readablePlantIds(actor);
  return (eb: NotificationScope) =>
    eb.and([
      eb("n.person_id", "=", personId),
      eb(
        "n.kind",
        "not in",
        eb
          .selectFrom("notification_preference")
          .select("kind")
          .where("person_id", "=", personId)
          .where("channel", "=", "app")
          .where("enabled", "=", 0)
      ),
      ...(plants === null
        ? []
        : [eb.or([eb("n.plant_id", "is", null), ...(plants.length > 0 ? [eb("n.plant_id", "in", plants)] : [])])]),
    ]);
}

/**
 * The header's figures in one query over the person's index: how many notifications are unread, and whether there
 * are any at all (a person without a queue sees the link only then).
 */
export async function notificationBadge(db: Executor, actor: Actor): Promise<{ unread: number; any: boolean }> {
  if (actor.personId === null) return { unread: 0, any: false };
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom("notification as n")
        .select((c) => c.fn.countAll<number>().as("n"))
        .where(shownTo(actor))
        .where("n.read_at", "is", null)
        .as("unread"),
      eb.exists(eb.selectFrom("notification as n").select("n.id").where(shownTo(actor))).as("any"),
    ])
    .executeTakeFirstOrThrow();
  return { unread: Number(row.unread ?? 0), any: Boolean(row.any) };
}

export interface NotificationListing {
  id: number;
  kind: string;
  kindLabel: string;
  plantCode: string | null;
  plantName: string | null;
  timeZone: string | null;
  title: string;
  body: string;
  href: string;
  urgent: boolean;
  createdAt: string;
  readAt: string | null;
}

export async function countNotifications(db: Executor, actor: Actor, filter: InboxFilter): Promise<number> {
  let query = db
    .selectFrom("notification as n")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where(shownTo(actor));
  if (filter === "unread") query = query.where("n.read_at", "is", null);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/** One page of the person's notifications, newest first. */
export async function listNotifications(
  db: Executor,
  actor: Actor,
  filter: InboxFilter,
  window: PageWindow
): Promise<NotificationListing[]> {
  let query = db
    .selectFrom("notification as n")
    .leftJoin("plant as p", "p.id", "n.plant_id")
    .select([
      "n.id",
      "n.kind",
      "n.title",
      "n.body",
      "n.href",
      "n.urgent",
      "n.created_at",
      "n.read_at",
      "p.code",
      "p.name",
      "p.time_zone",
    ])
    .where(shownTo(actor));
  if (filter === "unread") query = query.where("n.read_at", "is", null);
  const rows = await query
    .orderBy("n.created_at", "desc")
    .orderBy("n.id", "desc")
    .limit(window.limit)
    .offset(window.offset)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    kindLabel: isNotificationKind(row.kind) ? KIND_INFO[row.kind].label : row.kind,
    plantCode: row.code,
    plantName: row.name,
    timeZone: row.time_zone,
    title: row.title,
    body: row.body,
    href: row.href,
    urgent: row.urgent === 1,
    createdAt: row.created_at,
    readAt: row.read_at,
  }));
}

/** Marks one of the person's notifications read: one audited act. Another's, or one not shown to them, is 404. */
export async function markNotificationRead(
  db: DB,
  actor: Actor,
  notificationId: number,
  now: Date = new Date()
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const found = await tx
      .selectFrom("notification as n")
      .select(["n.id", "n.title", "n.read_at"])
      .where("n.id", "=", notificationId)
      .where(shownTo(actor))
      .executeTakeFirst();
    if (!found) throw new ActError(404, "That notification is not in your list.");
    if (found.read_at !== null) throw new ActError(409, "That notification is already read.");
    await tx.updateTable("notification").set({ read_at: now.toISOString() }).where("id", "=", notificationId).execute();
    await recordAudit(
      tx,
      actor,
      {
        action: "notification.read",
        objectType: "notification",
        objectId: notificationId,
        plantId: null,
        summary: `${actor.name} read the notification “${found.title.slice(0, 120)}”`,
        before: { readAt: null },
        after: { readAt: now.toISOString() },
      },
      now
    );
  });
}

/** Marks every unread notification the person's list shows read: one audited act, saying how many. Returns that count. */
export async function markAllNotificationsRead(db: DB, actor: Actor, now: Date = new Date()): Promise<number> {
  if (actor.personId === null) throw new ActError(403, "Only a person has notifications.");
  const personId = actor.personId;
  return db.transaction().execute(async (tx) => {
    const result = await tx
      .updateTable("notification as n")
      .set({ read_at: now.toISOString() })
      .where(shownTo(actor))
      .where("n.read_at", "is", null)
      .executeTakeFirst();
    const count = Number(result.numUpdatedRows);
    if (count === 0) throw new ActError(409, "Nothing is unread.");
    await recordAudit(
      tx,
      actor,
      {
        action: "notification.read-all",
        objectType: "person",
        objectId: personId,
        plantId: null,
        summary: `${actor.name} marked ${count} ${count === 1 ? "notification" : "notifications"} read`,
        after: { count },
      },
      now
    );
    return count;
  });
}

export interface KeptEmail {
  id: number;
  subject: string;
  textBody: string;
  createdAt: string;
}

/** The person's e-mails the outbox kept (no mail server configured), where they read them instead. */
function keptEmails(db: Executor, actor: Actor) {
  const plants = readablePlantIds(actor);
  let query = db
    .selectFrom("outbox_message as o")
    .leftJoin("notification as n", "n.id", "o.notification_id")
    .where("o.person_id", "=", actor.personId ?? -1)
    .where("o.channel", "=", "email")
    .where("o.status", "=", "kept");
  if (plants !== null) {
    query = query.where((eb) =>
      eb.or([eb("n.plant_id", "is", null), ...(plants.length > 0 ? [eb("n.plant_id", "in", plants)] : [])])
    );
  }
  return query;
}

export async function countKeptEmails(db: Executor, actor: Actor): Promise<number> {
  const row = await keptEmails(db, actor)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listKeptEmails(db: Executor, actor: Actor, window: PageWindow): Promise<KeptEmail[]> {
  const rows = await keptEmails(db, actor)
    .select(["o.id", "o.subject", "o.text_body", "o.created_at"])
    .orderBy("o.created_at", "desc")
    .orderBy("o.id", "desc")
    .limit(window.limit)
    .offset(window.offset)
    .execute();
  return rows.map((row) => ({ id: row.id, subject: row.subject, textBody: row.text_body, createdAt: row.created_at }));
}
