import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { passRefusals, type PassFacts } from "../../app/domain/gates";
import type { GateResult } from "../../app/domain/readiness";
import { PHASES, type Phase } from "../../app/domain/vocabulary";

// Whether a gate may be passed: the plant page's controls and passGate ask this one decision.

function gates(statuses: Partial<Record<Phase, GateResult["status"]>>, unmet: string[] = []): GateResult[] {
  return PHASES.map((phase) => ({
    phase,
    status: statuses[phase] ?? "blocked",
    passedAt: statuses[phase] === "passed" ? "2026-11-01T00:00:00.000Z" : null,
    passedBy: null,
    criteria: unmet.map((code) => ({
      code,
      title: code,
      checklist: false,
      met: false,
      waived: null,
      message: `${code} is not met.`,
      objects: [],
      tick: null,
    })),
  }));
}

const lead: PassFacts["passer"] = { role: "program_lead", permitted: true };
const facts = (phase: Phase, g: GateResult[], passer = lead): PassFacts => ({
  passer,
  plantCode: "DAY",
  phase,
  gates: g,
});
const codes = (f: PassFacts) => passRefusals(f).map((r) => r.code);

describe("passing a gate", () => {
  it("lets a permitted person pass the first gate not passed when its criteria are met", () => {
    assert.deepEqual(passRefusals(facts("inventory", gates({ inventory: "ready" }))), []);
    assert.deepEqual(passRefusals(facts("zoning", gates({ inventory: "passed", zoning: "ready" }))), []);
  });

  it("refuses a role without the permission, before anything else", () => {
    const exec = { role: "executive" as const, permitted: false };
    const refused = passRefusals(facts("inventory", gates({ inventory: "passed" }), exec));
    assert.deepEqual(
      refused.map((r) => [r.code, r.status]),
      [["not_permitted", 403]]
    );
    assert.match(refused[0]!.message, /executive\) may not pass gates/);
  });

  it("refuses a gate already passed, one out of order, and one with unmet criteria (naming them)", () => {
    assert.deepEqual(codes(facts("inventory", gates({ inventory: "passed" }))), ["passed"]);
    assert.deepEqual(codes(facts("conduits", gates({ inventory: "passed" }))), ["out_of_order"]);
    assert.match(passRefusals(facts("conduits", gates({ inventory: "passed" })))[0]!.message, /the zoning gate of DAY/);
    const unmet = passRefusals(facts("inventory", gates({}, ["INV-STAGED", "OWN-SPLIT"])));
    assert.deepEqual(
      unmet.map((r) => r.code),
      ["unmet"]
    );
    assert.match(unmet[0]!.message, /cannot pass while criteria are unmet: INV-STAGED: .* OWN-SPLIT: /);
  });

  it("counts a waived criterion as met", () => {
    const g = gates({}, ["INV-REVIEW"]);
    g[0]!.criteria[0]!.waived = { code: "INV-REVIEW", by: "Dana", at: "2026-11-01T00:00:00.000Z", justification: "x" };
    assert.deepEqual(passRefusals(facts("inventory", g)), []);
  });
});
