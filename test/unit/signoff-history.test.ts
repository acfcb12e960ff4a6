import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SIGNOFF_HISTORY_SHOWN, shownHistory, type SignoffRecord } from "../../app/domain/signoffs";

function signoff(id: number, contentHash: string, revoked = false): SignoffRecord {
  return {
    id,
    part: id % 2 === 0 ? "design_change_control" : "monitoring_incident_response",
    personId: 1,
    personName: "Dana",
    role: "plant_engineer",
    revision: 1,
    contentHash,
    signedAt: new Date(Date.UTC(2026, 0, 1) + (1000 - id) * 60_000).toISOString(),
    note: null,
    revokedAt: revoked ? "2026-02-01T00:00:00.000Z" : null,
    revokedReason: revoked ? "signed by mistake" : null,
  };
}

describe("the signoff history a page lists", () => {
  it("keeps every signoff standing on the current content, however old, and the most recent others", () => {
    // Newest first, as the model reads them: 300 signoffs of earlier content, and one standing signoff at the end.
    const history = [
      ...Array.from({ length: 300 }, (_, i) => signoff(i + 1, "old", i % 3 === 0)),
      signoff(301, "current"),
    ];
    const shown = shownHistory(history, "current");
    assert.equal(shown.length, SIGNOFF_HISTORY_SHOWN + 1);
    assert.deepEqual(
      shown.slice(0, SIGNOFF_HISTORY_SHOWN).map((s) => s.id),
      history.slice(0, SIGNOFF_HISTORY_SHOWN).map((s) => s.id),
      "the most recent others, in order"
    );
    assert.equal(shown.at(-1)!.id, 301, "the standing signoff, so its signer can still revoke it");
  });

  it("lists a short history whole", () => {
    const history = [signoff(1, "current"), signoff(2, "old", true), signoff(3, "old")];
    assert.deepEqual(shownHistory(history, "current"), history);
  });

  it("does not keep a revoked signoff of the current content beyond the cap", () => {
    const history = Array.from({ length: 40 }, (_, i) => signoff(i + 1, "current", true));
    assert.equal(shownHistory(history, "current").length, SIGNOFF_HISTORY_SHOWN);
  });
});
