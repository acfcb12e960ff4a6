import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import type { StopToSign } from "~/domain/floor-queue";
import { can } from "~/domain/permissions";
import {
  isReviewed,
  readConcludedCause,
  readReviewText,
  readStopInput,
  reviewParts,
  stopAttributionRefusal,
  stopPhrase,
  stopReviewSigningRefusals,
  type StopFacts,
  type StopReviewSignature,
} from "~/domain/production-stops";
import { PART_LABELS, PART_PERMISSION, signerRefusals, type SignoffPart } from "~/domain/signoffs";
import { CHANGE_OUTCOME_LABELS, STOP_CAUSE_LABELS, type ChangeOutcome, type StopCause } from "~/domain/vocabulary";
import { recordAudit } from "~/models/audit.server";
import { requireAct } from "~/models/authorize.server";
import { lastOutcomes } from "~/models/change-outcomes.server";
import { plantOf } from "~/models/window-facts.server";
import type { Actor } from "~/utils/actor";
import { listedWithTotal, type DB, type Executor } from "~/utils/db.server";
import { ActError, readOrRefuse, RefusedAct, refuseFirst, withFieldNames } from "~/utils/errors";

// Unscheduled production stops the network caused or is suspected of, and their post-incident reviews: recorded by
// the plant's engineers, corporate security or the program lead (`record:stop`), the review written and its cause
// concluded by them, and signed for each part by that part's owners (the signoffs' rule of who signs what). Each act
// is authorized, decided by app/domain/production-stops.ts, and committed in one transaction with its audit event.

export interface StopView extends StopFacts {
  plantId: number;
  zoneId: number | null;
  changeId: number | null;
  changeTitle: string | null;
  changeKind: string | null;
  changeOutcome: ChangeOutcome | null;
  changeOutcomeLabel: string | null;
  ticket: string | null;
  description: string;
  causeLabel: string;
  recordedBy: string;
  createdAt: string;
  updatedAt: string;
  reviewed: boolean;
}

function stopQuery(db: Executor) {
  return db
    .selectFrom("production_stop as s")
    .leftJoin("zone as z", "z.id", "s.zone_id")
    .leftJoin("network_change as c", "c.id", "s.change_id")
    .innerJoin("person as p", "p.id", "s.recorded_by")
    .select([
      "s.id",
      "s.plant_id",
      "s.zone_id",
      "z.name as zone_name",
      "s.line",
      "s.started_at",
      "s.minutes_lost",
      "s.change_id",
      "c.title as change_title",
      "c.kind as change_kind",
      "s.ticket",
      "s.description",
      "s.cause",
      "s.review",
      "s.review_revision",
      "p.name as recorded_by",
      "s.created_at",
      "s.updated_at",
    ]);
}

type StopRow = Awaited<ReturnType<ReturnType<typeof stopQuery>["execute"]>>[number];

async function signaturesOf(db: Executor, stopIds: readonly number[]) {
  const byStop = new Map<number, StopReviewSignature[]>();
  if (stopIds.length === 0) return byStop;
  const rows = await db
    .selectFrom("stop_review_signoff as g")
    .innerJoin("person as p", "p.id", "g.person_id")
    .select(["g.stop_id", "g.part", "g.person_id", "p.name", "g.review_revision", "g.signed_at"])
    .where("g.stop_id", "in", [...stopIds])
    .orderBy("g.id")
    .execute();
  for (const row of rows) {
    const list = byStop.get(row.stop_id) ?? [];
    list.push({
      part: row.part,
      personId: row.person_id,
      personName: row.name,
      reviewRevision: row.review_revision,
      signedAt: row.signed_at,
    });
    byStop.set(row.stop_id, list);
  }
  return byStop;
}

async function stopViews(db: Executor, rows: StopRow[]): Promise<StopView[]> {
  const signatures = await signaturesOf(
    db,
    rows.map((r) => r.id)
  );
  const outcomes = await lastOutcomes(
    db,
    rows.flatMap((r) => (r.change_id === null ? [] : [r.change_id]))
  );
  return rows.map((row) => {
    const facts = { review: row.review, reviewRevision: row.review_revision, signatures: signatures.get(row.id) ?? [] };
    const outcome = row.change_id === null ? null : outcomes.get(row.change_id)?.outcome ?? null;
    return {
      id: row.id,
      plantId: row.plant_id,
      zoneId: row.zone_id,
      zoneName: row.zone_name,
      line: row.line,
      startedAt: row.started_at,
      minutesLost: row.minutes_lost,
      changeId: row.change_id,
      changeTitle: row.change_title,
      changeKind: row.change_kind,
      changeOutcome: outcome,
      changeOutcomeLabel: outcome ? CHANGE_OUTCOME_LABELS[outcome] : null,
      ticket: row.ticket,
      description: row.description,
      cause: row.cause,
      causeLabel: STOP_CAUSE_LABELS[row.cause],
      recordedBy: row.recorded_by,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      ...facts,
      reviewed: isReviewed(facts),
    };
  });
}

/** How many stops the plant has recorded. */
export async function countStops(db: Executor, plantId: number): Promise<number> {
  const row = await db
    .selectFrom("production_stop")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("plant_id", "=", plantId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A page of the plant's stops, newest first. */
export async function listStops(
  db: Executor,
  plantId: number,
  page: { limit: number; offset: number }
): Promise<StopView[]> {
  const rows = await stopQuery(db)
    .where("s.plant_id", "=", plantId)
    .orderBy("s.started_at", "desc")
    .orderBy("s.id", "desc")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return stopViews(db, rows);
}

/** One stop of the plant, or null. */
export async function getStop(db: Executor, plantId: number, stopId: number): Promise<StopView | null> {
  const row = await stopQuery(db).where("s.plant_id", "=", plantId).where("s.id", "=", stopId).executeTakeFirst();
  return row ? (await stopViews(db, [row]))[0]! : null;
}

export interface StopRequest {
  plantId: number;
  zoneId?: number | null;
  line?: unknown;
  startedAt?: unknown;
  minutesLost?: unknown;
  changeId?: number | null;
  ticket?: unknown;
  description?: unknown;
  cause?: unknown;
}

function requirePerson(actor: Actor, what: string): number {
  if (actor.personId === null) throw new ActError(403, `${what} binds a person; sign in (API tokens cannot).`);
  return actor.personId;
}

async function stopIn(tx: Transaction<Database>, plantId: number, stopId: number) {
  const stop = await tx
    .selectFrom("production_stop as s")
    .leftJoin("zone as z", "z.id", "s.zone_id")
    .selectAll("s")
    .select("z.name as zone_name")
    .where("s.id", "=", stopId)
    .where("s.plant_id", "=", plantId)
    .executeTakeFirst();
  if (!stop) throw new ActError(404, `stopId: no stop ${stopId} at this plant.`, "stopId");
  return stop;
}

/**
 * Records a production stop at the plant: 400 naming each field for input that is not well formed (a zone or change
 * of another plant included), 403 for a role that may not record stops here.
 */
export async function recordStop(db: DB, actor: Actor, input: StopRequest, now: Date = new Date()): Promise<StopView> {
  requireAct(actor, "record:stop", input.plantId, "record production stops");
  const personId = requirePerson(actor, "A stop's record");
  const read = readStopInput(
    {
      zoneId: input.zoneId ?? null,
      line: input.line,
      startedAt: input.startedAt,
      minutesLost: input.minutesLost,
      changeId: input.changeId ?? null,
      ticket: input.ticket,
      description: input.description,
      cause: input.cause,
    },
    now.toISOString()
  );
  if (!read.ok) throw new RefusedAct(400, withFieldNames(read.refusals));
  const stop = read.value;
  const id = await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const problems = [];
    if (stop.zoneId !== null) {
      const zone = await tx
        .selectFrom("zone")
        .select("id")
        .where("id", "=", stop.zoneId)
        .where("plant_id", "=", plant.id)
        .executeTakeFirst();
      if (!zone) problems.push({ field: "zoneId", message: `zone ${stop.zoneId} is not a zone of this plant.` });
    }
    if (stop.changeId !== null) {
      const change = await tx
        .selectFrom("network_change")
        .select(["id", "plant_id as plantId"])
        .where("id", "=", stop.changeId)
        .executeTakeFirst();
      const refusal = stopAttributionRefusal(change ?? null, plant.id, stop.changeId);
      if (refusal) problems.push(refusal);
    }
    if (problems.length > 0) throw new RefusedAct(400, withFieldNames(problems));
    const { id } = await tx
      .insertInto("production_stop")
      .values({
        plant_id: plant.id,
        zone_id: stop.zoneId,
        line: stop.line,
        started_at: stop.startedAt,
        minutes_lost: stop.minutesLost,
        change_id: stop.changeId,
        ticket: stop.ticket,
        description: stop.description,
        cause: stop.cause,
        review: null,
        recorded_by: personId,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const zoneName = stop.zoneId
      ? (await tx.selectFrom("zone").select("name").where("id", "=", stop.zoneId).executeTakeFirst())?.name ?? null
      : null;
    await recordAudit(
      tx,
      actor,
      {
        action: "stop.record",
        objectType: "production_stop",
        objectId: id,
        plantId: plant.id,
        summary: `${actor.name} recorded a production stop at ${plant.code}: ${stopPhrase(
          { ...stop, zoneName },
          plant.time_zone
        )}, ${STOP_CAUSE_LABELS[stop.cause].toLowerCase()}`,
        after: stop,
      },
      now
    );
    return id;
  });
  return (await getStop(db, input.plantId, id))!;
}

/**
 * Writes (or edits) a stop's post-incident review: the review's revision goes up, so signatures of an earlier
 * revision no longer hold. `expectedRevision`, when given, must be the current one (409 otherwise: someone else
 * edited it since).
 */
export async function writeStopReview(
  db: DB,
  actor: Actor,
  input: { plantId: number; stopId: number; review: unknown; expectedRevision?: number | null },
  now: Date = new Date()
): Promise<StopView> {
  requireAct(actor, "record:stop", input.plantId, "write post-incident reviews");
  const review = readOrRefuse(readReviewText(input.review));
  await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const stop = await stopIn(tx, plant.id, input.stopId);
    if (input.expectedRevision != null && input.expectedRevision !== stop.review_revision) {
      throw new ActError(
        409,
        `The review was edited since you read it (now revision ${stop.review_revision}); read it again before editing.`
      );
    }
    if (stop.review === review) return;
    const revision = stop.review_revision + 1;
    await tx
      .updateTable("production_stop")
      .set({ review, review_revision: revision, updated_at: now.toISOString() })
      .where("id", "=", stop.id)
      .execute();
    const stale = await tx
      .selectFrom("stop_review_signoff")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("stop_id", "=", stop.id)
      .where("review_revision", "=", stop.review_revision)
      .executeTakeFirstOrThrow();
    await recordAudit(
      tx,
      actor,
      {
        action: "stop.review",
        objectType: "production_stop",
        objectId: stop.id,
        plantId: plant.id,
        summary: `${actor.name} ${stop.review ? "edited" : "wrote"} the post-incident review of the ${stopPhrase(
          { line: stop.line, zoneName: stop.zone_name, startedAt: stop.started_at, minutesLost: stop.minutes_lost },
          plant.time_zone
        ).replace(/^Stop/, "stop")} (revision ${revision})${
          Number(stale.n) > 0 ? `; its ${Number(stale.n)} earlier signature(s) no longer hold` : ""
        }`,
        before: { review: stop.review, reviewRevision: stop.review_revision },
        after: { review, reviewRevision: revision },
      },
      now
    );
  });
  return (await getStop(db, input.plantId, input.stopId))!;
}

/** Concludes what caused a stop (the network, or not the network): part of its review, by those who record stops. */
export async function concludeStopCause(
  db: DB,
  actor: Actor,
  input: { plantId: number; stopId: number; cause: unknown },
  now: Date = new Date()
): Promise<StopView> {
  requireAct(actor, "record:stop", input.plantId, "conclude the cause of production stops");
  const cause: StopCause = readOrRefuse(readConcludedCause(input.cause));
  await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const stop = await stopIn(tx, plant.id, input.stopId);
    if (stop.cause === cause) return;
    await tx
      .updateTable("production_stop")
      .set({ cause, updated_at: now.toISOString() })
      .where("id", "=", stop.id)
      .execute();
    await recordAudit(
      tx,
      actor,
      {
        action: "stop.cause",
        objectType: "production_stop",
        objectId: stop.id,
        plantId: plant.id,
        summary: `${actor.name} concluded a stop at ${plant.code} was ${STOP_CAUSE_LABELS[cause].toLowerCase()}`,
        before: { cause: stop.cause },
        after: { cause },
      },
      now
    );
  });
  return (await getStop(db, input.plantId, input.stopId))!;
}

/**
 * Signs one part of a stop's post-incident review at its current revision: the design & change-control part by a
 * plant engineer of the plant, the monitoring & incident-response part by corporate security (403 otherwise); the
 * review must be written, and each part is signed once per revision (409).
 */
export async function signStopReview(
  db: DB,
  actor: Actor,
  input: { plantId: number; stopId: number; part: SignoffPart; expectedRevision?: number | null },
  now: Date = new Date()
): Promise<StopView> {
  const signer = {
    role: actor.role,
    personId: actor.personId,
    permitted: can(actor, PART_PERMISSION[input.part], input.plantId),
  };
  // Who signs which part is decided before anything about the stop is read.
  refuseFirst(signerRefusals(input.part, signer));
  await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const stop = await stopIn(tx, plant.id, input.stopId);
    const signatures = (await signaturesOf(tx, [stop.id])).get(stop.id) ?? [];
    refuseFirst(
      stopReviewSigningRefusals(input.part, signer, {
        label: "This post-incident review",
        review: stop.review,
        reviewRevision: stop.review_revision,
        signatures,
      })
    );
    if (input.expectedRevision != null && input.expectedRevision !== stop.review_revision) {
      throw new ActError(
        409,
        `The review was edited since you read it (now revision ${stop.review_revision}); read it again before signing.`
      );
    }
    await tx
      .insertInto("stop_review_signoff")
      .values({
        stop_id: stop.id,
        part: input.part,
        person_id: actor.personId!,
        review_revision: stop.review_revision,
        signed_at: now.toISOString(),
      })
      .execute();
    const after = reviewParts({
      review: stop.review,
      reviewRevision: stop.review_revision,
      signatures: [
        ...signatures,
        {
          part: input.part,
          personId: actor.personId!,
          personName: actor.name,
          reviewRevision: stop.review_revision,
          signedAt: now.toISOString(),
        },
      ],
    });
    const complete = after.every((p) => p.signed !== null);
    await recordAudit(
      tx,
      actor,
      {
        action: "stop.sign",
        objectType: "production_stop",
        objectId: stop.id,
        plantId: plant.id,
        summary: `${actor.name} signed the ${PART_LABELS[
          input.part
        ].toLowerCase()} part of the post-incident review of a stop at ${plant.code} (revision ${
          stop.review_revision
        })${complete ? "; the review is signed by both owners" : ""}`,
        after: { part: input.part, reviewRevision: stop.review_revision, reviewed: complete },
      },
      now
    );
  });
  return (await getStop(db, input.plantId, input.stopId))!;
}

/**
 * Stops of these plants (all when omitted) whose review is written and whose `part` is not signed at its current
 * revision, newest first: the queue of that part's signers.
 */
export async function stopReviewsToSign(
  db: Executor,
  options: { plantIds?: readonly number[]; part: SignoffPart; limit: number }
): Promise<{ rows: StopToSign[]; total: number }> {
  if (options.plantIds && options.plantIds.length === 0) return { rows: [], total: 0 };
  let base = db
    .selectFrom("production_stop as s")
    .innerJoin("plant as p", "p.id", "s.plant_id")
    .leftJoin("zone as z", "z.id", "s.zone_id")
    .where("s.review", "is not", null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("stop_review_signoff as g")
            .select("g.id")
            .whereRef("g.stop_id", "=", "s.id")
            .whereRef("g.review_revision", "=", "s.review_revision")
            .where("g.part", "=", options.part)
        )
      )
    );
  if (options.plantIds) base = base.where("s.plant_id", "in", [...options.plantIds]);
  const { rows, total } = await listedWithTotal(base, (q) =>
    q
      .select([
        "s.id",
        "s.plant_id",
        "p.code",
        "p.time_zone",
        "s.line",
        "z.name as zone_name",
        "s.started_at",
        "s.minutes_lost",
        "s.review_revision",
      ])
      .orderBy("s.started_at", "desc")
      .orderBy("s.id", "desc")
      .limit(options.limit)
  );
  return {
    total,
    rows: rows.map((r) => ({
      stopId: r.id,
      plantId: r.plant_id,
      plantCode: r.code,
      phrase: stopPhrase(
        { line: r.line, zoneName: r.zone_name, startedAt: r.started_at, minutesLost: r.minutes_lost },
        r.time_zone
      ),
      part: options.part,
      reviewRevision: r.review_revision,
    })),
  };
}

/** The plant's changes a stop may be put down to, the most recently planned first (at most `limit`). */
export async function attributableChanges(db: Executor, plantId: number, limit = 50) {
  return db
    .selectFrom("network_change")
    .select(["id", "title", "status", "planned_start as plannedStart"])
    .where("plant_id", "=", plantId)
    .where("status", "!=", "cancelled")
    .orderBy("planned_start", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}
