import { RECORD_OUTCOME_INTENT } from "~/domain/change-outcomes";
import { CHANGE_OUTCOMES } from "~/domain/vocabulary";
import { recordChangeOutcome } from "~/models/change-outcomes.server";
import { requirePermission } from "~/http/auth.server";
import type { WindowsAct } from "~/http/window-acts.server";
import { checkForm, runWindowAct, type FormFields, type FormShape } from "~/http/window-forms.server";
import { answer, parseForm } from "~/utils/forms.server";
import { z } from "~/utils/zod";

// The "record outcome" act of a change (ChangeOutcomeForm): how it came out, its actual start and end on the plant's
// clock, and a note. Posted from the plant's windows page and from a change's own page; it lands back on the change
// where it was posted from (`landing`), saying what became of it.

/** The plant-local time fields of the form (`actualStart.date`, `actualStart.time`, …). */
const TIMES = ["actualStart", "actualEnd"] as const;

const RecordOutcomeSchema = z.object({
  changeId: z.coerce.number("Choose a change.").int("Choose a change.").positive("Choose a change."),
  outcome: z.enum(CHANGE_OUTCOMES, "Choose how the change came out."),
  note: z.string().max(2000, "Keep the note to 2,000 characters or fewer.").optional(),
});

function given(form: FormFields, prefix: string): boolean {
  return ["date", "time"].some((key) => {
    const value = form[`${prefix}.${key}`];
    return typeof value === "string" && value.trim() !== "";
  });
}

/** What became of the change, said back where the act lands. */
const BECAME: Record<(typeof CHANGE_OUTCOMES)[number], string> = {
  as_planned: "recorded as done as planned",
  with_issues: "recorded as done with issues",
  rolled_back: "recorded as rolled back; it needs a new window",
  not_done: "recorded as not done; it needs a new window",
};

/**
 * Records a change's outcome from the form (intent `record-outcome`, fields `changeId`, `outcome`, `actualStart.*`,
 * `actualEnd.*`, `note`): every problem under its field (400), a refusal with its reasons and the link to what holds
 * it (the stop whose review is not signed), or a redirect to `landing` (default: the change on the windows page).
 */
export function recordOutcomeAct(act: WindowsAct) {
  const { request, db, user, plant, form } = act;
  const target = typeof form.changeId === "string" ? form.changeId.slice(0, 40) : null;
  const shape: FormShape = {
    intent: RECORD_OUTCOME_INTENT,
    target,
    visible: ["outcome", ...TIMES, "note"],
    hidden: ["changeId"],
  };
  requirePermission(user, "schedule:change", plant.id);
  const parsed = parseForm(RecordOutcomeSchema, form, shape.intent, shape.target);
  // A change not done may say when it was tried, or not: its times are read only when given.
  const times = form.outcome === "not_done" ? TIMES.filter((prefix) => given(form, prefix)) : TIMES;
  const checked = checkForm(shape, form, parsed, times, plant.time_zone);
  if (!checked.ok) return answer(checked.reply, 400);
  return runWindowAct(request, shape, form, async () => {
    const { changeId, outcome, note } = checked.data;
    const done = await recordChangeOutcome(db, user, {
      plantId: plant.id,
      changeId,
      outcome,
      actualStart: checked.instants.actualStart ?? null,
      actualEnd: checked.instants.actualEnd ?? null,
      note: note ?? null,
    });
    return {
      message: `Change “${done.change.title}” ${BECAME[outcome]}.`,
      location: act.landing ?? `/plants/${plant.code}/windows${new URL(request.url).search}#change-${done.change.id}`,
    };
  });
}
