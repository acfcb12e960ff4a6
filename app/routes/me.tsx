import {
  data as answerData,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { ComputedAt } from "~/components/ComputedAt";
import { DataTable, type Column } from "~/components/DataTable";
import { Confirmation } from "~/components/forms";
import { NeedsWindowActs, Unplaced } from "~/components/NeedsWindowActs";
import { More, QueueList } from "~/components/QueueList";
import { PhaseBadge } from "~/components/PhaseBadge";
import { changeHref } from "~/domain/network-changes";
import { stopHref } from "~/domain/production-stops";
import { formatDate, formatLocal } from "~/domain/time";
import { hasQueue, queueCounts, type QueueKind } from "~/domain/queue";
import { PART_LABELS } from "~/domain/signoffs";
import { CHANGE_KIND_LABELS, isOneOf, PHASE_LABELS, type ChangeKind } from "~/domain/vocabulary";
import { readinessOf } from "~/http/readiness-cache.server";
import { moveChoices, type MoveChoice } from "~/models/network-changes.server";
import { loadFlowsToAcknowledge, loadQueue } from "~/models/queues.server";
import { loadFloorQueue } from "~/models/floor-queues.server";
import { loadDriftQueue } from "~/models/drift.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { requirePlant } from "~/http/plant-guard.server";
import { cancelChangeAct, moveChangeAct, type WindowsAct } from "~/http/window-acts.server";
import { getDb } from "~/utils/db.server";
import { replyFor } from "~/utils/reply";

// What waits on the signed-in person across their plants, each item linking to where it is done. Each section is
// the work of one permission (app/domain/queue.ts); a plant engineer sees only the plants assigned to them,
// corporate security and the program lead the program.

/** The most items of one kind the queue lists at once, so a program-wide queue stays a page. */
const QUEUE_LIMIT = 100;

/** The acts the queue's forms post: those of the plant's windows page on a change waiting for a window. */
const CHANGE_INTENTS = ["move-change", "cancel-change"] as const;

/** The windows each listed change waiting for one fits into, by change: one reading per plant concerned. */
async function movesOf(
  db: ReturnType<typeof getDb>,
  changes: readonly {
    id: number;
    plantId: number;
    title: string;
    kind: string;
    status: string;
    plannedMinutes: number | null;
  }[],
  now: Date
): Promise<Map<number, MoveChoice[]>> {
  const waiting = changes.filter((c) => c.status === "needs_window");
  const plantIds = [...new Set(waiting.map((c) => c.plantId))];
  const perPlant = await Promise.all(
    plantIds.map((plantId) =>
      moveChoices(
        db,
        plantId,
        waiting.filter((c) => c.plantId === plantId),
        now
      )
    )
  );
  return new Map(perPlant.flatMap((choices) => [...choices]));
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "read:program");
  const now = new Date();
  const db = getDb();
  const [queue, floor, flowsToAcknowledge, drift] = await Promise.all([
    loadQueue(db, user, now, readinessOf),
    loadFloorQueue(db, user, now, QUEUE_LIMIT),
    loadFlowsToAcknowledge(db, user, now),
    loadDriftQueue(db, user, now),
  ]);
  const { criteria, gates, targets, signoffs, acceptances, wiring, rulesToWrite, rulesToReview, changes, staged } =
    queue;
  const listedChanges = changes.slice(0, QUEUE_LIMIT);
  const moves = await movesOf(db, listedChanges, now);
  const totals: Record<QueueKind, number> = {
    outcomesDue: floor.outcomesDue?.total ?? 0,
    reviewsToSign: floor.reviewsToSign?.total ?? 0,
    criteria: criteria.length,
    gates: gates.length,
    targets: targets.length,
    signoffs: signoffs.length,
    acceptances: acceptances.length,
    wiring: wiring.length,
    rulesToWrite: rulesToWrite.length,
    rulesToReview: rulesToReview.length,
    flowsToAcknowledge: flowsToAcknowledge.length,
    changes: changes.length,
    staged: staged.length,
    drift: drift.length,
  };
  return {
    computedAt: now.toISOString(),
    sections: queue.sections,
    plants: queue.plants.map((p) => ({ code: p.code, name: p.name })),
    scopeAll: queue.spansProgram,
    totals,
    summary: queueCounts(queue.sections, totals),
    stagedHosts: staged.reduce((n, s) => n + s.count, 0),
    outcomesDue: (floor.outcomesDue?.rows ?? []).map((c) => ({
      ...c,
      windowEndsLocal: formatLocal(c.windowEndsAt, c.timeZone),
    })),
    reviewsToSign: floor.reviewsToSign?.rows ?? [],
    criteria: criteria.slice(0, QUEUE_LIMIT),
    gates: gates.slice(0, QUEUE_LIMIT),
    targets: targets.slice(0, QUEUE_LIMIT),
    signoffs: signoffs.slice(0, QUEUE_LIMIT),
    acceptances: acceptances.slice(0, QUEUE_LIMIT),
    wiring: wiring.slice(0, QUEUE_LIMIT),
    rulesToWrite: rulesToWrite.slice(0, QUEUE_LIMIT),
    rulesToReview: rulesToReview.slice(0, QUEUE_LIMIT),
    flowsToAcknowledge: flowsToAcknowledge.slice(0, QUEUE_LIMIT),
    changes: listedChanges.map((c) => ({
      ...c,
      moves: moves.get(c.id) ?? [],
      kindLabel: CHANGE_KIND_LABELS[c.kind as ChangeKind] ?? c.kind,
      local: c.plannedStart ? formatLocal(c.plannedStart, c.timeZone) : null,
    })),
    staged: staged.slice(0, QUEUE_LIMIT),
    drift: drift.slice(0, QUEUE_LIMIT),
  };
}

/**
 * Moves a change waiting for a window into another, or cancels it with a reason: the windows page's own acts
 * (authorized for scheduling changes at the change's plant, audited), landing back on this section.
 */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = Object.fromEntries(await request.formData());
  const intent = String(form.intent ?? "");
  if (!isOneOf(CHANGE_INTENTS, intent)) {
    throw answerData(`Unknown action “${intent.slice(0, 40)}”.`, { status: 400 });
  }
  const plant = await requirePlant(typeof form.plant === "string" ? form.plant : undefined);
  requirePermission(user, "read:program", plant.id);
  const act: WindowsAct = { request, db: getDb(), user, plant, form, landing: "/me#changes" };
  switch (intent) {
    case "move-change":
      return moveChangeAct(act);
    case "cancel-change":
      return cancelChangeAct(act);
  }
}

type QueueData = Awaited<ReturnType<typeof loader>>;

/** Each kind of work's heading, what its items are called, and the line said when there is none. */
const SECTIONS: Record<QueueKind, { title: string; noun: string; empty: string }> = {
  outcomesDue: {
    title: "Outcomes due",
    noun: "changes",
    empty: "Every change whose window has ended has its outcome.",
  },
  reviewsToSign: {
    title: "Stop reviews to sign",
    noun: "reviews",
    empty: "No post-incident review waits on your signature.",
  },
  criteria: {
    title: "Criteria to tick",
    noun: "criteria",
    empty: "No checklist criterion of a current gate waits on you.",
  },
  gates: { title: "Gates ready to pass", noun: "gates", empty: "No gate is ready to pass." },
  targets: {
    title: "Plants past a target",
    noun: "plants past a target",
    empty: "No plant has a gate past its target date.",
  },
  signoffs: { title: "Signoffs to give", noun: "signoffs", empty: "No signoff waits on you." },
  acceptances: {
    title: "Stalled baselines to accept",
    noun: "stalled baselines",
    empty: "No stalled baseline waits for your acceptance.",
  },
  wiring: {
    title: "Alerts to wire",
    noun: "conduits to wire",
    empty: "No conduit with a mature baseline waits for its alerts.",
  },
  rulesToWrite: {
    title: "Detection rules to write",
    noun: "conduits without rules",
    empty: "Every wired conduit has detection rules.",
  },
  rulesToReview: {
    title: "Detection rules to review",
    noun: "rules to review",
    empty: "No detection rule waits for review.",
  },
  changes: {
    title: "Changes needing a window or an outcome",
    noun: "changes",
    empty: "No network change needs a window or an outcome.",
  },
  staged: {
    title: "Staged hosts to triage",
    noun: "plants with staged hosts",
    empty: "No staged host waits for triage.",
  },
  flowsToAcknowledge: {
    title: "Predicted blocked flows to acknowledge",
    noun: "cutovers",
    empty: "No cutover of a conduit you design waits for your acknowledgement.",
  },
  drift: {
    title: "Live plants drifting",
    noun: "findings",
    empty: "No live plant drifts where you can set it right.",
  },
};

/** A kind's heading: its title, and how many items (staged hosts count hosts, not plants). */
function sectionTitle(kind: QueueKind, data: QueueData): string {
  if (kind === "staged") {
    const title = data.sections.staged === "escalated" ? "Escalated staged hosts to triage" : SECTIONS.staged.title;
    return `${title} (${data.stagedHosts})`;
  }
  return `${SECTIONS[kind].title} (${data.totals[kind]})`;
}

/**
 * One kind of work, when the person's permissions give them that work: its heading, its items (or a line saying
 * there are none) and how many it left out.
 */
function QueueSection({
  kind,
  data,
  notice,
  children,
}: {
  kind: QueueKind;
  data: QueueData;
  /** Said under the heading, the list empty or not (what an act here did). */
  notice?: ReactNode;
  children: ReactNode;
}) {
  if (!data.sections[kind]) return null;
  const text = SECTIONS[kind];
  const items: readonly unknown[] = data[kind];
  return (
    <section className={items.length === 0 ? "panel queue-empty" : "panel"} aria-labelledby={`${kind}-title`} id={kind}>
      <h2 id={`${kind}-title`}>{sectionTitle(kind, data)}</h2>
      {notice}
      {items.length === 0 ? <p className="muted">{text.empty}</p> : children}
      <More shown={items.length} total={data.totals[kind]} noun={text.noun} />
    </section>
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
  {
    header: "Change",
    rowHeader: true,
    cell: (c) => <Link to={changeHref(c.plantCode, c.id)}>{c.title}</Link>,
  },
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
  {
    header: "To do",
    cell: (c) => (c.todo === "schedule" ? <WaitingChange c={c} /> : "Window under way: record its outcome"),
  },
];

/** A change waiting for a window: the forms that move it into one of its plant's windows, or cancel it. */
function WaitingChange({ c }: { c: QueueData["changes"][number] }) {
  const reply = useActionData<typeof action>();
  return (
    <>
      <span className="badge warn">Needs a new window</span>
      <div className="muted">Move it into another window, or cancel it with a reason.</div>
      <NeedsWindowActs
        change={c}
        reply={reply}
        hiddenFields={{ plant: c.plantCode }}
        noMove="No confirmed window of this plant ahead has room for it: add or confirm one on its windows page, then move it."
      />
    </>
  );
}

/** What became of a change moved or cancelled here, and a refusal about one the queue no longer lists. */
function ChangesNotice({ data }: { data: QueueData }) {
  const reply = replyFor(useActionData<typeof action>(), CHANGE_INTENTS);
  const listed = data.changes.some((c) => c.todo === "schedule" && String(c.id) === reply?.target);
  return (
    <>
      <Confirmation intents={CHANGE_INTENTS} />
      {reply && !listed ? <Unplaced message={reply.formError} /> : null}
    </>
  );
}

/** How many items of each kind wait, each linking to its section: the queue at a glance. */
function QueueSummary({ data }: { data: QueueData }) {
  if (data.summary.length === 0) return null;
  return (
    <nav aria-label="What waits, by kind" className="queue-summary">
      <ul>
        {data.summary.map(({ kind, count }) => (
          <li key={kind} data-kind={kind} className={count === 0 ? "muted" : undefined}>
            <a href={`#${kind}`}>
              <span className="queue-count">
                {(kind === "staged" ? data.stagedHosts : count).toLocaleString("en-US")}
              </span>{" "}
              {SECTIONS[kind].title.toLowerCase()}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export default function MyQueue() {
  const data = useLoaderData<typeof loader>();
  const queued = hasQueue(data.sections);
  const total = data.summary.reduce((n, { kind, count }) => n + (kind === "staged" ? data.stagedHosts : count), 0);
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

      <p>
        <Link to="/me/notifications">My notifications</Link> · <Link to="/me/settings">Notification settings</Link>
      </p>
      {!queued ? (
        <p>
          <Link to="/dashboard">Open the program dashboard</Link>
        </p>
      ) : (
        <p className="queue-total" role="status">
          {total === 0 ? "Nothing waits on you." : `${total} ${total === 1 ? "item waits" : "items wait"} on you.`}
        </p>
      )}
      <QueueSummary data={data} />

      <QueueSection kind="outcomesDue" data={data}>
        <QueueList
          items={data.outcomesDue}
          itemKey={(c) => String(c.changeId)}
          href={(c) => changeHref(c.plantCode, c.changeId)}
          label={(c) => <>record how “{c.title}” came out</>}
          detail={(c) => (
            <>
              {c.kindLabel} · window “{c.windowTitle}” ended <time dateTime={c.windowEndsAt}>{c.windowEndsLocal}</time>{" "}
              ({c.timeZone})
            </>
          )}
        />
      </QueueSection>

      <QueueSection kind="reviewsToSign" data={data}>
        <QueueList
          items={data.reviewsToSign}
          itemKey={(s) => `${s.stopId}-${s.part}`}
          href={(s) => `${stopHref(s.plantCode, s.stopId)}#signatures`}
          label={(s) => s.phrase}
          detail={(s) =>
            `Sign the ${PART_LABELS[s.part].toLowerCase()} part of its review (revision ${s.reviewRevision}).`
          }
        />
      </QueueSection>

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

      <QueueSection kind="targets" data={data}>
        <QueueList
          items={data.targets}
          itemKey={(t) => t.plantCode}
          href={(t) => `/plants/${t.plantCode}#gates`}
          label={(t) => `the ${PHASE_LABELS[t.phase].toLowerCase()} gate was due ${formatDate(t.target)}`}
          after={(t) => (
            <>
              {" "}
              <span className="badge bad">
                {t.daysLate} {t.daysLate === 1 ? "day" : "days"} late
              </span>
            </>
          )}
          detail={(t) => (t.lateGates > 1 ? `${t.lateGates} of its gates are past their target.` : null)}
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

      <QueueSection kind="acceptances" data={data}>
        <QueueList
          items={data.acceptances}
          itemKey={(c) => String(c.conduitId)}
          href={(c) => c.href}
          label={(c) => <>accept the stalled baseline of {c.conduitName}</>}
          detail={(c) =>
            `Stalled after ${c.countedDays} counted days without maturing; both owners accept it, with a note on the residual novelty.`
          }
        />
      </QueueSection>

      <QueueSection kind="wiring" data={data}>
        <QueueList
          items={data.wiring}
          itemKey={(c) => String(c.conduitId)}
          href={(c) => c.href}
          label={(c) => <>wire the alerts of {c.conduitName}</>}
          detail={() => "Its baseline is mature (or jointly accepted) and no alert is wired yet."}
        />
      </QueueSection>

      <QueueSection kind="rulesToWrite" data={data}>
        <QueueList
          items={data.rulesToWrite}
          itemKey={(c) => String(c.conduitId)}
          href={(c) => c.href}
          label={(c) => <>write detection rules for {c.conduitName}</>}
          detail={() => "Alerts are wired and no rule is recorded yet."}
        />
      </QueueSection>

      <QueueSection kind="rulesToReview" data={data}>
        <QueueList
          items={data.rulesToReview}
          itemKey={(r) => String(r.ruleId)}
          href={(r) => r.href}
          label={(r) => (
            <>
              review “{r.ruleName}” on {r.conduitName}
            </>
          )}
          detail={(r) => (r.ruleClass === "wrong" ? "Class: wrong (an incident)." : "Class: unusual (triage, notify).")}
        />
      </QueueSection>

      <QueueSection kind="flowsToAcknowledge" data={data}>
        <QueueList
          items={data.flowsToAcknowledge}
          itemKey={(c) => String(c.changeId)}
          href={(c) => c.href}
          label={(c) => c.title}
          detail={(c) => (
            <>
              {c.unacknowledged} of {c.total} predicted blocked {c.total === 1 ? "flow" : "flows"} on {c.conduitName}{" "}
              not acknowledged: the cutover cannot be marked done until each is.
            </>
          )}
        />
      </QueueSection>

      <QueueSection kind="changes" data={data} notice={<ChangesNotice data={data} />}>
        <DataTable
          caption="Changes without a window, and changes whose window is under way"
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
          href={(s) => `/plants/${s.plantCode}/triage`}
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

      <QueueSection kind="drift" data={data}>
        <QueueList
          items={data.drift}
          itemKey={(d) => `${d.plantCode}:${d.code}:${d.href}:${d.message}`}
          href={(d) => d.href}
          label={(d) => (
            <>
              <span className="mono">{d.code}</span> {d.title}
            </>
          )}
          detail={(d) => d.message}
          itemData={(d) => ({ "data-drift-code": d.code })}
        />
      </QueueSection>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "My queue · Segmentation Tracker" }];
