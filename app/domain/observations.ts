import { z } from "../utils/zod";
import { isIsoDay } from "./calendar";

// A conduit's daily baseline evidence as sensor pipelines report it: one summary per (conduit, plant-local day,
// source). One schema for every door it comes in by: the observations API, the demo seed and the program file.
// Messages do not name their field: each caller puts the field's path before them (`newTuples: …`,
// `plants[3].conduits[1].observations[0].newTuples: …`).

const count = z
  .number({ error: "a whole number of 0 or more." })
  .int("a whole number.")
  .min(0, "0 or more.")
  .max(Number.MAX_SAFE_INTEGER, "too large.");

export const observationFields = {
  day: z.string({ error: "a plant-local date, YYYY-MM-DD." }).refine(isIsoDay, "a plant-local date, YYYY-MM-DD."),
  source: z
    .string({ error: "the name of the sensor pipeline." })
    .trim()
    .min(1, "the name of the sensor pipeline.")
    .max(100, "keep it under 100 characters."),
  coverage: z
    .number({ error: "a share of the day between 0 and 1." })
    .min(0, "between 0 and 1.")
    .max(1, "between 0 and 1."),
  tuples: count,
  newTuples: count,
  connections: count,
  bytes: count,
};

/** The rules between an observation's fields, for a schema of its fields (and whatever else its door adds). */
export function observationRules(observation: { tuples: number; newTuples: number }, ctx: z.RefinementCtx): void {
  if (observation.newTuples > observation.tuples) {
    ctx.addIssue({ code: "custom", path: ["newTuples"], message: "cannot exceed tuples." });
  }
}

export const ObservationSchema = z.object(observationFields).superRefine(observationRules);
export type ObservationInput = z.infer<typeof ObservationSchema>;

/** An issue of the schema as the API words it: `newTuples: cannot exceed tuples.` */
export function describeObservationIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.join(".");
  return field ? `${field}: ${issue.message}` : issue.message;
}
