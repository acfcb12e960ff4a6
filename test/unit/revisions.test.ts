import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  accountFields,
  changesBetween,
  conduitFields,
  conflictMessage,
  type ConduitFieldsInput,
} from "../../app/domain/revisions";

const ZONES: Record<number, string> = { 1: "Plant DMZ", 2: "Corporate network", 3: "Line 1" };
const zoneName = (id: number) => ZONES[id] ?? `zone ${id}`;

const CONDUIT: ConduitFieldsInput = {
  name: "DMZ ↔ Corporate",
  zoneAId: 1,
  zoneBId: 2,
  purpose: "Historian replication out",
  controlType: "firewall",
  monitored: true,
  monitoringPoint: null,
  compensatingNote: null,
  flows: [
    { protocol: "udp", port: 53, portEnd: null, direction: "a_to_b", description: "DNS" },
    { protocol: "tcp", port: 443, portEnd: null, direction: "b_to_a", description: "HTTPS" },
  ],
};

describe("what changed between two revisions", () => {
  it("names each field that differs, as people read it, and nothing else", () => {
    const before = conduitFields(CONDUIT, zoneName);
    const after = conduitFields(
      {
        ...CONDUIT,
        zoneBId: 3,
        monitoringPoint: "SPAN on the DMZ switch",
        // The same flows in another order are the same flows.
        flows: [...CONDUIT.flows].reverse(),
      },
      zoneName
    );
    assert.deepEqual(changesBetween(before, after), [
      { field: "zoneBId", label: "Endpoint zone B", before: "Corporate network", after: "Line 1" },
      { field: "monitoringPoint", label: "Monitoring point", before: "", after: "SPAN on the DMZ switch" },
    ]);
  });

  it("reads flows one per line and the control by its label", () => {
    const fields = Object.fromEntries(conduitFields(CONDUIT, zoneName).map((f) => [f.field, f.value]));
    assert.equal(fields.flows, "tcp 443 b_to_a HTTPS\nudp 53 a_to_b DNS");
    assert.equal(fields.controlType, "Firewall");
    assert.equal(fields.monitored, "yes");
  });

  it("finds nothing changed in equal readings", () => {
    assert.deepEqual(
      changesBetween(
        accountFields({ name: "A", role: "admin", plants: [] }),
        accountFields({ name: "A", role: "admin", plants: [] })
      ),
      []
    );
  });
});

describe("the refusal's message", () => {
  const conflict = {
    basedOn: 3,
    revision: 4,
    savedBy: "Dana Whitfield (program lead)",
    savedAt: "2026-12-05T21:01:07.512Z",
    changes: [{ field: "purpose", label: "Purpose", before: "a", after: "b" }],
  };

  it("says who saved which revision and when, what changed, and that the draft is kept", () => {
    assert.equal(
      conflictMessage({ ...conflict, object: "this conduit", act: "edit", yours: false }),
      "Someone else saved this conduit (revision 4, by Dana Whitfield (program lead), at 2026-12-05 21:01 UTC) while you were editing. Here is what changed: purpose. Your text is kept below: review it and save again."
    );
  });

  it("tells a signer nothing was signed, and which revision to read", () => {
    assert.equal(
      conflictMessage({ ...conflict, object: "this conduit", act: "sign", yours: false }),
      "Someone else saved this conduit (revision 4, by Dana Whitfield (program lead), at 2026-12-05 21:01 UTC) since you opened it. Here is what changed: purpose. Nothing was signed: read revision 4 and sign it if you agree."
    );
  });

  it("does not call a person's own save in another tab someone else's", () => {
    assert.match(
      conflictMessage({ ...conflict, object: "this conduit", act: "edit", yours: true }),
      /^You saved this conduit again elsewhere \(revision 4, at 2026-12-05 21:01 UTC\) while you were editing\./
    );
  });

  it("says so when the audit trail no longer holds the revision read", () => {
    assert.match(
      conflictMessage({
        ...conflict,
        savedBy: null,
        savedAt: null,
        changes: null,
        object: "this conduit",
        act: "wire",
        yours: false,
      }),
      /^Someone else saved this conduit \(revision 4\) since you opened it\. What changed since revision 3 is no longer in the audit trail; here is how it stands now\. Alerts were not wired: review revision 4 and wire them again\.$/
    );
  });

  it("leaves the revision out when only something outside it changed (a conduit's owners)", () => {
    assert.match(
      conflictMessage({ ...conflict, revision: 3, object: "the owners of this conduit", act: "edit", yours: false }),
      /^Someone else saved the owners of this conduit \(by Dana Whitfield \(program lead\), at 2026-12-05 21:01 UTC\)/
    );
  });
});
