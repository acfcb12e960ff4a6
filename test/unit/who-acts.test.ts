import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mustActInWords, objectAtFault, whoMustAct, whoPassesGate, type ActFacts } from "../../app/domain/who-acts";

const conduit = { type: "conduit" as const, id: 7, label: "DMZ firewall" };
const facts: ActFacts = {
  engineers: ["Ana Díaz", "Bo Chen"],
  leads: ["Dana Lead"],
  security: ["Sam Ortiz", "Kim Park"],
  conduits: new Map([
    [
      7,
      {
        designOwner: "Bo Chen",
        monitoringOwner: "Kim Park",
        unsigned: ["monitoring_incident_response" as const],
        baseline: "stalled" as const,
      },
    ],
  ]),
  splitUnsigned: ["design_change_control"],
};

describe("who must act on a blocker", () => {
  it("sends an unsigned conduit part to that part's owner of the conduit, by name", () => {
    assert.deepEqual(whoMustAct({ code: "CON-OWNERS", objects: [conduit] }, facts), [
      {
        role: "corporate_security",
        names: ["Kim Park"],
        does: "sign “DMZ firewall” (monitoring & incident response)",
      },
    ]);
  });

  it("asks a lead to assign an owner where none is assigned", () => {
    const none = { ...facts, conduits: new Map([[7, { ...facts.conduits.get(7)!, monitoringOwner: null }]]) };
    const [act] = whoMustAct({ code: "CON-OWNERS", objects: [conduit] }, none);
    assert.equal(act!.role, "program_lead");
    assert.deepEqual(act!.names, ["Dana Lead"]);
  });

  it("sends checklist and inventory work to the plant's assigned engineers", () => {
    for (const code of ["INV-REVIEW", "ZON-REVIEW", "BAS-PIPELINE", "INV-STAGED"]) {
      const [act] = whoMustAct({ code, objects: [] }, facts);
      assert.equal(act!.role, "plant_engineer", code);
      assert.deepEqual(act!.names, ["Ana Díaz", "Bo Chen"], code);
    }
  });

  it("sends the ownership split's unsigned part to its role, a stalled baseline to both owners, wiring to security", () => {
    assert.deepEqual(
      whoMustAct({ code: "OWN-SPLIT", objects: [] }, facts).map((a) => [a.role, a.names]),
      [["plant_engineer", ["Ana Díaz", "Bo Chen"]]]
    );
    assert.deepEqual(
      whoMustAct({ code: "BAS-MATURE", objects: [conduit] }, facts).map((a) => [a.role, a.names]),
      [
        ["plant_engineer", ["Bo Chen"]],
        ["corporate_security", ["Kim Park"]],
      ]
    );
    const [wire] = whoMustAct({ code: "ALR-WIRED", objects: [conduit] }, facts);
    assert.deepEqual(
      [wire!.role, wire!.names, wire!.does],
      ["corporate_security", ["Kim Park"], "wire the alerts of “DMZ firewall”"]
    );
  });

  it("asks a lead to pass a gate that is ready, and says it all in words", () => {
    const acts = whoPassesGate("zoning", facts);
    assert.equal(acts[0]!.role, "program_lead");
    assert.match(mustActInWords(acts), /^Program lead \(Dana Lead\): pass the .*zon.* gate$/i);
  });

  it("names the object at fault, never the plant itself", () => {
    assert.equal(objectAtFault([{ type: "plant", id: 0, label: "DAY" }]), null);
    assert.equal(objectAtFault([conduit]), "“DMZ firewall”");
    assert.equal(objectAtFault([conduit, { type: "conduit", id: 8, label: "B" }]), "“DMZ firewall” and 1 more");
    assert.equal(
      objectAtFault([
        { type: "asset", id: 1, label: "PLC-1" },
        { type: "asset", id: 2, label: "PLC-2" },
      ]),
      "“PLC-1” and others"
    );
  });
});
