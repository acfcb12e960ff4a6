import { DataTable, type Column } from "~/components/DataTable";
import { ActForm } from "~/components/forms/ActForm";
import { Confirmation } from "~/components/forms/Confirmation";
import { Field } from "~/components/forms/Field";
import { FLOW_REASON_MAX, flowPortText } from "~/domain/cutover-impact";
import { formatLocal } from "~/domain/time";
import { FLOW_DECISION_LABELS } from "~/domain/vocabulary";

// The cutover's impact on the change page: the flows it is predicted to block, each with its acknowledgement or the
// forms that give one, and once done the flows it seems to have stopped.

export interface ShownFlow {
  key: string;
  zonePair: string;
  protocol: string;
  port: number | null;
  connections: number;
  firstSeen: string;
  lastSeen: string;
  examples: { orig: string; resp: string; connections: number }[];
}

export interface FlowRow extends ShownFlow {
  acknowledgement: { decision: "expected_stop" | "added_to_design"; reason: string; by: string; at: string } | null;
  /** Whether the person may say the flow is expected to stop, or add it to the design, now. */
  mayExpect: boolean;
  mayAdd: boolean;
}

const FLOW_INTENTS = ["acknowledge-flow", "add-flow-to-design"] as const;


function seenColumns<Row extends ShownFlow>(timeZone: string): Column<Row>[] {
  return [
    { header: "Zones", rowHeader: true, cell: (f) => f.zonePair },
    { header: "Protocol / port", className: "mono", cell: (f) => flowPortText(f) },
    { header: "Connections", num: true, cell: (f) => f.connections.toLocaleString("en-US") },
    {
      header: "First / last seen",
      cell: (f) => (
        <>
          <time dateTime={f.firstSeen}>{formatLocal(f.firstSeen, timeZone)}</time>
          <br />
          <time dateTime={f.lastSeen}>{formatLocal(f.lastSeen, timeZone)}</time>
        </>
      ),
    },
    {
      header: "Example hosts",
      cell: (f) => (
        <ul className="flows mono">
          {f.examples.map((e) => (
            <li key={`${e.orig}>${e.resp}`}>
              {e.orig} → {e.resp}
            </li>
          ))}
        </ul>
      ),
    },
  ];
}

/** A flow's acknowledgement, or the forms the person may give one with. */
function FlowDecision({ flow, reply }: { flow: FlowRow; reply: unknown }) {
  if (flow.acknowledgement) {
    const a = flow.acknowledgement;
    return (
      <div data-acknowledged={a.decision}>
        <span className={a.decision === "expected_stop" ? "badge" : "badge ok"}>
          {FLOW_DECISION_LABELS[a.decision]}
        </span>
        <div>
          {a.by}, <time dateTime={a.at}>{a.at.slice(0, 10)}</time>
        </div>
        <div className="muted">{a.reason}</div>
      </div>
    );
  }
  if (!flow.mayExpect && !flow.mayAdd) return <span className="badge warn">Not acknowledged</span>;
  const slug = flow.key.replace(/[^A-Za-z0-9]/g, "-");
  return (
    <>
      <span className="badge warn">Not acknowledged</span>
      {flow.mayExpect ? (
        <ActForm
          intent="acknowledge-flow"
          id={`expect-${slug}`}
          target={flow.key}
          reply={reply}
          hiddenFields={{ flowKey: flow.key }}
          className="stacked"
        >
          <Field label="Why it is expected to stop" name="reason" as="textarea" maxLength={FLOW_REASON_MAX} rows={2} />
          <button type="submit">Expected to stop</button>
        </ActForm>
      ) : null}
      {flow.mayAdd ? (
        <ActForm
          intent="add-flow-to-design"
          id={`add-${slug}`}
          target={flow.key}
          reply={reply}
          hiddenFields={{ flowKey: flow.key }}
          className="stacked"
        >
          <Field
            label="Why the conduit should allow it"
            name="reason"
            as="textarea"
            maxLength={FLOW_REASON_MAX}
            rows={2}
            hint="Adds it to the conduit's allowed flows: a new revision, which its owners sign again."
          />
          <button type="submit" className="secondary">
            Add to the design
          </button>
        </ActForm>
      ) : null}
    </>
  );
}

export function PredictedFlows({
  flows,
  total,
  unacknowledged,
  days,
  timeZone,
  reply,
}: {
  flows: readonly FlowRow[];
  total: number;
  unacknowledged: number;
  days: number;
  timeZone: string;
  reply: unknown;
}) {
  const columns: Column<FlowRow>[] = [
    ...seenColumns<FlowRow>(timeZone),
    { header: "Acknowledgement", cell: (f) => <FlowDecision flow={f} reply={reply} /> },
  ];
  return (
    <>
      <Confirmation intents={FLOW_INTENTS} />
      {total === 0 ? (
        <p className="muted">
          Nothing seen on the conduit in the last {days} days would be blocked: every flow seen is allowed.
        </p>
      ) : (
        <DataTable
          columns={columns}
          rows={flows}
          rowKey={(f) => f.key}
          rowProps={(f) => ({ id: `flow-${f.key.replace(/[^A-Za-z0-9]/g, "-")}`, "data-flow": f.key })}
          caption={
            <>
              {total.toLocaleString("en-US")} predicted blocked {total === 1 ? "flow" : "flows"},{" "}
              {unacknowledged.toLocaleString("en-US")} not acknowledged
              {flows.length < total ? ` (the ${flows.length} busiest shown)` : ""}; times in {timeZone}
            </>
          }
        />
      )}
    </>
  );
}

export function StoppedFlows({
  stopped,
  timeZone,
}: {
  stopped:
    | { state: "not_done" }
    | { state: "watching"; untilLocal: string }
    | { state: "judged"; flows: ShownFlow[]; total: number; sawTrafficAfter: boolean };
  timeZone: string;
}) {
  if (stopped.state === "not_done") return null;
  if (stopped.state === "watching") {
    return <p className="muted">Still watching until {stopped.untilLocal}: three days of traffic after the cutover.</p>;
  }
  if (!stopped.sawTrafficAfter) {
    return (
      <p className="notice">
        No traffic was seen on the conduit in the three days after the cutover: the sensor may be silent, so nothing can
        be said of what stopped.
      </p>
    );
  }
  if (stopped.total === 0) {
    return <p className="muted">Every flow seen in the week before the cutover was seen again after it.</p>;
  }
  return (
    <DataTable
      columns={seenColumns<ShownFlow>(timeZone)}
      rows={stopped.flows}
      rowKey={(f) => f.key}
      caption={
        <>
          {stopped.total.toLocaleString("en-US")} {stopped.total === 1 ? "flow" : "flows"} seen in the 7 days before the
          cutover and not in the 3 days after
          {stopped.flows.length < stopped.total ? ` (the ${stopped.flows.length} busiest shown)` : ""}
        </>
      }
    />
  );
}
