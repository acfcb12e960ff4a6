import { Link, useLoaderData } from "@remix-run/react";
import { BaselineBadge } from "~/components/BaselineBadge";
import { DataTable, type Column } from "~/components/DataTable";
import { PartBadge } from "~/components/SignoffParts";
import { CONTROL_TYPE_LABELS, labelFor } from "~/domain/vocabulary";
import type { loader } from "./route";

type ConduitRow = ReturnType<typeof useLoaderData<typeof loader>>["conduits"][number];

const DIRECTION_ARROWS: Record<string, string> = { a_to_b: "→", b_to_a: "←" };

/** The columns between the conduit's name and its baseline: endpoints, control, monitoring, flows, revision, owners, track. */
const CONDUIT_COLUMNS: readonly Column<ConduitRow>[] = [
  {
    header: "Endpoints",
    cell: (conduit) => (
      <>
        {conduit.zoneAName} ↔ {conduit.zoneBName}
      </>
    ),
  },
  {
    header: "Control",
    cell: (conduit) =>
      conduit.controlType ? (
        labelFor(CONTROL_TYPE_LABELS, conduit.controlType)
      ) : (
        <span className="badge warn">none</span>
      ),
  },
  {
    header: "Monitoring",
    cell: (conduit) => (
      <>
        {conduit.monitored ? <span className="badge ok">Monitored</span> : <span className="badge">Not monitored</span>}
        <div className="muted">{conduit.monitoringPoint ?? "No monitoring point"}</div>
      </>
    ),
  },
  {
    header: "Allowed flows",
    cell: (conduit) =>
      conduit.flows.length === 0 ? (
        <span className="badge warn">none</span>
      ) : (
        <ul className="flows">
          {conduit.flows.map((flow, index) => (
            <li key={index}>
              <span className="mono">
                {flow.protocol}
                {flow.port === null ? "" : `/${flow.port}`}
              </span>{" "}
              {DIRECTION_ARROWS[flow.direction] ?? "↔"} <span className="muted">{flow.description}</span>
            </li>
          ))}
        </ul>
      ),
  },
  { header: "Rev.", num: true, cell: (conduit) => conduit.revision },
  {
    header: "Owners",
    cell: (conduit) => (
      <ul className="flows">
        {conduit.parts.map((state) => (
          <li key={state.part}>
            <PartBadge state={state} />{" "}
            {(state.part === "design_change_control" ? conduit.designOwner : conduit.monitoringOwner)?.name ?? (
              <span className="muted">unassigned</span>
            )}
          </li>
        ))}
      </ul>
    ),
  },
  { header: "Track", cell: (conduit) => <span className="badge">{conduit.state.replace("_", " ")}</span> },
];

/** The plant's conduits: endpoints, control, monitoring, allowed flows, owners' signoffs, track and baseline. */
export function ConduitsPanel() {
  const { full, plant, conduits, thresholds } = useLoaderData<typeof loader>();
  const name: Column<ConduitRow> = {
    header: "Conduit",
    cell: (conduit) => (
      <>
        <strong>
          {full ? <Link to={`/plants/${plant.code}/conduits/${conduit.id}`}>{conduit.name}</Link> : conduit.name}
        </strong>
        <div className="muted">{conduit.purpose ?? "No purpose written"}</div>
      </>
    ),
  };
  return (
    <section className="panel" aria-labelledby="conduits-title">
      <h2 id="conduits-title">Conduits ({conduits.length})</h2>
      {conduits.length === 0 ? (
        <p className="muted">No conduits are defined yet.</p>
      ) : (
        <DataTable
          columns={[
            name,
            ...CONDUIT_COLUMNS,
            {
              header: "Baseline",
              cell: (conduit) => <BaselineBadge baseline={conduit.baseline} thresholds={thresholds} />,
            },
          ]}
          rows={conduits}
          rowKey={(conduit) => conduit.id}
        />
      )}
    </section>
  );
}
