import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ActForm, Confirmation, ReplyNotice } from "~/components/forms";
import { IgnoredParams } from "~/components/IgnoredParams";
import { UtcInstant } from "~/components/UtcInstant";
import { parseChoice, parseId, requestedWindow } from "~/domain/listing";
import { OUTBOX_CHANNELS, OUTBOX_STATUSES } from "~/domain/notification-settings";
import { requireUserWith } from "~/http/auth.server";
import {
  countOutbox,
  getOutboxMessage,
  listOutbox,
  type OutboxListing,
  type OutboxMessage,
} from "~/models/notification-admin.server";
import { getDb } from "~/utils/db.server";
import { runIntent } from "~/utils/forms.server";
import { readMailSettings } from "~/utils/mailer.server";
import { AdminTable } from "../admin/fields";
import { outboxIntents } from "./intents.server";

// /admin/outbox: every message the tracker sent, waits to send, failed to send or kept (no mail server), newest
// first, filtered by status and channel; a failed one with its error and the act that sends it again; any message in
// full. Only the admin.

const PAGE_SIZE = 50;

const STATUS_LABELS: Record<OutboxListing["status"], string> = {
  pending: "Pending",
  sending: "Sending",
  sent: "Sent",
  failed: "Failed",
  kept: "Kept (no mail server)",
};
const CHANNEL_LABELS: Record<OutboxListing["channel"], string> = { email: "E-mail", webhook: "Webhook" };
const STATUS_BADGES: Record<OutboxListing["status"], string> = {
  pending: "badge",
  sending: "badge",
  sent: "badge ok",
  failed: "badge bad",
  kept: "badge warn",
};

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWith(request, "manage:notifications");
  const params = new URL(request.url).searchParams;
  const ignored: string[] = [];
  const filter = {
    status: parseChoice(params, "status", OUTBOX_STATUSES, ignored),
    channel: parseChoice(params, "channel", OUTBOX_CHANNELS, ignored),
  };
  const messageId = parseId(params, "message", ignored);
  const db = getDb();
  const total = await countOutbox(db, filter);
  const window = requestedWindow(params, ignored, total, PAGE_SIZE);
  const [rows, message] = await Promise.all([
    listOutbox(db, filter, window),
    messageId === null ? Promise.resolve(null) : getOutboxMessage(db, messageId),
  ]);
  if (messageId !== null && !message) ignored.push(`message “${messageId}” is not in the outbox; nothing to show`);
  return { filter, outbox: { rows, window, total }, message, ignored, mailServer: readMailSettings() !== null };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUserWith(request, "manage:notifications");
  const form = Object.fromEntries(await request.formData());
  return runIntent(outboxIntents, { db: getDb(), user, search: new URL(request.url).search }, request, form);
}

/** A failed message can be sent again, and an e-mail kept without a mail server once one is set. */
const sendable = (status: string, mailServer: boolean) => status === "failed" || (status === "kept" && mailServer);

function RetryForm({ row, reply, id }: { row: { id: number; subject: string }; reply: unknown; id: string }) {
  return (
    <ActForm intent="retry-message" target={row.id} id={id} reply={reply} hiddenFields={{ messageId: row.id }}>
      <button type="submit" className="secondary">
        Send again<span className="visually-hidden"> “{row.subject}”</span>
      </button>
    </ActForm>
  );
}

function MessageDetail({
  message,
  reply,
  mailServer,
}: {
  message: OutboxMessage;
  reply: unknown;
  mailServer: boolean;
}) {
  return (
    <section className="panel" aria-labelledby="message-title" id="message">
      <h2 id="message-title">{message.subject}</h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <span className={STATUS_BADGES[message.status]}>{STATUS_LABELS[message.status]}</span> after{" "}
          {message.attempts} {message.attempts === 1 ? "attempt" : "attempts"}
        </dd>
        <dt>{CHANNEL_LABELS[message.channel]} to</dt>
        <dd className="break-all">{message.recipient}</dd>
        <dt>Kind</dt>
        <dd>{message.kindLabel}</dd>
        <dt>Written</dt>
        <dd>
          <UtcInstant iso={message.createdAt} />
        </dd>
        {message.sentAt ? (
          <>
            <dt>Sent</dt>
            <dd>
              <UtcInstant iso={message.sentAt} />
            </dd>
          </>
        ) : null}
        {message.lastError ? (
          <>
            <dt>Last error</dt>
            <dd className="break-all">{message.lastError}</dd>
          </>
        ) : null}
      </dl>
      {sendable(message.status, mailServer) ? (
        <RetryForm row={message} reply={reply} id={`retry-shown-${message.id}`} />
      ) : null}
      <h3>Text</h3>
      <pre className="mail-body">{message.textBody}</pre>
      {message.htmlBody ? (
        <details>
          <summary>HTML source</summary>
          <pre className="mail-body">{message.htmlBody}</pre>
        </details>
      ) : null}
      {message.payload ? (
        <details>
          <summary>Payload as posted</summary>
          <pre className="mail-body">{message.payload}</pre>
        </details>
      ) : null}
    </section>
  );
}

export default function Outbox() {
  const { filter, outbox, message, ignored, mailServer } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [params] = useSearchParams();
  const viewHref = (id: number) => {
    const next = new URLSearchParams(params);
    next.set("message", String(id));
    return `?${next.toString()}#message`;
  };
  return (
    <>
      <div className="page-head">
        <div>
          <nav aria-label="Breadcrumb" className="eyebrow">
            <Link to="/admin">Administration</Link> / Outbox
          </nav>
          <h1>Outbox</h1>
          <p className="lede">
            Every e-mail and webhook post the tracker sent or will send. A failed one was tried until the limit; send it
            again once its receiver is mended. <Link to="/admin/webhooks">Webhooks</Link>
          </p>
        </div>
      </div>
      <IgnoredParams ignored={ignored} />
      {message ? <MessageDetail message={message} reply={reply} mailServer={mailServer} /> : null}

      <section aria-labelledby="outbox-title">
        <h2 id="outbox-title">Messages</h2>
        <Confirmation intents="retry-message" />
        <ReplyNotice
          reply={reply}
          intent="retry-message"
          id="retry-refused"
          offered={(r) =>
            outbox.rows.some((row) => String(row.id) === r.target && sendable(row.status, mailServer)) ||
            (message !== null && sendable(message.status, mailServer) && String(message.id) === r.target)
          }
        />
        <Form method="get" className="filters" aria-label="Filter the outbox">
          <label>
            Status
            <select name="status" defaultValue={filter.status ?? ""}>
              <option value="">Any</option>
              {OUTBOX_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {STATUS_LABELS[status]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Channel
            <select name="channel" defaultValue={filter.channel ?? ""}>
              <option value="">Any</option>
              {OUTBOX_CHANNELS.map((channel) => (
                <option key={channel} value={channel}>
                  {CHANNEL_LABELS[channel]}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="secondary">
            Filter
          </button>
        </Form>
        <AdminTable
          caption={`${outbox.total.toLocaleString("en-US")} ${outbox.total === 1 ? "message" : "messages"}`}
          columns={["Written", "Channel", "To", "Subject", "Status"]}
          list={outbox}
          noun="messages"
          anchor="outbox-title"
          empty="No message matches."
          row={(row) => (
            <tr key={row.id} data-message={row.id}>
              <td>
                <UtcInstant iso={row.createdAt} />
              </td>
              <td>{CHANNEL_LABELS[row.channel]}</td>
              <td className="break-all">{row.recipient}</td>
              <td>
                <Link to={viewHref(row.id)}>{row.subject}</Link>
                <div className="muted">{row.kindLabel}</div>
              </td>
              <td>
                <span className={STATUS_BADGES[row.status]}>{STATUS_LABELS[row.status]}</span>
                {row.status === "failed" || row.lastError ? (
                  <div className="muted">
                    {row.attempts} {row.attempts === 1 ? "attempt" : "attempts"}
                    {row.lastError ? `: ${row.lastError.slice(0, 300)}` : ""}
                  </div>
                ) : null}
              </td>
              <td>
                {sendable(row.status, mailServer) ? <RetryForm row={row} reply={reply} id={`retry-${row.id}`} /> : null}
              </td>
            </tr>
          )}
        />
      </section>
    </>
  );
}

// Messages hold what people were told: no cache keeps a copy.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export const meta: MetaFunction = () => [{ title: "Outbox · Segmentation Tracker" }];
