import type { LoaderFunctionArgs } from "@remix-run/node";
import { calendarResponse, feedActor, windowsCalendar } from "~/models/calendar-feeds.server";
import { getDb } from "~/utils/db.server";

// GET /feeds/:token/windows.ics: the program's outage windows for calendar clients that carry no session. The
// token stands for its person, with their current permissions; an unknown, revoked or inactive person's token
// is a plain 404, the same for each, so the answer does not tell which.
export async function loader({ params }: LoaderFunctionArgs) {
  const db = getDb();
  const actor = await feedActor(db, params.token);
  const body = actor && (await windowsCalendar(db, actor, { name: "Segmentation program outage windows" }));
  if (!body) return notFound();
  return calendarResponse(body, "program-windows.ics");
}

function notFound(): Response {
  return new Response("No such calendar feed.", {
    status: 404,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}
