import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { ComputedAt } from "~/components/ComputedAt";
import { PhaseBadge } from "~/components/PhaseBadge";
import { GatesPanel, type GateControls } from "~/components/GatesPanel";
import { targetsOf } from "~/domain/phase";
import { passRefusals } from "~/domain/gates";
import { can } from "~/domain/permissions";
import { controlOf } from "~/domain/refusals";
import { type SIGNOFF_PARTS, shownHistory, signControl } from "~/domain/signoffs";
import { formatLocal, localClock } from "~/domain/time";
import { readinessOf } from "~/http/readiness-cache.server";
import { getOwnershipSplit, signerOf, splitSubject } from "~/models/signoffs.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { runIntent } from "~/utils/forms.server";
import { plantAct, requirePlant } from "~/http/plant-guard.server";
import { plantIntents } from "./intents.server";
import { OwnershipPanel } from "./OwnershipPanel";
import { EvidenceSection } from "./EvidenceSection";
import { AssetsSection, HistorySection, PhasesSection, WindowsSection, ZonesSection } from "./sections";
import { RenderedOnce } from "~/components/RenderedOnce";
import { sharedSections } from "./shared.server";
import { SectionIndex } from "./SectionIndex";
import { ScorecardSection } from "./ScorecardSection";
import { plantScorecard } from "~/models/floor-stats.server";
import { DriftSection } from "./DriftSection";
import { plantDriftView } from "~/models/drift.server";

// The plant page: phases, readiness gates, the ownership split, zones and conduits, evidence, assets, windows and
// history, each a section the index at the side (the top on a phone) links to. The long lists have pages of their
// own (/plants/:code/assets, /hosts, /violations, /history); the page gives their counts and links to them. Its acts
// are in intents.server.ts; its sections beside this file.

export async function loader({ params, request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "read:program");
  const plant = await requirePlant(params.code);
  const db = getDb();
  // Plant engineers see their own plants in full and the others as a summary.
  const full = can(user, "read:plant", plant.id);
  const now = new Date();
  const [split, [readiness], scorecard, drift] = await Promise.all([
    getOwnershipSplit(db, plant.id),
    readinessOf(db, now.toISOString(), [plant.code]),
    plantScorecard(db, plant.id, now),
    plantDriftView(db, plant.id, now),
  ]);
  // What every reader sees alike, read and rendered once per change of the plant.
  const shared = await sharedSections(db, plant, readiness!, full);
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
  const subject = splitSubject({
    code: plant.code,
    ownership_split: split.text,
    ownership_split_revision: split.revision,
  });
  const splitControls = Object.fromEntries(
    split.parts.map((state) => [
      state.part,
      signControl({ part: state.part, signer: signerOf(user, state.part, plant.id), subject, signoffs: split.history }),
    ])
  ) as Record<(typeof SIGNOFF_PARTS)[number], { allowed: boolean; why: string | null }>;

  return {
    ...shared,
    full,
    gates: readiness!.gates,
    gateControls,
    forecastLive: readiness!.forecastLive,
    forecastReason: readiness!.forecastReason,
    personId: user.personId,
    canEditSplit: can(user, "edit:plant", plant.id),
    canReadAudit: can(user, "read:audit", plant.id),
    canTriage: can(user, "triage:asset", plant.id),
    split: {
      ...split,
      history: full ? shownHistory(split.history, split.hash) : [],
      historyTotal: full ? split.history.length : 0,
    },
    splitControls,
    scorecard,
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
    clock: clockAt(now, plant.time_zone),
    drift,
    // When the readiness figures were computed (the server may give an answer up to five minutes old when nothing changed since).
    computedAt: readiness!.at,
  };
}

/** The plant's local clock as the page head shows it, worked out once a minute per time zone. */
const clocks = new Map<string, { date: string; time: string; abbreviation: string; offset: string }>();
function clockAt(now: Date, zone: string) {
  const key = `${zone}|${now.toISOString().slice(0, 16)}`;
  let clock = clocks.get(key);
  if (!clock) {
    const { date, time, abbreviation, offset } = localClock(now, zone);
    clock = { date, time, abbreviation, offset };
    if (clocks.size >= 500) clocks.clear();
    clocks.set(key, clock);
  }
  return clock;
}

export async function action({ params, request }: ActionFunctionArgs) {
  const { form, ...act } = await plantAct(request, params.code);
  return runIntent(plantIntents, act, request, form);
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
        <ComputedAt at={data.computedAt}>
          {canReadAudit ? (
            <>
              {" · "}
              <Link to={`/plants/${plant.code}/audit`}>Audit trail of {plant.code}</Link>
            </>
          ) : null}
          {" · "}
          <Link to={`/plants/${plant.code}/review`}>Gate review, to print</Link>
        </ComputedAt>
      </div>

      <div className="plant-layout">
        <SectionIndex />
        <div className="plant-sections">
          <PhasesSection />
          <DriftSection drift={data.drift} />
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
          <RenderedOnce of={data.parts.zones} part="zones" className="rendered">
            <ZonesSection {...data.parts.zones} />
          </RenderedOnce>
          <EvidenceSection />
          <div className="plant-row">
            <div>
              <RenderedOnce of={data.parts.assets} part="assets" className="rendered">
                <AssetsSection {...data.parts.assets} />
              </RenderedOnce>
              <RenderedOnce of={data.parts.windows} part="windows" className="rendered">
                <WindowsSection {...data.parts.windows} />
              </RenderedOnce>
            </div>
            <RenderedOnce of={data.parts.history} part="history" className="rendered">
              <HistorySection {...data.parts.history} />
            </RenderedOnce>
          </div>
          <ScorecardSection plantCode={plant.code} timeZone={plant.timeZone} quarters={data.scorecard} />
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
