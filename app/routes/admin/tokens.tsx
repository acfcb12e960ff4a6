import { ActForm, Confirmation, Field, replyFor } from "~/components/forms";
import type { PageWindow } from "~/domain/listing";
import { formatLocal } from "~/domain/time";
import { labelFor, ROLE_LABELS } from "~/domain/vocabulary";
import type { PlantChoice } from "~/models/accounts.server";
import type { ApiTokenListing } from "~/models/api-tokens.server";
import type { TokenCreated } from "./acts.server";
import { plural } from "./accounts";
import { AdminTable, PlantPicker, RoleField } from "./fields";

// The API tokens part of the administration page: a new token's secret (shown once), the list with its revoke
// buttons, and the form that creates a token.

function isCreated(answer: unknown): answer is TokenCreated {
  return typeof answer === "object" && answer !== null && (answer as TokenCreated).status === "created";
}

export function TokensSection({
  tokens,
  plants,
  reply,
  busy,
  formKey,
}: {
  tokens: { rows: ApiTokenListing[]; window: PageWindow; total: number; usable: number };
  plants: PlantChoice[];
  reply: unknown;
  busy: boolean;
  formKey: string;
}) {
  const newToken = isCreated(reply) ? reply.token : null;
  const create = replyFor(reply, "create-token");
  // A refused revoke whose button is gone (the token was revoked meanwhile, or is on another page) shows here.
  const revoke = replyFor(reply, "revoke-token");
  const revokeUnplaced =
    revoke && !tokens.rows.some((token) => String(token.id) === revoke.target && !token.revokedAt) ? revoke : null;
  return (
    <section aria-labelledby="tokens-title" id="tokens">
      <h2 id="tokens-title">API tokens</h2>
      <p className="lede">
        Sensors and scripts call the API with <code className="mono">Authorization: Bearer …</code>. A token acts in its
        role, only on the plants it names when it names any.
      </p>
      <Confirmation intents="revoke-token" />
      {revokeUnplaced?.formError ? (
        <p className="form-error" role="alert">
          {revokeUnplaced.formError}
        </p>
      ) : null}

      {newToken ? (
        <div className="panel new-token" role="status" aria-labelledby="new-token-title">
          <h3 id="new-token-title">New token “{newToken.name}”</h3>
          <p>
            <strong>Copy it now: it will not be shown again.</strong> Only its hash is stored; if it is lost, revoke it
            and create another.
          </p>
          <label htmlFor="new-token-secret">Token</label>
          <input id="new-token-secret" className="mono token-secret" type="text" readOnly value={newToken.secret} />
        </div>
      ) : null}

      <AdminTable
        caption={`${plural(tokens.total, "token")} · ${tokens.usable.toLocaleString("en-US")} usable`}
        columns={["Name", "Prefix", "Role", "Plants", "Created", "Last used", "Status"]}
        list={tokens}
        noun="tokens"
        param="tokensPage"
        anchor="tokens-title"
        empty="No API tokens yet."
        row={(token) => (
          <tr key={token.id}>
            <td>{token.name}</td>
            <td className="mono">{`${token.prefix}…`}</td>
            <td>{labelFor(ROLE_LABELS, token.role)}</td>
            <td>{token.plantCodes.length ? token.plantCodes.join(", ") : <span className="muted">All plants</span>}</td>
            <td>
              {formatLocal(token.createdAt, "UTC")}
              <div className="muted">{`by ${token.createdBy ?? "the system"}`}</div>
            </td>
            <td>{token.lastUsedAt ? formatLocal(token.lastUsedAt, "UTC") : <span className="muted">Never</span>}</td>
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
                <ActForm
                  intent="revoke-token"
                  target={token.id}
                  id={`revoke-${token.id}`}
                  reply={reply}
                  hiddenFields={{ tokenId: token.id }}
                >
                  <button type="submit" className="secondary" disabled={busy}>
                    Revoke<span className="visually-hidden"> token {token.name}</span>
                  </button>
                </ActForm>
              )}
            </td>
          </tr>
        )}
      />

      <section className="panel admin-form" aria-labelledby="create-token-title">
        <h3 id="create-token-title">Create an API token</h3>
        <ActForm key={formKey} intent="create-token" id="token" reply={reply} className="stacked">
          <Field
            name="name"
            label="Name"
            required
            autoComplete="off"
            hint="What uses it, e.g. “sensor pipeline DAY”."
            defaultValue={create?.draft?.name}
          />
          <RoleField defaultValue={create?.draft?.role} />
          <PlantPicker
            legend="Limit to plants"
            hint="Optional: none means every plant the role reaches. A plant engineer's token needs at least one."
            plants={plants}
            selected={create?.draft?.plants?.split(",").filter(Boolean) ?? []}
          />
          <button type="submit" disabled={busy}>
            Create token
          </button>
        </ActForm>
      </section>
    </section>
  );
}
