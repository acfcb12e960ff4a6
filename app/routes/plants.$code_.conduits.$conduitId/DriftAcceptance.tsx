import { ActForm } from "~/components/forms/ActForm";
import { Confirmation } from "~/components/forms/Confirmation";
import { Field } from "~/components/forms/Field";
import { UtcInstant } from "~/components/UtcInstant";
import { PART_LABELS, type SignoffPart } from "~/domain/signoffs";

// A live conduit edited after its alerts were wired: the plant drifts (DRIFT-EDITED-AFTER-WIRING) until its alerts
// are wired again at the current revision, or both owners accept the edit here, each for their part, with a reason.

export interface DriftPanelData {
  wiredRevision: number | null;
  edited: boolean;
  parts: {
    part: SignoffPart;
    owner: string | null;
    accepted: { by: string; at: string; reason: string } | null;
    control: { allowed: boolean; why: string | null } | null;
  }[];
}

export function DriftAcceptance({
  drift,
  revision,
  reply,
}: {
  drift: DriftPanelData;
  revision: number;
  reply: unknown;
}) {
  if (!drift.edited) return null;
  return (
    <section className="panel" aria-labelledby="drift-title" id="drift">
      <h2 id="drift-title">Edited after its alerts were wired (DRIFT-EDITED-AFTER-WIRING)</h2>
      <Confirmation intents="accept-drift" />
      <p>
        This conduit is at revision {revision}; its alerts were wired at revision {drift.wiredRevision}. The plant
        drifts until its alerts are wired again at the current revision, or both owners accept that the alerts still
        hold after the edit.
      </p>
      <ul className="drift-parts">
        {drift.parts.map((p) => (
          <li key={p.part} data-drift-part={p.part}>
            <strong>{PART_LABELS[p.part]}</strong> ({p.owner ?? "no owner assigned"}):{" "}
            {p.accepted ? (
              <>
                <span className="badge ok">Accepted</span> by {p.accepted.by} on <UtcInstant iso={p.accepted.at} />
                <div className="muted">{p.accepted.reason}</div>
              </>
            ) : (
              <span className="badge warn">Not accepted yet</span>
            )}
            {p.control && !p.accepted ? (
              p.control.allowed ? (
                <ActForm
                  intent="accept-drift"
                  id={`accept-drift-${p.part}`}
                  target={p.part}
                  reply={reply}
                  hiddenFields={{ part: p.part, revision }}
                  className="stacked drift-accept"
                >
                  <Field
                    name="reason"
                    label={`Why the alerts still hold after this edit (${PART_LABELS[p.part].toLowerCase()})`}
                    as="textarea"
                    required
                    minLength={10}
                    maxLength={1000}
                  />
                  <button type="submit">Accept revision {revision}</button>
                </ActForm>
              ) : (
                <p className="muted">{p.control.why}</p>
              )
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
