import { z } from "~/utils/zod";
import { CHANGE_KINDS, WINDOW_KINDS } from "./vocabulary";

// The schemas of the outage-window acts, one per act, shared by the plant's windows page and the JSON API. Times
// are not here: a form sends plant-local fields (`start.date`, `start.time`, `start.offset`) and the API an instant
// or a plant-local object; each transport reads them into instants, and the model checks them against the rules.

const id = (label: string) => z.coerce.number(`Choose ${label}.`).int(`Choose ${label}.`).positive(`Choose ${label}.`);

/** A new window: what it is called, its kind, planned or confirmed (planned when not said), and notes. */
export const CreateWindowSchema = z.object({
  title: z
    .string("Give the window a title (at least 3 characters).")
    .trim()
    .min(3, "Give the window a title (at least 3 characters).")
    .max(200, "Keep the title to 200 characters or fewer."),
  kind: z.enum(WINDOW_KINDS, "Choose a scheduled outage or a blackout."),
  status: z
    .enum(["planned", "confirmed"], "A new window is planned or confirmed.")
    .nullish()
    .transform((status) => status ?? "planned"),
  notes: z
    .string("Write the notes as text.")
    .max(4000, "Keep the notes to 4,000 characters or fewer.")
    .nullish()
    .transform((notes) => notes ?? null),
});

/** A window confirmed, back to planned, completed or cancelled, at the revision the page showed. */
export const WindowStatusSchema = z.object({
  windowId: id("a window"),
  status: z.enum(["planned", "confirmed", "completed", "cancelled"], "Choose what the window becomes."),
});

/** A change scheduled into a window (its planned start is read apart, as a time). */
export const ScheduleChangeSchema = z.object({
  windowId: id("a window"),
  kind: z.enum(CHANGE_KINDS, "Choose the kind of change."),
  title: z
    .string("Give the change a title (at least 3 characters).")
    .trim()
    .min(3, "Give the change a title (at least 3 characters).")
    .max(200, "Keep the title to 200 characters or fewer."),
  conduitId: z
    .union([z.literal(""), z.coerce.number().int().positive()], "Choose a conduit of the plant, or none.")
    .optional(),
  plannedMinutes: z.coerce
    .number("Give the planned duration in minutes.")
    .int("Give whole minutes.")
    .positive("The planned duration is at least one minute."),
});

/** A change cancelled, with an optional reason. */
export const CancelChangeSchema = z.object({
  changeId: id("a change"),
  reason: z.string().trim().max(1000, "Keep the reason to 1,000 characters or fewer.").optional(),
});
