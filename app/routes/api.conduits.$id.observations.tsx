import type { ActionFunctionArgs } from "@remix-run/node";
import { ObservationSchema } from "~/domain/observations";
import { recordObservation } from "~/models/observations.server";
import { requireApiConduit } from "~/http/api-conduit.server";
import { ActError } from "~/utils/errors";
import { apiActRefusal, apiRefusal, parseJson } from "~/utils/forms.server";

// POST /api/conduits/:id/observations: one day's baseline evidence of a conduit from a sensor pipeline.
// Idempotent per (conduit, day, source): 201 when recorded, 200 when it replaced that day's report.
export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, db, conduit } = await requireApiConduit(request, params.id, "write:observations");
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json({ error: "The body is not valid JSON." }, { status: 400 });
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return Response.json(
      {
        error: "The body must be one JSON object: day, source, coverage, tuples, newTuples, connections, bytes.",
        field: null,
        fieldErrors: {},
      },
      { status: 400 }
    );
  }
  // Every field's problems at once; the schema is the one the seed and the program file use too.
  const parsed = parseJson(ObservationSchema, body, "record-observation", { nested: true });
  if (!parsed.ok) return apiRefusal(parsed.reply);
  let created: boolean;
  try {
    ({ created } = await recordObservation(db, actor, {
      conduitId: conduit.id,
      plantId: conduit.plantId,
      ...parsed.data,
    }));
  } catch (error) {
    if (error instanceof ActError) return apiActRefusal(error);
    throw error;
  }
  return Response.json(
    { conduit: conduit.id, day: parsed.data.day, source: parsed.data.source, created },
    { status: created ? 201 : 200 }
  );
}
