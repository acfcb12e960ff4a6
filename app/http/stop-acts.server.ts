import { withoutFieldName } from "~/domain/field-messages";
import { instantFromLocalFields } from "~/domain/local-time";
import { SIGNOFF_PARTS } from "~/domain/signoffs";
import { stopHref } from "~/domain/production-stops";
import { concludeStopCause, recordStop, signStopReview, writeStopReview } from "~/models/production-stops.server";
import type { Actor } from "~/utils/actor";
import type { getDb } from "~/utils/db.server";
import { ActError, FieldsRefused, RefusedAct } from "~/utils/errors";
import { defineIntent, type IntentHandlers } from "~/utils/forms.server";
import { z } from "~/utils/zod";

// The acts of a plant's stops pages: record a stop (the list), and on a stop's page write its post-incident review,
// conclude its cause and sign a part of it. Each goes through the model (authorized there, audited, one transaction)
// and lands back on the page with its confirmation.

export interface StopActContext {
  db: ReturnType<typeof getDb>;
  user: Actor;
  plant: { id: number; code: string; time_zone: string };
  /** The stop of the stop's page. */
  stopId?: number;
  /** The stop recorded, once recorded: the act lands on it. */
  recorded?: number;
}

/** The model's 400 with several fields, as the form marks them: each field's messages under it. */
async function byField<T>(act: () => Promise<T>): Promise<T> {
  try {
    return await act();
  } catch (error) {
    if (error instanceof RefusedAct && error.status === 400) {
      const fieldErrors: Record<string, string[]> = {};
      for (const reason of error.reasons) {
        (fieldErrors[reason.field] ??= []).push(withoutFieldName(reason.message, reason.field));
      }
      const count = Object.keys(fieldErrors).length;
      throw new FieldsRefused(
        count === 1 ? "Check the field marked below." : `Check the ${count} fields marked below.`,
        fieldErrors
      );
    }
    throw error;
  }
}

const optionalId = (what: string) =>
  z.union([
    z.literal("").transform(() => null),
    z.coerce.number(`Choose ${what}.`).int(`Choose ${what}.`).positive(`Choose ${what}.`),
  ]);

const RecordStopSchema = z.object({
  zoneId: optionalId("a zone of this plant").optional(),
  line: z.string().max(100, "Keep the line to 100 characters or fewer.").optional(),
  minutesLost: z.coerce
    .number("Give the minutes of production lost.")
    .int("Give whole minutes.")
    .min(1, "At least one minute was lost.")
    .max(100_000, "At most 100,000 minutes."),
  changeId: optionalId("a change of this plant").optional(),
  ticket: z.string().max(100, "Keep the ticket reference to 100 characters or fewer.").optional(),
  description: z
    .string("Describe what stopped and how (at least 3 characters).")
    .trim()
    .min(3, "Describe what stopped and how (at least 3 characters).")
    .max(2000, "Keep the description to 2,000 characters or fewer."),
  cause: z.enum(["network", "suspected"], "Choose the cause: caused by the network, or suspected."),
});

const ReviewSchema = z.object({
  review: z.string("Write the review.").max(10_000, "Keep the review to 10,000 characters or fewer."),
  revision: z.coerce.number().int().min(0),
});
const CauseSchema = z.object({ cause: z.enum(["network", "not_network"], "Conclude the cause.") });
const SignSchema = z.object({
  part: z.enum(SIGNOFF_PARTS, "Choose the part you sign."),
  revision: z.coerce.number().int().min(0),
});

/** The plant-local start of a stop, from the form's `startedAt.date`, `.time` (and `.offset`). */
function startedAtOf(form: Record<string, FormDataEntryValue>, zone: string): string {
  const text = (key: string) => {
    const value = form[`startedAt.${key}`];
    return typeof value === "string" ? value.trim() : "";
  };
  const read = instantFromLocalFields(
    { date: text("date"), time: text("time"), offset: text("offset") || null },
    zone,
    "startedAt"
  );
  if (!read.ok) throw new ActError(400, withoutFieldName(read.message, read.field), "startedAt");
  return read.instant;
}

const stopPage = (ctx: StopActContext) => stopHref(ctx.plant.code, ctx.stopId!);

export const recordStopIntents: IntentHandlers<StopActContext> = {
  "record-stop": defineIntent({
    schema: RecordStopSchema,
    act: async (input, ctx: StopActContext, { form }) => {
      const startedAt = startedAtOf(form, ctx.plant.time_zone);
      const stop = await byField(() =>
        recordStop(ctx.db, ctx.user, {
          plantId: ctx.plant.id,
          zoneId: input.zoneId ?? null,
          line: input.line ?? null,
          startedAt,
          minutesLost: input.minutesLost,
          changeId: input.changeId ?? null,
          ticket: input.ticket ?? null,
          description: input.description,
          cause: input.cause,
        })
      );
      ctx.recorded = stop.id;
    },
    confirm: () => "Stop recorded. Write its post-incident review and have both owners sign it.",
    location: (ctx) => `${stopHref(ctx.plant.code, ctx.recorded!)}#stop`,
  }),
};

export const stopReviewIntents: IntentHandlers<StopActContext> = {
  "write-review": defineIntent({
    schema: ReviewSchema,
    draft: ["review"],
    act: ({ review, revision }, ctx: StopActContext) =>
      byField(() =>
        writeStopReview(ctx.db, ctx.user, {
          plantId: ctx.plant.id,
          stopId: ctx.stopId!,
          review,
          expectedRevision: revision,
        })
      ),
    confirm: () => "Review saved. Signatures of an earlier revision no longer hold.",
    location: (ctx) => `${stopPage(ctx)}#review`,
  }),
  "conclude-cause": defineIntent({
    schema: CauseSchema,
    act: ({ cause }, ctx: StopActContext) =>
      concludeStopCause(ctx.db, ctx.user, { plantId: ctx.plant.id, stopId: ctx.stopId!, cause }),
    confirm: ({ cause }) =>
      cause === "network" ? "Cause concluded: the network." : "Cause concluded: not the network.",
    location: (ctx) => `${stopPage(ctx)}#cause`,
  }),
  "sign-review": defineIntent({
    schema: SignSchema,
    targetField: "part",
    act: ({ part, revision }, ctx: StopActContext) =>
      signStopReview(ctx.db, ctx.user, {
        plantId: ctx.plant.id,
        stopId: ctx.stopId!,
        part,
        expectedRevision: revision,
      }),
    confirm: () => "Signed.",
    location: (ctx) => `${stopPage(ctx)}#signatures`,
  }),
};
