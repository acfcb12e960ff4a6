import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  bandOf,
  DIAGRAM_BANDS,
  layoutDiagram,
  type DiagramConduit,
  type DiagramInput,
  type DiagramLayout,
  type DiagramZone,
} from "../../app/domain/diagram-layout";
import { CONDUIT_STATES } from "../../app/domain/readiness";
import { textWidth } from "../../app/domain/text-width";
import { ZONE_KINDS } from "../../app/domain/vocabulary";
import { geometryFaults } from "../support/diagram-geometry";

// The diagram's layout: no box over another, no label over a box or a label, no connector through a box but its
// two zones', whatever the design (small, tricky, the largest a plant should have, and random ones); the same data
// gives the same layout in any order; the bands run top to bottom by Purdue level.

const BASELINES = ["none", "collecting", "mature", "stalled", "accepted"] as const;

function zone(id: number, name: string, kind: string, purdueLevel: number | null = null): DiagramZone {
  return { id, name, kind, purdueLevel, slTarget: id % 5 === 0 ? null : (id % 4) + 1, assetCount: id * 7 };
}

function conduit(id: number, zoneAId: number, zoneBId: number, name = `Conduit ${id}`): DiagramConduit {
  return {
    id,
    name,
    zoneAId,
    zoneBId,
    state: CONDUIT_STATES[id % CONDUIT_STATES.length]!,
    baseline: BASELINES[id % BASELINES.length]!,
    staleSignoffs: id % 3 === 0 ? 1 : 0,
    openViolations: id % 4 === 0 ? id : 0,
    designErrors: id % 5 === 0 ? 2 : 0,
    designWarnings: id % 6 === 0 ? 1 : 0,
  };
}

/** A deterministic pseudo-random design of `zones` zones and `conduits` conduits. */
function generated(zoneCount: number, conduitCount: number, seed = 7): DiagramInput {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const levels = [null, 0, 1, 1.5, 2, 3, 3.5, 4, 5];
  const zones = Array.from({ length: zoneCount }, (_, i) => {
    const kind = ZONE_KINDS[next(ZONE_KINDS.length)]!;
    const level = next(3) === 0 ? levels[next(levels.length)]! : null;
    const name = i % 7 === 0 ? `Zone ${i} with a rather long descriptive name for the packaging line` : `Zone ${i}`;
    return zone(i + 1, name, kind, level);
  });
  const conduits = Array.from({ length: conduitCount }, (_, i) => {
    const a = next(zoneCount) + 1;
    const b = i % 9 === 0 ? a : next(zoneCount) + 1;
    const name = i % 5 === 0 ? `Historian replication ${i} from the line to the DMZ` : `C${i}`;
    return conduit(i + 1, a, b, name);
  });
  return { zones, conduits };
}

function faultsOf(layout: DiagramLayout): string[] {
  return geometryFaults({
    zones: layout.boxes.map((box) => ({ ...box, id: box.zone.id, name: box.zone.name })),
    labels: [
      ...layout.connectors.map((c) => ({ ...c.label, name: c.conduit.name })),
      ...layout.bands.map((band) => ({ ...band.title, name: band.band })),
    ],
    connectors: layout.connectors.map((c) => ({ name: c.conduit.name, from: c.from, to: c.to, points: c.points })),
  });
}

/** Every text line fits its box by the estimate, and every box and label lies inside the picture. */
function textFaults(layout: DiagramLayout): string[] {
  const faults: string[] = [];
  const boxes = [
    ...layout.boxes.map((box) => ({ box, size: layout.zoneFontSize })),
    ...layout.connectors.map((c) => ({ box: c.label, size: layout.labelFontSize })),
    ...layout.bands.map((band) => ({ box: band.title, size: layout.labelFontSize })),
  ];
  for (const { box, size } of boxes) {
    for (const line of box.lines) {
      if (line.x < box.x || line.x + textWidth(line.text, size) > box.x + box.width)
        faults.push(`“${line.text}” sticks out`);
      if (line.y > box.y + box.height || line.y - size < box.y) faults.push(`“${line.text}” sticks out vertically`);
    }
    if (box.x < 0 || box.y < 0 || box.x + box.width > layout.width || box.y + box.height > layout.height) {
      faults.push(`a box at ${box.x},${box.y} lies outside the picture`);
    }
  }
  return faults;
}

function endsOnItsZones(layout: DiagramLayout): string[] {
  const boxOf = new Map(layout.boxes.map((box) => [box.zone.id, box]));
  return layout.connectors.flatMap((c) => {
    const [first, last] = [c.points[0]!, c.points.at(-1)!];
    const [from, to] = [boxOf.get(c.from)!, boxOf.get(c.to)!];
    const onEdge = (p: { x: number; y: number }, box: typeof from) =>
      p.x > box.x && p.x < box.x + box.width && (p.y === box.y || p.y === box.y + box.height);
    return onEdge(first, from) && onEdge(last, to) ? [] : [`“${c.conduit.name}” does not end on its zones`];
  });
}

function assertSound(layout: DiagramLayout) {
  assert.deepEqual(faultsOf(layout), []);
  assert.deepEqual(textFaults(layout), []);
  assert.deepEqual(endsOnItsZones(layout), []);
}

describe("the diagram's layout", () => {
  it("puts each zone in its band: its Purdue level, else its kind's, else the band of other zones", () => {
    assert.equal(bandOf({ kind: "corporate", purdueLevel: null }), "corporate");
    assert.equal(bandOf({ kind: "supervisory", purdueLevel: 5 }), "corporate");
    assert.equal(bandOf({ kind: "dmz", purdueLevel: null }), "dmz");
    assert.equal(bandOf({ kind: "other", purdueLevel: 3.5 }), "dmz");
    assert.equal(bandOf({ kind: "engineering_workstation", purdueLevel: null }), "operations");
    assert.equal(bandOf({ kind: "supervisory", purdueLevel: null }), "supervisory");
    assert.equal(bandOf({ kind: "process_control", purdueLevel: null }), "control");
    assert.equal(bandOf({ kind: "corporate", purdueLevel: 0 }), "control");
    assert.equal(bandOf({ kind: "other", purdueLevel: null }), "other");
  });

  it("draws the bands top to bottom in order, every band's boxes below the bands above", () => {
    const zones = DIAGRAM_BANDS.map((_, i) =>
      zone(
        i + 1,
        `Z${i}`,
        ["corporate", "dmz", "engineering_workstation", "supervisory", "process_control", "other"][i]!
      )
    );
    for (const order of [zones, [...zones].reverse()]) {
      const layout = layoutDiagram({ zones: order, conduits: [conduit(1, 1, 6), conduit(2, 6, 1)] });
      assert.deepEqual(
        layout.bands.map((b) => b.band),
        [...DIAGRAM_BANDS]
      );
      assert.deepEqual(
        [...layout.boxes].sort((a, b) => a.y - b.y).map((box) => box.band),
        [...DIAGRAM_BANDS]
      );
      for (let i = 1; i < layout.bands.length; i++) {
        assert.ok(layout.bands[i - 1]!.y + layout.bands[i - 1]!.height <= layout.bands[i]!.y, "bands do not overlap");
      }
      assertSound(layout);
    }
  });

  it("lays out nothing, one zone, and a zone with no conduit", () => {
    const empty = layoutDiagram({ zones: [], conduits: [] });
    assert.deepEqual([empty.boxes.length, empty.connectors.length, empty.bands.length], [0, 0, 0]);
    const one = layoutDiagram({ zones: [zone(1, "Cell 1", "process_control")], conduits: [conduit(1, 1, 9)] });
    assert.equal(one.boxes.length, 1);
    assert.equal(one.connectors.length, 0, "a conduit to a zone not drawn is left out");
    assertSound(one);
  });

  it("keeps tricky designs sound: neighbours, a zone joined to itself, far bands, a hub, long names", () => {
    const zones = [
      zone(1, "Corporate IT", "corporate"),
      zone(2, "Plant DMZ", "dmz"),
      zone(3, "Engineering", "engineering_workstation"),
      zone(4, "SCADA", "supervisory"),
      zone(5, "Line 1 cell", "process_control"),
      zone(6, "Line 2 cell", "process_control"),
      zone(7, "Vendor remote access — Ünïcödé name that is much too long to fit any box at all", "other"),
      zone(8, "Line 3 cell", "process_control"),
    ];
    const conduits = [
      conduit(1, 1, 2, "Corporate to DMZ"),
      conduit(2, 5, 6, "Cell to cell"),
      conduit(3, 6, 6, "Within the cell"),
      conduit(4, 1, 5, "Corporate straight to the floor"),
      conduit(5, 8, 5, "Reverse order"),
      conduit(6, 7, 1, "Vendor to corporate, with a name long enough to run past its whole channel and then some"),
      ...Array.from({ length: 12 }, (_, i) => conduit(10 + i, 4, (i % 8) + 1)),
    ];
    assertSound(layoutDiagram({ zones, conduits }));
  });

  it("keeps 20 in one band and 20 zones × 40 conduits sound", () => {
    const oneBand = Array.from({ length: 20 }, (_, i) => zone(i + 1, `Cell ${i + 1}`, "process_control"));
    const across = Array.from({ length: 40 }, (_, i) => conduit(i + 1, (i % 20) + 1, ((i * 7) % 20) + 1));
    const banded = layoutDiagram({ zones: oneBand, conduits: across });
    assert.equal(new Set(banded.boxes.map((box) => box.y)).size, 4, "20 zones in one band take four rows");
    assertSound(banded);
    const big = layoutDiagram(generated(20, 40));
    assert.equal(big.boxes.length, 20);
    assert.equal(big.connectors.length, 40);
    assertSound(big);
    assert.ok(big.width < 2400 && big.height < 3200, `it stays a readable size (${big.width} × ${big.height})`);
  });

  it("gives the same layout for the same data, in whatever order it comes", () => {
    const design = generated(20, 40, 11);
    const reversed = { zones: [...design.zones].reverse(), conduits: [...design.conduits].reverse() };
    assert.equal(JSON.stringify(layoutDiagram(reversed)), JSON.stringify(layoutDiagram(design)));
  });

  it("keeps any design of up to 20 zones and 40 conduits sound", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (zones, conduits, seed) => {
          const layout = layoutDiagram(generated(zones, conduits, seed));
          return (
            faultsOf(layout).length === 0 && textFaults(layout).length === 0 && endsOnItsZones(layout).length === 0
          );
        }
      ),
      { numRuns: 300, seed: 62443 }
    );
  });
});

describe("the geometry the diagram is judged by", () => {
  it("sees a box over a box, a label over a box, and a connector through a box", () => {
    const zones = [
      { id: 1, name: "A", x: 0, y: 0, width: 100, height: 50 },
      { id: 2, name: "B", x: 90, y: 40, width: 100, height: 50 },
      { id: 3, name: "C", x: 300, y: 0, width: 100, height: 50 },
    ];
    const faults = geometryFaults({
      zones,
      labels: [{ name: "L", x: 310, y: 10, width: 20, height: 10 }],
      connectors: [
        {
          name: "K",
          from: 1,
          to: 2,
          points: [
            { x: 50, y: 50 },
            { x: 50, y: 25 },
            { x: 350, y: 25 },
          ],
        },
      ],
    });
    assert.deepEqual(faults, [
      "zone “A” overlaps zone “B”",
      "label “L” overlaps zone “C”",
      "connector “K” crosses zone “C”",
    ]);
  });
});
