import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ACK_MAX_GIVEN,
  ACK_REASON_MAX,
  acknowledgementField,
  decideAcknowledgements,
  reasonsOfForm,
} from "../../app/domain/acknowledgements";
import { acknowledgementKey, reviewDesign, type DesignFinding } from "../../app/domain/design-review";
import { signControl, signingRefusals, type SigningFacts } from "../../app/domain/signoffs";

// A signer of a conduit acknowledges each warning of the design review with a reason; an error keeps it unsigned.

const zone = (id: number, name: string, purdueLevel: number | null) => ({
  id,
  name,
  kind: "process_control",
  purdueLevel,
  slTarget: 2,
  safety: false,
  ranges: [],
});

/** A conduit (1) between a classified zone and two unclassified ones' worth of warnings, from the real rules. */
function findingsOf(flowCount: number, unclassified: number[] = [11]): DesignFinding[] {
  const zones = [zone(10, "Supervisory", 2), ...unclassified.map((id) => zone(id, `Cell ${id}`, null))];
  const conduits = unclassified.map((id) => ({
    id: id - 10,
    name: `Cell ${id} link`,
    zoneAId: 10,
    zoneBId: id,
    flowCount,
    flows: Array.from({ length: flowCount }, () => ({ protocol: "tcp", port: 443, portEnd: null })),
    monitored: true,
    monitoringPoint: "SPAN",
    compensatingNote: null,
  }));
  // Every warning bears on conduit 1 when its zones are both of its ends.
  return reviewDesign({ zones, conduits, unzoned: { count: 0, examples: [] } }).map((f) => ({ ...f, conduitIds: [1] }));
}

const reasons = (entries: [DesignFinding, string][]) =>
  new Map(entries.map(([finding, reason]) => [acknowledgementKey(finding), reason]));

describe("acknowledging the design review's warnings", () => {
  it("records one acknowledgement per warning when each has a reason, as the warning was shown", () => {
    const findings = findingsOf(1, [11, 12]);
    assert.equal(findings.length, 2);
    const decision = decideAcknowledgements(
      findings,
      reasons([
        [findings[0]!, "  Cell 11 is a   test bench "],
        [findings[1]!, "Classified next outage"],
      ])
    );
    assert.deepEqual(decision.fieldErrors, {});
    assert.deepEqual(
      decision.acknowledgements.map((a) => [a.code, a.key, a.reason, a.message]),
      [
        ["DES-ZONE-UNCLASSIFIED", "DES-ZONE-UNCLASSIFIED|zone:11", "Cell 11 is a test bench", findings[0]!.message],
        ["DES-ZONE-UNCLASSIFIED", "DES-ZONE-UNCLASSIFIED|zone:12", "Classified next outage", findings[1]!.message],
      ]
    );
    assert.deepEqual(decision.acknowledgements[0]!.objects, [{ type: "zone", id: 11, label: "Cell 11" }]);
  });

  it("refuses a warning with no field as a design that changed, and a blank or long reason under its field", () => {
    const findings = findingsOf(1, [11, 12, 13]);
    const decision = decideAcknowledgements(
      findings,
      reasons([
        [findings[0]!, "   "],
        [findings[1]!, "x".repeat(ACK_REASON_MAX + 1)],
      ])
    );
    assert.deepEqual(decision.acknowledgements, []);
    assert.match(
      decision.fieldErrors[acknowledgementField(findings[0]!)]![0]!,
      /Say why you sign despite DES-ZONE-UNCLASSIFIED \(at least 3/
    );
    assert.match(decision.fieldErrors[acknowledgementField(findings[1]!)]![0]!, /under 500 characters/);
    assert.match(
      decision.fieldErrors[acknowledgementField(findings[2]!)]![0]!,
      /design changed since you opened this page/
    );
    assert.equal(Object.keys(decision.fieldErrors).length, 3);
  });

  it("ignores a reason for a warning that no longer stands, and asks nothing of errors", () => {
    const findings = findingsOf(0, [11]);
    assert.deepEqual(
      findings.map((f) => f.severity),
      ["error", "warning"]
    );
    const decision = decideAcknowledgements(
      findings,
      new Map([
        [acknowledgementKey(findings[1]!), "Known bench zone"],
        ["DES-ZONE-UNCLASSIFIED|zone:99", "A zone classified since"],
      ])
    );
    assert.deepEqual(decision.fieldErrors, {});
    assert.deepEqual(
      decision.acknowledgements.map((a) => a.key),
      ["DES-ZONE-UNCLASSIFIED|zone:11"]
    );
    assert.deepEqual(decideAcknowledgements([], new Map([["DES-ZONE-UNCLASSIFIED|zone:99", "stale"]])), {
      acknowledgements: [],
      fieldErrors: {},
    });
  });

  it("reads the reasons of a form by key, bounded in number, and nothing else", () => {
    const form: Record<string, unknown> = { intent: "sign", note: "n", "ack:DES-X|zone:1": "because" };
    assert.deepEqual([...reasonsOfForm(form)], [["DES-X|zone:1", "because"]]);
    const many = Object.fromEntries(Array.from({ length: ACK_MAX_GIVEN + 50 }, (_, i) => [`ack:K|zone:${i}`, "r"]));
    assert.equal(reasonsOfForm(many).size, ACK_MAX_GIVEN);
  });
});

describe("an error of the design review", () => {
  const facts = (findings: DesignFinding[]): SigningFacts => ({
    part: "design_change_control",
    signer: { role: "plant_engineer", personId: 7, permitted: true },
    subject: { label: "Conduit “Cell 11 link”", revision: 2, currentHash: "h2", notSignableWhy: null, findings },
    owner: { id: 7, name: "Priya Raman" },
    signoffs: [],
  });

  it("keeps the conduit from being signed, naming the rule's code and sentence; a warning does not", () => {
    const refused = signingRefusals(facts(findingsOf(0)));
    assert.deepEqual(
      refused.map((r) => [r.code, r.status]),
      [["design_error", 409]]
    );
    assert.match(
      refused[0]!.message,
      /^The design review finds an error \(DES-NO-FLOW\): “Cell 11 link” allows no flow/
    );
    assert.equal(signControl(facts(findingsOf(0))).allowed, false);
    assert.deepEqual(signingRefusals(facts(findingsOf(1))), []);
  });
});
