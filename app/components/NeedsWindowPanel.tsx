import type { ReactNode } from "react";

/**
 * The panel listing scheduled changes left outside any window, each described by `item` (which may hold the forms
 * that move or cancel it); `anchored` gives each item the stable anchor `change-<id>` other pages link to.
 */
export function NeedsWindowPanel<Change extends { id: number }>({
  changes,
  item,
  anchored = false,
}: {
  changes: readonly Change[];
  item: (change: Change) => ReactNode;
  anchored?: boolean;
}) {
  if (changes.length === 0) return null;
  return (
    <section className="panel notice-conflict" aria-labelledby="needs-title">
      <h2 id="needs-title">Changes needing a new window</h2>
      <ul>
        {changes.map((change) => (
          <li key={change.id} id={anchored ? `change-${change.id}` : undefined} className="needs-window-item">
            <span className="badge bad">Needs a new window</span> {item(change)}
          </li>
        ))}
      </ul>
    </section>
  );
}
