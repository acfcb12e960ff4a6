import { sql, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { ASSET_KIND_LABELS, type AssetKind } from "~/domain/vocabulary";
import { recordAudit } from "~/models/audit.server";
import type { Actor } from "~/utils/actor";
import type { DB } from "~/utils/db.server";
import { ActError } from "~/utils/errors";
import { requireAct } from "~/models/authorize.server";
import {
  someHosts,
  TRIAGE_BATCH_LIMIT,
  type StagedHost,
  type StagedHostCounts,
  type TriageState,
  type Violation,
} from "~/domain/triage";

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
  page: { transient: boolean; offset: number; limit: number; escalatedOnly?: boolean }
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
        : page.escalatedOnly
        ? eb("a.triage", "=", "escalated")
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
const OPEN_VIOLATION = sql<number>`case when v.acknowledged_at is null or v.last_seen > v.acknowledged_at then 1 else 0 end`;

/** Wrong flows per conduit of the plant (or of several), all and still open, counted without reading them. */
export async function countViolations(
  db: DB,
  plantId: number | readonly number[]
): Promise<Map<number, { total: number; open: number }>> {
  const plantIds = typeof plantId === "number" ? [plantId] : [...plantId];
  if (plantIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("policy_violation as v")
    .innerJoin("conduit as c", "c.id", "v.conduit_id")
    .select((eb) => [
      "v.conduit_id",
      eb.fn.countAll<number>().as("total"),
      eb.fn.sum<number>(OPEN_VIOLATION).as("open"),
    ])
    .where("c.plant_id", "in", plantIds)
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

/**
 * The staged hosts an act names, in the order named: refused unless each is a host of the plant still staged (and,
 * for a person who triages only escalated hosts, escalated).
 */
async function stagedAssets(tx: Transaction<Database>, plantId: number, assetIds: readonly number[], only: HostScope) {
  const ids = requireHostIds(assetIds);
  const rows = await tx
    .selectFrom("asset")
    .selectAll()
    .where("id", "in", ids)
    .where("plant_id", "=", plantId)
    .execute();
  if (rows.length < ids.length) {
    const missing = ids.length - rows.length;
    throw new ActError(
      404,
      ids.length === 1
        ? "No such host at this plant."
        : `${missing} of the ${ids.length} chosen hosts ${missing === 1 ? "is" : "are"} not at this plant.`,
      ids.length === 1 ? undefined : "assetIds"
    );
  }
  const byId = new Map(rows.map((row) => [row.id, row]));
  const assets = ids.map((id) => byId.get(id)!);
  const known = assets.filter((a) => a.status !== "staged");
  if (known.length > 0) {
    throw new ActError(
      409,
      `${someHosts(known.map((a) => a.name))} ${known.length === 1 ? "is" : "are"} already in the inventory.`,
      ids.length === 1 ? undefined : "assetIds"
    );
  }
  if (only === "escalated") {
    const open = assets.filter((a) => a.triage !== "escalated");
    if (open.length > 0) {
      throw new ActError(
        409,
        `${someHosts(open.map((a) => a.name))} ${
          open.length === 1 ? "is" : "are"
        } not escalated: plant engineering triages ${open.length === 1 ? "it" : "them"}.`,
        "assetIds"
      );
    }
  }
  return assets;
}

/** Which staged hosts an act may take: any, or (corporate security's triage view) only the escalated ones. */
type HostScope = "any" | "escalated";

/** The ids a bulk act names, each once, no more than the limit. */
function requireHostIds(assetIds: readonly number[]): number[] {
  const ids = [...new Set(assetIds)];
  if (ids.length === 0) throw new ActError(400, "Choose at least one host.", "assetIds");
  if (ids.length > TRIAGE_BATCH_LIMIT) {
    throw new ActError(
      400,
      `Choose at most ${TRIAGE_BATCH_LIMIT} hosts at once (${ids.length} were chosen).`,
      "assetIds"
    );
  }
  return ids;
}

function hostLabel(asset: { name: string; ip: string | null }): string {
  return asset.ip && !asset.name.includes(asset.ip) ? `${asset.name} (${asset.ip})` : asset.name;
}

async function plantZone(tx: Transaction<Database>, plantId: number, zoneId: number) {
  const zone = await tx
    .selectFrom("zone")
    .select(["id", "name"])
    .where("id", "=", zoneId)
    .where("plant_id", "=", plantId)
    .executeTakeFirst();
  if (!zone) throw new ActError(400, "Choose a zone of this plant.", "zoneId");
  return zone;
}

/**
 * Confirms staged hosts into the inventory, in one transaction, each audited: into the zone and as the kind given, or
 * (left out) each host's own zone and kind, which every host must then have. A name is given to one host at a time.
 */
export async function confirmStagedHosts(
  db: DB,
  actor: Actor,
  input: {
    plantId: number;
    assetIds: readonly number[];
    zoneId?: number | null;
    kind?: AssetKind | null;
    name?: string;
    note?: string;
    only?: HostScope;
  },
  now: Date = new Date()
): Promise<number> {
  requireAct(actor, "triage:asset", input.plantId, "triage staged hosts");
  const personId = requirePerson(actor);
  const note = cleanNote(input.note, false, "a note");
  const name = input.name?.trim() || null;
  if (name !== null && name.length > 120) throw new ActError(400, "Keep the name under 120 characters.", "name");
  if (name !== null && input.assetIds.length > 1) throw new ActError(400, "Name one host at a time.", "name");
  return db.transaction().execute(async (tx) => {
    const assets = await stagedAssets(tx, input.plantId, input.assetIds, input.only ?? "any");
    const chosenZone = input.zoneId ? await plantZone(tx, input.plantId, input.zoneId) : null;
    const unzoned = chosenZone ? [] : assets.filter((a) => a.zone_id === null);
    if (unzoned.length > 0) {
      throw new ActError(
        400,
        `Choose a zone: ${someHosts(unzoned.map((a) => a.name))} ${unzoned.length === 1 ? "is" : "are"} in none.`,
        "zoneId"
      );
    }
    const kindless = input.kind ? [] : assets.filter((a) => a.kind === null);
    if (kindless.length > 0) {
      throw new ActError(
        400,
        `Choose a kind: ${someHosts(kindless.map((a) => a.name))} ${kindless.length === 1 ? "has" : "have"} none.`,
        "kind"
      );
    }
    const zoneNames = new Map(
      chosenZone
        ? [[chosenZone.id, chosenZone.name]]
        : (
            await tx
              .selectFrom("zone")
              .select(["id", "name"])
              .where("id", "in", [...new Set(assets.map((a) => a.zone_id!))])
              .execute()
          ).map((z) => [z.id, z.name] as const)
    );
    const stamp = now.toISOString();
    for (const asset of assets) {
      const kind = input.kind ?? asset.kind!;
      const zoneId = chosenZone?.id ?? asset.zone_id!;
      const after = {
        status: "confirmed" as const,
        zone_id: zoneId,
        kind,
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
        summary: `Confirmed ${hostLabel(asset)} into the inventory as ${ASSET_KIND_LABELS[kind]} in ${zoneNames.get(
          zoneId
        )}.`,
        before: {
          status: asset.status,
          zone_id: asset.zone_id,
          kind: asset.kind,
          name: asset.name,
          triage: asset.triage,
        },
        after,
      });
    }
    return assets.length;
  });
}

/** Places staged hosts in a zone of the plant, still staged (confirming them is a review of its own); each audited. */
export async function placeStagedHosts(
  db: DB,
  actor: Actor,
  input: { plantId: number; assetIds: readonly number[]; zoneId: number; only?: HostScope },
  now: Date = new Date()
): Promise<string> {
  requireAct(actor, "triage:asset", input.plantId, "triage staged hosts");
  requirePerson(actor);
  return db.transaction().execute(async (tx) => {
    const assets = await stagedAssets(tx, input.plantId, input.assetIds, input.only ?? "any");
    const zone = await plantZone(tx, input.plantId, input.zoneId);
    const stamp = now.toISOString();
    for (const asset of assets) {
      const after = { zone_id: zone.id, updated_at: stamp };
      await tx.updateTable("asset").set(after).where("id", "=", asset.id).execute();
      await recordAudit(tx, actor, {
        action: "asset.place",
        objectType: "asset",
        objectId: asset.id,
        plantId: input.plantId,
        summary: `Placed the staged host ${hostLabel(asset)} in ${zone.name}.`,
        before: { zone_id: asset.zone_id },
        after,
      });
    }
    return zone.name;
  });
}

/**
 * Marks staged hosts known-transient (a laptop, a vendor's service PC) or escalates them to corporate security, with
 * one note for all; one transaction, each host audited.
 */
export async function triageStagedHosts(
  db: DB,
  actor: Actor,
  input: { plantId: number; assetIds: readonly number[]; state: TriageState; note: string; only?: HostScope },
  now: Date = new Date()
): Promise<number> {
  requireAct(actor, "triage:asset", input.plantId, "triage staged hosts");
  const personId = requirePerson(actor);
  const note = cleanNote(
    input.note,
    true,
    input.state === "transient" ? "why the host is transient" : "why the host is escalated"
  );
  return db.transaction().execute(async (tx) => {
    const assets = await stagedAssets(tx, input.plantId, input.assetIds, input.only ?? "any");
    const already = assets.filter((a) => a.triage === input.state);
    if (already.length > 0) {
      throw new ActError(
        409,
        `${someHosts(already.map((a) => a.name))} ${already.length === 1 ? "is" : "are"} already ${
          input.state === "transient" ? "known-transient" : "escalated"
        }.`,
        assets.length === 1 ? undefined : "assetIds"
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
    for (const asset of assets) {
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
    }
    return assets.length;
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
