import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useLocation,
  useNavigation,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import { z } from "~/utils/zod";
import { IgnoredParams } from "~/components/IgnoredParams";
import { EmailSchema, PersonNameSchema } from "~/domain/accounts";
import { RevisionChanges } from "~/components/RevisionConflict";
import { can } from "~/domain/permissions";
import { parseId, requestedWindow } from "~/domain/listing";
import { Pager } from "~/components/Pager";
import { formatLocal } from "~/domain/time";
import { labelFor, ROLE_LABELS, ROLES } from "~/domain/vocabulary";
import {
  createAccount,
  createApiToken,
  getAccount,
  countAccounts,
  countApiTokens,
  listAccounts,
  listApiTokens,
  listPlantChoices,
  MAX_PASSWORD_LENGTH,
  resetPassword,
  revokeApiToken,
  setActive,
  updateAccount,
  type PlantChoice,
} from "~/models/accounts.server";
import { requirePermission, requireUserWith } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { ActError, RevisionConflictError, type RevisionConflict } from "~/utils/errors";
import { MIN_PASSWORD_LENGTH } from "~/utils/password.server";
import { revisionField } from "~/utils/revision-forms";

const PersonId = z.coerce.number({ error: "Choose an account." }).int().positive("Choose an account.");
const Name = PersonNameSchema;
const Role = z.enum(ROLES, { error: "Choose a role." });
const PlantCodes = z.array(z.string().trim().toUpperCase().max(16, "That is not a plant code.")).max(1000);
const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`)
  .max(MAX_PASSWORD_LENGTH, `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`);

const CreateAccountSchema = z.object({
  email: EmailSchema,
  name: Name,
  role: Role,
  plants: PlantCodes,
  password: Password,
});

const UpdateAccountSchema = z.object({
  personId: PersonId,
  name: Name,
  role: Role,
  plants: PlantCodes,
  revision: revisionField,
});

const SetActiveSchema = z.object({
  personId: PersonId,
  active: z.enum(["0", "1"], { error: "Choose whether the account is active." }),
});

const ResetPasswordSchema = z.object({ personId: PersonId, password: Password });

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

const INTENTS = [
  "create-account",
  "update-account",
  "set-active",
  "reset-password",
  "create-token",
  "revoke-token",
] as const;
type Intent = (typeof INTENTS)[number];
/** Forms shown only in one account's edit panel. */
const ACCOUNT_INTENTS: readonly Intent[] = ["update-account", "set-active", "reset-password"];
const HIDDEN_FIELDS = ["personId", "tokenId", "active", "revision"] as const;
const STALE_FORM = "The form was not recognized; reload the page and try again.";

/** Confirmations after a redirect: the address names one of these, never the text itself. */
const DONE_MESSAGES = {
  "account-created": "Account created. The person can now sign in with the initial password you gave them.",
  "account-updated": "Account updated.",
  "account-unchanged": "Nothing to save: the account already had those details.",
  "account-deactivated": "Account deactivated. Its sessions have ended and it can no longer sign in.",
  "account-reactivated": "Account reactivated. The person can sign in again.",
  "password-reset": "Password reset. Every session of that account has ended.",
  "token-revoked": "API token revoked. It no longer works.",
} as const;

/** Accounts and tokens are listed a page at a time: a company's directory may hold thousands. */
const ADMIN_PAGE_SIZE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, "manage:accounts");
  const params = new URL(request.url).searchParams;
  const ignored: string[] = [];
  const done = params.get("done");
  const doneMessage =
    done !== null && Object.hasOwn(DONE_MESSAGES, done) ? DONE_MESSAGES[done as keyof typeof DONE_MESSAGES] : null;
  const db = getDb();
  const editId = parseId(params, "edit", ignored);
  const canManageTokens = can(user, "manage:tokens");
  const [accountCounts, tokenCounts] = await Promise.all([countAccounts(db), countApiTokens(db)]);
  const accountsWindow = requestedWindow(params, ignored, accountCounts.total, ADMIN_PAGE_SIZE);
  const tokensWindow = requestedWindow(params, ignored, tokenCounts.total, ADMIN_PAGE_SIZE, "tokensPage");
  const [accounts, plants, tokens, editing] = await Promise.all([
    listAccounts(db, accountsWindow),
    listPlantChoices(db),
    canManageTokens ? listApiTokens(db, tokensWindow) : Promise.resolve(null),
    editId === null ? Promise.resolve(null) : getAccount(db, editId),
  ]);
  if (editId !== null && !editing) ignored.push(`edit “${editId}” is not an account; nothing to edit`);
  // The rule travels with the data: a `.server` module's constants are empty in the browser bundle.
  return {
    selfId: user.personId,
    accounts: { rows: accounts, window: accountsWindow, ...accountCounts },
    plants,
    tokens: tokens ? { rows: tokens, window: tokensWindow, ...tokenCounts } : null,
    editing,
    doneMessage,
    ignored,
    minPasswordLength: MIN_PASSWORD_LENGTH,
  };
}

type FieldErrors = Partial<Record<string, string[]>>;

function formFields(form: FormData): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of form) if (typeof value === "string" && key !== "plants") fields[key] = value;
  fields.plants = form.getAll("plants").filter((value): value is string => typeof value === "string");
  return fields;
}

/** What a refused form gets back: its errors, and what was typed (never a password) to fill it again. */
function refused(
  intent: Intent | null,
  targetId: number | null,
  fields: Record<string, unknown>,
  status: 400 | 403 | 404 | 409,
  problem: { fieldErrors?: FieldErrors; formError?: string; conflict?: RevisionConflict }
) {
  const values = {
    email: typeof fields.email === "string" ? fields.email : "",
    name: typeof fields.name === "string" ? fields.name : "",
    role: typeof fields.role === "string" ? fields.role : "",
    plants: Array.isArray(fields.plants) ? fields.plants.filter((v): v is string => typeof v === "string") : [],
  };
  return data(
    {
      ok: false as const,
      intent,
      targetId,
      fieldErrors: problem.fieldErrors ?? {},
      formError: problem.formError ?? null,
      conflict: problem.conflict ?? null,
      values,
      token: null,
    },
    { status }
  );
}

function idOf(fields: Record<string, unknown>, key: string): number | null {
  const value = Number(fields[key]);
  return Number.isInteger(value) && value > 0 ? value : null;
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireUserWith(request, "manage:accounts");
  const fields = formFields(await request.formData());
  const intent = INTENTS.find((known) => known === fields.intent) ?? null;
  const targetId = idOf(fields, intent === "revoke-token" ? "tokenId" : "personId");
  const db = getDb();

  const invalid = (error: z.ZodError) => {
    const fieldErrors = z.flattenError(error).fieldErrors as FieldErrors;
    // Hidden fields have nowhere to show an error: only a changed or stale page gets them wrong.
    const tampered = HIDDEN_FIELDS.some((field) => fieldErrors[field]);
    return refused(intent, targetId, fields, 400, tampered ? { formError: STALE_FORM } : { fieldErrors });
  };

  try {
    switch (intent) {
      case "create-account": {
        const parsed = CreateAccountSchema.safeParse(fields);
        if (!parsed.success) return invalid(parsed.error);
        await createAccount(db, actor, parsed.data);
        throw redirect("/admin?done=account-created");
      }
      case "update-account": {
        const parsed = UpdateAccountSchema.safeParse(fields);
        if (!parsed.success) return invalid(parsed.error);
        const { revision, ...account } = parsed.data;
        const { changed } = await updateAccount(db, actor, { ...account, expectedRevision: revision });
        throw redirect(`/admin?done=${changed ? "account-updated" : "account-unchanged"}`);
      }
      case "set-active": {
        const parsed = SetActiveSchema.safeParse(fields);
        if (!parsed.success) return invalid(parsed.error);
        const active = parsed.data.active === "1";
        await setActive(db, actor, { personId: parsed.data.personId, active });
        throw redirect(`/admin?done=${active ? "account-reactivated" : "account-deactivated"}`);
      }
      case "reset-password": {
        const parsed = ResetPasswordSchema.safeParse(fields);
        if (!parsed.success) return invalid(parsed.error);
        await resetPassword(db, actor, parsed.data);
        throw redirect("/admin?done=password-reset");
      }
      case "create-token": {
        requirePermission(actor, "manage:tokens");
        const parsed = CreateTokenSchema.safeParse(fields);
        if (!parsed.success) return invalid(parsed.error);
        const token = await createApiToken(db, actor, parsed.data);
        // The secret is in this one response and nowhere else: not in a URL, not in the database.
        return data({
          ok: true as const,
          intent,
          targetId: token.id,
          fieldErrors: {} as FieldErrors,
          formError: null,
          values: null,
          token: { name: token.name, secret: token.secret, role: token.role, plantCodes: token.plantCodes },
        });
      }
      case "revoke-token": {
        requirePermission(actor, "manage:tokens");
        const parsed = RevokeTokenSchema.safeParse(fields);
        if (!parsed.success) return invalid(parsed.error);
        await revokeApiToken(db, actor, parsed.data);
        throw redirect("/admin?done=token-revoked");
      }
      case null:
        return refused(null, null, fields, 400, { formError: STALE_FORM });
    }
  } catch (error) {
    if (error instanceof RevisionConflictError) {
      return refused(intent, targetId, fields, 409, { formError: error.message, conflict: error.conflict });
    }
    if (!(error instanceof ActError)) throw error;
    return refused(
      intent,
      targetId,
      fields,
      error.status,
      error.field ? { fieldErrors: { [error.field]: [error.message] } } : { formError: error.message }
    );
  }
}

export default function Admin() {
  const { selfId, accounts, plants, tokens, editing, doneMessage, ignored, minPasswordLength } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  // Forms remount on every navigation: emptied after a success, refilled from what was sent after a refusal.
  const { key: locationKey } = useLocation();
  const busy = navigation.state === "submitting";
  const problemsFor = (intent: Intent, targetId: number | null = null) =>
    result && !result.ok && result.intent === intent && (targetId === null || result.targetId === targetId)
      ? result
      : null;
  // A refusal whose form is not on the page (unknown intent, or an account that is not being edited) shows on top.
  const unplaced =
    result &&
    !result.ok &&
    (result.intent === null || (ACCOUNT_INTENTS.includes(result.intent) && editing?.id !== result.targetId))
      ? result.formError ?? Object.values(result.fieldErrors).find((messages) => messages?.length)?.[0] ?? null
      : null;

  const createProblems = problemsFor("create-account");
  const tokenProblems = problemsFor("create-token");
  const revokeProblems = problemsFor("revoke-token");
  const newToken = result?.ok ? result.token : null;

  return (
    <>
      <div className="page-head">
        <div>
          <p className="eyebrow">Administration</p>
          <h1>Accounts and API tokens</h1>
          <p className="lede">
            Who may sign in, in which role and on which plants; and which machines may call the API.
          </p>
        </div>
      </div>

      {doneMessage ? (
        <p className="form-success" role="status">
          {doneMessage}
        </p>
      ) : null}
      {unplaced ? (
        <p className="form-error" role="alert">
          {unplaced}
        </p>
      ) : null}
      <IgnoredParams ignored={ignored} />

      {editing ? (
        <EditAccount
          key={`${editing.id}-${locationKey}`}
          account={editing}
          plants={plants}
          isSelf={editing.id === selfId}
          minPasswordLength={minPasswordLength}
          busy={busy}
          update={problemsFor("update-account", editing.id)}
          activation={problemsFor("set-active", editing.id)}
          reset={problemsFor("reset-password", editing.id)}
        />
      ) : null}

      <section aria-labelledby="accounts-title">
        <h2 id="accounts-title">Accounts</h2>
        <div className="table-wrap">
          <table>
            <caption>
              {plural(accounts.total, "account")} · {accounts.active.toLocaleString("en-US")} active
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Plants</th>
                <th scope="col">Status</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {accounts.rows.map((account) => (
                <tr key={account.id}>
                  <td>
                    {account.name}
                    {account.id === selfId ? <span className="muted"> (you)</span> : null}
                  </td>
                  <td className="mono">{account.email}</td>
                  <td>{labelFor(ROLE_LABELS, account.role)}</td>
                  <td>
                    {account.plantCodes.length ? account.plantCodes.join(", ") : <span className="muted">—</span>}
                  </td>
                  <td>
                    {account.active ? (
                      <span className="badge ok">Active</span>
                    ) : (
                      <span className="badge bad">Deactivated</span>
                    )}
                  </td>
                  <td>
                    {account.lastSignInAt ? (
                      formatLocal(account.lastSignInAt, "UTC")
                    ) : (
                      <span className="muted">Never</span>
                    )}
                  </td>
                  <td>
                    <Link to={`/admin?edit=${account.id}#edit-account`}>
                      Edit<span className="visually-hidden"> {account.name}</span>
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {accounts.total > accounts.window.limit ? (
          <Pager
            {...accounts.window}
            total={accounts.total}
            shown={accounts.rows.length}
            noun="accounts"
            anchor="accounts-title"
          />
        ) : null}
      </section>

      <section className="panel admin-form" aria-labelledby="create-account-title">
        <h2 id="create-account-title">Create an account</h2>
        {createProblems?.formError ? (
          <p className="form-error" role="alert">
            {createProblems.formError}
          </p>
        ) : null}
        <Form key={locationKey} method="post" action="/admin" className="stacked">
          <input type="hidden" name="intent" value="create-account" />
          <TextField
            id="new-email"
            name="email"
            label="Email"
            type="email"
            autoComplete="off"
            defaultValue={createProblems?.values?.email}
            errors={createProblems?.fieldErrors.email}
          />
          <TextField
            id="new-name"
            name="name"
            label="Name"
            autoComplete="off"
            defaultValue={createProblems?.values?.name}
            errors={createProblems?.fieldErrors.name}
          />
          <RoleSelect
            id="new-role"
            defaultValue={createProblems?.values?.role}
            errors={createProblems?.fieldErrors.role}
          />
          <PlantPicker
            id="new-plants"
            legend="Plants"
            hint="For plant engineers: the plants they work on (at least one). Other roles reach plants through their role."
            plants={plants}
            selected={createProblems?.values?.plants ?? []}
            errors={createProblems?.fieldErrors.plants}
          />
          <TextField
            id="new-password"
            name="password"
            label="Initial password"
            type="password"
            autoComplete="new-password"
            minLength={minPasswordLength}
            hint={`At least ${minPasswordLength} characters. Hand it over in person or by phone, never in the same message as the email.`}
            errors={createProblems?.fieldErrors.password}
          />
          <button type="submit" disabled={busy}>
            Create account
          </button>
        </Form>
      </section>

      {tokens ? (
        <section aria-labelledby="tokens-title">
          <h2 id="tokens-title">API tokens</h2>
          <p className="lede">
            Sensors and scripts call the API with <code className="mono">Authorization: Bearer …</code>. A token acts in
            its role, only on the plants it names when it names any.
          </p>

          {newToken ? (
            <div className="panel new-token" role="status" aria-labelledby="new-token-title">
              <h3 id="new-token-title">New token “{newToken.name}”</h3>
              <p>
                <strong>Copy it now: it will not be shown again.</strong> Only its hash is stored; if it is lost, revoke
                it and create another.
              </p>
              <label htmlFor="new-token-secret">Token</label>
              <input id="new-token-secret" className="mono token-secret" type="text" readOnly value={newToken.secret} />
            </div>
          ) : null}
          {revokeProblems?.formError ? (
            <p className="form-error" role="alert">
              {revokeProblems.formError}
            </p>
          ) : null}

          <div className="table-wrap">
            <table>
              <caption>
                {plural(tokens.total, "token")} · {tokens.usable.toLocaleString("en-US")} usable
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Prefix</th>
                  <th scope="col">Role</th>
                  <th scope="col">Plants</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.total === 0 ? (
                  <tr>
                    <td colSpan={8} className="muted">
                      No API tokens yet.
                    </td>
                  </tr>
                ) : null}
                {tokens.rows.map((token) => (
                  <tr key={token.id}>
                    <td>{token.name}</td>
                    <td className="mono">{`${token.prefix}…`}</td>
                    <td>{labelFor(ROLE_LABELS, token.role)}</td>
                    <td>
                      {token.plantCodes.length ? (
                        token.plantCodes.join(", ")
                      ) : (
                        <span className="muted">All plants</span>
                      )}
                    </td>
                    <td>
                      {formatLocal(token.createdAt, "UTC")}
                      <div className="muted">{`by ${token.createdBy ?? "the system"}`}</div>
                    </td>
                    <td>
                      {token.lastUsedAt ? formatLocal(token.lastUsedAt, "UTC") : <span className="muted">Never</span>}
                    </td>
                    <td>
                      {token.revokedAt ? (
                        <>
                          <span className="badge bad">Revoked</span>
                          <div className="muted">{`${formatLocal(token.revokedAt, "UTC")}${
                            token.revokedBy ? ` by ${token.revokedBy}` : ""
                          }`}</div>
                        </>
                      ) : (
                        <span className="badge ok">Active</span>
                      )}
                    </td>
                    <td>
                      {token.revokedAt ? null : (
                        <Form method="post" action="/admin">
                          <input type="hidden" name="intent" value="revoke-token" />
                          <input type="hidden" name="tokenId" value={token.id} />
                          <button type="submit" className="secondary" disabled={busy}>
                            Revoke<span className="visually-hidden"> token {token.name}</span>
                          </button>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {tokens.total > tokens.window.limit ? (
            <Pager
              {...tokens.window}
              total={tokens.total}
              shown={tokens.rows.length}
              noun="tokens"
              param="tokensPage"
              anchor="tokens-title"
            />
          ) : null}

          <section className="panel admin-form" aria-labelledby="create-token-title">
            <h3 id="create-token-title">Create an API token</h3>
            {tokenProblems?.formError ? (
              <p className="form-error" role="alert">
                {tokenProblems.formError}
              </p>
            ) : null}
            <Form key={locationKey} method="post" action="/admin" className="stacked">
              <input type="hidden" name="intent" value="create-token" />
              <TextField
                id="token-name"
                name="name"
                label="Name"
                autoComplete="off"
                hint="What uses it, e.g. “sensor pipeline DAY”."
                defaultValue={tokenProblems?.values?.name}
                errors={tokenProblems?.fieldErrors.name}
              />
              <RoleSelect
                id="token-role"
                defaultValue={tokenProblems?.values?.role}
                errors={tokenProblems?.fieldErrors.role}
              />
              <PlantPicker
                id="token-plants"
                legend="Limit to plants"
                hint="Optional: none means every plant the role reaches. A plant engineer's token needs at least one."
                plants={plants}
                selected={tokenProblems?.values?.plants ?? []}
                errors={tokenProblems?.fieldErrors.plants}
              />
              <button type="submit" disabled={busy}>
                Create token
              </button>
            </Form>
          </section>
        </section>
      ) : null}
    </>
  );
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

interface Problems {
  fieldErrors: FieldErrors;
  formError: string | null;
  conflict?: RevisionConflict | null;
  values: { email: string; name: string; role: string; plants: string[] } | null;
}

function EditAccount({
  account,
  plants,
  isSelf,
  minPasswordLength,
  busy,
  update,
  activation,
  reset,
}: {
  account: {
    id: number;
    name: string;
    email: string;
    role: string;
    active: boolean;
    plantCodes: string[];
    revision: number;
  };
  plants: PlantChoice[];
  isSelf: boolean;
  minPasswordLength: number;
  busy: boolean;
  update: Problems | null;
  activation: Problems | null;
  reset: Problems | null;
}) {
  const action = `/admin?edit=${account.id}`;
  return (
    <section className="panel admin-edit" id="edit-account" aria-labelledby="edit-account-title">
      <h2 id="edit-account-title">
        {`Edit ${account.name}`} <span className="muted mono">{account.email}</span>
      </h2>
      <p>
        <Link to="/admin">Close</Link>
      </p>
      <div className="grid-2">
        <Form method="post" action={action} className="stacked" aria-labelledby="edit-details-title">
          <h3 id="edit-details-title">Role and plants</h3>
          {update?.formError ? (
            <p className="form-error" role="alert">
              {update.formError}
            </p>
          ) : null}
          {update?.conflict ? <RevisionChanges conflict={update.conflict} /> : null}
          <input type="hidden" name="intent" value="update-account" />
          <input type="hidden" name="personId" value={account.id} />
          <input type="hidden" name="revision" value={account.revision} />
          <TextField
            id="edit-name"
            name="name"
            label="Name"
            autoComplete="off"
            defaultValue={update?.values?.name ?? account.name}
            errors={update?.fieldErrors.name}
          />
          <RoleSelect
            id="edit-role"
            defaultValue={update?.values?.role ?? account.role}
            errors={update?.fieldErrors.role}
          />
          <PlantPicker
            id="edit-plants"
            legend="Plants"
            hint="For plant engineers: the plants they work on (at least one)."
            plants={plants}
            selected={update?.values?.plants ?? account.plantCodes}
            errors={update?.fieldErrors.plants}
          />
          <button type="submit" disabled={busy}>
            Save changes
          </button>
        </Form>

        <div>
          <Form method="post" action={action} className="stacked" aria-labelledby="edit-access-title">
            <h3 id="edit-access-title">Access</h3>
            {activation?.formError ? (
              <p className="form-error" role="alert">
                {activation.formError}
              </p>
            ) : null}
            <p>
              {account.active ? (
                <span className="badge ok">Active</span>
              ) : (
                <span className="badge bad">Deactivated</span>
              )}{" "}
              {account.active
                ? "Deactivating ends every session of this account at once."
                : "This account cannot sign in until it is reactivated."}
            </p>
            <input type="hidden" name="intent" value="set-active" />
            <input type="hidden" name="personId" value={account.id} />
            <input type="hidden" name="active" value={account.active ? "0" : "1"} />
            {isSelf && account.active ? (
              <p className="muted">You cannot deactivate your own account.</p>
            ) : (
              <button type="submit" className="secondary" disabled={busy}>
                {account.active ? "Deactivate account" : "Reactivate account"}
              </button>
            )}
          </Form>

          <Form method="post" action={action} className="stacked" aria-labelledby="edit-password-title">
            <h3 id="edit-password-title">Reset password</h3>
            {reset?.formError ? (
              <p className="form-error" role="alert">
                {reset.formError}
              </p>
            ) : null}
            <input type="hidden" name="intent" value="reset-password" />
            <input type="hidden" name="personId" value={account.id} />
            <TextField
              id="reset-password"
              name="password"
              label="New password"
              type="password"
              autoComplete="new-password"
              minLength={minPasswordLength}
              hint={`At least ${minPasswordLength} characters. Every session of the account ends${
                isSelf ? ", yours included" : ""
              }.`}
              errors={reset?.fieldErrors.password}
            />
            <button type="submit" className="secondary" disabled={busy}>
              Reset password
            </button>
          </Form>
        </div>
      </div>
    </section>
  );
}

function TextField({
  id,
  name,
  label,
  type = "text",
  minLength,
  autoComplete,
  defaultValue,
  hint,
  errors,
}: {
  id: string;
  name: string;
  label: string;
  type?: "text" | "email" | "password";
  minLength?: number;
  autoComplete?: string;
  defaultValue?: string;
  hint?: string;
  errors?: string[];
}) {
  const describedBy = [hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        required
        autoComplete={autoComplete}
        defaultValue={defaultValue}
        minLength={minLength}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy || undefined}
      />
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {errors?.length ? (
        <p className="field-error" id={`${id}-error`}>
          {errors[0]}
        </p>
      ) : null}
    </>
  );
}

function RoleSelect({ id, defaultValue, errors }: { id: string; defaultValue?: string; errors?: string[] }) {
  return (
    <>
      <label htmlFor={id}>Role</label>
      <select
        id={id}
        name="role"
        required
        defaultValue={defaultValue ?? ""}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${id}-error` : undefined}
      >
        <option value="" disabled>
          Choose a role
        </option>
        {ROLES.map((role) => (
          <option key={role} value={role}>
            {ROLE_LABELS[role]}
          </option>
        ))}
      </select>
      {errors?.length ? (
        <p className="field-error" id={`${id}-error`}>
          {errors[0]}
        </p>
      ) : null}
    </>
  );
}

function PlantPicker({
  id,
  legend,
  hint,
  plants,
  selected,
  errors,
}: {
  id: string;
  legend: string;
  hint: string;
  plants: PlantChoice[];
  selected: string[];
  errors?: string[];
}) {
  const describedBy = [`${id}-hint`, errors?.length ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <fieldset className="plant-picker" aria-describedby={describedBy} aria-invalid={errors?.length ? true : undefined}>
      <legend>{legend}</legend>
      <p className="field-hint" id={`${id}-hint`}>
        {hint}
      </p>
      {plants.length === 0 ? <p className="muted">No plants in the program yet.</p> : null}
      <div className="plant-options">
        {plants.map((plant) => (
          <label key={plant.id} className="check">
            <input type="checkbox" name="plants" value={plant.code} defaultChecked={selected.includes(plant.code)} />
            <span>
              <span className="mono">{plant.code}</span> {plant.name}
            </span>
          </label>
        ))}
      </div>
      {errors?.length ? (
        <p className="field-error" id={`${id}-error`}>
          {errors[0]}
        </p>
      ) : null}
    </fieldset>
  );
}

// The page can hold a token's secret, and always holds who may sign in: no cache keeps a copy.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export const meta: MetaFunction = () => [{ title: "Accounts and API tokens · Segmentation Tracker" }];

// After a refusal for a stale revision, the page is read again so it shows the account as it now stands.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  Boolean(actionResult?.conflict) || defaultShouldRevalidate;
