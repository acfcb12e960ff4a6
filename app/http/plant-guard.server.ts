import { data } from "@remix-run/node";
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
