import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { ActForm } from "~/components/forms/ActForm";
import { Confirmation } from "~/components/forms/Confirmation";
import { Field } from "~/components/forms/Field";
import { CutoverImpactList } from "~/components/CutoverImpactList";
import { DesignFindings } from "~/components/DesignFindings";
import { SignoffHistory, SignoffParts } from "~/components/SignoffParts";
import { acknowledgementField, warningsOf } from "~/domain/acknowledgements";
import { DIRECTION_ARROWS, flowLabel, formatFlow } from "~/domain/conduits";
import { acceptanceRefusals, wiringRefusals } from "~/domain/alerting";
import { can } from "~/domain/permissions";
import { controlOf } from "~/domain/refusals";
import { shownHistory, signControl, type SignoffPart } from "~/domain/signoffs";
import { CONTROL_TYPE_LABELS, labelFor } from "~/domain/vocabulary";
import {
  conduitSignoffStates,
  conduitSigningFacts,
  currentAlertWiring,
  listDetectionRules,
  listConduitDetails,
  ownerCandidates,
} from "~/models/conduits.server";
import { loadSettings } from "~/models/baseline-settings.server";
import { openCutoverImpacts } from "~/models/cutover-impact.server";
import { listZones } from "~/models/plants.server";
import { readinessOf } from "~/http/readiness-cache.server";
import { acceptanceSubject } from "~/models/readiness.server";
import { listAcknowledgements, listSignoffs, signerOf } from "~/models/signoffs.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { runIntent } from "~/utils/forms.server";
import { requirePlant } from "~/http/plant-guard.server";
import { replyFor } from "~/utils/reply";
import { BaselineAndAlerts } from "./BaselineAndAlerts";
import { DefinitionForm } from "./DefinitionForm";
import { DriftAcceptance } from "./DriftAcceptance";
import { conduitDriftPanel } from "~/models/drift.server";
import { conduitIntents } from "./intents.server";

// A conduit's page: its definition, owners and signoffs, baseline and alerting, the edit form and the signoff
// history. Its acts are in intents.server.ts; its larger panels beside this file.

async function requireConduit(params: { code?: string; conduitId?: string }) {
  const plant = await requirePlant(params.code);
  const db = getDb();
  const id = /^\d{1,9}$/.test(params.conduitId ?? "") ? Number(params.conduitId) : null;
  const [conduit] = id === null ? [] : await listConduitDetails(db, plant.id, id);
  if (!conduit) throw data(`Plant ${plant.code} has no conduit “${params.conduitId ?? ""}”.`, { status: 404 });
  return { plant, conduit };
}

export async function loader({ params, request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { plant, conduit } = await requireConduit(params);
  requirePermission(user, "read:plant", plant.id);
  const db = getDb();
  const [states, zones, candidates, [readiness], rules, wiring, settings, cutovers] = await Promise.all([
    conduitSignoffStates(db, plant.id, [conduit]),
    listZones(db, plant.id),
    ownerCandidates(db, plant.id),
    readinessOf(db, new Date().toISOString(), [plant.code]),
    listDetectionRules(db, conduit.id),
    currentAlertWiring(db, conduit.id, conduit.revision),
    loadSettings(db),
    openCutoverImpacts(db, [plant.id], { conduitId: conduit.id }),
  ]);
  const track = readiness!.conduits.find((c) => c.id === conduit.id)!;
  const drift = await conduitDriftPanel(db, user, plant.id, conduit);
  const { parts, history } = states.get(conduit.id)!;
  const conduitAcceptances = (await listSignoffs(db, plant.id, "baseline_acceptance")).filter(
    (s) => s.subjectId === conduit.id
  );
  const baseline = track.baseline;
  const { epochStart, hash } = acceptanceSubject(conduit, baseline, plant.time_zone, new Date());
  // Acceptances of this epoch's stalled baseline (an acceptance of an earlier epoch or revision no longer counts).
  const acceptances = conduitAcceptances.filter((s) => s.revokedAt === null && s.contentHash === hash);
  const acceptors = (["design_change_control", "monitoring_incident_response"] as const).map((part) => {
    const owner = part === "design_change_control" ? conduit.designOwner : conduit.monitoringOwner;
    const accepted = owner ? acceptances.find((s) => s.part === part && s.personId === owner.id) : undefined;
    return {
      part,
      owner: owner?.name ?? null,
      you: owner !== null && owner.id === user.personId,
      accepted: accepted ? { at: accepted.signedAt, note: accepted.note } : null,
    };
  });
  const wiringRefused = wiringRefusals({
    wirer: { role: user.role, personId: user.personId, permitted: can(user, "wire:alerts", plant.id) },
    conduit,
    wiring: wiring ? { at: wiring.at, by: wiring.name } : null,
    alertBlock: track.alertBlock,
  });
  const wiringControl = wiringRefused.some((r) => r.code === "not_permitted" || r.code === "not_a_person")
    ? null
    : controlOf(wiringRefused);
  const acceptRefused = acceptanceRefusals({
    signer: { role: user.role, personId: user.personId },
    conduit: {
      name: conduit.name,
      designOwnerId: conduit.designOwner?.id ?? null,
      monitoringOwnerId: conduit.monitoringOwner?.id ?? null,
    },
    baseline,
    acceptanceHash: hash,
    epochStart,
    acceptances: conduitAcceptances,
  });
  const acceptControl = acceptRefused.some((r) => r.code === "not_owner" || r.code === "not_a_person")
    ? null
    : controlOf(acceptRefused);
  const controls = Object.fromEntries(
    parts.map((state) => [
      state.part,
      signControl(
        conduitSigningFacts(conduit, state.part, signerOf(user, state.part, plant.id), history, track.findings)
      ),
    ])
  ) as Record<SignoffPart, { allowed: boolean; why: string | null }>;
  const shown = shownHistory(history, conduit.hash);
  const acknowledgements = Object.fromEntries(
    await listAcknowledgements(
      db,
      shown.map((s) => s.id)
    )
  );

  return {
    plant: { code: plant.code, name: plant.name },
    conduit,
    parts,
    history: shown,
    acknowledgements,
    findings: track.findings,
    warnings: warningsOf(track.findings).map((warning) => ({
      field: acknowledgementField(warning),
      code: warning.code,
      message: warning.message,
    })),
    historyTotal: history.length,
    canReadAudit: can(user, "read:audit", plant.id),
    controls,
    zones: zones.map((zone) => ({ id: zone.id, name: zone.name })),
    candidates,
    canEdit: can(user, "edit:conduit", plant.id),
    personId: user.personId,
    state: track.state,
    baseline: {
      status: baseline.status,
      reason: baseline.reason,
      epochStart: baseline.epochStart,
      countedDays: baseline.countedDays,
      converged: baseline.converged,
      daysSinceNovelty: baseline.daysSinceNovelty,
      matureOn: baseline.matureOn,
      earliestMaturity: baseline.earliestMaturity,
      gaps: baseline.gaps,
      recent: baseline.days.slice(-14).map((d) => ({ day: d.day, coverage: d.coverage, newTuples: d.newTuples })),
    },
    acceptors,
    thresholds: { matureDays: settings.matureDays, stallDays: settings.stallDays },
    wiring: wiring ? { at: wiring.at, by: wiring.name, siemReference: wiring.siem_reference } : null,
    wiringControl,
    acceptControl,
    rules,
    canWriteRule: can(user, "write:rule", plant.id),
    canReviewRule: can(user, "review:rule", plant.id),
    cutovers,
    drift,
  };
}

export async function action({ params, request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const { plant, conduit } = await requireConduit(params);
  requirePermission(user, "read:plant", plant.id);
  const form = Object.fromEntries(await request.formData());
  return runIntent(conduitIntents, { db: getDb(), user, plant, conduit, form }, request, form);
}

/** The owners' form's two choices: who owns each part, from whom. */
const OWNER_FIELDS = [
  { name: "designOwnerId", label: "Design & change-control owner (plant engineer)", from: "engineers" },
  { name: "monitoringOwnerId", label: "Monitoring & incident-response owner (corporate security)", from: "security" },
] as const;

export default function ConduitPage() {
  const {
    plant,
    conduit,
    parts,
    history,
    historyTotal,
    acknowledgements,
    findings,
    warnings,
    canReadAudit,
    controls,
    candidates,
    canEdit,
    personId,
    cutovers,
    drift,
  } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  // After a conflict the owners' form holds what the person chose, over the conduit as it now stands.
  const ownersReply = replyFor(reply, "assign-owners");
  const ownersDraft = ownersReply?.conflict ? ownersReply.draft : undefined;
  const designOwnerId = conduit.designOwner?.id ?? "";
  const monitoringOwnerId = conduit.monitoringOwner?.id ?? "";

  return (
    <>
      <nav aria-label="Breadcrumb" className="eyebrow">
        <Link to="/">Program</Link> / <Link to={`/plants/${plant.code}`}>{plant.code}</Link> / Conduits
      </nav>
      <div className="page-head">
        <div>
          <h1>{conduit.name}</h1>
          <p className="lede">
            {conduit.zoneAName} ↔ {conduit.zoneBName} · {plant.name} · revision {conduit.revision}
          </p>
        </div>
      </div>

      <div className="grid-2">
        <section className="panel" aria-labelledby="definition-title" id="definition">
          <h2 id="definition-title">Definition (revision {conduit.revision})</h2>
          <Confirmation intents="edit-conduit" />
          <dl className="facts">
            <dt>Endpoint A</dt>
            <dd>{conduit.zoneAName}</dd>
            <dt>Endpoint B</dt>
            <dd>{conduit.zoneBName}</dd>
            <dt>Purpose</dt>
            <dd>{conduit.purpose ?? <span className="badge warn">not written</span>}</dd>
            <dt>Control</dt>
            <dd>
              {conduit.controlType ? (
                labelFor(CONTROL_TYPE_LABELS, conduit.controlType)
              ) : (
                <span className="badge warn">none</span>
              )}
            </dd>
            <dt>Monitoring</dt>
            <dd>
              {conduit.monitored ? "Monitored" : "Not monitored"}
              {conduit.monitoringPoint ? ` at ${conduit.monitoringPoint}` : ""}
            </dd>
            {conduit.compensatingNote ? (
              <>
                <dt>Compensating note</dt>
                <dd>{conduit.compensatingNote}</dd>
              </>
            ) : null}
            <dt>Allowed flows</dt>
            <dd>
              {conduit.flows.length === 0 ? (
                <span className="badge warn">none</span>
              ) : (
                <ul className="flows">
                  {conduit.flows.map((flow) => (
                    <li key={formatFlow(flow)}>
                      <span className="mono">{flowLabel(flow)}</span> {DIRECTION_ARROWS[flow.direction]}{" "}
                      <span className="muted">{flow.description}</span>
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </dl>
        </section>

        <section className="panel" aria-labelledby="owners-title" id="owners">
          <h2 id="owners-title">Owners and signoffs (CON-OWNERS)</h2>
          <Confirmation intents={["sign", "assign-owners"]} />
          <h3>Design review</h3>
          <DesignFindings
            findings={findings}
            plantCode={plant.code}
            empty="The design review finds nothing bearing on this conduit."
          />
          <SignoffParts
            parts={parts}
            hash={conduit.hash}
            revision={conduit.revision}
            controls={controls}
            owners={{
              design_change_control: conduit.designOwner?.name ?? null,
              monitoring_incident_response: conduit.monitoringOwner?.name ?? null,
            }}
            warnings={warnings}
            acknowledgements={acknowledgements}
            reply={reply}
          />
          {canEdit ? (
            <details open={ownersReply ? true : undefined}>
              <summary>Assign owners</summary>
              <ActForm
                intent="assign-owners"
                id="assign-owners"
                reply={reply}
                hiddenFields={{
                  revision: conduit.revision,
                  seenDesignOwnerId: designOwnerId,
                  seenMonitoringOwnerId: monitoringOwnerId,
                }}
                className="stacked"
                key={`${conduit.revision}:${designOwnerId}:${monitoringOwnerId}:${ownersDraft ? "draft" : ""}`}
              >
                {OWNER_FIELDS.map(({ name, label, from }) => (
                  <Field
                    key={name}
                    label={label}
                    name={name}
                    as="select"
                    defaultValue={ownersDraft?.[name] ?? (name === "designOwnerId" ? designOwnerId : monitoringOwnerId)}
                  >
                    <option value="">Not assigned</option>
                    {candidates[from].map((person) => (
                      <option key={person.id} value={person.id}>
                        {person.name}
                      </option>
                    ))}
                  </Field>
                ))}
                <button type="submit">Save owners</button>
              </ActForm>
            </details>
          ) : null}
        </section>
      </div>

      {cutovers.length > 0 ? (
        <section className="panel" aria-labelledby="cutovers-title" id="cutovers">
          <h2 id="cutovers-title">Open cutovers and what they would block</h2>
          <CutoverImpactList plantCode={plant.code} cutovers={cutovers} />
        </section>
      ) : null}
      <DriftAcceptance drift={drift} revision={conduit.revision} reply={reply} />

      <BaselineAndAlerts reply={reply} />

      {canEdit ? <DefinitionForm reply={reply} /> : null}

      <section className="panel" aria-labelledby="history-title" id="history">
        <h2 id="history-title">Signoff history</h2>
        <Confirmation intents="revoke" />
        <SignoffHistory
          history={history}
          total={historyTotal}
          auditHref={canReadAudit ? `/plants/${plant.code}/audit` : null}
          currentHash={conduit.hash}
          personId={personId}
          acknowledgements={acknowledgements}
          reply={reply}
        />
      </section>
    </>
  );
}

// After a refusal for a stale revision, the page is read again so it shows the conduit as it now stands; after a
// refused signature too, so a warning of the design review that arose since shows with its reason field.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  Boolean(actionResult?.conflict) || actionResult?.intent === "sign" || defaultShouldRevalidate;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `${data.conduit.name} · ${data.plant.code} · Segmentation Tracker`
      : "Conduit not found · Segmentation Tracker",
  },
];
