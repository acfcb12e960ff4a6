import type { LoaderFunctionArgs } from "@remix-run/node";
import { can } from "~/domain/permissions";
import { listPlantSummaries } from "~/models/plants.server";
import { readinessOf } from "~/models/readiness.server";
import { requireApiActor, requireApiPermission } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";

// GET /api/plants: every plant the caller may see, with its phase, gate statuses and forecast.
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireApiActor(request);
  requireApiPermission(actor, "read:program");
  const db = getDb();
  const at = new Date().toISOString();
  const plants = (await listPlantSummaries(db)).filter(
    (plant) => !actor.plantScope || actor.plantScope.includes(plant.id)
  );
  const readiness = new Map(
    (
      await readinessOf(
        db,
        at,
        plants.map((p) => p.code)
      )
    ).map((r) => [r.code, r])
  );
  // When the figures were computed: for "now", the server may answer with figures up to five minutes old when nothing changed since.
  const computedAt = [...readiness.values()].reduce((earliest, r) => (r.at < earliest ? r.at : earliest), at);
  return Response.json({
    at: computedAt,
    plants: plants.map((plant) => {
      const r = readiness.get(plant.code);
      return {
        code: plant.code,
        name: plant.name,
        site: plant.site,
        region: plant.region,
        timeZone: plant.timeZone,
        phase: plant.phase,
        targetAlerting: plant.targetAlerting,
        forecastLive: r?.forecastLive ?? null,
        gates: r?.gates.map((g) => ({ phase: g.phase, status: g.status })) ?? [],
        counts: { assets: plant.assetCount, zones: plant.zoneCount, conduits: plant.conduitCount },
        detail: can(actor, "read:plant", plant.id) ? "full" : "summary",
      };
    }),
  });
}
