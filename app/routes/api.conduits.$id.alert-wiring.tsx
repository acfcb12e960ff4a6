import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "~/utils/zod";
import { wireAlerts } from "~/models/gates.server";
import { requireApiActor, requireApiPermission } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { ActError, RevisionConflictError } from "~/utils/errors";

const WiringSchema = z.object({
  siemReference: z.string().trim().max(200, "siemReference: keep it under 200 characters.").nullish(),
  revision: z
    .number("revision: the conduit revision you reviewed, a whole number.")
    .int("revision: the conduit revision you reviewed, a whole number.")
    .min(0, "revision: the conduit revision you reviewed, a whole number.")
    .max(999_999_999, "revision: the conduit revision you reviewed, a whole number.")
    .nullish(),
});

// POST /api/conduits/:id/alert-wiring: wire alerts on a conduit; 409 with the reasons while its baseline
// is neither mature nor jointly accepted, and 409 with the conduit as it stands when `revision` is given and stale.
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
  requireApiPermission(actor, "wire:alerts", conduit.plant_id);
  let body: unknown = {};
  if ((request.headers.get("Content-Type") ?? "").includes("json")) {
    try {
      body = await request.json();
    } catch {
      return Response.json({ error: "The body is not valid JSON." }, { status: 400 });
    }
  }
  const parsed = WiringSchema.safeParse(body ?? {});
  if (!parsed.success)
    return Response.json({ error: parsed.error.issues.map((i) => i.message).join(" ") }, { status: 400 });
  try {
    await wireAlerts(db, actor, {
      plantId: conduit.plant_id,
      conduitId: conduit.id,
      siemReference: parsed.data.siemReference ?? null,
      expectedRevision: parsed.data.revision ?? null,
    });
  } catch (error) {
    if (error instanceof RevisionConflictError) {
      const { revision, basedOn, savedBy, savedAt, changes, current } = error.conflict;
      return Response.json(
        { error: error.message, revision, basedOn, savedBy, savedAt, changes, current },
        { status: 409 }
      );
    }
    if (error instanceof ActError) return Response.json({ error: error.message }, { status: error.status });
    throw error;
  }
  return Response.json({ wired: true, conduit: conduit.id }, { status: 201 });
}
