import { isKnownZone } from "~/domain/notification-settings";
import {
  CHANNELS,
  DEFAULT_DIGEST_TIME,
  DIGEST_TIME_PATTERN,
  NOTIFICATION_KINDS,
  preferenceKey,
  wants,
} from "~/domain/notifications";
import { recordAudit } from "~/models/audit.server";
import type { Actor } from "~/utils/actor";
import type { DB, Executor } from "~/utils/db.server";
import { ActError, FieldsRefused } from "~/utils/errors";
import { checkFields } from "~/utils/forms.server";

// Each person's notification choices: which kinds reach them on which channel, and when (and in which zone) their
// daily digest is sent. Stored choices are only those that differ from the default (every kind on, 07:00).

export interface NotificationSettings {
  digestTime: string;
  /** Their own zone; null: their first plant's, else UTC. */
  timeZone: string | null;
  /** "kind|channel" of every choice that is on. */
  enabled: string[];
}

export async function loadNotificationSettings(db: Executor, personId: number): Promise<NotificationSettings> {
  const [person, stored] = await Promise.all([
    db.selectFrom("person").select(["digest_time", "time_zone"]).where("id", "=", personId).executeTakeFirst(),
    db
      .selectFrom("notification_preference")
      .select(["kind", "channel", "enabled"])
      .where("person_id", "=", personId)
      .execute(),
  ]);
  if (!person) throw new ActError(404, "No such person.");
  const preferences = new Map(stored.map((row) => [`${row.kind}|${row.channel}`, row.enabled === 1]));
  return {
    digestTime: person.digest_time || DEFAULT_DIGEST_TIME,
    timeZone: person.time_zone,
    enabled: NOTIFICATION_KINDS.flatMap((kind) =>
      CHANNELS.filter((channel) => wants(preferences, kind, channel)).map((channel) => preferenceKey(kind, channel))
    ),
  };
}

/** Every plant's time zone, once each: what a digest's zone is chosen from. */
export async function plantZones(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom("plant").select("time_zone").distinct().orderBy("time_zone").execute();
  return rows.map((row) => row.time_zone);
}

/** Saves the person's own choices in one audited transaction, with what they were and what they are now. */
export async function saveNotificationSettings(
  db: DB,
  actor: Actor,
  next: NotificationSettings,
  now: Date = new Date()
): Promise<void> {
  const personId = actor.personId;
  if (personId === null) throw new ActError(403, "Only a person has notification choices.");
  const problems: Record<string, string[]> = {};
  if (!DIGEST_TIME_PATTERN.test(next.digestTime)) problems.digestTime = ["Write the time as HH:MM, e.g. 07:00."];
  if (next.timeZone !== null && !isKnownZone(next.timeZone)) problems.timeZone = ["Choose a time zone from the list."];
  if (Object.keys(problems).length > 0) {
    throw new FieldsRefused(checkFields(Object.keys(problems).length), problems);
  }
  const enabled = new Set(next.enabled);
  const off = NOTIFICATION_KINDS.flatMap((kind) =>
    CHANNELS.map((channel) => preferenceKey(kind, channel)).filter((key) => !enabled.has(key))
  );
  await db.transaction().execute(async (tx) => {
    const before = await loadNotificationSettings(tx, personId);
    const beforeOff = NOTIFICATION_KINDS.flatMap((kind) =>
      CHANNELS.map((channel) => preferenceKey(kind, channel)).filter((key) => !before.enabled.includes(key))
    );
    const same =
      before.digestTime === next.digestTime &&
      before.timeZone === next.timeZone &&
      beforeOff.join(",") === off.join(",");
    if (same) throw new ActError(400, "Nothing changed: your choices are as they were.");
    await tx
      .updateTable("person")
      .set({ digest_time: next.digestTime, time_zone: next.timeZone })
      .where("id", "=", personId)
      .execute();
    await tx.deleteFrom("notification_preference").where("person_id", "=", personId).execute();
    if (off.length > 0) {
      await tx
        .insertInto("notification_preference")
        .values(
          off.map((key) => {
            const [kind, channel] = key.split("|") as [string, "app" | "email"];
            return { person_id: personId, kind, channel, enabled: 0 };
          })
        )
        .execute();
    }
    await recordAudit(
      tx,
      actor,
      {
        action: "notification.preferences",
        objectType: "person",
        objectId: personId,
        plantId: null,
        summary: `${actor.name} changed their notification choices`,
        before: { digestTime: before.digestTime, timeZone: before.timeZone, off: beforeOff },
        after: { digestTime: next.digestTime, timeZone: next.timeZone, off },
      },
      now
    );
  });
}
