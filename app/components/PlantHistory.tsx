import { groupByMonth, type HistoryEntry, type HistoryKind } from "~/domain/plant-history";
import { formatLocal } from "~/domain/time";

const KIND_BADGE: Record<HistoryKind, string> = {
  gate: "badge ok",
  signoff: "badge",
  stale: "badge warn",
  revoked: "badge warn",
  cutover: "badge",
  waiver: "badge warn",
  alerts: "badge ok",
  baseline: "badge",
};

/** A plant's history, newest first, grouped by the plant-local month; each entry says what, who and when. */
export function PlantHistory({
  entries,
  timeZone,
  headingLevel = 3,
}: {
  entries: readonly HistoryEntry[];
  timeZone: string;
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <div className="history">
      {groupByMonth(entries, timeZone).map((month) => (
        <section key={month.key} className="history-month" aria-labelledby={`history-${month.key}`}>
          <Heading id={`history-${month.key}`}>{month.title}</Heading>
          <ol className="history-list">
            {month.entries.map((entry) => (
              <li key={entry.key} className="history-entry">
                <time dateTime={entry.at}>{formatLocal(entry.at, timeZone)}</time>
                <div>
                  <span className={KIND_BADGE[entry.kind]}>{entry.label}</span> {entry.summary}
                  <div className="muted">{entry.who ? `by ${entry.who}` : "from the evidence (no one records it)"}</div>
                </div>
              </li>
            ))}
          </ol>
        </section>
      ))}
    </div>
  );
}
