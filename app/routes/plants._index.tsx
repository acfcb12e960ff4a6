import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ComputedAt } from "~/components/dashboard/ComputedAt";
import { RagBadge } from "~/components/dashboard/RagBadge";
import { IgnoredParams } from "~/components/IgnoredParams";
import { Pager } from "~/components/Pager";
import { PhaseBadge } from "~/components/PhaseBadge";
import { SortHeader } from "~/components/SortHeader";
import { compareValues, parseChoice, parseSort, requestedWindow } from "~/domain/listing";
import { phaseIndex } from "~/domain/phase";
import {
  BLOCKED_FILTERS,
  RAG_LABELS,
  RAGS,
  ROLLUP_SORT_KEYS,
  type PlantRollup,
  type RollupSortKey,
} from "~/domain/rollup";
import { formatDate } from "~/domain/time";
import { PHASE_LABELS, PHASES, type PlantPhase } from "~/domain/vocabulary";
import { loadRollup } from "~/http/readiness-cache.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";

// The program lead's view: every plant with its phase, gate, blockers, next outage, forecast against target and
// owners; filtered and sorted by the address, so every view is a link and works without JavaScript.

const PLANT_PHASES: readonly PlantPhase[] = [...PHASES, "complete"];
const RAG_RANK = { red: 0, amber: 1, green: 2 } as const;
/** Plants per page: a program of hundreds of plants stays quick to render, read and print; filters narrow it. */
const PAGE_SIZE = 50;
const GATE_LABELS = { passed: "Passed", ready: "Ready to pass", blocked: "Blocked" } as const;

function sortValue(p: PlantRollup, key: RollupSortKey): string | number | null {
  switch (key) {
    case "code":
      return p.code;
    case "name":
      return p.name;
    case "region":
      return p.region;
    case "phase":
      return phaseIndex(p.phase);
    case "rag":
      return RAG_RANK[p.rag];
    case "blockers":
      return p.blockerCount;
    case "oldest":
      return p.oldestBlockerDays;
    case "forecast":
      return p.forecastLive;
    case "target":
      return p.targetAlerting;
    case "outage":
      return p.nextOutage?.startsAt ?? null;
  }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "read:program");
  const params = new URL(request.url).searchParams;
  const ignored: string[] = [];
  const rollup = await loadRollup(getDb(), new Date());
  const regions = [...new Set(rollup.plants.map((p) => p.region))].sort();
  const { sort, dir } = parseSort(params, ROLLUP_SORT_KEYS, { sort: "code", dir: "asc" }, ignored);
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
    .sort((a, b) => sign * compareValues(sortValue(a, sort), sortValue(b, sort)) || compareValues(a.code, b.code));
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
            Every plant's phase, gate, blockers, next outage window and alerting forecast against target. Dates are each
            plant's local day; window times are the plant's clock with its zone.
          </p>
        </div>
        <div>
          <ComputedAt at={computedAt} />
          <p className="exports no-print">
            <a href="/dashboard.csv">Plant rollup (CSV)</a> · <Link to="/dashboard#rag-rule">How plants are rated</Link>
          </p>
        </div>
      </div>

      <IgnoredParams ignored={ignored} />

      <Form method="get" className="filters plant-filters" aria-label="Filter plants">
        <input type="hidden" name="sort" value={sort} />
        <input type="hidden" name="dir" value={dir} />
        <label>
          Phase
          <select name="phase" defaultValue={filters.phase ?? ""}>
            <option value="">Any phase</option>
            {PLANT_PHASES.map((phase) => (
              <option key={phase} value={phase}>
                {PHASE_LABELS[phase]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Region
          <select name="region" defaultValue={filters.region ?? ""}>
            <option value="">Any region</option>
            {regions.map((region) => (
              <option key={region} value={region}>
                {region}
              </option>
            ))}
          </select>
        </label>
        <label>
          Rating
          <select name="rag" defaultValue={filters.rag ?? ""}>
            <option value="">Any rating</option>
            {RAGS.map((rag) => (
              <option key={rag} value={rag}>
                {RAG_LABELS[rag]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Blocked
          <select name="blocked" defaultValue={filters.blocked ?? ""}>
            <option value="">Blocked or not</option>
            <option value="yes">Blocked</option>
            <option value="no">Not blocked</option>
          </select>
        </label>
        <button type="submit">Apply</button>
        {filtered ? <Link to={`?sort=${sort}&dir=${dir}`}>Clear filters</Link> : null}
      </Form>

      <div className="table-wrap">
        <table className="plants-table">
          <caption>{`${matching === total ? total : `${matching} of ${total}`} plants${
            window.pageCount > 1 ? `, page ${window.page} of ${window.pageCount}` : ""
          }`}</caption>
          <thead>
            <tr>
              <SortHeader column="code" label="Plant" sort={sort} dir={dir} />
              <SortHeader column="region" label="Region" sort={sort} dir={dir} />
              <SortHeader column="phase" label="Phase" sort={sort} dir={dir} />
              <th scope="col">Gate</th>
              <SortHeader column="blockers" label="Blockers" sort={sort} dir={dir} numeric firstDir="desc" />
              <SortHeader column="oldest" label="Oldest blocker (days)" sort={sort} dir={dir} numeric firstDir="desc" />
              <SortHeader column="outage" label="Next outage window" sort={sort} dir={dir} />
              <SortHeader column="forecast" label="Forecast live" sort={sort} dir={dir} />
              <SortHeader column="target" label="Target" sort={sort} dir={dir} />
              <SortHeader column="rag" label="Rating" sort={sort} dir={dir} />
              <th scope="col">Plant engineers</th>
            </tr>
          </thead>
          <tbody>
            {plants.length === 0 ? (
              <tr>
                <td colSpan={11}>No plant matches these filters.</td>
              </tr>
            ) : null}
            {plants.map((p) => (
              <tr key={p.code} data-plant={p.code}>
                <td>
                  <Link to={`/plants/${p.code}`}>
                    <span className="mono">{p.code}</span> {p.name}
                  </Link>
                  <div className="muted">{p.site}</div>
                </td>
                <td>{p.region}</td>
                <td>
                  <PhaseBadge phase={p.phase} />
                </td>
                <td>
                  {p.gateStatus === null ? (
                    "All passed"
                  ) : (
                    <Link to={`/plants/${p.code}#gates`}>{GATE_LABELS[p.gateStatus]}</Link>
                  )}
                </td>
                <td className="num">{p.blockerCount}</td>
                <td className="num">{p.oldestBlockerDays ?? "—"}</td>
                <td>
                  {p.nextOutage ? (
                    <>
                      <time dateTime={p.nextOutage.startsAt}>{p.nextOutage.local}</time>
                      <div className="muted">
                        {p.nextOutage.title} · {p.nextOutage.status} · {p.timeZone}
                      </div>
                    </>
                  ) : (
                    "None scheduled"
                  )}
                </td>
                <td className="nowrap">{formatDate(p.forecastLive)}</td>
                <td className="nowrap">{formatDate(p.targetAlerting)}</td>
                <td>
                  <RagBadge rag={p.rag} />
                  <div className="muted">{p.ragReason}</div>
                </td>
                <td>{p.engineers.length > 0 ? p.engineers.join(", ") : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {window.pageCount > 1 ? (
        <Pager
          page={window.page}
          pageCount={window.pageCount}
          total={matching}
          offset={window.offset}
          shown={plants.length}
          noun="plants"
        />
      ) : null}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Plants · Segmentation Tracker" }];
