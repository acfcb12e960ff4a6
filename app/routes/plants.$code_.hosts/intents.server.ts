import { z } from "~/utils/zod";
import { ASSET_KINDS } from "~/domain/vocabulary";
import { confirmStagedHosts, triageStagedHosts } from "~/models/triage.server";
import { defineIntent, type IntentHandlers } from "~/utils/forms.server";
import { back, type PlantActContext } from "../plants.$code/intents.server";

// The acts of a plant's staged-hosts page, one host at a time: confirm it into the inventory, mark it
// known-transient, or escalate it to corporate security (the model checks who may, 403 otherwise). Each goes back to
// the list, on the page it was sent from.

/** The id of a row the form acts on; anything else reads as `message`. */
export const chosen = (message: string) => z.coerce.number(message).int(message).positive(message);
/** A triage note: 3 to 500 characters, `tooShort` saying what to write. */
export const triageNote = (tooShort: string) =>
  z.string().trim().min(3, tooShort).max(500, "Keep the note under 500 characters.");

const ConfirmHostSchema = z.object({
  assetId: chosen("Choose a host."),
  zoneId: chosen("Choose a zone."),
  kind: z.enum(ASSET_KINDS, "Choose a kind."),
  name: z.string().trim().max(120, "Keep the name under 120 characters.").optional(),
});
const TriageHostSchema = z.object({
  assetId: chosen("Choose a host."),
  note: triageNote("Write a note (at least 3 characters)."),
});

/** The acts' context on a list page: the plant's, and the query the form was posted with (its page of the list). */
export interface ListActContext extends PlantActContext {
  search: string;
}

/** Back to a list page of the plant (`/plants/:code/<page>`), on the page of the list the form was sent from. */
export const backToList = (page: string, anchor: string) => (ctx: ListActContext) =>
  back(`/${page}${ctx.search}#${anchor}`)(ctx);

export const hostIntents: IntentHandlers<ListActContext> = {
  "confirm-host": defineIntent({
    targetField: "assetId",
    schema: ConfirmHostSchema,
    act: ({ assetId, ...input }, { db, user, plant }: ListActContext) =>
      confirmStagedHosts(db, user, {
        plantId: plant.id,
        assetIds: [assetId],
        ...input,
        name: input.name || undefined,
      }),
    confirm: () => "The host is confirmed into the inventory.",
    location: backToList("hosts", "staged-hosts"),
  }),
  "mark-transient": triageIntent("transient", "The host is marked known-transient; it will not be staged again."),
  "escalate-host": triageIntent("escalated", "The host is escalated to corporate security."),
};

/** Marking a staged host known-transient or escalating it: the same act, to another state. */
function triageIntent(state: "transient" | "escalated", message: string) {
  return defineIntent({
    targetField: "assetId",
    schema: TriageHostSchema,
    act: ({ assetId, note }, { db, user, plant }: ListActContext) =>
      triageStagedHosts(db, user, { plantId: plant.id, assetIds: [assetId], note, state }),
    confirm: () => message,
    location: backToList("hosts", "staged-hosts"),
  });
}
