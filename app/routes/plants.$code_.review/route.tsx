import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ComputedAt } from "~/components/ComputedAt";
import { IgnoredParams } from "~/components/IgnoredParams";
import { PhaseBadge } from "~/components/PhaseBadge";
import { parseChoice } from "~/domain/listing";
import { can } from "~/domain/permissions";
import { formatLocal } from "~/domain/time";
import { labelFor, PHASE_LABELS, PHASES, WINDOW_KIND_LABELS, WINDOW_STATUS_LABELS } from "~/domain/vocabulary";
import { requirePermission, requireUser } from "~/http/auth.server";
import { requirePlant } from "~/http/plant-guard.server";
import { loadPlantDiagrams } from "~/http/plant-diagrams.server";
import { CutoverImpactList } from "~/components/CutoverImpactList";
import { DesignFindings } from "~/components/DesignFindings";
import { PlantDiagramFigure } from "~/components/PlantDiagramFigure";
import { loadRollup, readinessOf } from "~/http/readiness-cache.server";
import { conduitSignoffStates, listConduitDetails } from "~/models/conduits.server";
import { openCutoverImpacts } from "~/models/cutover-impact.server";
import { reviewSignatories } from "~/models/gate-review.server";
import { listWindows } from "~/models/outage-windows.server";
import { loadSettings } from "~/models/readiness.server";
import { getOwnershipSplit, listAcknowledgements } from "~/models/signoffs.server";
import { countViolations } from "~/models/triage.server";
import { useHydrated } from "~/utils/hydrated";
import { getDb } from "~/utils/db.server";
import {
  BaselineTable,
  BlockersTable,
  CriteriaTable,
  GateStatusLine,
  SignatureBlock,
  SignoffRecord,
  WindowsList,
} from "./parts";

// The review of one plant's gate, made for the meeting where the gate is passed, and its printout (A4 or Letter):
// the gate's criteria with what the readiness engine says of each and who ticked or waived it, the open blockers
// with their ages, the conduits' baselines, the next outage windows and a block for the signatures. Nothing on it
// acts: the page is the print layout already, with or without JavaScript.

/** How many of the plant's next windows (planned or confirmed) the review lists. */
const NEXT_WINDOWS = 6;

export async function loader({ params, request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "read:program");
  const plant = await requirePlant(params.code);
  // As on the plant page: who ticked and signed what is shown to those who see the plant in full.
  const full = can(user, "read:plant", plant.id);
  const db = getDb();
  const now = new Date();
  const ignored: string[] = [];
  const chosen = parseChoice(new URL(request.url).searchParams, "gate", PHASES, ignored);

  const [[readiness], rollup, conduitDetails, settings, violations, windows, signatories, diagrams, cutovers] =
    await Promise.all([
      readinessOf(db, now.toISOString(), [plant.code]),
      loadRollup(db, now, [plant.id]),
      listConduitDetails(db, plant.id),
      loadSettings(db),
      countViolations(db, plant.id),
      listWindows(db, { plantIds: [plant.id], from: now.toISOString(), limit: 50 }),
      reviewSignatories(db, plant.id),
      loadPlantDiagrams(db, [plant], now.toISOString()),
      openCutoverImpacts(db, [plant.id], { statuses: ["scheduled"] }, now),
    ]);
  const [conduitStates, split] = full
    ? await Promise.all([conduitSignoffStates(db, plant.id, conduitDetails), getOwnershipSplit(db, plant.id)])
    : [null, null];
  // What each standing conduit signature acknowledged of the design review (full view only).
  const acknowledgements = conduitStates
    ? Object.fromEntries(
        await listAcknowledgements(
          db,
          [...conduitStates.values()].flatMap((s) => s.parts.flatMap((p) => (p.valid ? [p.valid.id] : [])))
        )
      )
    : {};
  const phase = readiness!.phase;
  const gate = readiness!.gates.find((g) => g.phase === (chosen ?? (phase === "complete" ? "alerting" : phase)))!;
  const rolled = rollup.plants.find((p) => p.code === plant.code);
  // The instant every figure holds at: the older of the readiness and the rollup answers (either may be cached).
  const computedAt = rollup.computedAt < readiness!.at ? rollup.computedAt : readiness!.at;
  const zone = plant.time_zone;

  return {
    full,
    ignored,
    computedAt,
    computedLocal: formatLocal(computedAt, zone),
    plant: { code: plant.code, name: plant.name, site: plant.site, region: plant.region, timeZone: zone, phase },
    phaseSince: rolled?.phaseSince ?? null,
    forecastLive: readiness!.forecastLive,
    forecastReason: readiness!.forecastReason,
    gates: readiness!.gates.map((g) => ({ phase: g.phase, status: g.status })),
    gate: {
      phase: gate.phase,
      status: gate.status,
      current: gate.phase === phase,
      passedAt: gate.passedAt ? formatLocal(gate.passedAt, zone) : null,
      passedBy: gate.passedBy,
      criteria: gate.criteria.map((c) => ({
        code: c.code,
        title: c.title,
        state: c.met ? ("met" as const) : c.waived ? ("waived" as const) : ("unmet" as const),
        message: c.message,
        objects: c.objects.filter((o) => o.type !== "plant").map((o) => o.label),
        waived: c.waived ? { ...c.waived, at: formatLocal(c.waived.at, zone) } : null,
        // Who ticked a checklist criterion is the plant's detail.
        tick:
          full && c.tick
            ? { ticked: c.tick.ticked, by: c.tick.by, at: formatLocal(c.tick.at, zone), note: c.tick.note }
            : null,
        checklist: c.checklist,
      })),
    },
    blockers: rollup.topBlockers
      .filter((b) => b.plantCode === plant.code)
      .map((b) => ({
        code: b.code,
        title: b.title,
        message: b.message,
        object: b.object,
        since: b.since.slice(0, 10),
        ageDays: b.ageDays,
        flag: b.flag,
        mustAct: b.mustAct,
      })),
    diagram: diagrams.get(plant.code)?.diagram ?? { zones: [], conduits: [] },
    design: readiness!.design,
    thresholds: { matureDays: settings.matureDays, stallDays: settings.stallDays },
    conduits: readiness!.conduits.map((c) => {
      const detail = conduitDetails.find((d) => d.id === c.id);
      const wrong = violations.get(c.id) ?? { total: 0, open: 0 };
      return {
        id: c.id,
        name: c.name,
        zones: detail ? `${detail.zoneAName} ↔ ${detail.zoneBName}` : "",
        state: c.state,
        monitored: c.monitored,
        status: c.baseline.status,
        reason: c.baseline.reason,
        countedDays: c.baseline.countedDays,
        epochStart: c.baseline.epochStart,
        matureOn: c.baseline.matureOn,
        earliestMaturity: c.baseline.earliestMaturity,
        gaps: c.baseline.gaps,
        wrongOpen: wrong.open,
        wrongTotal: wrong.total,
      };
    }),
    windows: windows
      .filter((w) => w.status === "planned" || w.status === "confirmed")
      .slice(0, NEXT_WINDOWS)
      .map((w) => ({
        id: w.id,
        title: w.title,
        kind: labelFor(WINDOW_KIND_LABELS, w.kind),
        status: labelFor(WINDOW_STATUS_LABELS, w.status),
        localRange: w.localRange,
        startsAt: w.startsAt,
        durationMinutes: w.durationMinutes,
        changes: w.changes.map((c) => ({
          id: c.id,
          kind: c.kindLabel,
          title: c.title,
          object: c.conduitName ?? c.assetName,
          status: c.status,
        })),
      })),
    // Who signed what (full view only): the ownership split and each conduit's two parts, and the gates passed.
    record: full
      ? {
          split: split!.parts,
          conduits: conduitDetails.map((d) => ({
            id: d.id,
            name: d.name,
            parts: conduitStates!.get(d.id)?.parts ?? [],
          })),
          acknowledgements,
          passes: plant.passes.map((p) => ({
            phase: p.phase,
            at: formatLocal(p.passed_at, zone),
            by: p.passed_by_name,
          })),
        }
      : null,
    signatories,
    cutovers,
  };
}

export type ReviewData = Awaited<ReturnType<typeof loader>>;

export default function GateReview() {
  const data = useLoaderData<typeof loader>();
  const hydrated = useHydrated();
  const { plant, gate } = data;
  const gateName = `Exit of ${PHASE_LABELS[gate.phase].toLowerCase()}`;
  return (
    <div className="gate-review">
      <nav aria-label="Breadcrumb" className="eyebrow no-print">
        <Link to="/">Program</Link> / <Link to={`/plants/${plant.code}`}>{plant.code}</Link> / Gate review
      </nav>
      {/* The header repeats at the top of every printed page (a table's head does); on screen the page head shows it. */}
      <table className="review-frame" role="presentation">
        <thead className="review-running">
          <tr>
            <td>
              {plant.code} {plant.name} · Gate review: {gateName} · computed{" "}
              {data.computedAt.replace("T", " ").slice(0, 16)} UTC
            </td>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>
              <header className="page-head review-head">
                <div>
                  <p className="eyebrow">Gate review</p>
                  <h1>
                    {plant.name} <span className="muted mono">{plant.code}</span>: {gateName}
                  </h1>
                  <p className="lede">
                    {plant.site} · {plant.region} · now in <PhaseBadge phase={plant.phase} />
                    {data.phaseSince ? ` since ${data.phaseSince.slice(0, 10)}` : ""}
                  </p>
                  <GateStatusLine gate={gate} />
                </div>
                <ComputedAt at={data.computedAt}>
                  <br />
                  <span className="muted">
                    {data.computedLocal} at the plant ({plant.timeZone})
                  </span>
                </ComputedAt>
              </header>

              <IgnoredParams ignored={data.ignored} />

              <div className="review-tools no-print">
                <Form method="get" className="inline-form" aria-label="Choose the gate">
                  <label htmlFor="review-gate">Gate</label>{" "}
                  <select id="review-gate" name="gate" defaultValue={gate.phase}>
                    {data.gates.map((g) => (
                      <option key={g.phase} value={g.phase}>
                        Exit of {PHASE_LABELS[g.phase].toLowerCase()} ({g.status})
                      </option>
                    ))}
                  </select>{" "}
                  <button type="submit" className="secondary">
                    Show
                  </button>
                </Form>
                {hydrated ? (
                  <button type="button" onClick={() => window.print()}>
                    Print
                  </button>
                ) : (
                  <span className="muted">Print this page from the browser: it is laid out for A4 and Letter.</span>
                )}
                <Link to={`/plants/${plant.code}`}>Back to the plant page</Link>
              </div>

              <section className="review-section" aria-labelledby="review-criteria-title" id="criteria">
                <h2 id="review-criteria-title">Criteria of the gate ({gate.criteria.length})</h2>
                <CriteriaTable criteria={gate.criteria} full={data.full} />
              </section>

              <section className="review-section" aria-labelledby="review-blockers-title" id="blockers">
                <h2 id="review-blockers-title">
                  Open blockers of the current gate
                  {plant.phase === "complete" ? "" : ` (exit of ${PHASE_LABELS[plant.phase].toLowerCase()})`}
                </h2>
                <BlockersTable blockers={data.blockers} />
              </section>

              <section className="review-section" aria-labelledby="review-diagram-title" id="diagram">
                <h2 id="review-diagram-title">Zones and conduits</h2>
                {data.diagram.zones.length === 0 ? (
                  <p className="muted">No zones are defined yet.</p>
                ) : (
                  <PlantDiagramFigure plantCode={plant.code} diagram={data.diagram} full={data.full} size="fit" />
                )}
                <h3>Design review</h3>
                <DesignFindings
                  findings={data.design}
                  plantCode={plant.code}
                  empty="The design review finds nothing in these zones and conduits."
                />
              </section>

              <section className="review-section" aria-labelledby="review-baselines-title" id="baselines">
                <h2 id="review-baselines-title">Conduits and their baselines ({data.conduits.length})</h2>
                <p className="muted">
                  Forecast alerting live: <strong>{data.forecastLive ?? "not yet forecastable"}</strong>
                  {data.forecastLive ? "" : ` — ${data.forecastReason}`}
                </p>
                <BaselineTable conduits={data.conduits} thresholds={data.thresholds} timeZone={plant.timeZone} />
              </section>

              <section className="review-section" aria-labelledby="review-windows-title" id="windows">
                <h2 id="review-windows-title">Next outage windows</h2>
                <WindowsList windows={data.windows} timeZone={plant.timeZone} />
              </section>

              <section className="review-section" aria-labelledby="review-cutovers-title" id="cutovers">
                <h2 id="review-cutovers-title">Scheduled cutovers and what they would block</h2>
                {data.cutovers.length === 0 ? (
                  <p className="muted">No conduit cutover is scheduled.</p>
                ) : (
                  <CutoverImpactList plantCode={plant.code} cutovers={data.cutovers} links={data.full} />
                )}
              </section>

              {data.record ? (
                <section className="review-section" aria-labelledby="review-record-title" id="record">
                  <h2 id="review-record-title">Who signed what</h2>
                  <SignoffRecord record={data.record} timeZone={plant.timeZone} />
                </section>
              ) : (
                <p className="notice" role="status">
                  You are not assigned to this plant, so who ticked and signed what is not shown.
                </p>
              )}

              <SignatureBlock signatories={data.signatories} gateName={gateName} plant={plant} />
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Gate review · ${data.plant.code} ${data.plant.name} · Segmentation Tracker`
      : "Plant not found · Segmentation Tracker",
  },
];
