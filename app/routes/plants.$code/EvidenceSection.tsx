import { Link, useLoaderData } from "@remix-run/react";
import { BaselineTable, ConvergenceChartOnClient, ConvergenceNumbers } from "~/components/BaselineEvidence";
import { RenderedOnce } from "~/components/RenderedOnce";
import { formatLocal } from "~/domain/time";
import type { loader } from "./route";

const count = (n: number) => n.toLocaleString("en-US");

/**
 * The evidence: the passive baselines (their tables rendered once per change), the convergence chart drawn on the
 * client, and the wrong flows and staged hosts counted, each list on a page of its own.
 */
export function EvidenceSection() {
  const { full, plant, violations, hostCounts, canTriage, ingestAnomalies, parts, monitored } =
    useLoaderData<typeof loader>();
  return (
    <div id="evidence">
      <section className="panel" aria-labelledby="baseline-title" id="baseline">
        <h2 id="baseline-title">Passive baselines</h2>
        {full && violations && hostCounts ? (
          <ul className="summary-links inline">
            <li>
              <Link to={`/plants/${plant.code}/violations`}>
                Wrong flows: {count(violations.open)} open of {count(violations.total)} →
              </Link>
            </li>
            <li>
              <Link to={`/plants/${plant.code}/hosts`}>
                Staged hosts to triage: {count(hostCounts.open)}
                {hostCounts.escalated > 0 ? ` (${count(hostCounts.escalated)} escalated)` : ""}
                {hostCounts.transient > 0 ? `; ${count(hostCounts.transient)} known-transient` : ""} →
              </Link>
            </li>
            {canTriage && hostCounts.open > 1 ? (
              <li>
                <Link to={`/plants/${plant.code}/triage`}>Triage several hosts at once →</Link>
              </li>
            ) : null}
          </ul>
        ) : null}
        {ingestAnomalies.length > 0 ? (
          <div className="notice" role="status" id="ingest-anomalies">
            <strong>Scan or spoofed sources suspected.</strong> One file may stage {ingestAnomalies[0]!.cap} new hosts
            and record {ingestAnomalies[0]!.cap} new wrong flows; these ingests saw more, and the rest were not created:
            <ul>
              {ingestAnomalies.map((a) => (
                <li key={a.id}>
                  {a.label ?? "An ingest"}, {formatLocal(a.finishedAt, plant.timeZone)}: {a.newHosts} hosts missing from
                  the inventory ({a.stagedHosts} staged), {a.newWrongFlows} new wrong flows ({a.recordedWrongFlows}{" "}
                  recorded).
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <RenderedOnce of={parts.baselines} part="baselines" className="rendered">
          <BaselineTable {...parts.baselines} />
        </RenderedOnce>
        {monitored > 0 ? (
          <>
            <h3 id="convergence-title">Convergence: new flow tuples per day</h3>
            <ConvergenceChartOnClient rows={parts.numbers.rows} />
            <RenderedOnce of={parts.numbers} part="numbers" className="rendered">
              <ConvergenceNumbers {...parts.numbers} />
            </RenderedOnce>
          </>
        ) : null}
      </section>
    </div>
  );
}
