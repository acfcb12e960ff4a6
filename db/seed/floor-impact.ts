import type { Kysely } from "kysely";
import type { Database } from "../schema";
import type { SeedSummary } from "./demo-program";
import { personActor } from "../../app/models/sessions.server";
import { createWindow } from "../../app/models/outage-windows.server";
import { scheduleChange } from "../../app/models/network-changes.server";
import { ActError } from "../../app/utils/errors";

// A cutover the demo's captured traffic says would block something: the capture's conduit (its telnet session is a
// flow its allowed flows do not permit) is to move to a new firewall pair, scheduled by the plant's engineer into a
// confirmed night ahead through the same acts as the windows page. Its predicted blocked flow is left for the
// conduit's design owner to acknowledge. It runs after the seed's transaction and the capture's ingest.

const DAY_MS = 86_400_000;

/** Schedules the cutover (with its window) and counts both in the seed's summary; the change's id, or null. */
export async function seedFloorImpact(
  db: Kysely<Database>,
  now: Date,
  summary: Pick<SeedSummary, "windows" | "changes">
): Promise<number | null> {
  const conduit = await db
    .selectFrom("flow_hour as f")
    .innerJoin("evidence_ingest as i", "i.id", "f.ingest_id")
    .innerJoin("conduit as c", "c.id", "f.conduit_id")
    .select(["c.id", "c.name", "c.plant_id", "c.design_owner_id"])
    .where("i.state", "=", "published")
    .where("f.wrong", "=", 1)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("network_change as n")
            .select("n.id")
            .whereRef("n.conduit_id", "=", "c.id")
            .where("n.status", "in", ["scheduled", "needs_window"])
        )
      )
    )
    .orderBy("c.id")
    .executeTakeFirst();
  if (!conduit) return null;
  const engineer = await db
    .selectFrom("person as p")
    .innerJoin("person_plant as pp", "pp.person_id", "p.id")
    .select(["p.id", "p.name", "p.email", "p.role"])
    .where("pp.plant_id", "=", conduit.plant_id)
    .where("p.role", "=", "plant_engineer")
    .where("p.active", "=", 1)
    .orderBy((eb) =>
      eb
        .case()
        .when("p.id", "=", conduit.design_owner_id ?? -1)
        .then(0)
        .else(1)
        .end()
    )
    .orderBy("p.id")
    .executeTakeFirst();
  if (!engineer) return null;
  const actor = await personActor(db, { ...engineer, role: "plant_engineer" });
  // The first night ahead, from ten days on, that takes a window and the cutover (clear of the plant's blackouts).
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (let day = 10; day < 40; day++) {
    const startsAt = new Date(midnight + day * DAY_MS + 5 * 3_600_000).toISOString();
    const endsAt = new Date(midnight + day * DAY_MS + 9 * 3_600_000).toISOString();
    try {
      const window = await createWindow(
        db,
        actor,
        {
          plantId: conduit.plant_id,
          title: "Firewall pair migration night",
          kind: "scheduled_outage",
          status: "confirmed",
          startsAt,
          endsAt,
          notes: "Line stopped for the firewall pair migration.",
          confirmOverlap: true,
        },
        now
      );
      const change = await scheduleChange(
        db,
        actor,
        {
          plantId: conduit.plant_id,
          windowId: window.id,
          kind: "conduit_cutover",
          title: `Move “${conduit.name}” to the new firewall pair`,
          conduitId: conduit.id,
          plannedStart: startsAt,
          plannedMinutes: 90,
        },
        now
      );
      summary.windows += 1;
      summary.changes += 1;
      return change.id;
    } catch (error) {
      if (!(error instanceof ActError)) throw error;
    }
  }
  return null;
}
