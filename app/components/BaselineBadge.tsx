import { countedDaysText, type BaselineStatus, type BaselineThresholds } from "~/domain/baseline";
import { formatDate } from "~/domain/time";

const BADGE: Record<string, string> = {
  none: "badge",
  collecting: "badge warn",
  mature: "badge ok",
  stalled: "badge bad",
  accepted: "badge ok",
};

/** A mark for each status beside its word, so the status reads without its colour. */
const MARK: Record<string, string> = { none: "–", collecting: "◔", mature: "✓", stalled: "⚠", accepted: "✓" };

/** The baseline's status alone, where counted days and dates are shown beside it. */
export function BaselineStatusBadge({ status }: { status: string }) {
  return (
    <span className={BADGE[status] ?? "badge"}>
      {MARK[status] ? (
        <span className="badge-mark" aria-hidden="true">
          {MARK[status]}
        </span>
      ) : null}
      {status}
    </span>
  );
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
      <BaselineStatusBadge status={baseline.status} />
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
