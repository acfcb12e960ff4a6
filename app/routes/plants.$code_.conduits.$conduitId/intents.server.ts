import { z } from "~/utils/zod";
import { reasonsOfForm } from "~/domain/acknowledgements";
import { ConduitNameSchema, parseFlows, RuleNameSchema } from "~/domain/conduits";
import { CONTROL_TYPES } from "~/domain/vocabulary";
import { assignConduitOwners, updateConduit } from "~/models/conduits.server";
import { signConduit } from "~/models/conduit-signing.server";
import { acceptBaseline, addDetectionRule, reviewDetectionRule, wireAlerts } from "~/models/gates.server";
import { acceptConduitDrift } from "~/models/drift.server";
import { signerRefusals, SIGNOFF_PARTS, PART_PERMISSION } from "~/domain/signoffs";
import { can } from "~/domain/permissions";
import { roleMayNot } from "~/domain/refusals";
import { data } from "@remix-run/node";
import type { Actor } from "~/utils/actor";
import { requirePermission } from "~/http/auth.server";
import { WireAlertsSchema } from "~/utils/conduit-forms";
import type { getDb } from "~/utils/db.server";
import { defineIntent, type IntentHandlers } from "~/utils/forms.server";
import { revisionField } from "~/utils/revision-forms";
// Signoffs are the same act on every object that has them.
import { revokeIntent, signIntent } from "../plants.$code/intents.server";

// The acts of the conduit page. Each: its schema, who may (the route checks where it says so; otherwise the model's
// own check refuses with 403), the model call, the sentence that confirms it and the section the page goes back to.

export interface ConduitActContext {
  db: ReturnType<typeof getDb>;
  user: Actor;
  plant: { id: number; code: string };
  conduit: { id: number; revision: number };
  /** The submitted form as posted: a signature's reasons for the design review's warnings are read from it. */
  form: Record<string, FormDataEntryValue>;
}

const back = (anchor: string) => (ctx: ConduitActContext) =>
  `/plants/${ctx.plant.code}/conduits/${ctx.conduit.id}${anchor}`;

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `Keep the ${label} under ${max} characters.`)
    .optional()
    .transform((value) => (value ? value : null));

export const ConduitSchema = z.object({
  // The same rule as the program file's conduit names.
  name: z.string().trim().pipe(ConduitNameSchema),
  zoneAId: z.coerce.number().int().positive("Choose endpoint zone A."),
  zoneBId: z.coerce.number().int().positive("Choose endpoint zone B."),
  purpose: optionalText(500, "purpose"),
  controlType: z.union([z.enum(CONTROL_TYPES), z.literal("")]).transform((value) => (value === "" ? null : value)),
  monitored: z.literal("on").optional(),
  monitoringPoint: optionalText(200, "monitoring point"),
  // Every line that cannot be read is listed, with the other fields' problems.
  flows: z
    .string()
    .max(20_000, "Too many flow lines.")
    .transform((text, ctx) => {
      const parsed = parseFlows(text);
      if (parsed.ok) return parsed.flows;
      for (const message of parsed.errors) ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }),
  compensatingNote: optionalText(1000, "compensating note"),
  revision: revisionField,
});
export const CONDUIT_FIELDS = [
  "name",
  "zoneAId",
  "zoneBId",
  "purpose",
  "controlType",
  "monitored",
  "monitoringPoint",
  "flows",
  "compensatingNote",
] as const;

const ownerId = z.union([z.literal(""), z.coerce.number().int().positive()]);
export const OwnersSchema = z.object({
  designOwnerId: ownerId,
  monitoringOwnerId: ownerId,
  // The owners the form showed: owners are not part of the revision, so they are checked on their own.
  seenDesignOwnerId: ownerId,
  seenMonitoringOwnerId: ownerId,
  revision: revisionField,
});
export const AcceptSchema = z.object({
  note: z.string().trim().min(10, "Describe the residual novelty you accept (at least 10 characters).").max(1000),
  revision: revisionField,
});
export const RuleSchema = z.object({
  name: z.string().trim().pipe(RuleNameSchema),
  ruleClass: z.enum(["unusual", "wrong"], "Class the rule as unusual or wrong."),
  description: optionalText(1000, "description"),
});
export const ReviewSchema = z.object({ ruleId: z.coerce.number().int().positive("Choose a rule.") });

export const DriftAcceptSchema = z.object({
  part: z.enum(SIGNOFF_PARTS, "Choose the part you accept for."),
  reason: z
    .string()
    .trim()
    .min(10, "Say why the alerts still hold after this edit (at least 10 characters).")
    .max(1000, "Keep the reason under 1000 characters."),
  revision: revisionField,
});

/** Only a signer of the posted part (or, without one, of some part) at the plant may accept an edit after wiring. */
function authorizeDriftAcceptance({ user, plant, form }: ConduitActContext): void {
  const part = SIGNOFF_PARTS.find((p) => p === form.part);
  const refusals = part
    ? signerRefusals(part, {
        role: user.role,
        personId: user.personId,
        permitted: can(user, PART_PERMISSION[part], plant.id),
      })
    : SIGNOFF_PARTS.some((p) => can(user, PART_PERMISSION[p], plant.id))
    ? []
    : [roleMayNot("not_permitted", user.role, "accept a conduit's edit after its alerts were wired")];
  if (refusals[0]) throw data(refusals[0].message, { status: 403 });
}

const person = (id: number | "") => (id === "" ? null : id);

export const conduitIntents: IntentHandlers<ConduitActContext> = {
  "edit-conduit": defineIntent({
    schema: ConduitSchema,
    authorize: ({ user, plant }: ConduitActContext) => requirePermission(user, "edit:conduit", plant.id),
    act: ({ monitored, revision, ...fields }, { db, user, plant, conduit }) =>
      updateConduit(
        db,
        user,
        { conduitId: conduit.id, plantId: plant.id, expectedRevision: revision },
        { ...fields, monitored: monitored === "on" }
      ),
    draft: CONDUIT_FIELDS,
    confirm: ({ revision }) => `The conduit is saved as revision ${revision + 1}; both owners must sign it again.`,
    location: back("#definition"),
  }),
  "assign-owners": defineIntent({
    schema: OwnersSchema,
    authorize: ({ user, plant }: ConduitActContext) => requirePermission(user, "edit:conduit", plant.id),
    act: (input, { db, user, plant, conduit }) =>
      assignConduitOwners(
        db,
        user,
        {
          conduitId: conduit.id,
          plantId: plant.id,
          expectedRevision: input.revision,
          expectedOwners: {
            designOwnerId: person(input.seenDesignOwnerId),
            monitoringOwnerId: person(input.seenMonitoringOwnerId),
          },
        },
        { designOwnerId: person(input.designOwnerId), monitoringOwnerId: person(input.monitoringOwnerId) }
      ),
    draft: ["designOwnerId", "monitoringOwnerId"],
    confirm: () => "The owners are saved.",
    location: back("#owners"),
  }),
  sign: signIntent(
    ({ db, user, plant, conduit, form }: ConduitActContext, signature) =>
      signConduit(db, user, { conduitId: conduit.id, plantId: plant.id, ...signature, reasons: reasonsOfForm(form) }),
    back("#owners")
  ),
  revoke: revokeIntent(back("#history")),
  "wire-alerts": defineIntent({
    schema: WireAlertsSchema,
    act: ({ siemReference, revision }, { db, user, plant, conduit }: ConduitActContext) =>
      wireAlerts(db, user, { plantId: plant.id, conduitId: conduit.id, siemReference, expectedRevision: revision }),
    confirm: () => "Alerts are wired.",
    location: back("#alerts"),
  }),
  "accept-baseline": defineIntent({
    schema: AcceptSchema,
    act: ({ note, revision }, { db, user, plant, conduit }: ConduitActContext) =>
      acceptBaseline(db, user, { plantId: plant.id, conduitId: conduit.id, note, expectedRevision: revision }),
    confirm: () => "Your acceptance of the stalled baseline is recorded.",
    location: back("#baseline"),
  }),
  "accept-drift": defineIntent({
    schema: DriftAcceptSchema,
    authorize: authorizeDriftAcceptance,
    act: ({ part, reason, revision }, { db, user, plant, conduit }: ConduitActContext) =>
      acceptConduitDrift(db, user, { plantId: plant.id, conduitId: conduit.id, part, revision, reason }),
    confirm: ({ revision }) => `Your acceptance of revision ${revision} after the alerts were wired is recorded.`,
    location: back("#drift"),
  }),
  "add-rule": defineIntent({
    schema: RuleSchema,
    act: (input, { db, user, plant, conduit }: ConduitActContext) =>
      addDetectionRule(db, user, { plantId: plant.id, conduitId: conduit.id, ...input }),
    confirm: ({ name }) => `The detection rule “${name}” is recorded; it needs a review.`,
    location: back("#alerts"),
  }),
  "review-rule": defineIntent({
    targetField: "ruleId",
    schema: ReviewSchema,
    act: ({ ruleId }, { db, user, plant, conduit }: ConduitActContext) =>
      reviewDetectionRule(db, user, { plantId: plant.id, conduitId: conduit.id, ruleId }),
    confirm: () => "The detection rule is marked reviewed.",
    location: back("#alerts"),
  }),
};
