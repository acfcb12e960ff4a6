import type { DB } from "../../app/utils/db.server";
import { createPerson } from "./people";
import { insertPlant } from "./plants";

/** The plant {@link addStuckPlant} adds: held back longer than any plant of the demo program. */
export const STUCK_PLANT = {
  code: "ZZS",
  engineer: "Quinn Oldfield",
  engineerEmail: "eng.zzs@demo.test",
  /** Days since the plant joined the program: its inventory blocker's age. */
  days: 400,
  criterion: "INV-ASSETS",
  title: "Every asset has kind, vendor/model and criticality",
} as const;

/**
 * A plant that joined the program STUCK_PLANT.days ago and has no asset yet (its inventory gate is blocked by
 * INV-ASSETS since then), with one assigned plant engineer. Written before the server starts.
 */
export async function addStuckPlant(db: DB): Promise<number> {
  const plantId = await insertPlant(db, STUCK_PLANT.code, "America/Chicago");
  const joined = new Date(Date.now() - STUCK_PLANT.days * 86_400_000).toISOString();
  await db
    .updateTable("plant")
    .set({ name: "Zanesville Stamping", created_at: joined })
    .where("id", "=", plantId)
    .execute();
  await createPerson(db, {
    email: STUCK_PLANT.engineerEmail,
    role: "plant_engineer",
    name: STUCK_PLANT.engineer,
    plantIds: [plantId],
  });
  return plantId;
}
