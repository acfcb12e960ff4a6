import type { LoaderFunctionArgs } from "@remix-run/node";
import { calendarResponse, feedActor, windowsCalendar } from "~/models/calendar-feeds.server";
import { getDb } from "~/utils/db.server";
import { findPlant } from "~/http/plant-guard.server";

// GET /feeds/:token/plants/:code.ics: one plant's outage windows for calendar clients that carry no session.
// Unknown, revoked or inactive tokens, unknown plants and plants the person may not read are all the same 404.
export async function loader({ params }: LoaderFunctionArgs) {
  const db = getDb();
  const actor = await feedActor(db, params.token);
  // The segment is ":code.ics" as a whole (React Router params span whole segments): strip the extension.
  const segment = params["code.ics"] ?? params.code ?? "";
  const code = segment.toLowerCase().endsWith(".ics") ? segment.slice(0, -4) : segment;
  const plant = actor ? await findPlant(code) : undefined;
  const body =
    actor && plant && (await windowsCalendar(db, actor, { plantId: plant.id, name: `${plant.code} outage windows` }));
  if (!body || !plant) {
    return new Response("No such calendar feed.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  return calendarResponse(body, `${plant.code.toLowerCase()}-windows.ics`);
}
