import { z } from "~/utils/zod";
import { FLOW_REASON_MAX, FLOW_REASON_MIN } from "~/domain/cutover-impact";
import { acknowledgeBlockedFlow, addBlockedFlowToDesign } from "~/models/cutover-impact.server";
import type { Actor } from "~/utils/actor";
import type { getDb } from "~/utils/db.server";
import { defineIntent, type IntentHandlers } from "~/utils/forms.server";

// The acts of a change's page on the flows its cutover is predicted to block: the design owner says a flow is
// expected to stop, or a plant engineer adds it to the conduit's design. Who may is the model's check (403 with a
// sentence): the design owner alone for the first, whoever may edit the plant's conduits for the second.

export interface ChangeActContext {
  db: ReturnType<typeof getDb>;
  user: Actor;
  plant: { id: number; code: string };
  change: { id: number };
}

const reasonMessage = `Say why (at least ${FLOW_REASON_MIN} characters).`;

const FlowActSchema = z.object({
  flowKey: z.string("Choose a flow.").min(1, "Choose a flow.").max(80, "Choose a flow of this cutover."),
  reason: z
    .string(reasonMessage)
    .trim()
    .min(FLOW_REASON_MIN, reasonMessage)
    .max(FLOW_REASON_MAX, `Keep the reason to ${FLOW_REASON_MAX.toLocaleString("en-US")} characters or fewer.`),
});

const back = ({ plant, change }: ChangeActContext) => `/plants/${plant.code}/changes/${change.id}#impact`;

export const changeIntents: IntentHandlers<ChangeActContext> = {
  "acknowledge-flow": defineIntent({
    schema: FlowActSchema,
    targetField: "flowKey",
    act: ({ flowKey, reason }, { db, user, plant, change }: ChangeActContext) =>
      acknowledgeBlockedFlow(db, user, {
        plantId: plant.id,
        changeId: change.id,
        flowKey,
        decision: "expected_stop",
        reason,
      }),
    confirm: (_input, _ctx, _intent, { flow }) => `Acknowledged ${flow} as expected to stop at the cutover.`,
    location: back,
  }),
  "add-flow-to-design": defineIntent({
    schema: FlowActSchema,
    targetField: "flowKey",
    act: ({ flowKey, reason }, { db, user, plant, change }: ChangeActContext) =>
      addBlockedFlowToDesign(db, user, { plantId: plant.id, changeId: change.id, flowKey, reason }),
    confirm: (_input, _ctx, _intent, { flow, revision }) =>
      `Added ${flow} to the conduit's design: revision ${revision}, which its owners sign again.`,
    location: back,
  }),
};
