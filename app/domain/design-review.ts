import type { ObjectRef } from "./readiness";

// Design review: every zone and conduit of a plant is checked against the design rules of IEC 62443-3-2 practice.
// Each finding has a stable code, a sentence naming what is at fault, a severity and the objects at fault. Errors
// keep CON-COMPLETE unmet; warnings are acknowledged, each with a reason, by whoever signs a conduit they bear on.

export type FindingSeverity = "error" | "warning";

export interface DesignFinding {
  code: string;
  severity: FindingSeverity;
  /** A sentence a plant engineer understands, naming what is at fault. */
  message: string;
  /** What is at fault: conduits, zones, assets. */
  objects: ObjectRef[];
  /** The conduits the finding bears on: its own conduit, or every conduit that reaches a zone at fault. */
  conduitIds: number[];
}

export interface DesignZone {
  id: number;
  name: string;
  kind: string;
  purdueLevel: number | null;
  slTarget: number | null;
}

export interface DesignConduit {
  id: number;
  name: string;
  zoneAId: number;
  zoneBId: number;
  flowCount: number;
}

/** What the rules read of a plant's design. */
export interface DesignFacts {
  zones: DesignZone[];
  conduits: DesignConduit[];
}

const zoneRef = (z: DesignZone): ObjectRef => ({ type: "zone", id: z.id, label: z.name });
const conduitRef = (c: DesignConduit): ObjectRef => ({ type: "conduit", id: c.id, label: c.name });

/** The findings of a plant's design, in a stable order: by code, then by the first object's id. */
export function reviewDesign(design: DesignFacts): DesignFinding[] {
  const findings: DesignFinding[] = [];
  const conduitsOfZone = (zoneId: number) =>
    design.conduits.filter((c) => c.zoneAId === zoneId || c.zoneBId === zoneId).map((c) => c.id);
  for (const conduit of design.conduits) {
    if (conduit.flowCount === 0)
      findings.push({
        code: "DES-NO-FLOW",
        severity: "error",
        message: `“${conduit.name}” allows no flow: a conduit carries at least one named protocol and port.`,
        objects: [conduitRef(conduit)],
        conduitIds: [conduit.id],
      });
  }
  for (const zone of design.zones) {
    const missing =
      zone.slTarget === null && zone.purdueLevel === null
        ? "neither a target security level nor a Purdue level"
        : zone.slTarget === null
          ? "no target security level"
          : zone.purdueLevel === null
            ? "no Purdue level"
            : null;
    if (missing)
      findings.push({
        code: "DES-ZONE-UNCLASSIFIED",
        severity: "warning",
        message: `Zone “${zone.name}” has ${missing}, so the rules cannot place it.`,
        objects: [zoneRef(zone)],
        conduitIds: conduitsOfZone(zone.id),
      });
  }
  return findings.sort((a, b) =>
    a.code === b.code ? (a.objects[0]?.id ?? 0) - (b.objects[0]?.id ?? 0) : a.code < b.code ? -1 : 1
  );
}

/** The findings bearing on one conduit. */
export function findingsOfConduit(findings: readonly DesignFinding[], conduitId: number): DesignFinding[] {
  return findings.filter((f) => f.conduitIds.includes(conduitId));
}

/**
 * What identifies a warning for its acknowledgement: its code and the objects at fault. An acknowledgement answers
 * this key; a finding whose key no acknowledgement of the signature answers is not acknowledged.
 */
export function acknowledgementKey(finding: DesignFinding): string {
  return [finding.code, ...finding.objects.map((o) => `${o.type}:${o.id}`)].join("|");
}
