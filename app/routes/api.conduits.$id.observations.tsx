import type { ActionFunctionArgs } from "@remix-run/node";
import { describeObservationIssue, ObservationSchema } from "~/domain/observations";
import { recordObservation } from "~/models/observations.server";
import { requireApiActor, requireApiPermission } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { ActError } from "~/utils/errors";

// POST /api/conduits/:id/observations: one day's baseline evidence of a conduit from a sensor pipeline.
// Idempotent per (conduit, day, source): 201 when recorded, 200 when it replaced that day's report.
export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireApiActor(request);
  const id = /^\d{1,9}$/.test(params.id ?? "") ? Number(params.id) : null;
  const db = getDb();
  const conduit =
    id === null
      ? undefined
      : await db.selectFrom("conduit").select(["id", "plant_id"]).where("id", "=", id).executeTakeFirst();
  if (!conduit || (actor.plantScope && !actor.plantScope.includes(conduit.plant_id))) {
    return Response.json({ error: `No conduit ${params.id ?? ""}.` }, { status: 404 });
  }
  requireApiPermission(actor, "write:observations", conduit.plant_id);
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
      },
      { status: 400 }
    );
  }
  const parsed = ObservationSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return Response.json(
      { error: parsed.error.issues.map(describeObservationIssue).join(" "), field: issue?.path.join(".") || null },
      { status: 400 }
    );
  }
  let created: boolean;
  try {
    ({ created } = await recordObservation(db, actor, {
      conduitId: conduit.id,
      plantId: conduit.plant_id,
      ...parsed.data,
    }));
  } catch (error) {
    if (error instanceof ActError) {
      return Response.json({ error: error.message, field: error.field ?? null }, { status: error.status });
    }
    throw error;
  }
  return Response.json(
    { conduit: conduit.id, day: parsed.data.day, source: parsed.data.source, created },
    { status: created ? 201 : 200 }
  );
}
