import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { nextPageHref, parseApiPage } from "~/domain/listing";
import { withoutFieldName } from "~/domain/field-messages";
import { CreateWindowSchema } from "~/domain/window-schemas";
import { createWindow, listWindows } from "~/models/outage-windows.server";
import { requireApiPermission } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { ActError } from "~/utils/errors";
import { parseJson } from "~/utils/forms.server";
import { apiPlant, instantOf, invalidBody, jsonError, readJsonObject, refusalResponse } from "~/http/window-api.server";

/** The most windows one answer holds; `next` leads to the rest. */
const MAX_WINDOWS = 500;

// GET /api/plants/:code/windows[?from=&to=&limit=&offset=]: the plant's outage windows with their changes.
// POST /api/plants/:code/windows: a new window (docs/api.md). Times as UTC instants (startsAt, endsAt) or as
// plant-local fields (start, end: { date, time, offset? }); 201 with the window.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, plant } = await apiPlant(request, params.code);
  requireApiPermission(actor, "read:program", plant.id);
  const url = new URL(request.url);
  const range: { from?: string; to?: string } = {};
  for (const key of ["from", "to"] as const) {
    const value = url.searchParams.get(key);
    if (value === null) continue;
    if (!Number.isFinite(Date.parse(value))) return jsonError(400, `${key}: “${value}” is not an ISO-8601 instant.`);
    range[key] = value;
  }
  const page = parseApiPage(url.searchParams, MAX_WINDOWS);
  if ("error" in page) return jsonError(400, page.error);
  const read = await listWindows(getDb(), { plantIds: [plant.id], ...range, ...page, limit: page.limit + 1 });
  const windows = read.slice(0, page.limit);
  const next = nextPageHref(url, page, read.length > page.limit);
  return Response.json({ plant: plant.code, timeZone: plant.time_zone, windows, next });
}

export async function action({ request, params }: ActionFunctionArgs) {
  try {
    const { actor, plant } = await apiPlant(request, params.code);
    requireApiPermission(actor, "schedule:window", plant.id);
    const fields = await readJsonObject(request);
    // The same schema as the plant's windows page; the times are read apart (an instant or plant-local fields).
    const parsed = parseJson(CreateWindowSchema, fields, "create-window");
    const times = {
      startsAt: () => instantOf(fields, "startsAt", "start", plant.time_zone),
      endsAt: () => instantOf(fields, "endsAt", "end", plant.time_zone),
    };
    if (!parsed.ok) {
      // Every problem at once: the times' too.
      const fieldErrors = { ...parsed.reply.fieldErrors };
      for (const read of Object.values(times)) {
        try {
          read();
        } catch (error) {
          if (!(error instanceof ActError) || !error.field) throw error;
          (fieldErrors[error.field] ??= []).push(withoutFieldName(error.message, error.field));
        }
      }
      return invalidBody({ ...parsed.reply, fieldErrors });
    }
    const startsAt = times.startsAt();
    const endsAt = times.endsAt();
    if (startsAt === undefined)
      throw new ActError(400, "startsAt: give startsAt (an instant) or start (plant-local).", "startsAt");
    if (endsAt === undefined)
      throw new ActError(400, "endsAt: give endsAt (an instant) or end (plant-local).", "endsAt");
    const window = await createWindow(getDb(), actor, {
      plantId: plant.id,
      ...parsed.data,
      startsAt,
      endsAt,
      // A window overlapping another outage window of the plant is refused (409, field confirmOverlap) unless kept.
      confirmOverlap: fields.confirmOverlap === true,
    });
    return Response.json({ window }, { status: 201 });
  } catch (error) {
    return refusalResponse(error);
  }
}
