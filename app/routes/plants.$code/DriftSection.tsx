import { DriftBadge, DriftReasons } from "~/components/dashboard/LiveDrift";
import type { PlantDrift } from "~/domain/rollup";

// A live plant's drift on its page: live, or live and drifting with every finding and where it is fixed. Nothing
// before the plant is live.

export function DriftSection({ drift }: { drift: PlantDrift | null }) {
  if (!drift) return null;
  return (
    <section className="panel" aria-labelledby="drift-title" id="drift">
      <h2 id="drift-title">
        Live plant: <DriftBadge status={drift.status} />
      </h2>
      {drift.findings.length === 0 ? (
        <p>Alerting is live and the plant stays true: nothing has drifted.</p>
      ) : (
        <>
          <p className="muted">
            Alerting is live, but the plant no longer holds as it was signed: each finding says what resolves it.
          </p>
          <DriftReasons findings={drift.findings} />
        </>
      )}
    </section>
  );
}
