import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { computeBaseline, DEFAULT_BASELINE_SETTINGS as S, type Observation } from "../../app/domain/baseline";
import { addDays } from "../../app/domain/calendar";
import { CRITERIA, computeReadiness, isWaivable, type ConduitFacts, type PlantState } from "../../app/domain/readiness";
import type { DesignConduit, DesignZone } from "../../app/domain/design-review";
import type { PartState } from "../../app/domain/signoffs";
import { PHASES } from "../../app/domain/vocabulary";

const AT = "2026-06-15T15:00:00.000Z";
const signed = (part: PartState["part"]): PartState => ({
  part,
  status: "signed",
  valid: {
    id: 1,
    part,
    personId: 1,
    personName: "Someone",
    role: part === "design_change_control" ? "plant_engineer" : "corporate_security",
    revision: 1,
    contentHash: "h",
    signedAt: "2026-01-01T00:00:00.000Z",
    note: null,
    revokedAt: null,
    revokedReason: null,
  },
  reason: null,
});
const bothSigned = (): PartState[] => [signed("design_change_control"), signed("monitoring_incident_response")];

function quietDays(from: string, count: number): Observation[] {
  return Array.from({ length: count }, (_, i) => ({
    day: addDays(from, i),
    coverage: 1,
    tuples: 30,
    newTuples: i < 3 ? 4 : 0,
    connections: 100,
    bytes: 1000,
    source: "sensor",
  }));
}

function designZone(id: number, name: string, kind: string, purdueLevel: number, slTarget: number): DesignZone {
  return { id, name, kind, purdueLevel, slTarget, safety: false, ranges: [`10.0.${id}.0/24`] };
}

function designConduit(id: number, zoneAId: number, zoneBId: number): DesignConduit {
  return {
    id,
    name: `Conduit ${id}`,
    zoneAId,
    zoneBId,
    flowCount: 2,
    flows: [
      { protocol: "tcp", port: 443, portEnd: null },
      { protocol: "tcp", port: 5450, portEnd: null },
    ],
    monitored: true,
    monitoringPoint: "SPAN on FW-01",
    compensatingNote: null,
  };
}

function conduit(id: number, overrides: Partial<ConduitFacts> = {}): ConduitFacts {
  return {
    id,
    name: `Conduit ${id}`,
    revision: 1,
    zoneAKind: "dmz",
    zoneBKind: id === 1 ? "corporate" : "supervisory",
    distinctZones: true,
    purpose: "Historian replication",
    controlType: "firewall",
    monitored: true,
    monitoringPoint: "SPAN on FW-01",
    flowCount: 2,
    designOwner: "Eng",
    monitoringOwner: "Sec",
    parts: bothSigned(),
    cutover: {
      changeId: id,
      doneAt: "2026-03-01T06:00:00.000Z",
      windowId: 1,
      plannedStart: "2026-03-01T05:00:00.000Z",
    },
    observations: quietDays("2026-03-02", 60),
    baselineAccepted: false,
    alertsWiredAt: "2026-05-01T12:00:00.000Z",
    rules: [{ name: "New talker", class: "unusual", reviewedByEngineer: true }],
    ...overrides,
  };
}

/** A plant where every criterion of every gate holds and no gate has been passed yet. */
function readyPlant(): PlantState {
  return {
    code: "TST",
    timeZone: "America/Chicago",
    passes: [],
    assets: {
      total: 500,
      incomplete: { count: 0, examples: [] },
      staged: { count: 0, examples: [] },
      unplaced: { count: 0, examples: [] },
      activeScans: [{ id: 9, name: "PLC-09", discoveredAt: "2026-03-01T05:30:00.000Z" }],
    },
    activeScanChanges: [],
    zones: [
      { id: 1, name: "Line 1", kind: "process_control", slTarget: 3 },
      { id: 2, name: "Supervisory", kind: "supervisory", slTarget: 2 },
      { id: 3, name: "Engineering", kind: "engineering_workstation", slTarget: 2 },
      { id: 4, name: "Corporate", kind: "corporate", slTarget: 1 },
    ],
    conduits: [conduit(1), conduit(2)],
    split: { written: true, parts: bothSigned() },
    checklist: ["INV-REVIEW", "ZON-REVIEW", "BAS-PIPELINE"].map((code) => ({
      code,
      ticked: true,
      note: "Reviewed",
      by: "Eng",
      at: "2026-02-01T00:00:00.000Z",
      details: null,
    })),
    waivers: [],
    windows: [
      {
        id: 1,
        title: "Sunday outage",
        kind: "scheduled_outage",
        status: "completed",
        startsAt: "2026-03-01T04:00:00.000Z",
        endsAt: "2026-03-01T10:00:00.000Z",
      },
    ],
    design: {
      zones: [
        designZone(1, "Line 1", "process_control", 1, 3),
        designZone(2, "Supervisory", "supervisory", 2, 2),
        designZone(3, "Engineering", "engineering_workstation", 3, 2),
        designZone(4, "Corporate", "corporate", 4, 1),
      ],
      conduits: [designConduit(1, 3, 4), designConduit(2, 3, 2)],
      unzoned: { count: 0, examples: [] },
    },
  };
}

function criterion(state: PlantState, code: string) {
  const result = computeReadiness(state, AT, S);
  for (const gate of result.gates) {
    const found = gate.criteria.find((c) => c.code === code);
    if (found) return found;
  }
  throw new Error(code);
}

describe("a plant that meets everything", () => {
  it("has every gate ready, and its conduits mature with alerts wired", () => {
    const result = computeReadiness(readyPlant(), AT, S);
    assert.deepEqual(
      result.gates.map((g) => [
        g.phase,
        g.status,
        g.criteria.filter((c) => !c.met).map((c) => `${c.code}: ${c.message}`),
      ]),
      PHASES.map((phase) => [phase, "ready", []])
    );
    assert.equal(result.phase, "inventory");
    assert.deepEqual(
      result.conduits.map((c) => c.state),
      ["alert_wired", "alert_wired"]
    );
  });

  it("becomes complete when every gate has been passed", () => {
    const state = readyPlant();
    state.passes = PHASES.map((phase, i) => ({ phase, passedAt: `2026-0${i + 1}-10T00:00:00.000Z`, by: "Lead" }));
    const result = computeReadiness(state, AT, S);
    assert.equal(result.phase, "complete");
    assert.ok(result.gates.every((g) => g.status === "passed"));
    // Passes recorded after the instant asked about do not count yet.
    assert.equal(computeReadiness(state, "2026-03-15T00:00:00.000Z", S).phase, "baseline");
  });
});

describe("each criterion says why it is unmet, and names the object at fault", () => {
  const cases: [string, (s: PlantState) => void, RegExp, string?][] = [
    [
      "INV-ASSETS",
      (s) => (s.assets.incomplete = { count: 2, examples: [{ type: "asset", id: 4, label: "HMI-4" }] }),
      /2 assets lack kind, vendor\/model or criticality/,
      "HMI-4",
    ],
    ["INV-ASSETS", (s) => (s.assets.total = 0), /No asset is inventoried/],
    [
      "INV-PASSIVE",
      (s) => (s.assets.activeScans[0]!.discoveredAt = "2026-03-02T05:30:00.000Z"),
      /discovered by an active scan outside any outage window/,
      "PLC-09",
    ],
    ["INV-PASSIVE", (s) => (s.windows[0]!.status = "cancelled"), /outside any outage window/],
    ["INV-PASSIVE", (s) => (s.windows[0]!.status = "planned"), /outside any outage window/],
    ["CON-CUTOVER", (s) => (s.windows[0]!.kind = "blackout"), /outside any outage window/, "Conduit 1"],
    [
      "INV-PASSIVE",
      (s) => (s.activeScanChanges = [{ id: 3, title: "Nmap sweep", doneAt: "2026-04-01T12:00:00.000Z" }]),
      /active scan was run outside/,
      "Nmap sweep",
    ],
    [
      "INV-STAGED",
      (s) => (s.assets.staged = { count: 1, examples: [{ type: "asset", id: 7, label: "10.1.1.7" }] }),
      /1 asset is still staged/,
      "10.1.1.7",
    ],
    [
      "INV-REVIEW",
      (s) => (s.checklist = s.checklist.filter((c) => c.code !== "INV-REVIEW")),
      /not ticked the inventory review/,
    ],
    ["OWN-SPLIT", (s) => (s.split = { written: false, parts: [] }), /No ownership split is written/],
    [
      "OWN-SPLIT",
      (s) =>
        (s.split.parts[1] = {
          part: "monitoring_incident_response",
          status: "stale",
          valid: null,
          reason: "Kevin signed revision 1; the current revision is not signed.",
        }),
      /Kevin signed revision 1/,
    ],
    ["ZON-STANDARD", (s) => (s.zones = s.zones.filter((z) => z.kind !== "supervisory")), /no supervisory sub-zone/],
    [
      "ZON-PLACED",
      (s) => (s.assets.unplaced = { count: 3, examples: [{ type: "asset", id: 5, label: "DRV-5" }] }),
      /3 assets are not placed/,
      "DRV-5",
    ],
    ["ZON-SLT", (s) => (s.zones[0]!.slTarget = null), /Line 1/, "Line 1"],
    [
      "CON-BOUNDARY",
      (s) => (s.conduits[0]!.zoneBKind = "supervisory"),
      /No conduit joins the plant to the corporate zone/,
    ],
    [
      "CON-COMPLETE",
      (s) => (s.design.conduits[1]!.flowCount = 0),
      /DES-NO-FLOW: “Conduit 2” allows no flow/,
      "Conduit 2",
    ],
    [
      "CON-COMPLETE",
      (s) => (s.design.conduits[0]!.monitored = false),
      /DES-BOUNDARY-UNMONITORED: “Conduit 1” reaches the corporate zone but is not monitored/,
      "Conduit 1",
    ],
    ["CON-COMPLETE", (s) => (s.conduits[1]!.purpose = null), /“Conduit 2” lacks a purpose/, "Conduit 2"],
    [
      "CON-OWNERS",
      (s) =>
        (s.conduits[0]!.parts[0] = {
          part: "design_change_control",
          status: "stale",
          valid: null,
          reason: "Eng signed revision 1; the current revision is not signed.",
        }),
      /“Conduit 1” \(revision 1\): Eng signed revision 1/,
      "Conduit 1",
    ],
    ["CON-CUTOVER", (s) => (s.conduits[1]!.cutover = null), /no cutover scheduled/, "Conduit 2"],
    [
      "CON-CUTOVER",
      (s) => (s.conduits[1]!.cutover!.doneAt = "2026-03-01T12:00:00.000Z"),
      /outside any outage window/,
      "Conduit 2",
    ],
    [
      "BAS-MATURE",
      (s) => (s.conduits[1]!.observations = quietDays("2026-03-02", 20)),
      /“Conduit 2” is collecting: 20 of 30 counted days/,
      "Conduit 2",
    ],
    ["BAS-PIPELINE", (s) => (s.checklist = s.checklist.filter((c) => c.code !== "BAS-PIPELINE")), /pipeline/],
    ["ALR-WIRED", (s) => (s.conduits[0]!.alertsWiredAt = null), /not wired on “Conduit 1”/, "Conduit 1"],
    [
      "ALR-RULES",
      (s) => (s.conduits[0]!.rules = [{ name: "x", class: "wrong", reviewedByEngineer: false }]),
      /not reviewed by a plant engineer/,
      "Conduit 1",
    ],
  ];
  for (const [code, breakIt, message, object] of cases) {
    it(`${code}: ${message.source}`, () => {
      const state = readyPlant();
      breakIt(state);
      const result = criterion(state, code);
      assert.equal(result.met, false);
      assert.match(result.message, message);
      if (object)
        assert.ok(
          result.objects.some((o) => o.label === object),
          JSON.stringify(result.objects)
        );
    });
  }

  it("counts a waiver only on checklist criteria", () => {
    const state = readyPlant();
    state.checklist = state.checklist.filter((c) => c.code !== "ZON-REVIEW");
    state.waivers = [
      {
        code: "ZON-REVIEW",
        justification: "Reviewed in the 2025 site audit",
        by: "Lead",
        at: "2026-02-02T00:00:00.000Z",
      },
    ];
    const waived = criterion(state, "ZON-REVIEW");
    assert.equal(waived.met, false);
    assert.equal(waived.waived?.by, "Lead");
    assert.equal(computeReadiness(state, AT, S).gates.find((g) => g.phase === "zoning")!.status, "ready");
    assert.equal(isWaivable("BAS-MATURE"), false);
    assert.equal(isWaivable("ALR-WIRED"), false);
    state.conduits[1]!.observations = [];
    state.waivers.push({
      code: "BAS-MATURE",
      justification: "Not allowed, must be ignored",
      by: "Lead",
      at: "2026-02-02T00:00:00.000Z",
    });
    const mature = criterion(state, "BAS-MATURE");
    assert.equal(mature.waived, null);
  });
});

describe("alert wiring block and conduit track", () => {
  it("blocks alert wiring until the baseline is mature or accepted, and says why", () => {
    const state = readyPlant();
    state.conduits[1]!.observations = quietDays("2026-03-02", 12);
    const result = computeReadiness(state, AT, S);
    const c2 = result.conduits.find((c) => c.id === 2)!;
    assert.equal(c2.state, "baselining");
    assert.match(c2.alertBlock ?? "", /until its baseline is mature or jointly accepted/);
    assert.equal(result.conduits.find((c) => c.id === 1)!.alertBlock, null);
  });

  it("quotes the configured thresholds, never the default ones", () => {
    const state = readyPlant();
    state.conduits[1]!.observations = quietDays("2026-03-02", 12);
    const settings = { ...S, matureDays: 45, stallDays: 90 };
    const c2 = computeReadiness(state, AT, settings).conduits.find((c) => c.id === 2)!;
    assert.match(c2.alertBlock ?? "", /12 of 45 counted days/);
    assert.doesNotMatch(c2.alertBlock ?? "", /\b30\b/);

    // Stalled: counted days past the maturity threshold, never read as "121/30".
    state.conduits[1]!.observations = quietDays("2026-03-02", 70).map((o) => ({ ...o, newTuples: 1 }));
    const stalled = computeReadiness(state, AT, { ...S, stallDays: 65 }).conduits.find((c) => c.id === 2)!;
    assert.match(stalled.alertBlock ?? "", /stalled: 70 counted days observed, not mature \(stalls at 65\)/);
  });

  it("walks the track from draft to alert-wired", () => {
    const state = readyPlant();
    const c = state.conduits[1]!;
    const stateOf = () => computeReadiness(state, AT, S).conduits.find((x) => x.id === 2)!.state;
    c.alertsWiredAt = null;
    assert.equal(stateOf(), "mature");
    c.observations = quietDays("2026-03-02", 5);
    assert.equal(stateOf(), "baselining");
    c.observations = [];
    assert.equal(stateOf(), "cut_over");
    c.cutover!.doneAt = null;
    assert.equal(stateOf(), "signed");
    c.parts = [
      signed("design_change_control"),
      { part: "monitoring_incident_response", status: "missing", valid: null, reason: "x" },
    ];
    assert.equal(stateOf(), "defined");
    c.purpose = null;
    assert.equal(stateOf(), "draft");
  });

  it("keeps a conduit a draft while the design review says its definition is incomplete, and no longer", () => {
    const state = readyPlant();
    const stateOf = () => computeReadiness(state, AT, S).conduits.find((x) => x.id === 2)!.state;
    const before = stateOf();
    assert.notEqual(before, "draft");
    state.design.conduits[1]!.flowCount = 0;
    assert.equal(stateOf(), "draft", "DES-NO-FLOW");
    state.design.conduits[1]!.flowCount = 2;
    state.design.conduits[1]!.flows = [{ protocol: "any", port: null, portEnd: null }];
    const readiness = computeReadiness(state, AT, S);
    assert.equal(
      readiness.conduits.find((x) => x.id === 2)!.state,
      before,
      "an error of another rule leaves the track"
    );
    assert.deepEqual(
      readiness.conduits.find((x) => x.id === 2)!.findings.map((f) => f.code),
      ["DES-FLOW-ANY"]
    );
    assert.match(
      readiness.gates.find((g) => g.phase === "conduits")!.criteria.find((c) => c.code === "CON-COMPLETE")!.message,
      /^DES-FLOW-ANY: “Conduit 2” allows any/
    );
  });
});

describe("forecast", () => {
  it("is the latest maturity among monitored conduits, counting cutovers still to come in the next confirmed window", () => {
    const state = readyPlant();
    state.conduits[1]!.observations = quietDays("2026-06-01", 14);
    const early = computeReadiness(state, AT, S);
    // 14 counted days by 14 June; 16 more days from 16 June: 1 July.
    assert.equal(early.forecastLive, "2026-07-01");
    state.conduits[1]!.cutover = { changeId: 5, doneAt: null, windowId: null, plannedStart: null };
    state.windows.push({
      id: 2,
      title: "July outage",
      kind: "scheduled_outage",
      status: "confirmed",
      startsAt: "2026-07-05T03:00:00.000Z",
      endsAt: "2026-07-05T09:00:00.000Z",
    });
    // Cut over on 5 July (local), epoch from 6 July, 30 counted days: 4 August.
    assert.equal(computeReadiness(state, AT, S).forecastLive, "2026-08-04");
    state.windows.pop();
    const none = computeReadiness(state, AT, S);
    const stalled = readyPlant();
    stalled.conduits[0]!.observations = Array.from({ length: 62 }, (_, i) => ({
      ...quietDays("2026-03-02", 62)[i]!,
      newTuples: i % 5 === 0 ? 1 : 0,
    }));
    const blocked = computeReadiness(stalled, "2026-05-04T15:00:00.000Z", S);
    assert.equal(blocked.conduits[0]!.baseline.status, "stalled");
    assert.equal(blocked.forecastLive, null);
    assert.match(blocked.forecastReason ?? "", /stalled and needs acceptance by both owners/);
    assert.equal(none.forecastLive, null);
    assert.match(none.forecastReason ?? "", /no confirmed outage window ahead/);
  });
});

describe("properties", () => {
  const criterionCodes = PHASES.flatMap((p) => CRITERIA[p].map((c) => c.code));
  const breakers: Record<string, (s: PlantState) => void> = {
    "INV-ASSETS": (s) => (s.assets.incomplete = { count: 1, examples: [] }),
    "INV-STAGED": (s) => (s.assets.staged = { count: 1, examples: [] }),
    "INV-REVIEW": (s) => (s.checklist = s.checklist.filter((c) => c.code !== "INV-REVIEW")),
    "ZON-PLACED": (s) => (s.assets.unplaced = { count: 1, examples: [] }),
    "ZON-SLT": (s) => (s.zones[1]!.slTarget = null),
    "CON-COMPLETE": (s) => (s.conduits[0]!.purpose = null),
    "CON-CUTOVER": (s) => (s.conduits[0]!.cutover = null),
    "BAS-MATURE": (s) => (s.conduits[0]!.observations = []),
    "BAS-PIPELINE": (s) => (s.checklist = s.checklist.filter((c) => c.code !== "BAS-PIPELINE")),
    "ALR-WIRED": (s) => (s.conduits[1]!.alertsWiredAt = null),
  };

  it("a gate is ready exactly when every criterion is met or waived; never with one unmet", () => {
    fc.assert(
      fc.property(
        fc.subarray(Object.keys(breakers)),
        fc.subarray(["INV-REVIEW", "ZON-REVIEW", "BAS-PIPELINE"]),
        (broken, waived) => {
          const state = readyPlant();
          for (const code of broken) breakers[code]!(state);
          state.waivers = waived.map((code) => ({
            code,
            justification: "Justified for the property test",
            by: "Lead",
            at: AT,
          }));
          for (const gate of computeReadiness(state, AT, S).gates) {
            const clear = gate.criteria.every((c) => c.met || c.waived);
            assert.equal(gate.status === "ready", clear);
            if (gate.status === "ready") assert.ok(gate.criteria.every((c) => c.met || isWaivable(c.code)));
          }
        }
      ),
      { numRuns: 200 }
    );
    assert.ok(criterionCodes.length >= 17);
  });

  it("readiness is a pure function of state and instant", () => {
    fc.assert(
      fc.property(
        fc.subarray(Object.keys(breakers)),
        fc.date({ min: new Date("2026-01-01"), max: new Date("2027-12-31"), noInvalidDate: true }),
        (broken, date) => {
          const state = readyPlant();
          for (const code of broken) breakers[code]!(state);
          const frozen = JSON.stringify(state);
          const first = computeReadiness(state, date.toISOString(), S);
          const second = computeReadiness(JSON.parse(frozen) as PlantState, date.toISOString(), S);
          assert.deepEqual(first, second);
          assert.equal(JSON.stringify(state), frozen, "the state must not be changed");
        }
      ),
      { numRuns: 100 }
    );
  });

  it("adding a counted observation never lowers the counted days of the epoch", () => {
    const observation = fc.record({
      offset: fc.integer({ min: 0, max: 89 }),
      coverage: fc.double({ min: 0, max: 1, noNaN: true }),
      newTuples: fc.nat({ max: 20 }),
    });
    fc.assert(
      fc.property(
        fc.array(observation, { maxLength: 60 }),
        fc.integer({ min: 0, max: 89 }),
        fc.nat({ max: 20 }),
        (rows, extraOffset, extraNew) => {
          const toObservation = (r: { offset: number; coverage: number; newTuples: number }): Observation => ({
            day: addDays("2026-03-02", r.offset),
            coverage: r.coverage,
            tuples: 10,
            newTuples: r.newTuples,
            connections: 1,
            bytes: 1,
            source: `s${r.offset % 2}`,
          });
          const input = {
            monitored: true,
            cutoverCompletedAt: "2026-03-01T12:00:00.000Z",
            timeZone: "America/Denver",
            accepted: false,
          };
          const at = "2026-06-15T12:00:00.000Z";
          const before = computeBaseline({ ...input, observations: rows.map(toObservation) }, at, S);
          const extra = toObservation({ offset: extraOffset, coverage: 0.95, newTuples: extraNew });
          const after = computeBaseline({ ...input, observations: [...rows.map(toObservation), extra] }, at, S);
          assert.ok(after.countedDays >= before.countedDays, `${before.countedDays} → ${after.countedDays}`);
        }
      ),
      { numRuns: 300 }
    );
  });
});
