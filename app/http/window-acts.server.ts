import {
  CancelChangeSchema,
  CreateWindowSchema,
  ScheduleChangeSchema,
  WindowStatusSchema,
} from "~/domain/window-schemas";
import { CONFIRM_OVERLAP_FIELD } from "~/domain/outage-windows";
import { WINDOW_STATUS_LABELS, isOneOf, WINDOW_STATUSES } from "~/domain/vocabulary";
import { cancelChange, moveChange, scheduleChange } from "~/models/network-changes.server";
import { createWindow, updateWindow } from "~/models/outage-windows.server";
import type { Actor } from "~/utils/actor";
import { requirePermission } from "~/http/auth.server";
import type { getDb } from "~/utils/db.server";
import { parseForm } from "~/utils/forms.server";
import type { PlantRef } from "~/http/plant-guard.server";
import { revisionField } from "~/utils/revision-forms";
import { z } from "~/utils/zod";
import { answer } from "~/utils/forms.server";
import { checkForm, runWindowAct, type FormFields, type FormShape } from "~/http/window-forms.server";

// The acts of a plant's windows page: add a window, change its status, schedule a change into it, move or cancel a
// change (its outcome is recorded by app/http/change-outcome-acts.server.ts). Each checks its form at once (schema and plant-local times), runs the model's act (authorized,
// audited, one transaction), and lands back on the window or change with a confirmation. The queue (/me) moves or
// cancels a change waiting for a window through these same acts, landing back on itself.

export interface WindowsAct {
  request: Request;
  db: ReturnType<typeof getDb>;
  user: Actor;
  plant: PlantRef;
  form: FormFields;
  /** Where an act on a change lands instead of the change on this page: the page its form was posted from (/me). */
  landing?: string;
}

const StatusSchema = WindowStatusSchema.extend({ revision: revisionField });

/** The window a change moves into, as the form's choice carries it: "<window id>:<the revision the page showed>". */
const MoveChangeSchema = z.object({
  changeId: z.coerce.number("Choose a change.").int("Choose a change.").positive("Choose a change."),
  target: z
    .string("Choose the window to move the change into.")
    .regex(/^\d{1,12}:\d{1,12}$/, "Choose the window to move the change into.")
    .transform((value) => {
      const [windowId, revision] = value.split(":").map(Number);
      return { windowId: windowId!, revision: revision! };
    }),
});

/** "yes" from the checkbox that keeps a window overlapping another. */
function confirmsOverlap(form: FormFields): boolean {
  return form[CONFIRM_OVERLAP_FIELD] === "yes";
}

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

/**
 * One act of the page: authorized, its form checked at once (schema and plant-local times `times`), then run; the
 * refusal or the redirect with its confirmation.
 */
async function windowsAct<S extends z.ZodType>(
  { request, user, plant, form }: WindowsAct,
  permission: "schedule:window" | "schedule:change",
  shape: FormShape,
  schema: S,
  times: readonly string[],
  run: (input: z.output<S>, instants: Record<string, string>) => Promise<{ message: string; location: string }>
) {
  requirePermission(user, permission, plant.id);
  const parsed = parseForm(schema, form, shape.intent, shape.target);
  const checked = checkForm(shape, form, parsed, times, plant.time_zone);
  if (!checked.ok) return answer(checked.reply, 400);
  return runWindowAct(request, shape, form, () => run(checked.data, checked.instants));
}

export function createWindowAct(act: WindowsAct) {
  const { request, db, user, plant } = act;
  const shape: FormShape = {
    intent: "create-window",
    target: null,
    visible: ["title", "kind", "status", "notes", "start", "end", CONFIRM_OVERLAP_FIELD],
    hidden: [],
  };
  return windowsAct(act, "schedule:window", shape, CreateWindowSchema, ["start", "end"], async (input, at) => {
    const made = await createWindow(db, user, {
      plantId: plant.id,
      ...input,
      startsAt: at.start!,
      endsAt: at.end!,
      confirmOverlap: confirmsOverlap(act.form),
    });
    return {
      message: `Window “${made.title}” added, ${statusWord(made.status)}: ${made.localRange}.`,
      location: back(request, plant.code, "create-window"),
    };
  });
}

export function windowStatusAct(act: WindowsAct) {
  const { request, db, user, plant, form } = act;
  const shape: FormShape = {
    intent: "window-status",
    target: text(form, "windowId"),
    visible: [],
    hidden: ["windowId", "revision"],
  };
  return windowsAct(act, "schedule:window", shape, StatusSchema, [], async ({ windowId, revision, status }) => {
    const window = await updateWindow(db, user, { plantId: plant.id, windowId, expectedRevision: revision, status });
    return {
      message: `Window “${window.title}” is now ${statusWord(window.status)}.`,
      location: back(request, plant.code, `window-${window.id}`),
    };
  });
}

export function scheduleChangeAct(act: WindowsAct) {
  const { request, db, user, plant, form } = act;
  const shape: FormShape = {
    intent: "schedule-change",
    target: text(form, "windowId"),
    visible: ["kind", "title", "conduitId", "planned", "plannedMinutes"],
    hidden: ["windowId"],
  };
  return windowsAct(act, "schedule:change", shape, ScheduleChangeSchema, ["planned"], async (input, at) => {
    const change = await scheduleChange(db, user, {
      plantId: plant.id,
      ...input,
      conduitId: input.conduitId ? input.conduitId : null,
      plannedStart: at.planned!,
    });
    return {
      message: `Change “${change.title}” scheduled into this window.`,
      location: back(request, plant.code, `window-${input.windowId}`),
    };
  });
}

/** An act on one change (cancel or move it): it lands back on the change, saying what became of it. */
function changeAct<S extends z.ZodType>(
  act: WindowsAct,
  intent: string,
  schema: S,
  fields: { visible: string[]; times: readonly string[] },
  run: (
    input: z.output<S>,
    instants: Record<string, string>
  ) => Promise<{ id: number; title: string; became?: string }>,
  became: string
) {
  const shape: FormShape = {
    intent,
    target: text(act.form, "changeId"),
    visible: fields.visible,
    hidden: ["changeId"],
  };
  return windowsAct(act, "schedule:change", shape, schema, fields.times, async (input, at) => {
    const change = await run(input, at);
    return {
      message: `Change “${change.title}” ${change.became ?? became}.`,
      location: act.landing ?? back(act.request, act.plant.code, `change-${change.id}`),
    };
  });
}

export function cancelChangeAct(act: WindowsAct) {
  const { db, user, plant } = act;
  return changeAct(
    act,
    "cancel-change",
    CancelChangeSchema,
    { visible: ["reason"], times: [] },
    ({ changeId, reason }) => cancelChange(db, user, { plantId: plant.id, changeId, reason: reason || null }),
    "cancelled"
  );
}

export function moveChangeAct(act: WindowsAct) {
  const { db, user, plant } = act;
  return changeAct(
    act,
    "move-change",
    MoveChangeSchema,
    { visible: ["target"], times: [] },
    async ({ changeId, target }) => {
      const moved = await moveChange(db, user, {
        plantId: plant.id,
        changeId,
        windowId: target.windowId,
        expectedRevision: target.revision,
      });
      return { id: moved.id, title: moved.title, became: `moved into window “${moved.windowTitle}”` };
    },
    "moved"
  );
}
