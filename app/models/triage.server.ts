import { sql, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { ASSET_KIND_LABELS, type AssetKind } from "~/domain/vocabulary";
import { recordAudit } from "~/models/audit.server";
import type { Actor } from "~/utils/actor";
import type { DB } from "~/utils/db.server";
import { ActError } from "~/utils/errors";
import { requireAct } from "~/models/authorize.server";
import type { StagedHost, StagedHostCounts, TriageState, Violation } from "~/domain/triage";

// Triage of the hosts passive monitoring saw and the inventory did not know (staged assets), and acknowledgement
// of the flows a conduit does not allow (policy violations). Each act is authorized here, audited, one transaction.

export async function countStagedHosts(db: DB, plantId: number): Promise<StagedHostCounts> {
  const row = await db
    .selectFrom("asset")
    .select((eb) => [
      eb.fn.countAll<number>().as("total"),
      eb.fn.sum<number>(eb.case().when("triage", "=", "escalated").then(1).else(0).end()).as("escalated"),
      eb.fn.sum<number>(eb.case().when("triage", "=", "transient").then(1).else(0).end()).as("transient"),
    ])
    .where("plant_id", "=", plantId)
    .where("status", "=", "staged")
    .executeTakeFirstOrThrow();
  const transient = Number(row.transient ?? 0);
  return { open: Number(row.total) - transient, escalated: Number(row.escalated ?? 0), transient };
}

/**
 * One page of the plant's staged hosts: those still to review (awaiting triage or escalated), or the ones marked
 * known-transient; most recent first. A plant's sensor can stage any number of hosts, so they are only ever read
 * a page at a time.
 */
export async function listStagedHosts(
  db: DB,
  plantId: number,
  page: { transient: boolean; offset: number; limit: number }
): Promise<StagedHost[]> {
  const rows = await db
    .selectFrom("asset as a")
    .leftJoin("zone as z", "z.id", "a.zone_id")
    .leftJoin("person as p", "p.id", "a.triaged_by")
    .select([
      "a.id",
      "a.name",
      "a.ip",
      "a.mac",
      "a.vendor",
      "a.model",
      "a.kind",
      "a.zone_id",
      "z.name as zone_name",
      "a.discovery_source",
      "a.discovered_at",
      "a.triage",
      "a.triage_note",
      "p.name as triaged_by_name",
      "a.triaged_at",
    ])
    .where("a.plant_id", "=", plantId)
    .where("a.status", "=", "staged")
    .where((eb) =>
      page.transient
        ? eb("a.triage", "=", "transient")
        : eb.or([eb("a.triage", "is", null), eb("a.triage", "!=", "transient")])
    )
    .orderBy(page.transient ? "a.triaged_at" : "a.discovered_at", "desc")
    .orderBy("a.id")
    .offset(page.offset)
    .limit(page.limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    ip: row.ip,
    mac: row.mac,
    vendor: row.vendor,
    model: row.model,
    kind: row.kind,
    zoneId: row.zone_id,
    zoneName: row.zone_name,
    discoverySource: row.discovery_source,
    discoveredAt: row.discovered_at,
    triage: row.triage,
    triageNote: row.triage_note,
    triagedBy: row.triaged_by_name,
    triagedAt: row.triaged_at,
  }));
}

/** A violation needs looking at: never acknowledged, or seen again since it was. */
const OPEN_VIOLATION = sql<number>`(v.acknowledged_at is null or v.last_seen > v.acknowledged_at)`;

/** Wrong flows per conduit of the plant, all and still open, counted without reading them. */
export async function countViolations(db: DB, plantId: number): Promise<Map<number, { total: number; open: number }>> {
  const rows = await db
    .selectFrom("policy_violation as v")
    .innerJoin("conduit as c", "c.id", "v.conduit_id")
    .select((eb) => [
      "v.conduit_id",
      eb.fn.countAll<number>().as("total"),
      eb.fn.sum<number>(OPEN_VIOLATION).as("open"),
    ])
    .where("c.plant_id", "=", plantId)
    .groupBy("v.conduit_id")
    .execute();
  return new Map(rows.map((row) => [row.conduit_id, { total: Number(row.total), open: Number(row.open ?? 0) }]));
}

/** One page of the plant's wrong flows: open ones (never acknowledged, or seen again since) first. */
export async function listViolations(
  db: DB,
  plantId: number,
  page: { offset: number; limit: number }
): Promise<Violation[]> {
  const rows = await db
    .selectFrom("policy_violation as v")
    .innerJoin("conduit as c", "c.id", "v.conduit_id")
    .leftJoin("person as p", "p.id", "v.acknowledged_by")
    .select([
      "v.id",
      "v.conduit_id",
      "c.name as conduit_name",
      "v.tuple",
      "v.count",
      "v.first_seen",
      "v.last_seen",
      "p.name as acknowledged_by_name",
      "v.acknowledged_at",
      "v.acknowledged_note",
    ])
    .where("c.plant_id", "=", plantId)
    .orderBy(OPEN_VIOLATION, "desc")
    .orderBy("c.name")
    .orderBy("v.last_seen", "desc")
    .orderBy("v.id")
    .offset(page.offset)
    .limit(page.limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    conduitId: row.conduit_id,
    conduitName: row.conduit_name,
    tuple: row.tuple,
    count: row.count,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    acknowledgedBy: row.acknowledged_by_name,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedNote: row.acknowledged_note,
    seenSinceAcknowledged: row.acknowledged_at !== null && row.last_seen > row.acknowledged_at,
  }));
}

/** Triage names the engineer who looked: people act here, API tokens do not. */
function requirePerson(actor: Actor): number {
  if (actor.kind !== "person" || actor.personId === null) {
    throw new ActError(403, "Triage is done by a signed-in person, not an API token.");
  }
  return actor.personId;
}

function cleanNote(note: string | undefined, required: boolean, what: string): string | null {
  const text = (note ?? "").trim();
  if (required && text.length < 3) throw new ActError(400, `Write ${what} (at least 3 characters).`, "note");
  if (text.length > 500) throw new ActError(400, "Keep the note under 500 characters.", "note");
  return text.length > 0 ? text : null;
}

async function stagedAsset(tx: Transaction<Database>, plantId: number, assetId: number) {
  const asset = await tx
    .selectFrom("asset")
    .selectAll()
    .where("id", "=", assetId)
    .where("plant_id", "=", plantId)
    .executeTakeFirst();
  if (!asset) throw new ActError(404, "No such host at this plant.");
  if (asset.status !== "staged") throw new ActError(409, `${asset.name} is already in the inventory.`);
  return asset;
}

function hostLabel(asset: { name: string; ip: string | null }): string {
  return asset.ip && !asset.name.includes(asset.ip) ? `${asset.name} (${asset.ip})` : asset.name;
}

/** Confirms a staged host into the inventory with its zone and kind (and a name, if the engineer gives one). */
export async function confirmStagedHost(
  db: DB,
  actor: Actor,
  input: { plantId: number; assetId: number; zoneId: number; kind: AssetKind; name?: string; note?: string },
  now: Date = new Date()
): Promise<void> {
  requireAct(actor, "triage:asset", input.plantId, "triage staged hosts");
  const personId = requirePerson(actor);
  const note = cleanNote(input.note, false, "a note");
  const name = input.name?.trim() || null;
  if (name !== null && name.length > 120) throw new ActError(400, "Keep the name under 120 characters.", "name");
  await db.transaction().execute(async (tx) => {
    const asset = await stagedAsset(tx, input.plantId, input.assetId);
    const zone = await tx
      .selectFrom("zone")
      .select(["id", "name"])
      .where("id", "=", input.zoneId)
      .where("plant_id", "=", input.plantId)
      .executeTakeFirst();
    if (!zone) throw new ActError(400, "Choose a zone of this plant.", "zoneId");
    const stamp = now.toISOString();
    const after = {
      status: "confirmed" as const,
      zone_id: zone.id,
      kind: input.kind,
      name: name ?? asset.name,
      triage: null,
      triage_note: note,
      triaged_by: personId,
      triaged_at: stamp,
      updated_at: stamp,
    };
    await tx.updateTable("asset").set(after).where("id", "=", asset.id).execute();
    await recordAudit(tx, actor, {
      action: "asset.confirm",
      objectType: "asset",
      objectId: asset.id,
      plantId: input.plantId,
      summary: `Confirmed ${hostLabel(asset)} into the inventory as ${ASSET_KIND_LABELS[input.kind]} in ${zone.name}.`,
      before: {
        status: asset.status,
        zone_id: asset.zone_id,
        kind: asset.kind,
        name: asset.name,
        triage: asset.triage,
      },
      after,
    });
  });
}

/** Marks a staged host known-transient (a laptop, a vendor's service PC) or escalates it to corporate security. */
export async function triageStagedHost(
  db: DB,
  actor: Actor,
  input: { plantId: number; assetId: number; state: TriageState; note: string },
  now: Date = new Date()
): Promise<void> {
  requireAct(actor, "triage:asset", input.plantId, "triage staged hosts");
  const personId = requirePerson(actor);
  const note = cleanNote(
    input.note,
    true,
    input.state === "transient" ? "why the host is transient" : "why the host is escalated"
  );
  await db.transaction().execute(async (tx) => {
    const asset = await stagedAsset(tx, input.plantId, input.assetId);
    if (asset.triage === input.state) {
      throw new ActError(
        409,
        `${asset.name} is already ${input.state === "transient" ? "known-transient" : "escalated"}.`
      );
    }
    const stamp = now.toISOString();
    const after = {
      triage: input.state,
      triage_note: note,
      triaged_by: personId,
      triaged_at: stamp,
      updated_at: stamp,
    };
    await tx.updateTable("asset").set(after).where("id", "=", asset.id).execute();
    await recordAudit(
      tx,
      actor,
      {
        action: input.state === "transient" ? "asset.mark-transient" : "asset.escalate",
        objectType: "asset",
        objectId: asset.id,
        plantId: input.plantId,
        summary:
          input.state === "transient"
            ? `Marked ${hostLabel(asset)} as a known-transient host: ${note}`
            : `Escalated ${hostLabel(asset)} to corporate security: ${note}`,
        before: { triage: asset.triage, triage_note: asset.triage_note },
        after,
      },
      now
    );
  });
}

/** Acknowledges a wrong flow on a conduit: someone looked at it and says what it was. */
export async function acknowledgeViolation(
  db: DB,
  actor: Actor,
  input: { plantId: number; violationId: number; note: string },
  now: Date = new Date()
): Promise<void> {
  requireAct(actor, "acknowledge:violation", input.plantId, "acknowledge policy violations");
  const personId = requirePerson(actor);
  const note = cleanNote(input.note, true, "what the flow was and what was done");
  await db.transaction().execute(async (tx) => {
    const violation = await tx
      .selectFrom("policy_violation as v")
      .innerJoin("conduit as c", "c.id", "v.conduit_id")
      .select([
        "v.id",
        "v.tuple",
        "v.last_seen",
        "v.acknowledged_at",
        "v.acknowledged_note",
        "c.name",
        "c.id as conduit_id",
      ])
      .where("v.id", "=", input.violationId)
      .where("c.plant_id", "=", input.plantId)
      .executeTakeFirst();
    if (!violation) throw new ActError(404, "No such policy violation at this plant.");
    if (violation.acknowledged_at !== null && violation.last_seen <= violation.acknowledged_at) {
      throw new ActError(409, `The flow ${violation.tuple} on ${violation.name} is already acknowledged.`);
    }
    const stamp = now.toISOString();
    const after = { acknowledged_by: personId, acknowledged_at: stamp, acknowledged_note: note };
    await tx.updateTable("policy_violation").set(after).where("id", "=", violation.id).execute();
    await recordAudit(tx, actor, {
      action: "violation.acknowledge",
      objectType: "conduit",
      objectId: violation.conduit_id,
      plantId: input.plantId,
      summary: `Acknowledged the wrong flow ${violation.tuple} on ${violation.name}: ${note}`,
      before: { acknowledged_at: violation.acknowledged_at, acknowledged_note: violation.acknowledged_note },
      after: { violation: violation.id, ...after },
    });
  });
}
