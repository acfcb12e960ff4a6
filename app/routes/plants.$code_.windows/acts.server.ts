import {
  CancelChangeSchema,
  CompleteChangeSchema,
  CreateWindowSchema,
  ScheduleChangeSchema,
  WindowStatusSchema,
} from "~/domain/window-schemas";
import { WINDOW_STATUS_LABELS, isOneOf, WINDOW_STATUSES } from "~/domain/vocabulary";
import {
  cancelChange,
  completeChange,
  createWindow,
  scheduleChange,
  updateWindow,
} from "~/models/outage-windows.server";
import type { Actor } from "~/utils/actor";
import { requirePermission } from "~/utils/auth.server";
import type { DB } from "~/utils/db.server";
import { parseForm } from "~/utils/forms.server";
import type { PlantRef } from "~/utils/plant-guard.server";
import { revisionField } from "~/utils/revision-forms";
import { answer } from "~/utils/forms.server";
import { checkForm, runWindowAct, type FormFields, type FormShape } from "./window-forms.server";

// The acts of a plant's windows page: add a window, change its status, schedule a change into it, mark a change
// done or cancel it. Each checks its form at once (schema and plant-local times), runs the model's act (authorized,
// audited, one transaction), and lands back on the window or change with a confirmation.

export interface WindowsAct {
  request: Request;
  db: DB;
  user: Actor;
  plant: PlantRef;
  form: FormFields;
}

const StatusSchema = WindowStatusSchema.extend({ revision: revisionField });

function text(form: FormFields, key: string): string | null {
  const value = form[key];
  return typeof value === "string" ? value.slice(0, 40) : null;
}

/** Back to the page as it was (list or month), on `anchor`. */
function back(request: Request, code: string, anchor: string): string {
  return `/plants/${code}/windows${new URL(request.url).search}#${anchor}`;
}

function statusWord(status: string): string {
  return (isOneOf(WINDOW_STATUSES, status) ? WINDOW_STATUS_LABELS[status] : status).toLowerCase();
}

export async function createWindowAct({ request, db, user, plant, form }: WindowsAct) {
  requirePermission(user, "schedule:window", plant.id);
  const shape: FormShape = {
    intent: "create-window",
    target: null,
    visible: ["title", "kind", "status", "notes", "start", "end"],
    hidden: [],
  };
  const checked = checkForm(
    shape,
    form,
    parseForm(CreateWindowSchema, form, shape.intent),
    ["start", "end"],
    plant.time_zone
  );
  if (!checked.ok) return answer(checked.reply, 400);
  const input = checked.data;
  return runWindowAct(request, shape, form, async () => {
    const made = await createWindow(db, user, {
      plantId: plant.id,
      title: input.title,
      kind: input.kind,
      status: input.status,
      startsAt: checked.instants.start!,
      endsAt: checked.instants.end!,
      notes: input.notes,
    });
    return {
      message: `Window “${made.title}” added, ${statusWord(made.status)}: ${made.localRange}.`,
      location: back(request, plant.code, "create-window"),
    };
  });
}

export async function windowStatusAct({ request, db, user, plant, form }: WindowsAct) {
  requirePermission(user, "schedule:window", plant.id);
  const shape: FormShape = {
    intent: "window-status",
    target: text(form, "windowId"),
    visible: [],
    hidden: ["windowId", "revision"],
  };
  const checked = checkForm(shape, form, parseForm(StatusSchema, form, shape.intent), [], plant.time_zone);
  if (!checked.ok) return answer(checked.reply, 400);
  const input = checked.data;
  return runWindowAct(request, shape, form, async () => {
    const window = await updateWindow(db, user, {
      plantId: plant.id,
      windowId: input.windowId,
      expectedRevision: input.revision,
      status: input.status,
    });
    return {
      message: `Window “${window.title}” is now ${statusWord(window.status)}.`,
      location: back(request, plant.code, `window-${window.id}`),
    };
  });
}

export async function scheduleChangeAct({ request, db, user, plant, form }: WindowsAct) {
  requirePermission(user, "schedule:change", plant.id);
  const shape: FormShape = {
    intent: "schedule-change",
    target: text(form, "windowId"),
    visible: ["kind", "title", "conduitId", "planned", "plannedMinutes"],
    hidden: ["windowId"],
  };
  const parsed = parseForm(ScheduleChangeSchema, form, shape.intent, shape.target);
  const checked = checkForm(shape, form, parsed, ["planned"], plant.time_zone);
  if (!checked.ok) return answer(checked.reply, 400);
  const input = checked.data;
  return runWindowAct(request, shape, form, async () => {
    const change = await scheduleChange(db, user, {
      plantId: plant.id,
      windowId: input.windowId,
      kind: input.kind,
      title: input.title,
      conduitId: input.conduitId ? input.conduitId : null,
      plannedStart: checked.instants.planned!,
      plannedMinutes: input.plannedMinutes,
    });
    return {
      message: `Change “${change.title}” scheduled into this window.`,
      location: back(request, plant.code, `window-${input.windowId}`),
    };
  });
}

export async function completeChangeAct({ request, db, user, plant, form }: WindowsAct) {
  requirePermission(user, "schedule:change", plant.id);
  const shape: FormShape = {
    intent: "complete-change",
    target: text(form, "changeId"),
    visible: ["done"],
    hidden: ["changeId"],
  };
  const parsed = parseForm(CompleteChangeSchema, form, shape.intent, shape.target);
  const checked = checkForm(shape, form, parsed, ["done"], plant.time_zone);
  if (!checked.ok) return answer(checked.reply, 400);
  const input = checked.data;
  return runWindowAct(request, shape, form, async () => {
    const change = await completeChange(db, user, {
      plantId: plant.id,
      changeId: input.changeId,
      doneAt: checked.instants.done!,
    });
    return {
      message: `Change “${change.title}” marked done.`,
      location: back(request, plant.code, `change-${change.id}`),
    };
  });
}

export async function cancelChangeAct({ request, db, user, plant, form }: WindowsAct) {
  requirePermission(user, "schedule:change", plant.id);
  const shape: FormShape = {
    intent: "cancel-change",
    target: text(form, "changeId"),
    visible: ["reason"],
    hidden: ["changeId"],
  };
  const parsed = parseForm(CancelChangeSchema, form, shape.intent, shape.target);
  const checked = checkForm(shape, form, parsed, [], plant.time_zone);
  if (!checked.ok) return answer(checked.reply, 400);
  const input = checked.data;
  return runWindowAct(request, shape, form, async () => {
    const change = await cancelChange(db, user, {
      plantId: plant.id,
      changeId: input.changeId,
      reason: input.reason || null,
    });
    return {
      message: `Change “${change.title}” cancelled.`,
      location: back(request, plant.code, `change-${change.id}`),
    };
  });
}
