import {
  BASELINE_WORDS,
  BAND_TITLES,
  conduitMarks,
  STATE_WORDS,
  zoneFacts,
  type Connector,
  type DiagramBand,
  type DiagramInput,
  type DiagramLayout,
  type ZoneBox,
} from "~/domain/diagram-layout";
import type { BaselineStatus } from "~/domain/baseline";
import type { ConduitState } from "~/domain/readiness";
import { DIAGRAM_FONT_FAMILY, textWidth } from "~/domain/text-width";
import { labelFor, ZONE_KIND_LABELS } from "~/domain/vocabulary";

// A plant's zones and conduits drawn as SVG from their layout (app/domain/diagram-layout.ts): for the pages, the
// SVG and PNG downloads and the gate review alike. Everything is drawn with presentation attributes (no stylesheet),
// so the downloaded file and its PNG look like the page. Colour is never alone: each track state has its dash
// pattern and its words in the label, each baseline status its frame and words, each mark its symbol and words.
// The lines are drawn first, then the labels on white (over any line that passes behind them), then the boxes.

/** How each track state draws its connector. */
const STATE_STROKES: Record<ConduitState, { color: string; dash: string | undefined; width: number }> = {
  draft: { color: "#7b8794", dash: "2 4", width: 1.5 },
  defined: { color: "#52606d", dash: "8 4", width: 1.5 },
  signed: { color: "#2a5db0", dash: "12 3 2 3", width: 2 },
  cut_over: { color: "#2a5db0", dash: undefined, width: 2 },
  baselining: { color: "#a05a00", dash: "6 2", width: 2.5 },
  mature: { color: "#2f7a34", dash: undefined, width: 2.5 },
  alert_wired: { color: "#1b4d20", dash: undefined, width: 4 },
};

/** How each baseline status frames its conduit's label. */
const BASELINE_FRAMES: Record<BaselineStatus, { color: string; dash: string | undefined; width: number }> = {
  none: { color: "#9aa5b1", dash: "1 3", width: 1 },
  collecting: { color: "#a05a00", dash: "4 2", width: 1.5 },
  mature: { color: "#2f7a34", dash: undefined, width: 1.5 },
  stalled: { color: "#b42318", dash: "2 2", width: 2.5 },
  accepted: { color: "#2f7a34", dash: "6 2 1 2", width: 1.5 },
};

const BAND_FILLS: Record<DiagramBand, { band: string; box: string }> = {
  corporate: { band: "#f1f4f9", box: "#dfe7f3" },
  dmz: { band: "#fbf6ec", box: "#f6e7c8" },
  operations: { band: "#f0f6f0", box: "#dcebdc" },
  supervisory: { band: "#f3f1fa", box: "#e3def4" },
  control: { band: "#f9f0f3", box: "#f1dce4" },
  other: { band: "#f4f4f4", box: "#e6e6e6" },
};

const INK = "#1f2933";
/** The printed width (cm) of a drawing at most so tall for its width: 18 cm wide at most, 20 cm tall at most. */
const PRINT_WIDTHS = [
  [1.1, 18],
  [1.25, 16],
  [1.45, 13],
  [1.7, 11],
  [2, 10],
  [2.5, 8],
  [Infinity, 6],
] as const;
const MARKS_LEGEND = ["⚠ stale signoff", "⚑ open wrong flows", "✕ design errors", "! design warnings"];
const LEGEND_ROW = 22;
const LEGEND_SAMPLE = 30;

export interface DiagramLinks {
  /** The zone's assets in the inventory. */
  zone: (zoneId: number) => string;
  conduit: (conduitId: number) => string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function zoneDescription(box: ZoneBox): string {
  const { zone } = box;
  const level = zone.purdueLevel === null ? "no Purdue level set" : `Purdue level ${zone.purdueLevel}`;
  return `${labelFor(ZONE_KIND_LABELS, zone.kind)} zone in the band ${BAND_TITLES[box.band].join(
    ", "
  )}; ${level}; ${zoneFacts(zone)}.`;
}

function conduitDescription(connector: Connector, names: Map<number, string>): string {
  const { conduit } = connector;
  const marks = conduitMarks(conduit).map((mark) => mark.slice(2));
  return [
    `Conduit between ${names.get(conduit.zoneAId)} and ${names.get(conduit.zoneBId)}`,
    `track ${STATE_WORDS[conduit.state]}`,
    BASELINE_WORDS[conduit.baseline],
    ...marks,
  ].join("; ");
}

/** An element inside a link, or as it is when there is no link for it. */
function Linked({ href, children }: { href: string | null; children: React.ReactElement }) {
  return href ? <a href={href}>{children}</a> : children;
}

/** The legend's entries, laid in rows no wider than `width`: its rows and its height. */
function legendEntries(width: number, fontSize: number) {
  const groups: { title: string; items: { text: string; kind: "state" | "baseline" | "mark"; key: string }[] }[] = [
    {
      title: "Track:",
      items: (Object.keys(STATE_WORDS) as ConduitState[]).map((key) => ({
        text: STATE_WORDS[key],
        kind: "state",
        key,
      })),
    },
    {
      title: "Label frame:",
      items: (Object.keys(BASELINE_WORDS) as BaselineStatus[]).map((key) => ({
        text: BASELINE_WORDS[key],
        kind: "baseline",
        key,
      })),
    },
    { title: "Marks:", items: MARKS_LEGEND.map((text) => ({ text, kind: "mark", key: text })) },
  ];
  const placed: { x: number; y: number; text: string; kind: "title" | "state" | "baseline" | "mark"; key: string }[] =
    [];
  let y = 0;
  for (const group of groups) {
    let x = 0;
    placed.push({ x, y, text: group.title, kind: "title", key: group.title });
    x += 90;
    for (const item of group.items) {
      const need = (item.kind === "mark" ? 0 : LEGEND_SAMPLE + 6) + textWidth(item.text, fontSize) + 16;
      if (x + need > width && x > 90) {
        y += LEGEND_ROW;
        x = 90;
      }
      placed.push({ x, y, ...item });
      x += need;
    }
    y += LEGEND_ROW;
  }
  return { placed, height: y };
}

/** The legend, as its own group of the drawing, `top` pixels down. */
function Legend({ top, width, fontSize }: { top: number; width: number; fontSize: number }) {
  const { placed } = legendEntries(width - 24, fontSize);
  return (
    <g className="diagram-legend" transform={`translate(12 ${top})`} fill={INK}>
      {placed.map((entry) => {
        const baseline = entry.y + 15;
        if (entry.kind === "title" || entry.kind === "mark") {
          return (
            <text key={entry.key} x={entry.x} y={baseline} fontWeight={entry.kind === "title" ? "bold" : undefined}>
              {entry.text}
            </text>
          );
        }
        const style =
          entry.kind === "state"
            ? STATE_STROKES[entry.key as ConduitState]
            : BASELINE_FRAMES[entry.key as BaselineStatus];
        return (
          <g key={entry.key}>
            {entry.kind === "state" ? (
              <line
                x1={entry.x}
                x2={entry.x + LEGEND_SAMPLE}
                y1={baseline - 4}
                y2={baseline - 4}
                stroke={style.color}
                strokeWidth={style.width}
                strokeDasharray={style.dash}
              />
            ) : (
              <rect
                x={entry.x}
                y={entry.y + 3}
                width={LEGEND_SAMPLE}
                height={16}
                fill="#fff"
                stroke={style.color}
                strokeWidth={style.width}
                strokeDasharray={style.dash}
              />
            )}
            <text x={entry.x + LEGEND_SAMPLE + 6} y={baseline}>
              {entry.text}
            </text>
          </g>
        );
      })}
    </g>
  );
}

/** The legend's height for a drawing `width` pixels wide. */
function legendHeight(width: number, fontSize: number): number {
  return legendEntries(width - 24, fontSize).height + 12;
}

/**
 * The drawing. `idPrefix` keeps the ids of its title and description apart from other drawings' on one page;
 * `links` (null: no links) says where zones and conduits lead; `legend` draws the legend below the zones.
 */
export function PlantDiagram({
  layout,
  input,
  title,
  idPrefix,
  links,
  legend,
  standalone = false,
}: {
  layout: DiagramLayout;
  input: DiagramInput;
  title: string;
  idPrefix: string;
  links: DiagramLinks | null;
  legend: boolean;
  /** A file of its own: with the SVG namespace, and a white ground (a PNG has no page behind it). */
  standalone?: boolean;
}) {
  const width = Math.max(layout.width, legend ? 560 : 0, 200);
  const drawingHeight = Math.max(layout.height, 40);
  const height = drawingHeight + (legend ? legendHeight(width, layout.labelFontSize) : 0);
  const names = new Map(input.zones.map((zone) => [zone.id, zone.name]));
  // On paper a drawing is at most 18 cm wide and 20 cm tall: how tall it is for its width picks its printed width.
  const tallness = PRINT_WIDTHS.findIndex(([ratio]) => height / width <= ratio);
  const summary =
    input.zones.length === 0
      ? "No zones are defined yet."
      : `${plural(layout.boxes.length, "zone", "zones")} in bands by Purdue level, top to bottom, and ${plural(
          layout.connectors.length,
          "conduit",
          "conduits"
        )} between them, each labelled with its track state, its baseline and its marks.`;
  return (
    <svg
      xmlns={standalone ? "http://www.w3.org/2000/svg" : undefined}
      // A picture (its parts presentational) when it leads nowhere; a graphics document when its zones and conduits
      // are links, so that assistive technology reaches them (an image's links would be hidden from it).
      role={links ? "graphics-document" : "img"}
      aria-labelledby={`${idPrefix}-title ${idPrefix}-desc`}
      className={`plant-diagram print-${PRINT_WIDTHS[tallness < 0 ? PRINT_WIDTHS.length - 1 : tallness]![1]}cm`}
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      fontFamily={DIAGRAM_FONT_FAMILY}
      fontSize={layout.labelFontSize}
    >
      <title id={`${idPrefix}-title`}>{title}</title>
      <desc id={`${idPrefix}-desc`}>{summary}</desc>
      {standalone ? <rect width={width} height={height} fill="#fff" /> : null}
      {input.zones.length === 0 ? (
        <text x={12} y={26} fill={INK}>
          No zones are defined yet.
        </text>
      ) : null}
      {layout.bands.map((band) => (
        <g key={band.band} className="diagram-band">
          <rect x={band.x} y={band.y} width={band.width} height={band.height} fill={BAND_FILLS[band.band].band} />
          <text fill="#3e4c59">
            {band.title.lines.map((line, index) => (
              <tspan key={index} x={line.x} y={line.y}>
                {line.text}
              </tspan>
            ))}
          </text>
        </g>
      ))}
      {layout.connectors.map((connector) => {
        const stroke = STATE_STROKES[connector.conduit.state];
        return (
          <polyline
            key={connector.conduit.id}
            className="conduit-line"
            data-conduit={connector.conduit.id}
            data-from={connector.from}
            data-to={connector.to}
            points={connector.points.map((p) => `${p.x},${p.y}`).join(" ")}
            fill="none"
            stroke={stroke.color}
            strokeWidth={stroke.width}
            strokeDasharray={stroke.dash}
          />
        );
      })}
      {layout.connectors.map((connector) => {
        const frame = BASELINE_FRAMES[connector.conduit.baseline];
        const { label } = connector;
        const marked = conduitMarks(connector.conduit).length > 0;
        return (
          <Linked key={connector.conduit.id} href={links ? links.conduit(connector.conduit.id) : null}>
            <g className="diagram-conduit conduit-label" data-conduit={connector.conduit.id}>
              <title>{connector.conduit.name}</title>
              <desc>{conduitDescription(connector, names)}</desc>
              <rect
                x={label.x}
                y={label.y}
                width={label.width}
                height={label.height}
                fill="#fff"
                stroke={frame.color}
                strokeWidth={frame.width}
                strokeDasharray={frame.dash}
              />
              <text fill={INK}>
                {label.lines.map((line, index) => (
                  <tspan key={index} x={line.x} y={line.y} fill={index >= 2 && marked ? "#8a1c12" : undefined}>
                    {line.text}
                  </tspan>
                ))}
              </text>
            </g>
          </Linked>
        );
      })}
      {layout.boxes.map((box) => (
        <Linked key={box.zone.id} href={links ? links.zone(box.zone.id) : null}>
          <g className="diagram-zone" data-zone={box.zone.id}>
            <title>{box.zone.name}</title>
            <desc>{zoneDescription(box)}</desc>
            <rect
              className="zone-box"
              x={box.x}
              y={box.y}
              width={box.width}
              height={box.height}
              rx={4}
              fill={BAND_FILLS[box.band].box}
              stroke="#3e4c59"
              strokeWidth={1.5}
            />
            <text fill={INK} fontSize={layout.zoneFontSize}>
              {box.lines.map((line, index) => (
                <tspan key={index} x={line.x} y={line.y}>
                  {line.text}
                </tspan>
              ))}
            </text>
          </g>
        </Linked>
      ))}
      {legend ? <Legend top={drawingHeight} width={width} fontSize={layout.labelFontSize} /> : null}
    </svg>
  );
}
