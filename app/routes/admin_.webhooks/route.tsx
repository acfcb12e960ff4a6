import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { ActForm, CheckboxGroup, Confirmation, Field, ReplyNotice, replyFor } from "~/components/forms";
import { IgnoredParams } from "~/components/IgnoredParams";
import { requestedWindow } from "~/domain/listing";
import { WEBHOOK_FORMAT_LABELS, WEBHOOK_FORMATS, WEBHOOK_NAME_MAX } from "~/domain/notification-settings";
import { KIND_INFO, NOTIFICATION_KINDS } from "~/domain/notifications";
import { formatLocal } from "~/domain/time";
import { requireUserWith } from "~/http/auth.server";
import { listPlantChoices } from "~/models/accounts.server";
import { countWebhooks, listWebhooks } from "~/models/notification-admin.server";
import { getDb } from "~/utils/db.server";
import { runIntent } from "~/utils/forms.server";
import { AdminTable } from "../admin/fields";
import { registerWebhookAct, rotateSecretAct, webhookIntents, type SecretShown } from "./acts.server";

// /admin/webhooks: the addresses the tracker posts notifications to, signed with each one's secret (HMAC-SHA256, see
// docs/notifications.md). Only the admin; every act audited; a secret is shown once, right after it is made.

const PAGE_SIZE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWith(request, "manage:notifications");
  const params = new URL(request.url).searchParams;
  const ignored: string[] = [];
  const db = getDb();
  const total = await countWebhooks(db);
  const window = requestedWindow(params, ignored, total, PAGE_SIZE);
  const [rows, plants] = await Promise.all([listWebhooks(db, window), listPlantChoices(db)]);
  return { webhooks: { rows, window, total }, plants, ignored };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUserWith(request, "manage:notifications");
  const form = await request.formData();
  const ctx = { db: getDb(), user, search: new URL(request.url).search };
  switch (form.get("intent")) {
    case "register-webhook":
      return registerWebhookAct(ctx, form);
    case "rotate-webhook-secret":
      return rotateSecretAct(ctx, form);
    default:
      return runIntent(webhookIntents, ctx, request, Object.fromEntries(form));
  }
}

function isSecret(reply: unknown): reply is SecretShown {
  return typeof reply === "object" && reply !== null && (reply as SecretShown).status === "secret";
}

function NewSecret({ shown }: { shown: SecretShown }) {
  const registered = shown.intent === "register-webhook";
  return (
    <div className="panel new-token" role="status" aria-labelledby="new-secret-title">
      <h3 id="new-secret-title">
        {registered ? "Webhook registered" : "New secret"}: “{shown.endpoint.name}”
      </h3>
      <p>
        <strong>Copy the secret now: it will not be shown again.</strong> The receiver checks each post's signature with
        it{registered ? "" : "; the old secret no longer signs anything"}.
      </p>
      <label htmlFor="new-webhook-secret">Secret</label>
      <input id="new-webhook-secret" className="mono token-secret" type="text" readOnly value={shown.endpoint.secret} />
    </div>
  );
}

/** The kinds as checkboxes (a group): its problems under it, as a Field shows them. */
function KindPicker({ selected }: { selected: readonly string[] }) {
  return (
    <CheckboxGroup
      name="kinds"
      legend="Kinds sent (at least one)"
      selected={selected}
      className="kind-options"
      options={NOTIFICATION_KINDS.map((kind) => ({ value: kind, label: KIND_INFO[kind].label }))}
    />
  );
}

export default function Webhooks() {
  const { webhooks, plants, ignored } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const { key } = useLocation();
  const draft = replyFor(reply, "register-webhook")?.draft;
  const secret = isSecret(reply) ? reply : null;
  const listed = (target: string | null | undefined) => webhooks.rows.some((row) => String(row.id) === target);
  return (
    <>
      <div className="page-head">
        <div>
          <nav aria-label="Breadcrumb" className="eyebrow">
            <Link to="/admin">Administration</Link> / Webhooks
          </nav>
          <h1>Webhooks</h1>
          <p className="lede">
            Addresses the tracker posts notifications to, for one plant or every plant, each post signed with the
            endpoint's secret. <Link to="/admin/outbox">The outbox</Link> shows what was sent and what failed.
          </p>
        </div>
      </div>
      <IgnoredParams ignored={ignored} />

      <section aria-labelledby="webhooks-title">
        <h2 id="webhooks-title">Registered webhooks</h2>
        <Confirmation intents={["set-webhook-active", "delete-webhook"]} />
        <ReplyNotice
          reply={reply}
          intent={["set-webhook-active", "delete-webhook", "rotate-webhook-secret"]}
          id="webhook-refused"
          offered={(r) => listed(r.target)}
        />
        {secret ? <NewSecret shown={secret} /> : null}
        <AdminTable
          caption={`${webhooks.total.toLocaleString("en-US")} ${webhooks.total === 1 ? "webhook" : "webhooks"}`}
          columns={["Name", "Address", "Plant", "Kinds", "Format", "Status"]}
          list={webhooks}
          noun="webhooks"
          anchor="webhooks-title"
          empty="No webhook is registered."
          row={(hook) => (
            <tr key={hook.id} data-webhook={hook.id}>
              <td>
                {hook.name}
                <div className="muted">
                  {formatLocal(hook.createdAt, "UTC")}
                  {hook.createdBy ? ` by ${hook.createdBy}` : ""}
                </div>
              </td>
              <td className="mono break-all">{hook.url}</td>
              <td>{hook.plantCode ?? <span className="muted">Every plant</span>}</td>
              <td>
                {hook.kinds.length === NOTIFICATION_KINDS.length
                  ? "Every kind"
                  : hook.kinds.map((kind) => KIND_INFO[kind].label).join(", ")}
              </td>
              <td>{WEBHOOK_FORMAT_LABELS[hook.format]}</td>
              <td>
                {hook.active ? <span className="badge ok">Active</span> : <span className="badge">Inactive</span>}
              </td>
              <td>
                <div className="row-acts">
                  <ActForm
                    intent="set-webhook-active"
                    target={hook.id}
                    id={`active-${hook.id}`}
                    reply={reply}
                    hiddenFields={{ endpointId: hook.id, active: hook.active ? "0" : "1" }}
                  >
                    <button type="submit" className="secondary">
                      {hook.active ? "Deactivate" : "Activate"}
                      <span className="visually-hidden"> webhook {hook.name}</span>
                    </button>
                  </ActForm>
                  <ActForm
                    intent="rotate-webhook-secret"
                    target={hook.id}
                    id={`rotate-${hook.id}`}
                    reply={reply}
                    hiddenFields={{ endpointId: hook.id }}
                  >
                    <button type="submit" className="secondary">
                      New secret<span className="visually-hidden"> for webhook {hook.name}</span>
                    </button>
                  </ActForm>
                  <ActForm
                    intent="delete-webhook"
                    target={hook.id}
                    id={`delete-${hook.id}`}
                    reply={reply}
                    hiddenFields={{ endpointId: hook.id }}
                  >
                    <button type="submit" className="danger">
                      Delete<span className="visually-hidden"> webhook {hook.name}</span>
                    </button>
                  </ActForm>
                </div>
              </td>
            </tr>
          )}
        />
      </section>

      <section className="panel admin-form" aria-labelledby="register-webhook-title">
        <h2 id="register-webhook-title">Register a webhook</h2>
        <ActForm key={key} intent="register-webhook" id="register-webhook" reply={reply} className="stacked">
          <Field
            name="name"
            label="Name"
            required
            maxLength={WEBHOOK_NAME_MAX}
            autoComplete="off"
            hint="Where it posts, e.g. “OT security channel”."
            defaultValue={draft?.name}
          />
          <Field
            name="url"
            label="Address"
            type="url"
            required
            autoComplete="off"
            hint="An https:// (or http://) address that accepts a JSON POST."
            defaultValue={draft?.url}
          />
          <Field as="select" name="plantId" label="Plant" defaultValue={draft?.plantId ?? ""}>
            <option value="">Every plant</option>
            {plants.map((plant) => (
              <option key={plant.id} value={plant.id}>
                {plant.code} {plant.name}
              </option>
            ))}
          </Field>
          <KindPicker selected={draft ? draft.kinds?.split(",") ?? [] : NOTIFICATION_KINDS} />
          <Field as="select" name="format" label="Format" required defaultValue={draft?.format ?? "json"}>
            {WEBHOOK_FORMATS.map((format) => (
              <option key={format} value={format}>
                {WEBHOOK_FORMAT_LABELS[format]}
              </option>
            ))}
          </Field>
          <button type="submit">Register webhook</button>
        </ActForm>
      </section>
    </>
  );
}

// The page can hold a secret: no cache keeps a copy.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export const meta: MetaFunction = () => [{ title: "Webhooks · Segmentation Tracker" }];
