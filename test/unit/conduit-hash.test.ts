import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { conduitHash, type ConduitDefinition } from "../../app/models/signoffs.server";

// What a conduit's owners sign must not change under them: a definition written before flows had ranges and
// conduits had compensating notes hashes as it always did, so no signature goes stale on an upgrade.

const DEFINITION: ConduitDefinition = {
  id: 7,
  plantId: 3,
  revision: 2,
  name: "DMZ ↔ Corporate",
  zoneAId: 11,
  zoneBId: 12,
  purpose: "Historian replication out",
  controlType: "firewall",
  monitored: true,
  monitoringPoint: "SPAN of FW-01",
  compensatingNote: null,
  flows: [
    { protocol: "udp", port: 123, portEnd: null, direction: "a_to_b", description: "NTP" },
    { protocol: "tcp", port: 5450, portEnd: null, direction: "a_to_b", description: "PI-to-PI" },
    { protocol: "icmp", port: null, portEnd: null, direction: "both", description: null },
  ],
};

/** The hash exactly as it was computed before ranges and notes existed: keys sorted, flows sorted, no new keys. */
function hashAsBefore(c: ConduitDefinition): string {
  const flows = [
    { description: null, direction: "both", port: null, protocol: "icmp" },
    { description: "PI-to-PI", direction: "a_to_b", port: 5450, protocol: "tcp" },
    { description: "NTP", direction: "a_to_b", port: 123, protocol: "udp" },
  ];
  const content = {
    controlType: c.controlType,
    flows,
    id: c.id,
    monitored: c.monitored,
    monitoringPoint: c.monitoringPoint,
    name: c.name,
    object: "conduit",
    plant: c.plantId,
    purpose: c.purpose,
    revision: c.revision,
    zones: [c.zoneAId, c.zoneBId],
  };
  return createHash("sha256").update(JSON.stringify(content)).digest("hex");
}

/** The same hash written out, as signatures in existing databases hold it. */
const PINNED = "eeb918b82732cd5601bc646ebadccaf719c59f88a04d98907e6d5c3363abcd1e";

describe("a conduit's content hash", () => {
  it("is unchanged for single-port flows and no compensating note", () => {
    assert.equal(conduitHash(DEFINITION), hashAsBefore(DEFINITION));
    assert.equal(conduitHash(DEFINITION), PINNED);
  });

  it("changes when a flow becomes a range, or a compensating note is written", () => {
    const before = conduitHash(DEFINITION);
    const ranged = {
      ...DEFINITION,
      flows: DEFINITION.flows.map((f) => (f.port === 5450 ? { ...f, portEnd: 5460 } : f)),
    };
    assert.notEqual(conduitHash(ranged), before);
    const noted = { ...DEFINITION, compensatingNote: "Two firewalls of two vendors." };
    assert.notEqual(conduitHash(noted), before);
    assert.notEqual(conduitHash(noted), conduitHash(ranged));
  });

  it("does not depend on the order the flows are listed in", () => {
    assert.equal(conduitHash({ ...DEFINITION, flows: [...DEFINITION.flows].reverse() }), conduitHash(DEFINITION));
  });
});
