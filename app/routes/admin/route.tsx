import {
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import {
  Link,
  useActionData,
  useLoaderData,
  useLocation,
  useNavigation,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import { replyFor } from "~/components/forms";
import { IgnoredParams } from "~/components/IgnoredParams";
import { can } from "~/domain/permissions";
import { parseId, requestedWindow } from "~/domain/listing";
import { countAccounts, getAccount, listAccounts, listPlantChoices } from "~/models/accounts.server";
import { countApiTokens, listApiTokens } from "~/models/api-tokens.server";
import { requirePermission, requireUserWith } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { MIN_PASSWORD_LENGTH } from "~/utils/password.server";
import { AccountsList, CreateAccount, EditAccount } from "./accounts";
import { createAccountAct, resetPasswordAct, setActiveAct, updateAccountAct } from "./accounts.server";
import { adminFields, unknownForm } from "./acts.server";
import { TokensSection } from "./tokens";
import { createTokenAct, revokeTokenAct } from "./tokens.server";

// /admin: who may sign in (accounts) and which machines may call the API (tokens). One page, one address: its
// sections' acts live beside this module (accounts.server.ts, tokens.server.ts) and their parts too
// (accounts.tsx, tokens.tsx); every form posts here and lands back on its section.

/** Accounts and tokens are listed a page at a time: a company's directory may hold thousands. */
const ADMIN_PAGE_SIZE = 50;

/** Forms shown only in one account's edit panel. */
const ACCOUNT_INTENTS = ["update-account", "set-active", "reset-password"];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, "manage:accounts");
  const params = new URL(request.url).searchParams;
  const ignored: string[] = [];
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
    ignored,
    minPasswordLength: MIN_PASSWORD_LENGTH,
    canManageNotifications: can(user, "manage:notifications"),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireUserWith(request, "manage:accounts");
  const fields = adminFields(await request.formData());
  switch (fields.intent) {
    case "create-account":
      return createAccountAct(request, actor, fields);
    case "update-account":
      return updateAccountAct(request, actor, fields);
    case "set-active":
      return setActiveAct(request, actor, fields);
    case "reset-password":
      return resetPasswordAct(request, actor, fields);
    case "create-token":
      requirePermission(actor, "manage:tokens");
      return createTokenAct(request, actor, fields);
    case "revoke-token":
      requirePermission(actor, "manage:tokens");
      return revokeTokenAct(request, actor, fields);
    default:
      return unknownForm();
  }
}

export default function Admin() {
  const { selfId, accounts, plants, tokens, editing, ignored, minPasswordLength, canManageNotifications } =
    useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const navigation = useNavigation();
  // Forms remount on every navigation: emptied after a success, refilled from what was sent after a refusal.
  const { key: locationKey } = useLocation();
  const busy = navigation.state === "submitting";
  // A refusal whose form is not on the page (unknown intent, or an account that is not being edited) shows on top.
  const stray = replyFor(reply, ["unknown", ...ACCOUNT_INTENTS]);
  const unplaced =
    stray && (stray.intent === "unknown" || stray.target !== String(editing?.id ?? ""))
      ? stray.formError ?? Object.values(stray.fieldErrors).flat()[0] ?? null
      : null;

  return (
    <>
      <div className="page-head">
        <div>
          <p className="eyebrow">Administration</p>
          <h1>Accounts and API tokens</h1>
          <p className="lede">
            Who may sign in, in which role and on which plants; and which machines may call the API.
          </p>
          {canManageNotifications ? (
            <p>
              Notifications: <Link to="/admin/webhooks">webhooks</Link> · <Link to="/admin/outbox">outbox</Link>
            </p>
          ) : null}
        </div>
      </div>

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
          reply={reply}
        />
      ) : null}

      <AccountsList accounts={accounts} selfId={selfId} />
      <CreateAccount
        plants={plants}
        minPasswordLength={minPasswordLength}
        reply={reply}
        busy={busy}
        formKey={locationKey}
      />
      {tokens ? (
        <TokensSection tokens={tokens} plants={plants} reply={reply} busy={busy} formKey={locationKey} />
      ) : null}
    </>
  );
}

// The page can hold a token's secret, and always holds who may sign in: no cache keeps a copy.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export const meta: MetaFunction = () => [{ title: "Accounts and API tokens · Segmentation Tracker" }];

// After a refusal for a stale revision, the page is read again so it shows the account as it now stands.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  Boolean(actionResult?.conflict) || defaultShouldRevalidate;
