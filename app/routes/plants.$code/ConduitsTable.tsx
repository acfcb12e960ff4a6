import { DataTable, type Column } from "~/components/DataTable";
import { PartBadge } from "~/components/SignoffParts";
import { flowLabel } from "~/domain/conduits";
import { CONTROL_TYPE_LABELS, labelFor } from "~/domain/vocabulary";
import type { PartState } from "~/domain/signoffs";
import type { ConduitDetail } from "~/models/conduits.server";

/** A conduit as the plant page lists it: its first allowed flows and their count, its owners' parts and its track. */
export type ConduitRow = ConduitDetail & { flowCount: number; parts: PartState[]; state: string };

const DIRECTION_ARROWS: Record<string, string> = { a_to_b: "→", b_to_a: "←" };

/** The columns after the conduit's name: endpoints, control and monitoring, flows, revision, owners, track. */
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
    cell: (conduit) => (
      <>
        {conduit.controlType ? (
          labelFor(CONTROL_TYPE_LABELS, conduit.controlType)
        ) : (
          <span className="badge warn">none</span>
        )}{" "}
        <span title={conduit.monitoringPoint ?? "No monitoring point"}>
          {conduit.monitored ? (
            <span className="badge ok">Monitored</span>
          ) : (
            <span className="badge">Not monitored</span>
          )}
        </span>
      </>
    ),
  },
  {
    header: "Allowed flows",
    // The first few; the conduit's own page lists them all with their descriptions.
    cell: (conduit) =>
      conduit.flowCount === 0 ? (
        <span className="badge warn">none</span>
      ) : (
        <>
          {conduit.flows.map((flow, index) => (
            <span key={index} className="mono">
              {index > 0 ? ", " : ""}
              {flowLabel(flow)} {DIRECTION_ARROWS[flow.direction] ?? "↔"}
            </span>
          ))}
          {conduit.flowCount > conduit.flows.length ? (
            <span className="muted"> and {conduit.flowCount - conduit.flows.length} more</span>
          ) : null}
        </>
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

/**
 * The plant's conduits: endpoints, control, monitoring, the first allowed flows, owners' signoffs and track (the
 * baselines are in the evidence below; the rest on each conduit's page).
 */
export function ConduitsTable({
  plantCode,
  full,
  conduits,
}: {
  plantCode: string;
  full: boolean;
  conduits: ConduitRow[];
}) {
  const name: Column<ConduitRow> = {
    header: "Conduit",
    cell: (conduit) => (
      <>
        <strong>
          {full ? <a href={`/plants/${plantCode}/conduits/${conduit.id}`}>{conduit.name}</a> : conduit.name}
        </strong>
      </>
    ),
  };
  if (conduits.length === 0) return <p className="muted">No conduits are defined yet.</p>;
  return <DataTable columns={[name, ...CONDUIT_COLUMNS]} rows={conduits} rowKey={(conduit) => conduit.id} />;
}
