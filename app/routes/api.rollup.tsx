import type { LoaderFunctionArgs } from "@remix-run/node";
import { rollupDocument } from "~/domain/rollup-export";
import { loadRollup } from "~/http/readiness-cache.server";
import { requireApiActor, requireApiPermission } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";

// GET /api/rollup: the program rollup behind /dashboard (docs/api.md). A token limited to some plants sees
// the rollup of those plants only.
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireApiActor(request);
  requireApiPermission(actor, "read:program");
  const rollup = await loadRollup(getDb(), new Date(), actor.plantScope);
  return Response.json(rollupDocument(rollup), { headers: { "Cache-Control": "no-store" } });
}
