import type { BaselineStatus } from "./baseline";
import type { ConduitState } from "./readiness";
import { fitText, textWidth } from "./text-width";

// The layout of a plant's zones and conduits as a picture: a pure function of the data, so the same data always
// gives the same picture (and the same bytes once drawn).
//
// Zones are boxes in horizontal bands by Purdue level, top to bottom, several rows to a band when it has many zones.
// Every row shares one grid of columns, so the gutters between columns run free of boxes from top to bottom, and the
// channels between rows run free of boxes from left to right. A conduit leaves its zone's box by a port of its own on
// the box's top edge (left half) or bottom edge (right half), runs along a lane of the channel next to the box,
// and, when its other zone is not in the next row, down a lane of its own in a gutter to the channel next to the
// other box. Its label sits just above its lane in the first channel it runs along. Within a channel, lanes with
// their labels are stacked in tracks; a track holds several only where their extents do not meet. So no box meets
// another box, no label meets a box or another label, and a connector meets no box but its two zones'.

export const DIAGRAM_BANDS = ["corporate", "dmz", "operations", "supervisory", "control", "other"] as const;
export type DiagramBand = (typeof DIAGRAM_BANDS)[number];

/** Each band's title, in two lines: its levels and what sits there. */
export const BAND_TITLES: Record<DiagramBand, readonly [string, string]> = {
  corporate: ["Levels 4–5", "Corporate"],
  dmz: ["Level 3.5", "DMZ"],
  operations: ["Level 3", "Site operations"],
  supervisory: ["Level 2", "Supervisory"],
  control: ["Levels 0–1", "Process control"],
  other: ["No level", "Other zones"],
};

/** The Purdue level of a zone of each kind, when the zone names none. */
const KIND_LEVELS: Readonly<Record<string, number>> = {
  corporate: 4,
  dmz: 3.5,
  engineering_workstation: 3,
  supervisory: 2,
  process_control: 1,
};

export interface DiagramZone {
  id: number;
  name: string;
  kind: string;
  purdueLevel: number | null;
  slTarget: number | null;
  assetCount: number;
}

export interface DiagramConduit {
  id: number;
  name: string;
  zoneAId: number;
  zoneBId: number;
  state: ConduitState;
  baseline: BaselineStatus;
  /** Owners' parts signed for an earlier revision of the conduit. */
  staleSignoffs: number;
  /** Wrong flows seen on the conduit and not acknowledged since. */
  openViolations: number;
  designErrors: number;
  designWarnings: number;
}

export interface DiagramInput {
  zones: readonly DiagramZone[];
  conduits: readonly DiagramConduit[];
}

/** A line of text: its left end and baseline. */
export interface PlacedText {
  text: string;
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TextBox extends Rect {
  lines: PlacedText[];
}

export interface ZoneBox extends TextBox {
  zone: DiagramZone;
  band: DiagramBand;
}

export interface Connector {
  conduit: DiagramConduit;
  /** The zones it joins, in the order the route runs (upper first). */
  from: number;
  to: number;
  /** An orthogonal polyline from the edge of one zone's box to the edge of the other's. */
  points: { x: number; y: number }[];
  label: TextBox;
}

export interface BandArea extends Rect {
  band: DiagramBand;
  title: TextBox;
}

export interface DiagramLayout {
  width: number;
  height: number;
  zoneFontSize: number;
  labelFontSize: number;
  bands: BandArea[];
  boxes: ZoneBox[];
  connectors: Connector[];
}

const ZONE_FONT = 13;
const ZONE_LINE = 17;
const ZONE_PAD_X = 10;
const ZONE_PAD_Y = 8;
const BOX_HEIGHT = 2 * ZONE_LINE + 2 * ZONE_PAD_Y;
const BOX_MIN_WIDTH = 150;
const BOX_MAX_TEXT = 240;
const MAX_COLUMNS = 5;
const PORT_GAP = 6;
const PORT_INSET = 8;

const LABEL_FONT = 11;
const LABEL_LINE = 14;
const LABEL_PAD_X = 4;
const LABEL_PAD_Y = 2;
const LABEL_MAX_TEXT = 320;
/** Between a label's bottom and its lane, and between a lane and the next track. */
const LANE_GAP = 4;
/** Between two extents sharing a track. */
const TRACK_SPACING = 10;
const CHANNEL_PAD = 8;
const EMPTY_CHANNEL = 2 * CHANNEL_PAD + 4;
const GUTTER_PAD = 10;
const GUTTER_LANE = 8;
const MIN_GUTTER = 28;
const MARGIN = 12;
const TITLE_GAP = 10;

/** The band a zone is drawn in: by its Purdue level, or its kind's when it has none; "other" without either. */
export function bandOf(zone: { kind: string; purdueLevel: number | null }): DiagramBand {
  const level = zone.purdueLevel ?? KIND_LEVELS[zone.kind] ?? null;
  if (level === null) return "other";
  if (level >= 4) return "corporate";
  if (level >= 3.5) return "dmz";
  if (level >= 3) return "operations";
  if (level >= 2) return "supervisory";
  return "control";
}

export const STATE_WORDS: Record<ConduitState, string> = {
  draft: "draft",
  defined: "defined",
  signed: "signed",
  cut_over: "cut over",
  baselining: "baselining",
  mature: "mature",
  alert_wired: "alert wired",
};

export const BASELINE_WORDS: Record<BaselineStatus, string> = {
  none: "no baseline",
  collecting: "baseline collecting",
  mature: "baseline mature",
  stalled: "baseline stalled",
  accepted: "baseline accepted",
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The marks a conduit carries, each a symbol and words: stale signoffs, open wrong flows, design findings. */
export function conduitMarks(conduit: DiagramConduit): string[] {
  const marks: string[] = [];
  if (conduit.staleSignoffs > 0) marks.push(`⚠ ${plural(conduit.staleSignoffs, "stale signoff", "stale signoffs")}`);
  if (conduit.openViolations > 0) {
    marks.push(`⚑ ${plural(conduit.openViolations, "open wrong flow", "open wrong flows")}`);
  }
  if (conduit.designErrors > 0) marks.push(`✕ ${plural(conduit.designErrors, "design error", "design errors")}`);
  if (conduit.designWarnings > 0) marks.push(`! ${plural(conduit.designWarnings, "warning", "warnings")}`);
  return marks;
}

/** A zone's second line: its target security level and its assets. */
export function zoneFacts(zone: DiagramZone): string {
  const target = zone.slTarget === null ? "no SL-T" : `SL-T ${zone.slTarget}`;
  return `${target} · ${plural(zone.assetCount, "asset", "assets")}`;
}

/** A conduit label's lines: its name, its track state and baseline, then its marks (several to a line). */
function conduitLabelLines(conduit: DiagramConduit): string[] {
  const lines = [
    fitText(conduit.name, LABEL_FONT, LABEL_MAX_TEXT),
    `${STATE_WORDS[conduit.state]} · ${BASELINE_WORDS[conduit.baseline]}`,
  ];
  let line = "";
  for (const mark of conduitMarks(conduit)) {
    const joined = line ? `${line} · ${mark}` : mark;
    if (line && textWidth(joined, LABEL_FONT) > LABEL_MAX_TEXT) {
      lines.push(line);
      line = mark;
    } else line = joined;
  }
  if (line) lines.push(line);
  return lines;
}

const byName = <T extends { name: string; id: number }>(a: T, b: T) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id;

interface Cell {
  zone: DiagramZone;
  band: DiagramBand;
  row: number;
  column: number;
}

/** One run of a conduit along a channel, between two x positions, with its label when it carries it. */
interface Run {
  order: number;
  channel: number;
  x1: number;
  x2: number;
  /** Where the conduit comes down into the lane from above (its label keeps clear of it), if it does. */
  fromAbove: number | null;
  label: { lines: string[]; width: number; height: number } | null;
  /** Set once the runs are stacked: the label's left end, the lane's offset in the channel. */
  labelX: number;
  laneOffset: number;
}

/** Where a port is: the box, its side, and the x it leans to (to order a box's ports so they cross the least). */
interface PortRequest {
  zoneId: number;
  side: "top" | "bottom";
  toward: number;
  order: number;
  x: number;
}

function placeZones(zones: readonly DiagramZone[]) {
  const inBand = new Map<DiagramBand, DiagramZone[]>(DIAGRAM_BANDS.map((band) => [band, []]));
  for (const zone of [...zones].sort(byName)) inBand.get(bandOf(zone))!.push(zone);
  for (const list of inBand.values()) {
    // Higher levels first within a band (a level 5 zone above a level 4 one), by name among equals.
    list.sort((a, b) => (b.purdueLevel ?? -1) - (a.purdueLevel ?? -1) || byName(a, b));
  }
  const columns = Math.max(1, Math.min(MAX_COLUMNS, Math.max(...[...inBand.values()].map((list) => list.length))));
  const cells: Cell[] = [];
  const bandRows: { band: DiagramBand; first: number; last: number }[] = [];
  let row = 0;
  for (const band of DIAGRAM_BANDS) {
    const list = inBand.get(band)!;
    if (list.length === 0) continue;
    const first = row;
    for (let start = 0; start < list.length; start += columns, row++) {
      const inRow = list.slice(start, start + columns);
      const offset = Math.floor((columns - inRow.length) / 2);
      inRow.forEach((zone, index) => cells.push({ zone, band, row, column: offset + index }));
    }
    bandRows.push({ band, first, last: row - 1 });
  }
  return { cells, columns, rows: row, bandRows };
}

function stackRuns(runs: Run[]): Run[][] {
  const tracks: { runs: Run[]; extents: [number, number][] }[] = [];
  const extentOf = (run: Run): [number, number] => {
    const left = Math.min(run.x1, run.x2, run.label ? run.labelX : Infinity);
    const right = Math.max(run.x1, run.x2, run.label ? run.labelX + run.label.width : -Infinity);
    return [left - TRACK_SPACING / 2, right + TRACK_SPACING / 2];
  };
  const sorted = [...runs].sort((a, b) => extentOf(a)[0] - extentOf(b)[0] || a.order - b.order);
  for (const run of sorted) {
    const [left, right] = extentOf(run);
    let track = tracks.find((t) => t.extents.every(([l, r]) => right <= l || left >= r));
    if (!track) tracks.push((track = { runs: [], extents: [] }));
    track.runs.push(run);
    track.extents.push([left, right]);
  }
  return tracks.map((t) => t.runs);
}

/** Lays out a plant's zones and conduits (see the top of this file). */
export function layoutDiagram(input: DiagramInput): DiagramLayout {
  const { cells, columns, rows, bandRows } = placeZones(input.zones);
  const cellOf = new Map(cells.map((cell) => [cell.zone.id, cell]));
  const conduits = [...input.conduits].sort(byName).filter((c) => cellOf.has(c.zoneAId) && cellOf.has(c.zoneBId));

  // The boxes' text, and the width every box shares.
  const zoneLines = new Map(
    cells.map((cell) => [cell.zone.id, [fitText(cell.zone.name, ZONE_FONT, BOX_MAX_TEXT), zoneFacts(cell.zone)]])
  );
  const textNeed = Math.max(0, ...[...zoneLines.values()].flat().map((line) => textWidth(line, ZONE_FONT)));

  // Each conduit's route: its upper zone first; the gutter it goes down by when its zones are rows apart.
  const routes = conduits.map((conduit, order) => {
    let [upper, lower] = [cellOf.get(conduit.zoneAId)!, cellOf.get(conduit.zoneBId)!];
    if (lower.row < upper.row || (lower.row === upper.row && lower.column < upper.column))
      [upper, lower] = [lower, upper];
    const kind = upper.row === lower.row ? "same" : lower.row === upper.row + 1 ? "adjacent" : "gutter";
    const gutter = Math.floor((upper.column + lower.column) / 2) + 1;
    return { conduit, order, upper, lower, kind, gutter };
  });
  const gutterLanes = new Map<number, number[]>();
  for (const route of routes.filter((r) => r.kind === "gutter")) {
    const lanes = gutterLanes.get(route.gutter) ?? [];
    lanes.push(route.order);
    gutterLanes.set(route.gutter, lanes);
  }

  // Ports: each conduit end has its own on its box's edge, top (left half) or bottom (right half).
  const ports: PortRequest[] = [];
  for (const r of routes) {
    const upperSide = r.kind === "same" ? "top" : "bottom";
    ports.push({ zoneId: r.upper.zone.id, side: upperSide, toward: 0, order: 2 * r.order, x: 0 });
    ports.push({ zoneId: r.lower.zone.id, side: "top", toward: 0, order: 2 * r.order + 1, x: 0 });
  }
  const perSide = new Map<string, PortRequest[]>();
  for (const port of ports) {
    const key = `${port.zoneId}|${port.side}`;
    perSide.set(key, [...(perSide.get(key) ?? []), port]);
  }
  const portNeed = 2 * (Math.max(0, ...[...perSide.values()].map((list) => list.length)) * PORT_GAP + PORT_INSET + 4);
  const boxWidth = Math.max(BOX_MIN_WIDTH, textNeed + 2 * ZONE_PAD_X, portNeed);

  // Columns and gutters across.
  const titleLines = bandRows.map((b) => BAND_TITLES[b.band]);
  const titleWidth = Math.max(0, ...titleLines.flat().map((line) => textWidth(line, LABEL_FONT))) + 2 * LABEL_PAD_X;
  const gutterWidth = (g: number) =>
    Math.max(MIN_GUTTER, 2 * GUTTER_PAD + ((gutterLanes.get(g)?.length ?? 1) - 1) * GUTTER_LANE);
  const gutterX: number[] = [];
  const columnX: number[] = [];
  let x = MARGIN + titleWidth + TITLE_GAP;
  const contentLeft = x;
  for (let g = 0; g <= columns; g++) {
    gutterX.push(x);
    x += gutterWidth(g);
    if (g < columns) {
      columnX.push(x);
      x += boxWidth;
    }
  }
  const gridRight = x;
  const laneX = new Map<number, number>();
  for (const [g, lanes] of gutterLanes) {
    lanes.forEach((order, index) => laneX.set(order, gutterX[g]! + GUTTER_PAD + index * GUTTER_LANE));
  }
  const centerOf = (cell: Cell) => columnX[cell.column]! + boxWidth / 2;

  // Ports along each edge, ordered by where their conduits lean.
  for (const r of routes) {
    const [up, down] = [ports[2 * r.order]!, ports[2 * r.order + 1]!];
    up.toward = r.kind === "gutter" ? laneX.get(r.order)! : centerOf(r.lower);
    down.toward = r.kind === "gutter" ? laneX.get(r.order)! : centerOf(r.upper);
  }
  for (const list of perSide.values()) {
    list.sort((a, b) => a.toward - b.toward || a.order - b.order);
    const cell = cellOf.get(list[0]!.zoneId)!;
    const left = columnX[cell.column]!;
    const [start, end] =
      list[0]!.side === "top"
        ? [left + PORT_INSET, left + boxWidth / 2 - 2]
        : [left + boxWidth / 2 + 2, left + boxWidth - PORT_INSET];
    list.forEach((port, index) => (port.x = Math.round(start + ((index + 1) * (end - start)) / (list.length + 1))));
  }

  // Runs along the channels (channel k lies above row k), and the labels they carry.
  const runs: Run[] = [];
  for (const r of routes) {
    const [up, down] = [ports[2 * r.order]!.x, ports[2 * r.order + 1]!.x];
    const lines = conduitLabelLines(r.conduit);
    const label = {
      lines,
      width: Math.max(...lines.map((line) => textWidth(line, LABEL_FONT))) + 2 * LABEL_PAD_X,
      height: lines.length * LABEL_LINE + 2 * LABEL_PAD_Y,
    };
    const run = (channel: number, x1: number, x2: number, fromAbove: number | null, carries: boolean): Run => ({
      order: r.order,
      channel,
      x1,
      x2,
      fromAbove,
      label: carries ? label : null,
      labelX: 0,
      laneOffset: 0,
    });
    if (r.kind === "same") runs.push(run(r.upper.row, up, down, null, true));
    else if (r.kind === "adjacent") runs.push(run(r.lower.row, up, down, up, true));
    else {
      const lane = laneX.get(r.order)!;
      runs.push(run(r.upper.row + 1, up, lane, up, true), run(r.lower.row, lane, down, lane, false));
    }
  }
  // A label starts just right of its run's left end, or ends just left of its right end when the conduit comes
  // down from above there: it never covers its own connector's way in.
  for (const run of runs) {
    if (!run.label) continue;
    const [left, right] = [Math.min(run.x1, run.x2), Math.max(run.x1, run.x2)];
    const atRight = run.fromAbove !== null && run.fromAbove === right && left !== right;
    run.labelX = Math.max(contentLeft, atRight ? right - 6 - run.label.width : left + 6);
  }

  // Tracks per channel, and the channels' heights.
  const channelHeights: number[] = [];
  for (let channel = 0; channel <= rows; channel++) {
    const tracks = stackRuns(runs.filter((run) => run.channel === channel));
    let offset = CHANNEL_PAD;
    for (const track of tracks) {
      const labelHeight = Math.max(0, ...track.map((run) => run.label?.height ?? 0));
      const lane = offset + (labelHeight > 0 ? labelHeight + LANE_GAP : LANE_GAP);
      for (const run of track) run.laneOffset = lane;
      offset = lane + LANE_GAP;
    }
    channelHeights.push(tracks.length === 0 ? EMPTY_CHANNEL : offset + CHANNEL_PAD - LANE_GAP);
  }
  const channelY: number[] = [];
  const rowY: number[] = [];
  let y = MARGIN;
  for (let k = 0; k <= rows; k++) {
    channelY.push(y);
    y += channelHeights[k]!;
    if (k < rows) {
      rowY.push(y);
      y += BOX_HEIGHT;
    }
  }
  const height = y + MARGIN;

  const boxes: ZoneBox[] = cells.map((cell) => {
    const [bx, by] = [columnX[cell.column]!, rowY[cell.row]!];
    const [name, facts] = zoneLines.get(cell.zone.id)!;
    return {
      zone: cell.zone,
      band: cell.band,
      x: bx,
      y: by,
      width: boxWidth,
      height: BOX_HEIGHT,
      lines: [
        { text: name!, x: bx + ZONE_PAD_X, y: by + ZONE_PAD_Y + ZONE_LINE - 4 },
        { text: facts!, x: bx + ZONE_PAD_X, y: by + ZONE_PAD_Y + 2 * ZONE_LINE - 4 },
      ],
    };
  });
  const boxOf = new Map(boxes.map((box) => [box.zone.id, box]));

  const labelBox = (run: Run): TextBox => {
    const label = run.label!;
    const laneY = channelY[run.channel]! + run.laneOffset;
    const top = laneY - LANE_GAP - label.height;
    return {
      x: run.labelX,
      y: top,
      width: label.width,
      height: label.height,
      lines: label.lines.map((text, index) => ({
        text,
        x: run.labelX + LABEL_PAD_X,
        y: top + LABEL_PAD_Y + (index + 1) * LABEL_LINE - 3,
      })),
    };
  };
  const connectors: Connector[] = routes.map((r) => {
    const mine = runs.filter((run) => run.order === r.order);
    const [up, down] = [ports[2 * r.order]!.x, ports[2 * r.order + 1]!.x];
    const upperBox = boxOf.get(r.upper.zone.id)!;
    const lowerBox = boxOf.get(r.lower.zone.id)!;
    const laneY = (run: Run) => channelY[run.channel]! + run.laneOffset;
    const first = mine[0]!;
    const startY = r.kind === "same" ? upperBox.y : upperBox.y + upperBox.height;
    const points = [
      { x: up, y: startY },
      { x: up, y: laneY(first) },
    ];
    if (r.kind === "gutter") {
      const lane = laneX.get(r.order)!;
      points.push({ x: lane, y: laneY(first) }, { x: lane, y: laneY(mine[1]!) }, { x: down, y: laneY(mine[1]!) });
    } else points.push({ x: down, y: laneY(first) });
    points.push({ x: down, y: lowerBox.y });
    return {
      conduit: r.conduit,
      from: r.upper.zone.id,
      to: r.lower.zone.id,
      points,
      label: labelBox(mine.find((run) => run.label)!),
    };
  });

  const width = Math.max(gridRight, ...connectors.map((c) => c.label.x + c.label.width)) + MARGIN;
  const bands: BandArea[] = bandRows.map(({ band, first, last }) => {
    const top = rowY[first]! - CHANNEL_PAD / 2;
    const bottom = rowY[last]! + BOX_HEIGHT + CHANNEL_PAD / 2;
    const [level, what] = BAND_TITLES[band];
    const titleTop = rowY[first]! + (BOX_HEIGHT - (2 * LABEL_LINE + 2 * LABEL_PAD_Y)) / 2;
    return {
      band,
      x: MARGIN / 2,
      y: top,
      width: width - MARGIN,
      height: bottom - top,
      title: {
        x: MARGIN,
        y: titleTop,
        width: titleWidth,
        height: 2 * LABEL_LINE + 2 * LABEL_PAD_Y,
        lines: [level, what].map((text, index) => ({
          text,
          x: MARGIN + LABEL_PAD_X,
          y: titleTop + LABEL_PAD_Y + (index + 1) * LABEL_LINE - 3,
        })),
      },
    };
  });

  return { width, height, zoneFontSize: ZONE_FONT, labelFontSize: LABEL_FONT, bands, boxes, connectors };
}
