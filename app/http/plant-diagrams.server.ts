import type { DiagramConduit, DiagramInput, DiagramZone } from "~/domain/diagram-layout";
import type { PartState } from "~/domain/signoffs";
import type { PlantReadiness } from "~/domain/readiness";
import { conduitSignoffStates, listConduitDetails } from "~/models/conduits.server";
import { listDiagramZones } from "~/models/diagrams.server";
import { countViolations } from "~/models/triage.server";
import { can } from "~/domain/permissions";
import { requirePermission, requireUser } from "~/http/auth.server";
import { requirePlant } from "~/http/plant-guard.server";
import { readinessOf } from "~/http/readiness-cache.server";
import type { getDb } from "~/utils/db.server";

// What a plant's diagram draws, for every page that draws one: its zones, and its conduits with their track and
// baseline (from the readiness cache), their stale signoffs, open wrong flows and design review findings.

type Db = ReturnType<typeof getDb>;

/** The facts of one conduit a diagram needs, as the pages load them. */
export interface ConduitDiagramFacts {
  id: number;
  name: string;
  zoneAId: number;
  zoneBId: number;
  parts: readonly PartState[];
  openViolations: number;
}

/**
 * A plant's diagram from its zones, its conduits and its readiness. The one place that fills in each conduit's
 * design review findings (errors and warnings), which the diagram marks.
 */
export function diagramOf(
  zones: readonly DiagramZone[],
  conduits: readonly ConduitDiagramFacts[],
  readiness: PlantReadiness
): DiagramInput {
  const trackOf = new Map(readiness.conduits.map((c) => [c.id, c]));
  return {
    zones: zones.map(({ id, name, kind, purdueLevel, slTarget, assetCount }) => ({
      id,
      name,
      kind,
      purdueLevel,
      slTarget,
      assetCount,
    })),
    conduits: conduits.flatMap((conduit): DiagramConduit[] => {
      const track = trackOf.get(conduit.id);
      if (!track) return [];
      return [
        {
          id: conduit.id,
          name: conduit.name,
          zoneAId: conduit.zoneAId,
          zoneBId: conduit.zoneBId,
          state: track.state,
          baseline: track.baseline.status,
          staleSignoffs: conduit.parts.filter((part) => part.status === "stale").length,
          openViolations: conduit.openViolations,
          designErrors: track.findings.filter((finding) => finding.severity === "error").length,
          designWarnings: track.findings.filter((finding) => finding.severity === "warning").length,
        },
      ];
    }),
  };
}

/**
 * The diagrams of several plants (a page of them), read with one query per kind of fact for them all, their tracks
 * from the readiness cache. Each plant's diagram under its code, with the instant its readiness was computed.
 */
export async function loadPlantDiagrams(
  db: Db,
  plants: readonly { id: number; code: string }[],
  at: string
): Promise<Map<string, { diagram: DiagramInput; computedAt: string }>> {
  const ids = plants.map((plant) => plant.id);
  const [readiness, zones, details, violations] = await Promise.all([
    readinessOf(
      db,
      at,
      plants.map((plant) => plant.code)
    ),
    listDiagramZones(db, ids),
    listConduitDetails(db, ids),
    countViolations(db, ids),
  ]);
  const states = await conduitSignoffStates(db, ids, details);
  const readinessOfCode = new Map(readiness.map((r) => [r.code, r]));
  const diagrams = new Map<string, { diagram: DiagramInput; computedAt: string }>();
  for (const plant of plants) {
    const plantReadiness = readinessOfCode.get(plant.code);
    if (!plantReadiness) continue;
    const conduits = details
      .filter((detail) => detail.plantId === plant.id)
      .map((detail) => ({
        id: detail.id,
        name: detail.name,
        zoneAId: detail.zoneAId,
        zoneBId: detail.zoneBId,
        parts: states.get(detail.id)?.parts ?? [],
        openViolations: violations.get(detail.id)?.open ?? 0,
      }));
    diagrams.set(plant.code, {
      diagram: diagramOf(
        zones.filter((zone) => zone.plantId === plant.id),
        conduits,
        plantReadiness
      ),
      computedAt: plantReadiness.at,
    });
  }
  return diagrams;
}

/**
 * The reader and the plant of a diagram's address. As on the plant page: every reader of the program sees a plant's
 * zones and conduits; those who read the plant in full (`read:plant`) also get the links to its assets and conduits.
 */
export async function requireDiagramReader(request: Request, code: string | undefined) {
  const user = await requireUser(request);
  requirePermission(user, "read:program");
  const plant = await requirePlant(code);
  return { user, plant, full: can(user, "read:plant", plant.id) };
}
