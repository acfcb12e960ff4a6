import { Link } from "@remix-run/react";
import { DateTime } from "luxon";
import { stopHref } from "~/domain/production-stops";
import { PART_LABELS } from "~/domain/signoffs";
import type { FloorQueue } from "~/domain/floor-queue";

// The floor's sections of /me: "Outcomes due" (changes whose window ended without an outcome) and "Stop reviews to
// sign" (post-incident reviews whose part the person signs), each a list linking to where the work is done.

function More({ shown, total, noun }: { shown: number; total: number; noun: string }) {
  return total > shown ? (
    <p className="muted">
      {total - shown} more {noun} not listed.
    </p>
  ) : null;
}

export function FloorQueues({ queue }: { queue: FloorQueue }) {
  return (
    <>
      {queue.outcomesDue ? (
        <section
          className={queue.outcomesDue.total === 0 ? "panel queue-empty" : "panel"}
          aria-labelledby="outcomesDue-title"
          id="outcomesDue"
        >
          <h2 id="outcomesDue-title">Outcomes due ({queue.outcomesDue.total})</h2>
          {queue.outcomesDue.rows.length === 0 ? (
            <p className="muted">Every change whose window has ended has its outcome.</p>
          ) : (
            <ul className="queue">
              {queue.outcomesDue.rows.map((c) => (
                <li key={c.changeId}>
                  <span className="mono">{c.plantCode}</span> ·{" "}
                  <Link to={`/plants/${c.plantCode}/windows#change-${c.changeId}`}>
                    record how “{c.title}” came out
                  </Link>{" "}
                  <span className="muted">
                    · {c.kindLabel} · window “{c.windowTitle}” ended{" "}
                    {DateTime.fromISO(c.windowEndsAt, { zone: "utc" }).toFormat("d LLL yyyy HH:mm 'UTC'")}
                  </span>
                </li>
              ))}
            </ul>
          )}
          <More shown={queue.outcomesDue.rows.length} total={queue.outcomesDue.total} noun="changes" />
        </section>
      ) : null}
      {queue.reviewsToSign ? (
        <section
          className={queue.reviewsToSign.total === 0 ? "panel queue-empty" : "panel"}
          aria-labelledby="reviewsToSign-title"
          id="reviewsToSign"
        >
          <h2 id="reviewsToSign-title">Stop reviews to sign ({queue.reviewsToSign.total})</h2>
          {queue.reviewsToSign.rows.length === 0 ? (
            <p className="muted">No post-incident review waits on your signature.</p>
          ) : (
            <ul className="queue">
              {queue.reviewsToSign.rows.map((s) => (
                <li key={`${s.stopId}-${s.part}`}>
                  <span className="mono">{s.plantCode}</span> ·{" "}
                  <Link to={`${stopHref(s.plantCode, s.stopId)}#signatures`}>{s.phrase}</Link>{" "}
                  <span className="muted">
                    · sign the {PART_LABELS[s.part].toLowerCase()} part (revision {s.reviewRevision})
                  </span>
                </li>
              ))}
            </ul>
          )}
          <More shown={queue.reviewsToSign.rows.length} total={queue.reviewsToSign.total} noun="reviews" />
        </section>
      ) : null}
    </>
  );
}
