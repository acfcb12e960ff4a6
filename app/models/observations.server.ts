import type { Transaction } from "kysely";
import { z } from "~/utils/zod";
import type { Database } from "../../db/schema";
import { isIsoDay } from "~/domain/calendar";
import { recordAudit } from "~/models/audit.server";
import type { AuditActor } from "~/utils/actor";
import type { DB } from "~/utils/db.server";
import { ActError } from "~/utils/errors";

// A conduit's daily baseline evidence as sensor pipelines report it: one summary per (conduit, plant-local day,
// source). The API and the demo seed both write through here, validated by the same schema.

const count = (field: string) =>
  z
    .number({ error: `${field}: a whole number of 0 or more.` })
    .int(`${field}: a whole number.`)
    .min(0, `${field}: 0 or more.`)
    .max(Number.MAX_SAFE_INTEGER, `${field}: too large.`);

export const ObservationSchema = z
  .object({
    day: z
      .string({ error: "day: a plant-local date, YYYY-MM-DD." })
      .refine(isIsoDay, "day: a plant-local date, YYYY-MM-DD."),
    source: z
      .string({ error: "source: the name of the sensor pipeline." })
      .trim()
      .min(1, "source: the name of the sensor pipeline.")
      .max(100, "source: keep it under 100 characters."),
    coverage: z
      .number({ error: "coverage: a share of the day between 0 and 1." })
      .min(0, "coverage: between 0 and 1.")
      .max(1, "coverage: between 0 and 1."),
    tuples: count("tuples"),
    newTuples: count("newTuples"),
    connections: count("connections"),
    bytes: count("bytes"),
  })
  .refine((o) => o.newTuples <= o.tuples, { message: "newTuples: cannot exceed tuples.", path: ["newTuples"] });
export type ObservationInput = z.infer<typeof ObservationSchema>;

export interface ObservationWrite extends ObservationInput {
  conduitId: number;
  /** When the pipeline reported it (now, for the API). */
  recordedAt: string;
}

/** Validates and upserts observations inside the caller's transaction; returns how many were new. */
export async function upsertObservations(
  tx: Transaction<Database>,
  rows: readonly ObservationWrite[]
): Promise<number> {
  let created = 0;
  for (const [index, input] of rows.entries()) {
    const parsed = ObservationSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ActError(400, `Observation ${index + 1}: ${issue.message}`, issue.path.join("."));
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
