import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { z } from "~/utils/zod";
import { RevisionConflictNotice } from "~/components/RevisionConflict";
import { SignoffHistory, SignoffParts } from "~/components/SignoffParts";
import { DIRECTION_ARROWS, formatFlow, parseFlows } from "~/domain/conduits";
import { acceptanceRefusals, wiringRefusals } from "~/domain/alerting";
import { can } from "~/domain/permissions";
import { controlOf } from "~/domain/refusals";
import { shownHistory, signControl, type SignoffPart } from "~/domain/signoffs";
import { CONTROL_TYPE_LABELS, CONTROL_TYPES, labelFor } from "~/domain/vocabulary";
import { BaselineBadge } from "~/components/BaselineBadge";
import { formatDate } from "~/domain/time";
import {
  assignConduitOwners,
  conduitSignoffStates,
  currentAlertWiring,
  listDetectionRules,
  listConduitDetails,
  ownerCandidates,
  signConduit,
  updateConduit,
  conduitSigningFacts,
} from "~/models/conduits.server";
import { listZones } from "~/models/plants.server";
import { acceptBaseline, addDetectionRule, reviewDetectionRule, wireAlerts } from "~/models/gates.server";
import { readinessOf } from "~/http/readiness-cache.server";
import { acceptanceSubject } from "~/models/readiness.server";
import { listSignoffs, revokeSignoff, signerOf } from "~/models/signoffs.server";
import { draftOf, revisionField } from "~/utils/revision-forms";
import { RevokeSchema, SignSchema } from "~/utils/signoff-forms";
import { attempt, invalid, refused, type ActFailure } from "~/utils/act.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { requirePlant } from "~/http/plant-guard.server";

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `Keep the ${label} under ${max} characters.`)
    .optional()
    .transform((value) => (value ? value : null));

const ConduitSchema = z.object({
  name: z
    .string()
    .trim()
    .min(3, "Name the conduit (at least 3 characters).")
    .max(120, "Keep the name under 120 characters."),
  zoneAId: z.coerce.number().int().positive("Choose endpoint zone A."),
  zoneBId: z.coerce.number().int().positive("Choose endpoint zone B."),
  purpose: optionalText(500, "purpose"),
  controlType: z.union([z.enum(CONTROL_TYPES), z.literal("")]).transform((value) => (value === "" ? null : value)),
  monitored: z.literal("on").optional(),
  monitoringPoint: optionalText(200, "monitoring point"),
  flows: z.string().max(20_000, "Too many flow lines."),
  revision: revisionField,
});
const CONDUIT_FIELDS = [
  "name",
  "zoneAId",
  "zoneBId",
  "purpose",
  "controlType",
  "monitored",
  "monitoringPoint",
  "flows",
];
const ownerId = z.union([z.literal(""), z.coerce.number().int().positive()]);
const OwnersSchema = z.object({
  designOwnerId: ownerId,
  monitoringOwnerId: ownerId,
  // The owners the form showed: owners are not part of the revision, so they are checked on their own.
  seenDesignOwnerId: ownerId,
  seenMonitoringOwnerId: ownerId,
  revision: revisionField,
});

const WireSchema = z.object({
  siemReference: optionalText(200, "SIEM reference"),
  revision: revisionField,
});
const AcceptSchema = z.object({
  note: z.string().trim().min(10, "Describe the residual novelty you accept (at least 10 characters).").max(1000),
  revision: revisionField,
});
const RuleSchema = z.object({
  name: z.string().trim().min(3, "Name the rule (at least 3 characters).").max(120),
  ruleClass: z.enum(["unusual", "wrong"], "Class the rule as unusual or wrong."),
  description: optionalText(1000, "description"),
});
const ReviewSchema = z.object({ ruleId: z.coerce.number().int().positive("Choose a rule.") });

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
  const [states, zones, candidates, [readiness], rules, wiring] = await Promise.all([
    conduitSignoffStates(db, plant.id, [conduit]),
    listZones(db, plant.id),
    ownerCandidates(db, plant.id),
    readinessOf(db, new Date().toISOString(), [plant.code]),
    listDetectionRules(db, conduit.id),
    currentAlertWiring(db, conduit.id, conduit.revision),
  ]);
  const track = readiness!.conduits.find((c) => c.id === conduit.id)!;
  const { parts, history } = states.get(conduit.id)!;
  const conduitAcceptances = (await listSignoffs(db, plant.id, "baseline_acceptance")).filter(
    (s) => s.subjectId === conduit.id
  );
  const acceptances = conduitAcceptances.filter((s) => s.revokedAt === null && s.revision === conduit.revision);
  const baseline = track.baseline;
  const wiringRefused = wiringRefusals({
    wirer: { role: user.role, personId: user.personId, permitted: can(user, "wire:alerts", plant.id) },
    conduit,
    wiring: wiring ? { at: wiring.at, by: wiring.name } : null,
    alertBlock: track.alertBlock,
  });
  const wiringControl = wiringRefused.some((r) => r.code === "not_permitted" || r.code === "not_a_person")
    ? null
    : controlOf(wiringRefused);
  const { epochStart, hash } = acceptanceSubject(conduit, baseline, plant.time_zone, new Date());
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
      signControl(conduitSigningFacts(conduit, state.part, signerOf(user, state.part, plant.id), history)),
    ])
  ) as Record<SignoffPart, { allowed: boolean; why: string | null }>;

  return {
    plant: { code: plant.code, name: plant.name },
    conduit,
    parts,
    history: shownHistory(history, conduit.hash),
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
    acceptances: acceptances.map((s) => ({ name: s.personName, at: s.signedAt, note: s.note })),
    wiring: wiring ? { at: wiring.at, by: wiring.name, siemReference: wiring.siem_reference } : null,
    wiringControl,
    acceptControl,
    rules,
    canWriteRule: can(user, "write:rule", plant.id),
    canReviewRule: can(user, "review:rule", plant.id),
  };
}

export async function action({ params, request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const { plant, conduit } = await requireConduit(params);
  requirePermission(user, "read:plant", plant.id);
  const form = Object.fromEntries(await request.formData());
  const intent = String(form.intent ?? "");
  const db = getDb();
  let failure;
  switch (intent) {
    case "edit-conduit": {
      requirePermission(user, "edit:conduit", plant.id);
      const parsed = ConduitSchema.safeParse(form);
      if (!parsed.success) return invalid(intent, parsed.error);
      const flows = parseFlows(parsed.data.flows);
      if (!flows.ok) return refused(intent, 400, "Some allowed flows could not be read.", { flows: flows.errors });
      const { flows: _text, monitored, revision, ...fields } = parsed.data;
      failure = await attempt(
        intent,
        () =>
          updateConduit(
            db,
            user,
            { conduitId: conduit.id, plantId: plant.id, expectedRevision: revision },
            { ...fields, monitored: monitored === "on", flows: flows.flows }
          ),
        draftOf(form, CONDUIT_FIELDS)
      );
      break;
    }
    case "assign-owners": {
      requirePermission(user, "edit:conduit", plant.id);
      const parsed = OwnersSchema.safeParse(form);
      if (!parsed.success) return invalid(intent, parsed.error);
      const person = (id: number | "") => (id === "" ? null : id);
      failure = await attempt(
        intent,
        () =>
          assignConduitOwners(
            db,
            user,
            {
              conduitId: conduit.id,
              plantId: plant.id,
              expectedRevision: parsed.data.revision,
              expectedOwners: {
                designOwnerId: person(parsed.data.seenDesignOwnerId),
                monitoringOwnerId: person(parsed.data.seenMonitoringOwnerId),
              },
            },
            {
              designOwnerId: person(parsed.data.designOwnerId),
              monitoringOwnerId: person(parsed.data.monitoringOwnerId),
            }
          ),
        draftOf(form, ["designOwnerId", "monitoringOwnerId"])
      );
      break;
    }
    case "sign": {
      const parsed = SignSchema.safeParse(form);
      if (!parsed.success) return invalid(intent, parsed.error);
      failure = await attempt(intent, () =>
        signConduit(db, user, {
          conduitId: conduit.id,
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
        revokeSignoff(db, user, { signoffId: parsed.data.signoffId, plantId: plant.id, reason: parsed.data.reason })
      );
      break;
    }
    case "wire-alerts": {
      const parsed = WireSchema.safeParse(form);
      if (!parsed.success) return invalid(intent, parsed.error);
      failure = await attempt(intent, () =>
        wireAlerts(db, user, {
          plantId: plant.id,
          conduitId: conduit.id,
          siemReference: parsed.data.siemReference,
          expectedRevision: parsed.data.revision,
        })
      );
      break;
    }
    case "accept-baseline": {
      const parsed = AcceptSchema.safeParse(form);
      if (!parsed.success) return invalid(intent, parsed.error);
      failure = await attempt(intent, () =>
        acceptBaseline(db, user, {
          plantId: plant.id,
          conduitId: conduit.id,
          note: parsed.data.note,
          expectedRevision: parsed.data.revision,
        })
      );
      break;
    }
    case "add-rule": {
      const parsed = RuleSchema.safeParse(form);
      if (!parsed.success) return invalid(intent, parsed.error);
      failure = await attempt(intent, () =>
        addDetectionRule(db, user, { plantId: plant.id, conduitId: conduit.id, ...parsed.data })
      );
      break;
    }
    case "review-rule": {
      const parsed = ReviewSchema.safeParse(form);
      if (!parsed.success) return invalid(intent, parsed.error);
      failure = await attempt(intent, () =>
        reviewDetectionRule(db, user, { plantId: plant.id, conduitId: conduit.id, ruleId: parsed.data.ruleId })
      );
      break;
    }
    default:
      throw data(`Unknown action “${intent.slice(0, 40)}”.`, { status: 400 });
  }
  if (failure) return failure;
  throw redirect(`/plants/${plant.code}/conduits/${conduit.id}`);
}

function FieldError({ failure, field, intent }: { failure: ActFailure | undefined; field: string; intent: string }) {
  const messages = failure?.intent === intent ? failure.fieldErrors[field] : undefined;
  if (!messages?.length) return null;
  return (
    <ul className="field-error" id={`${intent}-${field}-error`}>
      {messages.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}

function BaselineAndAlerts({ failure }: { failure: ActFailure | undefined }) {
  const {
    baseline,
    state,
    acceptances,
    wiring,
    wiringControl,
    acceptControl,
    rules,
    canWriteRule,
    canReviewRule,
    conduit,
  } = useLoaderData<typeof loader>();
  return (
    <div className="grid-2">
      <section className="panel" aria-labelledby="baseline-title" id="baseline">
        <h2 id="baseline-title">Passive baseline (BAS-MATURE)</h2>
        <p>
          <BaselineBadge baseline={baseline} /> <span className="muted">· track: {state.replace("_", " ")}</span>
        </p>
        {baseline.status === "none" ? (
          <p className="muted">{baseline.reason}</p>
        ) : (
          <dl className="facts">
            <dt>Epoch</dt>
            <dd>
              from {formatDate(baseline.epochStart)} (revision {conduit.revision})
            </dd>
            <dt>Counted days</dt>
            <dd>{baseline.countedDays} of 30</dd>
            <dt>Converged</dt>
            <dd>
              {baseline.converged ? "yes" : "no"}
              {baseline.daysSinceNovelty !== null ? ` · last new flow ${baseline.daysSinceNovelty} days ago` : ""}
            </dd>
            <dt>Maturity</dt>
            <dd>
              {baseline.matureOn
                ? `mature since ${formatDate(baseline.matureOn)}`
                : baseline.earliestMaturity
                ? `earliest ${formatDate(baseline.earliestMaturity)}`
                : "—"}
            </dd>
            <dt>Sensor gaps</dt>
            <dd>
              {baseline.gaps.length === 0
                ? "none"
                : baseline.gaps
                    .map((gap) => `${formatDate(gap.from)} – ${formatDate(gap.to)} (${gap.days} days)`)
                    .join("; ")}
            </dd>
          </dl>
        )}
        {acceptances.length > 0 ? (
          <ul>
            {acceptances.map((a) => (
              <li key={a.name}>
                Accepted by {a.name} on {a.at.slice(0, 10)}: “{a.note}”
              </li>
            ))}
          </ul>
        ) : null}
        <RevisionConflictNotice failure={failure} intents={["accept-baseline"]} />
        {acceptControl ? (
          acceptControl.allowed ? (
            <Form method="post" className="stacked">
              <input type="hidden" name="intent" value="accept-baseline" />
              <input type="hidden" name="revision" value={conduit.revision} />
              <label>
                Residual novelty you accept
                <textarea name="note" rows={2} required minLength={10} maxLength={1000} />
              </label>
              <button type="submit">Accept the stalled baseline</button>
            </Form>
          ) : (
            <p className="control-why">
              <button type="button" disabled aria-describedby="accept-why">
                Accept the stalled baseline
              </button>{" "}
              <span id="accept-why" className="muted">
                {acceptControl.why}
              </span>
            </p>
          )
        ) : null}
      </section>

      <section className="panel" aria-labelledby="alerts-title" id="alerts">
        <h2 id="alerts-title">Alerting (ALR-WIRED, ALR-RULES)</h2>
        {wiring ? (
          <p>
            <span className="badge ok">Alerts wired</span> on {wiring.at.slice(0, 10)} by {wiring.by}
            {wiring.siemReference ? ` · ${wiring.siemReference}` : ""}
          </p>
        ) : null}
        <RevisionConflictNotice failure={failure} intents={["wire-alerts"]} />
        {wiringControl ? (
          wiringControl.allowed ? (
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="wire-alerts" />
              <input type="hidden" name="revision" value={conduit.revision} />
              <label>
                SIEM reference <span className="muted">(optional)</span>
                <input type="text" name="siemReference" maxLength={200} />
              </label>
              <button type="submit">Wire alerts</button>
            </Form>
          ) : !wiring ? (
            <p className="control-why">
              <button type="button" disabled aria-describedby="wire-why">
                Wire alerts
              </button>{" "}
              <span id="wire-why" className="muted">
                {wiringControl.why}
              </span>
            </p>
          ) : null
        ) : null}
        <h3>Detection rules</h3>
        {rules.length === 0 ? (
          <p className="muted">No detection rules yet.</p>
        ) : (
          <ul className="rules">
            {rules.map((rule) => (
              <li key={rule.id}>
                <span className={rule.class === "wrong" ? "badge bad" : "badge warn"}>{rule.class}</span>{" "}
                <strong>{rule.name}</strong>
                {rule.description ? <span className="muted"> — {rule.description}</span> : null}
                <div className="muted">
                  by {rule.author}
                  {rule.reviewer
                    ? ` · reviewed by ${rule.reviewer} on ${rule.reviewed_at?.slice(0, 10)}`
                    : " · not reviewed"}
                </div>
                {!rule.reviewer && canReviewRule ? (
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="review-rule" />
                    <input type="hidden" name="ruleId" value={rule.id} />
                    <button type="submit" className="secondary">
                      Mark reviewed
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {canWriteRule ? (
          <details>
            <summary>Record a detection rule</summary>
            <Form method="post" className="stacked">
              <input type="hidden" name="intent" value="add-rule" />
              <label>
                Name
                <input type="text" name="name" required minLength={3} maxLength={120} />
              </label>
              <label>
                Class
                <select name="ruleClass" defaultValue="unusual">
                  <option value="unusual">Unusual: deviation from the baseline (triage, notify)</option>
                  <option value="wrong">Wrong: policy or protocol violation (incident)</option>
                </select>
              </label>
              <label>
                Description
                <input type="text" name="description" maxLength={1000} />
              </label>
              <button type="submit">Record the rule</button>
            </Form>
          </details>
        ) : null}
      </section>
    </div>
  );
}

export default function ConduitPage() {
  const { plant, conduit, parts, history, historyTotal, canReadAudit, controls, zones, candidates, canEdit, personId } =
    useLoaderData<typeof loader>();
  const failure = useActionData<ActFailure>();
  const invalidField = (intent: string, field: string) =>
    failure?.intent === intent && failure.fieldErrors[field] ? true : undefined;
  // After a conflict the forms hold what the person wrote, over the conduit as it now stands.
  const draftFor = (intent: string) => (failure?.intent === intent && failure.conflict ? failure.draft : undefined);
  const editDraft = draftFor("edit-conduit");
  const ownersDraft = draftFor("assign-owners");
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

      {failure && !failure.conflict ? (
        <p className="form-error" role="alert">
          {failure.error}
        </p>
      ) : null}

      <div className="grid-2">
        <section className="panel" aria-labelledby="definition-title">
          <h2 id="definition-title">Definition (revision {conduit.revision})</h2>
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
            <dt>Allowed flows</dt>
            <dd>
              {conduit.flows.length === 0 ? (
                <span className="badge warn">none</span>
              ) : (
                <ul className="flows">
                  {conduit.flows.map((flow) => (
                    <li key={formatFlow(flow)}>
                      <span className="mono">
                        {flow.protocol}
                        {flow.port === null ? "" : `/${flow.port}`}
                      </span>{" "}
                      {DIRECTION_ARROWS[flow.direction]} <span className="muted">{flow.description}</span>
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </dl>
        </section>

        <section className="panel" aria-labelledby="owners-title">
          <h2 id="owners-title">Owners and signoffs (CON-OWNERS)</h2>
          <RevisionConflictNotice failure={failure} intents={["sign", "assign-owners"]} />
          <SignoffParts
            parts={parts}
            hash={conduit.hash}
            revision={conduit.revision}
            controls={controls}
            owners={{
              design_change_control: conduit.designOwner?.name ?? null,
              monitoring_incident_response: conduit.monitoringOwner?.name ?? null,
            }}
          />
          {canEdit ? (
            <details open={ownersDraft ? true : undefined}>
              <summary>Assign owners</summary>
              <Form
                method="post"
                className="stacked"
                key={`${conduit.revision}:${designOwnerId}:${monitoringOwnerId}:${ownersDraft ? "draft" : ""}`}
              >
                <input type="hidden" name="intent" value="assign-owners" />
                <input type="hidden" name="revision" value={conduit.revision} />
                <input type="hidden" name="seenDesignOwnerId" value={designOwnerId} />
                <input type="hidden" name="seenMonitoringOwnerId" value={monitoringOwnerId} />
                <label>
                  Design &amp; change-control owner (plant engineer)
                  <select
                    name="designOwnerId"
                    defaultValue={ownersDraft?.designOwnerId ?? designOwnerId}
                    aria-invalid={invalidField("assign-owners", "designOwnerId")}
                  >
                    <option value="">Not assigned</option>
                    {candidates.engineers.map((person) => (
                      <option key={person.id} value={person.id}>
                        {person.name}
                      </option>
                    ))}
                  </select>
                </label>
                <FieldError failure={failure} field="designOwnerId" intent="assign-owners" />
                <label>
                  Monitoring &amp; incident-response owner (corporate security)
                  <select
                    name="monitoringOwnerId"
                    defaultValue={ownersDraft?.monitoringOwnerId ?? monitoringOwnerId}
                    aria-invalid={invalidField("assign-owners", "monitoringOwnerId")}
                  >
                    <option value="">Not assigned</option>
                    {candidates.security.map((person) => (
                      <option key={person.id} value={person.id}>
                        {person.name}
                      </option>
                    ))}
                  </select>
                </label>
                <FieldError failure={failure} field="monitoringOwnerId" intent="assign-owners" />
                <button type="submit">Save owners</button>
              </Form>
            </details>
          ) : null}
        </section>
      </div>

      <BaselineAndAlerts failure={failure} />

      {canEdit ? (
        <section className="panel" aria-labelledby="edit-title">
          <h2 id="edit-title">Edit the definition</h2>
          <p className="muted">Saving makes revision {conduit.revision + 1}; both owners must sign it again.</p>
          <RevisionConflictNotice failure={failure} intents={["edit-conduit"]} />
          <Form method="post" className="stacked" key={`${conduit.revision}:${editDraft ? "draft" : ""}`}>
            <input type="hidden" name="intent" value="edit-conduit" />
            <input type="hidden" name="revision" value={conduit.revision} />
            <label>
              Name
              <input
                type="text"
                name="name"
                required
                maxLength={120}
                defaultValue={editDraft?.name ?? conduit.name}
                aria-invalid={invalidField("edit-conduit", "name")}
              />
            </label>
            <FieldError failure={failure} field="name" intent="edit-conduit" />
            <div className="filters">
              <label>
                Endpoint zone A
                <select
                  name="zoneAId"
                  defaultValue={editDraft?.zoneAId ?? conduit.zoneAId}
                  aria-invalid={invalidField("edit-conduit", "zoneAId")}
                >
                  {zones.map((zone) => (
                    <option key={zone.id} value={zone.id}>
                      {zone.name}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Endpoint zone B
                <select
                  name="zoneBId"
                  defaultValue={editDraft?.zoneBId ?? conduit.zoneBId}
                  aria-invalid={invalidField("edit-conduit", "zoneBId")}
                >
                  {zones.map((zone) => (
                    <option key={zone.id} value={zone.id}>
                      {zone.name}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Control type
                <select name="controlType" defaultValue={editDraft?.controlType ?? conduit.controlType ?? ""}>
                  <option value="">None yet</option>
                  {CONTROL_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {CONTROL_TYPE_LABELS[type]}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <FieldError failure={failure} field="zoneAId" intent="edit-conduit" />
            <FieldError failure={failure} field="zoneBId" intent="edit-conduit" />
            <label>
              Purpose
              <input
                type="text"
                name="purpose"
                maxLength={500}
                defaultValue={editDraft ? editDraft.purpose ?? "" : conduit.purpose ?? ""}
              />
            </label>
            <label className="checkbox">
              <input
                type="checkbox"
                name="monitored"
                defaultChecked={editDraft ? editDraft.monitored === "on" : conduit.monitored}
              />{" "}
              Monitored
            </label>
            <label>
              Monitoring point
              <input
                type="text"
                name="monitoringPoint"
                maxLength={200}
                defaultValue={editDraft ? editDraft.monitoringPoint ?? "" : conduit.monitoringPoint ?? ""}
              />
            </label>
            <label>
              Allowed flows{" "}
              <span className="muted">
                one per line: protocol port direction description, e.g. “tcp 44818 a_to_b EtherNet/IP”
              </span>
              <textarea
                name="flows"
                rows={Math.max(4, conduit.flows.length + 2)}
                className="mono"
                defaultValue={editDraft?.flows ?? conduit.flows.map(formatFlow).join("\n")}
                aria-invalid={invalidField("edit-conduit", "flows")}
              />
            </label>
            <FieldError failure={failure} field="flows" intent="edit-conduit" />
            <button type="submit">Save as revision {conduit.revision + 1}</button>
          </Form>
        </section>
      ) : null}

      <section className="panel" aria-labelledby="history-title">
        <h2 id="history-title">Signoff history</h2>
        <SignoffHistory
          history={history}
          total={historyTotal}
          auditHref={canReadAudit ? `/plants/${plant.code}/audit` : null}
          currentHash={conduit.hash}
          personId={personId}
        />
      </section>
    </>
  );
}

// After a refusal for a stale revision, the page is read again so it shows the conduit as it now stands.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  Boolean(actionResult?.conflict) || defaultShouldRevalidate;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `${data.conduit.name} · ${data.plant.code} · Segmentation Tracker`
      : "Conduit not found · Segmentation Tracker",
  },
];
