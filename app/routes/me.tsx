import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ComputedAt } from "~/components/dashboard/ComputedAt";
import { PhaseBadge } from "~/components/PhaseBadge";
import { formatLocal } from "~/domain/time";
import { hasQueue } from "~/domain/queue";
import { PART_LABELS } from "~/domain/signoffs";
import { CHANGE_KIND_LABELS, PHASE_LABELS, type ChangeKind } from "~/domain/vocabulary";
import { readinessOf } from "~/http/readiness-cache.server";
import { loadQueue } from "~/models/queues.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";

// What waits on the signed-in person across their plants, each item linking to where it is done. Each section is
// the work of one permission (app/domain/queue.ts); a plant engineer sees only the plants assigned to them,
// corporate security and the program lead the program.

/** The most items of one kind the queue lists at once, so a program-wide queue stays a page. */
const QUEUE_LIMIT = 100;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "read:program");
  const now = new Date();
  const queue = await loadQueue(getDb(), user, now, readinessOf);
  const { criteria, gates, signoffs, changes, staged } = queue;
  return {
    computedAt: now.toISOString(),
    sections: queue.sections,
    plants: queue.plants.map((p) => ({ code: p.code, name: p.name })),
    scopeAll: queue.spansProgram,
    totals: {
      criteria: criteria.length,
      gates: gates.length,
      signoffs: signoffs.length,
      changes: changes.length,
      staged: staged.length,
      stagedHosts: staged.reduce((n, s) => n + s.count, 0),
    },
    criteria: criteria.slice(0, QUEUE_LIMIT),
    gates: gates.slice(0, QUEUE_LIMIT),
    signoffs: signoffs.slice(0, QUEUE_LIMIT),
    changes: changes.slice(0, QUEUE_LIMIT).map((c) => ({
      ...c,
      kindLabel: CHANGE_KIND_LABELS[c.kind as ChangeKind] ?? c.kind,
      local: c.plannedStart ? formatLocal(c.plannedStart, c.timeZone) : null,
    })),
    staged: staged.slice(0, QUEUE_LIMIT),
  };
}

function Empty({ children }: { children: string }) {
  return <p className="muted">{children}</p>;
}

/** Says how much of a list the queue left out, oldest work first being what it shows. */
function More({ shown, total, noun }: { shown: number; total: number; noun: string }) {
  if (total <= shown) return null;
  return (
    <p className="muted">
      The first {shown.toLocaleString("en-US")} of {total.toLocaleString("en-US")} {noun} are listed; the rest follow as
      these are done.
    </p>
  );
}

export default function MyQueue() {
  const data = useLoaderData<typeof loader>();
  const queued = hasQueue(data.sections);
  const total =
    data.totals.criteria + data.totals.gates + data.totals.signoffs + data.totals.changes + data.totals.stagedHosts;
  return (
    <>
      <div className="page-head">
        <div>
          <p className="eyebrow">My queue</p>
          <h1>What waits on me</h1>
          <p className="lede">
            {!queued
              ? "Nothing in the program waits on an executive; the dashboard has the rollup."
              : data.scopeAll
              ? "Across every plant of the program."
              : data.plants.length === 0
              ? "No plant is assigned to you."
              : `Across your plants: ${data.plants.map((p) => `${p.code} ${p.name}`).join(", ")}.`}
          </p>
        </div>
        <ComputedAt at={data.computedAt} />
      </div>

      {!queued ? (
        <p>
          <Link to="/dashboard">Open the program dashboard</Link>
        </p>
      ) : (
        <p className="queue-total" role="status">
          {total === 0 ? "Nothing waits on you." : `${total} ${total === 1 ? "item waits" : "items wait"} on you.`}
        </p>
      )}

      {data.sections.criteria ? (
        <section className="panel" aria-labelledby="criteria-title" id="criteria">
          <h2 id="criteria-title">Criteria to tick ({data.totals.criteria})</h2>
          {data.criteria.length === 0 ? (
            <Empty>No checklist criterion of a current gate waits on you.</Empty>
          ) : (
            <ul className="queue">
              {data.criteria.map((c) => (
                <li key={`${c.plantCode}-${c.code}`} data-plant={c.plantCode}>
                  <Link to={`/plants/${c.plantCode}#criterion-${c.code}`}>
                    <span className="mono">{c.plantCode}</span> · <span className="mono">{c.code}</span> {c.title}
                  </Link>{" "}
                  <PhaseBadge phase={c.phase} />
                  <div className="muted">{c.message}</div>
                </li>
              ))}
            </ul>
          )}
          <More shown={data.criteria.length} total={data.totals.criteria} noun="criteria" />
        </section>
      ) : null}

      {data.sections.gates ? (
        <section className="panel" aria-labelledby="gates-title" id="gates">
          <h2 id="gates-title">Gates ready to pass ({data.totals.gates})</h2>
          {data.gates.length === 0 ? (
            <Empty>No gate is ready to pass.</Empty>
          ) : (
            <ul className="queue">
              {data.gates.map((g) => (
                <li key={g.plantCode} data-plant={g.plantCode}>
                  <Link to={`/plants/${g.plantCode}#gates`}>
                    <span className="mono">{g.plantCode}</span> · pass the {PHASE_LABELS[g.phase].toLowerCase()} gate
                  </Link>
                </li>
              ))}
            </ul>
          )}
          <More shown={data.gates.length} total={data.totals.gates} noun="gates" />
        </section>
      ) : null}

      {data.sections.signoffs ? (
        <section className="panel" aria-labelledby="signoffs-title" id="signoffs">
          <h2 id="signoffs-title">Signoffs to give ({data.totals.signoffs})</h2>
          {data.signoffs.length === 0 ? (
            <Empty>No signoff waits on you.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <caption>Your parts not signed on the current revision; stale ones first, to sign again</caption>
                <thead>
                  <tr>
                    <th scope="col">Plant</th>
                    <th scope="col">What</th>
                    <th scope="col">Part</th>
                    <th scope="col" className="num">
                      Revision
                    </th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {data.signoffs.map((s) => (
                    <tr key={`${s.subjectType}-${s.subjectId}-${s.part}`} data-plant={s.plantCode}>
                      <td className="mono">{s.plantCode}</td>
                      <th scope="row">
                        <Link to={s.href}>{s.subjectName}</Link>
                      </th>
                      <td>{PART_LABELS[s.part]}</td>
                      <td className="num">{s.revision}</td>
                      <td>
                        {s.status === "stale" ? (
                          <span className="badge warn">Stale: sign again</span>
                        ) : (
                          <span className="badge">Missing</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <More shown={data.signoffs.length} total={data.totals.signoffs} noun="signoffs" />
        </section>
      ) : null}

      {data.sections.changes ? (
        <section className="panel" aria-labelledby="changes-title" id="changes">
          <h2 id="changes-title">Changes to schedule or close ({data.totals.changes})</h2>
          {data.changes.length === 0 ? (
            <Empty>No network change needs a window or closing.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <caption>Changes without a window, and changes whose window has begun</caption>
                <thead>
                  <tr>
                    <th scope="col">Plant</th>
                    <th scope="col">Change</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Planned (plant time)</th>
                    <th scope="col">To do</th>
                  </tr>
                </thead>
                <tbody>
                  {data.changes.map((c) => (
                    <tr key={c.id} data-plant={c.plantCode}>
                      <td className="mono">{c.plantCode}</td>
                      <th scope="row">
                        <Link to={`/plants/${c.plantCode}/windows`}>{c.title}</Link>
                      </th>
                      <td>{c.kindLabel}</td>
                      <td>
                        {c.local ? <time dateTime={c.plannedStart ?? undefined}>{c.local}</time> : "—"}
                        <div className="muted">{c.timeZone}</div>
                      </td>
                      <td>{c.todo === "schedule" ? "Schedule into a window" : "Mark done or cancel"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <More shown={data.changes.length} total={data.totals.changes} noun="changes" />
        </section>
      ) : null}

      {data.sections.staged ? (
        <section className="panel" aria-labelledby="staged-title" id="staged">
          <h2 id="staged-title">
            {data.sections.staged === "escalated" ? "Escalated staged hosts to triage" : "Staged hosts to triage"} (
            {data.totals.stagedHosts})
          </h2>
          {data.staged.length === 0 ? (
            <Empty>No staged host waits for triage.</Empty>
          ) : (
            <ul className="queue">
              {data.staged.map((s) => (
                <li key={s.plantCode} data-plant={s.plantCode}>
                  <Link to={`/plants/${s.plantCode}#staged-hosts`}>
                    <span className="mono">{s.plantCode}</span> · {s.count} staged {s.count === 1 ? "host" : "hosts"}
                    {s.escalated > 0 ? `, ${s.escalated} escalated` : ""}
                  </Link>
                  <div className="muted">
                    {s.examples.map((e) => `${e.name}${e.ip ? ` (${e.ip})` : ""}`).join(", ")}
                    {s.count > s.examples.length ? ", …" : ""}
                  </div>
                </li>
              ))}
            </ul>
          )}
          <More shown={data.staged.length} total={data.totals.staged} noun="plants with staged hosts" />
        </section>
      ) : null}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "My queue · Segmentation Tracker" }];
