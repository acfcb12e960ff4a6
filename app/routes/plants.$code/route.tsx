import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { DataTable, type Column } from "~/components/DataTable";
import { IgnoredParams } from "~/components/IgnoredParams";
import { PhaseBadge } from "~/components/PhaseBadge";
import { BaselineEvidence, type BaselineEvidenceRow } from "~/components/BaselineEvidence";
import { StagedHosts, Violations } from "~/components/EvidenceTriage";
import { GatesPanel, type GateControls } from "~/components/GatesPanel";
import { parseChoice, parseId, parseSearch, parseSort, requestedWindow } from "~/domain/listing";
import { phaseIndex, targetsOf } from "~/domain/phase";
import { passRefusals } from "~/domain/gates";
import { can } from "~/domain/permissions";
import { controlOf } from "~/domain/refusals";
import { type SIGNOFF_PARTS, shownHistory, signControl } from "~/domain/signoffs";
import { formatDate, formatLocal, localClock } from "~/domain/time";
import {
  ASSET_KINDS,
  ASSET_STATUSES,
  CRITICALITIES,
  labelFor,
  PHASE_LABELS,
  PHASES,
  ZONE_KIND_LABELS,
} from "~/domain/vocabulary";
import {
  ASSET_SORT_KEYS,
  assetBreakdown,
  countAssets,
  listAssets,
  listZones,
  type AssetQuery,
} from "~/models/plants.server";
import { conduitSignoffStates, listConduitDetails } from "~/models/conduits.server";
import { listIngestAnomalies } from "~/models/evidence.server";
import { loadSettings } from "~/models/readiness.server";
import { readinessOf } from "~/http/readiness-cache.server";
import { countStagedHosts, countViolations, listStagedHosts, listViolations } from "~/models/triage.server";
import { getOwnershipSplit, signerOf, splitSubject } from "~/models/signoffs.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { runIntent } from "~/utils/forms.server";
import { requirePlant } from "~/http/plant-guard.server";
import { AssetBreakdownTable, AssetsPanel } from "./AssetsPanel";
import { ConduitsPanel } from "./ConduitsPanel";
import { importAssetsIntent, plantIntents } from "./intents.server";
import { OwnershipPanel } from "./OwnershipPanel";
import { PlantHistory } from "~/components/PlantHistory";
import { plantHistorySlice } from "~/http/plant-history.server";

// The plant page: phases, readiness gates, the ownership split, zones, conduits, baseline evidence, triage and the
// asset inventory. Its acts are in intents.server.ts; its larger panels beside this file.

const PAGE_SIZE = 50;
/** Staged hosts and wrong flows each carry their own forms, so they are paged in smaller pages than assets. */
const TRIAGE_PAGE_SIZE = 25;
/** The newest history entries the page shows; the rest are on the history page. */
const RECENT_HISTORY = 5;

export async function loader({ params, request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "read:program");
  const plant = await requirePlant(params.code);
  const db = getDb();
  // Plant engineers see their own plants in full and the others as a summary.
  const full = can(user, "read:plant", plant.id);

  const search = new URL(request.url).searchParams;
  const ignored: string[] = [];
  const [zones, conduitDetails, breakdown, split] = await Promise.all([
    listZones(db, plant.id),
    listConduitDetails(db, plant.id),
    assetBreakdown(db, plant.id),
    getOwnershipSplit(db, plant.id),
  ]);
  const now = new Date();
  const [conduitStates, [readiness]] = await Promise.all([
    conduitSignoffStates(db, plant.id, conduitDetails),
    readinessOf(db, now.toISOString(), [plant.code]),
  ]);
  const conduits = conduitDetails.map((conduit) => {
    const track = readiness!.conduits.find((c) => c.id === conduit.id)!;
    return {
      ...conduit,
      parts: conduitStates.get(conduit.id)?.parts ?? [],
      state: track.state,
      baseline: {
        status: track.baseline.status,
        countedDays: track.baseline.countedDays,
        matureOn: track.baseline.matureOn,
        earliestMaturity: track.baseline.earliestMaturity,
      },
    };
  });
  const [settings, hostCounts, violationCounts] = await Promise.all([
    loadSettings(db),
    countStagedHosts(db, plant.id),
    countViolations(db, plant.id),
  ]);
  const thresholds = { matureDays: settings.matureDays, stallDays: settings.stallDays };
  // Who signed what is the plant's detail, shown to those who see the plant in full.
  const recentHistory = full
    ? await plantHistorySlice(plant, readiness!, thresholds, { offset: 0, limit: RECENT_HISTORY })
    : null;
  const baselines: BaselineEvidenceRow[] = conduitDetails
    .filter((conduit) => conduit.monitored)
    .map((conduit) => {
      const { baseline } = readiness!.conduits.find((c) => c.id === conduit.id)!;
      const wrong = violationCounts.get(conduit.id) ?? { total: 0, open: 0 };
      const first = baseline.epochStart ? Date.parse(`${baseline.epochStart}T00:00:00Z`) : 0;
      return {
        id: conduit.id,
        name: conduit.name,
        status: baseline.status,
        reason: baseline.reason,
        countedDays: baseline.countedDays,
        matureOn: baseline.matureOn,
        earliestMaturity: baseline.earliestMaturity,
        epochStart: baseline.epochStart,
        gaps: baseline.gaps,
        wrongOpen: wrong.open,
        wrongTotal: wrong.total,
        curve: baseline.days.map((d) => ({
          day: d.day,
          dayNumber: Math.round((Date.parse(`${d.day}T00:00:00Z`) - first) / 86_400_000) + 1,
          newTuples: d.newTuples,
          coverage: d.coverage,
        })),
      };
    });
  const gateControls: GateControls = {
    canTick: can(user, "tick:criterion", plant.id),
    canWaive: can(user, "waive:criterion", plant.id),
    pass: Object.fromEntries(
      readiness!.gates.map((gate) => {
        const refusals = passRefusals({
          passer: { role: user.role, permitted: can(user, "pass:gate", plant.id) },
          plantCode: plant.code,
          phase: gate.phase,
          gates: readiness!.gates,
        });
        // No control for a role that never passes gates, nor for a gate already passed.
        if (refusals.some((r) => r.code === "not_permitted" || r.code === "passed")) return [gate.phase, null];
        return [gate.phase, controlOf(refusals)];
      })
    ) as GateControls["pass"],
  };
  const splitControls = Object.fromEntries(
    split.parts.map((state) => [
      state.part,
      signControl({
        part: state.part,
        signer: signerOf(user, state.part, plant.id),
        subject: splitSubject({
          code: plant.code,
          ownership_split: split.text,
          ownership_split_revision: split.revision,
        }),
        signoffs: split.history,
      }),
    ])
  ) as Record<(typeof SIGNOFF_PARTS)[number], { allowed: boolean; why: string | null }>;

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
  const total = await countAssets(db, plant.id, {
    ...filters,
    sort,
    dir,
    offset: 0,
    limit: PAGE_SIZE,
  });
  const window = requestedWindow(search, ignored, total, PAGE_SIZE);
  const assets = await listAssets(db, plant.id, {
    ...filters,
    sort,
    dir,
    offset: window.offset,
    limit: window.limit,
  });

  const violationTotal = [...violationCounts.values()].reduce((sum, c) => sum + c.total, 0);
  const hostsWindow = requestedWindow(search, ignored, hostCounts.open, TRIAGE_PAGE_SIZE, "hostsPage");
  const transientWindow = requestedWindow(search, ignored, hostCounts.transient, TRIAGE_PAGE_SIZE, "transientPage");
  const violationsWindow = requestedWindow(search, ignored, violationTotal, TRIAGE_PAGE_SIZE, "violationsPage");
  const [stagedHosts, transientHosts, violations, ingestAnomalies] = full
    ? await Promise.all([
        listStagedHosts(db, plant.id, { transient: false, ...hostsWindow }),
        listStagedHosts(db, plant.id, { transient: true, ...transientWindow }),
        listViolations(db, plant.id, violationsWindow),
        listIngestAnomalies(db, plant.id),
      ])
    : [[], [], [], []];

  return {
    full,
    gates: readiness!.gates,
    gateControls,
    forecastLive: readiness!.forecastLive,
    forecastReason: readiness!.forecastReason,
    personId: user.personId,
    canEditSplit: can(user, "edit:plant", plant.id),
    canReadAudit: can(user, "read:audit", plant.id),
    canTriage: can(user, "triage:asset", plant.id),
    canImport: can(user, "import:assets", plant.id),
    canAcknowledge: can(user, "acknowledge:violation", plant.id),
    baselines,
    ingestAnomalies,
    thresholds,
    recentHistory,
    stagedHosts: { rows: stagedHosts, window: hostsWindow, counts: hostCounts },
    transientHosts: { rows: transientHosts, window: transientWindow },
    violations: {
      rows: violations,
      window: violationsWindow,
      total: violationTotal,
      open: [...violationCounts.values()].reduce((sum, c) => sum + c.open, 0),
    },
    split: {
      ...split,
      history: full ? shownHistory(split.history, split.hash) : [],
      historyTotal: full ? split.history.length : 0,
    },
    splitControls,
    plant: {
      code: plant.code,
      name: plant.name,
      site: plant.site,
      region: plant.region,
      timeZone: plant.time_zone,
      phase: plant.phase,
      targets: targetsOf(plant),
      passes: plant.passes.map((pass) => ({
        phase: pass.phase,
        passedAt: formatLocal(pass.passed_at, plant.time_zone),
        passedBy: pass.passed_by_name,
      })),
    },
    clock: localClock(now, plant.time_zone),
    zones,
    conduits,
    breakdown: full ? breakdown : [],
    assetCount: breakdown.reduce((sum, cell) => sum + cell.count, 0),
    assets: full ? assets : [],
    filters: { ...filters, zone: zone === null ? "" : String(zone) },
    sort,
    dir,
    window,
    total,
    ignored,
    // When the readiness figures were computed (the server may give an answer up to five minutes old when nothing changed since).
    computedAt: readiness!.at,
  };
}

export async function action({ params, request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const plant = await requirePlant(params.code);
  // The server has read an upload part by part and refused it past 8 MB before this action runs.
  const form = Object.fromEntries(await request.formData());
  const ctx = { db: getDb(), user, plant };
  if (form.intent === "import-assets") return importAssetsIntent(ctx, form);
  return runIntent(plantIntents, ctx, request, form);
}

type ZoneRow = ReturnType<typeof useLoaderData<typeof loader>>["zones"][number];

/** The zones table: each zone's kind, level, target, ranges and its assets (a link to them in the inventory). */
const ZONE_COLUMNS: readonly Column<ZoneRow>[] = [
  { header: "Zone", cell: (zone) => zone.name },
  { header: "Kind", cell: (zone) => labelFor(ZONE_KIND_LABELS, zone.kind) },
  { header: "Purdue", num: true, cell: (zone) => zone.purdueLevel ?? "—" },
  { header: "SL-T", num: true, cell: (zone) => zone.slTarget ?? <span className="badge warn">not set</span> },
  { header: "Address ranges", className: "mono", cell: (zone) => zone.ranges.join(", ") || "—" },
  {
    header: "Assets",
    num: true,
    cell: (zone) => <Link to={`?zone=${zone.id}#assets`}>{zone.assetCount.toLocaleString("en-US")}</Link>,
  },
];

export default function PlantPage() {
  const {
    full,
    gates,
    gateControls,
    forecastLive,
    forecastReason,
    personId,
    canEditSplit,
    canReadAudit,
    canTriage,
    canAcknowledge,
    baselines,
    ingestAnomalies,
    thresholds,
    recentHistory,
    stagedHosts,
    transientHosts,
    violations,
    split,
    splitControls,
    plant,
    clock,
    zones,
    conduits,
    breakdown,
    assetCount,
    ignored,
    computedAt,
  } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const current = phaseIndex(plant.phase);

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
          {canReadAudit ? (
            <>
              {" · "}
              <Link to={`/plants/${plant.code}/audit`}>Audit trail of {plant.code}</Link>
            </>
          ) : null}
          {" · "}
          <Link to={`/plants/${plant.code}/windows`}>Outage windows of {plant.code}</Link>
          {" · "}<Link to={`/plants/${plant.code}/review`}>Gate review, to print</Link>
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
        <p className="forecast">
          Forecast alerting live: <strong>{forecastLive ? formatDate(forecastLive) : "not yet forecastable"}</strong>
          {forecastLive ? ` (target ${formatDate(plant.targets.alerting)})` : ` — ${forecastReason}`}
        </p>
      </section>

      <GatesPanel
        plantCode={plant.code}
        gates={gates}
        currentPhase={plant.phase}
        controls={gateControls}
        reply={reply}
      />

      <OwnershipPanel
        plantCode={plant.code}
        split={split}
        controls={splitControls}
        canEdit={canEditSplit}
        full={full}
        canReadAudit={canReadAudit}
        personId={personId}
        reply={reply}
      />

      <div className="stack">
        <section className="panel" aria-labelledby="zones-title">
          <h2 id="zones-title">Zones ({zones.length})</h2>
          {zones.length === 0 ? (
            <p className="muted">No zones are defined yet.</p>
          ) : (
            <DataTable columns={ZONE_COLUMNS} rows={zones} rowKey={(zone) => zone.id} />
          )}
        </section>

        {full ? (
          <section className="panel" aria-labelledby="breakdown-title">
            <h2 id="breakdown-title">Assets by kind and zone</h2>
            <AssetBreakdownTable breakdown={breakdown} zones={zones} total={assetCount} />
          </section>
        ) : (
          <section className="panel" aria-labelledby="summary-title">
            <h2 id="summary-title">Summary</h2>
            <p>
              {assetCount.toLocaleString("en-US")} assets in {zones.length} zones and {conduits.length} conduits.
            </p>
            <p className="muted">
              You are not assigned to this plant, so its inventory and signoff details are not shown.
            </p>
          </section>
        )}
      </div>

      <ConduitsPanel />

      <BaselineEvidence plantCode={plant.code} rows={baselines} thresholds={thresholds} timeZone={plant.timeZone} />

      {recentHistory ? (
        <section className="panel" aria-labelledby="recent-history-title" id="recent-history">
          <h2 id="recent-history-title">Recent history</h2>
          {recentHistory.entries.length === 0 ? (
            <p className="muted">Nothing has happened at this plant yet.</p>
          ) : (
            <PlantHistory entries={recentHistory.entries} timeZone={plant.timeZone} />
          )}
          <p>
            <Link to={`/plants/${plant.code}/history`}>
              The whole history ({recentHistory.total.toLocaleString("en-US")} entries) →
            </Link>
          </p>
        </section>
      ) : null}

      {ingestAnomalies.length > 0 ? (
        <div className="notice" role="status" id="ingest-anomalies">
          <strong>Scan or spoofed sources suspected.</strong> One file may stage {ingestAnomalies[0]!.cap} new hosts and
          record {ingestAnomalies[0]!.cap} new wrong flows; these ingests saw more, and the rest were not created:
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

      {full ? (
        <Violations violations={violations} timeZone={plant.timeZone} canAcknowledge={canAcknowledge} reply={reply} />
      ) : null}

      {full ? (
        <StagedHosts
          hosts={stagedHosts}
          transient={transientHosts}
          zones={zones.map((zone) => ({ id: zone.id, name: zone.name }))}
          timeZone={plant.timeZone}
          canTriage={canTriage}
          reply={reply}
        />
      ) : null}

      {full ? <AssetsPanel reply={reply} /> : null}
    </>
  );
}

// After a refusal for a stale revision, the page is read again so it shows the split as it now stands.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  Boolean(actionResult?.conflict) || defaultShouldRevalidate;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `${data.plant.code} ${data.plant.name} · Segmentation Tracker`
      : "Plant not found · Segmentation Tracker",
  },
];
