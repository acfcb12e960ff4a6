import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { nextPageHref, parseApiPage } from "~/domain/listing";
import { listStops, recordStop } from "~/models/production-stops.server";
import { requireApiPermission } from "~/http/auth.server";
import { apiPlant, instantOf, jsonError, readJsonObject, refusalResponse } from "~/http/window-api.server";
import { getDb } from "~/utils/db.server";
import { ActError } from "~/utils/errors";

/** The most stops one answer holds; `next` leads to the rest. */
const MAX_STOPS = 100;

// GET /api/plants/:code/stops[?limit=&offset=]: the plant's production stops, newest first, each with its review and
// signatures. POST /api/plants/:code/stops: record one (docs/api.md); 201 with the stop, 400 naming each field.
export async function loader({ request, params }: LoaderFunctionArgs) {
  try {
    const { actor, plant } = await apiPlant(request, params.code);
    requireApiPermission(actor, "read:plant", plant.id);
    const url = new URL(request.url);
    const page = parseApiPage(url.searchParams, MAX_STOPS);
    if ("error" in page) return jsonError(400, page.error);
    const read = await listStops(getDb(), plant.id, { ...page, limit: page.limit + 1 });
    const stops = read.slice(0, page.limit);
    return Response.json({ plant: plant.code, stops, next: nextPageHref(url, page, read.length > page.limit) });
  } catch (error) {
    return refusalResponse(error);
  }
}

function optionalId(fields: Record<string, unknown>, key: string): number | null {
  const value = fields[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new ActError(400, `${key}: a positive whole number.`, key);
  }
  return value;
}

export async function action({ request, params }: ActionFunctionArgs) {
  try {
    const { actor, plant } = await apiPlant(request, params.code);
    requireApiPermission(actor, "record:stop", plant.id);
    const fields = await readJsonObject(request);
    const stop = await recordStop(getDb(), actor, {
      plantId: plant.id,
      zoneId: optionalId(fields, "zoneId"),
      line: fields.line,
      startedAt: instantOf(fields, "startedAt", "startedAtLocal", plant.time_zone),
      minutesLost: fields.minutesLost,
      changeId: optionalId(fields, "changeId"),
      ticket: fields.ticket,
      description: fields.description,
      cause: fields.cause,
    });
    return Response.json({ stop }, { status: 201 });
  } catch (error) {
    return refusalResponse(error);
  }
}
