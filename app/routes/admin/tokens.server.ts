import { createApiToken, revokeApiToken } from "~/models/api-tokens.server";
import type { Actor } from "~/utils/actor";
import { getDb } from "~/utils/db.server";
import { z } from "~/utils/zod";
import { adminAct, backTo, PlantCodes, Role, type AdminFields } from "./acts.server";

// The acts on API tokens: the machines that may call the API, in a role, on some plants or all.

const CreateTokenSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Name the token after what uses it.")
    .max(120, "Keep the name to 120 characters or fewer."),
  role: Role,
  plants: PlantCodes,
});

const RevokeTokenSchema = z.object({
  tokenId: z.coerce.number({ error: "Choose a token." }).int().positive("Choose a token."),
});

export function createTokenAct(request: Request, actor: Actor, fields: AdminFields) {
  return adminAct(request, "create-token", fields, CreateTokenSchema, null, async (input) => {
    const token = await createApiToken(getDb(), actor, input);
    // The secret is in this one response and nowhere else: not in a URL, not in a cookie, not in the database.
    return {
      created: {
        status: "created",
        intent: "create-token",
        token: { name: token.name, secret: token.secret, role: token.role, plantCodes: token.plantCodes },
      },
    };
  });
}

export function revokeTokenAct(request: Request, actor: Actor, fields: AdminFields) {
  return adminAct(request, "revoke-token", fields, RevokeTokenSchema, "tokenId", async (input) => {
    await revokeApiToken(getDb(), actor, input);
    return { message: "API token revoked. It no longer works.", location: backTo(request, "tokens-title") };
  });
}
