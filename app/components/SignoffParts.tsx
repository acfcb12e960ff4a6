import { ActForm, ReplyNotice } from "~/components/forms/ActForm";
import { TableHead, TableScroll } from "~/components/DataTable";
import { Field } from "~/components/forms/Field";
import { replyFor } from "~/utils/reply";
import { SeverityMark } from "~/components/DesignFindings";
import { ACK_REASON_MAX, ACK_REASON_MIN, type Acknowledgement } from "~/domain/acknowledgements";
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

/** Revision 0 is an object never written (a plant's ownership split before its first text): nothing to sign yet. */
function signLabel(revision: number): string {
  return revision > 0 ? `Sign revision ${revision}` : "Sign (not written yet)";
}

export function PartBadge({ state }: { state: PartState }) {
  const badge = STATUS_BADGE[state.status];
  return <span className={badge.className}>{badge.text}</span>;
}

/** A design-review warning a signature must acknowledge: its reason's field, code and sentence. */
export interface WarningToAcknowledge {
  field: string;
  code: string;
  message: string;
}

/** What a signature acknowledged of the design review, and why; nothing when it acknowledged nothing. */
export function AcknowledgementList({
  acknowledgements,
}: {
  acknowledgements: readonly Acknowledgement[] | undefined;
}) {
  if (!acknowledgements || acknowledgements.length === 0) return null;
  return (
    <ul className="acknowledgements">
      {acknowledgements.map((a) => (
        <li key={a.key}>
          <SeverityMark severity={a.severity} /> <code>{a.code}</code> {a.message}{" "}
          <span className="acknowledgement-reason">Acknowledged: “{a.reason}”</span>
        </li>
      ))}
    </ul>
  );
}

/** The reason fields of a signature's form, one per warning, required. */
function AcknowledgementFields({ warnings }: { warnings: readonly WarningToAcknowledge[] }) {
  if (warnings.length === 0) return null;
  return (
    <fieldset className="acknowledge">
      <legend>The design review warns; say why you sign anyway</legend>
      {warnings.map((warning) => (
        <Field
          key={warning.field}
          label={
            <>
              <SeverityMark severity="warning" /> <code>{warning.code}</code> {warning.message}
            </>
          }
          hint={`Your reason (${ACK_REASON_MIN} to ${ACK_REASON_MAX} characters), kept with your signature.`}
          name={warning.field}
          as="textarea"
          rows={2}
          required
          minLength={ACK_REASON_MIN}
          maxLength={ACK_REASON_MAX}
        />
      ))}
    </fieldset>
  );
}

/**
 * The two owners' parts of one object, each with its state and the controls this person may use. A conduit's parts
 * also carry the design review's warnings each signature acknowledges, and what the standing signatures acknowledged.
 */
export function SignoffParts({
  parts,
  hash,
  revision,
  controls,
  owners,
  warnings = [],
  acknowledgements = {},
  reply,
}: {
  parts: PartState[];
  hash: string;
  revision: number;
  controls: Record<SignoffPart, SignControl>;
  owners?: Record<SignoffPart, string | null>;
  /** The design review's warnings a signature acknowledges, each with a reason. */
  warnings?: readonly WarningToAcknowledge[];
  /** What each signoff acknowledged, by signoff id. */
  acknowledgements?: Readonly<Record<string, readonly Acknowledgement[]>>;
  /** The action's answer: a refused signature shows under its part's form. */
  reply: unknown;
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
            {state.valid ? <AcknowledgementList acknowledgements={acknowledgements[state.valid.id]} /> : null}
            {control.allowed ? (
              <ActForm
                intent="sign"
                target={state.part}
                id={`sign-${state.part}`}
                reply={reply}
                hiddenFields={{ part: state.part, hash, revision }}
                className="inline-form"
              >
                <AcknowledgementFields warnings={warnings} />
                <Field label="Note" optional name="note" type="text" maxLength={500} />
                <button type="submit">{signLabel(revision)}</button>
              </ActForm>
            ) : (
              <ReplyNotice reply={reply} intent="sign" target={state.part} id={`sign-${state.part}`} />
            )}
            {control.allowed ? null : control.why ? (
              <p className="muted control-why">
                <button type="button" disabled aria-describedby={`why-${state.part}`}>
                  {signLabel(revision)}
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
  acknowledgements = {},
  reply,
}: {
  history: SignoffRecord[];
  /** What each signoff acknowledged of the design review, by signoff id: shown beside its note. */
  acknowledgements?: Readonly<Record<string, readonly Acknowledgement[]>>;
  /** How many signoffs there are in all: the history shows the standing ones and the most recent others. */
  total: number;
  auditHref: string | null;
  currentHash: string;
  personId: number | null;
  /** The action's answer: a refused revocation shows under its signoff's form. */
  reply: unknown;
}) {
  const revocable = (signoff: SignoffRecord) => signoff.revokedAt === null && signoff.personId === personId;
  const refusal = (
    <ReplyNotice
      reply={reply}
      intent="revoke"
      id={(r) => `revoke-${r.target}`}
      offered={(r) => history.some((signoff) => String(signoff.id) === r.target && revocable(signoff))}
    />
  );
  if (history.length === 0)
    return (
      <>
        {refusal}
        <p className="muted">No signoffs yet.</p>
      </>
    );
  return (
    <TableScroll label="Signoffs">
      {refusal}
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
        <TableHead
          columns={[
            "Signed",
            "Part",
            "By",
            { header: "Revision", numeric: true },
            "State",
            "Note and acknowledgements",
          ]}
        />
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
                {revocable(signoff) ? (
                  <details className="revoke" open={replyFor(reply, "revoke", signoff.id) ? true : undefined}>
                    <summary>Revoke…</summary>
                    <ActForm
                      intent="revoke"
                      target={signoff.id}
                      id={`revoke-${signoff.id}`}
                      reply={reply}
                      hiddenFields={{ signoffId: signoff.id }}
                      className="inline-form"
                    >
                      <Field label="Reason" name="reason" type="text" required minLength={5} maxLength={500} />
                      <button type="submit" className="secondary">
                        Revoke my signoff
                      </button>
                    </ActForm>
                  </details>
                ) : null}
              </td>
              <td>
                {signoff.note ?? ""}
                <AcknowledgementList acknowledgements={acknowledgements[signoff.id]} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
