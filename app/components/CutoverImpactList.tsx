import { Link } from "@remix-run/react";

/** The conduit's open cutovers and what each is predicted to block: for the conduit page and the gate review. */
export function CutoverImpactList({
  plantCode,
  cutovers,
  links = true,
}: {
  plantCode: string;
  cutovers: readonly { changeId: number; title: string; status: string; total: number; unacknowledged: number }[];
  links?: boolean;
}) {
  return (
    <ul className="queue">
      {cutovers.map((c) => (
        <li key={c.changeId} data-change={c.changeId}>
          {links ? <Link to={`/plants/${plantCode}/changes/${c.changeId}#impact`}>{c.title}</Link> : c.title}
          {" · "}
          {c.total === 0 ? (
            <span className="badge ok">No predicted blocked flow</span>
          ) : (
            <span className={c.unacknowledged > 0 ? "badge warn" : "badge"}>
              {c.unacknowledged} of {c.total} predicted blocked {c.total === 1 ? "flow" : "flows"} not acknowledged
            </span>
          )}
          {c.status === "needs_window" ? <span className="muted"> (needs a new window)</span> : null}
        </li>
      ))}
    </ul>
  );
}
