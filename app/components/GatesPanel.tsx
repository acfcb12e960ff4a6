import { Link } from "@remix-run/react";
import { TableHead } from "~/components/DataTable";
import { DisabledAct } from "~/components/DisabledAct";
import { ActForm, ReplyNotice } from "~/components/forms/ActForm";
import { Confirmation } from "~/components/forms/Confirmation";
import { Field } from "~/components/forms/Field";
import type { CriterionResult, GateResult, ObjectRef } from "~/domain/readiness";
import { PHASE_LABELS, type Phase } from "~/domain/vocabulary";
import { replyFor } from "~/utils/reply";

/** The acts of this panel: their refusals show in their forms, their confirmations at the top of the panel. */
const GATE_INTENTS = ["tick", "untick", "waive", "unwaive", "pass-gate"] as const;

export interface GateControls {
  canTick: boolean;
  canWaive: boolean;
  /** Per gate: whether this person may pass it now, or why not (null: no control at all for this role). */
  pass: Record<Phase, { allowed: boolean; why: string | null } | null>;
}

const GATE_BADGE = {
  passed: "badge ok",
  ready: "badge ok",
  blocked: "badge bad",
} as const;

/** Where an object at fault is shown: a conduit's page, an asset in the inventory, a zone in the plant's list. */
export function objectHref(plantCode: string, object: ObjectRef): string | null {
  switch (object.type) {
    case "conduit":
      return `/plants/${plantCode}/conduits/${object.id}`;
    case "asset":
      return `/plants/${plantCode}/assets?q=${encodeURIComponent(object.label)}#assets`;
    case "zone":
      return `/plants/${plantCode}#zones`;
    default:
      return null;
  }
}

function objectLink(plantCode: string, object: ObjectRef) {
  const href = object.type === "zone" ? null : objectHref(plantCode, object);
  return href ? <Link to={href}>{object.label}</Link> : <span>{object.label}</span>;
}

/** The form that ticks (or unticks) a checklist criterion, with a note saying what was reviewed. */
function TickForm({ criterion, ticked, reply }: { criterion: CriterionResult; ticked: boolean; reply: unknown }) {
  return (
    <ActForm
      intent={ticked ? "untick" : "tick"}
      claims={["tick", "untick"]}
      target={criterion.code}
      id={`tick-${criterion.code}`}
      reply={reply}
      hiddenFields={{ code: criterion.code }}
      className="stacked"
    >
      {criterion.code === "BAS-PIPELINE" && !ticked ? (
        <div className="filters">
          <Field label="OT SIEM pipeline" name="pipelineName" type="text" required maxLength={120} />
          <Field label="Retention (days)" name="retentionDays" type="number" required min={1} max={3650} />
          <Field label="IT pipeline it is kept apart from" name="itPipelineName" type="text" required maxLength={120} />
        </div>
      ) : null}
      <Field label="Note" name="note" type="text" required minLength={3} maxLength={500} />
      <button type="submit" className={ticked ? "secondary" : undefined}>
        {ticked ? `Untick ${criterion.code}` : `Tick ${criterion.code}`}
      </button>
    </ActForm>
  );
}

/** The form that waives a checklist criterion, with its justification. */
function WaiveForm({ code, reply }: { code: string; reply: unknown }) {
  return (
    <ActForm
      intent="waive"
      claims={["unwaive"]}
      target={code}
      id={`waive-${code}`}
      reply={reply}
      hiddenFields={{ code }}
      className="stacked"
    >
      <Field
        label="Justification"
        name="justification"
        as="textarea"
        rows={2}
        required
        minLength={20}
        maxLength={1000}
      />
      <button type="submit" className="secondary">
        Waive {code}
      </button>
    </ActForm>
  );
}

function CriterionRow({
  plantCode,
  criterion,
  gatePassed,
  inline,
  controls,
  reply,
}: {
  plantCode: string;
  criterion: CriterionResult;
  gatePassed: boolean;
  /** Its forms shown as they are rather than folded (an unmet criterion of the current gate). */
  inline: boolean;
  controls: GateControls;
  reply: unknown;
}) {
  const state = criterion.met ? "Met" : criterion.waived ? "Waived" : "Unmet";
  const badge = criterion.met ? "badge ok" : criterion.waived ? "badge warn" : "badge bad";
  const ticked = criterion.tick?.ticked ?? false;
  return (
    <tr id={`criterion-${criterion.code}`}>
      <th scope="row" className="mono">
        {criterion.code}
      </th>
      <td>
        <strong>{criterion.title}</strong>
        <div className={criterion.met ? "muted" : undefined}>{criterion.message}</div>
        {criterion.objects.length > 0 && !criterion.met ? (
          <div className="objects">
            At fault:{" "}
            {criterion.objects.map((object, index) => (
              <span key={`${object.type}-${object.id}`}>
                {index > 0 ? ", " : ""}
                {objectLink(plantCode, object)}
              </span>
            ))}
          </div>
        ) : null}
        {criterion.waived ? (
          <div className="waiver">
            {`Waived by ${criterion.waived.by} on ${criterion.waived.at.slice(0, 10)}: “${
              criterion.waived.justification
            }”`}
          </div>
        ) : null}
        {inline ? (
          <div className="criterion-acts">
            {offersTick(criterion, gatePassed, controls) ? (
              <TickForm criterion={criterion} ticked={ticked} reply={reply} />
            ) : null}
            {offersWaiver(criterion, gatePassed, controls) && !criterion.waived ? (
              <WaiveForm code={criterion.code} reply={reply} />
            ) : null}
          </div>
        ) : (
          <>
            {offersTick(criterion, gatePassed, controls) ? (
              <details
                className="criterion-control"
                open={replyFor(reply, ["tick", "untick"], criterion.code) ? true : undefined}
              >
                <summary>{ticked ? "Untick…" : "Tick…"}</summary>
                <TickForm criterion={criterion} ticked={ticked} reply={reply} />
              </details>
            ) : null}
            {offersWaiver(criterion, gatePassed, controls) && !criterion.waived ? (
              <details className="criterion-control" open={replyFor(reply, "waive", criterion.code) ? true : undefined}>
                <summary>Waive…</summary>
                <WaiveForm code={criterion.code} reply={reply} />
              </details>
            ) : null}
          </>
        )}
        {offersWaiver(criterion, gatePassed, controls) && criterion.waived ? (
          <ActForm
            intent="unwaive"
            claims={["waive"]}
            target={criterion.code}
            id={`unwaive-${criterion.code}`}
            reply={reply}
            hiddenFields={{ code: criterion.code }}
            className="inline-form"
          >
            <button type="submit" className="secondary">
              Revoke the waiver
            </button>
          </ActForm>
        ) : null}
      </td>
      <td>
        <span className={badge}>{state}</span>
      </td>
    </tr>
  );
}

export function GatesPanel({
  plantCode,
  gates,
  currentPhase,
  controls,
  reply,
}: {
  plantCode: string;
  gates: GateResult[];
  currentPhase: string;
  controls: GateControls;
  /** The action's answer: a refused act shows in its form, whose gate opens. */
  reply: unknown;
}) {
  const refused = replyFor(reply, GATE_INTENTS);
  return (
    <section className="panel" aria-labelledby="gates-title" id="gates">
      <h2 id="gates-title">Readiness gates</h2>
      <Confirmation intents={GATE_INTENTS} />
      <ReplyNotice
        reply={reply}
        intent={GATE_INTENTS}
        id={(r) => `${r.intent === "pass-gate" ? "pass" : r.intent}-${r.target}`}
        offered={(r) => offers(gates, controls, r.intent, r.target ?? null)}
      />
      {gates.map((gate) => {
        const unmet = gate.criteria.filter((c) => !c.met && !c.waived).length;
        const pass = controls.pass[gate.phase];
        const current = gate.phase === currentPhase && gate.status !== "passed";
        const heading = (
          <>
            <span className="gate-name">Exit of {PHASE_LABELS[gate.phase].toLowerCase()}</span>{" "}
            <span className={GATE_BADGE[gate.status]}>
              {gate.status === "passed"
                ? "Passed"
                : gate.status === "ready"
                ? "Ready to pass"
                : `Blocked: ${unmet} unmet`}
            </span>
            {gate.passedAt ? (
              <span className="muted">
                {" "}
                on {gate.passedAt.slice(0, 10)} by {gate.passedBy}
              </span>
            ) : null}
          </>
        );
        // The current gate's unmet criteria first, each with its forms shown; then the waived, then the met.
        const criteria = current ? [...gate.criteria].sort((a, b) => rank(a) - rank(b)) : gate.criteria;
        const body = (
          <>
            <div className="table-wrap">
              <table className="criteria-table">
                <TableHead columns={["Code", "Criterion", "State"]} />
                <tbody>
                  {criteria.map((criterion) => (
                    <CriterionRow
                      key={criterion.code}
                      plantCode={plantCode}
                      criterion={criterion}
                      gatePassed={gate.status === "passed"}
                      inline={current && rank(criterion) === 0}
                      controls={controls}
                      reply={reply}
                    />
                  ))}
                </tbody>
              </table>
            </div>
            {pass ? (
              pass.allowed ? (
                <ActForm
                  intent="pass-gate"
                  target={gate.phase}
                  id={`pass-${gate.phase}`}
                  reply={reply}
                  hiddenFields={{ phase: gate.phase }}
                  className="inline-form gate-pass"
                >
                  <Field label="Note" optional name="note" type="text" maxLength={500} />
                  <button type="submit">Pass the {gate.phase} gate</button>
                </ActForm>
              ) : (
                <DisabledAct
                  id={`pass-why-${gate.phase}`}
                  label={`Pass the ${gate.phase} gate`}
                  why={pass.why}
                  className="gate-pass"
                />
              )
            ) : null}
          </>
        );
        // The current gate is always open; the passed and future ones fold, opening for a refusal of their own.
        return current ? (
          <div key={gate.phase} className="gate gate-current" id={`gate-${gate.phase}`}>
            <h3>Current gate: {heading}</h3>
            {body}
          </div>
        ) : (
          <details
            key={gate.phase}
            open={refusedHere(refused, gate) ? true : undefined}
            className="gate"
            id={`gate-${gate.phase}`}
          >
            <summary>{heading}</summary>
            {body}
          </details>
        );
      })}
    </section>
  );
}

/** Unmet first (0), then waived (1), then met (2). */
function rank(criterion: CriterionResult): number {
  return criterion.met ? 2 : criterion.waived ? 1 : 0;
}

/** Whether a refused act concerns this gate (its pass, or one of its criteria), so that its section opens. */
function refusedHere(refused: ReturnType<typeof replyFor>, gate: GateResult): boolean {
  if (!refused?.target) return false;
  return refused.target === gate.phase || gate.criteria.some((c) => c.code === refused.target);
}

function offersTick(criterion: CriterionResult, gatePassed: boolean, controls: GateControls): boolean {
  return Boolean(criterion.checklist) && !gatePassed && controls.canTick;
}

function offersWaiver(criterion: CriterionResult, gatePassed: boolean, controls: GateControls): boolean {
  return Boolean(criterion.checklist) && !gatePassed && controls.canWaive && !criterion.met;
}

/** Whether the panel offers the form a reply is for (which then shows it), after the page was read again. */
function offers(gates: GateResult[], controls: GateControls, intent: string, target: string | null): boolean {
  if (intent === "pass-gate") return gates.some((g) => g.phase === target && controls.pass[g.phase]?.allowed === true);
  return gates.some((gate) =>
    gate.criteria.some(
      (c) =>
        c.code === target &&
        (intent === "tick" || intent === "untick"
          ? offersTick(c, gate.status === "passed", controls)
          : offersWaiver(c, gate.status === "passed", controls))
    )
  );
}
