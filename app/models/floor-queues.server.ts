import { floorQueueReach, type FloorQueue } from "~/domain/floor-queue";
import { outcomesDue } from "~/models/change-outcomes.server";
import { stopReviewsToSign } from "~/models/production-stops.server";
import type { Actor } from "~/utils/actor";
import type { Executor } from "~/utils/db.server";

// The floor's sections of a person's queue (/me), read for the plants where the person holds each permission.

export async function loadFloorQueue(db: Executor, person: Actor, now: Date, limit: number): Promise<FloorQueue> {
  const reach = floorQueueReach(person);
  const plantsOf = (r: "all" | "assigned") => (r === "all" ? undefined : person.assignedPlantIds);
  const outcomes = reach.outcomes ? await outcomesDue(db, { plantIds: plantsOf(reach.outcomes), limit, now }) : null;
  let reviews: FloorQueue["reviewsToSign"] = null;
  for (const { part, reach: where } of reach.reviews) {
    const found = await stopReviewsToSign(db, { plantIds: plantsOf(where), part, limit });
    reviews = reviews
      ? { rows: [...reviews.rows, ...found.rows].slice(0, limit), total: reviews.total + found.total }
      : found;
  }
  return { outcomesDue: outcomes, reviewsToSign: reviews };
}
