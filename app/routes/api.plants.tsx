import type { LoaderFunctionArgs } from "@remix-run/node";
import { can } from "~/domain/permissions";
import { listPlantSummaries } from "~/models/plants.server";
import { requireApiActor, requireApiPermission } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";

// GET /api/plants: every plant the caller may see, with its phase and object counts.
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireApiActor(request);
  requireApiPermission(actor, "read:program");
  const plants = (await listPlantSummaries(getDb())).filter(
    (plant) => !actor.plantScope || actor.plantScope.includes(plant.id),
  );
  return Response.json({
    at: new Date().toISOString(),
    plants: plants.map((plant) => ({
      code: plant.code,
      name: plant.name,
      site: plant.site,
      region: plant.region,
      timeZone: plant.timeZone,
      phase: plant.phase,
      targetAlerting: plant.targetAlerting,
      counts: { assets: plant.assetCount, zones: plant.zoneCount, conduits: plant.conduitCount },
      detail: can(actor, "read:plant", plant.id) ? "full" : "summary",
    })),
  });
}
