import { Form, Link } from "@remix-run/react";
import type { CriterionResult, GateResult, ObjectRef } from "~/domain/readiness";
import { PHASE_LABELS, type Phase } from "~/domain/vocabulary";

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

function objectLink(plantCode: string, object: ObjectRef) {
  switch (object.type) {
    case "conduit":
      return <Link to={`/plants/${plantCode}/conduits/${object.id}`}>{object.label}</Link>;
    case "asset":
      return <Link to={`/plants/${plantCode}?q=${encodeURIComponent(object.label)}#assets`}>{object.label}</Link>;
    default:
      return <span>{object.label}</span>;
  }
}

function CriterionRow({
  plantCode,
  criterion,
  gatePassed,
  controls,
}: {
  plantCode: string;
  criterion: CriterionResult;
  gatePassed: boolean;
  controls: GateControls;
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
        {criterion.checklist && !gatePassed && controls.canTick ? (
          <details className="criterion-control">
            <summary>{ticked ? "Untick…" : "Tick…"}</summary>
            <Form method="post" className="stacked">
              <input type="hidden" name="intent" value={ticked ? "untick" : "tick"} />
              <input type="hidden" name="code" value={criterion.code} />
              {criterion.code === "BAS-PIPELINE" && !ticked ? (
                <div className="filters">
                  <label>
                    OT SIEM pipeline
                    <input type="text" name="pipelineName" required maxLength={120} />
                  </label>
                  <label>
                    Retention (days)
                    <input type="number" name="retentionDays" required min={1} max={3650} />
                  </label>
                  <label>
                    IT pipeline it is kept apart from
                    <input type="text" name="itPipelineName" required maxLength={120} />
                  </label>
                </div>
              ) : null}
              <label>
                Note
                <input type="text" name="note" required minLength={3} maxLength={500} />
              </label>
              <button type="submit" className={ticked ? "secondary" : undefined}>
                {ticked ? `Untick ${criterion.code}` : `Tick ${criterion.code}`}
              </button>
            </Form>
          </details>
        ) : null}
        {criterion.checklist && !gatePassed && controls.canWaive && !criterion.met ? (
          criterion.waived ? (
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="unwaive" />
              <input type="hidden" name="code" value={criterion.code} />
              <button type="submit" className="secondary">
                Revoke the waiver
              </button>
            </Form>
          ) : (
            <details className="criterion-control">
              <summary>Waive…</summary>
              <Form method="post" className="stacked">
                <input type="hidden" name="intent" value="waive" />
                <input type="hidden" name="code" value={criterion.code} />
                <label>
                  Justification
                  <textarea name="justification" rows={2} required minLength={20} maxLength={1000} />
                </label>
                <button type="submit" className="secondary">
                  Waive {criterion.code}
                </button>
              </Form>
            </details>
          )
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
}: {
  plantCode: string;
  gates: GateResult[];
  currentPhase: string;
  controls: GateControls;
}) {
  return (
    <section className="panel" aria-labelledby="gates-title" id="gates">
      <h2 id="gates-title">Readiness gates</h2>
      {gates.map((gate) => {
        const unmet = gate.criteria.filter((c) => !c.met && !c.waived).length;
        const pass = controls.pass[gate.phase];
        return (
          <details key={gate.phase} open={gate.phase === currentPhase} className="gate">
            <summary>
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
            </summary>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Code</th>
                    <th scope="col">Criterion</th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {gate.criteria.map((criterion) => (
                    <CriterionRow
                      key={criterion.code}
                      plantCode={plantCode}
                      criterion={criterion}
                      gatePassed={gate.status === "passed"}
                      controls={controls}
                    />
                  ))}
                </tbody>
              </table>
            </div>
            {pass ? (
              pass.allowed ? (
                <Form method="post" className="inline-form gate-pass">
                  <input type="hidden" name="intent" value="pass-gate" />
                  <input type="hidden" name="phase" value={gate.phase} />
                  <label>
                    Note <span className="muted">(optional)</span>
                    <input type="text" name="note" maxLength={500} />
                  </label>
                  <button type="submit">Pass the {gate.phase} gate</button>
                </Form>
              ) : (
                <p className="control-why gate-pass">
                  <button type="button" disabled aria-describedby={`pass-why-${gate.phase}`}>
                    Pass the {gate.phase} gate
                  </button>{" "}
                  <span id={`pass-why-${gate.phase}`} className="muted">
                    {pass.why}
                  </span>
                </p>
              )
            ) : null}
          </details>
        );
      })}
    </section>
  );
}
