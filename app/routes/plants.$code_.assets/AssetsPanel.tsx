import { Form, Link, useLoaderData } from "@remix-run/react";
import { AssetImportForm } from "~/components/AssetImportForm";
import { FilterSelect } from "~/components/Choices";
import { Pager } from "~/components/Pager";
import { SortHeader } from "~/components/SortHeader";
import {
  ASSET_KIND_LABELS,
  ASSET_KINDS,
  ASSET_STATUSES,
  CRITICALITIES,
  DISCOVERY_SOURCE_LABELS,
  humanize,
  labelFor,
} from "~/domain/vocabulary";
import type { loader } from "./route";

/** The plant's asset inventory: the import, filters, the sortable table and its pages. */
export function AssetsPanel({ reply }: { reply: unknown }) {
  const { canImport, filters, zones, sort, dir, assets, window, total } = useLoaderData<typeof loader>();
  return (
    <section className="panel" aria-labelledby="assets-title" id="assets">
      <h2 id="assets-title">Asset inventory</h2>
      {canImport ? <AssetImportForm reply={reply} /> : null}
      <Form method="get" className="filters" preventScrollReset>
        <label>
          Search
          <input type="search" name="q" defaultValue={filters.search} placeholder="Name, IP, MAC, vendor, model…" />
        </label>
        {[
          {
            label: "Kind",
            name: "kind",
            value: filters.kind,
            any: "Any kind",
            choices: ASSET_KINDS.map((kind) => [kind, ASSET_KIND_LABELS[kind]] as const),
          },
          {
            label: "Zone",
            name: "zone",
            value: filters.zone,
            any: "Any zone",
            choices: [["none", "Not placed"] as const, ...zones.map((zone) => [zone.id, zone.name] as const)],
          },
          {
            label: "Criticality",
            name: "criticality",
            value: filters.criticality,
            any: "Any",
            choices: CRITICALITIES.map((c) => [c, humanize(c)] as const),
          },
          {
            label: "Status",
            name: "status",
            value: filters.status,
            any: "Any",
            choices: ASSET_STATUSES.map((s) => [s, humanize(s)] as const),
          },
        ].map(({ value, ...select }) => (
          <FilterSelect key={select.name} defaultValue={value ?? ""} {...select} />
        ))}
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
                <td>
                  {asset.kind ? labelFor(ASSET_KIND_LABELS, asset.kind) : <span className="badge warn">unknown</span>}
                </td>
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
                    <span
                      className="badge warn"
                      title={`Discovered by ${labelFor(
                        DISCOVERY_SOURCE_LABELS,
                        asset.discovery_source
                      )}; not reviewed yet`}
                    >
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
      <Pager {...window} total={total} shown={assets.length} noun="assets" />
    </section>
  );
}
