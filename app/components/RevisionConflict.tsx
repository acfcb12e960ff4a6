import type { RevisionConflict } from "~/utils/errors";
import { TableHead } from "~/components/DataTable";

function Value({ text }: { text: string }) {
  return text === "" ? <span className="muted">(empty)</span> : <span className="revision-value">{text}</span>;
}

/** What changed since the revision the person read, and the object as it stands now. */
export function RevisionChanges({ conflict, id }: { conflict: RevisionConflict; id?: string }) {
  const { basedOn, revision, changes, current } = conflict;
  return (
    <div className="revision-conflict" id={id}>
      {changes && changes.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>What changed since you opened it</caption>
            <TableHead columns={["Field", `When you opened it (revision ${basedOn})`, `Now (revision ${revision})`]} />
            <tbody>
              {changes.map((change) => (
                <tr key={change.field}>
                  <th scope="row">{change.label}</th>
                  <td>
                    <Value text={change.before} />
                  </td>
                  <td>
                    <Value text={change.after} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <h4>{`As it stands now (revision ${revision})`}</h4>
      <dl className="facts">
        {current.map((field) => (
          <div key={field.field} className="facts-row">
            <dt>{field.label}</dt>
            <dd>
              <Value text={field.value} />
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/**
 * Beside a form refused because someone else saved first: the message, what changed and the object now. Shown when
 * the failure is a conflict from one of `intents`.
 */
export function RevisionConflictNotice({
  failure,
  intents,
}: {
  /** A refusal: the pipeline's reply (formError), or an older action answer (error). */
  failure: { intent: string; conflict?: RevisionConflict; formError?: string | null; error?: string } | undefined;
  intents: readonly string[];
}) {
  if (!failure?.conflict || !intents.includes(failure.intent)) return null;
  return (
    <div className="conflict-notice">
      <p className="form-error" role="alert">
        {failure.formError ?? failure.error}
      </p>
      <RevisionChanges conflict={failure.conflict} />
    </div>
  );
}
