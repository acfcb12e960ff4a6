import type { OldestBlocker } from "~/domain/rollup";
import type { MustAct } from "~/domain/who-acts";
import { ROLE_LABELS } from "~/domain/vocabulary";

/** Who must act next on a plant: each party's role, the people the data names, and what they must do. */
export function MustActList({ acts }: { acts: readonly MustAct[] }) {
  if (acts.length === 0) return <>—</>;
  return (
    <ul className="must-act">
      {acts.map((a) => (
        <li key={`${a.role}-${a.does}`}>
          <span className="must-act-who">
            {ROLE_LABELS[a.role]}
            {a.names.length > 0 ? `: ${a.names.join(", ")}` : " (nobody named yet)"}
          </span>
          <div className="muted">{a.does}</div>
        </li>
      ))}
    </ul>
  );
}

/** The blocker a plant's row shows, in words: the criterion, the object at fault, and how many more there are. */
export function BlockerInWords({ blocker, more }: { blocker: OldestBlocker; more: number }) {
  return (
    <>
      <span className="blocker-title" title={blocker.message}>
        {blocker.title}
      </span>
      {blocker.object ? <> — {blocker.object}</> : null}
      <div className="muted">
        <span className="mono">{blocker.code}</span>
        {more > 0 ? ` · and ${more} more ${more === 1 ? "blocker" : "blockers"}` : null}
      </div>
    </>
  );
}
