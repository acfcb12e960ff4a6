import {
  DRIFT_STATUS_LABELS,
  DRIFT_TITLES,
  driftReasons,
  type DriftCode,
  type DriftStatus,
  type ListedDrift,
} from "~/domain/drift";
import type { PlantDrift } from "~/domain/rollup";

// A live plant's drift where plants are listed: "Live" or "Live, drifting", and the reasons, each linked to where
// it is fixed.

const CLASS: Record<DriftStatus, string> = { live: "ok", live_drifting: "warn" };
const MARK: Record<DriftStatus, string> = { live: "✓", live_drifting: "!" };

export function DriftBadge({ status }: { status: DriftStatus }) {
  return (
    <span className={`badge drift ${CLASS[status]}`} data-drift={status}>
      <span className="badge-mark" aria-hidden="true">
        {MARK[status]}
      </span>
      {DRIFT_STATUS_LABELS[status]}
    </span>
  );
}

/** Each finding: its code and title linked to where it is fixed, and the sentence naming the objects at fault. */
export function DriftReasons({
  findings,
}: {
  findings: readonly { code: DriftCode; message: string; href: string; count?: number }[];
}) {
  if (findings.length === 0) return null;
  return (
    <ul className="drift-reasons">
      {findings.map((f) => (
        <li key={`${f.code}:${f.href}:${f.message}`} data-drift-code={f.code}>
          <a href={f.href}>
            <span className="mono">{f.code}</span> {DRIFT_TITLES[f.code]}
            {f.count !== undefined && f.count > 1 ? ` (${f.count})` : ""}
          </a>
          <div className="muted">{f.message}</div>
        </li>
      ))}
    </ul>
  );
}

/**
 * A plant's drift in a list's narrow cell: its badge, and its reasons by title (each linked, its sentence as the
 * link's title), at most `limit` of them; the plant page has every finding.
 */
export function DriftCell({ drift, limit = 3 }: { drift: ListedDrift | null; limit?: number }) {
  if (!drift) return <>—</>;
  const shown = drift.reasons.slice(0, limit);
  return (
    <>
      <DriftBadge status={drift.status} />
      {shown.length > 0 ? (
        <ul className="drift-reasons">
          {shown.map((r) => (
            <li key={r.code} data-drift-code={r.code}>
              <a href={r.href} title={r.message}>
                {DRIFT_TITLES[r.code]}
                {r.count > 1 ? ` (${r.count})` : ""}
              </a>
            </li>
          ))}
          {shown.length < drift.reasons.length ? (
            <li className="muted">and {drift.reasons.length - shown.length} more</li>
          ) : null}
        </ul>
      ) : null}
    </>
  );
}

/** Drifting plants the dashboard lists: the most findings first; the rest are on the plant list and in the CSV. */
const DRIFTING_PLANTS_SHOWN = 40;

/** The dashboard's view of live plants: healthy and drifting counts, and the drifting plants with their reasons. */
export function livePlantsOf(rollup: {
  live: { healthy: number; drifting: number };
  plants: readonly { code: string; name: string; drift: PlantDrift | null }[];
}) {
  const drifting = rollup.plants
    .filter((p) => p.drift?.status === "live_drifting")
    .map((p) => ({
      code: p.code,
      name: p.name,
      findingCount: p.drift!.findings.length,
      reasons: driftReasons(p.code, p.drift!.findings),
    }))
    .sort((a, b) => b.findingCount - a.findingCount || a.code.localeCompare(b.code));
  return { counts: rollup.live, drifting: drifting.slice(0, DRIFTING_PLANTS_SHOWN), driftingTotal: drifting.length };
}

export function LivePlantsPanel({ live }: { live: ReturnType<typeof livePlantsOf> }) {
  const { healthy, drifting } = live.counts;
  return (
    <section className="panel" aria-labelledby="live-title" id="live">
      <h2 id="live-title">Live plants: healthy or drifting</h2>
      <p className="muted">
        A plant that passed its last gate is judged continuously: it drifts when a live conduit carries wrong flows left
        unacknowledged, was edited after its alerts were wired, a signoff is due for recertification, an asset is in no
        zone, a sensor went silent or a detection rule went unreviewed.
      </p>
      <table className="live-counts">
        <caption>Live plants</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Plants
            </th>
          </tr>
        </thead>
        <tbody>
          <tr data-live="live">
            <th scope="row">
              <DriftBadge status="live" />
            </th>
            <td className="num">{healthy}</td>
          </tr>
          <tr data-live="live_drifting">
            <th scope="row">
              <DriftBadge status="live_drifting" />
            </th>
            <td className="num">{drifting}</td>
          </tr>
        </tbody>
      </table>
      {live.drifting.length === 0 ? (
        <p>{healthy + drifting === 0 ? "No plant is live yet." : "Every live plant stays true."}</p>
      ) : (
        <table className="drifting-plants stack-on-phone">
          <caption>
            Drifting plants
            {live.driftingTotal > live.drifting.length
              ? ` (the first ${live.drifting.length} of ${live.driftingTotal}; all on the plant list)`
              : ""}
          </caption>
          <thead>
            <tr>
              <th scope="col">Plant</th>
              <th scope="col">Why it drifts</th>
            </tr>
          </thead>
          <tbody>
            {live.drifting.map((p) => (
              <tr key={p.code} data-drifting-plant={p.code}>
                <td>
                  <a href={`/plants/${p.code}#drift`}>{p.code}</a>
                  <div className="muted">{p.name}</div>
                </td>
                <td>
                  <DriftReasons findings={p.reasons} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
