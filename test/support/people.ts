import { isOneOf, ROLES, type Role } from "../../app/domain/vocabulary";
import { personActor } from "../../app/models/sessions.server";
import type { Actor } from "../../app/utils/actor";
import type { DB } from "../../app/utils/db.server";
import { hashPassword } from "../../app/utils/password.server";

export const TEST_PASSWORD = "correct horse battery";

/** Inserts an active person with a password (and plant assignments), as an admin would create them. */
export async function createPerson(
  db: DB,
  input: { email: string; role: Role; name?: string; plantIds?: number[]; active?: boolean; password?: string }
): Promise<number> {
  const now = new Date().toISOString();
  const { id } = await db
    .insertInto("person")
    .values({
      email: input.email.toLowerCase(),
      name: input.name ?? input.email.split("@")[0]!,
      role: input.role,
      title: null,
      active: input.active === false ? 0 : 1,
      created_at: now,
      password_hash: await hashPassword(input.password ?? TEST_PASSWORD),
      password_changed_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const plantId of input.plantIds ?? []) {
    await db.insertInto("person_plant").values({ person_id: id, plant_id: plantId }).execute();
  }
  return id;
}

/** Signs in through the real `/login` form over HTTP and returns the session cookie to send back. */
export async function signInOverHttp(baseUrl: string, email: string, password = TEST_PASSWORD): Promise<string> {
  const response = await fetch(`${baseUrl}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseUrl },
    body: new URLSearchParams({ email, password }),
    redirect: "manual",
  });
  const cookie = response.headers.get("set-cookie");
  if (response.status !== 302 || !cookie) throw new Error(`Sign-in as ${email} failed with ${response.status}`);
  return cookie.split(";")[0]!;
}

/**
 * The person with this email as the actor of a model call, with their plants as they stand now (as a session of
 * theirs would be), labelled by their name alone.
 */
export async function actorFor(db: DB, email: string): Promise<Actor> {
  const person = await db
    .selectFrom("person")
    .select(["id", "name", "email", "role"])
    .where("email", "=", email)
    .executeTakeFirstOrThrow();
  if (!isOneOf(ROLES, person.role)) throw new Error(`${email} has an unknown role ${person.role}`);
  return personActor(db, { ...person, role: person.role }, person.name);
}
