import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { ComputedAt } from "~/components/dashboard/ComputedAt";
import { DataTable, type Column } from "~/components/DataTable";
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

type QueueData = Awaited<ReturnType<typeof loader>>;

/** Each kind of work's heading, what its items are called, and the line said when there is none. */
const SECTIONS = {
  criteria: {
    title: "Criteria to tick",
    noun: "criteria",
    empty: "No checklist criterion of a current gate waits on you.",
  },
  gates: { title: "Gates ready to pass", noun: "gates", empty: "No gate is ready to pass." },
  signoffs: { title: "Signoffs to give", noun: "signoffs", empty: "No signoff waits on you." },
  changes: {
    title: "Changes to schedule or close",
    noun: "changes",
    empty: "No network change needs a window or closing.",
  },
  staged: {
    title: "Staged hosts to triage",
    noun: "plants with staged hosts",
    empty: "No staged host waits for triage.",
  },
} as const;

/**
 * One kind of work, when the person's permissions give them that work: its heading, its items (or a line saying
 * there are none) and how many it left out.
 */
function QueueSection({ kind, data, children }: { kind: keyof typeof SECTIONS; data: QueueData; children: ReactNode }) {
  const section = data.sections[kind];
  if (!section) return null;
  const text = SECTIONS[kind];
  const items: readonly unknown[] = data[kind];
  const title =
    kind === "staged"
      ? `${section === "escalated" ? "Escalated staged hosts to triage" : text.title} (${data.totals.stagedHosts})`
      : `${text.title} (${data.totals[kind]})`;
  return (
    <section className="panel" aria-labelledby={`${kind}-title`} id={kind}>
      <h2 id={`${kind}-title`}>{title}</h2>
      {items.length === 0 ? <p className="muted">{text.empty}</p> : children}
      <More shown={items.length} total={data.totals[kind]} noun={text.noun} />
    </section>
  );
}

/** A list of work, each item "plant · what" linking to where it is done, with what follows the link and a detail line. */
function QueueList<Item extends { plantCode: string }>({
  items,
  itemKey,
  href,
  label,
  after,
  detail,
}: {
  items: readonly Item[];
  itemKey: (item: Item) => string;
  href: (item: Item) => string;
  label: (item: Item) => ReactNode;
  after?: (item: Item) => ReactNode;
  detail?: (item: Item) => ReactNode;
}) {
  return (
    <ul className="queue">
      {items.map((i) => (
        <li key={itemKey(i)} data-plant={i.plantCode}>
          <Link to={href(i)}>
            <span className="mono">{i.plantCode}</span> · {label(i)}
          </Link>
          {after?.(i)}
          {detail ? <div className="muted">{detail(i)}</div> : null}
        </li>
      ))}
    </ul>
  );
}

const plantCodeColumn = { header: "Plant", className: "mono", cell: (row: { plantCode: string }) => row.plantCode };

const SIGNOFF_COLUMNS: Column<QueueData["signoffs"][number]>[] = [
  plantCodeColumn,
  { header: "What", rowHeader: true, cell: (s) => <Link to={s.href}>{s.subjectName}</Link> },
  { header: "Part", cell: (s) => PART_LABELS[s.part] },
  { header: "Revision", num: true, cell: (s) => s.revision },
  {
    header: "State",
    cell: (s) =>
      s.status === "stale" ? (
        <span className="badge warn">Stale: sign again</span>
      ) : (
        <span className="badge">Missing</span>
      ),
  },
];

const CHANGE_COLUMNS: Column<QueueData["changes"][number]>[] = [
  plantCodeColumn,
  { header: "Change", rowHeader: true, cell: (c) => <Link to={`/plants/${c.plantCode}/windows`}>{c.title}</Link> },
  { header: "Kind", cell: (c) => c.kindLabel },
  {
    header: "Planned (plant time)",
    cell: (c) => (
      <>
        {c.local ? <time dateTime={c.plannedStart ?? undefined}>{c.local}</time> : "—"}
        <div className="muted">{c.timeZone}</div>
      </>
    ),
  },
  { header: "To do", cell: (c) => (c.todo === "schedule" ? "Schedule into a window" : "Mark done or cancel") },
];

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

      <QueueSection kind="criteria" data={data}>
        <QueueList
          items={data.criteria}
          itemKey={(c) => `${c.plantCode}-${c.code}`}
          href={(c) => `/plants/${c.plantCode}#criterion-${c.code}`}
          label={(c) => (
            <>
              <span className="mono">{c.code}</span> {c.title}
            </>
          )}
          after={(c) => (
            <>
              {" "}
              <PhaseBadge phase={c.phase} />
            </>
          )}
          detail={(c) => c.message}
        />
      </QueueSection>

      <QueueSection kind="gates" data={data}>
        <QueueList
          items={data.gates}
          itemKey={(g) => g.plantCode}
          href={(g) => `/plants/${g.plantCode}#gates`}
          label={(g) => `pass the ${PHASE_LABELS[g.phase].toLowerCase()} gate`}
        />
      </QueueSection>

      <QueueSection kind="signoffs" data={data}>
        <DataTable
          caption="Your parts not signed on the current revision; stale ones first, to sign again"
          columns={SIGNOFF_COLUMNS}
          rows={data.signoffs}
          rowKey={(s) => `${s.subjectType}-${s.subjectId}-${s.part}`}
          rowProps={(s) => ({ "data-plant": s.plantCode })}
        />
      </QueueSection>

      <QueueSection kind="changes" data={data}>
        <DataTable
          caption="Changes without a window, and changes whose window has begun"
          columns={CHANGE_COLUMNS}
          rows={data.changes}
          rowKey={(c) => c.id}
          rowProps={(c) => ({ "data-plant": c.plantCode })}
        />
      </QueueSection>

      <QueueSection kind="staged" data={data}>
        <QueueList
          items={data.staged}
          itemKey={(s) => s.plantCode}
          href={(s) => `/plants/${s.plantCode}#staged-hosts`}
          label={(s) => (
            <>
              {s.count} staged {s.count === 1 ? "host" : "hosts"}
              {s.escalated > 0 ? `, ${s.escalated} escalated` : ""}
            </>
          )}
          detail={(s) => (
            <>
              {s.examples.map((e) => `${e.name}${e.ip ? ` (${e.ip})` : ""}`).join(", ")}
              {s.count > s.examples.length ? ", …" : ""}
            </>
          )}
        />
      </QueueSection>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "My queue · Segmentation Tracker" }];
