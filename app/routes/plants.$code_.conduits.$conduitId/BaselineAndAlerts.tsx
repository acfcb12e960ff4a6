import { useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { BaselineBadge } from "~/components/BaselineBadge";
import { DisabledAct } from "~/components/DisabledAct";
import { ActForm, ReplyNotice } from "~/components/forms/ActForm";
import { Confirmation } from "~/components/forms/Confirmation";
import { Field } from "~/components/forms/Field";
import { countedDaysText } from "~/domain/baseline";
import type { Control } from "~/domain/refusals";
import { PART_LABELS } from "~/domain/signoffs";
import { formatDate } from "~/domain/time";
import { replyFor } from "~/utils/reply";
import type { loader } from "./route";

/** The conduit's passive baseline (with the acceptance of a stalled one) and its alerting (wiring, detection rules). */
export function BaselineAndAlerts({ reply }: { reply: unknown }) {
  const {
    baseline,
    state,
    acceptors,
    thresholds,
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
        <Confirmation intents="accept-baseline" />
        <p>
          <BaselineBadge baseline={baseline} thresholds={thresholds} />{" "}
          <span className="muted">· track: {state.replace("_", " ")}</span>
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
            <dd>{countedDaysText(baseline, thresholds)}</dd>
            <dt>Converged</dt>
            <dd>
              {baseline.converged ? "yes" : "no"}
              {baseline.daysSinceNovelty !== null
                ? ` · last new flow ${baseline.daysSinceNovelty} ${
                    baseline.daysSinceNovelty === 1 ? "day" : "days"
                  } ago`
                : ""}
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
        {baseline.status === "stalled" || baseline.status === "accepted" ? (
          <div className="acceptance" id="acceptance">
            <h3>Joint acceptance</h3>
            <p className="muted">
              The baseline reached {thresholds.stallDays} counted days without maturing. It counts as mature once both
              owners of the conduit accept it, each with a note on the residual novelty; nobody else may.
            </p>
            <ul className="acceptors">
              {acceptors.map((a) => (
                <li key={a.part}>
                  <strong>{PART_LABELS[a.part]}</strong>:{" "}
                  {a.owner === null ? (
                    <span className="badge bad">no owner assigned</span>
                  ) : (
                    <>
                      {a.owner}
                      {a.you ? " (you)" : ""} —{" "}
                      {a.accepted ? (
                        <>
                          <span className="badge ok">accepted</span> on{" "}
                          <time dateTime={a.accepted.at}>{formatDate(a.accepted.at.slice(0, 10))}</time>
                          {a.accepted.note ? <>: “{a.accepted.note}”</> : null}
                        </>
                      ) : (
                        <span className="badge warn">has not accepted yet</span>
                      )}
                    </>
                  )}
                </li>
              ))}
            </ul>
            {acceptors.some((a) => a.owner === null) ? (
              <p className="muted">
                Assign the missing owner under “Owners and signoffs” above; then both owners accept here.
              </p>
            ) : null}
          </div>
        ) : null}
        <RevisionAct
          control={acceptControl}
          intent="accept-baseline"
          reply={reply}
          revision={conduit.revision}
          className="stacked"
          label="Accept the stalled baseline"
          whyId="accept-why"
        >
          <Field
            label="Residual novelty you accept"
            name="note"
            as="textarea"
            rows={2}
            required
            minLength={10}
            maxLength={1000}
          />
        </RevisionAct>
      </section>

      <section className="panel" aria-labelledby="alerts-title" id="alerts">
        <h2 id="alerts-title">Alerting (ALR-WIRED, ALR-RULES)</h2>
        <Confirmation intents={["wire-alerts", "add-rule", "review-rule"]} />
        {wiring ? (
          <p>
            <span className="badge ok">Alerts wired</span> on {wiring.at.slice(0, 10)} by {wiring.by}
            {wiring.siemReference ? ` · ${wiring.siemReference}` : ""}
          </p>
        ) : null}
        <RevisionAct
          control={wiringControl}
          intent="wire-alerts"
          reply={reply}
          revision={conduit.revision}
          className="inline-form"
          label="Wire alerts"
          whyId="wire-why"
          explain={!wiring}
        >
          <Field label="SIEM reference" optional name="siemReference" type="text" maxLength={200} />
        </RevisionAct>
        <h3>Detection rules</h3>
        <ReplyNotice
          reply={reply}
          intent={["add-rule", "review-rule"]}
          id={(r) => (r.intent === "add-rule" ? "add-rule" : `review-rule-${r.target}`)}
          offered={(r) =>
            r.intent === "add-rule"
              ? canWriteRule
              : canReviewRule && rules.some((rule) => String(rule.id) === r.target && !rule.reviewer)
          }
        />
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
                  <ActForm
                    intent="review-rule"
                    target={rule.id}
                    id={`review-rule-${rule.id}`}
                    reply={reply}
                    hiddenFields={{ ruleId: rule.id }}
                    className="inline-form"
                  >
                    <button type="submit" className="secondary">
                      Mark reviewed
                    </button>
                  </ActForm>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {canWriteRule ? (
          <details open={replyFor(reply, "add-rule") ? true : undefined}>
            <summary>Record a detection rule</summary>
            <ActForm intent="add-rule" id="add-rule" reply={reply} className="stacked">
              <Field label="Name" name="name" type="text" required minLength={3} maxLength={120} />
              <Field label="Class" name="ruleClass" as="select" defaultValue="unusual">
                <option value="unusual">Unusual: deviation from the baseline (triage, notify)</option>
                <option value="wrong">Wrong: policy or protocol violation (incident)</option>
              </Field>
              <Field label="Description" name="description" type="text" maxLength={1000} />
              <button type="submit">Record the rule</button>
            </ActForm>
          </details>
        ) : null}
      </section>
    </div>
  );
}

/**
 * An act on the conduit at the revision read, where the person may do it: its form (its submit button says `label`).
 * Where they may not: the button disabled with the reason (when `explain`), and the refusal of an earlier post.
 */
function RevisionAct({
  control,
  intent,
  reply,
  revision,
  className,
  label,
  whyId,
  explain = true,
  children,
}: {
  control: Control | null;
  intent: string;
  reply: unknown;
  revision: number;
  className: string;
  label: string;
  whyId: string;
  explain?: boolean;
  children: ReactNode;
}) {
  if (control?.allowed)
    return (
      <ActForm intent={intent} id={intent} reply={reply} hiddenFields={{ revision }} className={className}>
        {children}
        <button type="submit">{label}</button>
      </ActForm>
    );
  return (
    <>
      <ReplyNotice reply={reply} intent={intent} id={intent} />
      {control && explain ? <DisabledAct id={whyId} label={label} why={control.why} /> : null}
    </>
  );
}
