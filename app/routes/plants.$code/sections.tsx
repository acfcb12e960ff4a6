import { useLoaderData } from "@remix-run/react";
import { DataTable, type Column } from "~/components/DataTable";
import { DesignFindings } from "~/components/DesignFindings";
import { PlantDiagramFigure } from "~/components/PlantDiagramFigure";
import type { DesignFinding } from "~/domain/design-review";
import type { DiagramInput } from "~/domain/diagram-layout";
import { PlantHistory } from "~/components/PlantHistory";
import type { HistoryEntry } from "~/domain/plant-history";
import { phaseIndex } from "~/domain/phase";
import { formatDate } from "~/domain/time";
import { humanize, labelFor, PHASE_LABELS, PHASES, ZONE_KIND_LABELS } from "~/domain/vocabulary";
import type { ZoneSummary as Zone } from "~/models/plants.server";
import { AssetBreakdownTable } from "./AssetBreakdown";
import { ConduitsTable, type ConduitRow } from "./ConduitsTable";
import type { loader } from "./route";

// The plant page's sections other than the gates, the ownership split and the evidence. All but the phases are the
// same for every reader who sees the plant as much (in full or as a summary): the page renders them once per change
// of the plant (shared.server.tsx), outside the router, so their links are plain anchors.

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
function zoneColumns(plantCode: string, full: boolean): Column<Zone>[] {
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
          <a href={`/plants/${plantCode}/assets?zone=${zone.id}#assets`}>{count(zone.assetCount)}</a>
        ) : (
          count(zone.assetCount)
        ),
    },
  ];
}

/** Zones and conduits: the plant's segmentation as it is defined. */
export function ZonesSection({
  plantCode,
  full,
  zones,
  conduits,
  diagram,
  design,
}: {
  plantCode: string;
  full: boolean;
  zones: Zone[];
  conduits: ConduitRow[];
  diagram: DiagramInput;
  design: readonly DesignFinding[];
}) {
  const errors = design.filter((finding) => finding.severity === "error").length;
  const warnings = design.length - errors;
  return (
    <section className="panel" aria-labelledby="zones-title" id="zones">
      <h2 id="zones-title">Zones and conduits</h2>
      {zones.length > 0 ? (
        <details className="diagram-details">
          <summary>The zones and conduits as a diagram</summary>
          <PlantDiagramFigure plantCode={plantCode} diagram={diagram} full={full} size="fit">
            <a href={`/plants/${plantCode}/diagram`}>The diagram large, its legend and downloads →</a>
          </PlantDiagramFigure>
        </details>
      ) : null}
      <h3>Zones ({zones.length})</h3>
      {zones.length === 0 ? (
        <p className="muted">No zones are defined yet.</p>
      ) : (
        <DataTable columns={zoneColumns(plantCode, full)} rows={zones} rowKey={(zone) => zone.id} />
      )}
      <h3 id="conduits-title">Conduits ({conduits.length})</h3>
      <ConduitsTable plantCode={plantCode} full={full} conduits={conduits} />
      <h3 id="design-review-title">Design review</h3>
      {design.length === 0 ? (
        <p className="muted">The design review finds nothing in these zones and conduits.</p>
      ) : (
        <details className="design-review">
          <summary>
            {count(errors)} {errors === 1 ? "error" : "errors"} and {count(warnings)}{" "}
            {warnings === 1 ? "warning" : "warnings"}: errors keep CON-COMPLETE unmet; whoever signs a conduit
            acknowledges each warning bearing on it with a reason
          </summary>
          <DesignFindings findings={design} plantCode={plantCode} />
        </details>
      )}
    </section>
  );
}

/** The assets counted by kind and zone (each count a link into the inventory), or a summary for a reader from afar. */
export function AssetsSection({
  plantCode,
  full,
  breakdown,
  zones,
  conduitCount,
  assetCount,
}: {
  plantCode: string;
  full: boolean;
  breakdown: { kind: string | null; zoneId: number | null; count: number }[];
  zones: { id: number; name: string }[];
  conduitCount: number;
  assetCount: number;
}) {
  return (
    <section className="panel" aria-labelledby="assets-title" id="assets">
      <h2 id="assets-title">Assets ({count(assetCount)})</h2>
      {full ? (
        <>
          <p>
            <a href={`/plants/${plantCode}/assets`}>The asset inventory: search, sort, import →</a>
          </p>
          <details>
            <summary>Assets by kind and zone</summary>
            <AssetBreakdownTable plantCode={plantCode} breakdown={breakdown} zones={zones} total={assetCount} />
          </details>
        </>
      ) : (
        <>
          <p>
            {count(assetCount)} assets in {zones.length} zones and {conduitCount} conduits.
          </p>
          <p className="muted">
            You are not assigned to this plant, so its inventory and signoff details are not shown.
          </p>
        </>
      )}
    </section>
  );
}

/** One outage window to come, as the plant page names it. */
export interface NextWindow {
  id: number;
  title: string;
  kind: string;
  status: string;
  localRange: string;
  changes: number;
}

/** The next outage windows of the plant, and a link to all of them. */
export function WindowsSection({ plantCode, windows }: { plantCode: string; windows: NextWindow[] }) {
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
        <a href={`/plants/${plantCode}/windows`}>Outage windows of {plantCode} →</a>
      </p>
      <p>
        <a href={`/plants/${plantCode}/stops`}>Production stops of {plantCode} and their reviews →</a>
      </p>
    </section>
  );
}

/** The newest entries of the plant's history, for those who see the plant in full (null for the others). */
export function HistorySection({
  plantCode,
  timeZone,
  recent,
}: {
  plantCode: string;
  timeZone: string;
  recent: { entries: HistoryEntry[]; total: number } | null;
}) {
  return (
    <section className="panel" aria-labelledby="history-title" id="history">
      <h2 id="history-title">Recent history</h2>
      {recent === null ? (
        <p className="muted">You are not assigned to this plant, so who signed what is not shown.</p>
      ) : (
        <>
          {recent.entries.length === 0 ? (
            <p className="muted">Nothing has happened at this plant yet.</p>
          ) : (
            <PlantHistory entries={recent.entries} timeZone={timeZone} />
          )}
          <p>
            <a href={`/plants/${plantCode}/history`}>The whole history ({count(recent.total)} entries) →</a>
          </p>
        </>
      )}
    </section>
  );
}
