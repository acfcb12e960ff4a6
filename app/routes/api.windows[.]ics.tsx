import type { LoaderFunctionArgs } from "@remix-run/node";
import { calendarResponse, windowsCalendar } from "~/models/calendar-feeds.server";
import { requireApiActor, requireApiPermission } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { refusalResponse } from "~/http/window-api.server";

// GET /api/windows.ics: every outage window the caller may see (all plants, or a token's plants) as iCalendar.
export async function loader({ request }: LoaderFunctionArgs) {
  try {
    const actor = await requireApiActor(request);
    requireApiPermission(actor, "read:program");
    const body = await windowsCalendar(getDb(), actor, { name: "Segmentation program outage windows" });
    if (body === null) return Response.json({ error: "No outage windows for this caller." }, { status: 404 });
    return calendarResponse(body, "program-windows.ics");
  } catch (error) {
    return refusalResponse(error);
  }
}
