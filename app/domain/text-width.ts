// How wide a line of text is drawn in DejaVu Sans (regular), estimated from above: the diagram reserves room for its
// labels before any browser or rasterizer draws them, so an estimate must never fall short of the drawn text.
// The printable ASCII characters take their advances from the font (thousandths of an em, rounded up); the marks the
// diagram uses theirs; any other character of a Latin script counts as a whole em (wider than any Latin letter of the
// font) and anything else as 1.8 em (wider than any glyph of the font, or of a wide fallback font).

/** The font the diagram names in its SVG; its metrics are the ones below. */
export const DIAGRAM_FONT_FAMILY = "'DejaVu Sans', Verdana, sans-serif";

// prettier-ignore
const ASCII_ADVANCES = [
  318, 401, 460, 838, 637, 951, 780, 275, 391, 391, 500, 838, 318, 361, 318, 337, 637, 637, 637, 637, 637, 637, 637,
  637, 637, 637, 337, 337, 838, 838, 838, 531, 1000, 685, 687, 699, 771, 632, 576, 775, 752, 295, 295, 656, 558, 863,
  749, 788, 604, 788, 695, 635, 611, 732, 685, 989, 686, 611, 686, 391, 337, 391, 838, 500, 500, 613, 635, 550, 635,
  616, 353, 635, 634, 278, 278, 580, 278, 975, 634, 612, 635, 635, 412, 521, 393, 634, 592, 818, 592, 592, 525, 637,
  337, 637, 838,
];

const MARK_ADVANCES: Record<string, number> = {
  "·": 318,
  "–": 500,
  "—": 1000,
  "…": 1000,
  "↔": 838,
  "✕": 838,
  "⚠": 897,
  "⚑": 897,
};

/** A margin on top of the sum, for rounding and hinting at small sizes. */
const SAFETY = 1.03;

function advance(char: string): number {
  const code = char.codePointAt(0)!;
  if (code >= 32 && code < 127) return ASCII_ADVANCES[code - 32]!;
  const mark = MARK_ADVANCES[char];
  if (mark !== undefined) return mark;
  return code < 0x250 ? 1000 : 1800;
}

/** An upper bound of the width of `text` drawn at `fontSize` pixels, in pixels. */
export function textWidth(text: string, fontSize: number): number {
  let thousandths = 0;
  for (const char of text) thousandths += advance(char);
  return Math.ceil(((thousandths * fontSize) / 1000) * SAFETY);
}

/** `text` cut with an ellipsis so that it is at most `maxWidth` pixels wide at `fontSize` (whole when it fits). */
export function fitText(text: string, fontSize: number, maxWidth: number): string {
  if (textWidth(text, fontSize) <= maxWidth) return text;
  const chars = [...text];
  let kept = chars.length;
  while (kept > 0 && textWidth(`${chars.slice(0, kept).join("").trimEnd()}…`, fontSize) > maxWidth) kept--;
  return `${chars.slice(0, kept).join("").trimEnd()}…`;
}
