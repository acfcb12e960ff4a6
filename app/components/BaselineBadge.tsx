import { countedDaysText, type BaselineStatus, type BaselineThresholds } from "~/domain/baseline";
import { formatDate } from "~/domain/time";

const BADGE: Record<string, string> = {
  none: "badge",
  collecting: "badge warn",
  mature: "badge ok",
  stalled: "badge bad",
  accepted: "badge ok",
};

/** The baseline's status alone, where counted days and dates are shown beside it. */
export function BaselineStatusBadge({ status }: { status: string }) {
  return <span className={BADGE[status] ?? "badge"}>{status}</span>;
}

/** A conduit's baseline at a glance: status, counted days against the configured thresholds, and its maturity date. */
export function BaselineBadge({
  baseline,
  thresholds,
}: {
  baseline: { status: BaselineStatus; countedDays: number; matureOn: string | null; earliestMaturity: string | null };
  thresholds: BaselineThresholds;
}) {
  return (
    <>
      <span className={BADGE[baseline.status] ?? "badge"}>{baseline.status}</span>
      {baseline.status !== "none" ? (
        <span className="muted baseline-detail">
          {countedDaysText(baseline, thresholds)}
          {baseline.matureOn
            ? ` · mature ${formatDate(baseline.matureOn)}`
            : baseline.earliestMaturity
            ? ` · earliest ${formatDate(baseline.earliestMaturity)}`
            : ""}
        </span>
      ) : null}
    </>
  );
}
