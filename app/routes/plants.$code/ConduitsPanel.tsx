import { Link, useLoaderData } from "@remix-run/react";
import { BaselineBadge } from "~/components/BaselineBadge";
import { PartBadge } from "~/components/SignoffParts";
import { CONTROL_TYPE_LABELS, labelFor } from "~/domain/vocabulary";
import type { loader } from "./route";

/** The plant's conduits: endpoints, control, monitoring, allowed flows, owners' signoffs, track and baseline. */
export function ConduitsPanel() {
  const { full, plant, conduits } = useLoaderData<typeof loader>();
  return (
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
  );
}
