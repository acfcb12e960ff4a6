import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { ChangeOutcomeForm, LastOutcomeLine, OutcomeDue } from "~/components/ChangeOutcomeForm";
import { Confirmation } from "~/components/forms";
import { isOutcomeDue, outcomeFormDefaults, RECORD_OUTCOME_INTENT } from "~/domain/change-outcomes";
import { acknowledgementRefusals, IMPACT_DAYS } from "~/domain/cutover-impact";
import { formatLocalRange } from "~/domain/local-time";
import { changeActsHref } from "~/domain/network-changes";
import { can } from "~/domain/permissions";
import { formatDuration, formatLocal } from "~/domain/time";
import { CHANGE_KIND_LABELS, CHANGE_STATUS_LABELS, labelFor, WINDOW_STATUS_LABELS } from "~/domain/vocabulary";
import { recordOutcomeAct } from "~/http/change-outcome-acts.server";
import { lastOutcomes } from "~/models/change-outcomes.server";
import { getPlantChange, loadCutoverImpact } from "~/models/cutover-impact.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { requirePlant } from "~/http/plant-guard.server";
import { getDb } from "~/utils/db.server";
import { runIntent } from "~/utils/forms.server";
import { PredictedFlows, StoppedFlows, type FlowRow } from "./ImpactPanel";
import { changeIntents } from "./intents.server";

// One network change: what it is, its window and status, and for a conduit cutover what it is predicted to block
// (each flow acknowledged by the conduit's design owner, or added to the design) and, once done, what it seems to
// have stopped. The page is a column of sections, so more sections about the change can be added beside these.

async function requireChange(params: { code?: string; changeId?: string }) {
  const plant = await requirePlant(params.code);
  const id = /^\d{1,9}$/.test(params.changeId ?? "") ? Number(params.changeId) : null;
  const change = id === null ? null : await getPlantChange(getDb(), plant.id, id);
  if (!change) throw data(`Plant ${plant.code} has no change “${params.changeId ?? ""}”.`, { status: 404 });
  return { plant, change };
}

export async function loader({ params, request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { plant, change } = await requireChange(params);
  requirePermission(user, "read:plant", plant.id);
  const db = getDb();
  const now = new Date();
  const zone = plant.time_zone;
  const impact = await loadCutoverImpact(db, change, zone, now);
  const mayEdit = can(user, "edit:conduit", plant.id);
  const acknowledged = new Map(impact?.acknowledgements.map((a) => [a.flowKey, a]) ?? []);
  const rows: FlowRow[] = (impact?.prediction.flows ?? []).map((flow) => {
    const existing = acknowledged.get(flow.key);
    const facts = {
      personId: user.personId,
      designOwner: impact!.conduit.designOwner,
      change,
      flowKey: flow.key,
      predicted: true,
      existing: existing ? { decision: existing.decision, by: existing.by } : null,
    };
    return {
      ...flow,
      acknowledgement: existing
        ? { decision: existing.decision, reason: existing.reason, by: existing.by, at: existing.at }
        : null,
      mayExpect: acknowledgementRefusals({ ...facts, decision: "expected_stop" }).length === 0,
      mayAdd: mayEdit && acknowledgementRefusals({ ...facts, decision: "added_to_design" }).length === 0,
    };
  });
  const end = change.plannedStart
    ? new Date(Date.parse(change.plannedStart) + (change.plannedMinutes ?? 0) * 60_000).toISOString()
    : null;
  const lastOutcome = (await lastOutcomes(db, [change.id])).get(change.id) ?? null;
  // The outcome is recorded once the change's planned start has passed, as on the windows page.
  const started = change.plannedStart !== null && Date.parse(change.plannedStart) <= now.getTime();
  const outcomeDefaults =
    started && change.status === "scheduled" && can(user, "schedule:change", plant.id)
      ? outcomeFormDefaults({ plannedStart: change.plannedStart!, plannedMinutes: change.plannedMinutes }, zone)
      : null;
  return {
    plant: { code: plant.code, name: plant.name, timeZone: zone },
    change: {
      id: change.id,
      kind: labelFor(CHANGE_KIND_LABELS, change.kind),
      isCutover: change.kind === "conduit_cutover",
      title: change.title,
      status: change.status,
      statusLabel: labelFor(CHANGE_STATUS_LABELS, change.status),
      conduitId: change.conduitId,
      conduitName: change.conduitName,
      conduitRevision: change.conduitRevision,
      assetName: change.assetName,
      planned: change.plannedStart && end ? formatLocalRange(change.plannedStart, end, zone) : null,
      duration: change.plannedMinutes !== null ? formatDuration(change.plannedMinutes) : null,
      doneAt: change.doneAt ? formatLocal(change.doneAt, zone) : null,
      window: change.window
        ? {
            title: change.window.title,
            range: formatLocalRange(change.window.startsAt, change.window.endsAt, zone),
            status: labelFor(WINDOW_STATUS_LABELS, change.window.status),
          }
        : null,
      createdBy: change.createdBy,
    },
    impact: impact
      ? {
          designOwner: impact.conduit.designOwner?.name ?? null,
          conduitRevision: impact.conduit.revision,
          flows: rows,
          total: impact.prediction.total,
          unacknowledged: impact.counts.unacknowledged,
          blocked: impact.blocked,
          stopped: impact.stopped,
        }
      : null,
    mayScheduleChanges: can(user, "schedule:change", plant.id),
    outcome: {
      last: lastOutcome,
      due: isOutcomeDue({ status: change.status, windowEndsAt: change.window?.endsAt ?? null }, now.toISOString()),
      defaults: outcomeDefaults,
    },
  };
}

export async function action({ params, request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const { plant, change } = await requireChange(params);
  requirePermission(user, "read:plant", plant.id);
  const form = Object.fromEntries(await request.formData());
  if (form.intent === RECORD_OUTCOME_INTENT) {
    const landing = `/plants/${plant.code}/changes/${change.id}#outcome`;
    return recordOutcomeAct({ request, db: getDb(), user, plant, form, landing });
  }
  return runIntent(changeIntents, { db: getDb(), user, plant, change }, request, form);
}

export default function ChangePage() {
  const { plant, change, impact, mayScheduleChanges, outcome } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const open = change.status === "scheduled" || change.status === "needs_window";
  return (
    <>
      <nav aria-label="Breadcrumb" className="eyebrow">
        <Link to="/">Program</Link> / <Link to={`/plants/${plant.code}`}>{plant.code}</Link> /{" "}
        <Link to={`/plants/${plant.code}/windows`}>Windows</Link> / Change {change.id}
      </nav>
      <div className="page-head">
        <div>
          <h1>{change.title}</h1>
          <p className="lede">
            {change.kind} · {plant.name} · <span className={open ? "badge warn" : "badge"}>{change.statusLabel}</span>
          </p>
        </div>
      </div>

      {impact?.blocked ? (
        <p className="notice" role="status" id="cannot-be-done">
          This cutover cannot be marked done yet: {impact.blocked}
        </p>
      ) : null}

      <section className="panel" aria-labelledby="change-title" id="change">
        <h2 id="change-title">The change</h2>
        <dl className="facts">
          <dt>Kind</dt>
          <dd>{change.kind}</dd>
          <dt>Plant</dt>
          <dd>
            <Link to={`/plants/${plant.code}`}>
              {plant.code} {plant.name}
            </Link>
          </dd>
          {change.conduitId !== null ? (
            <>
              <dt>Conduit</dt>
              <dd>
                <Link to={`/plants/${plant.code}/conduits/${change.conduitId}`}>{change.conduitName}</Link>
                {change.conduitRevision !== null ? ` (revision ${change.conduitRevision})` : ""}
              </dd>
            </>
          ) : null}
          {change.assetName ? (
            <>
              <dt>Asset</dt>
              <dd>{change.assetName}</dd>
            </>
          ) : null}
          <dt>Window</dt>
          <dd>
            {change.window ? (
              <>
                {change.window.title} ({change.window.range}, {change.window.status.toLowerCase()})
              </>
            ) : (
              <span className="badge warn">none</span>
            )}
          </dd>
          <dt>Planned</dt>
          <dd>
            {change.planned ?? "not planned"}
            {change.duration ? ` · ${change.duration}` : ""}
          </dd>
          <dt>Status</dt>
          <dd>{change.statusLabel}</dd>
          {change.doneAt ? (
            <>
              <dt>Done at</dt>
              <dd>{change.doneAt}</dd>
            </>
          ) : null}
          {change.createdBy ? (
            <>
              <dt>Scheduled by</dt>
              <dd>{change.createdBy}</dd>
            </>
          ) : null}
        </dl>
        {open && mayScheduleChanges ? (
          <p>
            <Link to={changeActsHref(plant.code, change.id)}>Move or cancel it on the plant's windows page</Link>
          </p>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="outcome-title" id="outcome">
        <h2 id="outcome-title">Outcome {outcome.due ? <OutcomeDue /> : null}</h2>
        <Confirmation intents={RECORD_OUTCOME_INTENT} target={change.id} />
        {outcome.last ? (
          <LastOutcomeLine outcome={outcome.last} timeZone={plant.timeZone} />
        ) : (
          <p className="muted">No outcome recorded yet.</p>
        )}
        {outcome.defaults ? (
          <ChangeOutcomeForm change={change} timeZone={plant.timeZone} reply={reply} defaults={outcome.defaults} />
        ) : open && mayScheduleChanges ? (
          <p className="muted">The outcome is recorded once the change's planned start has passed.</p>
        ) : null}
      </section>

      {impact ? (
        <section className="panel" aria-labelledby="impact-title" id="impact">
          <h2 id="impact-title">Predicted blocked flows</h2>
          <p className="muted">
            Flows seen on the conduit in the {IMPACT_DAYS} days before {change.doneAt ? "the cutover" : "now"} that its
            allowed flows (revision {impact.conduitRevision}) would not permit. The conduit's design owner (
            {impact.designOwner ?? "none assigned"}) acknowledges each as expected to stop, or a plant engineer adds it
            to the design, before the cutover is marked done.
          </p>
          <PredictedFlows
            flows={impact.flows}
            total={impact.total}
            unacknowledged={impact.unacknowledged}
            days={IMPACT_DAYS}
            timeZone={plant.timeZone}
            reply={reply}
          />
        </section>
      ) : null}

      {impact && impact.stopped.state !== "not_done" ? (
        <section className="panel" aria-labelledby="stopped-title" id="stopped">
          <h2 id="stopped-title">Stopped by the cutover?</h2>
          <StoppedFlows stopped={impact.stopped} timeZone={plant.timeZone} />
        </section>
      ) : null}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `${data.change.title} · ${data.plant.code} · Segmentation Tracker`
      : "Change not found · Segmentation Tracker",
  },
];
