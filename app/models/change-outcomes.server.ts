import type { OutcomeDue } from "~/domain/floor-queue";
import { outcomeMakesDone, readOutcomeInput, statusAfterOutcome, type ReadOutcome } from "~/domain/change-outcomes";
import {
  CHANGE_KIND_LABELS,
  CHANGE_KINDS,
  CHANGE_OUTCOME_LABELS,
  isOneOf,
  type ChangeOutcome,
} from "~/domain/vocabulary";
import { recordAudit } from "~/models/audit.server";
import { requireAct } from "~/models/authorize.server";
import { insertChangeOutcome } from "~/models/change-completion.server";
import { completeChange, getChange, type ChangeView } from "~/models/network-changes.server";
import { plantOf } from "~/models/window-facts.server";
import type { Actor } from "~/utils/actor";
import { listedWithTotal, type DB, type Executor } from "~/utils/db.server";
import { ActError, RefusedAct, withFieldNames } from "~/utils/errors";

// How each attempt at a network change came out. A done outcome (as planned, with issues) goes through the one
// completion path of changes (completeChange: its window rule, the stop-review hold on cutovers, and any other
// check of completion), recorded with the outcome in its transaction; a rolled-back or not-done outcome sends the
// change back to wait for a new window. One act, one transaction, one audit event.

export interface OutcomeView {
  id: number;
  changeId: number;
  outcome: ChangeOutcome;
  label: string;
  actualStart: string | null;
  actualEnd: string | null;
  note: string | null;
  personName: string;
  at: string;
}

export interface OutcomeRequest {
  plantId: number;
  changeId: number;
  outcome: unknown;
  actualStart?: unknown;
  actualEnd?: unknown;
  note?: unknown;
}

/**
 * Records the outcome of a change's attempt: 400 naming each field for input that is not well formed, 403 for a
 * role that does not schedule the plant's changes (or an API token: an outcome binds a person), 404 for a change of
 * another plant, 409 when the change is not open, its window has not started, or (done) the completion rules refuse.
 */
export async function recordChangeOutcome(
  db: DB,
  actor: Actor,
  input: OutcomeRequest,
  now: Date = new Date()
): Promise<{ change: ChangeView; outcome: OutcomeView }> {
  requireAct(actor, "schedule:change", input.plantId, "record how network changes came out");
  if (actor.personId === null) {
    throw new ActError(403, "An outcome is recorded by a person; sign in to record it (API tokens cannot).");
  }
  const read = readOutcomeInput(
    { outcome: input.outcome, actualStart: input.actualStart, actualEnd: input.actualEnd, note: input.note },
    now.toISOString()
  );
  if (!read.ok) throw new RefusedAct(400, withFieldNames(read.refusals));
  const outcome = read.value;
  let change: ChangeView;
  if (outcomeMakesDone(outcome.outcome)) {
    change = await completeChange(
      db,
      actor,
      { plantId: input.plantId, changeId: input.changeId, doneAt: outcome.actualEnd, outcome },
      now
    );
  } else {
    await sendBack(db, actor, input, outcome, now);
    change = (await getChange(db, input.changeId))!;
  }
  const [last] = await outcomesOfChange(db, input.changeId, 1);
  return { change, outcome: last! };
}

async function sendBack(db: DB, actor: Actor, input: OutcomeRequest, outcome: ReadOutcome, now: Date) {
  await db.transaction().execute(async (tx) => {
    const plant = await plantOf(tx, input.plantId);
    const change = await tx
      .selectFrom("network_change")
      .selectAll()
      .where("id", "=", input.changeId)
      .where("plant_id", "=", plant.id)
      .executeTakeFirst();
    if (!change) throw new ActError(404, `changeId: no change ${input.changeId} at this plant.`, "changeId");
    const outcomeId = await insertChangeOutcome(tx, actor, change, outcome, now);
    const status = statusAfterOutcome(outcome.outcome);
    await tx
      .updateTable("network_change")
      .set({ status, updated_at: now.toISOString() })
      .where("id", "=", change.id)
      .execute();
    await recordAudit(
      tx,
      actor,
      {
        action: "change.outcome",
        objectType: "network_change",
        objectId: change.id,
        plantId: plant.id,
        summary: `${actor.name} recorded “${change.title}” at ${plant.code} as ${CHANGE_OUTCOME_LABELS[
          outcome.outcome
        ].toLowerCase()}${outcome.note ? `: ${outcome.note}` : ""}; it needs a new window`,
        before: { status: change.status, windowId: change.window_id },
        after: { status, outcomeId, ...outcome },
      },
      now
    );
  });
}

function outcomeQuery(db: Executor) {
  return db
    .selectFrom("change_outcome as o")
    .innerJoin("person as p", "p.id", "o.person_id")
    .select([
      "o.id",
      "o.change_id",
      "o.outcome",
      "o.actual_start",
      "o.actual_end",
      "o.note",
      "p.name as person_name",
      "o.at",
    ]);
}

type OutcomeRow = Awaited<ReturnType<ReturnType<typeof outcomeQuery>["execute"]>>[number];

function outcomeView(row: OutcomeRow): OutcomeView {
  return {
    id: row.id,
    changeId: row.change_id,
    outcome: row.outcome,
    label: CHANGE_OUTCOME_LABELS[row.outcome],
    actualStart: row.actual_start,
    actualEnd: row.actual_end,
    note: row.note,
    personName: row.person_name,
    at: row.at,
  };
}

/** A change's outcomes, newest first (at most `limit`). */
async function outcomesOfChange(db: Executor, changeId: number, limit = 20): Promise<OutcomeView[]> {
  const rows = await outcomeQuery(db)
    .where("o.change_id", "=", changeId)
    .orderBy("o.id", "desc")
    .limit(limit)
    .execute();
  return rows.map(outcomeView);
}

/** The last outcome of each of these changes. */
export async function lastOutcomes(db: Executor, changeIds: readonly number[]): Promise<Map<number, OutcomeView>> {
  const last = new Map<number, OutcomeView>();
  for (let i = 0; i < changeIds.length; i += 5000) {
    const chunk = changeIds.slice(i, i + 5000);
    if (chunk.length === 0) continue;
    const rows = await outcomeQuery(db)
      .where("o.change_id", "in", chunk)
      .where((eb) =>
        eb(
          "o.id",
          "=",
          eb
            .selectFrom("change_outcome as n")
            .select((e) => e.fn.max("n.id").as("m"))
            .whereRef("n.change_id", "=", "o.change_id")
        )
      )
      .execute();
    for (const row of rows) last.set(row.change_id, outcomeView(row));
  }
  return last;
}

/**
 * Changes of these plants (all when omitted) whose window has ended with no outcome recorded (still "scheduled"),
 * the oldest window first.
 */
export async function outcomesDue(
  db: Executor,
  options: { plantIds?: readonly number[]; limit: number; now: Date }
): Promise<{ rows: OutcomeDue[]; total: number }> {
  if (options.plantIds && options.plantIds.length === 0) return { rows: [], total: 0 };
  let base = db
    .selectFrom("network_change as c")
    .innerJoin("outage_window as w", "w.id", "c.window_id")
    .innerJoin("plant as p", "p.id", "c.plant_id")
    .where("c.status", "=", "scheduled")
    .where("w.ends_at", "<=", options.now.toISOString());
  if (options.plantIds) base = base.where("c.plant_id", "in", [...options.plantIds]);
  const { rows, total } = await listedWithTotal(base, (q) =>
    q
      .select(["c.id", "c.plant_id", "p.code", "p.time_zone", "c.title", "c.kind", "w.title as window_title", "w.ends_at"])
      .orderBy("w.ends_at")
      .orderBy("c.id")
      .limit(options.limit)
  );
  return {
    total,
    rows: rows.map((r) => ({
      changeId: r.id,
      plantId: r.plant_id,
      plantCode: r.code,
      timeZone: r.time_zone,
      title: r.title,
      kindLabel: isOneOf(CHANGE_KINDS, r.kind) ? CHANGE_KIND_LABELS[r.kind] : r.kind,
      windowTitle: r.window_title,
      windowEndsAt: r.ends_at,
    })),
  };
}
