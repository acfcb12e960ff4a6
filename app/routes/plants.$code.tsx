import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { IgnoredParams } from "~/components/IgnoredParams";
import { Pager } from "~/components/Pager";
import { PhaseBadge } from "~/components/PhaseBadge";
import { SortHeader } from "~/components/SortHeader";
import { pageWindow, parseChoice, parseId, parsePage, parseSearch, parseSort } from "~/domain/listing";
import { phaseIndex } from "~/domain/phase";
import { formatDate, formatLocal, localClock } from "~/domain/time";
import {
  ASSET_KIND_LABELS,
  ASSET_KINDS,
  ASSET_STATUSES,
  CONTROL_TYPE_LABELS,
  CRITICALITIES,
  DISCOVERY_SOURCE_LABELS,
  humanize,
  labelFor,
  PHASE_LABELS,
  PHASES,
  ZONE_KIND_LABELS,
} from "~/domain/vocabulary";
import {
  ASSET_SORT_KEYS,
  assetBreakdown,
  countAssets,
  getPlantByCode,
  listAssets,
  listConduits,
  listZones,
  type AssetQuery,
} from "~/models/plants.server";
import { getDb } from "~/utils/db.server";

const PAGE_SIZE = 50;

export async function loader({ params, request }: LoaderFunctionArgs) {
  const code = (params.code ?? "").toUpperCase();
  const db = getDb();
  const plant = /^[A-Z0-9-]{1,16}$/.test(code) ? await getPlantByCode(db, code) : null;
  if (!plant) {
    throw data(`No plant in the program has the code “${params.code ?? ""}”.`, { status: 404 });
  }

  const search = new URL(request.url).searchParams;
  const ignored: string[] = [];
  const [zones, conduits, breakdown] = await Promise.all([
    listZones(db, plant.id),
    listConduits(db, plant.id),
    assetBreakdown(db, plant.id),
  ]);

  let zone: AssetQuery["zone"] = null;
  if (search.get("zone") === "none") zone = "none";
  else {
    const zoneId = parseId(search, "zone", ignored);
    if (zoneId !== null && zones.some((z) => z.id === zoneId)) zone = zoneId;
    else if (zoneId !== null) ignored.push(`zone “${zoneId}” is not a zone of this plant; filter not applied`);
  }
  const { sort, dir } = parseSort(search, ASSET_SORT_KEYS, { sort: "name", dir: "asc" }, ignored);
  const filters = {
    search: parseSearch(search, "q"),
    kind: parseChoice(search, "kind", ASSET_KINDS, ignored),
    zone,
    criticality: parseChoice(search, "criticality", CRITICALITIES, ignored),
    status: parseChoice(search, "status", ASSET_STATUSES, ignored),
  };
  const requestedPage = parsePage(search, ignored);
  const total = await countAssets(db, plant.id, { ...filters, sort, dir, offset: 0, limit: PAGE_SIZE });
  const window = pageWindow(requestedPage, total, PAGE_SIZE);
  if (window.page !== requestedPage) ignored.push(`page ${requestedPage} does not exist; showing page ${window.page}`);
  const assets = await listAssets(db, plant.id, { ...filters, sort, dir, offset: window.offset, limit: window.limit });

  const now = new Date();
  return {
    plant: {
      code: plant.code,
      name: plant.name,
      site: plant.site,
      region: plant.region,
      timeZone: plant.time_zone,
      phase: plant.phase,
      targets: {
        inventory: plant.target_inventory,
        zoning: plant.target_zoning,
        conduits: plant.target_conduits,
        baseline: plant.target_baseline,
        alerting: plant.target_alerting,
      },
      passes: plant.passes.map((pass) => ({
        phase: pass.phase,
        passedAt: formatLocal(pass.passed_at, plant.time_zone),
        passedBy: pass.passed_by_name,
      })),
    },
    clock: localClock(now, plant.time_zone),
    zones,
    conduits,
    breakdown,
    assets,
    filters: { ...filters, zone: zone === null ? "" : String(zone) },
    sort,
    dir,
    window,
    total,
    ignored,
    computedAt: now.toISOString(),
  };
}

export default function PlantPage() {
  const { plant, clock, zones, conduits, breakdown, assets, filters, sort, dir, window, total, ignored, computedAt } =
    useLoaderData<typeof loader>();
  const current = phaseIndex(plant.phase);
  const totalAssets = breakdown.reduce((sum, cell) => sum + cell.count, 0);

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
          Computed <time dateTime={computedAt}>{computedAt.replace("T", " ").slice(0, 16)} UTC</time>
        </p>
      </div>

      <IgnoredParams ignored={ignored} />

      <section aria-labelledby="phases-title">
        <h2 id="phases-title" className="visually-hidden">
          Rollout phases
        </h2>
        <ol className="stepper">
          {PHASES.map((phase, index) => {
            const pass = plant.passes.find((p) => p.phase === phase);
            const state = index < current ? "done" : index === current ? "current" : "todo";
            return (
              <li key={phase} className={state} aria-current={state === "current" ? "step" : undefined}>
                <span className="step-name">{PHASE_LABELS[phase]}</span>
                <span className="step-meta">
                  {pass
                    ? `Passed ${pass.passedAt.slice(0, 10)} by ${pass.passedBy}`
                    : `Target ${formatDate(plant.targets[phase])}`}
                </span>
                <span className="visually-hidden">
                  {state === "done" ? " (gate passed)" : state === "current" ? " (current phase)" : " (not started)"}
                </span>
              </li>
            );
          })}
        </ol>
      </section>

      <div className="grid-2">
        <section className="panel" aria-labelledby="zones-title">
          <h2 id="zones-title">Zones ({zones.length})</h2>
          {zones.length === 0 ? (
            <p className="muted">No zones are defined yet.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Zone</th>
                    <th scope="col">Kind</th>
                    <th scope="col" className="num">
                      Purdue
                    </th>
                    <th scope="col" className="num">
                      SL-T
                    </th>
                    <th scope="col">Address ranges</th>
                    <th scope="col" className="num">
                      Assets
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {zones.map((zone) => (
                    <tr key={zone.id}>
                      <td>{zone.name}</td>
                      <td>{labelFor(ZONE_KIND_LABELS, zone.kind)}</td>
                      <td className="num">{zone.purdueLevel ?? "—"}</td>
                      <td className="num">
                        {zone.slTarget ?? <span className="badge warn">not set</span>}
                      </td>
                      <td className="mono">{zone.ranges.join(", ") || "—"}</td>
                      <td className="num">
                        <Link to={`?zone=${zone.id}#assets`}>{zone.assetCount.toLocaleString("en-US")}</Link>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>

        <section className="panel" aria-labelledby="breakdown-title">
          <h2 id="breakdown-title">Assets by kind and zone</h2>
          <AssetBreakdownTable breakdown={breakdown} zones={zones} total={totalAssets} />
        </section>
      </div>

      <section className="panel" aria-labelledby="conduits-title">
        <h2 id="conduits-title">Conduits ({conduits.length})</h2>
        {conduits.length === 0 ? (
          <p className="muted">No conduits are defined yet.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Conduit</th>
                  <th scope="col">Endpoints</th>
                  <th scope="col">Control</th>
                  <th scope="col">Monitoring</th>
                  <th scope="col">Allowed flows</th>
                  <th scope="col" className="num">
                    Rev.
                  </th>
                </tr>
              </thead>
              <tbody>
                {conduits.map((conduit) => (
                  <tr key={conduit.id}>
                    <td>
                      <strong>{conduit.name}</strong>
                      <div className="muted">{conduit.purpose ?? "No purpose written"}</div>
                    </td>
                    <td>
                      {conduit.zoneA} ↔ {conduit.zoneB}
                    </td>
                    <td>
                      {conduit.controlType
                        ? labelFor(CONTROL_TYPE_LABELS, conduit.controlType)
                        : <span className="badge warn">none</span>}
                    </td>
                    <td>
                      {conduit.monitored ? <span className="badge ok">Monitored</span> : <span className="badge">Not monitored</span>}
                      <div className="muted">{conduit.monitoringPoint ?? "No monitoring point"}</div>
                    </td>
                    <td>
                      {conduit.flows.length === 0 ? (
                        <span className="badge warn">none</span>
                      ) : (
                        <ul className="flows">
                          {conduit.flows.map((flow, index) => (
                            <li key={index}>
                              <span className="mono">
                                {flow.protocol}
                                {flow.port === null ? "" : `/${flow.port}`}
                              </span>{" "}
                              {flow.direction === "a_to_b" ? "→" : flow.direction === "b_to_a" ? "←" : "↔"}{" "}
                              <span className="muted">{flow.description}</span>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td className="num">{conduit.revision}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel" aria-labelledby="assets-title" id="assets">
        <h2 id="assets-title">Asset inventory</h2>
        <Form method="get" className="filters" preventScrollReset>
          <label>
            Search
            <input type="search" name="q" defaultValue={filters.search} placeholder="Name, IP, MAC, vendor, model…" />
          </label>
          <label>
            Kind
            <select name="kind" defaultValue={filters.kind ?? ""}>
              <option value="">Any kind</option>
              {ASSET_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {ASSET_KIND_LABELS[kind]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Zone
            <select name="zone" defaultValue={filters.zone}>
              <option value="">Any zone</option>
              <option value="none">Not placed</option>
              {zones.map((zone) => (
                <option key={zone.id} value={zone.id}>
                  {zone.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Criticality
            <select name="criticality" defaultValue={filters.criticality ?? ""}>
              <option value="">Any</option>
              {CRITICALITIES.map((c) => (
                <option key={c} value={c}>
                  {humanize(c)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Status
            <select name="status" defaultValue={filters.status ?? ""}>
              <option value="">Any</option>
              {ASSET_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {humanize(s)}
                </option>
              ))}
            </select>
          </label>
          <input type="hidden" name="sort" value={sort} />
          <input type="hidden" name="dir" value={dir} />
          <button type="submit">Filter</button>
          <Link className="button secondary" to="?#assets">
            Clear
          </Link>
        </Form>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <SortHeader column="name" label="Name" sort={sort} dir={dir} />
                <SortHeader column="kind" label="Kind" sort={sort} dir={dir} />
                <SortHeader column="vendor" label="Vendor / model" sort={sort} dir={dir} />
                <th scope="col">Firmware</th>
                <SortHeader column="install_year" label="Installed" sort={sort} dir={dir} numeric />
                <SortHeader column="ip" label="IP" sort={sort} dir={dir} />
                <th scope="col">MAC</th>
                <SortHeader column="zone" label="Zone" sort={sort} dir={dir} />
                <SortHeader column="criticality" label="Criticality" sort={sort} dir={dir} firstDir="desc" />
                <SortHeader column="status" label="Status" sort={sort} dir={dir} />
              </tr>
            </thead>
            <tbody>
              {assets.map((asset) => (
                <tr key={asset.id}>
                  <td className="mono">{asset.name}</td>
                  <td>{asset.kind ? labelFor(ASSET_KIND_LABELS, asset.kind) : <span className="badge warn">unknown</span>}</td>
                  <td>
                    {asset.vendor ?? <span className="badge warn">unknown</span>} {asset.model}
                  </td>
                  <td className="mono">{asset.firmware ?? "—"}</td>
                  <td className="num">{asset.install_year ?? "—"}</td>
                  <td className="mono">{asset.ip ?? "—"}</td>
                  <td className="mono">{asset.mac ?? "—"}</td>
                  <td>{asset.zone_name ?? <span className="badge warn">not placed</span>}</td>
                  <td>{asset.criticality ? humanize(asset.criticality) : <span className="badge warn">not set</span>}</td>
                  <td>
                    {asset.status === "staged" ? (
                      <span className="badge warn" title={`Discovered by ${labelFor(DISCOVERY_SOURCE_LABELS, asset.discovery_source)}; not reviewed yet`}>
                        Staged
                      </span>
                    ) : (
                      <span className="badge ok">Confirmed</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pager page={window.page} pageCount={window.pageCount} total={total} offset={window.offset} shown={assets.length} noun="assets" />
      </section>
    </>
  );
}

function AssetBreakdownTable({
  breakdown,
  zones,
  total,
}: {
  breakdown: { kind: string | null; zoneId: number | null; count: number }[];
  zones: { id: number; name: string }[];
  total: number;
}) {
  if (total === 0) return <p className="muted">No assets are inventoried yet.</p>;
  const columns: { key: number | null; label: string }[] = zones
    .filter((zone) => breakdown.some((cell) => cell.zoneId === zone.id))
    .map((zone) => ({ key: zone.id, label: zone.name }));
  if (breakdown.some((cell) => cell.zoneId === null)) columns.push({ key: null, label: "Not placed" });
  const kinds = [...new Set(breakdown.map((cell) => cell.kind))].sort((a, b) =>
    a === null ? 1 : b === null ? -1 : ASSET_KINDS.indexOf(a as never) - ASSET_KINDS.indexOf(b as never),
  );
  const count = (kind: string | null, zoneId: number | null) =>
    breakdown.find((cell) => cell.kind === kind && cell.zoneId === zoneId)?.count ?? 0;
  const kindTotal = (kind: string | null) =>
    breakdown.filter((cell) => cell.kind === kind).reduce((sum, cell) => sum + cell.count, 0);
  const zoneTotal = (zoneId: number | null) =>
    breakdown.filter((cell) => cell.zoneId === zoneId).reduce((sum, cell) => sum + cell.count, 0);
  const filterHref = (kind: string | null, zoneId: number | null | undefined) => {
    const params = new URLSearchParams();
    if (kind) params.set("kind", kind);
    if (zoneId !== undefined) params.set("zone", zoneId === null ? "none" : String(zoneId));
    return `?${params.toString()}#assets`;
  };

  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            {columns.map((column) => (
              <th scope="col" className="num" key={column.key ?? "none"}>
                {column.label}
              </th>
            ))}
            <th scope="col" className="num">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {kinds.map((kind) => (
            <tr key={kind ?? "unknown"}>
              <th scope="row">{kind ? labelFor(ASSET_KIND_LABELS, kind) : "Unclassified"}</th>
              {columns.map((column) => {
                const n = count(kind, column.key);
                return (
                  <td className="num" key={column.key ?? "none"}>
                    {n === 0 ? <span className="muted">·</span> : kind ? <Link to={filterHref(kind, column.key)}>{n}</Link> : n}
                  </td>
                );
              })}
              <td className="num">{kindTotal(kind).toLocaleString("en-US")}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            {columns.map((column) => (
              <td className="num" key={column.key ?? "none"}>
                {zoneTotal(column.key).toLocaleString("en-US")}
              </td>
            ))}
            <td className="num">{total.toLocaleString("en-US")}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.plant.code} ${data.plant.name} · Segmentation Tracker` : "Plant not found · Segmentation Tracker" },
];
