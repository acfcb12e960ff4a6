import type { LoaderFunctionArgs } from "@remix-run/node";
import { calendarResponse, windowsCalendar } from "~/models/calendar-feeds.server";
import { requireApiPermission } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { apiPlant, refusalResponse } from "~/http/window-api.server";

// GET /api/plants/:code/windows.ics: the plant's outage windows as iCalendar, for a session or a bearer token.
export async function loader({ request, params }: LoaderFunctionArgs) {
  try {
    const { actor, plant } = await apiPlant(request, params.code);
    requireApiPermission(actor, "read:program", plant.id);
    const body = await windowsCalendar(getDb(), actor, { plantId: plant.id, name: `${plant.code} outage windows` });
    if (body === null)
      return Response.json({ error: `No plant in the program has the code “${params.code ?? ""}”.` }, { status: 404 });
    return calendarResponse(body, `${plant.code.toLowerCase()}-windows.ics`);
  } catch (error) {
    return refusalResponse(error);
  }
}
