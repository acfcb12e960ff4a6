import type { ReactNode } from "react";
import { Link } from "@remix-run/react";
import { TableHead } from "~/components/DataTable";
import { BaselineStatusBadge } from "~/components/BaselineBadge";
import { ConvergenceChart } from "~/components/ConvergenceChart.client";
import { countedDaysText, type BaselineStatus, type BaselineThresholds } from "~/domain/baseline";
import { formatDate } from "~/domain/time";
import { useHydrated } from "~/utils/hydrated";

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
  curve: { day: string; dayNumber: number; newTuples: number; coverage: number }[];
}

function gapText(gaps: BaselineEvidenceRow["gaps"]): string {
  if (gaps.length === 0) return "none";
  return gaps
    .map(
      (g) =>
        (g.from === g.to ? `${formatDate(g.from)}` : `${formatDate(g.from)} – ${formatDate(g.to)}`) + ` (${g.days} d)`
    )
    .join("; ");
}

/**
 * The plant's passive baselines: per monitored conduit, counted days toward maturity, sensor gaps, wrong flows and
 * the earliest maturity date, then the convergence curve (new flow tuples per day of the epoch) as a chart and as
 * the table of the same numbers.
 */
export function BaselineEvidence({
  plantCode,
  rows,
  thresholds,
  timeZone,
  children,
}: {
  plantCode: string;
  /** What the page says of the rest of the evidence (wrong flows, staged hosts), under the heading. */
  children?: ReactNode;
  rows: BaselineEvidenceRow[];
  thresholds: BaselineThresholds;
  timeZone: string;
}) {
  const hydrated = useHydrated();
  const charted = rows.filter((r) => r.curve.length > 0);
  const longest = Math.max(0, ...charted.map((r) => r.curve.at(-1)?.dayNumber ?? 0));
  return (
    <section className="panel" aria-labelledby="baseline-title" id="baseline">
      <h2 id="baseline-title">Passive baselines</h2>
      {children}
      {rows.length === 0 ? (
        <p className="muted">No monitored conduit yet: baselines start at each monitored conduit's cutover.</p>
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <caption>
                Monitored conduits: counted days (mature at {thresholds.matureDays}, stalled at {thresholds.stallDays}{" "}
                if never mature), sensor gaps, wrong flows and maturity (days in {timeZone})
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
                      <Link to={`/plants/${plantCode}/conduits/${row.id}#baseline`}>{row.name}</Link>
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
                        <Link
                          to={`/plants/${plantCode}/violations`}
                        >{`${row.wrongOpen} open of ${row.wrongTotal}`}</Link>
                      )}
                    </td>
                    <td>
                      {row.matureOn
                        ? `mature since ${formatDate(row.matureOn)}`
                        : row.earliestMaturity
                        ? `earliest ${formatDate(row.earliestMaturity)}`
                        : "—"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3 id="convergence-title">Convergence: new flow tuples per day</h3>
          {charted.length === 0 ? (
            <p className="muted">No observations in any current epoch yet.</p>
          ) : (
            <>
              {hydrated && ConvergenceChart ? (
                <ConvergenceChart
                  label="New flow tuples per day of each conduit's baseline epoch"
                  series={charted.map((r) => ({ conduit: r.name, points: r.curve }))}
                />
              ) : null}
              <details>
                <summary>The numbers behind the chart</summary>
                <div className="table-wrap">
                  <table className="compact" aria-describedby="convergence-title">
                    <caption>New flow tuples per day of the epoch (— no observation that day)</caption>
                    <TableHead columns={["Day", ...charted.map((r) => ({ header: r.name, numeric: true }))]} />
                    <tbody>
                      {Array.from({ length: longest }, (_, i) => i + 1).map((dayNumber) => (
                        <tr key={dayNumber}>
                          <th scope="row">{dayNumber}</th>
                          {charted.map((r) => {
                            const point = r.curve.find((p) => p.dayNumber === dayNumber);
                            return (
                              <td
                                className="num"
                                key={r.id}
                                title={point ? `${point.day}, coverage ${point.coverage.toFixed(2)}` : undefined}
                              >
                                {point ? point.newTuples : "—"}
                              </td>
                            );
                          })}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
            </>
          )}
        </>
      )}
    </section>
  );
}
