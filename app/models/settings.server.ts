import type { BaselineSettings } from "~/domain/baseline";
import { can } from "~/domain/permissions";
import { recordAudit } from "~/models/audit.server";
import { SETTING_KEYS, settingsProblem } from "~/domain/settings";
import { loadSettings } from "~/models/readiness.server";
import type { Actor } from "~/utils/actor";
import type { DB } from "~/utils/db.server";
import { ActError } from "~/utils/errors";

export async function updateSettings(
  db: DB,
  actor: Actor,
  next: BaselineSettings,
  now: Date = new Date()
): Promise<void> {
  if (!can(actor, "edit:settings")) throw new ActError(403, "Only a program lead changes the program's thresholds.");
  const problem = settingsProblem(next);
  if (problem) throw new ActError(400, problem.message, problem.field);
  await db.transaction().execute(async (tx) => {
    const before = await loadSettings(tx);
    const changed = (Object.keys(SETTING_KEYS) as (keyof BaselineSettings)[]).filter(
      (field) => before[field] !== next[field]
    );
    if (changed.length === 0) throw new ActError(400, "Nothing changed.");
    for (const field of changed) {
      await tx
        .insertInto("program_setting")
        .values({ key: SETTING_KEYS[field], value: String(next[field]), updated_at: now.toISOString() })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value: String(next[field]), updated_at: now.toISOString() }))
        .execute();
    }
    await recordAudit(
      tx,
      actor,
      {
        action: "settings.update",
        objectType: "program_setting",
        objectId: null,
        plantId: null,
        summary: `${actor.name} changed ${changed.join(", ")}`,
        before: Object.fromEntries(changed.map((f) => [f, before[f]])),
        after: Object.fromEntries(changed.map((f) => [f, next[f]])),
      },
      now
    );
  });
}
