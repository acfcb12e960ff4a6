import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  agedSignoffDrift,
  DEFAULT_DRIFT_SETTINGS,
  driftAcceptanceRefusals,
  driftCounts,
  driftStatus,
  driftToResolve,
  editedAfterWiringDrift,
  monthsBefore,
  plantDrift,
  readAcceptanceReason,
  resolves,
  silentSensorDrift,
  unreviewedRuleDrift,
  unzonedAssetDrift,
  wrongFlowDrift,
  type DriftAcceptanceFacts,
  type DriftConduitFacts,
  type PlantDriftFacts,
  driftReasons,
  listedDrift,
} from "../../app/domain/drift";

const NOW = "2026-12-06T12:00:00.000Z";
const settings = DEFAULT_DRIFT_SETTINGS;

function conduit(over: Partial<DriftConduitFacts> = {}): DriftConduitFacts {
  return {
    id: 7,
    name: "Cell 1 ↔ DMZ",
    revision: 3,
    wiredRevision: 3,
    wiredAt: "2026-10-01T10:00:00.000Z",
    designOwnerId: 11,
    monitoringOwnerId: 12,
    acceptedParts: [],
    wrongFlows: 0,
    oldestWrongFlowSince: null,
    lastReportDay: "2026-12-05",
    ...over,
  };
}

function plant(over: Partial<PlantDriftFacts> = {}): PlantDriftFacts {
  return {
    plantId: 1,
    code: "KOK",
    timeZone: "UTC",
    conduits: [conduit()],
    signoffs: [
      {
        subjectType: "conduit",
        subjectId: 7,
        subjectLabel: "conduit “Cell 1 ↔ DMZ”",
        part: "design_change_control",
        signedAt: "2026-06-01T09:00:00.000Z",
        signedBy: "Pat Engineer",
      },
    ],
    unzonedAssets: { count: 0, examples: [] },
    rules: [
      {
        id: 5,
        name: "Modbus writes",
        conduitId: 7,
        conduitName: "Cell 1 ↔ DMZ",
        createdAt: "2026-01-01T00:00:00.000Z",
        reviewedAt: "2026-11-01T00:00:00.000Z",
      },
    ],
    ...over,
  };
}

const codes = (facts: PlantDriftFacts) => plantDrift(facts, settings, NOW).map((f) => f.code);

describe("drift of a live plant", () => {
  it("finds nothing on a plant that stays true, and calls it live", () => {
    const findings = plantDrift(plant(), settings, NOW);
    assert.deepEqual(findings, []);
    assert.equal(driftStatus("complete", findings), "live");
  });

  it("is not judged before the plant is live", () => {
    const findings = plantDrift(
      plant({ unzonedAssets: { count: 1, examples: [{ id: 1, name: "PLC-1" }] } }),
      settings,
      NOW
    );
    assert.equal(driftStatus("alerting", findings), null);
    assert.equal(driftStatus("complete", findings), "live_drifting");
    assert.deepEqual(driftCounts(["live", "live_drifting", null, "live"]), { live: 2, drifting: 1 });
  });

  it("DRIFT-WRONG-FLOWS: wrong flows unacknowledged longer than the setting on a live conduit", () => {
    const fresh = plant({ conduits: [conduit({ wrongFlows: 2, oldestWrongFlowSince: "2026-12-01T00:00:00Z" })] });
    assert.deepEqual(wrongFlowDrift(fresh, settings, NOW), []);
    const old = plant({ conduits: [conduit({ wrongFlows: 2, oldestWrongFlowSince: "2026-11-20T00:00:00Z" })] });
    const [finding] = wrongFlowDrift(old, settings, NOW);
    assert.equal(finding?.code, "DRIFT-WRONG-FLOWS");
    assert.deepEqual(finding?.objects, [{ type: "conduit", id: 7, label: "Cell 1 ↔ DMZ" }]);
    assert.match(finding.message, /2 wrong flows unacknowledged, the oldest for 16 days/);
    assert.equal(finding?.href, "/plants/KOK/violations");
    // A conduit without alerts wired is not live: its wrong flows are the baseline's concern.
    const unwired = plant({
      conduits: [conduit({ wiredRevision: null, wrongFlows: 2, oldestWrongFlowSince: "2026-11-20T00:00:00Z" })],
    });
    assert.deepEqual(wrongFlowDrift(unwired, settings, NOW), []);
    // The setting decides: 20 days allowed.
    assert.deepEqual(wrongFlowDrift(old, { ...settings, wrongFlowDays: 20 }, NOW), []);
  });

  it("DRIFT-EDITED-AFTER-WIRING: an edit after wiring until re-wired or accepted by both owners", () => {
    const edited = plant({ conduits: [conduit({ revision: 4 })] });
    const [finding] = editedAfterWiringDrift(edited);
    assert.equal(finding?.code, "DRIFT-EDITED-AFTER-WIRING");
    assert.match(finding.message, /revision 4, edited after its alerts were wired at revision 3/);
    assert.match(finding.message, /design & change control and monitoring & incident response still to accept/);
    const one = plant({ conduits: [conduit({ revision: 4, acceptedParts: ["design_change_control"] })] });
    assert.match(editedAfterWiringDrift(one)[0]!.message, /\(monitoring & incident response still to accept\)/);
    const both = plant({
      conduits: [conduit({ revision: 4, acceptedParts: ["design_change_control", "monitoring_incident_response"] })],
    });
    assert.deepEqual(editedAfterWiringDrift(both), []);
    const rewired = plant({ conduits: [conduit({ revision: 4, wiredRevision: 4 })] });
    assert.deepEqual(editedAfterWiringDrift(rewired), []);
  });

  it("DRIFT-SIGNOFF-AGED: a standing signoff older than the recertification period", () => {
    assert.deepEqual(agedSignoffDrift(plant(), settings, NOW), []);
    const aged = plant({
      signoffs: [{ ...plant().signoffs[0]!, signedAt: "2025-11-30T09:00:00.000Z" }],
    });
    const [finding] = agedSignoffDrift(aged, settings, NOW);
    assert.equal(finding?.code, "DRIFT-SIGNOFF-AGED");
    assert.match(
      finding.message,
      /^Conduit “Cell 1 ↔ DMZ” was signed for design & change control by Pat Engineer on 2025-11-30/
    );
    assert.equal(finding?.href, "/plants/KOK/conduits/7#owners");
    assert.deepEqual(finding?.resolvers, [{ permission: "sign:design", part: "design_change_control" }]);
    assert.deepEqual(agedSignoffDrift(aged, { ...settings, recertificationMonths: 24 }, NOW), []);
  });

  it("DRIFT-UNZONED-ASSETS: confirmed assets in no zone", () => {
    assert.deepEqual(unzonedAssetDrift(plant()), []);
    const [finding] = unzonedAssetDrift(
      plant({
        unzonedAssets: {
          count: 3,
          examples: [
            { id: 1, name: "PLC-1" },
            { id: 2, name: "PLC-2" },
          ],
        },
      })
    );
    assert.equal(finding?.code, "DRIFT-UNZONED-ASSETS");
    assert.deepEqual(
      finding?.objects.map((o) => o.label),
      ["PLC-1", "PLC-2"]
    );
    assert.match(finding.message, /3 confirmed assets are in no zone \(PLC-1, PLC-2, …\)/);
  });

  it("DRIFT-SENSOR-SILENT: a live conduit's sensor silent for more than 3 days", () => {
    assert.deepEqual(silentSensorDrift(plant({ conduits: [conduit({ lastReportDay: "2026-12-03" })] }), NOW), []);
    const [finding] = silentSensorDrift(plant({ conduits: [conduit({ lastReportDay: "2026-12-02" })] }), NOW);
    assert.equal(finding?.code, "DRIFT-SENSOR-SILENT");
    assert.match(finding.message, /since 2026-12-02 \(4 days, more than 3\)/);
    // Never reported: counted from the wiring.
    assert.equal(silentSensorDrift(plant({ conduits: [conduit({ lastReportDay: null })] }), NOW).length, 1);
  });

  it("DRIFT-RULE-UNREVIEWED: a rule not reviewed within its period, or never and that old", () => {
    assert.deepEqual(unreviewedRuleDrift(plant(), settings, NOW), []);
    const rule = plant().rules[0]!;
    const stale = unreviewedRuleDrift(
      plant({ rules: [{ ...rule, reviewedAt: "2026-08-01T00:00:00Z" }] }),
      settings,
      NOW
    );
    assert.equal(stale[0]?.code, "DRIFT-RULE-UNREVIEWED");
    assert.match(stale[0].message, /last reviewed on 2026-08-01/);
    const never = unreviewedRuleDrift(plant({ rules: [{ ...rule, reviewedAt: null }] }), settings, NOW);
    assert.match(never[0]!.message, /was never reviewed/);
    const young = unreviewedRuleDrift(
      plant({ rules: [{ ...rule, reviewedAt: null, createdAt: "2026-11-20T00:00:00Z" }] }),
      settings,
      NOW
    );
    assert.deepEqual(young, []);
  });

  it("gathers every rule's findings in the codes' order", () => {
    const facts = plant({
      conduits: [
        conduit({ revision: 5, lastReportDay: "2026-11-01", wrongFlows: 1, oldestWrongFlowSince: "2026-10-01" }),
      ],
      unzonedAssets: { count: 1, examples: [{ id: 3, name: "HMI-3" }] },
      rules: [{ ...plant().rules[0]!, reviewedAt: null }],
      signoffs: [{ ...plant().signoffs[0]!, signedAt: "2024-01-01T00:00:00Z" }],
    });
    assert.deepEqual(codes(facts), [
      "DRIFT-WRONG-FLOWS",
      "DRIFT-EDITED-AFTER-WIRING",
      "DRIFT-SIGNOFF-AGED",
      "DRIFT-UNZONED-ASSETS",
      "DRIFT-SENSOR-SILENT",
      "DRIFT-RULE-UNREVIEWED",
    ]);
  });

  it("counts calendar months back, clamping a month's end", () => {
    assert.equal(monthsBefore("2026-03-31T10:00:00.000Z", 1), "2026-02-28T10:00:00.000Z");
    assert.equal(monthsBefore("2026-12-06T12:00:00.000Z", 12), "2025-12-06T12:00:00.000Z");
  });
});

describe("who resolves a drift finding", () => {
  const engineer = { role: "plant_engineer" as const, assignedPlantIds: [1], plantScope: null, personId: 11 };
  const otherEngineer = { ...engineer, personId: 99 };
  const security = { role: "corporate_security" as const, assignedPlantIds: [], plantScope: null, personId: 12 };
  const executive = { role: "executive" as const, assignedPlantIds: [], plantScope: null, personId: 13 };

  it("gives an edit to accept to its owners (and to whoever wires alerts), an aged signoff to its part's signers", () => {
    const [edited] = editedAfterWiringDrift(plant({ conduits: [conduit({ revision: 4 })] }));
    assert.ok(resolves(edited!, engineer, 1));
    assert.ok(resolves(edited!, security, 1));
    assert.ok(!resolves(edited!, executive, 1));
    const [aged] = agedSignoffDrift(
      plant({ signoffs: [{ ...plant().signoffs[0]!, signedAt: "2024-01-01T00:00:00Z" }] }),
      settings,
      NOW
    );
    assert.ok(resolves(aged!, otherEngineer, 1));
    assert.ok(!resolves(aged!, security, 1));
    assert.ok(!resolves(aged!, engineer, 2));
  });
});

describe("the drift queue on /me", () => {
  it("lists each finding to the people who can resolve it, plant by plant", () => {
    const facts = plant({
      conduits: [conduit({ revision: 4 })],
      unzonedAssets: { count: 1, examples: [{ id: 3, name: "HMI-3" }] },
    });
    const findings = plantDrift(facts, settings, NOW);
    const plants = [{ plantId: 1, code: "KOK", findings }];
    const engineer = { role: "plant_engineer" as const, assignedPlantIds: [1], plantScope: null, personId: 11 };
    const security = { role: "corporate_security" as const, assignedPlantIds: [], plantScope: null, personId: 12 };
    const executive = { role: "executive" as const, assignedPlantIds: [], plantScope: null, personId: 13 };
    assert.deepEqual(
      driftToResolve(plants, engineer).map((i) => i.code),
      ["DRIFT-EDITED-AFTER-WIRING", "DRIFT-UNZONED-ASSETS"]
    );
    assert.deepEqual(
      driftToResolve(plants, security).map((i) => [i.plantCode, i.code, i.href]),
      [["KOK", "DRIFT-EDITED-AFTER-WIRING", "/plants/KOK/conduits/7#drift"]]
    );
    assert.deepEqual(driftToResolve(plants, executive), []);
    assert.deepEqual(driftToResolve(plants, { ...engineer, assignedPlantIds: [2] }), []);
  });
});

describe("accepting an edit after wiring", () => {
  const facts = (over: Partial<DriftAcceptanceFacts> = {}): DriftAcceptanceFacts => ({
    part: "design_change_control",
    signer: { role: "plant_engineer", personId: 11, permitted: true },
    conduit: {
      name: "Cell 1 ↔ DMZ",
      revision: 4,
      wiredRevision: 3,
      designOwner: { id: 11, name: "Pat Engineer" },
      monitoringOwner: { id: 12, name: "Sam Security" },
    },
    revision: 4,
    acceptedParts: [],
    ...over,
  });
  const first = (f: DriftAcceptanceFacts) => driftAcceptanceRefusals(f)[0]?.code ?? null;

  it("lets the owner of the part accept the current revision once", () => {
    assert.equal(first(facts()), null);
    assert.equal(first(facts({ acceptedParts: ["design_change_control"] })), "accepted");
  });

  it("refuses the wrong role, another person than the owner, and a plant not assigned (403)", () => {
    const wrongRole = driftAcceptanceRefusals(
      facts({ signer: { role: "corporate_security", personId: 12, permitted: true } })
    );
    assert.equal(wrongRole[0]?.code, "wrong_role");
    assert.equal(wrongRole[0]?.status, 403);
    assert.equal(first(facts({ signer: { role: "plant_engineer", personId: 99, permitted: true } })), "not_owner");
    assert.equal(first(facts({ signer: { role: "plant_engineer", personId: 11, permitted: false } })), "not_permitted");
  });

  it("refuses a revision moved since it was read, an unwired conduit and one not edited (409)", () => {
    const moved = driftAcceptanceRefusals(facts({ revision: 3 }));
    assert.equal(moved[0]?.code, "revision_moved");
    assert.equal(moved[0]?.status, 409);
    assert.equal(first(facts({ conduit: { ...facts().conduit, wiredRevision: null } })), "not_live");
    assert.equal(first(facts({ conduit: { ...facts().conduit, wiredRevision: 4 } })), "not_edited");
  });

  it("reads the reason", () => {
    assert.equal(readAcceptanceReason("  short ").ok, false);
    assert.deepEqual(readAcceptanceReason("  Only the description changed. "), {
      ok: true,
      value: "Only the description changed.",
    });
    assert.equal(readAcceptanceReason("x".repeat(1001)).ok, false);
  });
});

describe("a plant's drift where plants are listed", () => {
  const finding = (code: "DRIFT-SIGNOFF-AGED" | "DRIFT-SENSOR-SILENT", n: number) => ({
    code,
    message: `${code} ${n}`,
    href: `/plants/KOK/conduits/${n}#owners`,
  });

  it("gives one reason per code, counted, linked to the plant's drift when there are several", () => {
    const findings = [1, 2, 3].map((n) => finding("DRIFT-SIGNOFF-AGED", n)).concat(finding("DRIFT-SENSOR-SILENT", 9));
    assert.deepEqual(driftReasons("KOK", findings), [
      {
        code: "DRIFT-SIGNOFF-AGED",
        count: 3,
        href: "/plants/KOK#drift",
        message: "3 findings; the plant's page lists each.",
      },
      {
        code: "DRIFT-SENSOR-SILENT",
        count: 1,
        href: "/plants/KOK/conduits/9#owners",
        message: "DRIFT-SENSOR-SILENT 9",
      },
    ]);
  });

  it("keeps a single finding as it is, and nothing for a plant that is not live", () => {
    assert.deepEqual(listedDrift("KOK", { status: "live", findings: [] }), { status: "live", reasons: [] });
    assert.deepEqual(listedDrift("KOK", { status: "live_drifting", findings: [finding("DRIFT-SIGNOFF-AGED", 4)] }), {
      status: "live_drifting",
      reasons: [
        {
          code: "DRIFT-SIGNOFF-AGED",
          count: 1,
          href: "/plants/KOK/conduits/4#owners",
          message: "DRIFT-SIGNOFF-AGED 4",
        },
      ],
    });
    assert.equal(listedDrift("KOK", null), null);
  });
});
