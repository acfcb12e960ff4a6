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

/** A conduit's baseline at a glance: status, counted days toward maturity, and its maturity date. */
export function BaselineBadge({
  baseline,
  matureDays = 30,
}: {
  baseline: { status: string; countedDays: number; matureOn: string | null; earliestMaturity: string | null };
  matureDays?: number;
}) {
  return (
    <>
      <span className={BADGE[baseline.status] ?? "badge"}>{baseline.status}</span>
      {baseline.status !== "none" ? (
        <span className="muted baseline-detail">
          {baseline.countedDays}/{matureDays} counted days
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
