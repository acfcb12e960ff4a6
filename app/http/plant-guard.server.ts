import { data } from "@remix-run/node";
import { requirePermission, requireUser } from "~/http/auth.server";
import { findPlantRef, getPlantByCode } from "~/models/plants.server";
import { getDb } from "~/utils/db.server";

/** The plant named in the URL, or a 404 that says which code is unknown. */
export async function requirePlant(rawCode: string | undefined) {
  const code = (rawCode ?? "").toUpperCase();
  const plant = /^[A-Z0-9-]{1,16}$/.test(code) ? await getPlantByCode(getDb(), code) : null;
  if (!plant) throw data(`No plant in the program has the code “${rawCode ?? ""}”.`, { status: 404 });
  return plant;
}

export interface PlantRef {
  id: number;
  code: string;
  time_zone: string;
}

/** The plant a code names (any case), or undefined; for API answers that refuse in JSON rather than a page. */
export async function findPlant(rawCode: string | undefined): Promise<PlantRef | undefined> {
  const code = (rawCode ?? "").toUpperCase();
  if (!/^[A-Z0-9-]{1,16}$/.test(code)) return undefined;
  return findPlantRef(getDb(), code);
}

/**
 * The signed-in reader and the plant in the URL, for a page of a plant's detail (its inventory, staged hosts, wrong
 * flows, history): engineers read those of their own plants, as the plant page in full; others are refused.
 */
export async function requirePlantDetail(request: Request, rawCode: string | undefined) {
  const user = await requireUser(request);
  const plant = await requirePlant(rawCode);
  requirePermission(user, "read:plant", plant.id);
  return { user, plant };
}

/**
 * What an act posted to a plant's page starts from: the signed-in user, the plant in the URL and the posted form.
 * Each act authorizes itself (its intent handler or model), so a form of another plant's page is refused there.
 */
export async function plantAct(request: Request, rawCode: string | undefined) {
  const user = await requireUser(request);
  const plant = await requirePlant(rawCode);
  const form = Object.fromEntries(await request.formData());
  return { db: getDb(), user, plant, form };
}
