import { DEFAULT_BASELINE_SETTINGS, SETTING_KEYS, type BaselineSettings } from "~/domain/baseline";
import type { Executor } from "~/utils/db.server";

// The program's baseline thresholds as stored, apart from the readiness model that judges with them: the Zeek
// ingest reads them too, and a command that ingests should not load everything readiness needs.

export async function loadSettings(db: Executor): Promise<BaselineSettings> {
  const rows = await db.selectFrom("program_setting").select(["key", "value"]).execute();
  const stored = new Map(rows.map((row) => [row.key, Number(row.value)]));
  const settings = { ...DEFAULT_BASELINE_SETTINGS };
  for (const [field, key] of Object.entries(SETTING_KEYS) as [keyof BaselineSettings, string][]) {
    const value = stored.get(key);
    if (value !== undefined && Number.isFinite(value)) settings[field] = value;
  }
  return settings;
}
