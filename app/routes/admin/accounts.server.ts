import { EmailSchema, PersonNameSchema } from "~/domain/accounts";
import { createAccount, MAX_PASSWORD_LENGTH, resetPassword, setActive, updateAccount } from "~/models/accounts.server";
import type { Actor } from "~/utils/actor";
import { getDb } from "~/utils/db.server";
import { MIN_PASSWORD_LENGTH } from "~/utils/password.server";
import { revisionField } from "~/utils/revision-forms";
import { z } from "~/utils/zod";
import { adminAct, backTo, PlantCodes, Role, type AdminFields } from "./acts.server";

// The acts on accounts: who may sign in, in which role and on which plants (each authorized, audited and committed
// in one transaction by the model).

const PersonId = z.coerce.number({ error: "Choose an account." }).int().positive("Choose an account.");
const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`)
  .max(MAX_PASSWORD_LENGTH, `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`);

const CreateAccountSchema = z.object({
  email: EmailSchema,
  name: PersonNameSchema,
  role: Role,
  plants: PlantCodes,
  password: Password,
});

const UpdateAccountSchema = z.object({
  personId: PersonId,
  name: PersonNameSchema,
  role: Role,
  plants: PlantCodes,
  revision: revisionField,
});

const SetActiveSchema = z.object({
  personId: PersonId,
  active: z.enum(["0", "1"], { error: "Choose whether the account is active." }),
});

const ResetPasswordSchema = z.object({ personId: PersonId, password: Password });

export function createAccountAct(request: Request, actor: Actor, fields: AdminFields) {
  return adminAct(request, "create-account", fields, CreateAccountSchema, null, async (account) => {
    await createAccount(getDb(), actor, account);
    return {
      message: `Account created for ${account.email
        .trim()
        .toLowerCase()}. The person can now sign in with the initial password you gave them.`,
      location: backTo(request, "create-account"),
    };
  });
}

export function updateAccountAct(request: Request, actor: Actor, fields: AdminFields) {
  return adminAct(request, "update-account", fields, UpdateAccountSchema, "personId", async (input) => {
    const { revision, ...account } = input;
    const { changed } = await updateAccount(getDb(), actor, { ...account, expectedRevision: revision });
    return {
      message: changed ? "Account updated." : "Nothing to save: the account already had those details.",
      location: backTo(request, "edit-account", account.personId),
    };
  });
}

export function setActiveAct(request: Request, actor: Actor, fields: AdminFields) {
  return adminAct(request, "set-active", fields, SetActiveSchema, "personId", async ({ personId, active }) => {
    await setActive(getDb(), actor, { personId, active: active === "1" });
    return {
      message:
        active === "1"
          ? "Account reactivated. The person can sign in again."
          : "Account deactivated. Its sessions have ended and it can no longer sign in.",
      location: backTo(request, "edit-account", personId),
    };
  });
}

export function resetPasswordAct(request: Request, actor: Actor, fields: AdminFields) {
  return adminAct(request, "reset-password", fields, ResetPasswordSchema, "personId", async (input) => {
    await resetPassword(getDb(), actor, input);
    return {
      message: "Password reset. Every session of that account has ended.",
      location: backTo(request, "edit-account", input.personId),
    };
  });
}
