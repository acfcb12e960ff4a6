import type { LoaderFunctionArgs } from "@remix-run/node";
import { rollupDocument } from "~/domain/rollup-export";
import type { Rollup } from "~/domain/rollup";
import { loadRollup } from "~/http/readiness-cache.server";
import { requireApiActor, requireApiPermission } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";

// GET /api/rollup: the program rollup behind /dashboard (docs/api.md). A token limited to some plants sees
// the rollup of those plants only.

/** Each rollup's document, written once: the server keeps a rollup while nothing changes, and so its answer. */
const written = new WeakMap<Rollup, string>();

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireApiActor(request);
  requireApiPermission(actor, "read:program");
  const rollup = await loadRollup(getDb(), new Date(), actor.plantScope);
  let body = written.get(rollup);
  if (body === undefined) {
    body = JSON.stringify(rollupDocument(rollup));
    written.set(rollup, body);
  }
  return new Response(body, {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}
