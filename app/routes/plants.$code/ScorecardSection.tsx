import { ScorecardRules, ScorecardTable } from "~/components/dashboard/Scorecard";
import type { QuarterFigures } from "~/domain/floor-stats";

/** The plant's own scorecard: stops caused, minutes lost and its changes' outcomes, per quarter on its clock. */
export function ScorecardSection({
  plantCode,
  timeZone,
  quarters,
}: {
  plantCode: string;
  timeZone: string;
  quarters: readonly QuarterFigures[];
}) {
  return (
    <section className="panel" aria-labelledby="scorecard-title" id="scorecard">
      <h2 id="scorecard-title">Scorecard: stops caused and changes, by quarter</h2>
      {/* Folded, as the gates other than the current one are: the page stays short, and the figures a click away. */}
      <details className="scorecard-details">
        <summary>{quarterSummary(quarters.at(-1))}</summary>
        <ScorecardTable quarters={quarters} caption={`${plantCode} by quarter, on the plant's clock (${timeZone})`} />
        <ScorecardRules />
      </details>
    </section>
  );
}

/** "2026 Q4 to date: 1 stop caused, 45 min lost; 2 changes on plan, 0 with issues, 0 rolled back". */
function quarterSummary(q: QuarterFigures | undefined): string {
  if (!q) return "No quarter to show";
  const stops = `${q.stopsCaused} ${q.stopsCaused === 1 ? "stop" : "stops"} caused, ${q.minutesLost} min lost`;
  return `${q.quarter} to date: ${stops}; ${q.changesOnPlan} changes on plan, ${q.changesWithIssues} with issues, ${q.changesRolledBack} rolled back`;
}
