import { PhaseBadge } from "~/components/PhaseBadge";
import { PlantName } from "~/components/DataTable";
import { RenderedOnce } from "~/components/RenderedOnce";
import type { CriterionCell } from "~/domain/rollup";
import { PHASE_LABELS, type Phase, type PlantPhase } from "~/domain/vocabulary";

// The plants × criteria matrix of the dashboard: a plain table (reads, prints and works without JavaScript), each
// cell coloured and in words, with a last row counting the plants each criterion holds back. Two thousand cells
// the same for every reader: the server renders them once per rollup and matrix page (`RenderedOnce`).

const CELL_LABELS: Record<CriterionCell, string> = {
  met: "Met",
  unmet: "Unmet",
  waived: "Waived",
  later: "Not yet",
  passed: "Passed",
};

const CELL_MEANING: Record<CriterionCell, string> = {
  met: "the plant's current gate, this criterion holds",
  unmet: "the plant's current gate, this criterion does not hold: it holds the plant back",
  waived: "the plant's current gate, this checklist criterion is waived by the program lead",
  later: "the plant has not reached this gate yet",
  passed: "the plant already passed this gate",
};

export interface MatrixData {
  gates: { phase: Phase; criteria: { code: string; title: string }[] }[];
  rows: { code: string; name: string; phase: PlantPhase; cells: CriterionCell[] }[];
  /** Per criterion column, in order: plants (of all, not only this page) the criterion holds back. */
  heldBack: number[];
}

export function MatrixLegend() {
  return (
    <ul className="matrix-legend" aria-label="What the cells say">
      {(Object.keys(CELL_LABELS) as CriterionCell[]).map((cell) => (
        <li key={cell}>
          <span className={`matrix-cell cell-${cell}`}>{CELL_LABELS[cell]}</span>: {CELL_MEANING[cell]}
        </li>
      ))}
    </ul>
  );
}

/** The matrix in its scrolling box: rendered once per `data` on the server. */
export function CriteriaMatrix({ data, caption }: { data: MatrixData; caption: string }) {
  return (
    <RenderedOnce
      of={data}
      part="matrix"
      className="table-wrap matrix-wrap"
      role="region"
      aria-label={caption}
      tabIndex={0}
    >
      <MatrixTable data={data} caption={caption} />
    </RenderedOnce>
  );
}

/** The matrix's table, from its data alone (no router: the row links are plain anchors). */
function MatrixTable({ data, caption }: { data: MatrixData; caption: string }) {
  const columns = data.gates.flatMap((g) => g.criteria);
  const most = Math.max(0, ...data.heldBack);
  return (
    <table className="criteria-matrix">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col" rowSpan={2}>
            Plant
          </th>
          {data.gates.map((g) => (
            <th key={g.phase} scope="colgroup" colSpan={g.criteria.length} className="matrix-gate">
              {PHASE_LABELS[g.phase]} gate
            </th>
          ))}
        </tr>
        <tr>
          {columns.map((c) => (
            <th key={c.code} scope="col" className="matrix-code">
              <abbr title={c.title}>{c.code}</abbr>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.rows.map((row) => (
          <tr key={row.code} data-matrix-plant={row.code}>
            <th scope="row">
              <PlantName code={row.code} name={row.name} to={`/plants/${row.code}#gates`} />
              <div>
                <PhaseBadge phase={row.phase} />
              </div>
            </th>
            {row.cells.map((cell, i) => (
              <td
                key={columns[i]!.code}
                className={`matrix-cell cell-${cell}`}
                data-criterion={columns[i]!.code}
                title={`${row.code} · ${columns[i]!.code} ${columns[i]!.title}: ${CELL_LABELS[cell].toLowerCase()}`}
              >
                {CELL_LABELS[cell]}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr data-matrix-total="held-back">
          <th scope="row">Plants held back</th>
          {data.heldBack.map((n, i) => (
            <td
              key={columns[i]!.code}
              className={`num${n > 0 && n === most ? " matrix-most" : ""}`}
              data-criterion={columns[i]!.code}
            >
              {n}
            </td>
          ))}
        </tr>
      </tfoot>
    </table>
  );
}
