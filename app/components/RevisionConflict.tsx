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
