import { sql } from "kysely";
import { currentEpoch, epochCutover, epochStartFor, type Observation } from "~/domain/baseline";
import {
  computeReadiness,
  type ConduitFacts,
  type ObjectRef,
  type PlantReadiness,
  type PlantState,
  type WindowFact,
} from "~/domain/readiness";
import { unzonedAddresses, type DesignZone, type UnzonedAddresses } from "~/domain/design-review";
import { partState, SIGNOFF_PARTS } from "~/domain/signoffs";
import {
  conduitDefinitionOf,
  conduitHash,
  contentHash,
  listSignoffs,
  ownershipSplitHash,
} from "~/models/signoffs.server";
import { loadSettings } from "~/models/baseline-settings.server";
import { conduitsWithOwners } from "~/models/conduits.server";
import { listCutovers } from "~/models/cutovers.server";
import type { Executor } from "~/utils/db.server";

export { loadSettings };

// Loads the state the readiness engine judges, for many plants at once: one query per kind of fact,
// grouped by plant in memory, never one query per plant.

const EXAMPLES = 5;

/** What both owners sign to accept a stalled baseline: the conduit's revision and the epoch it belongs to. */
export function baselineAcceptanceHash(conduitId: number, revision: number, epochStart: string): string {
  return contentHash({ object: "baseline_acceptance", conduit: conduitId, revision, epochStart });
}

/** What an owner accepting the conduit's baseline now signs: its epoch (today's, when it has none) and the hash. */
export function acceptanceSubject(
  conduit: { id: number; revision: number },
  baseline: { epochStart: string | null },
  timeZone: string,
  now: Date
): { epochStart: string; hash: string } {
  const epochStart = baseline.epochStart ?? epochStartFor(now.toISOString(), timeZone);
  return { epochStart, hash: baselineAcceptanceHash(conduit.id, conduit.revision, epochStart) };
}

function group<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const row of rows) {
    const list = map.get(key(row));
    if (list) list.push(row);
    else map.set(key(row), [row]);
  }
  return map;
}

async function assetFacts(db: Executor, plantIds: number[]) {
  const totals = await db
    .selectFrom("asset")
    .select((eb) => [
      "plant_id",
      eb.fn.countAll<number>().as("total"),
      sql<number>`sum(case when kind is null or vendor is null or model is null or criticality is null then 1 else 0 end)`.as(
        "incomplete"
      ),
      sql<number>`sum(case when status = 'staged' then 1 else 0 end)`.as("staged"),
      sql<number>`sum(case when zone_id is null then 1 else 0 end)`.as("unplaced"),
    ])
    .where("plant_id", "in", plantIds)
    .where(sql<boolean>`triage is distinct from 'transient'`)
    .groupBy("plant_id")
    .execute();
  // Known-transient hosts were reviewed and left out of the inventory: they count for nothing below.
  // The first few offenders of each kind per plant, chosen in SQL with a window function.
  const examples = await sql<{ plant_id: number; id: number; name: string; problem: string }>`
    select plant_id, id, name, problem from (
      select plant_id, id, name, problem, row_number() over (partition by plant_id, problem order by name) as n
      from (
        select plant_id, id, name, 'incomplete' as problem from asset
          where triage is distinct from 'transient' and (kind is null or vendor is null or model is null or criticality is null) and plant_id in (${sql.join(
            plantIds
          )})
        union all
        select plant_id, id, name, 'staged' from asset where status = 'staged' and triage is distinct from 'transient' and plant_id in (${sql.join(
          plantIds
        )})
        union all
        select plant_id, id, name, 'unplaced' from asset where zone_id is null and triage is distinct from 'transient' and plant_id in (${sql.join(
          plantIds
        )})
      ) as problems
    ) as ranked where n <= ${EXAMPLES}`.execute(db);
  const activeScans = await db
    .selectFrom("asset")
    .select(["plant_id", "id", "name", "discovered_at"])
    .where("plant_id", "in", plantIds)
    // Written out, not bound: the partial index asset_active_scan_idx applies only to the literal.
    .where(sql<boolean>`discovery_source = 'active_scan'`)
    .execute();
  return {
    totals: new Map(totals.map((t) => [t.plant_id, t])),
    examples: group(examples.rows, (r) => r.plant_id),
    activeScans: group(activeScans, (r) => r.plant_id),
  };
}

type ZoneRow = {
  id: number;
  name: string;
  kind: string;
  purdue_level: number | null;
  sl_target: number | null;
  safety: number;
};

function designZones(zones: readonly ZoneRow[], rangesOfZone: Map<number, { cidr: string }[]>): DesignZone[] {
  return zones.map((z) => ({
    id: z.id,
    name: z.name,
    kind: z.kind,
    purdueLevel: z.purdue_level,
    slTarget: z.sl_target,
    safety: z.safety === 1,
    ranges: (rangesOfZone.get(z.id) ?? []).map((r) => r.cidr),
  }));
}

/**
 * Each plant's inventoried addresses in no zone's range. Only the addresses are read (known-transient hosts left
 * out), one query for all the plants, and matched against the plant's ranges as they stream past; a plant whose
 * zones declare no range at all is counted in SQL, as every address of it lies in none.
 */
async function unzonedAddressesOf(
  db: Executor,
  plants: readonly { id: number }[],
  zonesOfPlant: Map<number, ZoneRow[]>,
  rangesOfZone: Map<number, { cidr: string }[]>
): Promise<Map<number, UnzonedAddresses>> {
  const result = new Map<number, UnzonedAddresses>();
  const ranged = plants.filter((p) => (zonesOfPlant.get(p.id) ?? []).some((z) => rangesOfZone.has(z.id)));
  const unranged = plants.filter((p) => !ranged.includes(p)).map((p) => p.id);
  if (unranged.length > 0) {
    const rows = await sql<{ plant_id: number; id: number; name: string; ip: string; total: number }>`
      select plant_id, id, name, ip, total from (
        select plant_id, id, name, ip, count(*) over (partition by plant_id) as total,
          row_number() over (partition by plant_id order by name) as n
        from asset where ip is not null and triage is distinct from 'transient' and plant_id in (${sql.join(unranged)})
      ) as ranked where n <= ${EXAMPLES}`.execute(db);
    for (const row of rows.rows) {
      const entry = result.get(row.plant_id) ?? { count: Number(row.total), examples: [] };
      entry.examples.push({ type: "asset", id: row.id, label: `${row.name} (${row.ip})` });
      result.set(row.plant_id, entry);
    }
  }
  if (ranged.length === 0) return result;
  const assets = await db
    .selectFrom("asset")
    .select(["plant_id", "id", "name", "ip"])
    .where(
      "plant_id",
      "in",
      ranged.map((p) => p.id)
    )
    .where("ip", "is not", null)
    .where(sql<boolean>`triage is distinct from 'transient'`)
    .orderBy("plant_id")
    .orderBy("name")
    .execute();
  const assetsOfPlant = group(assets, (a) => a.plant_id);
  for (const plant of ranged) {
    const zones = designZones(zonesOfPlant.get(plant.id) ?? [], rangesOfZone);
    const found = unzonedAddresses(
      zones,
      (assetsOfPlant.get(plant.id) ?? []).map((a) => ({ id: a.id, name: a.name, ip: a.ip! })),
      EXAMPLES
    );
    if (found.count > 0) result.set(plant.id, found);
  }
  return result;
}

/**
 * The state of each plant (all plants when `codes` is omitted) as it stood at `at`: acts recorded later
 * (ticks, waivers, signatures, cutovers, wirings, reviews, observations) are left out. Definitions
 * (zones, conduit revisions, assets, window statuses) are today's.
 */
export async function loadPlantStates(
  db: Executor,
  codes?: string[],
  at: string = new Date().toISOString()
): Promise<Map<string, PlantState>> {
  let plantQuery = db
    .selectFrom("plant")
    .select(["id", "code", "time_zone", "ownership_split", "ownership_split_revision"]);
  if (codes) plantQuery = plantQuery.where("code", "in", codes.length ? codes : [""]);
  const plants = await plantQuery.orderBy("code").execute();
  const ids = plants.map((p) => p.id);
  if (ids.length === 0) return new Map();

  const [
    passes,
    assets,
    scanChanges,
    zones,
    conduitRows,
    flowCounts,
    signoffs,
    cutovers,
    ticks,
    waivers,
    windows,
    wirings,
    rules,
    zoneRanges,
  ] = await Promise.all([
    db
      .selectFrom("gate_pass as g")
      .innerJoin("person as p", "p.id", "g.passed_by")
      .select(["g.plant_id", "g.phase", "g.passed_at", "p.name"])
      .where("g.plant_id", "in", ids)
      .execute(),
    assetFacts(db, ids),
    db
      .selectFrom("network_change")
      .select(["plant_id", "id", "title", "done_at"])
      .where("plant_id", "in", ids)
      .where("kind", "=", "active_scan")
      .where("status", "=", "done")
      .execute(),
    db
      .selectFrom("zone")
      .select(["plant_id", "id", "name", "kind", "sl_target", "purdue_level", "safety"])
      .where("plant_id", "in", ids)
      .orderBy("name")
      .execute(),
    conduitsWithOwners(db).where("c.plant_id", "in", ids).orderBy("c.name").execute(),
    db
      .selectFrom("conduit_flow as f")
      .innerJoin("conduit as c", "c.id", "f.conduit_id")
      .select(["f.conduit_id", "f.protocol", "f.port", "f.port_end", "f.direction", "f.description"])
      .where("c.plant_id", "in", ids)
      .execute(),
    listSignoffs(db, ids).then((all) =>
      all.filter((s) => s.signedAt <= at && (s.revokedAt === null || s.revokedAt > at))
    ),
    listCutovers(db, ids, at),
    db
      .selectFrom("checklist_tick as t")
      .innerJoin("person as p", "p.id", "t.person_id")
      .select(["t.plant_id", "t.code", "t.ticked", "t.note", "t.details_json", "t.at", "p.name"])
      .where("t.plant_id", "in", ids)
      .where("t.at", "<=", at)
      .orderBy("t.id")
      .execute(),
    db
      .selectFrom("waiver as w")
      .innerJoin("person as p", "p.id", "w.person_id")
      .select(["w.plant_id", "w.code", "w.justification", "w.at", "p.name"])
      .where("w.plant_id", "in", ids)
      .where("w.at", "<=", at)
      .where((eb) => eb.or([eb("w.revoked_at", "is", null), eb("w.revoked_at", ">", at)]))
      .orderBy("w.id")
      .execute(),
    db
      .selectFrom("outage_window")
      .select(["plant_id", "id", "title", "kind", "status", "starts_at", "ends_at"])
      .where("plant_id", "in", ids)
      .orderBy("starts_at")
      .execute(),
    db
      .selectFrom("alert_wiring as a")
      .innerJoin("conduit as c", "c.id", "a.conduit_id")
      .select(["a.conduit_id", "a.at"])
      .where("c.plant_id", "in", ids)
      .where("a.at", "<=", at)
      .whereRef("a.conduit_revision", "=", "c.revision")
      .execute(),
    db
      .selectFrom("detection_rule as r")
      .innerJoin("conduit as c", "c.id", "r.conduit_id")
      .leftJoin("person as p", "p.id", "r.reviewed_by")
      // Reviewed by plant engineering means by an engineer of this plant, and before `at`.
      .leftJoin("person_plant as pp", (join) =>
        join.onRef("pp.person_id", "=", "r.reviewed_by").onRef("pp.plant_id", "=", "c.plant_id")
      )
      .select((eb) => [
        "r.conduit_id",
        "r.name",
        "r.class",
        eb
          .and([eb("p.role", "=", "plant_engineer"), eb("pp.plant_id", "is not", null), eb("r.reviewed_at", "<=", at)])
          .as("reviewed_by_engineer"),
      ])
      .where("c.plant_id", "in", ids)
      .where("r.created_at", "<=", at)
      .execute(),
    db
      .selectFrom("zone_range as r")
      .innerJoin("zone as z", "z.id", "r.zone_id")
      .select(["r.zone_id", "r.cidr"])
      .where("z.plant_id", "in", ids)
      .orderBy("r.id")
      .execute(),
  ]);

  const monitoredIds = conduitRows.filter((c) => c.monitored === 1).map((c) => c.id);
  const observations =
    monitoredIds.length === 0
      ? []
      : await db
          .selectFrom("observation")
          .select(["conduit_id", "day", "source", "coverage", "tuples", "new_tuples", "connections", "bytes"])
          .where("conduit_id", "in", monitoredIds)
          .where("recorded_at", "<=", at)
          // The primary key's order: no sort of every observation of the program.
          .orderBy("conduit_id")
          .orderBy("day")
          .orderBy("source")
          .execute();

  const byPlant = {
    passes: group(passes, (r) => r.plant_id),
    scanChanges: group(scanChanges, (r) => r.plant_id),
    zones: group(zones, (r) => r.plant_id),
    conduits: group(conduitRows, (r) => r.plant_id),
    signoffs: group(signoffs, (r) => r.plantId),
    ticks: group(ticks, (r) => r.plant_id),
    waivers: group(waivers, (r) => r.plant_id),
    windows: group(windows, (r) => r.plant_id),
  };
  const byConduit = {
    flows: group(flowCounts, (r) => r.conduit_id),
    cutovers: group(cutovers, (r) => r.conduitId),
    observations: group(observations, (r) => r.conduit_id),
    wirings: group(wirings, (r) => r.conduit_id),
    rules: group(rules, (r) => r.conduit_id),
  };
  const rangesOfZone = group(zoneRanges, (r) => r.zone_id);
  const unzoned = await unzonedAddressesOf(db, plants, byPlant.zones, rangesOfZone);

  const states = new Map<string, PlantState>();
  for (const plant of plants) {
    const totals = assets.totals.get(plant.id);
    const examples = assets.examples.get(plant.id) ?? [];
    const ofProblem = (problem: string): ObjectRef[] =>
      examples.filter((e) => e.problem === problem).map((e) => ({ type: "asset", id: e.id, label: e.name }));
    const plantSignoffs = byPlant.signoffs.get(plant.id) ?? [];
    const signoffsOf = (type: string, id: number) =>
      plantSignoffs.filter((s) => s.subjectType === type && s.subjectId === id);
    const splitHash = ownershipSplitHash(plant);
    const splitSignoffs = signoffsOf("ownership_split", plant.id);

    const conduits: ConduitFacts[] = (byPlant.conduits.get(plant.id) ?? []).map((c) => {
      const flows = byConduit.flows.get(c.id) ?? [];
      const hash = conduitHash(
        conduitDefinitionOf(
          c,
          flows.map((f) => ({
            protocol: f.protocol,
            port: f.port,
            portEnd: f.port_end,
            direction: f.direction,
            description: f.description,
          }))
        )
      );
      const owners = {
        design_change_control:
          c.design_owner_id !== null ? { id: c.design_owner_id, name: c.design_owner_name ?? "" } : null,
        monitoring_incident_response:
          c.monitoring_owner_id !== null ? { id: c.monitoring_owner_id, name: c.monitoring_owner_name ?? "" } : null,
      };
      const conduitSignoffs = signoffsOf("conduit", c.id);
      const parts = SIGNOFF_PARTS.map((part) => partState(conduitSignoffs, part, hash, owners[part]));
      const changes = (byConduit.cutovers.get(c.id) ?? []).filter((n) => n.conduitRevision === c.revision);
      // The cutover that began the current epoch, else the latest one still to be done.
      const epoch = currentEpoch(changes, c, plant.time_zone);
      const cutover = epochCutover(changes, c.revision) ?? changes.at(-1) ?? null;
      const doneAt = epoch?.doneAt ?? null;
      let baselineAccepted = false;
      if (epoch) {
        const acceptanceHash = baselineAcceptanceHash(c.id, c.revision, epoch.start);
        const acceptances = signoffsOf("baseline_acceptance", c.id);
        baselineAccepted = SIGNOFF_PARTS.every(
          (part) => partState(acceptances, part, acceptanceHash, owners[part]).status === "signed"
        );
      }
      return {
        id: c.id,
        name: c.name,
        revision: c.revision,
        zoneAKind: c.zone_a_kind,
        zoneBKind: c.zone_b_kind,
        distinctZones: c.zone_a_id !== c.zone_b_id,
        purpose: c.purpose,
        controlType: c.control_type,
        monitored: c.monitored === 1,
        monitoringPoint: c.monitoring_point,
        flowCount: flows.length,
        designOwner: owners.design_change_control?.name ?? null,
        monitoringOwner: owners.monitoring_incident_response?.name ?? null,
        parts,
        cutover: cutover
          ? { changeId: cutover.id, doneAt, windowId: cutover.windowId, plannedStart: cutover.plannedStart }
          : null,
        observations: (byConduit.observations.get(c.id) ?? []).map(
          (o): Observation => ({
            day: o.day,
            coverage: o.coverage,
            tuples: o.tuples,
            newTuples: o.new_tuples,
            connections: o.connections,
            bytes: o.bytes,
            source: o.source,
          })
        ),
        baselineAccepted,
        alertsWiredAt: byConduit.wirings.get(c.id)?.at(-1)?.at ?? null,
        rules: (byConduit.rules.get(c.id) ?? []).map((r) => ({
          name: r.name,
          class: r.class,
          reviewedByEngineer: Boolean(r.reviewed_by_engineer),
        })),
      };
    });

    states.set(plant.code, {
      code: plant.code,
      timeZone: plant.time_zone,
      passes: (byPlant.passes.get(plant.id) ?? []).map((p) => ({ phase: p.phase, passedAt: p.passed_at, by: p.name })),
      assets: {
        total: Number(totals?.total ?? 0),
        incomplete: { count: Number(totals?.incomplete ?? 0), examples: ofProblem("incomplete") },
        staged: { count: Number(totals?.staged ?? 0), examples: ofProblem("staged") },
        unplaced: { count: Number(totals?.unplaced ?? 0), examples: ofProblem("unplaced") },
        activeScans: (assets.activeScans.get(plant.id) ?? []).map((a) => ({
          id: a.id,
          name: a.name,
          discoveredAt: a.discovered_at,
        })),
      },
      activeScanChanges: (byPlant.scanChanges.get(plant.id) ?? [])
        .filter((c) => c.done_at !== null && c.done_at <= at)
        .map((c) => ({ id: c.id, title: c.title, doneAt: c.done_at! })),
      zones: (byPlant.zones.get(plant.id) ?? []).map((z) => ({
        id: z.id,
        name: z.name,
        kind: z.kind,
        slTarget: z.sl_target,
      })),
      conduits,
      design: {
        zones: designZones(byPlant.zones.get(plant.id) ?? [], rangesOfZone),
        conduits: (byPlant.conduits.get(plant.id) ?? []).map((c) => {
          const flows = byConduit.flows.get(c.id) ?? [];
          return {
            id: c.id,
            name: c.name,
            zoneAId: c.zone_a_id,
            zoneBId: c.zone_b_id,
            flowCount: flows.length,
            flows: flows.map((f) => ({ protocol: f.protocol, port: f.port, portEnd: f.port_end })),
            monitored: c.monitored === 1,
            monitoringPoint: c.monitoring_point,
            compensatingNote: c.compensating_note,
          };
        }),
        unzoned: unzoned.get(plant.id) ?? { count: 0, examples: [] },
      },
      split: {
        written: plant.ownership_split !== null,
        parts: SIGNOFF_PARTS.map((part) => partState(splitSignoffs, part, splitHash)),
      },
      checklist: (byPlant.ticks.get(plant.id) ?? []).map((t) => ({
        code: t.code,
        ticked: t.ticked === 1,
        note: t.note,
        by: t.name,
        at: t.at,
        details: t.details_json ? (JSON.parse(t.details_json) as Record<string, unknown>) : null,
      })),
      waivers: (byPlant.waivers.get(plant.id) ?? []).map((w) => ({
        code: w.code,
        justification: w.justification,
        by: w.name,
        at: w.at,
      })),
      windows: (byPlant.windows.get(plant.id) ?? []).map(
        (w): WindowFact => ({
          id: w.id,
          title: w.title,
          kind: w.kind,
          status: w.status,
          startsAt: w.starts_at,
          endsAt: w.ends_at,
        })
      ),
    });
  }
  return states;
}

/**
 * Readiness of each plant (all when `codes` is omitted) at an instant, judged afresh. The server serves it through
 * its cache (app/http/readiness-cache.server.ts); a gate pass judges inside its own transaction with this.
 */
export async function computeReadinessOf(db: Executor, at: string, codes?: string[]): Promise<PlantReadiness[]> {
  const [states, settings] = await Promise.all([loadPlantStates(db, codes, at), loadSettings(db)]);
  return [...states.values()].map((state) => computeReadiness(state, at, settings));
}
