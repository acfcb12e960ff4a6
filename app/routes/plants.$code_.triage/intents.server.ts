import { z } from "~/utils/zod";
import { chosenHostIds, triageDone } from "~/domain/triage";
import { ASSET_KINDS } from "~/domain/vocabulary";
import { confirmStagedHosts, placeStagedHosts, triageStagedHosts } from "~/models/triage.server";
import type { Actor } from "~/utils/actor";
import type { getDb } from "~/utils/db.server";
import { requirePermission } from "~/http/auth.server";
import { defineIntent, type IntentHandlers } from "~/utils/forms.server";

// The bulk acts of a plant's triage view: each takes the hosts ticked on the page (at most TRIAGE_BATCH_LIMIT) and
// does to all of them, in one transaction, what the plant page does to one, through the same model functions.

export interface TriageActContext {
  db: ReturnType<typeof getDb>;
  user: Actor;
  plant: { id: number; code: string };
  /** Which staged hosts the person triages here: any, or only escalated ones (queue.ts's rule). */
  only: "any" | "escalated";
  /** The zone hosts were placed in, once placed: the confirmation names it. */
  placedIn?: string;
}

/** The ticked hosts, as the form sends them (one `assetIds` field per box, joined by commas by the action). */
const assetIds = z.string().transform((value, ctx) => {
  const chosen = chosenHostIds([value]);
  if (chosen.ok) return chosen.ids;
  ctx.addIssue({ code: "custom", message: chosen.message });
  return z.NEVER;
});
/** An optional choice of a select: empty means "keep each host's own". */
const optionalId = z.union([
  z.literal("").transform(() => null),
  z.coerce.number("Choose a zone of this plant.").int("Choose a zone of this plant.").positive("Choose a zone."),
]);

export const ConfirmHostsSchema = z.object({
  assetIds,
  zoneId: optionalId.optional(),
  kind: z.union([z.literal("").transform(() => null), z.enum(ASSET_KINDS, "Choose a kind.")]).optional(),
  note: z.string().trim().max(500, "Keep the note under 500 characters.").optional(),
});
export const PlaceHostsSchema = z.object({
  assetIds,
  zoneId: z.coerce.number("Choose the zone to place them in.").int().positive("Choose the zone to place them in."),
});
export const DismissHostsSchema = z.object({
  assetIds,
  note: z
    .string("Say why these hosts are transient (at least 3 characters).")
    .trim()
    .min(3, "Say why these hosts are transient (at least 3 characters).")
    .max(500, "Keep the note under 500 characters."),
});

const back = ({ plant }: TriageActContext) => `/plants/${plant.code}/triage#triage-hosts`;
const authorize = ({ user, plant }: TriageActContext) => requirePermission(user, "triage:asset", plant.id);

/** What each act did, said back on the page (a bulk act's count, from the ids it took). */
export const triageIntents: IntentHandlers<TriageActContext> = {
  "confirm-hosts": defineIntent({
    schema: ConfirmHostsSchema,
    authorize,
    act: ({ assetIds, zoneId, kind, note }, { db, user, plant, only }: TriageActContext) =>
      confirmStagedHosts(db, user, { plantId: plant.id, assetIds, zoneId, kind, note, only }),
    confirm: ({ assetIds }) => triageDone("confirm", assetIds.length),
    location: back,
  }),
  "place-hosts": defineIntent({
    schema: PlaceHostsSchema,
    authorize,
    act: async ({ assetIds, zoneId }, ctx: TriageActContext) => {
      const { db, user, plant, only } = ctx;
      ctx.placedIn = await placeStagedHosts(db, user, { plantId: plant.id, assetIds, zoneId, only });
    },
    confirm: ({ assetIds }, ctx) => triageDone("assign-zone", assetIds.length, ctx.placedIn),
    location: back,
  }),
  "dismiss-hosts": defineIntent({
    schema: DismissHostsSchema,
    authorize,
    act: ({ assetIds, note }, { db, user, plant, only }: TriageActContext) =>
      triageStagedHosts(db, user, { plantId: plant.id, assetIds, note, state: "transient", only }),
    confirm: ({ assetIds }) => triageDone("transient", assetIds.length),
    location: back,
  }),
};
