import { DateTime } from "luxon";
import {
  blockerAgeCrossed,
  blockerNotice,
  queueNotices,
  sensorNotice,
  sensorSilent,
  SILENT_AFTER_DAYS,
  windowNotice,
  WINDOW_NOTICE_HOURS,
  type AgingBlocker,
  type SilentSensor,
  type SoonWindow,
} from "~/domain/notification-facts";
import type { Notice } from "~/domain/notifications";
import { can, type Principal } from "~/domain/permissions";
import type { PlantReadiness } from "~/domain/readiness";
import type { Role } from "~/domain/vocabulary";
import { loadQueue } from "~/models/queues.server";
import { computeReadinessOf } from "~/models/readiness.server";
import { computeRollup } from "~/models/rollup.server";
import type { Executor } from "~/utils/db.server";

// What every person should be told now about the given plants (app/domain/notification-facts.ts decides the words):
// their queue at those plants, read with the same loadQueue as /me, and the facts the queue does not hold (windows
// starting within a day, silent sensors, ageing blockers). The notifier stores what is new of it.

type Judge = typeof computeReadinessOf;

/** A judge that computes each plant once for the whole pass, however many people's queues ask for it. */
function judgedOnce(judge: Judge): Judge {
  const known = new Map<string, Promise<PlantReadiness | undefined>>();
  return async (db, at, codes) => {
    const wanted = codes ?? [];
    const missing = wanted.filter((code) => !known.has(code));
    if (missing.length > 0) {
      const computed = judge(db, at, missing).then((list) => new Map(list.map((r) => [r.code, r])));
      for (const code of missing)
        known.set(
          code,
          computed.then((byCode) => byCode.get(code))
        );
    }
    const answers = await Promise.all(wanted.map((code) => known.get(code)!));
    return answers.filter((r): r is PlantReadiness => r !== undefined);
  };
}

interface Recipient extends Principal {
  personId: number;
  name: string;
}

/** Every active person who can be told something: everyone with a role that reads plants. */
async function listRecipients(db: Executor): Promise<Recipient[]> {
  const [people, assignments] = await Promise.all([
    db
      .selectFrom("person")
      .select(["id", "name", "role"])
      .where("active", "=", 1)
      .where("role", "!=", "admin")
      .orderBy("id")
      .execute(),
    db.selectFrom("person_plant").select(["person_id", "plant_id"]).execute(),
  ]);
  const assigned = new Map<number, number[]>();
  for (const a of assignments) assigned.set(a.person_id, [...(assigned.get(a.person_id) ?? []), a.plant_id]);
  return people.map((p) => ({
    personId: p.id,
    name: p.name,
    role: p.role,
    assignedPlantIds: assigned.get(p.id) ?? [],
    plantScope: null,
  }));
}

interface PlantRow {
  id: number;
  code: string;
  timeZone: string;
}

async function listPlants(db: Executor, plantIds: readonly number[] | null): Promise<PlantRow[]> {
  let query = db.selectFrom("plant").select(["id", "code", "time_zone"]).orderBy("code");
  if (plantIds !== null) query = query.where("id", "in", plantIds.length > 0 ? [...plantIds] : [-1]);
  return (await query.execute()).map((p) => ({ id: p.id, code: p.code, timeZone: p.time_zone }));
}

/** Conduits whose current revision was cut over: a stale signoff there is urgent. */
async function cutOverConduits(db: Executor, plantIds: readonly number[]): Promise<Set<number>> {
  const rows = await db
    .selectFrom("network_change as n")
    .innerJoin("conduit as c", (join) =>
      join.onRef("c.id", "=", "n.conduit_id").onRef("c.revision", "=", "n.conduit_revision")
    )
    .select("c.id")
    .where("n.kind", "=", "conduit_cutover")
    .where("n.status", "=", "done")
    .where("n.plant_id", "in", [...plantIds])
    .execute();
  return new Set(rows.map((r) => r.id));
}

function localWindow(startsAt: string, endsAt: string, zone: string): string {
  const start = DateTime.fromISO(startsAt).setZone(zone);
  const end = DateTime.fromISO(endsAt).setZone(zone);
  const format = "ccc d LLL HH:mm";
  return `${start.toFormat(format)} – ${end.toFormat(start.hasSame(end, "day") ? "HH:mm" : format)} (${zone})`;
}

/** Confirmed outage windows starting within the next day, each with who is told of it. */
async function soonWindows(db: Executor, plants: readonly PlantRow[], now: Date) {
  const byId = new Map(plants.map((p) => [p.id, p]));
  const windows = await db
    .selectFrom("outage_window")
    .select(["id", "plant_id", "title", "starts_at", "ends_at", "time_zone"])
    .where("kind", "=", "scheduled_outage")
    .where("status", "=", "confirmed")
    .where("starts_at", ">", now.toISOString())
    .where("starts_at", "<=", new Date(now.getTime() + WINDOW_NOTICE_HOURS * 3_600_000).toISOString())
    .where("plant_id", "in", [...byId.keys()])
    .orderBy("starts_at")
    .execute();
  if (windows.length === 0) return [];
  const changes = await db
    .selectFrom("network_change as n")
    .leftJoin("conduit as c", "c.id", "n.conduit_id")
    .leftJoin("person as owner", (join) =>
      join.on((eb) => eb("owner.id", "=", eb.fn.coalesce("c.design_owner_id", "n.created_by")))
    )
    .select(["n.window_id", "n.title", "owner.id as owner_id", "owner.name as owner_name"])
    .where(
      "n.window_id",
      "in",
      windows.map((w) => w.id)
    )
    .where("n.status", "=", "scheduled")
    .orderBy("n.planned_start")
    .orderBy("n.id")
    .execute();
  return windows.map((w) => {
    const own = changes.filter((c) => c.window_id === w.id);
    const window: SoonWindow = {
      id: w.id,
      plantId: w.plant_id,
      plantCode: byId.get(w.plant_id)!.code,
      title: w.title,
      startsAt: w.starts_at,
      local: localWindow(w.starts_at, w.ends_at, w.time_zone),
      changes: own.map((c) => ({ title: c.title, owner: c.owner_name })),
    };
    return { window, owners: own.flatMap((c) => (c.owner_id === null ? [] : [c.owner_id])) };
  });
}

/** Monitored conduits whose sensor reported before and has been silent more than SILENT_AFTER_DAYS days. */
async function silentSensors(db: Executor, plants: readonly PlantRow[], now: Date) {
  const byId = new Map(plants.map((p) => [p.id, p]));
  const today = now.toISOString().slice(0, 10);
  const latest = new Date(now.getTime() - SILENT_AFTER_DAYS * 86_400_000).toISOString().slice(0, 10);
  const rows = await db
    .selectFrom("conduit as c")
    .innerJoin("observation as o", "o.conduit_id", "c.id")
    .select((eb) => [
      "c.id",
      "c.name",
      "c.plant_id",
      "c.design_owner_id",
      "c.monitoring_owner_id",
      eb.fn.max("o.day").as("last_day"),
    ])
    .where("c.monitored", "=", 1)
    .where("c.plant_id", "in", [...byId.keys()])
    .groupBy("c.id")
    .having((eb) => eb.fn.max("o.day"), "<", latest)
    .execute();
  return rows.flatMap((r) => {
    const daysSilent = sensorSilent(r.last_day, today);
    if (daysSilent === null) return [];
    const sensor: SilentSensor = {
      conduitId: r.id,
      conduitName: r.name,
      plantId: r.plant_id,
      plantCode: byId.get(r.plant_id)!.code,
      lastDay: r.last_day,
      daysSilent,
    };
    return [{ sensor, monitoringOwnerId: r.monitoring_owner_id, designOwnerId: r.design_owner_id }];
  });
}

/**
 * The notices for every person at the plants (all when `plantIds` is null) at `now`, each only about a plant its
 * recipient may read. `judge` decides readiness (the server passes its cached one).
 */
export async function computeNotices(
  db: Executor,
  now: Date,
  plantIds: readonly number[] | null,
  judge: Judge = computeReadinessOf
): Promise<Notice[]> {
  const plants = await listPlants(db, plantIds);
  if (plants.length === 0) return [];
  const ids = plants.map((p) => p.id);
  const once = judgedOnce(judge);
  const [recipients, cutOver, windows, sensors, rollup] = await Promise.all([
    listRecipients(db),
    cutOverConduits(db, ids),
    soonWindows(db, plants, now),
    silentSensors(db, plants, now),
    computeRollup(db, now, ids, once),
  ]);
  const context = {
    plantIds: new Map(plants.map((p) => [p.code, p.id])),
    cutOver,
    today: new Map(
      plants.map((p) => [p.code, DateTime.fromJSDate(now).setZone(p.timeZone).toISODate() ?? now.toISOString()])
    ),
  };
  const notices: Notice[] = [];
  // One person's queue at a time: each reads the plants judged once above. Between two people the process answers
  // whatever else waits (a whole program's pass takes seconds; pages served meanwhile must not wait for all of it).
  for (const person of recipients) {
    await new Promise((resolve) => setImmediate(resolve));
    const queue = await loadQueue(db, person, now, once, ids);
    notices.push(...queueNotices(queue, { ...context, personId: person.personId }));
  }

  const byName = new Map<string, Recipient[]>();
  for (const person of recipients) byName.set(person.name, [...(byName.get(person.name) ?? []), person]);
  const assignedTo = (plantId: number) => recipients.filter((r) => r.assignedPlantIds.includes(plantId));
  const withRole = (role: Role) => recipients.filter((r) => r.role === role);
  const byId = new Map(recipients.map((r) => [r.personId, r]));
  const people = (list: readonly (number | null)[]) =>
    list.flatMap((id) => (id !== null && byId.has(id) ? [byId.get(id)!] : []));

  for (const { window, owners } of windows) {
    for (const person of new Set([...assignedTo(window.plantId), ...people(owners)])) {
      notices.push(windowNotice(person.personId, window));
    }
  }
  for (const { sensor, monitoringOwnerId, designOwnerId } of sensors) {
    const told =
      monitoringOwnerId !== null ? people([monitoringOwnerId, designOwnerId]) : withRole("corporate_security");
    for (const person of new Set(told)) notices.push(sensorNotice(person.personId, sensor));
  }
  const plantByCode = new Map(plants.map((p) => [p.code, p]));
  for (const b of rollup.topBlockers) {
    const age = blockerAgeCrossed(b.ageDays);
    const plant = plantByCode.get(b.plantCode);
    if (age === null || !plant) continue;
    const named = b.mustAct.flatMap((m) => m.names.flatMap((name) => byName.get(name) ?? []));
    const told = named.length > 0 ? named : withRole("program_lead");
    const blocker: AgingBlocker = { ...b, plantId: plant.id };
    for (const person of new Set(told)) notices.push(blockerNotice(person.personId, blocker, age));
  }

  // Never a notice about a plant its recipient may not read.
  return notices.filter((n) => {
    const person = byId.get(n.personId);
    return person !== undefined && (n.plantId === null || can(person, "read:plant", n.plantId));
  });
}
