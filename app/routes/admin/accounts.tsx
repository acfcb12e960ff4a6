import { Link } from "@remix-run/react";
import { ActForm, Confirmation, Field, replyFor } from "~/components/forms";
import type { PageWindow } from "~/domain/listing";
import { formatLocal } from "~/domain/time";
import { labelFor, ROLE_LABELS } from "~/domain/vocabulary";
import type { AccountListing, PlantChoice } from "~/models/accounts.server";
import { AdminTable, PlantPicker, RoleField } from "./fields";

// The accounts part of the administration page: the list, the form that creates an account, and one account's
// edit panel (role and plants, access, password).

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function draftPlants(reply: ReturnType<typeof replyFor>): string[] | undefined {
  const plants = reply?.draft?.plants;
  return plants === undefined ? undefined : plants.split(",").filter(Boolean);
}

export function AccountsList({
  accounts,
  selfId,
}: {
  accounts: { rows: AccountListing[]; window: PageWindow; total: number; active: number };
  selfId: number | null;
}) {
  return (
    <section aria-labelledby="accounts-title">
      <h2 id="accounts-title">Accounts</h2>
      <AdminTable
        caption={`${plural(accounts.total, "account")} · ${accounts.active.toLocaleString("en-US")} active`}
        columns={["Name", "Email", "Role", "Plants", "Status", "Last sign-in"]}
        list={accounts}
        noun="accounts"
        anchor="accounts-title"
        row={(account) => (
          <tr key={account.id}>
            <td>
              {account.name}
              {account.id === selfId ? <span className="muted"> (you)</span> : null}
            </td>
            <td className="mono">{account.email}</td>
            <td>{labelFor(ROLE_LABELS, account.role)}</td>
            <td>{account.plantCodes.length ? account.plantCodes.join(", ") : <span className="muted">—</span>}</td>
            <td>
              {account.active ? (
                <span className="badge ok">Active</span>
              ) : (
                <span className="badge bad">Deactivated</span>
              )}
            </td>
            <td>
              {account.lastSignInAt ? formatLocal(account.lastSignInAt, "UTC") : <span className="muted">Never</span>}
            </td>
            <td>
              <Link to={`/admin?edit=${account.id}#edit-account`}>
                Edit<span className="visually-hidden"> {account.name}</span>
              </Link>
            </td>
          </tr>
        )}
      />
    </section>
  );
}

export function CreateAccount({
  plants,
  minPasswordLength,
  reply,
  busy,
  formKey,
}: {
  plants: PlantChoice[];
  minPasswordLength: number;
  reply: unknown;
  busy: boolean;
  formKey: string;
}) {
  const mine = replyFor(reply, "create-account");
  return (
    <section className="panel admin-form" id="create-account" aria-labelledby="create-account-title">
      <h2 id="create-account-title">Create an account</h2>
      <Confirmation intents="create-account" />
      <ActForm key={formKey} intent="create-account" id="new" reply={reply} className="stacked">
        <Field name="email" label="Email" type="email" required autoComplete="off" defaultValue={mine?.draft?.email} />
        <Field name="name" label="Name" required autoComplete="off" defaultValue={mine?.draft?.name} />
        <RoleField defaultValue={mine?.draft?.role} />
        <PlantPicker
          legend="Plants"
          hint="For plant engineers: the plants they work on (at least one). Other roles reach plants through their role."
          plants={plants}
          selected={draftPlants(mine) ?? []}
        />
        <Field
          name="password"
          label="Initial password"
          type="password"
          required
          autoComplete="new-password"
          minLength={minPasswordLength}
          hint={`At least ${minPasswordLength} characters. Hand it over in person or by phone, never in the same message as the email.`}
        />
        <button type="submit" disabled={busy}>
          Create account
        </button>
      </ActForm>
    </section>
  );
}

export function EditAccount({
  account,
  plants,
  isSelf,
  minPasswordLength,
  busy,
  reply,
}: {
  account: AccountListing;
  plants: PlantChoice[];
  isSelf: boolean;
  minPasswordLength: number;
  busy: boolean;
  reply: unknown;
}) {
  const update = replyFor(reply, "update-account", account.id);
  return (
    <section className="panel admin-edit" id="edit-account" aria-labelledby="edit-account-title">
      <h2 id="edit-account-title">
        {`Edit ${account.name}`} <span className="muted mono">{account.email}</span>
      </h2>
      <p>
        <Link to="/admin">Close</Link>
      </p>
      <div className="grid-2">
        <ActForm
          intent="update-account"
          target={account.id}
          id="edit"
          reply={reply}
          hiddenFields={{ personId: account.id, revision: account.revision }}
          className="stacked"
          aria-labelledby="edit-details-title"
        >
          <h3 id="edit-details-title">Role and plants</h3>
          <Confirmation intents="update-account" target={account.id} />
          <Field
            name="name"
            label="Name"
            required
            autoComplete="off"
            defaultValue={update?.draft?.name ?? account.name}
          />
          <RoleField defaultValue={update?.draft?.role ?? account.role} />
          <PlantPicker
            legend="Plants"
            hint="For plant engineers: the plants they work on (at least one)."
            plants={plants}
            selected={draftPlants(update) ?? account.plantCodes}
          />
          <button type="submit" disabled={busy}>
            Save changes
          </button>
        </ActForm>

        <div>
          <ActForm
            intent="set-active"
            target={account.id}
            id="access"
            reply={reply}
            hiddenFields={{ personId: account.id, active: account.active ? "0" : "1" }}
            className="stacked"
            aria-labelledby="edit-access-title"
          >
            <h3 id="edit-access-title">Access</h3>
            <Confirmation intents="set-active" target={account.id} />
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
            {isSelf && account.active ? (
              <p className="muted">You cannot deactivate your own account.</p>
            ) : (
              <button type="submit" className="secondary" disabled={busy}>
                {account.active ? "Deactivate account" : "Reactivate account"}
              </button>
            )}
          </ActForm>

          <ActForm
            intent="reset-password"
            target={account.id}
            id="reset"
            reply={reply}
            hiddenFields={{ personId: account.id }}
            className="stacked"
            aria-labelledby="edit-password-title"
          >
            <h3 id="edit-password-title">Reset password</h3>
            <Confirmation intents="reset-password" target={account.id} />
            <Field
              name="password"
              label="New password"
              type="password"
              required
              autoComplete="new-password"
              minLength={minPasswordLength}
              hint={`At least ${minPasswordLength} characters. Every session of the account ends${
                isSelf ? ", yours included" : ""
              }.`}
            />
            <button type="submit" className="secondary" disabled={busy}>
              Reset password
            </button>
          </ActForm>
        </div>
      </div>
    </section>
  );
}
