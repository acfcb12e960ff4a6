import type { Page } from "playwright-core";
import type { DB } from "../../app/utils/db.server";
import { settled } from "./browser";

// What the floor's tests start from: a confirmed outage window of a plant that has already ended, with changes
// scheduled in it, written straight into the database (the app refuses to schedule into a window that is over,
// which is exactly the state whose outcome is then recorded through the app).

export interface PastWindow {
  plantId: number;
  windowId: number;
  startsAt: string;
  endsAt: string;
  /** The changes scheduled in it, in the order asked for. */
  changes: number[];
}

/** Conduits of the plant without an open change, first by id. */
export async function freeConduits(db: DB, plantCode: string, count: number): Promise<{ id: number; name: string }[]> {
  const rows = await db
    .selectFrom("conduit as k")
    .innerJoin("plant as p", "p.id", "k.plant_id")
    .select(["k.id", "k.name"])
    .where("p.code", "=", plantCode)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("network_change as c")
            .select("c.id")
            .whereRef("c.conduit_id", "=", "k.id")
            .where("c.status", "in", ["scheduled", "needs_window"])
        )
      )
    )
    .orderBy("k.id")
    .limit(count)
    .execute();
  if (rows.length < count) throw new Error(`${plantCode} has only ${rows.length} conduits without an open change`);
  return rows;
}

/**
 * A confirmed window of the plant from `hoursAgo` hours ago, four hours long, with one change per entry of `changes`
 * (a cutover of the conduit given, or a sensor install), each planned at the window's start for 60 minutes.
 */
export async function pastWindow(
  db: DB,
  plantCode: string,
  hoursAgo: number,
  changes: { title: string; conduitId?: number }[]
): Promise<PastWindow> {
  const plant = await db
    .selectFrom("plant")
    .select(["id", "time_zone"])
    .where("code", "=", plantCode)
    .executeTakeFirstOrThrow();
  const person = await db
    .selectFrom("person")
    .select("id")
    .where("role", "=", "program_lead")
    .executeTakeFirstOrThrow();
  const startMs = Math.floor((Date.now() - hoursAgo * 3_600_000) / 60_000) * 60_000;
  const startsAt = new Date(startMs).toISOString();
  const endsAt = new Date(startMs + 4 * 3_600_000).toISOString();
  const at = new Date(startMs - 7 * 86_400_000).toISOString();
  const { id: windowId } = await db
    .insertInto("outage_window")
    .values({
      plant_id: plant.id,
      title: `Past night ${hoursAgo}h`,
      kind: "scheduled_outage",
      status: "confirmed",
      starts_at: startsAt,
      ends_at: endsAt,
      time_zone: plant.time_zone,
      notes: null,
      created_by: person.id,
      created_at: at,
      updated_at: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const ids: number[] = [];
  for (const change of changes) {
    const revision = change.conduitId
      ? (await db.selectFrom("conduit").select("revision").where("id", "=", change.conduitId).executeTakeFirstOrThrow())
          .revision
      : null;
    const { id } = await db
      .insertInto("network_change")
      .values({
        plant_id: plant.id,
        kind: change.conduitId ? "conduit_cutover" : "sensor_install",
        title: change.title,
        conduit_id: change.conduitId ?? null,
        conduit_revision: revision,
        asset_id: null,
        window_id: windowId,
        planned_start: startsAt,
        planned_minutes: 60,
        status: "scheduled",
        done_at: null,
        created_by: person.id,
        created_at: at,
        updated_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    ids.push(id);
  }
  return { plantId: plant.id, windowId, startsAt, endsAt, changes: ids };
}

/** An instant as the plant-local form fields of a time (`<prefix>.date`, `<prefix>.time`). */
export function localFields(prefix: string, iso: string, zone: string): Record<string, string> {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return {
    [`${prefix}.date`]: `${part("year")}-${part("month")}-${part("day")}`,
    [`${prefix}.time`]: `${part("hour")}:${part("minute")}`,
  };
}

/**
 * Records a change's outcome as a person would, on the change's own page: the outcome chosen, the note written if
 * one is given, and the form sent; it returns once the page has settled on the answer (recorded, or refused).
 */
export async function recordOutcome(
  page: Page,
  serverUrl: string,
  plantCode: string,
  changeId: number,
  outcome: string,
  note = ""
): Promise<void> {
  await page.goto(`${serverUrl}/plants/${plantCode}/changes/${changeId}`);
  await settled(page);
  const form = page.locator(`#change-${changeId}-outcome`);
  await form.locator('select[name="outcome"]').selectOption(outcome);
  if (note) await form.locator('textarea[name="note"]').fill(note);
  await form.getByRole("button", { name: "Record the outcome" }).click();
  await settled(page);
}
