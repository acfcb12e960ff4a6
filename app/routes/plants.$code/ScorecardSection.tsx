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
      <ScorecardTable quarters={quarters} caption={`${plantCode} by quarter, on the plant's clock (${timeZone})`} />
      <ScorecardRules />
    </section>
  );
}
