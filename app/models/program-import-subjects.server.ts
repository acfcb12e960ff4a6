import type { ProgramConduit, ProgramGatePass, ProgramSignoffSubject } from "~/domain/program-file";
import { baselineAcceptanceHash } from "~/models/readiness.server";
import { conduitHash } from "~/models/signoffs.server";

// Where a signoff of the program file lands in the database being imported into: its subject's id there, and the
// hash its content has there, for the signoffs the file marks as derived.

export interface SubjectLookup {
  plant: number;
  conduit(name: string): { id: number; doc: ProgramConduit };
  zone(name: string): number;
  gatePass(phase: ProgramGatePass["phase"]): number;
}

/** The signoff's subject in this database, and the hash of its content here (for signoffs the file marks derived). */
export function signoffSubject(
  subject: ProgramSignoffSubject,
  revision: number,
  lookup: SubjectLookup
): { subjectId: number; derivedHash: () => string } {
  const underivable = () => {
    throw new Error(`A ${subject.type.replace(/_/g, " ")} signoff has no derived hash.`);
  };
  switch (subject.type) {
    case "ownership_split":
      return { subjectId: lookup.plant, derivedHash: underivable };
    case "gate_pass":
      return { subjectId: lookup.gatePass(subject.phase), derivedHash: underivable };
    case "conduit": {
      const { id, doc } = lookup.conduit(subject.conduit);
      return {
        subjectId: id,
        derivedHash: () =>
          conduitHash({
            id,
            plantId: lookup.plant,
            name: doc.name,
            zoneAId: lookup.zone(doc.zoneA),
            zoneBId: lookup.zone(doc.zoneB),
            purpose: doc.purpose,
            controlType: doc.controlType,
            monitored: doc.monitored,
            monitoringPoint: doc.monitoringPoint,
            compensatingNote: doc.compensatingNote,
            revision,
            flows: doc.flows,
          }),
      };
    }
    case "baseline_acceptance": {
      const { id } = lookup.conduit(subject.conduit);
      const { epochStart } = subject;
      return {
        subjectId: id,
        derivedHash: () => (epochStart === null ? underivable() : baselineAcceptanceHash(id, revision, epochStart)),
      };
    }
  }
}
