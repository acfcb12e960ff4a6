import type { BaselineThresholds } from "~/domain/baseline";
import { baselineMoments, historyEntryOf, historyPage, type HistoryEntry } from "~/domain/plant-history";
import type { PlantReadiness } from "~/domain/readiness";
import { countPlantHistory, listPlantHistory } from "~/models/plant-history.server";
import { getDb } from "~/utils/db.server";

/**
 * A slice of a plant's history, newest first: its acts from the audit trail, and the moments its current baselines
 * matured or stalled, derived from the evidence (readiness), merged by time.
 */
export async function plantHistorySlice(
  plant: { id: number; time_zone: string },
  readiness: PlantReadiness,
  thresholds: BaselineThresholds,
  slice: { offset: number; limit: number }
): Promise<{ entries: HistoryEntry[]; total: number }> {
  const derived = baselineMoments(
    readiness.conduits.map((c) => ({
      id: c.id,
      name: c.name,
      matureOn: c.baseline.matureOn,
      stalledOn: c.baseline.stalledOn,
    })),
    plant.time_zone,
    thresholds
  );
  const db = getDb();
  const [count, events] = await Promise.all([
    countPlantHistory(db, plant.id),
    listPlantHistory(db, plant.id, slice.offset + slice.limit),
  ]);
  return {
    entries: historyPage(events.map(historyEntryOf), derived, slice.offset, slice.limit),
    total: count + derived.length,
  };
}
