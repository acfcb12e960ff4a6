import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  acceptanceRefusals,
  acceptingPart,
  wirerRefusals,
  wiringRefusals,
  type AcceptanceFacts,
  type WiringFacts,
} from "../../app/domain/alerting";
import type { SignoffRecord } from "../../app/domain/signoffs";

// Accepting a stalled baseline and wiring alerts: the decisions the conduit page, the models and the API share.

const engineer = { role: "plant_engineer" as const, personId: 7 };
const security = { role: "corporate_security" as const, personId: 9 };

function acceptance(over: Partial<SignoffRecord> = {}): SignoffRecord {
  return {
    id: 1,
    part: "design_change_control",
    personId: 7,
    personName: "Priya Raman",
    role: "plant_engineer",
    revision: 3,
    contentHash: "epoch-hash",
    signedAt: "2026-11-01T00:00:00.000Z",
    note: "residual novelty accepted",
    revokedAt: null,
    revokedReason: null,
    ...over,
  };
}

function accepting(over: Partial<AcceptanceFacts> = {}): AcceptanceFacts {
  return {
    signer: engineer,
    conduit: { name: "Cell 1", designOwnerId: 7, monitoringOwnerId: 9 },
    baseline: { status: "stalled", countedDays: 60 },
    acceptanceHash: "epoch-hash",
    epochStart: "2026-09-01",
    acceptances: [],
    ...over,
  };
}

const codes = (f: AcceptanceFacts) => acceptanceRefusals(f).map((r) => r.code);

describe("accepting a stalled baseline", () => {
  it("lets each assigned owner accept for the part their role signs", () => {
    assert.deepEqual(acceptanceRefusals(accepting()), []);
    assert.equal(acceptingPart(accepting()), "design_change_control");
    assert.deepEqual(acceptanceRefusals(accepting({ signer: security })), []);
    assert.equal(acceptingPart(accepting({ signer: security })), "monitoring_incident_response");
  });

  it("refuses anyone but the owners (403), and an API token", () => {
    assert.deepEqual(codes(accepting({ signer: { role: "plant_engineer", personId: 8 } })), ["not_owner"]);
    assert.deepEqual(codes(accepting({ signer: { role: "program_lead", personId: 7 } })), ["not_owner"]);
    assert.deepEqual(codes(accepting({ signer: { role: "plant_engineer", personId: null } })), ["not_a_person"]);
    assert.equal(acceptanceRefusals(accepting({ signer: { role: "plant_engineer", personId: 8 } }))[0]!.status, 403);
  });

  it("refuses a baseline that is not stalled, saying what it is", () => {
    const collecting = acceptanceRefusals(accepting({ baseline: { status: "collecting", countedDays: 12 } }));
    assert.deepEqual(
      collecting.map((r) => [r.code, r.status]),
      [["not_stalled", 409]]
    );
    assert.match(collecting[0]!.message, /“Cell 1” is collecting with 12 counted days/);
    assert.match(
      acceptanceRefusals(accepting({ baseline: { status: "mature", countedDays: 30 } }))[0]!.message,
      /is mature\.$/
    );
  });

  it("refuses a second acceptance of the same epoch, but not of another epoch or after a revoke", () => {
    assert.deepEqual(codes(accepting({ acceptances: [acceptance()] })), ["already_accepted"]);
    assert.deepEqual(codes(accepting({ acceptances: [acceptance({ contentHash: "older-epoch" })] })), []);
    assert.deepEqual(codes(accepting({ acceptances: [acceptance({ revokedAt: "2026-11-02T00:00:00.000Z" })] })), []);
    // The other owner's acceptance does not stand for this one.
    assert.deepEqual(
      codes(accepting({ acceptances: [acceptance({ personId: 9, part: "monitoring_incident_response" })] })),
      []
    );
  });
});

const wirer = { role: "corporate_security" as const, personId: 9, permitted: true };
function wiring(over: Partial<WiringFacts> = {}): WiringFacts {
  return { wirer, conduit: { name: "Cell 1", revision: 3 }, wiring: null, alertBlock: null, ...over };
}

describe("wiring alerts", () => {
  it("lets a permitted person wire a conduit whose baseline allows it", () => {
    assert.deepEqual(wiringRefusals(wiring()), []);
    assert.deepEqual(wirerRefusals(wirer), []);
  });

  it("refuses a role without the permission and an API token (403)", () => {
    const refused = wiringRefusals(wiring({ wirer: { role: "executive", personId: 3, permitted: false } }));
    assert.deepEqual(
      refused.map((r) => [r.code, r.status]),
      [["not_permitted", 403]]
    );
    assert.match(refused[0]!.message, /executive\) may not wire alerts/);
    assert.deepEqual(
      wiringRefusals(wiring({ wirer: { ...wirer, personId: null } })).map((r) => r.code),
      ["not_a_person"]
    );
  });

  it("refuses a conduit already wired at its revision, and one whose baseline blocks it, with the reason", () => {
    const wired = wiringRefusals(wiring({ wiring: { at: "2026-11-03T10:00:00.000Z", by: "Sam Okafor" } }));
    assert.deepEqual(
      wired.map((r) => r.code),
      ["already_wired"]
    );
    assert.match(wired[0]!.message, /already wired on “Cell 1” \(revision 3\): by Sam Okafor on 2026-11-03/);
    const blocked = wiringRefusals(wiring({ alertBlock: "Alerts cannot be wired on “Cell 1” until …" }));
    assert.deepEqual(
      blocked.map((r) => [r.code, r.message]),
      [["blocked", "Alerts cannot be wired on “Cell 1” until …"]]
    );
  });
});
