import { Link, useLoaderData } from "@remix-run/react";
import { BaselineEvidence } from "~/components/BaselineEvidence";
import { DataTable, type Column } from "~/components/DataTable";
import { PlantHistory } from "~/components/PlantHistory";
import { phaseIndex } from "~/domain/phase";
import { formatDate, formatLocal } from "~/domain/time";
import { humanize, labelFor, PHASE_LABELS, PHASES, ZONE_KIND_LABELS } from "~/domain/vocabulary";
import { AssetBreakdownTable } from "./AssetBreakdown";
import { ConduitsTable } from "./ConduitsTable";
import type { loader } from "./route";

// The plant page's sections below the gates and the ownership split, each reading the page's data. Each long list is
// a count and a link here; its rows are on a page of its own.

type PageData = ReturnType<typeof useLoaderData<typeof loader>>;
type ZoneRow = PageData["zones"][number];

const count = (n: number) => n.toLocaleString("en-US");

/** The rollout phases as a stepper (who passed each gate, or its target), and the alerting-live forecast. */
export function PhasesSection() {
  const { plant, forecastLive, forecastReason } = useLoaderData<typeof loader>();
  const current = phaseIndex(plant.phase);
  return (
    <section aria-labelledby="phases-title" id="phases">
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
      <p className="forecast">
        Forecast alerting live: <strong>{forecastLive ? formatDate(forecastLive) : "not yet forecastable"}</strong>
        {forecastLive ? ` (target ${formatDate(plant.targets.alerting)})` : ` — ${forecastReason}`}
      </p>
    </section>
  );
}

/** The zones table: each zone's kind, level, target, ranges and its assets (a link to them in the inventory). */
function zoneColumns(plantCode: string, full: boolean): Column<ZoneRow>[] {
  return [
    { header: "Zone", cell: (zone) => zone.name },
    { header: "Kind", cell: (zone) => labelFor(ZONE_KIND_LABELS, zone.kind) },
    { header: "Purdue", num: true, cell: (zone) => zone.purdueLevel ?? "—" },
    { header: "SL-T", num: true, cell: (zone) => zone.slTarget ?? <span className="badge warn">not set</span> },
    { header: "Address ranges", className: "mono", cell: (zone) => zone.ranges.join(", ") || "—" },
    {
      header: "Assets",
      num: true,
      cell: (zone) =>
        full ? (
          <Link to={`/plants/${plantCode}/assets?zone=${zone.id}#assets`}>{count(zone.assetCount)}</Link>
        ) : (
          count(zone.assetCount)
        ),
    },
  ];
}

/** Zones and conduits: the plant's segmentation as it is defined. */
export function ZonesSection() {
  const { plant, zones, conduits, full } = useLoaderData<typeof loader>();
  return (
    <section className="panel" aria-labelledby="zones-title" id="zones">
      <h2 id="zones-title">Zones and conduits</h2>
      <h3>Zones ({zones.length})</h3>
      {zones.length === 0 ? (
        <p className="muted">No zones are defined yet.</p>
      ) : (
        <DataTable columns={zoneColumns(plant.code, full)} rows={zones} rowKey={(zone) => zone.id} />
      )}
      <h3 id="conduits-title">Conduits ({conduits.length})</h3>
      <ConduitsTable />
    </section>
  );
}

/** The evidence: the passive baselines, with the wrong flows and staged hosts counted (each list on its own page). */
export function EvidenceSection() {
  const { full, plant, violations, hostCounts, canTriage, ingestAnomalies, baselines, thresholds } =
    useLoaderData<typeof loader>();
  return (
    <div id="evidence">
      <BaselineEvidence plantCode={plant.code} rows={baselines} thresholds={thresholds} timeZone={plant.timeZone}>
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
        {full && ingestAnomalies.length > 0 ? (
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
      </BaselineEvidence>
    </div>
  );
}

/** The assets counted by kind and zone (each count a link into the inventory), or a summary for a reader from afar. */
export function AssetsSection() {
  const { full, plant, breakdown, zones, conduits, assetCount } = useLoaderData<typeof loader>();
  return (
    <section className="panel" aria-labelledby="assets-title" id="assets">
      <h2 id="assets-title">Assets ({count(assetCount)})</h2>
      {full ? (
        <>
          <p>
            <Link to={`/plants/${plant.code}/assets`}>The asset inventory: search, sort, import →</Link>
          </p>
          <details>
            <summary>Assets by kind and zone</summary>
            <AssetBreakdownTable plantCode={plant.code} breakdown={breakdown} zones={zones} total={assetCount} />
          </details>
        </>
      ) : (
        <>
          <p>
            {count(assetCount)} assets in {zones.length} zones and {conduits.length} conduits.
          </p>
          <p className="muted">
            You are not assigned to this plant, so its inventory and signoff details are not shown.
          </p>
        </>
      )}
    </section>
  );
}

/** The next outage windows of the plant, and a link to all of them. */
export function WindowsSection() {
  const { plant, windows } = useLoaderData<typeof loader>();
  return (
    <section className="panel" aria-labelledby="windows-title" id="windows">
      <h2 id="windows-title">Outage windows</h2>
      {windows.length === 0 ? (
        <p className="muted">No outage window or blackout is planned.</p>
      ) : (
        <ul className="summary-links">
          {windows.map((w) => (
            <li key={w.id}>
              <strong>{w.title}</strong> · {humanize(w.kind)}, {w.status} · {w.localRange}
              {w.changes > 0 ? ` · ${w.changes} ${w.changes === 1 ? "change" : "changes"}` : ""}
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to={`/plants/${plant.code}/windows`}>Outage windows of {plant.code} →</Link>
      </p>
    </section>
  );
}

/** The newest entries of the plant's history, for those who see the plant in full. */
export function HistorySection() {
  const { plant, recentHistory } = useLoaderData<typeof loader>();
  return (
    <section className="panel" aria-labelledby="history-title" id="history">
      <h2 id="history-title">Recent history</h2>
      {recentHistory === null ? (
        <p className="muted">You are not assigned to this plant, so who signed what is not shown.</p>
      ) : (
        <>
          {recentHistory.entries.length === 0 ? (
            <p className="muted">Nothing has happened at this plant yet.</p>
          ) : (
            <PlantHistory entries={recentHistory.entries} timeZone={plant.timeZone} />
          )}
          <p>
            <Link to={`/plants/${plant.code}/history`}>The whole history ({count(recentHistory.total)} entries) →</Link>
          </p>
        </>
      )}
    </section>
  );
}
