import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { currentPhase, phaseIndex } from "../../app/domain/phase";

describe("currentPhase", () => {
  it("is inventory before any gate passes", () => {
    assert.equal(currentPhase([]), "inventory");
  });

  it("is the first phase whose exit gate has not passed", () => {
    assert.equal(currentPhase(["inventory", "zoning"]), "conduits");
  });

  it("does not skip a gap left by a pass out of order", () => {
    assert.equal(currentPhase(["inventory", "conduits"]), "zoning");
  });

  it("is complete once every gate has passed", () => {
    assert.equal(currentPhase(["alerting", "baseline", "conduits", "zoning", "inventory"]), "complete");
    assert.equal(phaseIndex("complete"), 5);
  });
});
