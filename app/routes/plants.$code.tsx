import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { z } from "~/utils/zod";
import { IgnoredParams } from "~/components/IgnoredParams";
import { Pager } from "~/components/Pager";
import { PhaseBadge } from "~/components/PhaseBadge";
import { AssetImportForm, type ImportActionData } from "~/components/AssetImportForm";
import { BaselineBadge } from "~/components/BaselineBadge";
import { BaselineEvidence, type BaselineEvidenceRow } from "~/components/BaselineEvidence";
import { StagedHosts, Violations } from "~/components/EvidenceTriage";
import { FormFailure } from "~/components/FormFailure";
import { GatesPanel, type GateControls } from "~/components/GatesPanel";
import { RevisionConflictNotice } from "~/components/RevisionConflict";
import { PartBadge, SignoffHistory, SignoffParts } from "~/components/SignoffParts";
import { SortHeader } from "~/components/SortHeader";
import { parseChoice, parseId, parseSearch, parseSort, requestedWindow } from "~/domain/listing";
import { phaseIndex } from "~/domain/phase";
import { passRefusals } from "~/domain/gates";
import { can } from "~/domain/permissions";
import { controlOf } from "~/domain/refusals";
import { CHECKLIST_CODES } from "~/domain/readiness";
import { DEFAULT_OWNERSHIP_SPLIT, SIGNOFF_PARTS, shownHistory, signControl } from "~/domain/signoffs";
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
  type Phase,
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
import { passGate, revokeWaiver, tickCriterion, waiveCriterion } from "~/models/gates.server";
import { describeProblem, firstProblems } from "~/domain/asset-import";
import { importAssets } from "~/models/asset-import.server";
import { listIngestAnomalies } from "~/models/evidence.server";
import { loadSettings } from "~/models/readiness.server";
import { readinessOf } from "~/http/readiness-cache.server";
import {
  acknowledgeViolation,
  confirmStagedHost,
  countStagedHosts,
  countViolations,
  listStagedHosts,
  listViolations,
  triageStagedHost,
} from "~/models/triage.server";
import {
  editOwnershipSplit,
  getOwnershipSplit,
  revokeSignoff,
  signerOf,
  signOwnershipSplit,
  splitSubject,
} from "~/models/signoffs.server";
import { draftOf, revisionField } from "~/utils/revision-forms";
import { RevokeSchema, SignSchema } from "~/utils/signoff-forms";
import { attempt, invalid, refused } from "~/utils/act.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { requirePlant } from "~/http/plant-guard.server";

const PAGE_SIZE = 50;
/** Staged hosts and wrong flows each carry their own forms, so they are paged in smaller pages than assets. */
const TRIAGE_PAGE_SIZE = 25;

const SplitSchema = z.object({
  text: z
    .string()
    .trim()
    .min(40, "Write the split in full: who owns design & change control, and who owns monitoring & incident response.")
    .max(4000, "Keep the split under 4,000 characters."),
  revision: revisionField,
});

const TickSchema = z.object({
  code: z.enum(CHECKLIST_CODES, "Choose a checklist criterion."),
  note: z.string().trim().min(3, "Write a note saying what was reviewed (at least 3 characters).").max(500),
  pipelineName: z.string().trim().max(120).optional(),
  itPipelineName: z.string().trim().max(120).optional(),
  retentionDays: z.union([z.literal(""), z.coerce.number().int("Retention is a whole number of days.")]).optional(),
});
const WaiveSchema = z.object({
  code: z.string().trim().min(1, "Choose a criterion."),
  justification: z.string().trim().min(20, "Write the justification in full (at least 20 characters).").max(1000),
});
const ConfirmHostSchema = z.object({
  assetId: z.coerce.number("Choose a host.").int("Choose a host.").positive("Choose a host."),
  zoneId: z.coerce.number("Choose a zone.").int("Choose a zone.").positive("Choose a zone."),
  kind: z.enum(ASSET_KINDS, "Choose a kind."),
  name: z.string().trim().max(120, "Keep the name under 120 characters.").optional(),
});
const TriageHostSchema = z.object({
  assetId: z.coerce.number("Choose a host.").int("Choose a host.").positive("Choose a host."),
  note: z
    .string()
    .trim()
    .min(3, "Write a note (at least 3 characters).")
    .max(500, "Keep the note under 500 characters."),
});
const AcknowledgeSchema = z.object({
  violationId: z.coerce.number("Choose a violation.").int("Choose a violation.").positive("Choose a violation."),
  note: z
    .string()
    .trim()
    .min(3, "Say what the flow was and what was done (at least 3 characters).")
    .max(500, "Keep the note under 500 characters."),
});

const PassSchema = z.object({
  phase: z.enum(PHASES, "Choose a gate."),
  note: z.string().trim().max(500).optional(),
});

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
    matureDays: settings.matureDays,
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
  const intent = String(form.intent ?? "");
  const db = getDb();
  let failure;
  switch (intent) {
    case "edit-split": {
      requirePermission(user, "edit:plant", plant.id);
      const parsed = SplitSchema.safeParse(form);
      if (!parsed.success) return invalid(intent, parsed.error);
      failure = await attempt(
        intent,
        () =>
          editOwnershipSplit(db, user, {
            plantId: plant.id,
            text: parsed.data.text,
            expectedRevision: parsed.data.revision,
          }),
        draftOf(form, ["text"])
      );
      break;
    }
    case "sign": {
      const parsed = SignSchema.safeParse(form);
      if (!parsed.success) return invalid(intent, parsed.error);
      failure = await attempt(intent, () =>
        signOwnershipSplit(db, user, {
          plantId: plant.id,
          part: parsed.data.part,
          seenHash: parsed.data.hash,
          expectedRevision: parsed.data.revision,
          note: parsed.data.note || null,
        })
      );
      break;
    }
    case "revoke": {
      const parsed = RevokeSchema.safeParse(form);
      if (!parsed.success) return invalid(intent, parsed.error);
      failure = await attempt(intent, () =>
        revokeSignoff(db, user, {
          signoffId: parsed.data.signoffId,
          plantId: plant.id,
          reason: parsed.data.reason,
        })
      );
      break;
    }
    case "tick":
    case "untick": {
      const parsed = TickSchema.safeParse(form);
      if (!parsed.success) return invalid(intent, parsed.error);
      const { code, note, pipelineName, itPipelineName, retentionDays } = parsed.data;
      failure = await attempt(intent, () =>
        tickCriterion(db, user, {
          plantId: plant.id,
          code,
          ticked: intent === "tick",
          note,
          pipeline:
            code === "BAS-PIPELINE"
              ? {
                  pipelineName: pipelineName ?? "",
                  itPipelineName: itPipelineName ?? "",
                  retentionDays: retentionDays === "" || retentionDays === undefined ? NaN : retentionDays,
                }
              : undefined,
        })
      );
      break;
    }
    case "waive": {
      const parsed = WaiveSchema.safeParse(form);
      if (!parsed.success) return invalid(intent, parsed.error);
      failure = await attempt(intent, () => waiveCriterion(db, user, { plantId: plant.id, ...parsed.data }));
      break;
    }
    case "unwaive": {
      const parsed = WaiveSchema.pick({ code: true }).safeParse(form);
      if (!parsed.success) return invalid(intent, parsed.error);
      failure = await attempt(intent, () => revokeWaiver(db, user, { plantId: plant.id, code: parsed.data.code }));
      break;
    }
    case "pass-gate": {
      const parsed = PassSchema.safeParse(form);
      if (!parsed.success) return invalid(intent, parsed.error);
      failure = await attempt(intent, () =>
        passGate(db, user, { plantId: plant.id, phase: parsed.data.phase as Phase, note: parsed.data.note || null })
      );
      break;
    }
    case "confirm-host": {
      const parsed = ConfirmHostSchema.safeParse(form);
      if (!parsed.success) return invalid(intent, parsed.error);
      failure = await attempt(intent, () =>
        confirmStagedHost(db, user, { plantId: plant.id, ...parsed.data, name: parsed.data.name || undefined })
      );
      break;
    }
    case "mark-transient":
    case "escalate-host": {
      const parsed = TriageHostSchema.safeParse(form);
      if (!parsed.success) return invalid(intent, parsed.error);
      failure = await attempt(intent, () =>
        triageStagedHost(db, user, {
          plantId: plant.id,
          assetId: parsed.data.assetId,
          note: parsed.data.note,
          state: intent === "mark-transient" ? "transient" : "escalated",
        })
      );
      break;
    }
    case "acknowledge-violation": {
      const parsed = AcknowledgeSchema.safeParse(form);
      if (!parsed.success) return invalid(intent, parsed.error);
      failure = await attempt(intent, () => acknowledgeViolation(db, user, { plantId: plant.id, ...parsed.data }));
      break;
    }
    case "import-assets": {
      requirePermission(user, "import:assets", plant.id);
      const file = form.file;
      if (!(file instanceof Blob) || file.size === 0) {
        return refused(intent, 400, "Choose a CSV file to import.", { file: ["Choose a CSV file to import."] });
      }
      let text: string;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
      } catch {
        return refused(intent, 400, "The file is not UTF-8 text; export the CSV as UTF-8.", {
          file: ["The file is not UTF-8 text."],
        });
      }
      const label = "name" in file && typeof file.name === "string" ? file.name.slice(0, 120) : undefined;
      const result = await importAssets(db, user, { plantCode: plant.code, text, label });
      if (!result.ok) {
        const count = result.problems.length;
        const { listed, more } = firstProblems(result.problems);
        return refused(
          intent,
          400,
          `${count} problem${count === 1 ? "" : "s"} in the file; nothing was imported.`,
          // The first ones are listed; the rest are counted, not sent.
          { file: [...listed.map(describeProblem), ...(more > 0 ? [`… and ${more} more`] : [])] }
        );
      }
      return { intent, error: "", fieldErrors: {}, imported: result.summary };
    }
    default:
      throw data(`Unknown action “${intent.slice(0, 40)}”.`, { status: 400 });
  }
  if (failure) return failure;
  throw redirect(`/plants/${plant.code}${ANCHORS[intent] ?? "#gates"}`);
}

/** Where each act sends the browser back to. */
const ANCHORS: Record<string, string> = {
  "edit-split": "#ownership",
  sign: "#ownership",
  revoke: "#ownership",
  "confirm-host": "#staged-hosts",
  "mark-transient": "#staged-hosts",
  "escalate-host": "#staged-hosts",
  "acknowledge-violation": "#violations",
};

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
    canImport,
    canAcknowledge,
    baselines,
    ingestAnomalies,
    matureDays,
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
    assets,
    filters,
    sort,
    dir,
    window,
    total,
    ignored,
    computedAt,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<ImportActionData>();
  const current = phaseIndex(plant.phase);
  // After a conflict the split's form holds what the person wrote, beside the split as it now stands.
  const splitDraft = actionData?.intent === "edit-split" && actionData.conflict ? actionData.draft : undefined;

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

      <FormFailure failure={actionData} intents={["tick", "untick", "waive", "unwaive", "pass-gate"]} />
      <GatesPanel plantCode={plant.code} gates={gates} currentPhase={plant.phase} controls={gateControls} />

      <section className="panel" aria-labelledby="ownership-title" id="ownership">
        <h2 id="ownership-title">
          Ownership split <span className="muted">OWN-SPLIT · revision {split.revision}</span>
        </h2>
        <FormFailure
          failure={actionData?.conflict ? undefined : actionData}
          intents={["edit-split", "sign", "revoke"]}
        />
        <RevisionConflictNotice failure={actionData} intents={["edit-split", "sign"]} />
        {split.text ? (
          <blockquote className="split-text">{split.text}</blockquote>
        ) : (
          <p className="muted">No ownership split is written for this plant yet. Zoning may not start without it.</p>
        )}
        <SignoffParts parts={split.parts} hash={split.hash} revision={split.revision} controls={splitControls} />
        {canEditSplit ? (
          <details className="edit-split" open={splitDraft ? true : undefined}>
            <summary>{split.text ? "Edit the split (earlier signoffs become stale)" : "Write the split"}</summary>
            <Form method="post" className="stacked" key={`${split.revision}:${splitDraft ? "draft" : ""}`}>
              <input type="hidden" name="intent" value="edit-split" />
              <input type="hidden" name="revision" value={split.revision} />
              <label>
                Ownership split
                <textarea
                  name="text"
                  rows={5}
                  required
                  minLength={40}
                  maxLength={4000}
                  defaultValue={splitDraft?.text ?? split.text ?? DEFAULT_OWNERSHIP_SPLIT}
                  aria-invalid={actionData?.fieldErrors.text ? true : undefined}
                />
              </label>
              <button type="submit">Save as revision {split.revision + 1}</button>
            </Form>
          </details>
        ) : null}
        {full && split.history.length > 0 ? (
          <details>
            <summary>Signoff history ({split.historyTotal})</summary>
            <SignoffHistory
              history={split.history}
              total={split.historyTotal}
              auditHref={canReadAudit ? `/plants/${plant.code}/audit` : null}
              currentHash={split.hash}
              personId={personId}
            />
          </details>
        ) : null}
      </section>

      <div className="stack">
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
                      <td className="num">{zone.slTarget ?? <span className="badge warn">not set</span>}</td>
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
                  <th scope="col">Owners</th>
                  <th scope="col">Track</th>
                  <th scope="col">Baseline</th>
                </tr>
              </thead>
              <tbody>
                {conduits.map((conduit) => (
                  <tr key={conduit.id}>
                    <td>
                      <strong>
                        {full ? (
                          <Link to={`/plants/${plant.code}/conduits/${conduit.id}`}>{conduit.name}</Link>
                        ) : (
                          conduit.name
                        )}
                      </strong>
                      <div className="muted">{conduit.purpose ?? "No purpose written"}</div>
                    </td>
                    <td>
                      {conduit.zoneAName} ↔ {conduit.zoneBName}
                    </td>
                    <td>
                      {conduit.controlType ? (
                        labelFor(CONTROL_TYPE_LABELS, conduit.controlType)
                      ) : (
                        <span className="badge warn">none</span>
                      )}
                    </td>
                    <td>
                      {conduit.monitored ? (
                        <span className="badge ok">Monitored</span>
                      ) : (
                        <span className="badge">Not monitored</span>
                      )}
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
                    <td>
                      <ul className="flows">
                        {conduit.parts.map((state) => (
                          <li key={state.part}>
                            <PartBadge state={state} />{" "}
                            {(state.part === "design_change_control" ? conduit.designOwner : conduit.monitoringOwner)
                              ?.name ?? <span className="muted">unassigned</span>}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      <span className="badge">{conduit.state.replace("_", " ")}</span>
                    </td>
                    <td>
                      <BaselineBadge baseline={conduit.baseline} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <BaselineEvidence plantCode={plant.code} rows={baselines} matureDays={matureDays} timeZone={plant.timeZone} />

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
        <Violations
          violations={violations}
          timeZone={plant.timeZone}
          canAcknowledge={canAcknowledge}
          failure={actionData}
        />
      ) : null}

      {full ? (
        <StagedHosts
          hosts={stagedHosts}
          transient={transientHosts}
          zones={zones.map((zone) => ({ id: zone.id, name: zone.name }))}
          timeZone={plant.timeZone}
          canTriage={canTriage}
          failure={actionData}
        />
      ) : null}

      {full ? (
        <section className="panel" aria-labelledby="assets-title" id="assets">
          <h2 id="assets-title">Asset inventory</h2>
          {canImport ? <AssetImportForm result={actionData} /> : null}
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
                    <td>
                      {asset.kind ? (
                        labelFor(ASSET_KIND_LABELS, asset.kind)
                      ) : (
                        <span className="badge warn">unknown</span>
                      )}
                    </td>
                    <td>
                      {asset.vendor ?? <span className="badge warn">unknown</span>} {asset.model}
                    </td>
                    <td className="mono">{asset.firmware ?? "—"}</td>
                    <td className="num">{asset.install_year ?? "—"}</td>
                    <td className="mono">{asset.ip ?? "—"}</td>
                    <td className="mono">{asset.mac ?? "—"}</td>
                    <td>{asset.zone_name ?? <span className="badge warn">not placed</span>}</td>
                    <td>
                      {asset.criticality ? humanize(asset.criticality) : <span className="badge warn">not set</span>}
                    </td>
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
          <Pager
            page={window.page}
            pageCount={window.pageCount}
            total={total}
            offset={window.offset}
            shown={assets.length}
            noun="assets"
          />
        </section>
      ) : null}
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
                    {n === 0 ? (
                      <span className="muted">·</span>
                    ) : kind ? (
                      <Link to={filterHref(kind, column.key)}>{n}</Link>
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
