import type { ReactNode } from "react";
import { TableScroll } from "~/components/DataTable";
import { PlantDiagram, type DiagramLinks } from "~/components/PlantDiagram";
import { BASELINE_WORDS, layoutDiagram, STATE_WORDS, type DiagramInput } from "~/domain/diagram-layout";
import type { BaselineStatus } from "~/domain/baseline";
import { CONDUIT_STATES } from "~/domain/readiness";

const BASELINE_STATUSES = Object.keys(BASELINE_WORDS) as BaselineStatus[];

/** Where a plant's diagram leads: a zone to its assets in the inventory, a conduit to its page. */
function diagramLinks(plantCode: string): DiagramLinks {
  return {
    zone: (zoneId) => `/plants/${plantCode}/assets?zone=${zoneId}#assets`,
    conduit: (conduitId) => `/plants/${plantCode}/conduits/${conduitId}`,
  };
}

/**
 * A plant's diagram as a figure of a page. Its zones and conduits link to their pages for whoever reads the plant in
 * full (as the tables do). `size`: "fit" scales it to the column (the plant page, the gate review, small multiples),
 * "large" draws it at its own size in a box that scrolls when the window is narrower.
 */
export function PlantDiagramFigure({
  plantCode,
  diagram,
  full,
  size,
  legend = true,
  children,
}: {
  plantCode: string;
  diagram: DiagramInput;
  full: boolean;
  size: "fit" | "large" | "small";
  legend?: boolean;
  children?: ReactNode;
}) {
  const drawing = (
    <PlantDiagram
      layout={layoutDiagram(diagram)}
      input={diagram}
      title={`Zones and conduits of ${plantCode}`}
      idPrefix={`diagram-${plantCode}`}
      links={full ? diagramLinks(plantCode) : null}
      legend={legend}
    />
  );
  return (
    <figure className={`diagram-figure diagram-${size}`}>
      {size === "large" ? (
        <TableScroll className="diagram-scroll" label={`Diagram of ${plantCode}, scrolls sideways`}>
          {drawing}
        </TableScroll>
      ) : (
        drawing
      )}
      {children ? <figcaption>{children}</figcaption> : null}
    </figure>
  );
}

/** The legend in words, beside the drawing (whose own legend is part of the picture). */
export function DiagramLegendText() {
  return (
    <dl className="diagram-legend-text">
      <dt>Zones</dt>
      <dd>
        Boxes in bands by Purdue level, top to bottom: levels 4–5 corporate, 3.5 DMZ, 3 site operations and engineering,
        2 supervisory, 0–1 process control, then zones of no level. Each names its target security level (SL-T) and its
        assets.
      </dd>
      <dt>Conduits</dt>
      <dd>
        Lines between the zones they join, each labelled with its name, its track state (
        {CONDUIT_STATES.map((state) => STATE_WORDS[state]).join(", ")}: dotted grey when draft, dashed grey when
        defined, dash-dot blue when signed, solid blue once cut over, dashed amber while baselining, solid green when
        mature, thick dark green once its alerts are wired) and its baseline (
        {BASELINE_STATUSES.map((status) => BASELINE_WORDS[status]).join(", ")}: the label&apos;s frame).
      </dd>
      <dt>Marks</dt>
      <dd>
        ⚠ stale signoffs (an owner signed an earlier revision), ⚑ open wrong flows, ✕ design errors, ! design warnings,
        each with its count in words.
      </dd>
    </dl>
  );
}
