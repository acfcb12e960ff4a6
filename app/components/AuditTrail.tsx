import { Form, Link } from "@remix-run/react";
import { TableHead } from "~/components/DataTable";
import { IgnoredParams } from "~/components/IgnoredParams";
import { Pager } from "~/components/Pager";
import type { AuditEventView } from "~/domain/audit-filters";
import type { PageWindow } from "~/domain/listing";

export interface AuditTrailProps {
  plant: { code: string; name: string } | null;
  events: AuditEventView[];

  total: number;
  window: PageWindow;
  options: { people: { id: number; name: string }[]; objectTypes: string[]; actions: string[] };
  /** The applied filters as the form shows them ("" for none). */
  filters: { person: string; type: string; object: string; action: string; from: string; to: string };
  filtered: boolean;
  ignored: string[];
  basePath: string;
  csvHref: string;
}

/** "2026-11-25 14:05:09 UTC": the trail is program-wide, so its instants are read in UTC. */
function utcTime(at: string): string {
  return `${at.slice(0, 19).replace("T", " ")} UTC`;
}

/** Stored JSON, indented for reading; text that is not JSON (a tampered row) is shown as it is. */
function readableJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function Change({ beforeJson, afterJson }: { beforeJson: string | null; afterJson: string | null }) {
  if (beforeJson === null && afterJson === null) return <span className="muted">—</span>;
  return (
    <details className="audit-change">
      <summary>Before / after</summary>
      <div className="audit-change-body">
        <div>
          <h3>Before</h3>
          {beforeJson === null ? <p className="muted">—</p> : <pre>{readableJson(beforeJson)}</pre>}
        </div>
        <div>
          <h3>After</h3>
          {afterJson === null ? <p className="muted">—</p> : <pre>{readableJson(afterJson)}</pre>}
        </div>
      </div>
    </details>
  );
}

export function AuditTrail({
  plant,
  events,
  total,
  window,
  options,
  filters,
  filtered,
  ignored,
  basePath,
  csvHref,
}: AuditTrailProps) {
  const people =
    options.people.some((person) => String(person.id) === filters.person) || filters.person === ""
      ? options.people
      : [...options.people, { id: Number(filters.person), name: `Person #${filters.person}` }];
  return (
    <>
      <div className="page-head">
        <div>
          {plant ? (
            <nav aria-label="Breadcrumb" className="eyebrow">
              <Link to="/">Program</Link> / <Link to={`/plants/${plant.code}`}>{plant.code}</Link> / Audit trail
            </nav>
          ) : (
            <p className="eyebrow">Audit trail</p>
          )}
          <h1>{plant ? `Audit trail of ${plant.name}` : "Audit trail of the program"}</h1>
          <p className="lede">
            Every change, newest first: who, when, what object, before and after. The trail is append-only and
            hash-chained, so an edit made behind the application's back is detected.
          </p>
        </div>
      </div>

      <IgnoredParams ignored={ignored} />

      <Form method="get" className="filters" aria-label="Filter the audit trail">
        <label>
          Person
          <select name="person" defaultValue={filters.person}>
            <option value="">Anyone</option>
            {people.map((person) => (
              <option key={person.id} value={person.id}>
                {person.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Object type
          <select name="type" defaultValue={filters.type}>
            <option value="">Any type</option>
            {options.objectTypes.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <label>
          Object id
          <input type="text" name="object" defaultValue={filters.object} size={8} />
        </label>
        <label>
          Action
          <select name="action" defaultValue={filters.action}>
            <option value="">Any action</option>
            {options.actions.map((action) => (
              <option key={action} value={action}>
                {action}
              </option>
            ))}
          </select>
        </label>
        <label>
          From (UTC day)
          <input type="date" name="from" defaultValue={filters.from} />
        </label>
        <label>
          To (UTC day)
          <input type="date" name="to" defaultValue={filters.to} />
        </label>
        <button type="submit">Filter</button>
        {filtered ? (
          <Link className="button secondary" to={basePath}>
            Clear filters
          </Link>
        ) : null}
        <a className="button secondary audit-download" href={csvHref} download>
          Download CSV
        </a>
      </Form>

      <div className="table-wrap">
        <table className="audit-table">
          <caption>
            {`${total.toLocaleString("en-US")} ${total === 1 ? "event" : "events"}${
              filtered ? (total === 1 ? " matches the filters" : " match the filters") : ""
            }`}
          </caption>
          <TableHead
            columns={[{ header: "Seq", numeric: true }, "Time", "Who", "Action", "Object", "Summary", "Change"]}
          />
          <tbody>
            {events.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  No events match.
                </td>
              </tr>
            ) : (
              events.map((event) => (
                <tr key={event.seq}>
                  <td className="num mono">{event.seq}</td>
                  <td className="nowrap">
                    <time dateTime={event.at}>{utcTime(event.at)}</time>
                  </td>
                  <td>{event.actorLabel}</td>
                  <td className="mono">{event.action}</td>
                  <td>
                    <span className="mono nowrap">
                      {event.objectId === null ? event.objectType : `${event.objectType} #${event.objectId}`}
                    </span>
                    {event.plantId === null ? null : (
                      <div>
                        {event.plantCode ? (
                          <Link to={`/plants/${event.plantCode}`}>{event.plantCode}</Link>
                        ) : (
                          <span className="muted">plant #{event.plantId} (removed)</span>
                        )}
                      </div>
                    )}
                  </td>
                  <td>{event.summary}</td>
                  <td>
                    <Change beforeJson={event.beforeJson} afterJson={event.afterJson} />
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>

      <Pager {...window} total={total} shown={events.length} noun="events" />
    </>
  );
}
