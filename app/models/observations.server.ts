import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { describeObservationIssue, ObservationSchema, type ObservationInput } from "~/domain/observations";
import { recordAudit } from "~/models/audit.server";
import type { AuditActor } from "~/utils/actor";
import type { DB } from "~/utils/db.server";
import { ActError } from "~/utils/errors";

// Observations written inside a caller's transaction (the API, the demo seed), validated by the one schema in
// app/domain/observations.ts.

export interface ObservationWrite extends ObservationInput {
  conduitId: number;
  /** When the pipeline reported it (now, for the API). */
  recordedAt: string;
}

/** Validates and upserts observations inside the caller's transaction; returns how many were new. */
async function upsertObservations(tx: Transaction<Database>, rows: readonly ObservationWrite[]): Promise<number> {
  let created = 0;
  for (const [index, input] of rows.entries()) {
    const parsed = ObservationSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ActError(400, `Observation ${index + 1}: ${describeObservationIssue(issue)}`, issue.path.join("."));
    }
    const row = {
      coverage: parsed.data.coverage,
      tuples: parsed.data.tuples,
      new_tuples: parsed.data.newTuples,
      connections: parsed.data.connections,
      bytes: parsed.data.bytes,
      recorded_at: input.recordedAt,
    };
    const result = await tx
      .insertInto("observation")
      .values({ conduit_id: input.conduitId, day: parsed.data.day, source: parsed.data.source, ...row })
      .onConflict((oc) => oc.columns(["conduit_id", "day", "source"]).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0n) > 0) {
      created++;
      continue;
    }
    await tx
      .updateTable("observation")
      .set(row)
      .where("conduit_id", "=", input.conduitId)
      .where("day", "=", parsed.data.day)
      .where("source", "=", parsed.data.source)
      .execute();
  }
  return created;
}

/** One day's summary of a conduit from a sensor pipeline; upserted per (conduit, day, source), audited. */
export async function recordObservation(
  db: DB,
  actor: AuditActor,
  input: { conduitId: number; plantId: number } & ObservationInput,
  now: Date = new Date()
): Promise<{ created: boolean }> {
  return db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom("observation")
      .selectAll()
      .where("conduit_id", "=", input.conduitId)
      .where("day", "=", input.day)
      .where("source", "=", input.source)
      .executeTakeFirst();
    const { plantId: _plant, ...fields } = input;
    const write: ObservationWrite = { ...fields, recordedAt: now.toISOString() };
    const created = (await upsertObservations(tx, [write])) === 1;
    const { conduitId: _conduit, ...after } = write;
    await recordAudit(tx, actor, {
      action: created ? "observation.create" : "observation.update",
      objectType: "conduit",
      objectId: input.conduitId,
      plantId: input.plantId,
      summary: `${created ? "Recorded" : "Updated"} the ${input.source} observation of conduit ${input.conduitId} for ${
        input.day
      }.`,
      before: before ?? undefined,
      after,
    });
    return { created };
  });
}
