import { z } from "~/utils/zod";
import { revisionField } from "~/utils/revision-forms";

// Schemas of conduit acts that come in by more than one door: the conduit page's forms and the JSON API.

/** The SIEM reference alerts are wired under: optional, at most 200 characters, empty means none. */
const siemReferenceField = z
  .string()
  .trim()
  .max(200, "Keep the SIEM reference under 200 characters.")
  .nullish()
  .transform((value) => (value ? value : null));

/** Wiring alerts from the conduit page: the form always says which revision it showed. */
export const WireAlertsSchema = z.object({
  siemReference: siemReferenceField,
  revision: revisionField,
});

const REVISION_MESSAGE = "The conduit revision you reviewed, as a whole number.";

/** Wiring alerts over the API: the revision reviewed is optional (without it, the current revision is wired). */
export const WireAlertsApiSchema = z.object({
  siemReference: siemReferenceField,
  revision: z
    .number(REVISION_MESSAGE)
    .int(REVISION_MESSAGE)
    .min(0, REVISION_MESSAGE)
    .max(999_999_999, REVISION_MESSAGE)
    .nullish(),
});
