import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { PhaseBadge } from "~/components/PhaseBadge";
import { type BaselineEvidenceRow } from "~/components/BaselineEvidence";
import { GatesPanel, type GateControls } from "~/components/GatesPanel";
import { targetsOf } from "~/domain/phase";
import { passRefusals } from "~/domain/gates";
import { can } from "~/domain/permissions";
import { controlOf } from "~/domain/refusals";
import { type SIGNOFF_PARTS, shownHistory, signControl } from "~/domain/signoffs";
import { formatLocal, localClock } from "~/domain/time";
import { assetBreakdown, listZones } from "~/models/plants.server";
import { conduitSignoffStates, listConduitDetails } from "~/models/conduits.server";
import { listIngestAnomalies } from "~/models/evidence.server";
import { listWindows } from "~/models/outage-windows.server";
import { loadSettings } from "~/models/readiness.server";
import { readinessOf } from "~/http/readiness-cache.server";
import { countStagedHosts, countViolations } from "~/models/triage.server";
import { getOwnershipSplit, signerOf, splitSubject } from "~/models/signoffs.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { runIntent } from "~/utils/forms.server";
import { requirePlant } from "~/http/plant-guard.server";
import { plantHistorySlice } from "~/http/plant-history.server";
import { plantIntents } from "./intents.server";
import { OwnershipPanel } from "./OwnershipPanel";
import {
  AssetsSection,
  EvidenceSection,
  HistorySection,
  PhasesSection,
  WindowsSection,
  ZonesSection,
} from "./sections";
import { SectionIndex } from "./SectionIndex";

// The plant page: phases, readiness gates, the ownership split, zones and conduits, evidence, assets, windows and
// history, each a section the index at the side (the top on a phone) links to. The long lists have pages of their
// own (/plants/:code/assets, /hosts, /violations, /history); the page gives their counts and links to them. Its acts
// are in intents.server.ts; its sections beside this file.

/** The outage windows to come the page names; the rest are on the windows page. */
const NEXT_WINDOWS = 3;
/** The allowed flows of each conduit the conduits table names; the conduit's page lists them all. */
const SHOWN_FLOWS = 3;
/** The newest history entries the page shows; the rest are on the history page. */
const RECENT_HISTORY = 3;

export async function loader({ params, request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "read:program");
  const plant = await requirePlant(params.code);
  const db = getDb();
  // Plant engineers see their own plants in full and the others as a summary.
  const full = can(user, "read:plant", plant.id);

  const [zones, conduitDetails, breakdown, split] = await Promise.all([
    listZones(db, plant.id),
    listConduitDetails(db, plant.id),
    assetBreakdown(db, plant.id),
    getOwnershipSplit(db, plant.id),
  ]);
  const now = new Date();
  const [conduitStates, [readiness]] = await Promise.all([
    conduitSignoffStates(db, plant.id, conduitDetails),
    readinessOf(db, now.toISOString(), [plant.code]),
  ]);
  const conduits = conduitDetails.map((conduit) => {
    const track = readiness!.conduits.find((c) => c.id === conduit.id)!;
    return {
      ...conduit,
      flows: conduit.flows.slice(0, SHOWN_FLOWS),
      flowCount: conduit.flows.length,
      parts: conduitStates.get(conduit.id)?.parts ?? [],
      state: track.state,
    };
  });
  const [settings, violationCounts] = await Promise.all([loadSettings(db), countViolations(db, plant.id)]);
  const thresholds = { matureDays: settings.matureDays, stallDays: settings.stallDays };
  // Who signed what is the plant's detail, shown to those who see the plant in full.
  const recentHistory = full
    ? await plantHistorySlice(plant, readiness!, thresholds, { offset: 0, limit: RECENT_HISTORY })
    : null;
  const baselines: BaselineEvidenceRow[] = conduitDetails
    .filter((conduit) => conduit.monitored)
    .map((conduit) => {
      const { baseline } = readiness!.conduits.find((c) => c.id === conduit.id)!;
      const wrong = violationCounts.get(conduit.id) ?? { total: 0, open: 0 };
      const first = baseline.epochStart ? Date.parse(`${baseline.epochStart}T00:00:00Z`) : 0;
      return {
        id: conduit.id,
        name: conduit.name,
        status: baseline.status,
        reason: baseline.reason,
        countedDays: baseline.countedDays,
        matureOn: baseline.matureOn,
        earliestMaturity: baseline.earliestMaturity,
        epochStart: baseline.epochStart,
        gaps: baseline.gaps,
        wrongOpen: wrong.open,
        wrongTotal: wrong.total,
        curve: baseline.days.map((d) => ({
          day: d.day,
          dayNumber: Math.round((Date.parse(`${d.day}T00:00:00Z`) - first) / 86_400_000) + 1,
          newTuples: d.newTuples,
          coverage: d.coverage,
        })),
      };
    });
  const gateControls: GateControls = {
    canTick: can(user, "tick:criterion", plant.id),
    canWaive: can(user, "waive:criterion", plant.id),
    pass: Object.fromEntries(
      readiness!.gates.map((gate) => {
        const refusals = passRefusals({
          passer: { role: user.role, permitted: can(user, "pass:gate", plant.id) },
          plantCode: plant.code,
          phase: gate.phase,
          gates: readiness!.gates,
        });
        // No control for a role that never passes gates, nor for a gate already passed.
        if (refusals.some((r) => r.code === "not_permitted" || r.code === "passed")) return [gate.phase, null];
        return [gate.phase, controlOf(refusals)];
      })
    ) as GateControls["pass"],
  };
  const splitControls = Object.fromEntries(
    split.parts.map((state) => [
      state.part,
      signControl({
        part: state.part,
        signer: signerOf(user, state.part, plant.id),
        subject: splitSubject({
          code: plant.code,
          ownership_split: split.text,
          ownership_split_revision: split.revision,
        }),
        signoffs: split.history,
      }),
    ])
  ) as Record<(typeof SIGNOFF_PARTS)[number], { allowed: boolean; why: string | null }>;

  const [hostCounts, upcoming, ingestAnomalies] = await Promise.all([
    full ? countStagedHosts(db, plant.id) : null,
    listWindows(db, { plantIds: [plant.id], from: now.toISOString(), limit: NEXT_WINDOWS }),
    full ? listIngestAnomalies(db, plant.id) : [],
  ]);

  return {
    full,
    gates: readiness!.gates,
    gateControls,
    forecastLive: readiness!.forecastLive,
    forecastReason: readiness!.forecastReason,
    personId: user.personId,
    canEditSplit: can(user, "edit:plant", plant.id),
    canReadAudit: can(user, "read:audit", plant.id),
    canTriage: can(user, "triage:asset", plant.id),
    baselines,
    ingestAnomalies,
    thresholds,
    recentHistory,
    hostCounts,
    violations: full
      ? {
          total: [...violationCounts.values()].reduce((sum, c) => sum + c.total, 0),
          open: [...violationCounts.values()].reduce((sum, c) => sum + c.open, 0),
        }
      : null,
    windows: upcoming.map((w) => ({
      id: w.id,
      title: w.title,
      kind: w.kind,
      status: w.status,
      localRange: w.localRange,
      changes: w.changes.length,
    })),
    split: {
      ...split,
      history: full ? shownHistory(split.history, split.hash) : [],
      historyTotal: full ? split.history.length : 0,
    },
    splitControls,
    plant: {
      code: plant.code,
      name: plant.name,
      site: plant.site,
      region: plant.region,
      timeZone: plant.time_zone,
      phase: plant.phase,
      targets: targetsOf(plant),
      passes: plant.passes.map((pass) => ({
        phase: pass.phase,
        passedAt: formatLocal(pass.passed_at, plant.time_zone),
        passedBy: pass.passed_by_name,
      })),
    },
    clock: localClock(now, plant.time_zone),
    zones,
    conduits,
    breakdown: full ? breakdown : [],
    assetCount: breakdown.reduce((sum, cell) => sum + cell.count, 0),
    // When the readiness figures were computed (the server may give an answer up to five minutes old when nothing changed since).
    computedAt: readiness!.at,
  };
}

export async function action({ params, request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const plant = await requirePlant(params.code);
  const form = Object.fromEntries(await request.formData());
  return runIntent(plantIntents, { db: getDb(), user, plant }, request, form);
}

export default function PlantPage() {
  const data = useLoaderData<typeof loader>();
  const { full, gates, gateControls, personId, canEditSplit, canReadAudit, split, splitControls, plant, clock } = data;
  const reply = useActionData<typeof action>();

  return (
    <>
      <nav aria-label="Breadcrumb" className="eyebrow">
        <Link to="/">Program</Link> / {plant.code}
      </nav>
      <div className="page-head">
        <div>
          <h1>
            {plant.name} <span className="muted mono">{plant.code}</span>
          </h1>
          <p className="lede">
            {plant.site} · {plant.region} · local time{" "}
            <span suppressHydrationWarning>
              {clock.date} {clock.time} {clock.abbreviation}
            </span>{" "}
            ({plant.timeZone}, {clock.offset}) · <PhaseBadge phase={plant.phase} />
          </p>
        </div>
        <p className="computed-at">
          Computed <time dateTime={data.computedAt}>{data.computedAt.replace("T", " ").slice(0, 16)} UTC</time>
          {canReadAudit ? (
            <>
              {" · "}
              <Link to={`/plants/${plant.code}/audit`}>Audit trail of {plant.code}</Link>
            </>
          ) : null}
        </p>
      </div>

      <div className="plant-layout">
        <SectionIndex />
        <div className="plant-sections">
          <PhasesSection />
          <GatesPanel
            plantCode={plant.code}
            gates={gates}
            currentPhase={plant.phase}
            controls={gateControls}
            reply={reply}
          />
          <OwnershipPanel
            plantCode={plant.code}
            split={split}
            controls={splitControls}
            canEdit={canEditSplit}
            full={full}
            canReadAudit={canReadAudit}
            personId={personId}
            reply={reply}
          />
          <ZonesSection />
          <EvidenceSection />
          <AssetsSection />
          <div className="plant-pair">
            <WindowsSection />
            <HistorySection />
          </div>
        </div>
      </div>
    </>
  );
}

// After a refusal for a stale revision, the page is read again so it shows the split as it now stands.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  Boolean(actionResult?.conflict) || defaultShouldRevalidate;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `${data.plant.code} ${data.plant.name} · Segmentation Tracker`
      : "Plant not found · Segmentation Tracker",
  },
];
