import type { LoaderFunctionArgs } from "@remix-run/node";
import { nextPageHref, parseApiPage } from "~/domain/listing";
import { can } from "~/domain/permissions";
import { listPlantSummaries } from "~/models/plants.server";
import { readinessOf } from "~/http/readiness-cache.server";
import { requireApiActor, requireApiPermission } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";

/** The most plants one answer holds (readiness is computed for each); `next` leads to the rest. */
const MAX_PLANTS = 500;

// GET /api/plants[?limit=&offset=]: the plants the caller may see, by code, with phase, gate statuses and forecast.
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireApiActor(request);
  requireApiPermission(actor, "read:program");
  const url = new URL(request.url);
  const page = parseApiPage(url.searchParams, MAX_PLANTS);
  if ("error" in page) return Response.json({ error: page.error }, { status: 400 });
  const db = getDb();
  const at = new Date().toISOString();
  const visible = (await listPlantSummaries(db)).filter(
    (plant) => !actor.plantScope || actor.plantScope.includes(plant.id)
  );
  const plants = visible.slice(page.offset, page.offset + page.limit);
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
    total: visible.length,
    next: nextPageHref(url, page, visible.length > page.offset + page.limit),
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
