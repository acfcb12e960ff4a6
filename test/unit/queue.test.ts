import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { reachOf, type Principal } from "../../app/domain/permissions";
import {
  acceptancesToGive,
  alertsToWire,
  criteriaToTick,
  gatesToPass,
  hasQueue,
  plantsPastTarget,
  queueCounts,
  queueSections,
  queueSpansProgram,
  rulesToReview,
  rulesToWrite,
  signoffsToGive,
  type QueueConduit,
} from "../../app/domain/queue";
import type { SignoffRecord } from "../../app/domain/signoffs";
import { chosenHostIds, someHosts, TRIAGE_BATCH_LIMIT, triageDone } from "../../app/domain/triage";
import type { PlantReadiness } from "../../app/domain/readiness";
import type { Role } from "../../app/domain/vocabulary";

// What waits on a person at /me: each section decided by what they may do (can()), not by the name of their role.

const as = (role: Role, assignedPlantIds: number[] = []): Principal => ({ role, assignedPlantIds, plantScope: null });

describe("the sections of a person's queue", () => {
  it("gives each role the work its permissions hold", () => {
    assert.deepEqual(queueSections(as("plant_engineer", [1])), {
      criteria: true,
      gates: true,
      targets: false,
      wiring: true,
      acceptances: true,
      rulesToWrite: true,
      rulesToReview: true,
      signoffs: "design_change_control",
      changes: true,
      staged: "untriaged",
      outcomesDue: true,
      reviewsToSign: true,
      flowsToAcknowledge: true,
      drift: true,
    });
    assert.deepEqual(queueSections(as("program_lead")), {
      criteria: false,
      gates: true,
      targets: true,
      wiring: false,
      acceptances: false,
      rulesToWrite: false,
      rulesToReview: false,
      signoffs: null,
      changes: true,
      staged: "untriaged",
      outcomesDue: true,
      reviewsToSign: false,
      flowsToAcknowledge: false,
      drift: true,
    });
    assert.deepEqual(queueSections(as("corporate_security")), {
      criteria: false,
      gates: false,
      targets: false,
      wiring: true,
      acceptances: true,
      rulesToWrite: true,
      rulesToReview: false,
      signoffs: "monitoring_incident_response",
      changes: false,
      staged: "escalated",
      outcomesDue: false,
      reviewsToSign: true,
      flowsToAcknowledge: false,
      drift: true,
    });
    const executive = queueSections(as("executive"));
    assert.equal(hasQueue(executive), false, "nothing waits on an executive");
    assert.equal(hasQueue(queueSections(as("program_lead"))), true);
  });

  it("spans the program for those who read every plant, and their own plants for plant engineers", () => {
    assert.equal(queueSpansProgram(as("program_lead")), true);
    assert.equal(queueSpansProgram(as("corporate_security")), true);
    assert.equal(queueSpansProgram(as("plant_engineer", [1, 2])), false);
    assert.equal(reachOf(as("plant_engineer"), "read:plant"), "assigned");
    assert.equal(reachOf(as("admin"), "read:plant"), null);
    assert.equal(reachOf({ ...as("program_lead"), plantScope: [1] }, "read:plant"), "assigned", "a scoped token");
  });
});

function readiness(code: string, status: "ready" | "blocked", checklistBlocker: boolean): PlantReadiness {
  const criterion = (checklist: boolean) => ({
    code: checklist ? "INV-REVIEW" : "INV-STAGED",
    title: "t",
    checklist,
    met: status === "ready",
    waived: null,
    message: "not yet",
    objects: [],
    tick: null,
  });
  return {
    code,
    phase: "inventory",
    gates: [
      {
        phase: "inventory",
        status,
        passedAt: null,
        passedBy: null,
        criteria: [criterion(checklistBlocker), criterion(false)],
      },
    ],
  } as unknown as PlantReadiness;
}

describe("the queue's lists", () => {
  it("lists the checklist criteria blocking current gates, and the gates ready to pass", () => {
    const plants = [readiness("DAY", "blocked", true), readiness("KOK", "ready", false)];
    assert.deepEqual(
      criteriaToTick(plants).map((c) => `${c.plantCode} ${c.code}`),
      ["DAY INV-REVIEW"]
    );
    assert.deepEqual(gatesToPass(plants), [{ plantCode: "KOK", phase: "inventory" }]);
  });

  it("asks for the person's own part: every ownership split, and the conduits they own; stale first", () => {
    const gap = (
      plantCode: string,
      subjectType: "conduit" | "ownership_split",
      ownerId: number | null,
      status: "missing" | "stale"
    ) => ({
      plantCode,
      subjectType,
      subjectId: 5,
      subjectName: "x",
      part: "design_change_control" as const,
      ownerId,
      revision: 2,
      status,
    });
    const gaps = [
      gap("AAA", "ownership_split", null, "missing"),
      gap("BBB", "conduit", 7, "stale"),
      gap("CCC", "conduit", 8, "stale"),
      { ...gap("DDD", "ownership_split", null, "missing"), part: "monitoring_incident_response" as const },
    ];
    const mine = signoffsToGive(gaps, "design_change_control", 7);
    assert.deepEqual(
      mine.map((s) => `${s.plantCode} ${s.status} ${s.href}`),
      ["BBB stale /plants/BBB/conduits/5", "AAA missing /plants/AAA#ownership"]
    );
  });

  it("does not ask to sign an ownership split that was never written", () => {
    const unwritten = {
      plantCode: "EEE",
      subjectType: "ownership_split" as const,
      subjectId: 3,
      subjectName: "Ownership split",
      part: "design_change_control" as const,
      ownerId: null,
      revision: 0,
      status: "missing" as const,
    };
    assert.deepEqual(signoffsToGive([unwritten], "design_change_control", 7), []);
    assert.equal(signoffsToGive([{ ...unwritten, revision: 1 }], "design_change_control", 7).length, 1);
  });
});

const conduit = (over: Partial<QueueConduit>): QueueConduit => ({
  plantId: 1,
  plantCode: "DAY",
  id: 10,
  name: "DAY boundary",
  revision: 1,
  monitored: true,
  designOwnerId: 7,
  monitoringOwnerId: 9,
  baseline: { status: "mature", countedDays: 31 },
  alertBlock: null,
  wiring: null,
  ruleCount: 0,
  acceptance: { hash: "h1", epochStart: "2026-01-01" },
  ...over,
});
const engineer = { ...as("plant_engineer", [1]), personId: 7 };
const security = { ...as("corporate_security"), personId: 9 };
const otherSecurity = { ...as("corporate_security"), personId: 11 };

describe("the alerting queues", () => {
  it("asks the monitoring owner to wire a conduit whose alerts wiringRefusals allows", () => {
    const ready = conduit({});
    assert.deepEqual(
      alertsToWire([ready], security).map((c) => c.href),
      ["/plants/DAY/conduits/10#alerts"]
    );
    assert.deepEqual(alertsToWire([ready], otherSecurity), [], "another monitoring owner's conduit");
    assert.deepEqual(alertsToWire([ready], engineer), [], "the design owner does not wire");
    assert.equal(alertsToWire([conduit({ monitoringOwnerId: null })], engineer).length, 1, "nobody owns monitoring");
    assert.deepEqual(alertsToWire([conduit({ alertBlock: "not mature" })], security), [], "blocked");
    assert.deepEqual(alertsToWire([conduit({ wiring: { at: "x", by: "y" } })], security), [], "already wired");
    assert.deepEqual(alertsToWire([conduit({ monitored: false })], security), [], "not monitored");
    assert.deepEqual(alertsToWire([ready], { ...security, personId: null }), [], "a token wires nothing");
    assert.deepEqual(alertsToWire([conduit({ monitoringOwnerId: null, plantId: 2 })], engineer), [], "not their plant");
  });

  it("asks each owner for a stalled baseline until that owner has accepted it", () => {
    const stalled = conduit({ baseline: { status: "stalled", countedDays: 61 } });
    const accepted = (personId: number, part: SignoffRecord["part"], hash = "h1") => ({
      id: 1,
      subjectId: 10,
      part,
      personId,
      personName: "p",
      role: "r",
      revision: 1,
      contentHash: hash,
      signedAt: "2026-01-01",
      note: null,
      revokedAt: null,
      revokedReason: null,
    });
    assert.equal(acceptancesToGive([stalled], security, []).length, 1);
    assert.equal(acceptancesToGive([stalled], engineer, []).length, 1);
    assert.equal(acceptancesToGive([stalled], otherSecurity, []).length, 0, "not an owner");
    const bySecurity = [accepted(9, "monitoring_incident_response")];
    assert.equal(acceptancesToGive([stalled], security, bySecurity).length, 0, "accepted");
    assert.equal(acceptancesToGive([stalled], engineer, bySecurity).length, 1, "the other owner still must");
    const stale = [accepted(9, "monitoring_incident_response", "h0")];
    assert.equal(acceptancesToGive([stalled], security, stale).length, 1, "an acceptance of an earlier epoch");
    assert.equal(acceptancesToGive([conduit({})], security, []).length, 0, "a mature baseline needs none");
    assert.equal(acceptancesToGive([stalled], security, [])[0]!.href, "/plants/DAY/conduits/10#baseline");
  });

  it("asks for rules on wired conduits without any, and for the review of unreviewed rules", () => {
    const wired = conduit({ wiring: { at: "x", by: "y" } });
    assert.equal(rulesToWrite([wired], security).length, 1);
    assert.equal(rulesToWrite([wired], engineer).length, 1);
    assert.equal(rulesToWrite([{ ...wired, ruleCount: 1 }], security).length, 0);
    assert.equal(rulesToWrite([conduit({})], security).length, 0, "not wired yet");
    assert.equal(rulesToWrite([wired], as("program_lead")).length, 0, "the lead writes no rules");
    const rule = {
      plantId: 1,
      plantCode: "DAY",
      conduitId: 10,
      conduitName: "c",
      id: 3,
      name: "r",
      ruleClass: "wrong" as const,
      reviewed: false,
    };
    assert.deepEqual(
      rulesToReview([rule, { ...rule, id: 4, reviewed: true }], engineer).map((r) => r.href),
      ["/plants/DAY/conduits/10#review-rule-3"]
    );
    assert.deepEqual(rulesToReview([rule], security), [], "corporate security does not review");
    assert.deepEqual(rulesToReview([{ ...rule, plantId: 2 }], engineer), [], "not their plant");
  });
});

describe("plants past a target", () => {
  const targets = { inventory: null, zoning: null, conduits: null, baseline: null, alerting: null };
  it("names each plant's earliest gate past its target and not passed, latest first", () => {
    const late = plantsPastTarget([
      { plantCode: "AAA", today: "2026-03-10", targets: { ...targets, zoning: "2026-03-01" }, passed: ["inventory"] },
      {
        plantCode: "BBB",
        today: "2026-03-10",
        targets: { ...targets, inventory: "2026-01-01", zoning: "2026-02-01" },
        passed: ["inventory"],
      },
      { plantCode: "CCC", today: "2026-03-10", targets: { ...targets, zoning: "2026-03-10" }, passed: [] },
      { plantCode: "DDD", today: "2026-03-10", targets: { ...targets, zoning: "2026-01-01" }, passed: ["zoning"] },
    ]);
    assert.deepEqual(late, [
      { plantCode: "BBB", phase: "zoning", target: "2026-02-01", daysLate: 37, lateGates: 1 },
      { plantCode: "AAA", phase: "zoning", target: "2026-03-01", daysLate: 9, lateGates: 1 },
    ]);
  });
});

describe("the counts at the top", () => {
  it("counts each kind the person's sections hold, in the page's order", () => {
    const totals = {
      outcomesDue: 11,
      reviewsToSign: 12,
      criteria: 1,
      gates: 2,
      targets: 3,
      signoffs: 4,
      acceptances: 5,
      wiring: 6,
      rulesToWrite: 7,
      rulesToReview: 8,
      flowsToAcknowledge: 13,
      changes: 9,
      staged: 10,
      drift: 14,
    };
    assert.deepEqual(
      queueCounts(queueSections(as("corporate_security")), totals).map((c) => `${c.kind} ${c.count}`),
      ["reviewsToSign 12", "signoffs 4", "acceptances 5", "wiring 6", "rulesToWrite 7", "staged 10", "drift 14"]
    );
    assert.deepEqual(
      queueCounts(queueSections(as("plant_engineer", [1])), totals).map((c) => c.kind),
      [
        "outcomesDue",
        "reviewsToSign",
        "criteria",
        "gates",
        "signoffs",
        "acceptances",
        "wiring",
        "rulesToWrite",
        "rulesToReview",
        "flowsToAcknowledge",
        "changes",
        "staged",
        "drift",
      ],
      "every section of the floor is counted at the top as well"
    );
    assert.deepEqual(queueCounts(queueSections(as("executive")), totals), []);
  });
});

describe("bulk triage's pure parts", () => {
  it("reads the chosen host ids: each once, only ids, at least one, at most the limit", () => {
    assert.deepEqual(chosenHostIds(["3,1", "3", " 2 "]), { ok: true, ids: [3, 1, 2] });
    assert.deepEqual(chosenHostIds([""]), { ok: false, message: "Choose at least one host." });
    assert.deepEqual(chosenHostIds(["1,x"]), { ok: false, message: "Choose hosts from the list." });
    assert.deepEqual(chosenHostIds(["0"]), { ok: false, message: "Choose hosts from the list." });
    const many = Array.from({ length: TRIAGE_BATCH_LIMIT + 1 }, (_, i) => String(i + 1));
    assert.deepEqual(chosenHostIds(many), {
      ok: false,
      message: "Choose at most 200 hosts at once (201 were chosen).",
    });
    assert.equal(chosenHostIds(many.slice(0, TRIAGE_BATCH_LIMIT)).ok, true);
    assert.equal(chosenHostIds([...many.slice(0, TRIAGE_BATCH_LIMIT), "1"]).ok, true, "duplicates count once");
  });

  it("says what a bulk act did, and names a few hosts", () => {
    assert.equal(triageDone("confirm", 1), "1 host is confirmed into the inventory.");
    assert.equal(triageDone("confirm", 3), "3 hosts are confirmed into the inventory.");
    assert.equal(triageDone("assign-zone", 2, "Cell 4"), "2 hosts are placed in Cell 4; confirm them when reviewed.");
    assert.equal(triageDone("transient", 2), "2 hosts are marked known-transient; they will not be staged again.");
    assert.equal(triageDone("escalated", 1), "1 host is escalated to corporate security.");
    assert.equal(someHosts(["a"]), "a");
    assert.equal(someHosts(["a", "b"]), "a and b");
    assert.equal(someHosts(["a", "b", "c"]), "a, b and c");
    assert.equal(someHosts(["a", "b", "c", "d", "e"]), "a, b, c and 2 more");
    // The order chosen on the page (newest first) never changes the sentence.
    assert.equal(someHosts(["seen-10.66.0.4", "seen-10.66.0.3"]), "seen-10.66.0.3 and seen-10.66.0.4");
    assert.equal(someHosts(["host-10", "host-9"]), "host-9 and host-10");
  });
});
