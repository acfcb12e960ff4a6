import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  holdsCutovers,
  isReviewed,
  readConcludedCause,
  readReviewText,
  readStopInput,
  stopAttributionRefusal,
  stopReviewCompletionRefusal,
  stopReviewSigningRefusals,
  type StopFacts,
  type StopInput,
} from "../../app/domain/production-stops";

// Production stops and their post-incident reviews: what a stop must say, who signs which part of its review, when
// it is reviewed, and the hold on a plant's next cutover while a stop is not.

const NOW = "2026-12-04T12:00:00.000Z";
const INPUT: StopInput = {
  zoneId: null,
  line: "Line 2",
  startedAt: "2026-12-03T14:00:00.000Z",
  minutesLost: 45,
  changeId: null,
  ticket: "INC-1042",
  description: "Packaging HMI lost its PLC after the cutover.",
  cause: "network",
};

function fieldsOf(result: ReturnType<typeof readStopInput>): string[] {
  return result.ok ? [] : result.refusals.map((r) => r.field);
}

describe("readStopInput", () => {
  it("accepts a stop with its line, start, minutes, ticket, description and cause", () => {
    const read = readStopInput(INPUT, NOW);
    assert.equal(read.ok, true);
    assert.equal(read.ok && read.value.line, "Line 2");
  });

  it("requires a zone or a line", () => {
    assert.deepEqual(fieldsOf(readStopInput({ ...INPUT, line: " " }, NOW)), ["line"]);
    assert.equal(readStopInput({ ...INPUT, line: "", zoneId: 4 }, NOW).ok, true);
  });

  it("refuses a start in the future or not an instant", () => {
    assert.deepEqual(fieldsOf(readStopInput({ ...INPUT, startedAt: "2026-12-05T00:00:00Z" }, NOW)), ["startedAt"]);
    assert.deepEqual(fieldsOf(readStopInput({ ...INPUT, startedAt: "yesterday" }, NOW)), ["startedAt"]);
  });

  it("takes whole minutes from 1 to 100,000", () => {
    for (const minutesLost of [0, 1.5, 100_001, "45"]) {
      assert.deepEqual(fieldsOf(readStopInput({ ...INPUT, minutesLost }, NOW)), ["minutesLost"]);
    }
    assert.equal(readStopInput({ ...INPUT, minutesLost: 100_000 }, NOW).ok, true);
  });

  it("bounds the ticket and the description, which is required", () => {
    assert.deepEqual(fieldsOf(readStopInput({ ...INPUT, ticket: "T".repeat(101) }, NOW)), ["ticket"]);
    assert.deepEqual(fieldsOf(readStopInput({ ...INPUT, description: "" }, NOW)), ["description"]);
    assert.deepEqual(fieldsOf(readStopInput({ ...INPUT, description: "d".repeat(2001) }, NOW)), ["description"]);
  });

  it("records a stop as caused or suspected, not as concluded otherwise", () => {
    assert.equal(readStopInput({ ...INPUT, cause: "suspected" }, NOW).ok, true);
    assert.deepEqual(fieldsOf(readStopInput({ ...INPUT, cause: "not_network" }, NOW)), ["cause"]);
  });
});

describe("stopAttributionRefusal", () => {
  it("accepts a change of the same plant, or none", () => {
    assert.equal(stopAttributionRefusal({ id: 3, plantId: 1 }, 1, 3), null);
    assert.equal(stopAttributionRefusal(null, 1, null), null);
  });

  it("refuses a change of another plant, or one that does not exist", () => {
    assert.equal(stopAttributionRefusal({ id: 3, plantId: 2 }, 1, 3)?.field, "changeId");
    assert.equal(stopAttributionRefusal(null, 1, 99)?.field, "changeId");
  });
});

describe("review text and cause", () => {
  it("takes a review of 3 to 10,000 characters", () => {
    assert.equal(readReviewText("Root cause: a missing Modbus rule.").ok, true);
    assert.equal(readReviewText("  ").ok, false);
    assert.equal(readReviewText("x".repeat(10_001)).ok, false);
  });

  it("concludes the network or not the network", () => {
    assert.equal(readConcludedCause("not_network").ok, true);
    assert.equal(readConcludedCause("suspected").ok, false);
  });
});

const SIGNED_DESIGN = {
  part: "design_change_control" as const,
  personId: 10,
  personName: "Priya Nair",
  reviewRevision: 1,
  signedAt: NOW,
};
const SIGNED_MONITORING = {
  part: "monitoring_incident_response" as const,
  personId: 20,
  personName: "Sam Okafor",
  reviewRevision: 1,
  signedAt: NOW,
};
const STOP: StopFacts = {
  id: 5,
  line: "Line 2",
  zoneName: null,
  startedAt: "2026-12-03T14:00:00.000Z",
  minutesLost: 45,
  cause: "network",
  review: "Root cause: a missing rule.",
  reviewRevision: 1,
  signatures: [SIGNED_DESIGN],
};

describe("isReviewed", () => {
  it("is reviewed when both parts are signed at the current revision", () => {
    assert.equal(isReviewed({ ...STOP, signatures: [SIGNED_DESIGN, SIGNED_MONITORING] }), true);
  });

  it("is not reviewed with one part, or after an edit made the signatures stale", () => {
    assert.equal(isReviewed(STOP), false);
    assert.equal(isReviewed({ ...STOP, reviewRevision: 2, signatures: [SIGNED_DESIGN, SIGNED_MONITORING] }), false);
  });
});

describe("stopReviewSigningRefusals", () => {
  const engineer = { role: "plant_engineer" as const, personId: 11, permitted: true };
  const security = { role: "corporate_security" as const, personId: 21, permitted: true };
  const label = "This post-incident review";

  it("lets corporate security sign the monitoring part of a written review", () => {
    assert.deepEqual(stopReviewSigningRefusals("monitoring_incident_response", security, { ...STOP, label }), []);
  });

  it("refuses the wrong role for a part (the signoffs' rule), and an engineer of another plant", () => {
    assert.equal(stopReviewSigningRefusals("design_change_control", security, { ...STOP, label })[0]?.status, 403);
    assert.equal(
      stopReviewSigningRefusals(
        "monitoring_incident_response",
        { ...engineer, permitted: false },
        { ...STOP, label }
      )[0]?.status,
      403
    );
  });

  it("refuses a review not written, and a part already signed at this revision", () => {
    assert.equal(
      stopReviewSigningRefusals("monitoring_incident_response", security, { ...STOP, review: null, label })[0]?.code,
      "not_signable"
    );
    assert.equal(
      stopReviewSigningRefusals("design_change_control", engineer, { ...STOP, label })[0]?.code,
      "already_signed"
    );
  });
});

describe("stopReviewCompletionRefusal", () => {
  const facts = { change: { kind: "conduit_cutover" }, plantCode: "DAY", timeZone: "America/Chicago" };

  it("refuses a cutover while a network stop is not reviewed by both owners, linking the stop", () => {
    const refused = stopReviewCompletionRefusal({ ...facts, stops: [STOP] });
    assert.equal(refused?.status, 409);
    assert.equal(
      refused.reasons[0]!.message,
      "Stop on Line 2 on 3 Dec (45 min lost) has no post-incident review signed by both owners; sign it before another cutover is marked done."
    );
    assert.equal(refused.reasons[0]!.href, "/plants/DAY/stops/5");
  });

  it("allows it once both owners signed, or when the stop was concluded not the network", () => {
    assert.equal(
      stopReviewCompletionRefusal({ ...facts, stops: [{ ...STOP, signatures: [SIGNED_DESIGN, SIGNED_MONITORING] }] }),
      null
    );
    assert.equal(stopReviewCompletionRefusal({ ...facts, stops: [{ ...STOP, cause: "not_network" }] }), null);
    assert.equal(holdsCutovers({ ...STOP, cause: "suspected" }), true);
  });

  it("does not hold changes other than cutovers", () => {
    assert.equal(stopReviewCompletionRefusal({ ...facts, change: { kind: "sensor_install" }, stops: [STOP] }), null);
  });
});
