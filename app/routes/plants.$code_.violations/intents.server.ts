import { z } from "~/utils/zod";
import { acknowledgeViolation } from "~/models/triage.server";
import { defineIntent, type IntentHandlers } from "~/utils/forms.server";
import { backToList, chosen, triageNote, type ListActContext } from "../plants.$code_.hosts/intents.server";

// The act of a plant's wrong-flows page: acknowledging a flow its conduit does not allow, with what it was and what
// was done (the model checks who may, 403 otherwise). It goes back to the page of the list it was sent from.

const AcknowledgeSchema = z.object({
  violationId: chosen("Choose a violation."),
  note: triageNote("Say what the flow was and what was done (at least 3 characters)."),
});

export const violationIntents: IntentHandlers<ListActContext> = {
  "acknowledge-violation": defineIntent({
    targetField: "violationId",
    schema: AcknowledgeSchema,
    act: (input, { db, user, plant }: ListActContext) =>
      acknowledgeViolation(db, user, { plantId: plant.id, ...input }),
    confirm: () => "The wrong flow is acknowledged.",
    location: backToList("violations", "violations"),
  }),
};
