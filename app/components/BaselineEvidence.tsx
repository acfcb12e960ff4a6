import { TableHead, TableScroll } from "~/components/DataTable";
import { BaselineStatusBadge } from "~/components/BaselineBadge";
import { ConvergenceChart, type ConvergenceSeries } from "~/components/ConvergenceChart.client";
import { countedDaysText, maturityText, type BaselineStatus, type BaselineThresholds } from "~/domain/baseline";
import { formatDate } from "~/domain/time";
import { useHydrated } from "~/utils/hydrated";

// The plant's passive baselines: per monitored conduit, counted days toward maturity, sensor gaps, wrong flows and
// the earliest maturity date, then the convergence curve (new flow tuples per day of the epoch) as a chart and as
// the table of the same numbers. The tables are the same for every reader, so the plant page renders them once per
// change (plain anchors: they are rendered outside the router); the chart is drawn on the client.

export interface BaselineEvidenceRow {
  id: number;
  name: string;
  status: BaselineStatus;
  reason: string | null;
  countedDays: number;
  matureOn: string | null;
  earliestMaturity: string | null;
  epochStart: string | null;
  gaps: { from: string; to: string; days: number }[];
  wrongOpen: number;
  wrongTotal: number;
  /** New flow tuples per day number of the epoch (1 is its first day); days without observation are absent. */
  curve: ConvergenceSeries["points"];
}

export function gapText(gaps: BaselineEvidenceRow["gaps"]): string {
  if (gaps.length === 0) return "none";
  return gaps
    .map(
      (g) =>
        (g.from === g.to ? `${formatDate(g.from)}` : `${formatDate(g.from)} – ${formatDate(g.to)}`) + ` (${g.days} d)`
    )
    .join("; ");
}

/** The monitored conduits' baselines, one row each. */
export function BaselineTable({
  plantCode,
  rows,
  thresholds,
  timeZone,
}: {
  plantCode: string;
  rows: BaselineEvidenceRow[];
  thresholds: BaselineThresholds;
  timeZone: string;
}) {
  if (rows.length === 0) {
    return <p className="muted">No monitored conduit yet: baselines start at each monitored conduit's cutover.</p>;
  }
  return (
    <TableScroll label="Monitored conduits and their baselines">
      <table>
        <caption>
          Monitored conduits: counted days (mature at {thresholds.matureDays}, stalled at {thresholds.stallDays} if
          never mature), sensor gaps, wrong flows and maturity (days in {timeZone})
        </caption>
        <TableHead
          columns={[
            "Conduit",
            "Baseline",
            { header: "Counted days", numeric: true },
            "Sensor gaps",
            { header: "Wrong flows", numeric: true },
            "Maturity",
          ]}
        />
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">
                <a href={`/plants/${plantCode}/conduits/${row.id}#baseline`}>{row.name}</a>
              </th>
              <td>
                <BaselineStatusBadge status={row.status} />
                {row.status === "none" && row.reason ? <div className="muted">{row.reason}</div> : null}
              </td>
              <td className="num">{countedDaysText(row, thresholds)}</td>
              <td>{gapText(row.gaps)}</td>
              <td className="num">
                {row.wrongTotal === 0 ? (
                  "0"
                ) : (
                  <a href={`/plants/${plantCode}/violations`}>{`${row.wrongOpen} open of ${row.wrongTotal}`}</a>
                )}
              </td>
              <td>{maturityText(row)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** The numbers behind the convergence chart, a row per day of the longest epoch, folded away. */
export function ConvergenceNumbers({ rows }: { rows: BaselineEvidenceRow[] }) {
  const charted = rows.filter((r) => r.curve.length > 0);
  if (charted.length === 0) return <p className="muted">No observations in any current epoch yet.</p>;
  const longest = Math.max(0, ...charted.map((r) => r.curve.at(-1)?.dayNumber ?? 0));
  const byDay = charted.map((r) => new Map(r.curve.map((p) => [p.dayNumber, p.newTuples])));
  return (
    <details>
      <summary>The numbers behind the chart</summary>
      <TableScroll label="New flow tuples per day of the epoch">
        <table className="compact" aria-describedby="convergence-title">
          <caption>New flow tuples per day of the epoch (— no observation that day)</caption>
          <TableHead columns={["Day", ...charted.map((r) => ({ header: r.name, numeric: true }))]} />
          <tbody>
            {Array.from({ length: longest }, (_, i) => i + 1).map((dayNumber) => (
              <tr key={dayNumber}>
                <th scope="row">{dayNumber}</th>
                {byDay.map((days, i) => (
                  <td className="num" key={charted[i]!.id}>
                    {days.get(dayNumber) ?? "—"}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </details>
  );
}

/** The convergence chart, drawn once the page runs on the client (the numbers are beside it in any case). */
export function ConvergenceChartOnClient({ rows }: { rows: BaselineEvidenceRow[] }) {
  const hydrated = useHydrated();
  const series = rows
    .filter((row) => row.curve.length > 0)
    .map((row): ConvergenceSeries => ({ conduit: row.name, points: row.curve }));
  if (!hydrated || !ConvergenceChart || series.length === 0) return null;
  return <ConvergenceChart label="New flow tuples per day of each conduit's baseline epoch" series={series} />;
}
