import type { ActionFunctionArgs } from "@remix-run/node";
import { recordChangeOutcome } from "~/models/change-outcomes.server";
import { requireApiPermission } from "~/http/auth.server";
import { apiPlant, instantOf, readJsonObject, refusalResponse } from "~/http/window-api.server";
import { getDb } from "~/utils/db.server";
import { ActError } from "~/utils/errors";

// POST /api/plants/:code/changes/:id/outcomes: how one attempt at a change came out (docs/api.md). `outcome` as_planned
// | with_issues | rolled_back | not_done, `actualStart` and `actualEnd` as instants or plant-local { date, time,
// offset? } (as actualStartLocal, actualEndLocal), `note`. 201 with the change and the outcome; 400 naming the field;
// 409 with every reason (a cutover held by a stop under review names the stop and links it in `reasons[].href`).
export async function action({ request, params }: ActionFunctionArgs) {
  try {
    const { actor, plant } = await apiPlant(request, params.code);
    requireApiPermission(actor, "schedule:change", plant.id);
    const changeId = Number(params.id);
    if (!/^\d{1,12}$/.test(params.id ?? "") || !Number.isSafeInteger(changeId) || changeId <= 0) {
      throw new ActError(404, `changeId: there is no change “${(params.id ?? "").slice(0, 40)}”.`, "changeId");
    }
    const fields = await readJsonObject(request);
    const actualStart = instantOf(fields, "actualStart", "actualStartLocal", plant.time_zone) ?? null;
    const actualEnd = instantOf(fields, "actualEnd", "actualEndLocal", plant.time_zone) ?? null;
    const done = await recordChangeOutcome(getDb(), actor, {
      plantId: plant.id,
      changeId,
      outcome: fields.outcome,
      actualStart,
      actualEnd,
      note: fields.note,
    });
    return Response.json(done, { status: 201 });
  } catch (error) {
    return refusalResponse(error);
  }
}
