import { DataTable, type Column } from "~/components/DataTable";
import { stopsInWords, type ProgramHeadline, type QuarterFigures } from "~/domain/floor-stats";

// The program's own scorecard: the production stops the network caused and the minutes they cost, and how the
// program's changes came out, per calendar quarter on each plant's own clock (app/domain/floor-stats.ts).

/** What the scorecard counts, in words: printed under the tables so the figures read the same to everyone. */
export function ScorecardRules() {
  return (
    <ul className="muted scorecard-rules">
      <li>
        Quarters are calendar quarters on each plant's own clock; the program adds up its plants' quarters. The last
        quarter is the current one, to date.
      </li>
      <li>
        A stop counts while its review has not ruled the network out (caused by the network, or suspected). It is caused
        by the program when it is attributed to one of the program's changes.
      </li>
      <li>
        A change counts once, in the quarter of its latest attempt: done on plan when that attempt went as planned, done
        with issues when it went in with issues (not counted as on plan). Every rolled-back attempt counts in its
        quarter.
      </li>
    </ul>
  );
}

/** The executive's headline: unscheduled stops caused by the program this quarter, beside last quarter's. */
export function ScorecardHeadline({ headline }: { headline: ProgramHeadline }) {
  const { thisQuarter, lastQuarter, trailingFour } = headline;
  return (
    <ul className="stats scorecard-headline" aria-label="Unscheduled stops caused by the program">
      <li data-headline="this-quarter">
        <span className="value">{thisQuarter.stops}</span>
        <span className="label">Unscheduled stops caused by the program, {thisQuarter.quarter} (to date)</span>
      </li>
      <li data-headline="last-quarter">
        <span className="value">{lastQuarter.stops}</span>
        <span className="label">Last quarter, {lastQuarter.quarter}</span>
      </li>
      <li data-headline="trailing-four">
        <span className="value">{trailingFour.stops}</span>
        <span className="label">
          The four quarters before, {trailingFour.from} to {trailingFour.to}
        </span>
      </li>
    </ul>
  );
}

const QUARTER_COLUMNS: Column<QuarterFigures & { current: boolean }>[] = [
  {
    header: "Quarter",
    rowHeader: true,
    className: "nowrap",
    cell: (q) => (
      <>
        {q.quarter}
        {q.current ? <div className="muted">to date</div> : null}
      </>
    ),
  },
  { header: "Stops caused", num: true, cell: (q) => q.stopsCaused },
  { header: "Minutes lost", num: true, cell: (q) => q.minutesLost },
  { header: "Caused by the program", num: true, cell: (q) => q.stopsCausedByProgram },
  { header: "Changes on plan", num: true, cell: (q) => q.changesOnPlan },
  { header: "Done with issues", num: true, cell: (q) => q.changesWithIssues },
  { header: "Rolled back", num: true, cell: (q) => q.changesRolledBack },
];

/** The scorecard's quarters (oldest first, the current last), newest at the top. */
export function ScorecardTable({ quarters, caption }: { quarters: readonly QuarterFigures[]; caption: string }) {
  const rows = quarters.map((q, i) => ({ ...q, current: i === quarters.length - 1 })).reverse();
  return (
    <DataTable
      className="scorecard-table"
      caption={caption}
      columns={QUARTER_COLUMNS}
      rows={rows}
      rowKey={(q) => q.quarter}
      rowProps={(q) => ({ "data-quarter": q.quarter })}
    />
  );
}

/** A plant's current quarter in a list cell: its stops and minutes, and its changes. */
export function QuarterCell({ figures }: { figures: QuarterFigures | null }) {
  if (!figures) return null;
  return (
    <div className="quarter-cell" data-quarter={figures.quarter}>
      {figures.quarter}:{" "}
      <span data-stops={figures.stopsCaused} data-minutes={figures.minutesLost}>
        {stopsInWords(figures)}
      </span>{" "}
      <span className="muted">
        · {figures.changesOnPlan} on plan
        {figures.changesWithIssues > 0 ? `, ${figures.changesWithIssues} with issues` : ""},{" "}
        <span data-rolled-back={figures.changesRolledBack}>{figures.changesRolledBack} rolled back</span>
      </span>
    </div>
  );
}
