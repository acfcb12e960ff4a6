import { decideAcknowledgements } from "~/domain/acknowledgements";
import type { DesignFinding } from "~/domain/design-review";
import { signingRefusals, type SignoffPart } from "~/domain/signoffs";
import {
  conduitLabel,
  conduitSigningFacts,
  listConduitDetails,
  requireConduitRevision,
  type ConduitDetail,
} from "~/models/conduits.server";
import { computeReadinessOf } from "~/models/readiness.server";
import { insertSignoff, listSignoffs, refuseSigning, requireSigner, signerOf } from "~/models/signoffs.server";
import type { Actor } from "~/utils/actor";
import type { DB, Executor } from "~/utils/db.server";
import { ActError, FieldsRefused } from "~/utils/errors";

// Signing a conduit: the signing decision, the design review's findings as they stand in the signing transaction,
// and the acknowledgements of its warnings. Apart from the conduits' model because it judges the plant's readiness.

/** The design review's findings bearing on a conduit, judged now from what the executor reads. */
async function conduitFindings(tx: Executor, conduit: ConduitDetail, now: Date): Promise<DesignFinding[]> {
  const plant = await tx.selectFrom("plant").select("code").where("id", "=", conduit.plantId).executeTakeFirstOrThrow();
  const [readiness] = await computeReadinessOf(tx, now.toISOString(), [plant.code]);
  return readiness?.conduits.find((c) => c.id === conduit.id)?.findings ?? [];
}

/**
 * The assigned owner of a part signs the conduit's current revision, acknowledging with a reason (`reasons`, by
 * acknowledgement key) every warning of the design review bearing on it as it stands in this transaction; an error
 * of the design review keeps it from being signed.
 */
export async function signConduit(
  db: DB,
  actor: Actor,
  input: {
    conduitId: number;
    plantId: number;
    part: SignoffPart;
    seenHash: string;
    expectedRevision: number;
    note: string | null;
    reasons: ReadonlyMap<string, string>;
  },
  now: Date = new Date()
): Promise<void> {
  requireSigner(actor, input.part, input.plantId);
  await db.transaction().execute(async (tx) => {
    const [conduit] = await listConduitDetails(tx, input.plantId, input.conduitId);
    if (!conduit) throw new ActError(404, "No such conduit at this plant.");
    const signoffs = await listSignoffs(tx, input.plantId, "conduit");
    const findings = await conduitFindings(tx, conduit, now);
    const refusals = signingRefusals(
      conduitSigningFacts(conduit, input.part, signerOf(actor, input.part, input.plantId), signoffs, findings)
    );
    refuseSigning(refusals);
    await requireConduitRevision(tx, actor, conduit, input.expectedRevision, "sign");
    const { acknowledgements, fieldErrors } = decideAcknowledgements(findings, input.reasons);
    const refused = Object.keys(fieldErrors).length;
    if (refused > 0) {
      throw new FieldsRefused(
        refused === 1
          ? "Acknowledge the design review's warning with a reason before signing: see the field marked below."
          : `Acknowledge each of the design review's warnings with a reason before signing: see the ${refused} fields marked below.`,
        fieldErrors
      );
    }
    await insertSignoff(
      tx,
      actor,
      {
        subjectType: "conduit",
        subjectId: conduit.id,
        plantId: input.plantId,
        part: input.part,
        revision: conduit.revision,
        currentHash: conduit.hash,
        seenHash: input.seenHash,
        note: input.note,
        objectLabel: conduitLabel(conduit),
        refusals,
        acknowledgements,
      },
      now
    );
  });
}
