import { reachOf, type Principal } from "./permissions";
import { PART_PERMISSION, SIGNOFF_PARTS, type SignoffPart } from "./signoffs";

// The floor's work on a person's queue (/me): changes whose window ended with no outcome, for whoever schedules
// changes at the plant, and post-incident reviews of production stops to sign, for each part's signers. Decided from
// what the person may do, at the plants where they may do it.

export interface FloorQueueReach {
  /** Where the person records outcomes: every plant, their assigned plants, or nowhere. */
  outcomes: "all" | "assigned" | null;
  /** The review parts the person signs, each with where. */
  reviews: { part: SignoffPart; reach: "all" | "assigned" }[];
}

export function floorQueueReach(principal: Principal): FloorQueueReach {
  return {
    outcomes: reachOf(principal, "schedule:change"),
    reviews: SIGNOFF_PARTS.flatMap((part) => {
      const reach = reachOf(principal, PART_PERMISSION[part]);
      return reach ? [{ part, reach }] : [];
    }),
  };
}

/** A change whose window ended with no outcome, as the queue lists it. */
export interface OutcomeDue {
  changeId: number;
  plantId: number;
  plantCode: string;
  /** The plant's IANA zone: the window's end is shown on its clock. */
  timeZone: string;
  title: string;
  kindLabel: string;
  windowTitle: string;
  windowEndsAt: string;
}

/** A stop's review whose part waits on the person's signature. */
export interface StopToSign {
  stopId: number;
  plantId: number;
  plantCode: string;
  phrase: string;
  part: SignoffPart;
  reviewRevision: number;
}

/** The floor's sections of a person's queue; a section is null when the person does not do that work. */
export interface FloorQueue {
  outcomesDue: { rows: OutcomeDue[]; total: number } | null;
  reviewsToSign: { rows: StopToSign[]; total: number } | null;
}
