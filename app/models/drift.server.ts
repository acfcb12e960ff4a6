import { sql } from "kysely";
import { can } from "~/domain/permissions";
import {
  DRIFT_PERMISSIONS,
  driftToResolve,
  type DriftQueueItem,
  driftAcceptanceRefusals,
  driftStatus,
  plantDrift,
  readAcceptanceReason,
  type DriftConduitFacts,
  type DriftFinding,
  type DriftRuleFacts,
  type DriftSignoffFacts,
  type PlantDriftFacts,
  type PlantDriftSummary,
} from "~/domain/drift";
import { PART_LABELS, SIGNOFF_PARTS, type SignoffPart } from "~/domain/signoffs";
import { recordAudit } from "~/models/audit.server";
import { loadSettings } from "~/models/baseline-settings.server";
import { signerOf } from "~/models/signoffs.server";
import type { Actor } from "~/utils/actor";
import { joinedText, type DB, type Executor } from "~/utils/db.server";
import { ActError, refuseFirst } from "~/utils/errors";

// A live plant's drift: the facts its rules read (app/domain/drift.ts), loaded for many plants at once in a fixed
// number of queries (each aggregated in SQL over every plant asked for), and the owners' acceptance of a conduit
// edited after its alerts were wired.

/** How many unzoned assets a finding names; the count says how many there are. */
const UNZONED_EXAMPLES = 5;

const idList = (ids: readonly number[]) => (ids.length > 0 ? sql.join([...ids]) : sql`null`);

/** The plants among `plantIds` that are live: their last gate (alerting) passed by `at`. */
async function livePlants(db: Executor, plantIds: readonly number[], at: string) {
  if (plantIds.length === 0) return [];
  return db
    .selectFrom("plant as p")
    .select(["p.id", "p.code", "p.time_zone"])
    .where("p.id", "in", [...plantIds])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("gate_pass as g")
          .select("g.id")
          .whereRef("g.plant_id", "=", "p.id")
          .where("g.phase", "=", "alerting")
          .where("g.passed_at", "<=", at)
      )
    )
    .execute();
}

/** Every conduit of the plants whose alerts were ever wired, with what the rules read of it. */
async function wiredConduits(db: Executor, ids: readonly number[]) {
  const { rows } = await sql<{
    id: number;
    plant_id: number;
    name: string;
    revision: number;
    design_owner_id: number | null;
    monitoring_owner_id: number | null;
    wired_revision: number;
    wired_at: string;
    wrong_flows: number | string;
    oldest_wrong: string | null;
    last_observation: string | null;
    last_flow_day: string | null;
    accepted: string | null;
  }>`
    select c.id, c.plant_id, c.name, c.revision, c.design_owner_id, c.monitoring_owner_id,
      w.conduit_revision as wired_revision, w.at as wired_at,
      (select count(*) from policy_violation v where v.conduit_id = c.id and v.acknowledged_at is null) as wrong_flows,
      (select min(v.first_seen) from policy_violation v
        where v.conduit_id = c.id and v.acknowledged_at is null) as oldest_wrong,
      (select max(o.day) from observation o where o.conduit_id = c.id) as last_observation,
      (select max(f.day) from flow_hour f
        join evidence_ingest e on e.id = f.ingest_id and e.state = 'published'
        where f.conduit_id = c.id) as last_flow_day,
      (select ${joinedText(db, sql.ref("a.part"))} from drift_acceptance a
        where a.conduit_id = c.id and a.conduit_revision = c.revision) as accepted
    from conduit c
    join alert_wiring w on w.conduit_id = c.id
      and w.id = (select max(w2.id) from alert_wiring w2 where w2.conduit_id = c.id)
    where c.plant_id in (${idList(ids)})
    order by c.plant_id, c.name, c.id`.execute(db);
  return rows.map((r): DriftConduitFacts & { plantId: number } => {
    const days = [r.last_observation, r.last_flow_day].filter((d): d is string => d !== null).sort();
    return {
      plantId: r.plant_id,
      id: r.id,
      name: r.name,
      revision: Number(r.revision),
      wiredRevision: Number(r.wired_revision),
      wiredAt: r.wired_at,
      designOwnerId: r.design_owner_id,
      monitoringOwnerId: r.monitoring_owner_id,
      acceptedParts: (r.accepted ?? "")
        .split(",")
        .filter((p): p is SignoffPart => (SIGNOFF_PARTS as readonly string[]).includes(p)),
      wrongFlows: Number(r.wrong_flows),
      oldestWrongFlowSince: r.oldest_wrong,
      lastReportDay: days.at(-1) ?? null,
    };
  });
}

/** The newest standing signoff of each part of each conduit and ownership split, at the subject's current revision. */
async function standingSignoffs(db: Executor, ids: readonly number[]) {
  const { rows } = await sql<{
    plant_id: number;
    subject_type: "conduit" | "ownership_split";
    subject_id: number;
    part: SignoffPart;
    signed_at: string;
    signed_by: string;
    conduit_name: string | null;
  }>`
    select s.plant_id, s.subject_type, s.subject_id, s.part, s.signed_at, p.name as signed_by, c.name as conduit_name
    from signoff s
    join person p on p.id = s.person_id
    left join conduit c on s.subject_type = 'conduit' and c.id = s.subject_id
    left join plant pl on s.subject_type = 'ownership_split' and pl.id = s.subject_id
    where s.plant_id in (${idList(ids)}) and s.revoked_at is null
      and ((s.subject_type = 'conduit' and s.revision = c.revision)
        or (s.subject_type = 'ownership_split' and s.revision = pl.ownership_split_revision))
      and not exists (
        select 1 from signoff s2
        where s2.subject_type = s.subject_type and s2.subject_id = s.subject_id and s2.part = s.part
          and s2.revoked_at is null and s2.revision = s.revision
          and (s2.signed_at > s.signed_at or (s2.signed_at = s.signed_at and s2.id > s.id)))
    order by s.plant_id, s.subject_type, s.subject_id, s.part`.execute(db);
  return rows.map((r): DriftSignoffFacts & { plantId: number } => ({
    plantId: r.plant_id,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    subjectLabel: r.subject_type === "conduit" ? `conduit “${r.conduit_name ?? ""}”` : "the ownership split",
    part: r.part,
    signedAt: r.signed_at,
    signedBy: r.signed_by,
  }));
}

/** Confirmed assets in no zone: how many per plant, and the first few by name. */
async function unzonedAssets(db: Executor, ids: readonly number[]) {
  const { rows } = await sql<{ id: number; plant_id: number; name: string; total: number | string }>`
    select id, plant_id, name, total from (
      select a.id, a.plant_id, a.name,
        row_number() over (partition by a.plant_id order by a.name, a.id) as n,
        count(*) over (partition by a.plant_id) as total
      from asset a
      where a.plant_id in (${idList(ids)}) and a.status = 'confirmed' and a.zone_id is null
    ) as unzoned
    where n <= ${UNZONED_EXAMPLES}
    order by plant_id, n`.execute(db);
  return rows;
}

/** Every detection rule of the plants, with its conduit. */
async function detectionRules(db: Executor, ids: readonly number[]) {
  const rows = await db
    .selectFrom("detection_rule as r")
    .innerJoin("conduit as c", "c.id", "r.conduit_id")
    .select(["r.id", "r.name", "r.conduit_id", "c.name as conduit_name", "c.plant_id", "r.created_at", "r.reviewed_at"])
    .where("c.plant_id", "in", ids.length > 0 ? [...ids] : [-1])
    .orderBy("c.plant_id")
    .orderBy("r.id")
    .execute();
  return rows.map((r): DriftRuleFacts & { plantId: number } => ({
    plantId: r.plant_id,
    id: r.id,
    name: r.name,
    conduitId: r.conduit_id,
    conduitName: r.conduit_name,
    createdAt: r.created_at,
    reviewedAt: r.reviewed_at,
  }));
}

function groupBy<T extends { plantId: number }>(rows: readonly T[]): Map<number, T[]> {
  const by = new Map<number, T[]>();
  for (const row of rows) by.set(row.plantId, [...(by.get(row.plantId) ?? []), row]);
  return by;
}

/** The facts the drift rules read, for every live plant among `plantIds`, in a fixed number of queries. */
async function loadDriftFacts(db: Executor, plantIds: readonly number[], now: Date): Promise<PlantDriftFacts[]> {
  const plants = await livePlants(db, plantIds, now.toISOString());
  const ids = plants.map((p) => p.id);
  if (ids.length === 0) return [];
  const [conduits, signoffs, unzoned, rules] = await Promise.all([
    wiredConduits(db, ids),
    standingSignoffs(db, ids),
    unzonedAssets(db, ids),
    detectionRules(db, ids),
  ]);
  const conduitsBy = groupBy(conduits);
  const signoffsBy = groupBy(signoffs);
  const rulesBy = groupBy(rules);
  const unzonedBy = groupBy(unzoned.map((a) => ({ ...a, plantId: a.plant_id })));
  return plants.map((p) => {
    const assets = unzonedBy.get(p.id) ?? [];
    return {
      plantId: p.id,
      code: p.code,
      timeZone: p.time_zone,
      conduits: conduitsBy.get(p.id) ?? [],
      signoffs: signoffsBy.get(p.id) ?? [],
      unzonedAssets: {
        count: assets.length > 0 ? Number(assets[0]!.total) : 0,
        examples: assets.map((a) => ({ id: a.id, name: a.name })),
      },
      rules: rulesBy.get(p.id) ?? [],
    };
  });
}

/**
 * The drift of every live plant among `plantIds` at `now`, by plant id: its status and findings. A plant not live
 * yet is not in the map.
 */
export async function loadDrift(
  db: Executor,
  plantIds: readonly number[],
  now: Date
): Promise<Map<number, PlantDriftSummary>> {
  const [facts, settings] = await Promise.all([loadDriftFacts(db, plantIds, now), loadSettings(db)]);
  const at = now.toISOString();
  return new Map(
    facts.map((f) => {
      const findings = plantDrift(f, settings, at);
      return [f.plantId, { status: driftStatus("complete", findings)!, findings }];
    })
  );
}

/** The findings as a page or a document shows them: without who resolves them. */
export function shownFindings(findings: readonly DriftFinding[]) {
  return findings.map((f) => ({ code: f.code, message: f.message, href: f.href, objects: f.objects }));
}

/** A live conduit's drift as its page shows it: whether it was edited after wiring, and who accepted the edit. */
async function conduitDriftOf(db: Executor, conduitId: number) {
  const wiring = await db
    .selectFrom("alert_wiring")
    .select(["conduit_revision", "at"])
    .where("conduit_id", "=", conduitId)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  const acceptances = await db
    .selectFrom("drift_acceptance as a")
    .innerJoin("person as p", "p.id", "a.person_id")
    .select(["a.part", "a.conduit_revision", "a.reason", "a.at", "p.name", "a.person_id"])
    .where("a.conduit_id", "=", conduitId)
    .orderBy("a.id", "desc")
    .limit(20)
    .execute();
  return { wiredRevision: wiring?.conduit_revision ?? null, wiredAt: wiring?.at ?? null, acceptances };
}

/**
 * One owner accepts, for their part, that a live conduit's alerts keep watching it after an edit, at the revision
 * they read: authorized by the signing rule of the part (the assigned owner when one is), refused with 409 when the
 * conduit's revision moved since, audited, in one transaction.
 */
export async function acceptConduitDrift(
  db: DB,
  actor: Actor,
  input: { plantId: number; conduitId: number; part: string; revision: number; reason: string },
  now: Date = new Date()
): Promise<void> {
  const part = SIGNOFF_PARTS.find((p) => p === input.part);
  if (!part) throw new ActError(400, "Choose the part you accept for.", "part");
  // Who may accept is refused before the reason is read: the same rule as signing the part.
  refuseFirst(
    driftAcceptanceRefusals({
      part,
      signer: signerOf(actor, part, input.plantId),
      conduit: { name: "", revision: 0, wiredRevision: null, designOwner: null, monitoringOwner: null },
      revision: 0,
      acceptedParts: [],
    }).filter((r) => r.status === 403)
  );
  const reason = readAcceptanceReason(input.reason);
  if (!reason.ok) throw new ActError(400, reason.message, "reason");
  await db.transaction().execute(async (tx) => {
    const conduit = await tx
      .selectFrom("conduit as c")
      .innerJoin("plant as pl", "pl.id", "c.plant_id")
      .leftJoin("person as d", "d.id", "c.design_owner_id")
      .leftJoin("person as m", "m.id", "c.monitoring_owner_id")
      .select([
        "c.id",
        "c.name",
        "c.revision",
        "pl.code",
        "c.design_owner_id",
        "d.name as design_owner",
        "c.monitoring_owner_id",
        "m.name as monitoring_owner",
      ])
      .where("c.id", "=", input.conduitId)
      .where("c.plant_id", "=", input.plantId)
      .executeTakeFirst();
    if (!conduit) throw new ActError(404, "No such conduit at this plant.");
    const { wiredRevision } = await conduitDriftOf(tx, conduit.id);
    const accepted = await tx
      .selectFrom("drift_acceptance")
      .select("part")
      .where("conduit_id", "=", conduit.id)
      .where("conduit_revision", "=", conduit.revision)
      .execute();
    refuseFirst(
      driftAcceptanceRefusals({
        part,
        signer: signerOf(actor, part, input.plantId),
        conduit: {
          name: conduit.name,
          revision: conduit.revision,
          wiredRevision,
          designOwner:
            conduit.design_owner_id === null ? null : { id: conduit.design_owner_id, name: conduit.design_owner ?? "" },
          monitoringOwner:
            conduit.monitoring_owner_id === null
              ? null
              : { id: conduit.monitoring_owner_id, name: conduit.monitoring_owner ?? "" },
        },
        revision: input.revision,
        acceptedParts: accepted.map((a) => a.part),
      })
    );
    const row = {
      conduit_id: conduit.id,
      conduit_revision: conduit.revision,
      part,
      person_id: actor.personId!,
      reason: reason.value,
      at: now.toISOString(),
    };
    const { id } = await tx.insertInto("drift_acceptance").values(row).returning("id").executeTakeFirstOrThrow();
    await recordAudit(
      tx,
      actor,
      {
        action: "drift.accept",
        objectType: "conduit",
        objectId: conduit.id,
        plantId: input.plantId,
        summary: `${actor.name} accepted revision ${conduit.revision} of conduit “${
          conduit.name
        }”, edited after its alerts were wired, for ${PART_LABELS[part].toLowerCase()}`,
        after: { acceptance: id, ...row },
      },
      now
    );
  });
}

/**
 * What the conduit page shows of a live conduit's drift: whether it was edited after its alerts were wired, each
 * part's acceptance at the current revision, and the person's control for accepting each part (null: their role never
 * accepts it).
 */
export async function conduitDriftPanel(
  db: Executor,
  actor: Actor,
  plantId: number,
  conduit: {
    id: number;
    name: string;
    revision: number;
    designOwner: { id: number; name: string } | null;
    monitoringOwner: { id: number; name: string } | null;
  }
) {
  const { wiredRevision, wiredAt, acceptances } = await conduitDriftOf(db, conduit.id);
  const current = acceptances.filter((a) => a.conduit_revision === conduit.revision);
  const parts = SIGNOFF_PARTS.map((part) => {
    const accepted = current.find((a) => a.part === part);
    const refusals = driftAcceptanceRefusals({
      part,
      signer: signerOf(actor, part, plantId),
      conduit: {
        name: conduit.name,
        revision: conduit.revision,
        wiredRevision,
        designOwner: conduit.designOwner,
        monitoringOwner: conduit.monitoringOwner,
      },
      revision: conduit.revision,
      acceptedParts: current.map((a) => a.part),
    });
    const never = refusals.some((r) => r.code === "wrong_role" || r.code === "not_a_person");
    return {
      part,
      owner: (part === "design_change_control" ? conduit.designOwner : conduit.monitoringOwner)?.name ?? null,
      accepted: accepted ? { by: accepted.name, at: accepted.at, reason: accepted.reason } : null,
      control: never ? null : { allowed: refusals.length === 0, why: refusals[0]?.message ?? null },
    };
  });
  return {
    wiredRevision,
    wiredAt,
    edited: wiredRevision !== null && conduit.revision > wiredRevision,
    parts,
  };
}

/** One plant's drift as its page shows it: null before the plant is live. */
export async function plantDriftView(db: Executor, plantId: number, now: Date) {
  const drift = (await loadDrift(db, [plantId], now)).get(plantId);
  return drift ? { status: drift.status, findings: shownFindings(drift.findings) } : null;
}

/** The drift findings waiting on a person at the live plants where they can resolve some, plant by plant. */
export async function loadDriftQueue(db: Executor, person: Actor, now: Date): Promise<DriftQueueItem[]> {
  const plants = await db.selectFrom("plant").select(["id", "code"]).orderBy("code").execute();
  const ids = plants.filter((p) => DRIFT_PERMISSIONS.some((perm) => can(person, perm, p.id))).map((p) => p.id);
  if (ids.length === 0) return [];
  const drift = await loadDrift(db, ids, now);
  return driftToResolve(
    plants.flatMap((p) => {
      const d = drift.get(p.id);
      return d ? [{ plantId: p.id, code: p.code, findings: d.findings }] : [];
    }),
    person
  );
}
