import { z } from "~/utils/zod";
import { CHECKLIST_CODES } from "~/domain/readiness";
import { PART_LABELS, type SignoffPart } from "~/domain/signoffs";
import { PHASE_LABELS, PHASES } from "~/domain/vocabulary";
import { passGate, revokeWaiver, tickCriterion, waiveCriterion } from "~/models/gates.server";
import { editOwnershipSplit, revokeSignoff, signOwnershipSplit } from "~/models/signoffs.server";
import type { Actor } from "~/utils/actor";
import { requirePermission } from "~/http/auth.server";
import type { getDb } from "~/utils/db.server";
import { defineIntent, type IntentHandlers } from "~/utils/forms.server";
import { revisionField } from "~/utils/revision-forms";
import { RevokeSchema, SignSchema } from "~/utils/signoff-forms";

// The acts of the plant page. Each: its schema, who may (the route checks where it says so; otherwise the model's
// own check refuses with 403), the model call, the sentence that confirms it and the section the page goes back to.

export interface PlantActContext {
  db: ReturnType<typeof getDb>;
  user: Actor;
  plant: { id: number; code: string };
}

export const back = (anchor: string) => (ctx: PlantActContext) => `/plants/${ctx.plant.code}${anchor}`;

export const SplitSchema = z.object({
  text: z
    .string()
    .trim()
    .min(40, "Write the split in full: who owns design & change control, and who owns monitoring & incident response.")
    .max(4000, "Keep the split under 4,000 characters."),
  revision: revisionField,
});

export const TickSchema = z.object({
  code: z.enum(CHECKLIST_CODES, "Choose a checklist criterion."),
  note: z.string().trim().min(3, "Write a note saying what was reviewed (at least 3 characters).").max(500),
  pipelineName: z.string().trim().max(120).optional(),
  itPipelineName: z.string().trim().max(120).optional(),
  retentionDays: z.union([z.literal(""), z.coerce.number().int("Retention is a whole number of days.")]).optional(),
});
export const WaiveSchema = z.object({
  code: z.string().trim().min(1, "Choose a criterion."),
  justification: z.string().trim().min(20, "Write the justification in full (at least 20 characters).").max(1000),
});
export const PassSchema = z.object({
  phase: z.enum(PHASES, "Choose a gate."),
  note: z.string().trim().max(500).optional(),
});

export const plantIntents: IntentHandlers<PlantActContext> = {
  "edit-split": defineIntent({
    schema: SplitSchema,
    authorize: ({ user, plant }: PlantActContext) => requirePermission(user, "edit:plant", plant.id),
    act: ({ text, revision }, { db, user, plant }) =>
      editOwnershipSplit(db, user, { plantId: plant.id, text, expectedRevision: revision }),
    draft: ["text"],
    confirm: ({ revision }) =>
      `The ownership split is saved as revision ${revision + 1}; it needs both signoffs again.`,
    location: back("#ownership"),
  }),
  sign: signIntent(
    ({ db, user, plant }: PlantActContext, signature) =>
      signOwnershipSplit(db, user, { plantId: plant.id, ...signature }),
    back("#ownership")
  ),
  revoke: revokeIntent(back("#ownership")),
  tick: defineIntent({ ...tickIntent(), confirm: ({ code }) => `${code} is ticked.` }),
  untick: defineIntent({ ...tickIntent(), confirm: ({ code }) => `${code} is unticked.` }),
  waive: defineIntent({
    targetField: "code",
    schema: WaiveSchema,
    act: (input, { db, user, plant }: PlantActContext) => waiveCriterion(db, user, { plantId: plant.id, ...input }),
    confirm: ({ code }) => `${code} is waived.`,
    location: back("#gates"),
  }),
  unwaive: defineIntent({
    targetField: "code",
    schema: WaiveSchema.pick({ code: true }),
    act: ({ code }, { db, user, plant }: PlantActContext) => revokeWaiver(db, user, { plantId: plant.id, code }),
    confirm: ({ code }) => `The waiver of ${code} is revoked.`,
    location: back("#gates"),
  }),
  "pass-gate": defineIntent({
    targetField: "phase",
    schema: PassSchema,
    act: ({ phase, note }, { db, user, plant }: PlantActContext) =>
      passGate(db, user, { plantId: plant.id, phase, note: note || null }),
    confirm: ({ phase }) => `The exit gate of ${PHASE_LABELS[phase].toLowerCase()} is passed.`,
    location: back("#gates"),
  }),
};

/** What a signature says: the part, the content seen (its hash) at the revision read, and the signer's note. */
interface Signature {
  part: SignoffPart;
  seenHash: string;
  expectedRevision: number;
  note: string | null;
}

/** Signing one part of an object (the ownership split, a conduit), which confirms what was signed. */
export function signIntent<Ctx>(
  sign: (ctx: Ctx, signature: Signature) => Promise<unknown>,
  location: (ctx: Ctx) => string
) {
  return defineIntent({
    targetField: "part",
    schema: SignSchema,
    act: (input, ctx: Ctx) =>
      sign(ctx, { part: input.part, seenHash: input.hash, expectedRevision: input.revision, note: input.note || null }),
    confirm: ({ part, revision }) => `Your signoff of ${PART_LABELS[part]} on revision ${revision} is recorded.`,
    location,
  });
}

/** Revoking one's own signoff, from any page that lists an object's signoffs. */
export function revokeIntent<Ctx extends { db: ReturnType<typeof getDb>; user: Actor; plant: { id: number } }>(
  location: (ctx: Ctx) => string
) {
  return defineIntent({
    targetField: "signoffId",
    schema: RevokeSchema,
    act: ({ signoffId, reason }, { db, user, plant }: Ctx) =>
      revokeSignoff(db, user, { signoffId, plantId: plant.id, reason }),
    confirm: () => "Your signoff is revoked.",
    location,
  });
}

/** Tick and untick: one form, the intent says which. */
function tickIntent() {
  return {
    targetField: "code",
    schema: TickSchema,
    act: (
      { code, note, pipelineName, itPipelineName, retentionDays }: z.output<typeof TickSchema>,
      { db, user, plant }: PlantActContext,
      { intent }: { intent: string }
    ) =>
      tickCriterion(db, user, {
        plantId: plant.id,
        code,
        ticked: intent === "tick",
        note,
        pipeline:
          code === "BAS-PIPELINE"
            ? {
                pipelineName: pipelineName ?? "",
                itPipelineName: itPipelineName ?? "",
                retentionDays: retentionDays === "" || retentionDays === undefined ? NaN : retentionDays,
              }
            : undefined,
      }),
    location: back("#gates"),
  };
}
