import type { DriftQueueItem } from "~/domain/drift";

// The drift findings of live plants that wait on the person (/me): each linked to where it is resolved.

/** How many findings the section lists; the plants' pages hold them all. */
export const DRIFT_QUEUE_SHOWN = 50;

export function DriftQueue({ items, total }: { items: readonly DriftQueueItem[]; total: number }) {
  return (
    <section className={items.length === 0 ? "panel queue-empty" : "panel"} aria-labelledby="drift-title" id="drift">
      <h2 id="drift-title">Live plants drifting</h2>
      {items.length === 0 ? (
        <p className="muted">No live plant drifts where you can set it right.</p>
      ) : (
        <ul className="queue">
          {items.map((item) => (
            <li key={`${item.plantCode}:${item.code}:${item.href}:${item.message}`} data-drift-code={item.code}>
              <a href={item.href}>
                {item.plantCode} · <span className="mono">{item.code}</span> {item.title}
              </a>
              <div className="muted">{item.message}</div>
            </li>
          ))}
          {total > items.length ? (
            <li className="muted">and {total - items.length} more on the plants' pages</li>
          ) : null}
        </ul>
      )}
    </section>
  );
}
