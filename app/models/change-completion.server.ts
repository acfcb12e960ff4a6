import type { Selectable, Transaction } from "kysely";
import type { Database, NetworkChangeTable } from "../../db/schema";
import { outcomeRecordingRefusals, type ReadOutcome } from "~/domain/change-outcomes";
import { CAUSED_STOP_CAUSES, stopReviewCompletionRefusal, type StopFacts } from "~/domain/production-stops";
import { SIGNOFF_PARTS } from "~/domain/signoffs";
import type { Actor } from "~/utils/actor";
import type { Executor } from "~/utils/db.server";
import { RefusedAct, withFieldNames } from "~/utils/errors";

// What every way of completing a change shares inside its transaction, whichever route asked (the windows page's
// outcome form, the change page, the API): the stop-review hold on conduit cutovers, and the outcome row of the
// attempt when one is recorded.

/** The most stops still under review read for one decision (a plant has a handful at most). */
const HOLDING_STOPS_LIMIT = 20;

/**
 * The plant's stops caused or suspected of the network with their review signatures, newest first: the facts of
 * the stop-review hold (app/domain/production-stops.ts decides which still hold).
 */
async function stopsUnderReview(db: Executor, plantId: number, limit = HOLDING_STOPS_LIMIT) {
  const stops = await db
    .selectFrom("production_stop as s")
    .leftJoin("zone as z", "z.id", "s.zone_id")
    .select([
      "s.id",
      "s.line",
      "z.name as zone_name",
      "s.started_at",
      "s.minutes_lost",
      "s.cause",
      "s.review",
      "s.review_revision",
    ])
    .where("s.plant_id", "=", plantId)
    .where("s.cause", "in", [...CAUSED_STOP_CAUSES])
    // A stop signed for every part at its current revision (one signature per part and revision) no longer holds.
    .where((eb) =>
      eb.or([
        eb("s.review", "is", null),
        eb(
          eb
            .selectFrom("stop_review_signoff as g")
            .select((e) => e.fn.countAll<number>().as("n"))
            .whereRef("g.stop_id", "=", "s.id")
            .whereRef("g.review_revision", "=", "s.review_revision"),
          "<",
          SIGNOFF_PARTS.length
        ),
      ])
    )
    .orderBy("s.started_at", "desc")
    .orderBy("s.id", "desc")
    .limit(limit)
    .execute();
  if (stops.length === 0) return [];
  const signatures = await db
    .selectFrom("stop_review_signoff as g")
    .innerJoin("person as p", "p.id", "g.person_id")
    .select(["g.stop_id", "g.part", "g.person_id", "p.name", "g.review_revision", "g.signed_at"])
    .where(
      "g.stop_id",
      "in",
      stops.map((s) => s.id)
    )
    .execute();
  return stops.map(
    (s): StopFacts => ({
      id: s.id,
      line: s.line,
      zoneName: s.zone_name,
      startedAt: s.started_at,
      minutesLost: s.minutes_lost,
      cause: s.cause,
      review: s.review,
      reviewRevision: s.review_revision,
      signatures: signatures
        .filter((g) => g.stop_id === s.id)
        .map((g) => ({
          part: g.part,
          personId: g.person_id,
          personName: g.name,
          reviewRevision: g.review_revision,
          signedAt: g.signed_at,
        })),
    })
  );
}

/**
 * Refuses (409, each stop named and linked) marking a conduit cutover done while its plant has a stop caused or
 * suspected of the network whose post-incident review is not signed by both owners.
 */
export async function refuseWhileStopsUnderReview(
  tx: Transaction<Database>,
  plant: { id: number; code: string; time_zone: string },
  change: { kind: string }
): Promise<void> {
  if (change.kind !== "conduit_cutover") return;
  const refused = stopReviewCompletionRefusal({
    change,
    stops: await stopsUnderReview(tx, plant.id),
    plantCode: plant.code,
    timeZone: plant.time_zone,
  });
  if (refused) throw new RefusedAct(refused.status, withFieldNames(refused.reasons));
}

/**
 * Writes one attempt's outcome for the change (refused with 409 when the change is not open or its window has not
 * started). The caller moves the change's status and records the audit event in the same transaction.
 */
export async function insertChangeOutcome(
  tx: Transaction<Database>,
  actor: Actor,
  change: Pick<Selectable<NetworkChangeTable>, "id" | "plant_id" | "title" | "status" | "planned_start">,
  outcome: ReadOutcome,
  now: Date
): Promise<number> {
  const refused = outcomeRecordingRefusals({
    change: { title: change.title, status: change.status, plannedStart: change.planned_start },
    now: now.toISOString(),
  });
  if (refused) throw new RefusedAct(refused.status, withFieldNames(refused.reasons));
  const { id } = await tx
    .insertInto("change_outcome")
    .values({
      change_id: change.id,
      plant_id: change.plant_id,
      outcome: outcome.outcome,
      actual_start: outcome.actualStart,
      actual_end: outcome.actualEnd,
      note: outcome.note,
      person_id: actor.personId!,
      at: now.toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}
