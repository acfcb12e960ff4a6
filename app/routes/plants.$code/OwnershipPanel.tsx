import { Confirmation } from "~/components/forms/Confirmation";
import { ActForm } from "~/components/forms/ActForm";
import { Field } from "~/components/forms/Field";
import { SignoffHistory, SignoffParts } from "~/components/SignoffParts";
import { DEFAULT_OWNERSHIP_SPLIT, type PartState, type SignoffPart, type SignoffRecord } from "~/domain/signoffs";
import { replyFor } from "~/utils/reply";

/** The plant's ownership split (OWN-SPLIT): its text, both owners' signoffs, the edit form and the signoff history. */
export function OwnershipPanel({
  plantCode,
  split,
  controls,
  canEdit,
  full,
  canReadAudit,
  personId,
  reply,
}: {
  plantCode: string;
  split: {
    text: string | null;
    hash: string;
    revision: number;
    parts: PartState[];
    history: SignoffRecord[];
    historyTotal: number;
  };
  controls: Record<SignoffPart, { allowed: boolean; why: string | null }>;
  canEdit: boolean;
  full: boolean;
  canReadAudit: boolean;
  personId: number | null;
  reply: unknown;
}) {
  // After a conflict the split's form holds what the person wrote, beside the split as it now stands.
  const editReply = replyFor(reply, "edit-split");
  const draft = editReply?.conflict ? editReply.draft : undefined;
  return (
    <section className="panel" aria-labelledby="ownership-title" id="ownership">
      <h2 id="ownership-title">
        Ownership split{" "}
        <span className="muted">
          OWN-SPLIT · {split.text === null ? "not written yet" : `revision ${split.revision}`}
        </span>
      </h2>
      <Confirmation intents={["edit-split", "sign", "revoke"]} />
      {split.text ? (
        <blockquote className="split-text">{split.text}</blockquote>
      ) : (
        <p className="muted">No ownership split is written for this plant yet. Zoning may not start without it.</p>
      )}
      <SignoffParts parts={split.parts} hash={split.hash} revision={split.revision} controls={controls} reply={reply} />
      {canEdit ? (
        <details className="edit-split" open={editReply ? true : undefined}>
          <summary>{split.text ? "Edit the split (earlier signoffs become stale)" : "Write the split"}</summary>
          <ActForm
            intent="edit-split"
            id="edit-split"
            reply={reply}
            hiddenFields={{ revision: split.revision }}
            className="stacked"
            key={`${split.revision}:${draft ? "draft" : ""}`}
          >
            <Field
              label="Ownership split"
              name="text"
              as="textarea"
              rows={5}
              required
              minLength={40}
              maxLength={4000}
              defaultValue={draft?.text ?? split.text ?? DEFAULT_OWNERSHIP_SPLIT}
            />
            <button type="submit">
              {split.text === null ? "Save the split" : `Save as revision ${split.revision + 1}`}
            </button>
          </ActForm>
        </details>
      ) : null}
      {full && split.history.length > 0 ? (
        <details open={replyFor(reply, "revoke") ? true : undefined}>
          <summary>Signoff history ({split.historyTotal})</summary>
          <SignoffHistory
            history={split.history}
            total={split.historyTotal}
            auditHref={canReadAudit ? `/plants/${plantCode}/audit` : null}
            currentHash={split.hash}
            personId={personId}
            reply={reply}
          />
        </details>
      ) : null}
    </section>
  );
}
