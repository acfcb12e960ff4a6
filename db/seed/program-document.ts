import {
  DERIVED_HASH,
  PROGRAM_FORMAT,
  PROGRAM_VERSION,
  type ProgramConduit,
  type ProgramFile,
  type ProgramPlant,
  type ProgramSignoff,
} from "../../app/domain/program-file";
import { outageWindowKeys } from "../../app/domain/program-file-writing";
import type { Phase } from "../../app/domain/vocabulary";
import { ownershipSplitHash } from "../../app/models/signoffs.server";
import type { PlannedPlant, PlannedProgram, PlannedSignoff } from "./plan-model";
import { intToIpv4 } from "./plan-zones";
import { byCodePoint, iso } from "./util";

// The planned demo program as a program file (docs/program-format.md): what the importer writes. Zones, conduits,
// assets and windows are named as the file names them; logs (changes, ticks, waivers, wirings, rules, signoffs)
// are listed in the order they happened, which is the order the importer records them in.

/** The criterion codes of each phase's exit gate (spec: "Gate criteria"), as a gate pass snapshots them. */
export const GATE_CRITERIA: Readonly<Record<Phase, readonly string[]>> = {
  inventory: ["INV-ASSETS", "INV-PASSIVE", "INV-STAGED", "INV-REVIEW", "OWN-SPLIT"],
  zoning: ["ZON-STANDARD", "ZON-PLACED", "ZON-SLT", "ZON-REVIEW"],
  conduits: ["CON-BOUNDARY", "CON-COMPLETE", "CON-OWNERS", "CON-CUTOVER"],
  baseline: ["BAS-MATURE", "BAS-PIPELINE"],
  alerting: ["ALR-WIRED", "ALR-RULES"],
};

/** The source of the sensor pipelines' daily summaries. */
const OBSERVATION_SOURCE = "sensor_pipeline";

export function programDocument(program: PlannedProgram): ProgramFile {
  return {
    format: PROGRAM_FORMAT,
    version: PROGRAM_VERSION,
    exportedAt: program.now,
    settings: {},
    people: program.people.map((person) => ({
      email: person.email,
      name: person.name,
      role: person.role,
      title: person.title,
      active: true,
      createdAt: program.peopleCreatedAt.get(person.email) ?? program.now,
      plants: [...person.plants],
    })),
    plants: program.plants.map(plantDocument),
  };
}

const byTime =
  <T>(at: (row: T) => string) =>
  (a: T, b: T) =>
    byCodePoint(at(a), at(b));

function plantDocument(plant: PlannedPlant): ProgramPlant {
  const { row, ownership, operations: ops } = plant;
  const zoneNames = new Map(plant.zones.filter((z) => z.inserted).map((z) => [z.key, z.name]));
  const zoneName = (key: string) => {
    const name = zoneNames.get(key);
    if (name === undefined) throw new Error(`${row.code} joins a zone that was not created (${key}).`);
    return name;
  };
  const conduitName = (index: number) => {
    const conduit = plant.conduits[index];
    if (!conduit) throw new Error(`${row.code} has no conduit ${index}.`);
    return conduit.row.name;
  };
  const windowKeys = outageWindowKeys(ops.windows.map((w) => iso(w.startMs)));

  // Signoffs in the order they were signed, as the app would have recorded them.
  const signoffs: { signedAt: string; signoff: ProgramSignoff }[] = [];
  const sign = (signoff: PlannedSignoff, subject: ProgramSignoff["subject"], contentHash: string) =>
    signoffs.push({
      signedAt: iso(signoff.signedMs),
      signoff: {
        subject,
        part: signoff.part,
        signer: signoff.person,
        role: signoff.part === "design_change_control" ? "plant_engineer" : "corporate_security",
        revision: signoff.revision,
        contentHash,
        signedAt: iso(signoff.signedMs),
        note: signoff.note,
        revokedAt: null,
        revokedReason: null,
      },
    });
  for (const signoff of ownership.signoffs) {
    const text =
      signoff.revision === ownership.revision ? ownership.text : ownership.earlierTexts.get(signoff.revision);
    const hash = ownershipSplitHash({
      code: row.code,
      ownership_split: text ?? null,
      ownership_split_revision: signoff.revision,
    });
    sign(signoff, { type: "ownership_split" }, hash);
  }
  for (const conduit of plant.conduits) {
    for (const signoff of conduit.signoffs) sign(signoff, { type: "conduit", conduit: conduit.row.name }, DERIVED_HASH);
  }
  // Both owners' acceptance of a stalled baseline binds the conduit's revision and the epoch it stalled in.
  for (const acceptance of ops.acceptances) {
    sign(
      {
        part: acceptance.part,
        person: acceptance.person,
        revision: acceptance.revision,
        signedMs: acceptance.signedMs,
        note: acceptance.note,
      },
      { type: "baseline_acceptance", conduit: conduitName(acceptance.conduit), epochStart: acceptance.epochStart },
      DERIVED_HASH
    );
  }

  const conduits = plant.conduits.map((conduit, index): ProgramConduit => {
    const { row: c } = conduit;
    return {
      name: c.name,
      zoneA: zoneName(conduit.zoneA),
      zoneB: zoneName(conduit.zoneB),
      purpose: c.purpose ?? null,
      controlType: c.control_type ?? null,
      monitored: c.monitored === 1,
      monitoringPoint: c.monitoring_point ?? null,
      compensatingNote: c.compensating_note ?? null,
      revision: c.revision,
      designOwner: conduit.designOwner,
      monitoringOwner: conduit.monitoringOwner,
      createdAt: c.created_at,
      updatedAt: c.updated_at,
      flows: conduit.flows.map((f) => ({ ...f, portEnd: f.portEnd ?? null })),
      observations: ops.observations
        .filter((o) => o.conduit === index)
        .map((o) => ({
          day: o.day,
          source: OBSERVATION_SOURCE,
          coverage: o.coverage,
          tuples: o.tuples,
          newTuples: o.newTuples,
          connections: o.connections,
          bytes: o.bytes,
          recordedAt: iso(o.recordedMs),
        })),
      alertWirings: ops.wirings
        .filter((w) => w.conduit === index)
        .map((w) => ({ conduitRevision: w.revision, by: w.person, at: iso(w.atMs), siemReference: w.siemReference }))
        .sort(byTime((w) => w.at)),
      detectionRules: ops.rules
        .filter((r) => r.conduit === index)
        .map((r) => ({
          name: r.name,
          class: r.ruleClass,
          description: r.description,
          reviewedBy: r.reviewedBy,
          reviewedAt: r.reviewedMs === null ? null : iso(r.reviewedMs),
          createdBy: r.createdBy,
          createdAt: iso(r.createdMs),
        }))
        .sort(byTime((r) => r.createdAt)),
    };
  });

  return {
    code: row.code,
    name: row.name,
    site: row.site,
    region: row.region,
    timeZone: row.time_zone,
    createdAt: row.created_at,
    targets: {
      inventory: row.target_inventory ?? null,
      zoning: row.target_zoning ?? null,
      conduits: row.target_conduits ?? null,
      baseline: row.target_baseline ?? null,
      alerting: row.target_alerting ?? null,
    },
    ownershipSplit: { text: ownership.text, revision: ownership.revision },
    zones: plant.zones
      .filter((zone) => zone.inserted)
      .map((zone) => ({
        name: zone.name,
        kind: zone.kind,
        purdueLevel: zone.purdueLevel,
        slTarget: zone.slTarget,
        safety: zone.safety ?? false,
        description: zone.description,
        createdAt: iso(zone.createdMs),
        ranges: [`${intToIpv4(zone.base)}/${32 - Math.log2(zone.size)}`, ...zone.extraCidrs],
      })),
    conduits,
    assets: plant.assets.map(({ row: a, placed, zoneKey }) => ({
      name: a.name,
      kind: a.kind ?? null,
      vendor: a.vendor ?? null,
      model: a.model ?? null,
      firmware: a.firmware ?? null,
      installYear: a.install_year ?? null,
      ip: a.ip ?? null,
      mac: a.mac ?? null,
      criticality: a.criticality ?? null,
      discoverySource: a.discovery_source,
      status: a.status,
      zone: placed ? zoneNames.get(zoneKey) ?? null : null,
      triage: null,
      discoveredAt: a.discovered_at,
      createdAt: a.created_at,
      updatedAt: a.updated_at,
    })),
    outageWindows: ops.windows.map((w, i) => ({
      key: windowKeys[i]!,
      title: w.title,
      kind: w.kind,
      status: w.status,
      startsAt: iso(w.startMs),
      endsAt: iso(w.endMs),
      timeZone: row.time_zone,
      notes: w.notes,
      createdBy: w.createdBy,
      createdAt: iso(w.createdMs),
      updatedAt: iso(w.updatedMs),
    })),
    networkChanges: [...ops.changes]
      .sort((a, b) => a.createdMs - b.createdMs || byCodePoint(a.title, b.title))
      .map((c) => ({
        kind: c.kind,
        title: c.title,
        conduit: c.conduit === null ? null : conduitName(c.conduit),
        conduitRevision: c.conduitRevision,
        asset: c.assetName,
        window: c.window === null ? null : windowKeys[c.window]!,
        plannedStart: c.plannedStartMs === null ? null : iso(c.plannedStartMs),
        plannedMinutes: c.plannedMinutes,
        status: c.status,
        doneAt: c.doneMs === null ? null : iso(c.doneMs),
        createdBy: c.createdBy,
        createdAt: iso(c.createdMs),
        updatedAt: iso(c.updatedMs),
      })),
    // The latest tick of a criterion is its state: ticks in the order they happened.
    checklistTicks: ops.ticks
      .map((t) => ({
        code: t.code,
        ticked: t.ticked,
        note: t.note,
        details: t.details,
        by: t.person,
        at: iso(t.atMs),
      }))
      .sort(byTime((t) => t.at)),
    waivers: ops.waivers
      .map((w) => ({
        code: w.code,
        justification: w.justification,
        by: w.person,
        at: iso(w.atMs),
        revokedAt: null,
        revokedBy: null,
      }))
      .sort(byTime((w) => w.at)),
    gatePasses: plant.gatePasses.map((pass) => ({
      phase: pass.phase,
      passedAt: pass.passedAt,
      passedBy: pass.passedBy,
      criteria: GATE_CRITERIA[pass.phase].map((code) => ({ code, met: true })),
      note: pass.note,
    })),
    signoffs: signoffs.sort(byTime((s) => s.signedAt)).map((s) => s.signoff),
  };
}
