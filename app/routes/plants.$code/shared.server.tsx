import type { BaselineEvidenceRow } from "~/components/BaselineEvidence";
import type { PlantReadiness } from "~/domain/readiness";
import { diagramOf } from "~/http/plant-diagrams.server";
import { assetBreakdown, listZones } from "~/models/plants.server";
import { conduitSignoffStates, listConduitDetails } from "~/models/conduits.server";
import { listIngestAnomalies } from "~/models/evidence.server";
import { listWindows } from "~/models/outage-windows.server";
import { loadSettings } from "~/models/readiness.server";
import { countStagedHosts, countViolations } from "~/models/triage.server";
import { plantHistorySlice } from "~/http/plant-history.server";
import { keptPerChange } from "~/http/kept-per-change.server";
import type { getDb } from "~/utils/db.server";

// What the plant page shows the same to every reader who sees the plant as much (in full, or as a summary): zones
// and conduits, the baselines and their numbers, the assets by kind and zone, the next windows, the recent history,
// and the counts of the lists on pages of their own. Read once per change of the plant: the key is the
// instant its readiness was computed, which every audited change of the plant (and of the settings) renews, and
// which is at most five minutes old (windows and ages move with the clock).

/** The outage windows to come the page names; the rest are on the windows page. */
const NEXT_WINDOWS = 3;
/** The allowed flows of each conduit the conduits table names; the conduit's page lists them all. */
const SHOWN_FLOWS = 3;
/** The newest history entries the page shows; the rest are on the history page. */
const RECENT_HISTORY = 3;

const sections = keptPerChange<SharedSections>(200);

export type SharedSections = Awaited<ReturnType<typeof compute>>;

export function sharedSections(
  db: ReturnType<typeof getDb>,
  plant: { id: number; code: string; time_zone: string },
  readiness: PlantReadiness,
  full: boolean
): Promise<SharedSections> {
  return sections(`${plant.code}|${readiness.at}|${full ? "full" : "summary"}`, () =>
    compute(db, plant, readiness, full)
  );
}

async function compute(
  db: ReturnType<typeof getDb>,
  plant: { id: number; code: string; time_zone: string },
  readiness: PlantReadiness,
  full: boolean
) {
  const [zones, conduitDetails, breakdown, settings, violationCounts] = await Promise.all([
    listZones(db, plant.id),
    listConduitDetails(db, plant.id),
    assetBreakdown(db, plant.id),
    loadSettings(db),
    countViolations(db, plant.id),
  ]);
  const thresholds = { matureDays: settings.matureDays, stallDays: settings.stallDays };
  const [conduitStates, hostCounts, upcoming, ingestAnomalies, recentHistory] = await Promise.all([
    conduitSignoffStates(db, plant.id, conduitDetails),
    full ? countStagedHosts(db, plant.id) : null,
    listWindows(db, { plantIds: [plant.id], from: readiness.at, limit: NEXT_WINDOWS }),
    full ? listIngestAnomalies(db, plant.id) : [],
    // Who signed what is the plant's detail, shown to those who see the plant in full.
    full ? plantHistorySlice(plant, readiness, thresholds, { offset: 0, limit: RECENT_HISTORY }) : null,
  ]);
  const trackOf = new Map(readiness.conduits.map((c) => [c.id, c]));
  const conduits = conduitDetails.map((conduit) => ({
    ...conduit,
    flows: conduit.flows.slice(0, SHOWN_FLOWS),
    flowCount: conduit.flows.length,
    parts: conduitStates.get(conduit.id)?.parts ?? [],
    state: trackOf.get(conduit.id)!.state,
  }));
  const baselines: BaselineEvidenceRow[] = conduitDetails
    .filter((conduit) => conduit.monitored)
    .map((conduit) => {
      const { baseline } = trackOf.get(conduit.id)!;
      const wrong = violationCounts.get(conduit.id) ?? { total: 0, open: 0 };
      const first = baseline.epochStart ? Date.parse(`${baseline.epochStart}T00:00:00Z`) : 0;
      return {
        id: conduit.id,
        name: conduit.name,
        status: baseline.status,
        reason: baseline.reason,
        countedDays: baseline.countedDays,
        matureOn: baseline.matureOn,
        earliestMaturity: baseline.earliestMaturity,
        epochStart: baseline.epochStart,
        gaps: baseline.gaps,
        wrongOpen: wrong.open,
        wrongTotal: wrong.total,
        curve: baseline.days.map((d) => ({
          dayNumber: Math.round((Date.parse(`${d.day}T00:00:00Z`) - first) / 86_400_000) + 1,
          newTuples: d.newTuples,
        })),
      };
    });
  const assetCount = breakdown.reduce((sum, cell) => sum + cell.count, 0);
  const shownBreakdown = full ? breakdown : [];
  const windows = upcoming.map((w) => ({
    id: w.id,
    title: w.title,
    kind: w.kind,
    status: w.status,
    localRange: w.localRange,
    changes: w.changes.length,
  }));
  const code = plant.code;
  const diagram = diagramOf(
    zones,
    conduits.map((conduit) => ({ ...conduit, openViolations: violationCounts.get(conduit.id)?.open ?? 0 })),
    readiness
  );
  return {
    /** The props of each section rendered once per change (`RenderedOnce` keys the kept markup on these objects). */
    parts: {
      zones: { plantCode: code, full, zones, conduits, diagram, design: readiness.design },
      baselines: { plantCode: code, rows: baselines, thresholds, timeZone: plant.time_zone },
      numbers: { rows: baselines },
      assets: {
        plantCode: code,
        full,
        breakdown: shownBreakdown,
        zones,
        conduitCount: conduits.length,
        assetCount,
      },
      windows: { plantCode: code, windows },
      history: { plantCode: code, timeZone: plant.time_zone, recent: recentHistory },
    },
    monitored: baselines.length,
    hostCounts,
    violations: full
      ? {
          total: [...violationCounts.values()].reduce((sum, c) => sum + c.total, 0),
          open: [...violationCounts.values()].reduce((sum, c) => sum + c.open, 0),
        }
      : null,
    ingestAnomalies,
    zones: zones.map((zone) => ({ id: zone.id, name: zone.name, assetCount: zone.assetCount })),
    conduitCount: conduits.length,
    recentHistory,
    assetCount,
  };
}
