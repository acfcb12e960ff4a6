import { ASSET_KIND_LABELS, ASSET_KINDS, labelFor } from "~/domain/vocabulary";

/** Assets counted by kind and zone, each count a link to the filtered inventory. */
export function AssetBreakdownTable({
  plantCode,
  breakdown,
  zones,
  total,
}: {
  plantCode: string;
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
    a === null ? 1 : b === null ? -1 : ASSET_KINDS.indexOf(a as never) - ASSET_KINDS.indexOf(b as never)
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
    return `/plants/${plantCode}/assets?${params.toString()}#assets`;
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
                    {n === 0 ? (
                      <span className="muted">·</span>
                    ) : kind ? (
                      <a href={filterHref(kind, column.key)}>{n}</a>
                    ) : (
                      n
                    )}
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
