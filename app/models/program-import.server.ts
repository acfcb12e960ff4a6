import { sql, Transaction, type Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { DERIVED_HASH, type ProgramConduit, type ProgramFile } from "~/domain/program-file";
import { countProgram, describeCounts, type ProgramCounts } from "~/domain/program-file-writing";
import { validateProgramFile, type ProgramFileError } from "~/domain/program-file-reading";
import { recordAudit } from "~/models/audit.server";
import { acceptanceKey, recordProgramHistory } from "~/models/program-history.server";
import { signoffSubject } from "~/models/program-import-subjects.server";
import { importFloor } from "~/models/program-import-floor.server";
import { systemActor, type AuditActor } from "~/utils/actor";

// The program file written into the database: the whole program in one transaction, or nothing. The export is in
// program-export.server.ts.

export class ProgramFileInvalidError extends Error {
  constructor(readonly errors: ProgramFileError[]) {
    super(`The program file has ${errors.length} error${errors.length === 1 ? "" : "s"}; nothing was imported.`);
  }
}

/** The database is not in a state the import may write to (it already holds a program). */
export class ProgramImportRefusedError extends Error {}

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
  "stop_review_signoff",
  "production_stop",
  "change_outcome",
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

/**
 * The rows of a log (checklist ticks, waivers, signoffs, alert wirings, detection rules) of every plant or conduit
 * as one sequence, the way the app records them: each list keeps its file order, and the lists interleave by time
 * (ties: the earlier list first). A file whose logs are in time order, as an export's are, imports with ids in time
 * order across the whole program; a hand-written list out of time order still keeps its own order.
 */
function interleaveByTime<T>(lists: readonly (readonly T[])[], at: (row: T) => string): T[] {
  const next = lists.map(() => 0);
  const total = lists.reduce((n, list) => n + list.length, 0);
  const out: T[] = [];
  while (out.length < total) {
    let best = -1;
    let bestAt = "";
    for (const [i, list] of lists.entries()) {
      const row = list[next[i]!];
      if (row === undefined) continue;
      const rowAt = at(row);
      if (best === -1 || rowAt < bestAt) [best, bestAt] = [i, rowAt];
    }
    out.push(lists[best]![next[best]!++]!);
  }
  return out;
}
const keyOf = (plantId: number, name: string) => `${plantId}\u0000${name}`;

/**
 * Imports a program file (a parsed JSON value) in one transaction: its own, or the caller's when given one (the
 * demo seed imports its program and goes on in the same transaction). An invalid document throws
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

  const inTransaction = <T>(work: (tx: Transaction<Database>) => Promise<T>) =>
    db instanceof Transaction ? work(db) : db.transaction().execute(work);
  return inTransaction(async (tx) => {
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

    const acceptanceEpochs = await writeProgram(tx, program);
    await writeAcknowledgements(tx, program);
    // The file's history, each act at its own instant, then the import itself.
    await recordProgramHistory(tx, actor, acceptanceEpochs);

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

/** Writes the program; returns the epoch of each baseline acceptance (by acceptanceKey), which no row keeps. */
async function writeProgram(tx: Transaction<Database>, program: ProgramFile): Promise<Map<string, string>> {
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
        safety: bit(z.safety),
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
        compensating_note: c.compensatingNote,
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

  const perConduitLists = <T>(rows: (plant: number, conduit: ProgramConduit, id: number) => T[]) =>
    program.plants.flatMap((p) => p.conduits.map((c) => rows(plantId(p.code), c, conduitId(plantId(p.code), c.name))));
  const perConduit = <T>(rows: (plant: number, conduit: ProgramConduit, id: number) => T[]) =>
    perConduitLists(rows).flat();
  await inChunks(
    perConduit((_, c, id) =>
      c.flows.map((f) => ({
        conduit_id: id,
        protocol: f.protocol,
        port: f.port,
        port_end: f.portEnd,
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
  // Logs interleave by time across plants and conduits, each list in its file order (see interleaveByTime).
  await inChunks(
    interleaveByTime(
      perConduitLists((_, c, id) =>
        c.alertWirings.map((w) => ({
          conduit_id: id,
          conduit_revision: w.conduitRevision,
          person_id: personId(w.by),
          at: w.at,
          siem_reference: w.siemReference,
        }))
      ),
      (w) => w.at
    ),
    (rows) => tx.insertInto("alert_wiring").values(rows).execute()
  );
  await inChunks(
    interleaveByTime(
      perConduitLists((_, c, id) =>
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
      (r) => r.created_at
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
  await importFloor(tx, program, plantId, personId);

  await inChunks(
    interleaveByTime(
      program.plants.map((p) =>
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
      (t) => t.at
    ),
    (rows) => tx.insertInto("checklist_tick").values(rows).execute()
  );
  await inChunks(
    interleaveByTime(
      program.plants.map((p) =>
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
      (w) => w.at
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

  const acceptanceEpochs = new Map<string, string>();
  await inChunks(
    interleaveByTime(
      program.plants.map((p) => {
        const plant = plantId(p.code);
        const conduitsByName = new Map(p.conduits.map((c) => [c.name, c]));
        return p.signoffs.map((s) => {
          const { subjectId, derivedHash } = signoffSubject(s.subject, s.revision, {
            plant,
            conduit: (name) => ({ id: conduitId(plant, name), doc: conduitsByName.get(name)! }),
            zone: (name) => zoneId(plant, name),
            gatePass: (phase) => gatePassIds.get(keyOf(plant, phase))!,
          });
          if (s.subject.type === "baseline_acceptance" && s.subject.epochStart !== null) {
            acceptanceEpochs.set(acceptanceKey(subjectId, s.part, s.revision, s.signedAt), s.subject.epochStart);
          }
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
      (s) => s.signed_at
    ),
    (rows) => tx.insertInto("signoff").values(rows).execute()
  );
  return acceptanceEpochs;
}

/**
 * The design-review warnings each signoff acknowledged. The signoffs were just written in the order
 * `interleaveByTime` gives the file's, into a table the import had emptied, so their ids follow that order.
 */
async function writeAcknowledgements(tx: Transaction<Database>, program: ProgramFile): Promise<void> {
  const ordered = interleaveByTime(
    program.plants.map((p) => p.signoffs),
    (s) => s.signedAt
  );
  if (!ordered.some((s) => s.acknowledgements?.length)) return;
  const ids = await tx.selectFrom("signoff").select("id").orderBy("id").execute();
  await inChunks(
    ordered.flatMap((s, i) =>
      (s.acknowledgements ?? []).map((a) => ({
        signoff_id: ids[i]!.id,
        finding_key: a.key,
        code: a.code,
        severity: a.severity,
        message: a.message,
        reason: a.reason,
      }))
    ),
    (rows) => tx.insertInto("signoff_acknowledgement").values(rows).execute()
  );
}
