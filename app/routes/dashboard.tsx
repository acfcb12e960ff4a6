import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BurnupChart, PhaseChart, RagChart } from "~/components/dashboard/Charts.client";
import { ComputedAt } from "~/components/ComputedAt";
import { CriteriaMatrix, MatrixLegend, type MatrixData } from "~/components/dashboard/CriteriaMatrix";
import { MustActList } from "~/components/dashboard/MustAct";
import { IgnoredParams } from "~/components/IgnoredParams";
import { PagerPastOnePage } from "~/components/PagerPastOnePage";
import { RagBadge } from "~/components/dashboard/RagBadge";
import { useHydrated } from "~/utils/hydrated";
import { PhaseBadge } from "~/components/PhaseBadge";
import { DataTable, PlantName, type Column } from "~/components/DataTable";
import { InAppLinks, RenderedOnce } from "~/components/RenderedOnce";
import { BlockerFlag } from "~/components/dashboard/BlockerFlag";
import { ScorecardHeadline, ScorecardRules, ScorecardTable } from "~/components/dashboard/Scorecard";
import { LivePlantsPanel, livePlantsOf } from "~/components/dashboard/LiveDrift";
import { requestedWindow } from "~/domain/listing";
import { phaseIndex } from "~/domain/phase";
import { CRITERIA } from "~/domain/readiness";
import {
  ageInWords,
  AMBER_DAYS,
  BLOCKER_FLAG_DAYS,
  daysLateInWords,
  OLD_BLOCKER_DAYS,
  RAG_RULE,
  RAGS,
  UPCOMING_DAYS,
  type PlantRollup,
  type Rag,
  type Rollup,
} from "~/domain/rollup";
import { formatDate } from "~/domain/time";
import { PHASE_LABELS, PHASES, type Phase, type PlantPhase } from "~/domain/vocabulary";
import { loadRollup, rollupView } from "~/http/readiness-cache.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";

// The executive rollup: read-only, every plant. Every chart is drawn in the browser from the same numbers
// as the table under it, so the page is complete without JavaScript and prints on A4 or Letter.

const TOP_BLOCKERS = 15;
const SIGNOFF_PLANTS = 25;
/** Rows of the forecast table and of the upcoming windows: the worst and the soonest; the rest are a link away. */
const RAG_PLANTS = 40;
const UPCOMING_WINDOWS = 40;
const RAG_ORDER: Record<Rag, number> = { red: 0, amber: 1, green: 2 };
/** Plants per page of the criteria matrix. */
const MATRIX_PAGE = 50;
/** The weeks of the burn-up table a printout shows: the last ones (the screen and the CSV have them all). */
const PRINTED_WEEKS = 12;

/**
 * The plants × criteria matrix of the plants not live yet, from the cached rollup: the gates some of them are at
 * (and those in between), one page of plants by phase and code, and per criterion the plants it holds back.
 */
function criteriaMatrix(plants: readonly PlantRollup[], params: URLSearchParams, ignored: string[]) {
  const open = plants
    .filter((p) => p.phase !== "complete")
    .sort((a, b) => phaseIndex(a.phase) - phaseIndex(b.phase) || a.code.localeCompare(b.code));
  const current = [...new Set(open.map((p) => p.phase as Phase))];
  const from = Math.min(...current.map(phaseIndex));
  const to = Math.max(...current.map(phaseIndex));
  const gates = PHASES.filter((phase) => phaseIndex(phase) >= from && phaseIndex(phase) <= to).map((phase) => ({
    phase,
    criteria: CRITERIA[phase].map((c) => ({ code: c.code, title: c.title })),
  }));
  const codes = gates.flatMap((g) => g.criteria.map((c) => c.code));
  const window = requestedWindow(params, ignored, open.length, MATRIX_PAGE);
  const matrix: MatrixData = {
    gates,
    rows: open.slice(window.offset, window.offset + window.limit).map((p) => ({
      code: p.code,
      name: p.name,
      phase: p.phase,
      cells: codes.map((code) => p.criteria[code] ?? "later"),
    })),
    heldBack: codes.map((code) => open.filter((p) => p.criteria[code] === "unmet").length),
  };
  return { matrix, window, total: open.length };
}

function matrixCaption({ window, total }: Pick<ReturnType<typeof criteriaMatrix>, "window" | "total">): string {
  return `Criteria of the current gates, ${total} plants not live yet${
    window.pageCount > 1 ? `, page ${window.page} of ${window.pageCount}` : ""
  }`;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "read:program");
  const rollup = await loadRollup(getDb(), new Date());
  // The same for every reader of the program: made once per rollup and matrix page.
  const params = new URL(request.url).searchParams;
  return rollupView(rollup, `dashboard?${params}`, () => dashboardOf(rollup, params));
}

/** The dashboard's numbers and its tables' rows, from the rollup: only what the page shows. */
function dashboardOf(rollup: Rollup, params: URLSearchParams) {
  const ignored: string[] = [];
  const matrix = criteriaMatrix(rollup.plants, params, ignored);
  const ragPlants = rollup.plants
    .map((p) => ({
      code: p.code,
      name: p.name,
      phase: p.phase,
      timeZone: p.timeZone,
      forecastLive: p.forecastLive,
      targetAlerting: p.targetAlerting,
      daysLate: p.daysLate,
      rag: p.rag,
      ragReason: p.ragReason,
    }))
    .sort(
      (a, b) =>
        RAG_ORDER[a.rag] - RAG_ORDER[b.rag] ||
        (b.daysLate ?? -1e9) - (a.daysLate ?? -1e9) ||
        a.code.localeCompare(b.code)
    );
  const signoffPlants = rollup.plants
    .filter((p) => p.signoffs.missing + p.signoffs.stale > 0)
    .map((p) => ({ code: p.code, name: p.name, phase: p.phase, ...p.signoffs }))
    .sort((a, b) => b.stale - a.stale || b.missing - a.missing || a.code.localeCompare(b.code));
  return {
    computedAt: rollup.computedAt,
    ignored,
    scorecard: { headline: rollup.floor.headline, quarters: rollup.floor.quarters },
    matrix,
    plantCount: rollup.plants.length,
    byPhase: rollup.byPhase,
    byRag: rollup.byRag,
    burnup: rollup.burnup,
    ragPlants: ragPlants.slice(0, RAG_PLANTS),
    blockerCount: rollup.topBlockers.length,
    flagged: {
      14: rollup.topBlockers.filter((b) => b.ageDays >= 14).length,
      30: rollup.topBlockers.filter((b) => b.ageDays >= 30).length,
    },
    topBlockers: rollup.topBlockers.slice(0, TOP_BLOCKERS),
    upcomingWindows: rollup.upcomingWindows.slice(0, UPCOMING_WINDOWS),
    upcomingWindowCount: rollup.upcomingWindows.length,
    signoffPlants: signoffPlants.slice(0, SIGNOFF_PLANTS),
    signoffPlantCount: signoffPlants.length,
    signoffTotals: {
      missing: signoffPlants.reduce((n, p) => n + p.missing, 0),
      stale: signoffPlants.reduce((n, p) => n + p.stale, 0),
    },
    live: livePlantsOf(rollup),
  };
}

const PLANT_PHASES: PlantPhase[] = [...PHASES, "complete"];

type DashboardData = Awaited<ReturnType<typeof loader>>;

const phaseColumns = (byPhase: DashboardData["byPhase"]): Column<PlantPhase>[] => [
  {
    header: "Phase",
    rowHeader: true,
    cell: (phase) => <a href={`/plants?phase=${phase}`}>{PHASE_LABELS[phase]}</a>,
  },
  { header: "Plants", num: true, cell: (phase) => byPhase[phase] },
];

const ragColumns = (byRag: DashboardData["byRag"]): Column<Rag>[] => [
  {
    header: "Rating",
    rowHeader: true,
    cell: (rag) => (
      <a href={`/plants?rag=${rag}`}>
        <RagBadge rag={rag} />
      </a>
    ),
  },
  { header: "Plants", num: true, cell: (rag) => byRag[rag] },
];

const BURNUP_COLUMNS: Column<DashboardData["burnup"][number]>[] = [
  { header: "Week", rowHeader: true, cell: (w) => w.label },
  { header: "Starts", cell: (w) => formatDate(w.week) },
  { header: "Scope", num: true, cell: (w) => w.scope },
  ...PHASES.map((phase) => ({
    header: PHASE_LABELS[phase],
    num: true,
    cell: (w: DashboardData["burnup"][number]) => w.through[phase],
  })),
];

const phaseCell = (p: { phase: PlantPhase }) => <PhaseBadge phase={p.phase} />;

const FORECAST_COLUMNS: Column<DashboardData["ragPlants"][number]>[] = [
  {
    header: "Plant",
    rowHeader: true,
    cell: (p) => (
      <>
        <PlantName code={p.code} name={p.name} />
        <div className="muted">{p.timeZone}</div>
      </>
    ),
  },
  { header: "Phase", cell: phaseCell },
  { header: "Forecast live (plant day)", cell: (p) => formatDate(p.forecastLive) },
  { header: "Target", cell: (p) => formatDate(p.targetAlerting) },
  { header: "Against target", cell: (p) => daysLateInWords(p.daysLate) },
  { header: "Rating", cell: (p) => <RagBadge rag={p.rag} /> },
  { header: "Why", cell: (p) => p.ragReason },
];

const BLOCKER_COLUMNS: Column<DashboardData["topBlockers"][number]>[] = [
  {
    header: "Plant",
    rowHeader: true,
    cell: (b) => <PlantName code={b.plantCode} name={b.plantName} to={`/plants/${b.plantCode}#criterion-${b.code}`} />,
  },
  { header: "Gate", cell: phaseCell },
  {
    header: "Criterion",
    cell: (b) => (
      <>
        <span className="mono">{b.code}</span> {b.title}
        {b.object ? <> — {b.object}</> : null}
        <div className="muted">{b.message}</div>
      </>
    ),
  },
  { header: "Who must act", cell: (b) => <MustActList acts={b.mustAct} /> },
  { header: "Open for", cell: (b) => ageInWords(b.ageDays) },
  {
    header: "Flag",
    cell: (b) => (b.flag === null ? "—" : <BlockerFlag flag={b.flag} />),
  },
];

const WINDOW_COLUMNS: Column<DashboardData["upcomingWindows"][number]>[] = [
  {
    header: "Plant",
    rowHeader: true,
    cell: (w) => <PlantName code={w.plantCode} name={w.plantName} to={`/plants/${w.plantCode}/windows`} />,
  },
  { header: "Window", cell: (w) => w.title },
  { header: "Kind", cell: (w) => (w.kind === "blackout" ? "Blackout" : "Scheduled outage") },
  { header: "Status", cell: (w) => (w.status === "confirmed" ? "Confirmed" : "Planned") },
  {
    header: "Plant-local time",
    cell: (w) => (
      <>
        <time dateTime={w.startsAt}>{w.local}</time>
        <div className="muted">{w.timeZone}</div>
      </>
    ),
  },
];

const SIGNOFF_COLUMNS: Column<DashboardData["signoffPlants"][number]>[] = [
  { header: "Plant", rowHeader: true, cell: (p) => <PlantName code={p.code} name={p.name} /> },
  { header: "Phase", cell: phaseCell },
  { header: "Stale", num: true, cell: (p) => p.stale },
  { header: "Missing", num: true, cell: (p) => p.missing },
  {
    header: "Stale since",
    cell: (p) => (p.staleSince ? `${p.staleSince.replace("T", " ").slice(0, 16)} UTC` : "—"),
  },
];

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const hydrated = useHydrated();
  const { byPhase, byRag, burnup } = data;
  const printedFrom = burnup.length > PRINTED_WEEKS ? burnup[burnup.length - PRINTED_WEEKS]!.week : null;
  const matrixCodes = data.matrix.matrix.gates.flatMap((g) => g.criteria);
  const most = Math.max(0, ...data.matrix.matrix.heldBack);
  const mostAt = data.matrix.matrix.heldBack.indexOf(most);
  const mostHeldBack = most > 0 ? { ...matrixCodes[mostAt]!, count: most } : null;
  return (
    // Its tables' links are plain anchors that navigate within the app: the same for every reader, and cheaper.
    <InAppLinks className="dashboard">
      <div className="page-head">
        <div>
          <p className="eyebrow">Executive rollup</p>
          <h1>Program dashboard</h1>
          <p className="lede">
            {data.plantCount} plants through inventory, zoning, conduits, baseline and alerting live. Dates of forecasts
            and targets are each plant's own local day.
          </p>
        </div>
        <div>
          <ComputedAt at={data.computedAt} />
          <p className="exports no-print">
            Export: <a href="/dashboard.csv">plant rollup (CSV)</a> · <a href="/api/rollup">rollup (JSON)</a>
          </p>
        </div>
      </div>

      <IgnoredParams ignored={data.ignored} />

      <section className="panel" aria-labelledby="scorecard-title" id="scorecard">
        <h2 id="scorecard-title">The program's scorecard: stops caused and changes, by quarter</h2>
        <ScorecardHeadline headline={data.scorecard.headline} />
        <ScorecardTable
          quarters={data.scorecard.quarters}
          caption={`The program by quarter, each plant on its own clock (${data.plantCount} plants)`}
        />
        <ScorecardRules />
      </section>

      <section className="panel" aria-labelledby="matrix-title" id="matrix">
        <h2 id="matrix-title">What holds plants back: plants × criteria</h2>
        <p className="muted">
          Every plant not live yet (by phase), against each criterion of the gates they are at. The last row counts, for
          each criterion, the plants it holds back now.
          {mostHeldBack ? (
            <>
              {" "}
              Most plants are held back by{" "}
              <strong>
                {mostHeldBack.code} ({mostHeldBack.title})
              </strong>
              : {mostHeldBack.count} {mostHeldBack.count === 1 ? "plant" : "plants"}.
            </>
          ) : null}
        </p>
        <MatrixLegend />
        {data.matrix.total === 0 ? (
          <p>Every plant is live.</p>
        ) : (
          <CriteriaMatrix data={data.matrix.matrix} caption={matrixCaption(data.matrix)} />
        )}
        <PagerPastOnePage
          list={{ window: data.matrix.window, total: data.matrix.total, rows: data.matrix.matrix.rows }}
          noun="plants"
          anchor="matrix"
        />
      </section>

      <section className="panel" aria-labelledby="phases-title" id="phases">
        <h2 id="phases-title">Plants per phase now</h2>
        <div className="chart-pair">
          {hydrated ? (
            <PhaseChart
              label="Bar chart of plants per phase; the table beside it has the numbers"
              labels={PLANT_PHASES.map((p) => PHASE_LABELS[p])}
              counts={PLANT_PHASES.map((p) => byPhase[p])}
            />
          ) : null}
          <DataTable
            caption={`Plants per phase (${data.plantCount} plants)`}
            columns={phaseColumns(byPhase)}
            rows={PLANT_PHASES}
            rowKey={(phase) => phase}
            rowProps={(phase) => ({ "data-phase": phase })}
          />
        </div>
      </section>

      <section className="panel" aria-labelledby="burnup-title" id="burnup">
        <h2 id="burnup-title">Progress: plants through each gate, by week</h2>
        <p className="muted">
          A burn-up by ISO week (Monday to Sunday, UTC): plants whose gate was passed by the end of each week, from the
          dated gate passes. The scope line counts the plants in the program by then. Weeks that have ended never
          change; the last row is the week in progress.
        </p>
        {hydrated ? (
          <BurnupChart
            label="Line chart of plants through each gate by week against the program's scope; the table below has the numbers"
            weeks={burnup.map((w) => w.label)}
            scope={burnup.map((w) => w.scope)}
            series={PHASES.map((phase) => ({
              label: `Through ${PHASE_LABELS[phase].toLowerCase()}`,
              data: burnup.map((w) => w.through[phase]),
            }))}
          />
        ) : null}
        {burnup.length > PRINTED_WEEKS ? (
          <p className="print-only burnup-print-note">
            Printed: the last {PRINTED_WEEKS} weeks; the full table ({burnup.length} weeks) is on the screen version of
            this page and in the rollup JSON (/api/rollup).
          </p>
        ) : null}
        <RenderedOnce of={data} part="burnup" className="rendered-once">
          <DataTable
            wrap="table-wrap scroll-table"
            className="burnup-table"
            caption="Plants through each gate by the end of each week"
            columns={BURNUP_COLUMNS}
            rows={burnup}
            rowKey={(w) => w.week}
            rowProps={(w) => ({
              "data-week": w.week,
              // On paper only the last weeks: the older ones never change and would run the table over pages.
              className: printedFrom !== null && w.week < printedFrom ? "print-hidden" : undefined,
            })}
          />
        </RenderedOnce>
      </section>

      <section className="panel" aria-labelledby="rag-title" id="forecast">
        <h2 id="rag-title">Forecast alerting-live date against target</h2>
        <div className="rag-rule" id="rag-rule">
          <h3>How a plant is rated</h3>
          <ul>
            {RAG_RULE.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <p className="muted">
            Amber covers up to {AMBER_DAYS} days late, and any plant with a blocker open more than {OLD_BLOCKER_DAYS}{" "}
            days. Forecast and target are the plant's local days.
          </p>
        </div>
        <div className="chart-pair">
          {hydrated ? (
            <RagChart
              label="Bar chart of plants rated green, amber and red; the table beside it has the numbers"
              counts={byRag}
            />
          ) : null}
          <DataTable
            caption="Plants by rating"
            columns={ragColumns(byRag)}
            rows={RAGS}
            rowKey={(rag) => rag}
            rowProps={(rag) => ({ "data-rag": rag })}
          />
        </div>
        <RenderedOnce of={data} part="forecast" className="rendered-once">
          <DataTable
            className="rag-table"
            caption={
              <>
                Each plant's forecast against its target, worst first
                {data.plantCount > data.ragPlants.length ? (
                  <>
                    {` (the first ${data.ragPlants.length} of ${data.plantCount}; every plant in `}
                    <a href="/plants?sort=rag">the plant list</a> and the CSV)
                  </>
                ) : null}
              </>
            }
            columns={FORECAST_COLUMNS}
            rows={data.ragPlants}
            rowKey={(p) => p.code}
            rowProps={(p) => ({ "data-plant": p.code })}
          />
        </RenderedOnce>
      </section>

      <section className="panel" aria-labelledby="blockers-title" id="blockers">
        <h2 id="blockers-title">Top blockers by age</h2>
        <p className="muted">
          A blocker is an unmet criterion of a plant's current gate; its age counts from the day the plant entered that
          phase. {data.blockerCount} blockers in all: {data.flagged[14]} open {BLOCKER_FLAG_DAYS[0]} days or more,{" "}
          {data.flagged[30]} open {BLOCKER_FLAG_DAYS[1]} days or more.
        </p>
        {data.topBlockers.length === 0 ? (
          <p>No plant is blocked.</p>
        ) : (
          <RenderedOnce of={data} part="blockers" className="rendered-once">
            <DataTable
              caption={`The ${data.topBlockers.length} oldest blockers`}
              columns={BLOCKER_COLUMNS}
              rows={data.topBlockers}
              rowKey={(b) => `${b.plantCode}-${b.code}`}
            />
          </RenderedOnce>
        )}
      </section>

      <section className="panel" aria-labelledby="windows-title" id="windows">
        <h2 id="windows-title">Upcoming outage windows</h2>
        {data.upcomingWindows.length === 0 ? (
          <p>No planned or confirmed window in the next {UPCOMING_DAYS} days.</p>
        ) : (
          <RenderedOnce of={data} part="windows" className="rendered-once">
            <DataTable
              caption={
                <>
                  Planned and confirmed windows in the next {UPCOMING_DAYS} days, in each plant's local time
                  {data.upcomingWindowCount > data.upcomingWindows.length ? (
                    <>
                      {` (the first ${data.upcomingWindows.length} of ${data.upcomingWindowCount}; all in `}
                      <a href="/windows">Windows</a>)
                    </>
                  ) : null}
                </>
              }
              columns={WINDOW_COLUMNS}
              rows={data.upcomingWindows}
              rowKey={(w) => w.id}
            />
          </RenderedOnce>
        )}
      </section>

      <LivePlantsPanel live={data.live} />

      <section className="panel" aria-labelledby="signoffs-title" id="signoffs">
        <h2 id="signoffs-title">Missing or stale signoffs</h2>
        <p className="muted">
          Each conduit and each plant's ownership split needs both owners' signatures on its current revision. Stale:
          signed on an earlier revision, to be signed again. {data.signoffTotals.missing} missing and{" "}
          {data.signoffTotals.stale} stale across {data.signoffPlantCount} plants.
        </p>
        {data.signoffPlants.length === 0 ? (
          <p>Every signoff is in place.</p>
        ) : (
          <RenderedOnce of={data} part="signoffs" className="rendered-once">
            <DataTable
              caption={`Plants with missing or stale signoffs${
                data.signoffPlantCount > data.signoffPlants.length
                  ? ` (the first ${data.signoffPlants.length} of ${data.signoffPlantCount}; all in the CSV)`
                  : ""
              }`}
              columns={SIGNOFF_COLUMNS}
              rows={data.signoffPlants}
              rowKey={(p) => p.code}
              rowProps={(p) => ({ "data-signoff-plant": p.code })}
            />
          </RenderedOnce>
        )}
      </section>
    </InAppLinks>
  );
}

export const meta: MetaFunction = () => [{ title: "Program dashboard · Segmentation Tracker" }];
