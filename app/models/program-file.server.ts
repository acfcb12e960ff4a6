import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { epochStarts, type CutoverFact } from "~/domain/baseline";
import type { AllowedFlow } from "~/domain/conduits";
import {
  DERIVED_HASH,
  PROGRAM_FORMAT,
  PROGRAM_VERSION,
  canonicalOrder,
  countProgram,
  describeCounts,
  outageWindowKeys,
  validateProgramFile,
  type ProgramAsset,
  type ProgramChecklistTick,
  type ProgramConduit,
  type ProgramCounts,
  type ProgramDetectionRule,
  type ProgramFile,
  type ProgramFileError,
  type ProgramGatePass,
  type ProgramNetworkChange,
  type ProgramOutageWindow,
  type ProgramPerson,
  type ProgramPlant,
  type ProgramSignoff,
  type ProgramSignoffSubject,
  type ProgramZone,
} from "~/domain/program-file";
import { recordAudit } from "~/models/audit.server";
import { baselineAcceptanceHash } from "~/models/readiness.server";
import { conduitHash } from "~/models/signoffs.server";
import { systemActor, type AuditActor } from "~/utils/actor";

// The program file against the database: export reads every table once (no per-plant queries) inside one read
// transaction, so the file is one consistent moment; import writes the whole program in one transaction, or nothing.

export class ProgramFileInvalidError extends Error {
  constructor(readonly errors: ProgramFileError[]) {
    super(`The program file has ${errors.length} error${errors.length === 1 ? "" : "s"}; nothing was imported.`);
  }
}

/** The database is not in a state the import may write to (it already holds a program). */
export class ProgramImportRefusedError extends Error {}

/** The database holds something the program file cannot express; the message says what. */
export class ProgramExportError extends Error {}

// ---------------------------------------------------------------------------------------------------------------
// Export

export async function exportProgram(db: Kysely<Database>, options: { exportedAt: Date }): Promise<ProgramFile> {
  const exportedAt = options.exportedAt.toISOString();
  return db.transaction().execute((tx) => readProgram(tx, exportedAt));
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
      targets: {
        inventory: plant.target_inventory,
        zoning: plant.target_zoning,
        conduits: plant.target_conduits,
        baseline: plant.target_baseline,
        alerting: plant.target_alerting,
      },
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
      kind: zone.kind as ProgramZone["kind"],
      purdueLevel: zone.purdue_level,
      slTarget: zone.sl_target,
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
      controlType: conduit.control_type as ProgramConduit["controlType"],
      monitored: conduit.monitored === 1,
      monitoringPoint: conduit.monitoring_point,
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
      protocol: flow.protocol as AllowedFlow["protocol"],
      port: flow.port,
      direction: flow.direction as AllowedFlow["direction"],
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
      class: r.class as ProgramDetectionRule["class"],
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
      kind: asset.kind as ProgramAsset["kind"],
      vendor: asset.vendor,
      model: asset.model,
      firmware: asset.firmware,
      installYear: asset.install_year,
      ip: asset.ip,
      mac: asset.mac,
      criticality: asset.criticality as ProgramAsset["criticality"],
      discoverySource: asset.discovery_source as ProgramAsset["discoverySource"],
      status: asset.status as ProgramAsset["status"],
      zone: asset.zone_id === null ? null : zoneName(asset.zone_id),
      triage:
        asset.triage === null
          ? null
          : {
              state: asset.triage as "transient" | "escalated",
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
        title: w.title,
        kind: w.kind as ProgramOutageWindow["kind"],
        status: w.status as ProgramOutageWindow["status"],
        startsAt: w.starts_at,
        endsAt: w.ends_at,
        timeZone: w.time_zone,
        notes: w.notes,
        createdBy: emailOrNull(w.created_by),
        createdAt: w.created_at,
        updatedAt: w.updated_at,
      });
    });
  }

  const cutovers = new Map<number, CutoverFact[]>();
  for (const change of changes) {
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
      kind: change.kind as ProgramNetworkChange["kind"],
      title: change.title,
      conduit: change.conduit_id === null ? null : conduitOf(change.conduit_id).name,
      conduitRevision: change.conduit_revision,
      asset: change.asset_id === null ? null : must(assetNames, change.asset_id, `asset ${change.asset_id}`),
      window:
        change.window_id === null ? null : must(windowKeys, change.window_id, `outage window ${change.window_id}`),
      plannedStart: change.planned_start,
      plannedMinutes: change.planned_minutes,
      status: change.status as ProgramNetworkChange["status"],
      doneAt: change.done_at,
      createdBy: emailOrNull(change.created_by),
      createdAt: change.created_at,
      updatedAt: change.updated_at,
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
    const phase = pass.phase as ProgramGatePass["phase"];
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
    return conduitHash({
      id: c.id,
      plantId: c.plant_id,
      name: c.name,
      zoneAId: c.zone_a_id,
      zoneBId: c.zone_b_id,
      purpose: c.purpose,
      controlType: c.control_type,
      monitored: c.monitored === 1,
      monitoringPoint: c.monitoring_point,
      revision,
      flows: conduitFlows.get(c.id) ?? [],
    });
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
      part: s.part as ProgramSignoff["part"],
      signer: emailOf(s.person_id),
      role: s.role as ProgramSignoff["role"],
      revision: s.revision,
      contentHash: hash,
      signedAt: s.signed_at,
      note: s.note,
      revokedAt: s.revoked_at,
      revokedReason: s.revoked_reason,
    });
  }

  return canonicalOrder({
    format: PROGRAM_FORMAT,
    version: PROGRAM_VERSION,
    exportedAt,
    settings: Object.fromEntries(settings.map((s) => [s.key, { value: s.value, updatedAt: s.updated_at }])),
    people: people.map((p) => ({
      email: p.email,
      name: p.name,
      role: p.role as ProgramPerson["role"],
      title: p.title,
      active: p.active === 1,
      createdAt: p.created_at,
      plants: assignedCodes.get(p.id) ?? [],
    })),
    plants: [...plantDocs.values()],
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Import

export interface ImportOptions {
  /** Delete the database's current program first, in the same transaction. */
  replace?: boolean;
  /** Who the audit event names; the import command acts as the system. */
  actor?: AuditActor;
  now?: Date;
}

export interface ImportSummary {
  counts: ProgramCounts;
  /** What the replaced program held, when there was one. */
  replaced: ReplacedCounts | null;
}

interface ReplacedCounts {
  plants: number;
  people: number;
  assets: number;
  sessions: number;
  apiTokens: number;
}

/**
 * Tables a replace empties, children before parents. Sessions and API tokens go too: they belong to people and
 * plants that no longer exist, and a token whose plant scope vanished would read as unscoped. The audit trail and
 * the sign-in attempts stay; AUTOINCREMENT never reuses an id, so old audit events never point at new rows.
 */
const REPLACED_TABLES = [
  "signoff",
  "gate_pass",
  "detection_rule",
  "alert_wiring",
  "observation",
  "network_change",
  "outage_window",
  "waiver",
  "checklist_tick",
  "api_token_plant",
  "api_token",
  "session",
  "person_plant",
  "asset",
  "conduit_flow",
  "conduit",
  "zone_range",
  "zone",
  "plant",
  "person",
  "program_setting",
] as const satisfies readonly (keyof Database)[];

const CHUNK_ROWS = 500;

async function inChunks<T>(rows: readonly T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) await write(rows.slice(i, i + CHUNK_ROWS));
}

const bit = (value: boolean) => (value ? 1 : 0);
const keyOf = (plantId: number, name: string) => `${plantId}\u0000${name}`;

/**
 * Imports a program file (a parsed JSON value) in one transaction. An invalid document throws
 * ProgramFileInvalidError with every error; a database that already holds a program throws
 * ProgramImportRefusedError unless `replace`.
 */
export async function importProgram(
  db: Kysely<Database>,
  document: unknown,
  options: ImportOptions = {}
): Promise<ImportSummary> {
  const validation = validateProgramFile(document);
  if (!validation.ok) throw new ProgramFileInvalidError(validation.errors);
  const program = validation.program;
  const actor = options.actor ?? systemActor("program:import");
  const counts = countProgram(program);

  return db.transaction().execute(async (tx) => {
    const held = await sql<ReplacedCounts>`
      select (select count(*) from plant) as plants, (select count(*) from person) as people,
             (select count(*) from asset) as assets, (select count(*) from session) as sessions,
             (select count(*) from api_token) as apiTokens`.execute(tx);
    const current = held.rows[0]!;
    const holdsProgram = current.plants > 0 || current.people > 0;
    if (holdsProgram && !options.replace) {
      throw new ProgramImportRefusedError(
        `The database already holds a program (${describeCounts(
          current
        )}); nothing was imported. Import with --replace to replace it.`
      );
    }
    const replaced = holdsProgram ? current : null;
    if (replaced) {
      for (const table of REPLACED_TABLES) await tx.deleteFrom(table).execute();
    }

    await writeProgram(tx, program);

    const summary = replaced
      ? `Replaced the program (${describeCounts(replaced)}) with the program file exported ${
          program.exportedAt
        }: ${describeCounts(counts)}`
      : `Imported the program file exported ${program.exportedAt}: ${describeCounts(counts)}`;
    await recordAudit(
      tx,
      actor,
      {
        action: "program.import",
        objectType: "program",
        objectId: null,
        plantId: null,
        summary,
        before: replaced ?? undefined,
        after: { format: program.format, version: program.version, exportedAt: program.exportedAt, ...counts },
      },
      options.now
    );
    return { counts, replaced };
  });
}

async function writeProgram(tx: Transaction<Database>, program: ProgramFile): Promise<void> {
  const settings = Object.entries(program.settings).map(([key, s]) => ({
    key,
    value: s.value,
    updated_at: s.updatedAt,
  }));
  await inChunks(settings, (rows) =>
    tx
      .insertInto("program_setting")
      .values(rows)
      // Settings have no owner: an empty database may already hold some, and the file's values win.
      .onConflict((oc) =>
        oc
          .column("key")
          .doUpdateSet((eb) => ({ value: eb.ref("excluded.value"), updated_at: eb.ref("excluded.updated_at") }))
      )
      .execute()
  );

  // Passwords are never in the file: imported people sign in once an admin resets their password.
  await inChunks(program.people, (rows) =>
    tx
      .insertInto("person")
      .values(
        rows.map((p) => ({
          email: p.email,
          name: p.name,
          role: p.role,
          title: p.title,
          active: bit(p.active),
          created_at: p.createdAt,
          password_hash: null,
          password_changed_at: null,
        }))
      )
      .execute()
  );
  const personIds = new Map(
    (await tx.selectFrom("person").select(["id", "email"]).execute()).map((p) => [p.email, p.id])
  );
  const personId = (email: string) => personIds.get(email)!;
  const personOrNull = (email: string | null) => (email === null ? null : personId(email));

  await inChunks(program.plants, (rows) =>
    tx
      .insertInto("plant")
      .values(
        rows.map((p) => ({
          code: p.code,
          name: p.name,
          time_zone: p.timeZone,
          region: p.region,
          site: p.site,
          target_inventory: p.targets.inventory,
          target_zoning: p.targets.zoning,
          target_conduits: p.targets.conduits,
          target_baseline: p.targets.baseline,
          target_alerting: p.targets.alerting,
          created_at: p.createdAt,
          ownership_split: p.ownershipSplit.text,
          ownership_split_revision: p.ownershipSplit.revision,
        }))
      )
      .execute()
  );
  const plantIds = new Map((await tx.selectFrom("plant").select(["id", "code"]).execute()).map((p) => [p.code, p.id]));
  const plantId = (code: string) => plantIds.get(code)!;

  await inChunks(
    program.people.flatMap((p) => p.plants.map((code) => ({ person_id: personId(p.email), plant_id: plantId(code) }))),
    (rows) => tx.insertInto("person_plant").values(rows).execute()
  );

  await inChunks(
    program.plants.flatMap((p) =>
      p.zones.map((z) => ({
        plant_id: plantId(p.code),
        name: z.name,
        kind: z.kind,
        purdue_level: z.purdueLevel,
        sl_target: z.slTarget,
        description: z.description,
        created_at: z.createdAt,
      }))
    ),
    (rows) => tx.insertInto("zone").values(rows).execute()
  );
  const zoneIds = new Map(
    (await tx.selectFrom("zone").select(["id", "plant_id", "name"]).execute()).map((z) => [
      keyOf(z.plant_id, z.name),
      z.id,
    ])
  );
  const zoneId = (plant: number, name: string) => zoneIds.get(keyOf(plant, name))!;

  await inChunks(
    program.plants.flatMap((p) =>
      p.zones.flatMap((z) => z.ranges.map((cidr) => ({ zone_id: zoneId(plantId(p.code), z.name), cidr })))
    ),
    (rows) => tx.insertInto("zone_range").values(rows).execute()
  );

  await inChunks(
    program.plants.flatMap((p) =>
      p.conduits.map((c) => ({
        plant_id: plantId(p.code),
        name: c.name,
        zone_a_id: zoneId(plantId(p.code), c.zoneA),
        zone_b_id: zoneId(plantId(p.code), c.zoneB),
        purpose: c.purpose,
        control_type: c.controlType,
        monitored: bit(c.monitored),
        monitoring_point: c.monitoringPoint,
        revision: c.revision,
        design_owner_id: personOrNull(c.designOwner),
        monitoring_owner_id: personOrNull(c.monitoringOwner),
        created_at: c.createdAt,
        updated_at: c.updatedAt,
      }))
    ),
    (rows) => tx.insertInto("conduit").values(rows).execute()
  );
  const conduitIds = new Map(
    (await tx.selectFrom("conduit").select(["id", "plant_id", "name"]).execute()).map((c) => [
      keyOf(c.plant_id, c.name),
      c.id,
    ])
  );
  const conduitId = (plant: number, name: string) => conduitIds.get(keyOf(plant, name))!;

  const perConduit = <T>(rows: (plant: number, conduit: ProgramConduit, id: number) => T[]) =>
    program.plants.flatMap((p) =>
      p.conduits.flatMap((c) => rows(plantId(p.code), c, conduitId(plantId(p.code), c.name)))
    );
  await inChunks(
    perConduit((_, c, id) =>
      c.flows.map((f) => ({
        conduit_id: id,
        protocol: f.protocol,
        port: f.port,
        direction: f.direction,
        description: f.description,
      }))
    ),
    (rows) => tx.insertInto("conduit_flow").values(rows).execute()
  );
  await inChunks(
    perConduit((_, c, id) =>
      c.observations.map((o) => ({
        conduit_id: id,
        day: o.day,
        source: o.source,
        coverage: o.coverage,
        tuples: o.tuples,
        new_tuples: o.newTuples,
        connections: o.connections,
        bytes: o.bytes,
        recorded_at: o.recordedAt,
      }))
    ),
    (rows) => tx.insertInto("observation").values(rows).execute()
  );
  await inChunks(
    perConduit((_, c, id) =>
      c.alertWirings.map((w) => ({
        conduit_id: id,
        conduit_revision: w.conduitRevision,
        person_id: personId(w.by),
        at: w.at,
        siem_reference: w.siemReference,
      }))
    ),
    (rows) => tx.insertInto("alert_wiring").values(rows).execute()
  );
  await inChunks(
    perConduit((_, c, id) =>
      c.detectionRules.map((r) => ({
        conduit_id: id,
        name: r.name,
        class: r.class,
        description: r.description,
        reviewed_by: personOrNull(r.reviewedBy),
        reviewed_at: r.reviewedAt,
        created_by: personId(r.createdBy),
        created_at: r.createdAt,
      }))
    ),
    (rows) => tx.insertInto("detection_rule").values(rows).execute()
  );

  await inChunks(
    program.plants.flatMap((p) =>
      p.assets.map((a) => ({
        plant_id: plantId(p.code),
        zone_id: a.zone === null ? null : zoneId(plantId(p.code), a.zone),
        name: a.name,
        kind: a.kind,
        vendor: a.vendor,
        model: a.model,
        firmware: a.firmware,
        install_year: a.installYear,
        ip: a.ip,
        mac: a.mac,
        criticality: a.criticality,
        discovery_source: a.discoverySource,
        status: a.status,
        triage: a.triage?.state ?? null,
        triage_note: a.triage?.note ?? null,
        triaged_by: a.triage ? personOrNull(a.triage.by) : null,
        triaged_at: a.triage?.at ?? null,
        discovered_at: a.discoveredAt,
        created_at: a.createdAt,
        updated_at: a.updatedAt,
      }))
    ),
    (rows) => tx.insertInto("asset").values(rows).execute()
  );
  // Validation made every asset a change names unique in its plant.
  const referencesAssets = program.plants.some((p) => p.networkChanges.some((n) => n.asset !== null));
  const assetIds = referencesAssets
    ? new Map(
        (await tx.selectFrom("asset").select(["id", "plant_id", "name"]).execute()).map((a) => [
          keyOf(a.plant_id, a.name),
          a.id,
        ])
      )
    : new Map<string, number>();

  const windows = program.plants.flatMap((p) => p.outageWindows.map((w) => ({ plant: plantId(p.code), window: w })));
  await inChunks(windows, (rows) =>
    tx
      .insertInto("outage_window")
      .values(
        rows.map(({ plant, window: w }) => ({
          plant_id: plant,
          title: w.title,
          kind: w.kind,
          status: w.status,
          starts_at: w.startsAt,
          ends_at: w.endsAt,
          time_zone: w.timeZone,
          notes: w.notes,
          created_by: personOrNull(w.createdBy),
          created_at: w.createdAt,
          updated_at: w.updatedAt,
        }))
      )
      .execute()
  );
  // Windows have no natural key in the database: the table was empty, so ids follow insertion order.
  const windowRowIds = (await tx.selectFrom("outage_window").select("id").orderBy("id").execute()).map((w) => w.id);
  const windowIds = new Map(windows.map(({ plant, window: w }, i) => [keyOf(plant, w.key), windowRowIds[i]!]));

  await inChunks(
    program.plants.flatMap((p) => {
      const plant = plantId(p.code);
      return p.networkChanges.map((n) => ({
        plant_id: plant,
        kind: n.kind,
        title: n.title,
        conduit_id: n.conduit === null ? null : conduitId(plant, n.conduit),
        conduit_revision: n.conduitRevision,
        asset_id: n.asset === null ? null : assetIds.get(keyOf(plant, n.asset))!,
        window_id: n.window === null ? null : windowIds.get(keyOf(plant, n.window))!,
        planned_start: n.plannedStart,
        planned_minutes: n.plannedMinutes,
        status: n.status,
        done_at: n.doneAt,
        created_by: personOrNull(n.createdBy),
        created_at: n.createdAt,
        updated_at: n.updatedAt,
      }));
    }),
    (rows) => tx.insertInto("network_change").values(rows).execute()
  );

  await inChunks(
    program.plants.flatMap((p) =>
      p.checklistTicks.map((t) => ({
        plant_id: plantId(p.code),
        code: t.code,
        ticked: bit(t.ticked),
        note: t.note,
        details_json: t.details === null ? null : JSON.stringify(t.details),
        person_id: personId(t.by),
        at: t.at,
      }))
    ),
    (rows) => tx.insertInto("checklist_tick").values(rows).execute()
  );
  await inChunks(
    program.plants.flatMap((p) =>
      p.waivers.map((w) => ({
        plant_id: plantId(p.code),
        code: w.code,
        justification: w.justification,
        person_id: personId(w.by),
        at: w.at,
        revoked_at: w.revokedAt,
        revoked_by: personOrNull(w.revokedBy),
      }))
    ),
    (rows) => tx.insertInto("waiver").values(rows).execute()
  );
  await inChunks(
    program.plants.flatMap((p) =>
      p.gatePasses.map((g) => ({
        plant_id: plantId(p.code),
        phase: g.phase,
        passed_at: g.passedAt,
        passed_by: personId(g.passedBy),
        criteria_snapshot: JSON.stringify(g.criteria),
        note: g.note,
      }))
    ),
    (rows) => tx.insertInto("gate_pass").values(rows).execute()
  );
  const gatePassIds = new Map(
    (await tx.selectFrom("gate_pass").select(["id", "plant_id", "phase"]).execute()).map((g) => [
      keyOf(g.plant_id, g.phase),
      g.id,
    ])
  );

  await inChunks(
    program.plants.flatMap((p) => {
      const plant = plantId(p.code);
      const conduitsByName = new Map(p.conduits.map((c) => [c.name, c]));
      return p.signoffs.map((s) => {
        const { subjectId, derivedHash } = signoffSubject(s.subject, s.revision, {
          plant,
          conduit: (name) => ({ id: conduitId(plant, name), doc: conduitsByName.get(name)! }),
          zone: (name) => zoneId(plant, name),
          gatePass: (phase) => gatePassIds.get(keyOf(plant, phase))!,
        });
        return {
          subject_type: s.subject.type,
          subject_id: subjectId,
          plant_id: plant,
          part: s.part,
          person_id: personId(s.signer),
          role: s.role,
          revision: s.revision,
          content_hash: s.contentHash === DERIVED_HASH ? derivedHash() : s.contentHash,
          signed_at: s.signedAt,
          note: s.note,
          revoked_at: s.revokedAt,
          revoked_reason: s.revokedReason,
        };
      });
    }),
    (rows) => tx.insertInto("signoff").values(rows).execute()
  );
}

interface SubjectLookup {
  plant: number;
  conduit(name: string): { id: number; doc: ProgramConduit };
  zone(name: string): number;
  gatePass(phase: ProgramGatePass["phase"]): number;
}

/** The signoff's subject in this database, and the hash of its content here (for signoffs the file marks derived). */
function signoffSubject(
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
