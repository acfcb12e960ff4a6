import type { LoaderFunctionArgs } from "@remix-run/node";
import { DateTime } from "luxon";
import { readinessDocument } from "~/domain/readiness";
import { readinessOf } from "~/http/readiness-cache.server";
import { requireApiActor, requireApiPermission } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { findPlant } from "~/http/plant-guard.server";

// GET /api/plants/:code/readiness[?at=ISO-8601]: one PlantReadiness document (docs/api.md).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireApiActor(request);
  requireApiPermission(actor, "read:program");
  const rawAt = new URL(request.url).searchParams.get("at");
  const at = rawAt === null ? DateTime.utc() : DateTime.fromISO(rawAt, { setZone: true });
  if (!at.isValid)
    return Response.json({ error: `at: “${rawAt}” is not an ISO-8601 date or instant.` }, { status: 400 });
  const db = getDb();
  const plant = await findPlant(params.code);
  if (!plant || (actor.plantScope && !actor.plantScope.includes(plant.id))) {
    return Response.json({ error: `No plant in the program has the code “${params.code ?? ""}”.` }, { status: 404 });
  }
  const [readiness] = await readinessOf(db, at.toUTC().toISO(), [plant.code]);
  // `at` is when the figures were computed: for "now", the server may answer with figures up to five minutes old when nothing changed since.
  return Response.json({ at: readiness!.at, ...readinessDocument(readiness!) });
}
