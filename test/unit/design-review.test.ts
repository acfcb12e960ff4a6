import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  acknowledgementKey,
  CLEARTEXT_INDUSTRIAL_PORTS,
  DESIGN_RULES,
  findingsOfConduit,
  plantFindings,
  reviewDesign,
  unzonedAddresses,
  zoneLevel,
  type DesignConduit,
  type DesignFacts,
  type DesignFlow,
  type DesignZone,
} from "../../app/domain/design-review";

// The design rules, each against a design that passes it and one that fails it.

const zone = (id: number, kind: string, overrides: Partial<DesignZone> = {}): DesignZone => ({
  id,
  name: `Zone ${id}`,
  kind,
  purdueLevel: null,
  slTarget: 2,
  safety: false,
  ranges: [`10.${id}.0.0/16`],
  ...overrides,
});

const tcp = (port: number, portEnd: number | null = null): DesignFlow => ({ protocol: "tcp", port, portEnd });

const conduit = (
  id: number,
  zoneAId: number,
  zoneBId: number,
  overrides: Partial<DesignConduit> = {}
): DesignConduit => {
  const flows = overrides.flows ?? [tcp(443)];
  return {
    id,
    name: `Conduit ${id}`,
    zoneAId,
    zoneBId,
    flowCount: flows.length,
    flows,
    monitored: true,
    monitoringPoint: "SPAN of FW-01",
    compensatingNote: null,
    ...overrides,
  };
};

// A sound plant: corporate ↔ DMZ ↔ supervisory ↔ process control, engineering beside supervisory.
const CORPORATE = 1;
const DMZ = 2;
const SUPERVISORY = 3;
const LINE = 4;
const ENGINEERING = 5;

function soundPlant(): DesignFacts {
  return {
    zones: [
      zone(CORPORATE, "corporate", { purdueLevel: 4, slTarget: 1 }),
      zone(DMZ, "dmz", { purdueLevel: 3.5, slTarget: 2 }),
      zone(SUPERVISORY, "supervisory", { purdueLevel: 2, slTarget: 2 }),
      zone(LINE, "process_control", { purdueLevel: 1, slTarget: 3 }),
      zone(ENGINEERING, "engineering_workstation", { purdueLevel: 2, slTarget: 3 }),
    ],
    conduits: [
      conduit(1, DMZ, CORPORATE, { flows: [tcp(5450), tcp(443)] }),
      conduit(2, SUPERVISORY, DMZ, { flows: [tcp(5450)] }),
      conduit(3, SUPERVISORY, LINE, { flows: [tcp(44818)] }),
      conduit(4, ENGINEERING, LINE, { flows: [tcp(44818)] }),
    ],
    unzoned: { count: 0, examples: [] },
  };
}

const codes = (design: DesignFacts, limits?: { maxPortRange: number }) =>
  reviewDesign(design, limits).map((f) => f.code);

function findingOf(design: DesignFacts, code: string) {
  const found = reviewDesign(design).filter((f) => f.code === code);
  assert.equal(found.length, 1, `one ${code} finding, got ${found.length}`);
  return found[0]!;
}

describe("the design review", () => {
  it("finds nothing in a sound design", () => {
    assert.deepEqual(reviewDesign(soundPlant()), []);
  });

  it("lists every rule once in its catalogue, with a severity, a title and a rationale", () => {
    assert.equal(new Set(DESIGN_RULES.map((r) => r.code)).size, DESIGN_RULES.length);
    for (const rule of DESIGN_RULES) {
      assert.match(rule.code, /^DES-[A-Z-]+$/);
      assert.ok(rule.title.length > 10 && rule.rationale.length > 20, rule.code);
    }
  });

  it("gives each finding the severity its rule has in the catalogue", () => {
    const design = soundPlant();
    design.conduits.push(conduit(9, SUPERVISORY, CORPORATE, { flows: [], flowCount: 0, monitored: false }));
    design.zones.push(zone(8, "other", { slTarget: null }));
    const findings = reviewDesign(design);
    assert.ok(findings.length >= 4);
    for (const f of findings) assert.equal(f.severity, DESIGN_RULES.find((r) => r.code === f.code)!.severity);
  });
});

describe("DES-PURDUE-SKIP", () => {
  it("passes adjacent levels and any conduit with a DMZ endpoint", () => {
    const design = soundPlant();
    design.conduits.push(conduit(9, DMZ, LINE));
    assert.ok(!codes(design).includes("DES-PURDUE-SKIP"));
  });

  it("fails a conduit joining zones more than one level apart without a DMZ, by kind when no level is set", () => {
    const design = soundPlant();
    design.zones.push(zone(9, "engineering_workstation", { purdueLevel: null }));
    design.conduits.push(conduit(9, 9, LINE));
    const finding = findingOf(design, "DES-PURDUE-SKIP");
    assert.equal(finding.severity, "error");
    assert.match(
      finding.message,
      /“Conduit 9” joins “Zone 9” and “Zone 4”, at Purdue levels 3 and 1, without passing a DMZ/
    );
    assert.deepEqual(finding.conduitIds, [9]);
  });

  it("reads a zone's level from its own value first, then its kind", () => {
    assert.equal(zoneLevel({ kind: "corporate", purdueLevel: null }), 4);
    assert.equal(zoneLevel({ kind: "dmz", purdueLevel: null }), 3.5);
    assert.equal(zoneLevel({ kind: "engineering_workstation", purdueLevel: 2 }), 2);
    assert.equal(zoneLevel({ kind: "other", purdueLevel: null }), null);
  });
});

describe("DES-CORP-TO-CONTROL", () => {
  it("passes corporate to a DMZ", () => {
    assert.ok(!codes(soundPlant()).includes("DES-CORP-TO-CONTROL"));
  });

  it("fails corporate straight to process control, said once (not also as a skipped level)", () => {
    const design = soundPlant();
    design.conduits.push(conduit(9, LINE, CORPORATE));
    const finding = findingOf(design, "DES-CORP-TO-CONTROL");
    assert.match(finding.message, /joins the corporate zone “Zone 1” straight to the process-control zone “Zone 4”/);
    assert.deepEqual(
      finding.objects.map((o) => `${o.type}:${o.id}`),
      ["conduit:9", "zone:1", "zone:4"]
    );
    assert.ok(!codes(design).includes("DES-PURDUE-SKIP"));
  });

  it("fails corporate straight to a safety zone, whatever its kind", () => {
    const design = soundPlant();
    design.zones.push(zone(9, "other", { purdueLevel: 3, safety: true }));
    design.conduits.push(conduit(9, CORPORATE, 9));
    assert.match(findingOf(design, "DES-CORP-TO-CONTROL").message, /safety zone “Zone 9”/);
  });
});

describe("DES-FLOW-ANY and DES-PORT-RANGE", () => {
  it("pass named ports and ranges within the limit", () => {
    const design = soundPlant();
    design.conduits[2]!.flows = [tcp(2222, 2237), { protocol: "icmp", port: null, portEnd: null }];
    assert.deepEqual(codes(design), []);
  });

  it("fail any protocol and any port, naming the flows", () => {
    const design = soundPlant();
    design.conduits[2]!.flows = [
      { protocol: "any", port: null, portEnd: null },
      { protocol: "udp", port: null, portEnd: null },
    ];
    const finding = findingOf(design, "DES-FLOW-ANY");
    assert.equal(finding.severity, "error");
    assert.match(finding.message, /“Conduit 3” allows any protocol, udp to any port: name the protocols and ports/);
  });

  it("warn of a range wider than the program's limit, which the limit moves", () => {
    const design = soundPlant();
    design.conduits[2]!.flows = [tcp(49152, 65535)];
    assert.ok(codes(design).includes("DES-PORT-RANGE"));
    assert.match(findingOf(design, "DES-PORT-RANGE").message, /allows tcp 49152-65535, wider than 16 ports/);
    assert.ok(!codes(design, { maxPortRange: 65535 }).includes("DES-PORT-RANGE"));
    design.conduits[2]!.flows = [tcp(1000, 1016)];
    assert.ok(codes(design).includes("DES-PORT-RANGE"), "17 ports are one more than 16");
  });
});

describe("DES-CLEARTEXT-BOUNDARY", () => {
  it("passes industrial protocols inside the plant and other ports across the boundary", () => {
    const design = soundPlant();
    design.conduits[0]!.flows = [tcp(5450), tcp(400, 410)];
    assert.ok(!codes(design).includes("DES-CLEARTEXT-BOUNDARY"));
  });

  for (const { port, protocol, name } of CLEARTEXT_INDUSTRIAL_PORTS) {
    it(`fails ${name} across the boundary`, () => {
      const design = soundPlant();
      design.conduits[0]!.flows = [{ protocol, port, portEnd: null }];
      assert.match(findingOf(design, "DES-CLEARTEXT-BOUNDARY").message, new RegExp(`${name.replace("/", "\\/")}`));
    });
  }

  it("fails a range or an any that covers one of their ports", () => {
    const design = soundPlant();
    design.conduits[0]!.flows = [tcp(500, 510)];
    assert.match(findingOf(design, "DES-CLEARTEXT-BOUNDARY").message, /Modbus\/TCP \(tcp 502\)/);
    design.conduits[0]!.flows = [{ protocol: "any", port: null, portEnd: null }];
    assert.match(findingOf(design, "DES-CLEARTEXT-BOUNDARY").message, /S7.*Modbus.*DNP3.*EtherNet\/IP.*BACnet/);
  });
});

describe("DES-BOUNDARY-UNMONITORED and DES-NO-FLOW", () => {
  it("pass an unmonitored conduit inside the plant", () => {
    const design = soundPlant();
    design.conduits[2]!.monitored = false;
    design.conduits[2]!.monitoringPoint = null;
    assert.deepEqual(codes(design), []);
  });

  it("fail a boundary conduit not monitored, or without a monitoring point", () => {
    const design = soundPlant();
    design.conduits[0]!.monitored = false;
    assert.match(
      findingOf(design, "DES-BOUNDARY-UNMONITORED").message,
      /reaches the corporate zone but is not monitored/
    );
    design.conduits[0]!.monitored = true;
    design.conduits[0]!.monitoringPoint = null;
    assert.match(findingOf(design, "DES-BOUNDARY-UNMONITORED").message, /names no monitoring point/);
  });

  it("fail a conduit without an allowed flow", () => {
    const design = soundPlant();
    design.conduits[3] = conduit(4, ENGINEERING, LINE, { flows: [], flowCount: 0 });
    const finding = findingOf(design, "DES-NO-FLOW");
    assert.equal(finding.severity, "error");
    assert.deepEqual(finding.conduitIds, [4]);
  });
});

describe("DES-ZONE-OVERLAP", () => {
  it("passes zones with disjoint ranges, and one zone's own nested ranges", () => {
    const design = soundPlant();
    design.zones[0]!.ranges = ["10.1.0.0/16", "10.1.4.0/24"];
    assert.deepEqual(codes(design), []);
  });

  it("fails two zones whose ranges share addresses, once per pair, bearing on both zones' conduits", () => {
    const design = soundPlant();
    design.zones[3]!.ranges = ["10.3.128.0/17", "10.3.200.0/24"];
    const finding = findingOf(design, "DES-ZONE-OVERLAP");
    assert.match(finding.message, /Zones “Zone 3” \(10\.3\.0\.0\/16\) and “Zone 4” \(10\.3\.128\.0\/17\) overlap/);
    assert.deepEqual(finding.conduitIds, [2, 3, 4]);
    assert.deepEqual(plantFindings(reviewDesign(design)), [finding]);
  });

  it("fails overlapping IPv6 ranges, never an IPv4 range against an IPv6 one", () => {
    const design = soundPlant();
    design.zones[0]!.ranges = ["fd00:1::/32", "10.0.0.0/8"];
    design.zones[1]!.ranges = ["fd00:1:2::/64"];
    const found = reviewDesign(design).filter((f) => f.code === "DES-ZONE-OVERLAP");
    assert.equal(found.length, 4, "corporate's 10.0.0.0/8 holds every other IPv4 zone, and its IPv6 block the DMZ's");
  });
});

describe("DES-ASSET-UNZONED", () => {
  const zones = [zone(1, "corporate", { ranges: ["10.1.0.0/16"] }), zone(2, "dmz", { ranges: ["fd00::/64"] })];

  it("passes when every address lies in a zone's range", () => {
    const found = unzonedAddresses(zones, [
      { id: 1, name: "A", ip: "10.1.2.3" },
      { id: 2, name: "B", ip: "fd00::7" },
    ]);
    assert.deepEqual(found, { count: 0, examples: [] });
    assert.deepEqual(codes({ ...soundPlant(), unzoned: found }), []);
  });

  it("fails addresses in no range with one finding: a count and a few examples", () => {
    const assets = Array.from({ length: 12 }, (_, i) => ({ id: i + 1, name: `PLC-${i + 1}`, ip: `10.9.0.${i + 1}` }));
    const found = unzonedAddresses(zones, [{ id: 99, name: "IN", ip: "10.1.0.1" }, ...assets], 3);
    assert.equal(found.count, 12);
    assert.deepEqual(
      found.examples.map((e) => e.label),
      ["PLC-1 (10.9.0.1)", "PLC-2 (10.9.0.2)", "PLC-3 (10.9.0.3)"]
    );
    const finding = findingOf({ ...soundPlant(), unzoned: found }, "DES-ASSET-UNZONED");
    assert.equal(finding.severity, "warning");
    assert.match(finding.message, /^12 inventoried addresses lie in no zone's range, such as PLC-1 \(10\.9\.0\.1\)/);
    assert.deepEqual(finding.conduitIds, []);
  });
});

describe("DES-SLT-GAP", () => {
  it("passes a gap of one, and a gap of two with a compensating note", () => {
    const design = soundPlant();
    design.zones[0]!.slTarget = 1;
    design.zones[1]!.slTarget = 3;
    design.conduits[0]!.compensatingNote = "Two firewalls of two vendors; every session brokered in the DMZ.";
    assert.deepEqual(codes(design), []);
  });

  it("warns of a gap of two or more without a note (or with a blank one)", () => {
    const design = soundPlant();
    design.zones[1]!.slTarget = 3;
    design.conduits[0]!.compensatingNote = "  ";
    const finding = findingOf(design, "DES-SLT-GAP");
    assert.equal(finding.severity, "warning");
    assert.match(
      finding.message,
      /“Conduit 1” joins “Zone 2” and “Zone 1”, at SL-T 3 and 1, with no compensating note/
    );
  });
});

describe("DES-ZONE-UNCLASSIFIED", () => {
  it("passes zones with an SL-T and a Purdue level", () => {
    assert.ok(!codes(soundPlant()).includes("DES-ZONE-UNCLASSIFIED"));
  });

  it("warns of a zone without either, bearing on every conduit that reaches it", () => {
    const design = soundPlant();
    design.zones[3]!.slTarget = null;
    const finding = findingOf(design, "DES-ZONE-UNCLASSIFIED");
    assert.match(finding.message, /Zone “Zone 4” has no target security level/);
    assert.deepEqual(finding.conduitIds, [3, 4]);
    assert.deepEqual(findingsOfConduit(reviewDesign(design), 4), [finding]);
  });
});

describe("a warning's acknowledgement key", () => {
  it("is its code and the objects at fault, the same for the same finding", () => {
    const design = soundPlant();
    design.zones[1]!.slTarget = 3;
    const [finding] = reviewDesign(design);
    assert.equal(acknowledgementKey(finding!), "DES-SLT-GAP|conduit:1");
    assert.equal(acknowledgementKey(reviewDesign(design)[0]!), acknowledgementKey(finding!));
  });
});
