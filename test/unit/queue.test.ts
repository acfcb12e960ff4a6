import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { reachOf, type Principal } from "../../app/domain/permissions";
import {
  criteriaToTick,
  gatesToPass,
  hasQueue,
  queueSections,
  queueSpansProgram,
  signoffsToGive,
} from "../../app/domain/queue";
import type { PlantReadiness } from "../../app/domain/readiness";
import type { Role } from "../../app/domain/vocabulary";

// What waits on a person at /me: each section decided by what they may do (can()), not by the name of their role.

const as = (role: Role, assignedPlantIds: number[] = []): Principal => ({ role, assignedPlantIds, plantScope: null });

describe("the sections of a person's queue", () => {
  it("gives each role the work its permissions hold", () => {
    assert.deepEqual(queueSections(as("plant_engineer", [1])), {
      criteria: true,
      gates: true,
      signoffs: "design_change_control",
      changes: true,
      staged: "untriaged",
    });
    assert.deepEqual(queueSections(as("program_lead")), {
      criteria: false,
      gates: true,
      signoffs: null,
      changes: true,
      staged: "untriaged",
    });
    assert.deepEqual(queueSections(as("corporate_security")), {
      criteria: false,
      gates: false,
      signoffs: "monitoring_incident_response",
      changes: false,
      staged: "escalated",
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
});
