import type { ActionFunctionArgs } from "@remix-run/node";
import { scheduleChange } from "~/models/network-changes.server";
import { requireApiPermission } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { ActError } from "~/utils/errors";
import { apiPlant, instantOf, readJsonObject, refusalResponse } from "~/http/window-api.server";

// POST /api/plants/:code/changes: schedule a network change into a confirmed outage window of the plant
// (docs/api.md). plannedStart as a UTC instant or plant-local { date, time, offset? }; 201 with the change; 409
// with every reason the scheduling rules give; 400 naming the field for malformed input.
export async function action({ request, params }: ActionFunctionArgs) {
  try {
    const { actor, plant } = await apiPlant(request, params.code);
    requireApiPermission(actor, "schedule:change", plant.id);
    const fields = await readJsonObject(request);
    const id = (key: string, required: boolean): number | null => {
      const value = fields[key];
      if (value === undefined || value === null) {
        if (required) throw new ActError(400, `${key}: required.`, key);
        return null;
      }
      if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
        throw new ActError(400, `${key}: a positive whole number.`, key);
      }
      return value;
    };
    const windowId = id("windowId", true)!;
    const plannedStart = instantOf(fields, "plannedStart", "plannedStartLocal", plant.time_zone);
    if (plannedStart === undefined) {
      throw new ActError(
        400,
        "plannedStart: give plannedStart (an instant or plant-local { date, time, offset? }).",
        "plannedStart"
      );
    }
    const change = await scheduleChange(getDb(), actor, {
      plantId: plant.id,
      windowId,
      kind: typeof fields.kind === "string" ? fields.kind : String(fields.kind ?? ""),
      title: typeof fields.title === "string" ? fields.title : "",
      conduitId: id("conduitId", false),
      assetId: id("assetId", false),
      plannedStart,
      plannedMinutes: typeof fields.plannedMinutes === "number" ? fields.plannedMinutes : Number.NaN,
    });
    return Response.json({ change }, { status: 201 });
  } catch (error) {
    return refusalResponse(error);
  }
}
