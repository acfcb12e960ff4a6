// What a drawn diagram must never do, judged from geometry alone (the layout's output, or the boxes a browser
// measured): boxes overlapping, a label over a box or another label, a connector through a box other than the two
// zones it joins. Shared by the layout's unit test and the browser test of the drawn pages.

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Geometry {
  zones: (Box & { id: number; name: string })[];
  labels: (Box & { name: string })[];
  connectors: { name: string; from: number; to: number; points: { x: number; y: number }[] }[];
}

/** Whether two boxes share an area (touching edges do not count), with `slack` pixels forgiven. */
export function overlap(a: Box, b: Box, slack = 0): boolean {
  return (
    a.x + slack < b.x + b.width &&
    b.x + slack < a.x + a.width &&
    a.y + slack < b.y + b.height &&
    b.y + slack < a.y + a.height
  );
}

/** Whether an axis-parallel segment enters the inside of a box (its edges and their line excepted). */
function segmentEnters(p: { x: number; y: number }, q: { x: number; y: number }, box: Box, slack: number): boolean {
  const inner = { x: box.x + slack, y: box.y + slack, width: box.width - 2 * slack, height: box.height - 2 * slack };
  const seg = {
    x: Math.min(p.x, q.x),
    y: Math.min(p.y, q.y),
    width: Math.abs(p.x - q.x),
    height: Math.abs(p.y - q.y),
  };
  return (
    seg.x < inner.x + inner.width &&
    inner.x < seg.x + seg.width + (seg.width === 0 ? 0.001 : 0) &&
    seg.y < inner.y + inner.height &&
    inner.y < seg.y + seg.height + (seg.height === 0 ? 0.001 : 0)
  );
}

/** Everything wrong with the geometry, in words (empty when nothing is). */
export function geometryFaults(geometry: Geometry, slack = 0): string[] {
  const faults: string[] = [];
  const { zones, labels, connectors } = geometry;
  zones.forEach((a, i) =>
    zones.slice(i + 1).forEach((b) => {
      if (overlap(a, b, slack)) faults.push(`zone “${a.name}” overlaps zone “${b.name}”`);
    })
  );
  labels.forEach((label, i) => {
    for (const zone of zones)
      if (overlap(label, zone, slack)) faults.push(`label “${label.name}” overlaps zone “${zone.name}”`);
    labels.slice(i + 1).forEach((other) => {
      if (overlap(label, other, slack)) faults.push(`label “${label.name}” overlaps label “${other.name}”`);
    });
  });
  for (const connector of connectors) {
    for (let k = 1; k < connector.points.length; k++) {
      const [p, q] = [connector.points[k - 1]!, connector.points[k]!];
      if (p.x !== q.x && p.y !== q.y && Math.abs(p.x - q.x) > 0.5 && Math.abs(p.y - q.y) > 0.5) {
        faults.push(`connector “${connector.name}” has a slanted segment`);
      }
      for (const zone of zones) {
        if (zone.id === connector.from || zone.id === connector.to) continue;
        if (segmentEnters(p, q, zone, slack)) faults.push(`connector “${connector.name}” crosses zone “${zone.name}”`);
      }
    }
  }
  return faults;
}
