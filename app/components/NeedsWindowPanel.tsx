import type { ReactNode } from "react";

/** The panel listing scheduled changes left outside any window, each described by `item`. */
export function NeedsWindowPanel<Change extends { id: number }>({
  changes,
  item,
}: {
  changes: readonly Change[];
  item: (change: Change) => ReactNode;
}) {
  if (changes.length === 0) return null;
  return (
    <section className="panel notice-conflict" aria-labelledby="needs-title">
      <h2 id="needs-title">Changes needing a new window</h2>
      <ul>
        {changes.map((change) => (
          <li key={change.id}>
            <span className="badge bad">Needs a new window</span> {item(change)}
          </li>
        ))}
      </ul>
    </section>
  );
}
