import type { ActionFunctionArgs } from "@remix-run/node";
import { wireAlerts } from "~/models/gates.server";
import { requireApiConduit } from "~/http/api-conduit.server";
import { WireAlertsApiSchema } from "~/utils/conduit-forms";
import { ActError, RevisionConflictError } from "~/utils/errors";
import { apiActRefusal, apiRefusal, parseJson } from "~/utils/forms.server";

// POST /api/conduits/:id/alert-wiring: wire alerts on a conduit; 409 with the reasons while its baseline
// is neither mature nor jointly accepted, and 409 with the conduit as it stands when `revision` is given and stale.
// The same act as the conduit page's "Wire alerts" form, with the same rule for the SIEM reference.
export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, db, conduit } = await requireApiConduit(request, params.id, "wire:alerts");
  let body: unknown = {};
  if ((request.headers.get("Content-Type") ?? "").includes("json")) {
    try {
      body = await request.json();
    } catch {
      return Response.json({ error: "The body is not valid JSON." }, { status: 400 });
    }
  }
  const parsed = parseJson(WireAlertsApiSchema, body ?? {}, "wire-alerts");
  if (!parsed.ok) return apiRefusal(parsed.reply);
  try {
    await wireAlerts(db, actor, {
      plantId: conduit.plantId,
      conduitId: conduit.id,
      siemReference: parsed.data.siemReference,
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
    if (error instanceof ActError) return apiActRefusal(error);
    throw error;
  }
  return Response.json({ wired: true, conduit: conduit.id }, { status: 201 });
}
