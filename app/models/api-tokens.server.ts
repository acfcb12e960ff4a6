import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { ROLE_LABELS, type Role } from "~/domain/vocabulary";
import { groupCodes, parseName, parseRole, requireManager, resolvePlants } from "~/models/accounts.server";
import { recordAudit } from "~/models/audit.server";
import { newTokenSecret } from "~/models/sessions.server";
import type { AuditActor } from "~/utils/actor";
import { sha256 } from "~/utils/crypto.server";
import type { Executor } from "~/utils/db.server";
import { ActError } from "~/utils/errors";

// API tokens: what a program's other tools call the API with, in a role and on some plants. Every act is one
// transaction with its audit event; the secret is shown once and stored only as its sha256.

const TOKEN_PREFIX_LENGTH = 10;

export interface ApiTokenListing {
  id: number;
  name: string;
  prefix: string;
  role: string;
  plantCodes: string[];
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** How many API tokens there are, and how many of them are not revoked. */
export async function countApiTokens(db: Executor): Promise<{ total: number; usable: number }> {
  const row = await db
    .selectFrom("api_token")
    .select((eb) => [
      eb.fn.countAll<number>().as("total"),
      eb.fn.sum<number>(eb.case().when("revoked_at", "is", null).then(1).else(0).end()).as("usable"),
    ])
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), usable: Number(row.usable ?? 0) };
}

/** One page of the API tokens: usable ones first, newest first. */
export async function listApiTokens(db: Executor, page: { offset: number; limit: number }): Promise<ApiTokenListing[]> {
  const tokens = await db
    .selectFrom("api_token as t")
    .leftJoin("person as creator", "creator.id", "t.created_by")
    .leftJoin("person as revoker", "revoker.id", "t.revoked_by")
    .select([
      "t.id",
      "t.name",
      "t.prefix",
      "t.role",
      "t.created_at",
      "t.last_used_at",
      "t.revoked_at",
      "creator.name as created_by_name",
      "revoker.name as revoked_by_name",
    ])
    .orderBy("t.revoked_at", "asc")
    .orderBy("t.created_at", "desc")
    .orderBy("t.id", "desc")
    .offset(page.offset)
    .limit(page.limit)
    .execute();
  const scopes =
    tokens.length === 0
      ? []
      : await db
          .selectFrom("api_token_plant as tp")
          .innerJoin("plant", "plant.id", "tp.plant_id")
          .select(["tp.token_id", "plant.code"])
          .where(
            "tp.token_id",
            "in",
            tokens.map((token) => token.id)
          )
          .orderBy("plant.code")
          .execute();
  const codesByToken = groupCodes(scopes.map((row) => [row.token_id, row.code]));
  return tokens.map((row) => ({
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    plantCodes: codesByToken.get(row.id) ?? [],
    createdAt: row.created_at,
    createdBy: row.created_by_name,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by_name,
  }));
}

export interface CreateApiTokenInput {
  name: string;
  role: string;
  /** Plant codes the token is limited to; required for a plant engineer's token, optional otherwise. */
  plants: readonly string[];
}

export interface CreatedApiToken {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  plantCodes: string[];
  /** The only time the secret exists outside the caller's hands: it is stored as its sha256. */
  secret: string;
}

export async function createApiToken(
  db: Kysely<Database>,
  actor: AuditActor,
  input: CreateApiTokenInput
): Promise<CreatedApiToken> {
  requireManager(actor, "manage:tokens");
  const name = parseName(input.name, "a name for the token");
  const role = parseRole(input.role);
  const secret = newTokenSecret();
  const prefix = secret.slice(0, TOKEN_PREFIX_LENGTH);
  const now = new Date().toISOString();
  return db.transaction().execute(async (tx) => {
    const plants = await resolvePlants(tx, input.plants);
    if (role === "plant_engineer" && plants.length === 0) {
      throw new ActError(400, "Limit a plant engineer's token to at least one plant.", "plants");
    }
    const { id } = await tx
      .insertInto("api_token")
      .values({
        name,
        token_hash: sha256(secret),
        prefix,
        role,
        created_by: actor.personId,
        created_at: now,
        last_used_at: null,
        revoked_at: null,
        revoked_by: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (plants.length > 0) {
      await tx
        .insertInto("api_token_plant")
        .values(plants.map((plant) => ({ token_id: id, plant_id: plant.id })))
        .execute();
    }
    const plantCodes = plants.map((plant) => plant.code);
    await recordAudit(tx, actor, {
      action: "api_token.create",
      objectType: "api_token",
      objectId: id,
      plantId: null,
      summary: `API token “${name}” (${prefix}…) created as ${ROLE_LABELS[role].toLowerCase()}${
        plantCodes.length ? ` for ${plantCodes.join(", ")}` : ""
      }`,
      after: { name, prefix, role, plants: plantCodes },
    });
    return { id, name, prefix, role, plantCodes, secret };
  });
}

export async function revokeApiToken(
  db: Kysely<Database>,
  actor: AuditActor,
  input: { tokenId: number }
): Promise<void> {
  requireManager(actor, "manage:tokens");
  const now = new Date().toISOString();
  await db.transaction().execute(async (tx) => {
    const token = await tx
      .selectFrom("api_token")
      .select(["id", "name", "prefix", "role", "revoked_at"])
      .where("id", "=", input.tokenId)
      .executeTakeFirst();
    if (!token) throw new ActError(404, "There is no such API token.");
    if (token.revoked_at !== null) throw new ActError(409, `The API token “${token.name}” is already revoked.`);
    await tx
      .updateTable("api_token")
      .set({ revoked_at: now, revoked_by: actor.personId })
      .where("id", "=", token.id)
      .execute();
    await recordAudit(tx, actor, {
      action: "api_token.revoke",
      objectType: "api_token",
      objectId: token.id,
      plantId: null,
      summary: `API token “${token.name}” (${token.prefix}…) revoked`,
      before: { revokedAt: null },
      after: { revokedAt: now },
    });
  });
}
