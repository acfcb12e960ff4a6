import type { Role } from "~/domain/vocabulary";
import type { Executor } from "~/utils/db.server";

// Who signs a plant's gate review: the plant's assigned engineers, corporate security (the monitoring owners of its
// conduits, or the whole team while none is named) and the program's leads, each with their title.

export interface Signatory {
  name: string;
  title: string | null;
  role: Role;
}

/** The people whose signature the review of a plant's gate asks for, in the order the page lists them. */
export async function reviewSignatories(db: Executor, plantId: number): Promise<Signatory[]> {
  const [engineers, owners, program] = await Promise.all([
    db
      .selectFrom("person_plant as pp")
      .innerJoin("person as p", "p.id", "pp.person_id")
      .select(["p.name", "p.title", "p.role"])
      .where("pp.plant_id", "=", plantId)
      .where("p.role", "=", "plant_engineer")
      .where("p.active", "=", 1)
      .orderBy("p.name")
      .execute(),
    db
      .selectFrom("conduit as c")
      .innerJoin("person as p", "p.id", "c.monitoring_owner_id")
      .select(["p.name", "p.title", "p.role"])
      .distinct()
      .where("c.plant_id", "=", plantId)
      .where("p.active", "=", 1)
      .orderBy("p.name")
      .execute(),
    db
      .selectFrom("person as p")
      .select(["p.name", "p.title", "p.role"])
      .where("p.role", "in", ["corporate_security", "program_lead"])
      .where("p.active", "=", 1)
      .orderBy("p.name")
      .execute(),
  ]);
  const security = owners.length > 0 ? owners : program.filter((p) => p.role === "corporate_security");
  const leads = program.filter((p) => p.role === "program_lead");
  return [...engineers, ...security, ...leads];
}
