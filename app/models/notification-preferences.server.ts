import { isNotificationKind, preferenceKey, type Preferences } from "~/domain/notifications";
import type { Executor } from "~/utils/db.server";

// Each person's stored choices of what they are told on which channel (only those differing from the default).

const CHUNK = 500;

/** The choices of each of these people (an empty map for one who changed nothing). */
export async function loadPreferences(db: Executor, personIds: readonly number[]): Promise<Map<number, Preferences>> {
  const ids = [...new Set(personIds)];
  const result = new Map<number, Map<string, boolean>>(ids.map((id) => [id, new Map()]));
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom("notification_preference")
      .select(["person_id", "kind", "channel", "enabled"])
      .where("person_id", "in", ids.slice(i, i + CHUNK))
      .execute();
    for (const row of rows) {
      if (!isNotificationKind(row.kind)) continue;
      result.get(row.person_id)!.set(preferenceKey(row.kind, row.channel), row.enabled === 1);
    }
  }
  return result;
}
