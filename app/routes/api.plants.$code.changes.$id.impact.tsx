import type { LoaderFunctionArgs } from "@remix-run/node";
import { getPlantChange, loadCutoverImpact } from "~/models/cutover-impact.server";
import { requireApiPermission } from "~/http/auth.server";
import { apiPlant, jsonError } from "~/http/window-api.server";
import { getDb } from "~/utils/db.server";

// GET /api/plants/:code/changes/:id/impact: what a conduit cutover is predicted to block (docs/api.md): the counts,
// the busiest 200 flows with their examples and acknowledgements, why it cannot be marked done yet (null when it
// can), and for a done cutover the flows it seems to have stopped. For those who read the plant in full.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, plant } = await apiPlant(request, params.code);
  requireApiPermission(actor, "read:plant", plant.id);
  const id = /^\d{1,9}$/.test(params.id ?? "") ? Number(params.id) : null;
  const db = getDb();
  const change = id === null ? null : await getPlantChange(db, plant.id, id);
  if (!change) return jsonError(404, `Plant ${plant.code} has no change “${params.id ?? ""}”.`);
  const impact = await loadCutoverImpact(db, change, plant.time_zone);
  if (!impact) return jsonError(404, `Change ${change.id} is not a conduit cutover: it blocks no flow.`);
  const acknowledged = new Map(impact.acknowledgements.map((a) => [a.flowKey, a]));
  return Response.json({
    change: { id: change.id, title: change.title, status: change.status, doneAt: change.doneAt },
    conduit: impact.conduit,
    total: impact.counts.total,
    unacknowledged: impact.counts.unacknowledged,
    blocked: impact.blocked,
    flows: impact.prediction.flows.map((flow) => {
      const a = acknowledged.get(flow.key);
      return {
        ...flow,
        acknowledgement: a ? { decision: a.decision, reason: a.reason, by: a.by, at: a.at } : null,
      };
    }),
    stopped: impact.stopped,
  });
}
