import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ComputedAt } from "~/components/ComputedAt";
import { BlockerInWords, MustActList } from "~/components/dashboard/MustAct";
import { RagBadge } from "~/components/dashboard/RagBadge";
import { DriftCell } from "~/components/dashboard/LiveDrift";
import { listedDrift } from "~/domain/drift";
import { IgnoredParams } from "~/components/IgnoredParams";
import { PagerPastOnePage } from "~/components/PagerPastOnePage";
import { DataTable, PlantName, type Column } from "~/components/DataTable";
import { InAppLinks } from "~/components/RenderedOnce";
import { choicesOf, FilterSelect } from "~/components/Choices";
import { PhaseBadge } from "~/components/PhaseBadge";
import { QuarterCell } from "~/components/dashboard/Scorecard";
import { currentFigures, type FloorStats } from "~/domain/floor-stats";
import { compareValues, parseChoice, parseSort, requestedWindow } from "~/domain/listing";
import { phaseIndex } from "~/domain/phase";
import {
  ageInWords,
  BLOCKED_FILTERS,
  blockerFlag,
  daysLateInWords,
  RAG_LABELS,
  RAGS,
  ROLLUP_SORT_KEYS,
  type PlantRollup,
  type Rollup,
  type RollupSortKey,
} from "~/domain/rollup";
import { formatDate } from "~/domain/time";
import { PHASE_LABELS, PHASES, type PlantPhase } from "~/domain/vocabulary";
import { loadRollup, rollupView } from "~/http/readiness-cache.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";

// The program lead's view and home: which plants are stuck, on what, since when, and who must act; with each plant's
// phase, gate, next outage, forecast against target and owners. Filtered and sorted by the address, so every view is
// a link and works without JavaScript.

const PLANT_PHASES: readonly PlantPhase[] = [...PHASES, "complete"];
const RAG_RANK = { red: 0, amber: 1, green: 2 } as const;
/** Plants per page: a program of hundreds of plants stays quick to render, read and print; filters narrow it. */
const PAGE_SIZE = 50;
/** The list's filters, in the form's order; the regions are the program's own, read by the loader. */
const PLANT_FILTERS = [
  { label: "Phase", name: "phase", any: "Any phase", options: PLANT_PHASES, labels: PHASE_LABELS },
  { label: "Region", name: "region", any: "Any region", options: [] },
  { label: "Rating", name: "rag", any: "Any rating", options: RAGS, labels: RAG_LABELS },
  {
    label: "Blocked",
    name: "blocked",
    any: "Blocked or not",
    options: ["yes", "no"],
    labels: { yes: "Blocked", no: "Not blocked" },
  },
] as const;
const GATE_LABELS = { passed: "Passed", ready: "Ready to pass", blocked: "Blocked" } as const;

/** The list's sort keys: the rollup's, and the plant's stops caused this quarter (then its minutes lost). */
const PLANT_SORT_KEYS = [...ROLLUP_SORT_KEYS, "stops"] as const;

/** Stops caused, then minutes lost, in each plant's current local quarter. */
function stopsOrder(floor: FloorStats) {
  const figures = (p: PlantRollup) => currentFigures(floor.plants.get(p.id));
  return (a: PlantRollup, b: PlantRollup) =>
    compareValues(figures(a)?.stopsCaused ?? null, figures(b)?.stopsCaused ?? null) ||
    compareValues(figures(a)?.minutesLost ?? null, figures(b)?.minutesLost ?? null);
}

/** What each sort key compares a row by. */
const SORT_VALUES: Record<RollupSortKey, (p: PlantRollup) => string | number | null> = {
  code: (p) => p.code,
  name: (p) => p.name,
  region: (p) => p.region,
  phase: (p) => phaseIndex(p.phase),
  rag: (p) => RAG_RANK[p.rag],
  blockers: (p) => p.blockerCount,
  oldest: (p) => p.oldestBlockerDays,
  forecast: (p) => p.forecastLive,
  target: (p) => p.targetAlerting,
  outage: (p) => p.nextOutage?.startsAt ?? null,
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "read:program");
  const params = new URL(request.url).searchParams;
  const rollup = await loadRollup(getDb(), new Date());
  // The same for every reader of the program: made once per rollup and address (filters, sort, page).
  return rollupView(rollup, `plants?${params}`, () => plantListOf(rollup, params));
}

/** One page of the plant list, filtered and sorted as the address asks, with only the columns it shows. */
function plantListOf(rollup: Rollup, params: URLSearchParams) {
  const ignored: string[] = [];
  const regions = [...new Set(rollup.plants.map((p) => p.region))].sort();
  const { sort, dir } = parseSort(params, PLANT_SORT_KEYS, { sort: "code", dir: "asc" }, ignored);
  const order =
    sort === "stops"
      ? stopsOrder(rollup.floor)
      : (a: PlantRollup, b: PlantRollup) => compareValues(SORT_VALUES[sort](a), SORT_VALUES[sort](b));
  const filters = {
    phase: parseChoice(params, "phase", PLANT_PHASES, ignored),
    region: parseChoice(params, "region", regions, ignored),
    rag: parseChoice(params, "rag", RAGS, ignored),
    blocked: parseChoice(params, "blocked", BLOCKED_FILTERS, ignored),
  };
  const sign = dir === "asc" ? 1 : -1;
  const matching = rollup.plants
    .filter(
      (p) =>
        (filters.phase === null || p.phase === filters.phase) &&
        (filters.region === null || p.region === filters.region) &&
        (filters.rag === null || p.rag === filters.rag) &&
        (filters.blocked === null || p.blockerCount > 0 === (filters.blocked === "yes"))
    )
    .sort((a, b) => sign * order(a, b) || compareValues(a.code, b.code));
  const window = requestedWindow(params, ignored, matching.length, PAGE_SIZE);
  const plants = matching.slice(window.offset, window.offset + window.limit).map((p) => ({
    code: p.code,
    name: p.name,
    site: p.site,
    region: p.region,
    timeZone: p.timeZone,
    phase: p.phase,
    gateStatus: p.gateStatus,
    blockerCount: p.blockerCount,
    oldestBlockerDays: p.oldestBlockerDays,
    oldestBlocker: p.oldestBlocker,
    mustAct: p.mustAct,
    nextOutage: p.nextOutage
      ? {
          title: p.nextOutage.title,
          status: p.nextOutage.status,
          local: p.nextOutage.local,
          startsAt: p.nextOutage.startsAt,
        }
      : null,
    forecastLive: p.forecastLive,
    targetAlerting: p.targetAlerting,
    daysLate: p.daysLate,
    rag: p.rag,
    ragReason: p.ragReason,
    engineers: p.engineers,
    quarter: currentFigures(rollup.floor.plants.get(p.id)),
    drift: listedDrift(p.code, p.drift),
  }));
  return {
    computedAt: rollup.computedAt,
    total: rollup.plants.length,
    matching: matching.length,
    window,
    plants,
    regions,
    filters,
    sort,
    dir,
    ignored,
  };
}

const PLANT_COLUMNS: Column<Awaited<ReturnType<typeof loader>>["plants"][number]>[] = [
  {
    header: "Plant",
    sort: { column: "code" },
    // The plant's current quarter on the scorecard, under its name: a column of its own would not fit a desktop.
    cell: (p) => (
      <>
        <PlantName code={p.code} name={p.name} />
        <div className="muted">{p.site}</div>
        <QuarterCell figures={p.quarter} />
      </>
    ),
  },
  { header: "Region", sort: { column: "region" }, cell: (p) => p.region },
  { header: "Phase", sort: { column: "phase" }, cell: (p) => <PhaseBadge phase={p.phase} /> },
  {
    header: "Gate",
    // A live plant (every gate passed) says here whether it stays true: a column of its own would not fit a desktop.
    cell: (p) =>
      p.gateStatus !== null ? (
        <a href={`/plants/${p.code}#gates`}>{GATE_LABELS[p.gateStatus]}</a>
      ) : p.drift ? (
        <div className="live-drift">
          <DriftCell drift={p.drift} />
        </div>
      ) : (
        "All passed"
      ),
  },
  { header: "Blockers", num: true, sort: { column: "blockers", firstDir: "desc" }, cell: (p) => p.blockerCount },
  {
    header: "Held back by",
    className: "held-back",
    cell: (p) =>
      p.oldestBlocker ? (
        <BlockerInWords blocker={p.oldestBlocker} more={p.blockerCount - 1} />
      ) : p.gateStatus === "ready" ? (
        "Nothing: the gate is ready to pass"
      ) : (
        "—"
      ),
  },
  {
    header: "Blocked for",
    sort: { column: "oldest", firstDir: "desc" },
    className: "blocked-for",
    cell: (p) =>
      p.oldestBlockerDays === null ? (
        "—"
      ) : (
        <>
          <span data-age-days={p.oldestBlockerDays}>{ageInWords(p.oldestBlockerDays)}</span>
          {blockerFlag(p.oldestBlockerDays) ? (
            <div className={`badge ${p.oldestBlockerDays >= 30 ? "bad" : "warn"}`}>
              {blockerFlag(p.oldestBlockerDays)} days
            </div>
          ) : null}
        </>
      ),
  },
  { header: "Who must act", className: "who-acts", cell: (p) => <MustActList acts={p.mustAct} /> },
  {
    header: "Next outage window",
    sort: { column: "outage" },
    className: "next-outage",
    cell: (p) =>
      p.nextOutage ? (
        <>
          <time dateTime={p.nextOutage.startsAt}>{p.nextOutage.local}</time>
          <div className="muted">
            {p.nextOutage.title} · {p.nextOutage.status} · {p.timeZone}
          </div>
        </>
      ) : (
        "None scheduled"
      ),
  },
  {
    header: "Forecast live",
    sort: { column: "forecast" },
    className: "nowrap",
    cell: (p) => (
      <>
        {formatDate(p.forecastLive)}
        {p.daysLate !== null ? <div className="muted">{daysLateInWords(p.daysLate)}</div> : null}
      </>
    ),
  },
  { header: "Target", sort: { column: "target" }, className: "nowrap", cell: (p) => formatDate(p.targetAlerting) },
  {
    header: "Rating",
    sort: { column: "rag" },
    cell: (p) => (
      <>
        <RagBadge rag={p.rag} />
        <div className="muted">{p.ragReason}</div>
      </>
    ),
  },
  { header: "Plant engineers", cell: (p) => (p.engineers.length > 0 ? p.engineers.join(", ") : "—") },
];

export default function PlantsList() {
  const { computedAt, total, matching, window, plants, regions, filters, sort, dir, ignored } =
    useLoaderData<typeof loader>();
  const filtered = Object.values(filters).some((v) => v !== null);
  return (
    <>
      <div className="page-head">
        <div>
          <p className="eyebrow">Program lead's view</p>
          <h1>Plants</h1>
          <p className="lede">
            Which plants are stuck, on what, since when, and who must act; with each plant's phase, next outage window
            and alerting forecast against target. A blocker's age counts from the day the plant entered its phase: sort
            by "Blocked for" to see the oldest first. Dates are each plant's local day; window times are the plant's
            clock with its zone.
          </p>
        </div>
        <div>
          <ComputedAt at={computedAt} />
          <p className="exports no-print">
            <a href="/dashboard.csv">Plant rollup (CSV)</a> · <Link to="/dashboard#rag-rule">How plants are rated</Link>{" "}
            · <Link to="/plants/diagrams">Zones and conduits of every plant</Link>
          </p>
        </div>
      </div>

      <IgnoredParams ignored={ignored} />

      <Form method="get" className="filters plant-filters" aria-label="Filter plants">
        <input type="hidden" name="sort" value={sort} />
        <input type="hidden" name="dir" value={dir} />
        {PLANT_FILTERS.map((filter) => (
          <FilterSelect
            key={filter.name}
            label={filter.label}
            name={filter.name}
            any={filter.any}
            choices={choicesOf(
              filter.name === "region" ? regions : filter.options,
              "labels" in filter ? filter.labels : undefined
            )}
            defaultValue={filters[filter.name] ?? ""}
          />
        ))}
        <button type="submit">Apply</button>
        {filtered ? <Link to={`?sort=${sort}&dir=${dir}`}>Clear filters</Link> : null}
      </Form>
      <p className="no-print">
        <Link to="?blocked=yes&sort=oldest&dir=desc">Stuck plants, longest blocked first</Link> ·{" "}
        <Link to="?sort=stops&dir=desc">Most stops caused this quarter first</Link>
      </p>

      {/* The rows' links are plain anchors that navigate within the app: cheaper than a router link each. */}
      <InAppLinks>
        <DataTable
          className="plants-table"
          caption={`${matching === total ? total : `${matching} of ${total}`} plants${
            window.pageCount > 1 ? `, page ${window.page} of ${window.pageCount}` : ""
          }`}
          columns={PLANT_COLUMNS}
          rows={plants}
          rowKey={(p) => p.code}
          rowProps={(p) => ({ "data-plant": p.code })}
          sorted={{ sort, dir }}
          empty="No plant matches these filters."
        />
      </InAppLinks>
      <PagerPastOnePage list={{ window, total: matching, rows: plants }} noun="plants" />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Plants · Segmentation Tracker" }];
