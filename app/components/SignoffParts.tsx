import { Form } from "@remix-run/react";
import {
  PART_LABELS,
  PART_OWNER_LABELS,
  type PartState,
  type SignoffPart,
  type SignoffRecord,
} from "~/domain/signoffs";

export interface SignControl {
  /** Whether this person may sign the part now; otherwise `why` says why not. */
  allowed: boolean;
  why: string | null;
}

const STATUS_BADGE = {
  signed: { className: "badge ok", text: "Signed" },
  stale: { className: "badge warn", text: "Stale" },
  missing: { className: "badge bad", text: "Not signed" },
} as const;

export function PartBadge({ state }: { state: PartState }) {
  const badge = STATUS_BADGE[state.status];
  return <span className={badge.className}>{badge.text}</span>;
}

/** The two owners' parts of one object, each with its state and the controls this person may use. */
export function SignoffParts({
  parts,
  hash,
  revision,
  controls,
  owners,
}: {
  parts: PartState[];
  hash: string;
  revision: number;
  controls: Record<SignoffPart, SignControl>;
  owners?: Record<SignoffPart, string | null>;
}) {
  return (
    <div className="parts">
      {parts.map((state) => {
        const control = controls[state.part];
        return (
          <div className="part" key={state.part}>
            <h4>
              {PART_LABELS[state.part]} <span className="muted">→ {PART_OWNER_LABELS[state.part]}</span>
            </h4>
            {owners ? <p className="muted">Owner: {owners[state.part] ?? "not assigned"}</p> : null}
            <p>
              <PartBadge state={state} />{" "}
              {state.valid ? (
                <>
                  by {state.valid.personName} on{" "}
                  <time dateTime={state.valid.signedAt}>{state.valid.signedAt.slice(0, 10)}</time> (revision{" "}
                  {state.valid.revision})
                </>
              ) : (
                state.reason
              )}
            </p>
            {control.allowed ? (
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="sign" />
                <input type="hidden" name="part" value={state.part} />
                <input type="hidden" name="hash" value={hash} />
                <input type="hidden" name="revision" value={revision} />
                <label>
                  Note <span className="muted">(optional)</span>
                  <input type="text" name="note" maxLength={500} />
                </label>
                <button type="submit">Sign revision {revision}</button>
              </Form>
            ) : control.why ? (
              <p className="muted control-why">
                <button type="button" disabled aria-describedby={`why-${state.part}`}>
                  Sign revision {revision}
                </button>{" "}
                <span id={`why-${state.part}`}>{control.why}</span>
              </p>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}

/** Every signoff ever given on the object, stale and revoked ones marked, with revocation for the signer. */
export function SignoffHistory({
  history,
  total,
  auditHref,
  currentHash,
  personId,
}: {
  history: SignoffRecord[];
  /** How many signoffs there are in all: the history shows the standing ones and the most recent others. */
  total: number;
  auditHref: string | null;
  currentHash: string;
  personId: number | null;
}) {
  if (history.length === 0) return <p className="muted">No signoffs yet.</p>;
  return (
    <div className="table-wrap">
      {total > history.length ? (
        <p className="muted">
          The {history.length} most recent and standing of {total.toLocaleString("en-US")} signoffs
          {auditHref ? (
            <>
              ; <a href={auditHref}>the audit trail</a> holds every one
            </>
          ) : null}
          .
        </p>
      ) : null}
      <table>
        <thead>
          <tr>
            <th scope="col">Signed</th>
            <th scope="col">Part</th>
            <th scope="col">By</th>
            <th scope="col" className="num">
              Revision
            </th>
            <th scope="col">State</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {history.map((signoff) => (
            <tr key={signoff.id}>
              <td>
                <time dateTime={signoff.signedAt}>{signoff.signedAt.replace("T", " ").slice(0, 16)} UTC</time>
              </td>
              <td>{PART_LABELS[signoff.part]}</td>
              <td>{signoff.personName}</td>
              <td className="num">{signoff.revision}</td>
              <td>
                {signoff.revokedAt ? (
                  <>
                    <span className="badge">Revoked</span> <span className="muted">{signoff.revokedReason}</span>
                  </>
                ) : signoff.contentHash !== currentHash ? (
                  <span className="badge warn">Stale: signed an earlier revision</span>
                ) : (
                  <span className="badge ok">Current</span>
                )}
                {signoff.revokedAt === null && signoff.personId === personId ? (
                  <details className="revoke">
                    <summary>Revoke…</summary>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="signoffId" value={signoff.id} />
                      <label>
                        Reason
                        <input type="text" name="reason" required minLength={5} maxLength={500} />
                      </label>
                      <button type="submit" className="secondary">
                        Revoke my signoff
                      </button>
                    </Form>
                  </details>
                ) : null}
              </td>
              <td>{signoff.note ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
