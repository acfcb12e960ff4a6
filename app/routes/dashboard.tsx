import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BurnupChart, PhaseChart, RagChart } from "~/components/dashboard/Charts.client";
import { ComputedAt } from "~/components/dashboard/ComputedAt";
import { RagBadge } from "~/components/dashboard/RagBadge";
import { useHydrated } from "~/utils/hydrated";
import { PhaseBadge } from "~/components/PhaseBadge";
import { AMBER_DAYS, BLOCKER_FLAG_DAYS, RAG_RULE, RAGS, UPCOMING_DAYS, type Rag } from "~/domain/rollup";
import { formatDate } from "~/domain/time";
import { PHASE_LABELS, PHASES, type PlantPhase } from "~/domain/vocabulary";
import { loadRollup } from "~/models/rollup.server";
import { requirePermission, requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";

// The executive rollup: read-only, every plant. Every chart is drawn in the browser from the same numbers
// as the table under it, so the page is complete without JavaScript and prints on A4 or Letter.

const TOP_BLOCKERS = 15;
const SIGNOFF_PLANTS = 25;
/** Rows of the forecast table and of the upcoming windows: the worst and the soonest; the rest are a link away. */
const RAG_PLANTS = 40;
const UPCOMING_WINDOWS = 40;
const RAG_ORDER: Record<Rag, number> = { red: 0, amber: 1, green: 2 };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "read:program");
  const rollup = await loadRollup(getDb(), new Date());
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
  };
}

const PLANT_PHASES: PlantPhase[] = [...PHASES, "complete"];

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const hydrated = useHydrated();
  const { byPhase, byRag, burnup } = data;
  return (
    <div className="dashboard">
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
          <div className="table-wrap">
            <table>
              <caption>Plants per phase ({data.plantCount} plants)</caption>
              <thead>
                <tr>
                  <th scope="col">Phase</th>
                  <th scope="col" className="num">
                    Plants
                  </th>
                </tr>
              </thead>
              <tbody>
                {PLANT_PHASES.map((phase) => (
                  <tr key={phase} data-phase={phase}>
                    <th scope="row">
                      <Link to={`/plants?phase=${phase}`}>{PHASE_LABELS[phase]}</Link>
                    </th>
                    <td className="num">{byPhase[phase]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
        <div className="table-wrap scroll-table">
          <table className="burnup-table">
            <caption>Plants through each gate by the end of each week</caption>
            <thead>
              <tr>
                <th scope="col">Week</th>
                <th scope="col">Starts</th>
                <th scope="col" className="num">
                  Scope
                </th>
                {PHASES.map((phase) => (
                  <th key={phase} scope="col" className="num">
                    {PHASE_LABELS[phase]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {burnup.map((w) => (
                <tr key={w.week} data-week={w.week}>
                  <th scope="row">{w.label}</th>
                  <td>{formatDate(w.week)}</td>
                  <td className="num">{w.scope}</td>
                  {PHASES.map((phase) => (
                    <td key={phase} className="num">
                      {w.through[phase]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
            Amber covers up to {AMBER_DAYS} days late. Forecast and target are the plant's local days.
          </p>
        </div>
        <div className="chart-pair">
          {hydrated ? (
            <RagChart
              label="Bar chart of plants rated green, amber and red; the table beside it has the numbers"
              counts={byRag}
            />
          ) : null}
          <div className="table-wrap">
            <table>
              <caption>Plants by rating</caption>
              <thead>
                <tr>
                  <th scope="col">Rating</th>
                  <th scope="col" className="num">
                    Plants
                  </th>
                </tr>
              </thead>
              <tbody>
                {RAGS.map((rag) => (
                  <tr key={rag} data-rag={rag}>
                    <th scope="row">
                      <Link to={`/plants?rag=${rag}`}>
                        <RagBadge rag={rag} />
                      </Link>
                    </th>
                    <td className="num">{byRag[rag]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
        <div className="table-wrap">
          <table className="rag-table">
            <caption>
              Each plant's forecast against its target, worst first
              {data.plantCount > data.ragPlants.length ? (
                <>
                  {` (the first ${data.ragPlants.length} of ${data.plantCount}; every plant in `}
                  <Link to="/plants?sort=rag">the plant list</Link> and the CSV)
                </>
              ) : null}
            </caption>
            <thead>
              <tr>
                <th scope="col">Plant</th>
                <th scope="col">Phase</th>
                <th scope="col">Forecast live (plant day)</th>
                <th scope="col">Target</th>
                <th scope="col" className="num">
                  Days late
                </th>
                <th scope="col">Rating</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {data.ragPlants.map((p) => (
                <tr key={p.code} data-plant={p.code}>
                  <th scope="row">
                    <Link to={`/plants/${p.code}`}>
                      <span className="mono">{p.code}</span> {p.name}
                    </Link>
                    <div className="muted">{p.timeZone}</div>
                  </th>
                  <td>
                    <PhaseBadge phase={p.phase} />
                  </td>
                  <td>{formatDate(p.forecastLive)}</td>
                  <td>{formatDate(p.targetAlerting)}</td>
                  <td className="num">{p.daysLate ?? "—"}</td>
                  <td>
                    <RagBadge rag={p.rag} />
                  </td>
                  <td>{p.ragReason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
          <div className="table-wrap">
            <table>
              <caption>The {data.topBlockers.length} oldest blockers</caption>
              <thead>
                <tr>
                  <th scope="col">Plant</th>
                  <th scope="col">Gate</th>
                  <th scope="col">Criterion</th>
                  <th scope="col" className="num">
                    Age (days)
                  </th>
                  <th scope="col">Flag</th>
                </tr>
              </thead>
              <tbody>
                {data.topBlockers.map((b) => (
                  <tr key={`${b.plantCode}-${b.code}`}>
                    <th scope="row">
                      <Link to={`/plants/${b.plantCode}#criterion-${b.code}`}>
                        <span className="mono">{b.plantCode}</span> {b.plantName}
                      </Link>
                    </th>
                    <td>
                      <PhaseBadge phase={b.phase} />
                    </td>
                    <td>
                      <span className="mono">{b.code}</span> {b.title}
                      <div className="muted">{b.message}</div>
                    </td>
                    <td className="num">{b.ageDays}</td>
                    <td>
                      {b.flag === "30+" ? (
                        <span className="badge bad">30+ days</span>
                      ) : b.flag === "14+" ? (
                        <span className="badge warn">14+ days</span>
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel" aria-labelledby="windows-title" id="windows">
        <h2 id="windows-title">Upcoming outage windows</h2>
        {data.upcomingWindows.length === 0 ? (
          <p>No planned or confirmed window in the next {UPCOMING_DAYS} days.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption>
                Planned and confirmed windows in the next {UPCOMING_DAYS} days, in each plant's local time
                {data.upcomingWindowCount > data.upcomingWindows.length ? (
                  <>
                    {` (the first ${data.upcomingWindows.length} of ${data.upcomingWindowCount}; all in `}
                    <Link to="/windows">Windows</Link>)
                  </>
                ) : null}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Plant</th>
                  <th scope="col">Window</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Status</th>
                  <th scope="col">Plant-local time</th>
                </tr>
              </thead>
              <tbody>
                {data.upcomingWindows.map((w) => (
                  <tr key={w.id}>
                    <th scope="row">
                      <Link to={`/plants/${w.plantCode}/windows`}>
                        <span className="mono">{w.plantCode}</span> {w.plantName}
                      </Link>
                    </th>
                    <td>{w.title}</td>
                    <td>{w.kind === "blackout" ? "Blackout" : "Scheduled outage"}</td>
                    <td>{w.status === "confirmed" ? "Confirmed" : "Planned"}</td>
                    <td>
                      <time dateTime={w.startsAt}>{w.local}</time>
                      <div className="muted">{w.timeZone}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

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
          <div className="table-wrap">
            <table>
              <caption>
                Plants with missing or stale signoffs
                {data.signoffPlantCount > data.signoffPlants.length
                  ? ` (the first ${data.signoffPlants.length} of ${data.signoffPlantCount}; all in the CSV)`
                  : ""}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Plant</th>
                  <th scope="col">Phase</th>
                  <th scope="col" className="num">
                    Stale
                  </th>
                  <th scope="col" className="num">
                    Missing
                  </th>
                  <th scope="col">Stale since</th>
                </tr>
              </thead>
              <tbody>
                {data.signoffPlants.map((p) => (
                  <tr key={p.code} data-signoff-plant={p.code}>
                    <th scope="row">
                      <Link to={`/plants/${p.code}`}>
                        <span className="mono">{p.code}</span> {p.name}
                      </Link>
                    </th>
                    <td>
                      <PhaseBadge phase={p.phase} />
                    </td>
                    <td className="num">{p.stale}</td>
                    <td className="num">{p.missing}</td>
                    <td>{p.staleSince ? `${p.staleSince.replace("T", " ").slice(0, 16)} UTC` : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Program dashboard · Segmentation Tracker" }];
