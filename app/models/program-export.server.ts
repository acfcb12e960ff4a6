import { targetsOf } from "~/domain/phase";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { readSnapshot } from "~/utils/db.server";
import { epochStarts, type CutoverFact } from "~/domain/baseline";
import type { AllowedFlow } from "~/domain/conduits";
import {
  DERIVED_HASH,
  PROGRAM_FORMAT,
  PROGRAM_VERSION,
  type ProgramChecklistTick,
  type ProgramConduit,
  type ProgramFile,
  type ProgramGatePass,
  type ProgramPlant,
  type ProgramSignoffSubject,
  type ProgramZone,
} from "~/domain/program-file";
import { canonicalOrder, outageWindowKeys } from "~/domain/program-file-writing";
import { plantFindings, type DesignFinding } from "~/domain/design-review";
import { baselineAcceptanceHash, computeReadinessOf } from "~/models/readiness.server";
import { conduitDefinitionOf, conduitHash, listAcknowledgements } from "~/models/signoffs.server";
import { windowSpanOf } from "~/models/window-facts.server";

// The program file read out of the database: every table once (no per-plant queries) inside one read
// transaction, so the file is one consistent moment. The import is in program-import.server.ts.

/** The database holds something the program file cannot express; the message says what. */
class ProgramExportError extends Error {}

export async function exportProgram(db: Kysely<Database>, options: { exportedAt: Date }): Promise<ProgramFile> {
  const exportedAt = options.exportedAt.toISOString();
  return readSnapshot(db, (tx) => readProgram(tx, exportedAt));
}

function must<K, V>(map: ReadonlyMap<K, V>, key: K, what: string): V {
  const value = map.get(key);
  if (value === undefined) throw new ProgramExportError(`The database refers to ${what}, which does not exist.`);
  return value;
}

function parseStoredJson(textValue: string, what: string): unknown {
  try {
    return JSON.parse(textValue) as unknown;
  } catch {
    throw new ProgramExportError(`${what} holds text that is not JSON, which the program file cannot carry.`);
  }
}

/** A finding as the file carries it: computed, for readers; an import reads past it. */
function findingDocument(finding: DesignFinding) {
  return {
    code: finding.code,
    severity: finding.severity,
    message: finding.message,
    objects: finding.objects.map((o) => ({ type: o.type, name: o.label })),
  };
}

async function readProgram(tx: Transaction<Database>, exportedAt: string): Promise<ProgramFile> {
  const [
    settings,
    people,
    assignments,
    plants,
    zones,
    ranges,
    conduits,
    flows,
    observations,
    wirings,
    rules,
    assets,
    windows,
    changes,
    ticks,
    waivers,
    gatePasses,
    signoffs,
  ] = await Promise.all([
    tx.selectFrom("program_setting").select(["key", "value", "updated_at"]).orderBy("key").execute(),
    tx
      .selectFrom("person")
      .select(["id", "email", "name", "role", "title", "active", "created_at"])
      .orderBy("id")
      .execute(),
    tx.selectFrom("person_plant").select(["person_id", "plant_id"]).execute(),
    tx.selectFrom("plant").selectAll().orderBy("id").execute(),
    tx.selectFrom("zone").selectAll().orderBy("id").execute(),
    tx.selectFrom("zone_range").select(["zone_id", "cidr"]).orderBy("id").execute(),
    tx.selectFrom("conduit").selectAll().orderBy("id").execute(),
    tx.selectFrom("conduit_flow").selectAll().orderBy("id").execute(),
    tx.selectFrom("observation").selectAll().orderBy("id").execute(),
    tx.selectFrom("alert_wiring").selectAll().orderBy("id").execute(),
    tx.selectFrom("detection_rule").selectAll().orderBy("id").execute(),
    tx.selectFrom("asset").selectAll().orderBy("id").execute(),
    tx.selectFrom("outage_window").selectAll().orderBy("id").execute(),
    tx.selectFrom("network_change").selectAll().orderBy("id").execute(),
    tx.selectFrom("checklist_tick").selectAll().orderBy("id").execute(),
    tx.selectFrom("waiver").selectAll().orderBy("id").execute(),
    tx.selectFrom("gate_pass").selectAll().orderBy("id").execute(),
    tx.selectFrom("signoff").selectAll().orderBy("id").execute(),
  ]);
  // What each signoff acknowledged of the design review: the file carries it as recorded, when there is any.
  const acknowledgements = await listAcknowledgements(tx);
  const [outcomes, stops, stopSignatures] = await Promise.all([
    tx.selectFrom("change_outcome").selectAll().orderBy("id").execute(),
    tx.selectFrom("production_stop").selectAll().orderBy("id").execute(),
    tx.selectFrom("stop_review_signoff").selectAll().orderBy("id").execute(),
  ]);

  const emails = new Map(people.map((p) => [p.id, p.email]));
  const emailOf = (id: number) => must(emails, id, `person ${id}`);
  const emailOrNull = (id: number | null) => (id === null ? null : emailOf(id));

  const plantDocs = new Map<number, ProgramPlant>();
  const plantCodes = new Map<number, string>();
  for (const plant of plants) {
    plantCodes.set(plant.id, plant.code);
    plantDocs.set(plant.id, {
      code: plant.code,
      name: plant.name,
      site: plant.site,
      region: plant.region,
      timeZone: plant.time_zone,
      createdAt: plant.created_at,
      targets: targetsOf(plant),
      ownershipSplit: { text: plant.ownership_split, revision: plant.ownership_split_revision },
      zones: [],
      conduits: [],
      assets: [],
      outageWindows: [],
      networkChanges: [],
      checklistTicks: [],
      waivers: [],
      gatePasses: [],
      signoffs: [],
    });
  }
  const plantOf = (id: number) => must(plantDocs, id, `plant ${id}`);
  const plantTimeZone = new Map(plants.map((p) => [p.id, p.time_zone]));

  const assignedCodes = new Map<number, string[]>();
  for (const a of assignments) {
    const list = assignedCodes.get(a.person_id) ?? [];
    list.push(must(plantCodes, a.plant_id, `plant ${a.plant_id}`));
    assignedCodes.set(a.person_id, list);
  }

  const zoneDocs = new Map<number, ProgramZone>();
  for (const zone of zones) {
    const doc = {
      name: zone.name,
      kind: zone.kind,
      purdueLevel: zone.purdue_level,
      slTarget: zone.sl_target,
      safety: zone.safety === 1,
      description: zone.description,
      createdAt: zone.created_at,
      ranges: [] as string[],
    };
    zoneDocs.set(zone.id, doc);
    plantOf(zone.plant_id).zones.push(doc);
  }
  for (const range of ranges) must(zoneDocs, range.zone_id, `zone ${range.zone_id}`).ranges.push(range.cidr);
  const zoneName = (id: number) => must(zoneDocs, id, `zone ${id}`).name;

  const conduitDocs = new Map<number, ProgramConduit>();
  const conduitFlows = new Map<number, AllowedFlow[]>();
  for (const conduit of conduits) {
    const doc: ProgramConduit = {
      name: conduit.name,
      zoneA: zoneName(conduit.zone_a_id),
      zoneB: zoneName(conduit.zone_b_id),
      purpose: conduit.purpose,
      controlType: conduit.control_type,
      monitored: conduit.monitored === 1,
      monitoringPoint: conduit.monitoring_point,
      compensatingNote: conduit.compensating_note,
      revision: conduit.revision,
      designOwner: emailOrNull(conduit.design_owner_id),
      monitoringOwner: emailOrNull(conduit.monitoring_owner_id),
      createdAt: conduit.created_at,
      updatedAt: conduit.updated_at,
      flows: [],
      observations: [],
      alertWirings: [],
      detectionRules: [],
    };
    conduitDocs.set(conduit.id, doc);
    conduitFlows.set(conduit.id, []);
    plantOf(conduit.plant_id).conduits.push(doc);
  }
  const conduitOf = (id: number) => must(conduitDocs, id, `conduit ${id}`);
  for (const flow of flows) {
    const allowed: AllowedFlow = {
      protocol: flow.protocol,
      port: flow.port,
      portEnd: flow.port_end,
      direction: flow.direction,
      description: flow.description,
    };
    conduitOf(flow.conduit_id).flows.push(allowed);
    must(conduitFlows, flow.conduit_id, `conduit ${flow.conduit_id}`).push(allowed);
  }
  for (const o of observations) {
    conduitOf(o.conduit_id).observations.push({
      day: o.day,
      source: o.source,
      coverage: o.coverage,
      tuples: o.tuples,
      newTuples: o.new_tuples,
      connections: o.connections,
      bytes: o.bytes,
      recordedAt: o.recorded_at,
    });
  }
  for (const w of wirings) {
    conduitOf(w.conduit_id).alertWirings.push({
      conduitRevision: w.conduit_revision,
      by: emailOf(w.person_id),
      at: w.at,
      siemReference: w.siem_reference,
    });
  }
  for (const r of rules) {
    conduitOf(r.conduit_id).detectionRules.push({
      name: r.name,
      class: r.class,
      description: r.description,
      reviewedBy: emailOrNull(r.reviewed_by),
      reviewedAt: r.reviewed_at,
      createdBy: emailOf(r.created_by),
      createdAt: r.created_at,
    });
  }

  const assetNames = new Map<number, string>();
  for (const asset of assets) {
    assetNames.set(asset.id, asset.name);
    plantOf(asset.plant_id).assets.push({
      name: asset.name,
      kind: asset.kind,
      vendor: asset.vendor,
      model: asset.model,
      firmware: asset.firmware,
      installYear: asset.install_year,
      ip: asset.ip,
      mac: asset.mac,
      criticality: asset.criticality,
      discoverySource: asset.discovery_source,
      status: asset.status,
      zone: asset.zone_id === null ? null : zoneName(asset.zone_id),
      triage:
        asset.triage === null
          ? null
          : {
              state: asset.triage,
              note: asset.triage_note,
              by: emailOrNull(asset.triaged_by),
              at: asset.triaged_at ?? asset.updated_at,
            },
      discoveredAt: asset.discovered_at,
      createdAt: asset.created_at,
      updatedAt: asset.updated_at,
    });
  }

  // Window keys follow the canonical order: by start, then by when the window was recorded.
  const windowKeys = new Map<number, string>();
  const windowsByPlant = new Map<number, typeof windows>();
  for (const w of windows) windowsByPlant.set(w.plant_id, [...(windowsByPlant.get(w.plant_id) ?? []), w]);
  for (const [plantId, list] of windowsByPlant) {
    const ordered = [...list].sort((a, b) =>
      a.starts_at < b.starts_at ? -1 : a.starts_at > b.starts_at ? 1 : a.id - b.id
    );
    const keys = outageWindowKeys(ordered.map((w) => w.starts_at));
    ordered.forEach((w, i) => {
      const key = keys[i]!;
      windowKeys.set(w.id, key);
      plantOf(plantId).outageWindows.push({
        key,
        ...windowSpanOf(w),
        notes: w.notes,
        createdBy: emailOrNull(w.created_by),
        createdAt: w.created_at,
        updatedAt: w.updated_at,
      });
    });
  }

  const cutovers = new Map<number, CutoverFact[]>();
  /** Each change's plant and position in its plant's list: outcomes nest in it, stops name it by position. */
  const changePlace = new Map<number, { plantId: number; index: number }>();
  for (const change of changes) {
    changePlace.set(change.id, { plantId: change.plant_id, index: plantOf(change.plant_id).networkChanges.length });
    if (change.kind === "conduit_cutover" && change.conduit_id !== null) {
      const fact = {
        id: change.id,
        conduitRevision: change.conduit_revision,
        status: change.status,
        doneAt: change.done_at,
      };
      cutovers.set(change.conduit_id, [...(cutovers.get(change.conduit_id) ?? []), fact]);
    }
    plantOf(change.plant_id).networkChanges.push({
      kind: change.kind,
      title: change.title,
      conduit: change.conduit_id === null ? null : conduitOf(change.conduit_id).name,
      conduitRevision: change.conduit_revision,
      asset: change.asset_id === null ? null : must(assetNames, change.asset_id, `asset ${change.asset_id}`),
      window:
        change.window_id === null ? null : must(windowKeys, change.window_id, `outage window ${change.window_id}`),
      plannedStart: change.planned_start,
      plannedMinutes: change.planned_minutes,
      status: change.status,
      doneAt: change.done_at,
      createdBy: emailOrNull(change.created_by),
      createdAt: change.created_at,
      updatedAt: change.updated_at,
    });
  }

  for (const outcome of outcomes) {
    const place = must(changePlace, outcome.change_id, `network change ${outcome.change_id}`);
    const doc = plantOf(place.plantId).networkChanges[place.index]!;
    (doc.outcomes ??= []).push({
      outcome: outcome.outcome,
      actualStart: outcome.actual_start,
      actualEnd: outcome.actual_end,
      note: outcome.note,
      by: emailOf(outcome.person_id),
      at: outcome.at,
    });
  }
  const zoneNames = new Map(zones.map((z) => [z.id, z.name]));
  const signaturesOf = new Map<number, typeof stopSignatures>();
  for (const g of stopSignatures) signaturesOf.set(g.stop_id, [...(signaturesOf.get(g.stop_id) ?? []), g]);
  for (const stop of stops) {
    const place =
      stop.change_id === null ? null : must(changePlace, stop.change_id, `network change ${stop.change_id}`);
    if (place && place.plantId !== stop.plant_id) {
      throw new ProgramExportError(`Production stop ${stop.id} is put down to a change of another plant.`);
    }
    (plantOf(stop.plant_id).productionStops ??= []).push({
      zone: stop.zone_id === null ? null : must(zoneNames, stop.zone_id, `zone ${stop.zone_id}`),
      line: stop.line,
      startedAt: stop.started_at,
      minutesLost: stop.minutes_lost,
      change: place ? place.index : null,
      ticket: stop.ticket,
      description: stop.description,
      cause: stop.cause,
      review: stop.review,
      reviewRevision: stop.review_revision,
      recordedBy: emailOf(stop.recorded_by),
      createdAt: stop.created_at,
      updatedAt: stop.updated_at,
      signatures: (signaturesOf.get(stop.id) ?? []).map((g) => ({
        part: g.part,
        signer: emailOf(g.person_id),
        reviewRevision: g.review_revision,
        signedAt: g.signed_at,
      })),
    });
  }

  for (const tick of ticks) {
    plantOf(tick.plant_id).checklistTicks.push({
      code: tick.code as ProgramChecklistTick["code"],
      ticked: tick.ticked === 1,
      note: tick.note,
      details:
        tick.details_json === null
          ? null
          : (parseStoredJson(tick.details_json, `Checklist tick ${tick.id}`) as ProgramChecklistTick["details"]),
      by: emailOf(tick.person_id),
      at: tick.at,
    });
  }
  for (const waiver of waivers) {
    plantOf(waiver.plant_id).waivers.push({
      code: waiver.code,
      justification: waiver.justification,
      by: emailOf(waiver.person_id),
      at: waiver.at,
      revokedAt: waiver.revoked_at,
      revokedBy: emailOrNull(waiver.revoked_by),
    });
  }

  const passPhases = new Map<number, ProgramGatePass["phase"]>();
  for (const pass of gatePasses) {
    const criteria = parseStoredJson(pass.criteria_snapshot, `Gate pass ${pass.id}`);
    if (!Array.isArray(criteria))
      throw new ProgramExportError(`Gate pass ${pass.id} holds a criteria snapshot that is not a JSON list.`);
    const phase = pass.phase;
    passPhases.set(pass.id, phase);
    plantOf(pass.plant_id).gatePasses.push({
      phase,
      passedAt: pass.passed_at,
      passedBy: emailOf(pass.passed_by),
      criteria: criteria as ProgramGatePass["criteria"],
      note: pass.note,
    });
  }

  const conduitRows = new Map(conduits.map((c) => [c.id, c]));
  /** The hash of a conduit's definition at a revision, with this database's ids, as the app computes it. */
  const definitionHash = (conduitId: number, revision: number) => {
    const c = must(conduitRows, conduitId, `conduit ${conduitId}`);
    return conduitHash(conduitDefinitionOf(c, conduitFlows.get(c.id) ?? [], revision));
  };

  for (const s of signoffs) {
    const orphan = () =>
      new ProgramExportError(
        `Signoff ${s.id} signs a ${s.subject_type.replace(/_/g, " ")} (id ${
          s.subject_id
        }) that no longer exists; the program file cannot name it.`
      );
    let subject: ProgramSignoffSubject;
    let hash = s.content_hash;
    if (s.subject_type === "ownership_split") {
      subject = { type: "ownership_split" };
    } else if (s.subject_type === "gate_pass") {
      const phase = passPhases.get(s.subject_id);
      if (phase === undefined) throw orphan();
      subject = { type: "gate_pass", phase };
    } else if (s.subject_type === "conduit" || s.subject_type === "baseline_acceptance") {
      const conduit = conduitDocs.get(s.subject_id);
      if (conduit === undefined) throw orphan();
      if (s.subject_type === "conduit") {
        subject = { type: "conduit", conduit: conduit.name };
        if (hash === definitionHash(s.subject_id, s.revision)) hash = DERIVED_HASH;
      } else {
        const timeZone = must(plantTimeZone, s.plant_id, `plant ${s.plant_id}`);
        const epochStart =
          epochStarts(cutovers.get(s.subject_id) ?? [], timeZone).find(
            (start) => baselineAcceptanceHash(s.subject_id, s.revision, start) === s.content_hash
          ) ?? null;
        subject = { type: "baseline_acceptance", conduit: conduit.name, epochStart };
        if (epochStart !== null) hash = DERIVED_HASH;
      }
    } else {
      throw new ProgramExportError(
        `Signoff ${s.id} has a subject type (${s.subject_type}) the program file does not know.`
      );
    }
    plantOf(s.plant_id).signoffs.push({
      subject,
      part: s.part,
      signer: emailOf(s.person_id),
      role: s.role,
      revision: s.revision,
      contentHash: hash,
      signedAt: s.signed_at,
      note: s.note,
      revokedAt: s.revoked_at,
      revokedReason: s.revoked_reason,
      ...(acknowledgements.has(s.id) ? { acknowledgements: acknowledgements.get(s.id) } : {}),
    });
  }

  // The design review as readiness computes it; the file names objects by label, as its ids are this database's.
  const plantIds = new Map([...plantDocs].map(([id, doc]) => [doc.code, id]));
  for (const readiness of await computeReadinessOf(tx, exportedAt)) {
    plantOf(must(plantIds, readiness.code, `plant ${readiness.code}`)).designFindings = plantFindings(
      readiness.design
    ).map(findingDocument);
    for (const conduit of readiness.conduits) conduitOf(conduit.id).findings = conduit.findings.map(findingDocument);
  }

  return canonicalOrder({
    format: PROGRAM_FORMAT,
    version: PROGRAM_VERSION,
    exportedAt,
    settings: Object.fromEntries(settings.map((s) => [s.key, { value: s.value, updatedAt: s.updated_at }])),
    people: people.map((p) => ({
      email: p.email,
      name: p.name,
      role: p.role,
      title: p.title,
      active: p.active === 1,
      createdAt: p.created_at,
      plants: assignedCodes.get(p.id) ?? [],
    })),
    plants: [...plantDocs.values()],
  });
}
