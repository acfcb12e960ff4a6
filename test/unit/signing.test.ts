import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  partState,
  signControl,
  signerRefusals,
  signingRefusals,
  type SigningFacts,
  type SignoffRecord,
} from "../../app/domain/signoffs";

// Who may sign a part of a subject now: the one decision behind the pages' sign controls and the models' refusals.

function signoff(over: Partial<SignoffRecord>): SignoffRecord {
  return {
    id: 1,
    part: "design_change_control",
    personId: 7,
    personName: "Priya Raman",
    role: "plant_engineer",
    revision: 2,
    contentHash: "h2",
    signedAt: "2026-11-01T00:00:00.000Z",
    note: null,
    revokedAt: null,
    revokedReason: null,
    ...over,
  };
}

const engineer = { role: "plant_engineer" as const, personId: 7, permitted: true };

function facts(over: Partial<SigningFacts> = {}): SigningFacts {
  return {
    part: "design_change_control",
    signer: engineer,
    subject: { label: "Conduit “Cell 1”", revision: 2, currentHash: "h2", notSignableWhy: null },
    owner: { id: 7, name: "Priya Raman" },
    signoffs: [],
    ...over,
  };
}

const codes = (f: SigningFacts) => signingRefusals(f).map((r) => r.code);

describe("signing a part", () => {
  it("lets the assigned owner of the part's role sign a subject they have not signed", () => {
    assert.deepEqual(signingRefusals(facts()), []);
    assert.deepEqual(signControl(facts()), { allowed: true, why: null });
  });

  it("refuses another role (no control at all), an API token, and an engineer of another plant", () => {
    const security = { role: "corporate_security" as const, personId: 9, permitted: true };
    assert.deepEqual(codes(facts({ signer: security })), ["wrong_role"]);
    assert.match(signingRefusals(facts({ signer: security }))[0]!.message, /signed by a plant engineer of this plant/);
    assert.deepEqual(signControl(facts({ signer: security })), { allowed: false, why: null });
    assert.deepEqual(codes(facts({ signer: { ...engineer, personId: null } })), ["not_a_person"]);
    assert.deepEqual(signControl(facts({ signer: { ...engineer, personId: null } })), { allowed: false, why: null });
    const elsewhere = facts({ signer: { ...engineer, permitted: false } });
    assert.deepEqual(codes(elsewhere), ["not_permitted"]);
    assert.deepEqual(signControl(elsewhere), { allowed: false, why: "You are not assigned to this plant." });
    assert.equal(signingRefusals(elsewhere)[0]!.status, 403);
    assert.deepEqual(signerRefusals("design_change_control", engineer), []);
  });

  it("refuses a subject not written yet, a part with no owner, and someone who is not its owner", () => {
    const unwritten = facts({
      owner: undefined,
      subject: { label: "The ownership split of DAY", revision: 0, currentHash: "h0", notSignableWhy: "Not written." },
    });
    assert.deepEqual(codes(unwritten), ["not_signable"]);
    assert.deepEqual(signControl(unwritten), { allowed: false, why: "Not written." });
    assert.deepEqual(codes(facts({ owner: null })), ["no_owner"]);
    const other = facts({ owner: { id: 8, name: "Ken Ito" } });
    assert.deepEqual(codes(other), ["not_owner"]);
    assert.equal(signControl(other).why, "Only the assigned owner, Ken Ito, signs this part.");
  });

  it("refuses a second signoff of the same content by the same person, but not after a change or a revoke", () => {
    assert.deepEqual(codes(facts({ signoffs: [signoff({})] })), ["already_signed"]);
    assert.match(
      signingRefusals(facts({ signoffs: [signoff({})] }))[0]!.message,
      /already signed revision 2 of conduit/
    );
    assert.deepEqual(codes(facts({ signoffs: [signoff({ contentHash: "h1", revision: 1 })] })), []);
    assert.deepEqual(codes(facts({ signoffs: [signoff({ revokedAt: "2026-11-02T00:00:00.000Z" })] })), []);
    assert.deepEqual(codes(facts({ signoffs: [signoff({ part: "monitoring_incident_response" })] })), []);
    assert.deepEqual(codes(facts({ signoffs: [signoff({ personId: 8 })] })), []);
  });

  it("sees the signer's own signoff when another person's holds the part (a split signed by two engineers)", () => {
    // Newest first: Ken signed after Priya. The part's holding signoff is Ken's; Priya has signed all the same.
    const history = [signoff({ id: 2, personId: 8, personName: "Ken Ito" }), signoff({ id: 1 })];
    const state = partState(history, "design_change_control", "h2");
    assert.equal(state.valid?.personId, 8);
    const split = facts({ owner: undefined, signoffs: history });
    assert.deepEqual(codes(split), ["already_signed"]);
    assert.equal(signControl(split).allowed, false);
  });
});
