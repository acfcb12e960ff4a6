import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { EMAIL_PATTERN, MAX_EMAIL_LENGTH } from "~/domain/accounts";
import { can, type Permission } from "~/domain/permissions";
import { accountFields } from "~/domain/revisions";
import { isOneOf, ROLE_LABELS, ROLES, type Role } from "~/domain/vocabulary";
import { recordAudit } from "~/models/audit.server";
import { revisionConflict, revisionTrail } from "~/models/revisions.server";
import type { Actor, AuditActor } from "~/utils/actor";
import type { Executor } from "~/utils/db.server";
import { ActError } from "~/utils/errors";
import { hashPassword, MIN_PASSWORD_LENGTH } from "~/utils/password.server";

// People's accounts: who may sign in, in which role, on which plants (API tokens: api-tokens.server.ts, with the
// checks shared from here). Every act is one transaction with its audit event. Password hashes never reach the
// audit trail.

export const MAX_PASSWORD_LENGTH = 200;
/** How many leading characters of a token are kept in clear, so people can tell their tokens apart. */
// ——— queries ———

export interface AccountListing {
  id: number;
  email: string;
  name: string;
  role: string;
  active: boolean;
  createdAt: string;
  passwordChangedAt: string | null;
  lastSignInAt: string | null;
  plantCodes: string[];
  /** Bumped by every edit of the name, role or plants; the edit form carries the one it showed. */
  revision: number;
}

/** How many accounts there are, and how many of them may sign in. */
export async function countAccounts(db: Executor): Promise<{ total: number; active: number }> {
  const row = await db
    .selectFrom("person")
    .select((eb) => [eb.fn.countAll<number>().as("total"), eb.fn.sum<number>("active").as("active")])
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), active: Number(row.active ?? 0) };
}

/** One page of the accounts, active ones first; or the one account `personId` names. */
export async function listAccounts(
  db: Executor,
  page: { offset: number; limit: number } | { personId: number }
): Promise<AccountListing[]> {
  let people = db
    .selectFrom("person as p")
    .select((eb) => [
      "p.id",
      "p.email",
      "p.name",
      "p.role",
      "p.active",
      "p.created_at",
      "p.password_changed_at",
      "p.revision",
      eb
        .selectFrom("session as s")
        .whereRef("s.person_id", "=", "p.id")
        .select((sub) => sub.fn.max("s.created_at").as("at"))
        .as("last_sign_in_at"),
    ])
    .orderBy("p.active", "desc")
    .orderBy("p.name")
    .orderBy("p.id");
  const assignments = db
    .selectFrom("person_plant as pp")
    .innerJoin("plant", "plant.id", "pp.plant_id")
    .select(["pp.person_id", "plant.code"])
    .orderBy("plant.code");
  if ("personId" in page) people = people.where("p.id", "=", page.personId);
  else people = people.offset(page.offset).limit(page.limit);
  const rows = await people.execute();
  const plants =
    rows.length === 0
      ? []
      : await assignments
          .where(
            "pp.person_id",
            "in",
            rows.map((row) => row.id)
          )
          .execute();
  const codesByPerson = groupCodes(plants.map((row) => [row.person_id, row.code]));
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    active: row.active === 1,
    createdAt: row.created_at,
    passwordChangedAt: row.password_changed_at,
    lastSignInAt: row.last_sign_in_at === null ? null : String(row.last_sign_in_at),
    plantCodes: codesByPerson.get(row.id) ?? [],
    revision: row.revision,
  }));
}

export async function getAccount(db: Executor, personId: number): Promise<AccountListing | null> {
  const [account] = await listAccounts(db, { personId });
  return account ?? null;
}

export interface PlantChoice {
  id: number;
  code: string;
  name: string;
}

/** Every plant, for assignment pickers. */
export async function listPlantChoices(db: Executor): Promise<PlantChoice[]> {
  return db.selectFrom("plant").select(["id", "code", "name"]).orderBy("code").execute();
}

export function groupCodes(pairs: Array<[number, string]>): Map<number, string[]> {
  const grouped = new Map<number, string[]>();
  for (const [id, code] of pairs) {
    const codes = grouped.get(id);
    if (codes) codes.push(code);
    else grouped.set(id, [code]);
  }
  return grouped;
}

// ——— acts ———

export interface CreateAccountInput {
  email: string;
  name: string;
  role: string;
  /** Plant codes; required for plant engineers, ignored for every other role. */
  plants: readonly string[];
  password: string;
}

export interface UpdateAccountInput {
  personId: number;
  /** The revision the admin saw; an edit based on an older one is refused (409) with the account as it stands. */
  expectedRevision: number;
  name: string;
  role: string;
  plants: readonly string[];
}

/**
 * People act through a role that must hold the permission; the system (command-line tools run by whoever
 * holds the server) acts without one.
 */
export function requireManager(actor: AuditActor, permission: Permission): void {
  if (isPrincipal(actor) && !can(actor, permission)) {
    throw new ActError(
      403,
      `Your role (${ROLE_LABELS[actor.role].toLowerCase()}) may not manage ${
        permission === "manage:tokens" ? "API tokens" : "accounts"
      }.`
    );
  }
}

function isPrincipal(actor: AuditActor): actor is Actor {
  return "role" in actor;
}

function parseEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email === "") throw new ActError(400, "Enter an email address.", "email");
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(email))
    throw new ActError(400, "Enter an email address like name@example.com.", "email");
  return email;
}

export function parseName(raw: string, what: string): string {
  const name = raw.trim();
  if (name === "") throw new ActError(400, `Enter ${what}.`, "name");
  if (name.length > 120) throw new ActError(400, "Keep the name to 120 characters or fewer.", "name");
  return name;
}

export function parseRole(raw: string): Role {
  if (!isOneOf(ROLES, raw)) throw new ActError(400, `Choose a role: ${ROLES.join(", ")}.`, "role");
  return raw;
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ActError(400, `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`, "password");
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new ActError(400, `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`, "password");
  }
}

/** Resolves plant codes to plants, refusing unknown codes by name. */
export async function resolvePlants(db: Executor, rawCodes: readonly string[]): Promise<PlantChoice[]> {
  const codes = [...new Set(rawCodes.map((code) => code.trim().toUpperCase()).filter((code) => code !== ""))];
  if (codes.length === 0) return [];
  const plants = await db
    .selectFrom("plant")
    .select(["id", "code", "name"])
    .where("code", "in", codes)
    .orderBy("code")
    .execute();
  const unknown = codes.filter((code) => !plants.some((plant) => plant.code === code));
  if (unknown.length > 0) {
    throw new ActError(400, `No plant has the code${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}.`, "plants");
  }
  return plants;
}

async function replacePlantAssignments(tx: Transaction<Database>, personId: number, plants: PlantChoice[]) {
  await tx.deleteFrom("person_plant").where("person_id", "=", personId).execute();
  if (plants.length > 0) {
    await tx
      .insertInto("person_plant")
      .values(plants.map((plant) => ({ person_id: personId, plant_id: plant.id })))
      .execute();
  }
}

async function countOtherActiveAdmins(tx: Transaction<Database>, personId: number): Promise<number> {
  const row = await tx
    .selectFrom("person")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("role", "=", "admin")
    .where("active", "=", 1)
    .where("id", "!=", personId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function revokeSessions(tx: Transaction<Database>, personId: number, at: string): Promise<number> {
  const result = await tx
    .updateTable("session")
    .set({ revoked_at: at })
    .where("person_id", "=", personId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

async function loadPerson(tx: Transaction<Database>, personId: number) {
  const person = await tx
    .selectFrom("person")
    .select(["id", "email", "name", "role", "active", "revision"])
    .where("id", "=", personId)
    .executeTakeFirst();
  if (!person) throw new ActError(404, "There is no such account.");
  const plants = await tx
    .selectFrom("person_plant as pp")
    .innerJoin("plant", "plant.id", "pp.plant_id")
    .select("plant.code")
    .where("pp.person_id", "=", personId)
    .orderBy("plant.code")
    .execute();
  return { ...person, plantCodes: plants.map((plant) => plant.code) };
}

function accountSnapshot(person: {
  email: string;
  name: string;
  role: string;
  active: number | boolean;
  plantCodes: string[];
}) {
  return {
    email: person.email,
    name: person.name,
    role: person.role,
    active: Boolean(person.active),
    plants: person.plantCodes,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "SQLITE_CONSTRAINT_UNIQUE";
}

/** Plant engineers need their plants; every other role reaches plants through its role, so none are kept. */
async function assignmentsFor(db: Executor, role: Role, codes: readonly string[]): Promise<PlantChoice[]> {
  if (role !== "plant_engineer") return [];
  const plants = await resolvePlants(db, codes);
  if (plants.length === 0) throw new ActError(400, "Assign a plant engineer to at least one plant.", "plants");
  return plants;
}

export async function createAccount(
  db: Kysely<Database>,
  actor: AuditActor,
  input: CreateAccountInput
): Promise<{ id: number }> {
  requireManager(actor, "manage:accounts");
  const email = parseEmail(input.email);
  const name = parseName(input.name, "the person's name");
  const role = parseRole(input.role);
  checkPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  const now = new Date().toISOString();
  try {
    return await db.transaction().execute(async (tx) => {
      const taken = await tx.selectFrom("person").select("id").where("email", "=", email).executeTakeFirst();
      if (taken) throw new ActError(409, `An account with the email ${email} already exists.`, "email");
      const plants = await assignmentsFor(tx, role, input.plants);
      const { id } = await tx
        .insertInto("person")
        .values({
          email,
          name,
          role,
          title: null,
          active: 1,
          created_at: now,
          password_hash: passwordHash,
          password_changed_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await replacePlantAssignments(tx, id, plants);
      const plantCodes = plants.map((plant) => plant.code);
      await recordAudit(tx, actor, {
        action: "account.create",
        objectType: "person",
        objectId: id,
        plantId: null,
        summary: `Account created for ${name} <${email}> as ${ROLE_LABELS[role].toLowerCase()}${
          plantCodes.length ? ` (${plantCodes.join(", ")})` : ""
        }`,
        after: accountSnapshot({ email, name, role, active: 1, plantCodes }),
      });
      return { id };
    });
  } catch (error) {
    // Another process may have taken the address between the check and the insert.
    if (isUniqueViolation(error))
      throw new ActError(409, `An account with the email ${email} already exists.`, "email");
    throw error;
  }
}

async function requireAccountRevision(
  tx: Transaction<Database>,
  actor: AuditActor,
  person: Awaited<ReturnType<typeof loadPerson>>,
  expectedRevision: number
): Promise<void> {
  if (person.revision === expectedRevision) return;
  const trail = await revisionTrail(
    tx,
    { type: "person", id: person.id, plantId: null, actions: ["account.update"] },
    expectedRevision
  );
  throw revisionConflict(
    actor,
    {
      label: `the account of ${person.name}`,
      revision: person.revision,
      current: accountFields({ name: person.name, role: person.role, plants: person.plantCodes }),
      // The audit records each replaced account in the shape of `accountSnapshot`.
      read: trail.basedOn
        ? accountFields(trail.basedOn as unknown as { name: string; role: string; plants: string[] })
        : null,
    },
    trail,
    expectedRevision,
    "edit"
  );
}

/** Returns whether anything changed; an edit that changes nothing records nothing. */
export async function updateAccount(
  db: Kysely<Database>,
  actor: AuditActor,
  input: UpdateAccountInput
): Promise<{ changed: boolean }> {
  requireManager(actor, "manage:accounts");
  const name = parseName(input.name, "the person's name");
  const role = parseRole(input.role);
  return db.transaction().execute(async (tx) => {
    const before = await loadPerson(tx, input.personId);
    await requireAccountRevision(tx, actor, before, input.expectedRevision);
    if (before.role !== role) {
      if (actor.personId === before.id) {
        throw new ActError(409, "You cannot change your own role; ask another admin to do it.", "role");
      }
      if (before.role === "admin" && before.active === 1 && (await countOtherActiveAdmins(tx, before.id)) === 0) {
        throw new ActError(409, `${before.name} is the last active admin; make someone else an admin first.`, "role");
      }
    }
    const plants = await assignmentsFor(tx, role, input.plants);
    const plantCodes = plants.map((plant) => plant.code);
    const unchanged =
      before.name === name && before.role === role && before.plantCodes.join(",") === plantCodes.join(",");
    if (unchanged) return { changed: false };
    const revision = before.revision + 1;
    await tx.updateTable("person").set({ name, role, revision }).where("id", "=", before.id).execute();
    await replacePlantAssignments(tx, before.id, plants);
    await recordAudit(tx, actor, {
      action: "account.update",
      objectType: "person",
      objectId: before.id,
      plantId: null,
      summary: `Account of ${name} <${before.email}> updated: ${ROLE_LABELS[role].toLowerCase()}${
        plantCodes.length ? ` (${plantCodes.join(", ")})` : ""
      }`,
      before: { revision: before.revision, ...accountSnapshot(before) },
      after: { revision, ...accountSnapshot({ ...before, name, role, plantCodes }) },
    });
    return { changed: true };
  });
}

export async function setActive(
  db: Kysely<Database>,
  actor: AuditActor,
  input: { personId: number; active: boolean }
): Promise<{ revokedSessions: number }> {
  requireManager(actor, "manage:accounts");
  const now = new Date().toISOString();
  return db.transaction().execute(async (tx) => {
    const before = await loadPerson(tx, input.personId);
    if ((before.active === 1) === input.active) {
      throw new ActError(409, `The account of ${before.name} is already ${input.active ? "active" : "deactivated"}.`);
    }
    let revokedSessions = 0;
    if (!input.active) {
      if (actor.personId === before.id) throw new ActError(409, "You cannot deactivate your own account.");
      if (before.role === "admin" && (await countOtherActiveAdmins(tx, before.id)) === 0) {
        throw new ActError(409, `${before.name} is the last active admin and cannot be deactivated.`);
      }
      revokedSessions = await revokeSessions(tx, before.id, now);
    }
    await tx
      .updateTable("person")
      .set({ active: input.active ? 1 : 0 })
      .where("id", "=", before.id)
      .execute();
    await recordAudit(tx, actor, {
      action: input.active ? "account.reactivate" : "account.deactivate",
      objectType: "person",
      objectId: before.id,
      plantId: null,
      summary: input.active
        ? `Account of ${before.name} <${before.email}> reactivated`
        : `Account of ${before.name} <${before.email}> deactivated; ${revokedSessions} session${
            revokedSessions === 1 ? "" : "s"
          } revoked`,
      before: { active: before.active === 1 },
      after: { active: input.active, ...(input.active ? {} : { revokedSessions }) },
    });
    return { revokedSessions };
  });
}

export async function resetPassword(
  db: Kysely<Database>,
  actor: AuditActor,
  input: { personId: number; password: string }
): Promise<{ revokedSessions: number }> {
  requireManager(actor, "manage:accounts");
  checkPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  const now = new Date().toISOString();
  return db.transaction().execute(async (tx) => {
    const person = await loadPerson(tx, input.personId);
    await tx
      .updateTable("person")
      .set({ password_hash: passwordHash, password_changed_at: now })
      .where("id", "=", person.id)
      .execute();
    // Whoever knew the old password may hold a session: all of them end with it.
    const revokedSessions = await revokeSessions(tx, person.id, now);
    await recordAudit(tx, actor, {
      action: "account.reset_password",
      objectType: "person",
      objectId: person.id,
      plantId: null,
      summary: `Password of ${person.name} <${person.email}> reset; ${revokedSessions} session${
        revokedSessions === 1 ? "" : "s"
      } revoked`,
      after: { passwordChangedAt: now, revokedSessions },
    });
    return { revokedSessions };
  });
}
