import { z } from "~/utils/zod";
import { SIGNOFF_PARTS } from "~/domain/signoffs";
import { revisionField } from "~/utils/revision-forms";

// The sign and revoke forms, shared by every page that shows an object's signoffs.

export const SignSchema = z.object({
  part: z.enum(SIGNOFF_PARTS, "Choose which part you sign."),
  hash: z.string().regex(/^[0-9a-f]{64}$/, "The signed revision is missing; reload the page."),
  revision: revisionField,
  note: z.string().trim().max(500, "Keep the note under 500 characters.").optional(),
});

export const RevokeSchema = z.object({
  signoffId: z.coerce.number().int().positive("Choose a signoff to revoke."),
  reason: z.string().trim().min(5, "Say why you revoke this signoff (at least 5 characters).").max(500),
});
