import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { ActForm, Confirmation, ReplyNotice } from "~/components/forms";
import { IgnoredParams } from "~/components/IgnoredParams";
import { PagerPastOnePage } from "~/components/PagerPastOnePage";
import { UtcInstant } from "~/components/UtcInstant";
import { parseChoice, requestedWindow } from "~/domain/listing";
import { localHref } from "~/domain/notification-settings";
import { formatLocal } from "~/domain/time";
import { requireUserWith } from "~/http/auth.server";
import {
  countKeptEmails,
  countNotifications,
  listKeptEmails,
  listNotifications,
  type NotificationListing,
} from "~/models/notification-inbox.server";
import { getDb } from "~/utils/db.server";
import { runIntent } from "~/utils/forms.server";
import { inboxIntents } from "./intents.server";

// /me/notifications: what the tracker told the signed-in person, newest first, a page at a time, each linking to
// where the work is done; the acts that mark them read; and the e-mails the outbox kept for them when no mail
// server is configured, readable here instead.

const PAGE_SIZE = 50;
const EMAILS_PAGE_SIZE = 20;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, "read:program");
  const params = new URL(request.url).searchParams;
  const ignored: string[] = [];
  const filter = parseChoice(params, "show", ["unread"] as const, ignored) ?? "all";
  const db = getDb();
  const [total, unread, keptTotal] = await Promise.all([
    countNotifications(db, user, filter),
    filter === "unread" ? Promise.resolve(null) : countNotifications(db, user, "unread"),
    countKeptEmails(db, user),
  ]);
  const window = requestedWindow(params, ignored, total, PAGE_SIZE);
  const emailsWindow = requestedWindow(params, ignored, keptTotal, EMAILS_PAGE_SIZE, "emailsPage");
  const [rows, emails] = await Promise.all([
    listNotifications(db, user, filter, window),
    listKeptEmails(db, user, emailsWindow),
  ]);
  return {
    filter,
    notifications: {
      rows: rows.map((row) => ({ ...row, href: localHref(row.href) })),
      window,
      total,
      unread: unread ?? total,
    },
    emails: { rows: emails, window: emailsWindow, total: keptTotal },
    ignored,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUserWith(request, "read:program");
  const form = Object.fromEntries(await request.formData());
  return runIntent(inboxIntents, { db: getDb(), user, search: new URL(request.url).search }, request, form);
}

type Row = Omit<NotificationListing, "href"> & { href: string | null };

function When({ row }: { row: Row }) {
  if (!row.timeZone) return <UtcInstant iso={row.createdAt} />;
  return (
    <time dateTime={row.createdAt} title={row.timeZone}>
      {formatLocal(row.createdAt, row.timeZone)}
    </time>
  );
}

function NotificationItem({ row, reply }: { row: Row; reply: unknown }) {
  const unread = row.readAt === null;
  return (
    <li className={unread ? "notice-item unread" : "notice-item"} data-notification={row.id}>
      <article aria-labelledby={`notification-${row.id}-title`}>
        <p className="notice-meta">
          {unread ? <span className="badge warn">Unread</span> : null} <span className="badge">{row.kindLabel}</span>
          {row.urgent ? <span className="badge bad">Urgent</span> : null}{" "}
          {row.plantCode ? (
            <span className="mono" title={row.plantName ?? undefined}>
              {row.plantCode}
            </span>
          ) : null}{" "}
          · <When row={row} />
        </p>
        <h3 id={`notification-${row.id}-title`}>{row.href ? <Link to={row.href}>{row.title}</Link> : row.title}</h3>
        <p className="notice-body">{row.body}</p>
        {unread ? (
          <ActForm
            intent="mark-read"
            target={row.id}
            id={`mark-read-${row.id}`}
            reply={reply}
            hiddenFields={{ notificationId: row.id }}
          >
            <button type="submit" className="secondary">
              Mark read<span className="visually-hidden"> “{row.title}”</span>
            </button>
          </ActForm>
        ) : null}
      </article>
    </li>
  );
}

export default function MyNotifications() {
  const { filter, notifications, emails, ignored } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const { rows, unread } = notifications;
  return (
    <>
      <div className="page-head">
        <div>
          <nav aria-label="Breadcrumb" className="eyebrow">
            <Link to="/me">My queue</Link> / Notifications
          </nav>
          <h1>My notifications</h1>
          <p className="lede">
            What the tracker told you, newest first; each links to where the work is done.{" "}
            <Link to="/me/settings">Choose what you are told, and when</Link>.
          </p>
        </div>
      </div>
      <IgnoredParams ignored={ignored} />

      <section aria-labelledby="notifications-title" className="panel">
        <h2 id="notifications-title">
          {filter === "unread" ? "Unread notifications" : "All notifications"} ({notifications.total})
        </h2>
        <Confirmation intents={["mark-read", "mark-all-read"]} />
        <ReplyNotice
          reply={reply}
          intent="mark-read"
          id="mark-read-refused"
          offered={(r) => rows.some((row) => String(row.id) === r.target && row.readAt === null)}
        />
        <div className="notice-tools">
          <nav aria-label="Show" className="filter-links">
            <Link to="/me/notifications" aria-current={filter === "all" ? "page" : undefined}>
              All
            </Link>
            <Link to="/me/notifications?show=unread" aria-current={filter === "unread" ? "page" : undefined}>
              Unread ({unread})
            </Link>
          </nav>
          {unread > 0 ? (
            <ActForm intent="mark-all-read" id="mark-all-read" reply={reply}>
              <button type="submit">Mark all read</button>
            </ActForm>
          ) : null}
        </div>
        {rows.length === 0 ? (
          <p className="muted">{filter === "unread" ? "Nothing is unread." : "You have no notifications yet."}</p>
        ) : (
          <ol className="notice-list">
            {rows.map((row) => (
              <NotificationItem key={row.id} row={row} reply={reply} />
            ))}
          </ol>
        )}
        <PagerPastOnePage list={notifications} noun="notifications" anchor="notifications-title" />
      </section>

      <section aria-labelledby="emails-title" className="panel" id="emails">
        <h2 id="emails-title">E-mails kept for you ({emails.total})</h2>
        <p className="muted">
          No mail server is configured, so the e-mails the tracker would send you are kept here instead.
        </p>
        {emails.rows.length === 0 ? (
          <p className="muted">No e-mail is kept for you.</p>
        ) : (
          <ul className="kept-emails">
            {emails.rows.map((email) => (
              <li key={email.id}>
                <details>
                  <summary>
                    {email.subject} · <UtcInstant iso={email.createdAt} />
                  </summary>
                  <pre className="mail-body">{email.textBody}</pre>
                </details>
              </li>
            ))}
          </ul>
        )}
        <PagerPastOnePage list={emails} noun="kept e-mails" param="emailsPage" anchor="emails-title" />
      </section>
    </>
  );
}

// The page shows what may be private to the person: no shared cache keeps it.
export const headers: HeadersFunction = () => ({ "Cache-Control": "private, no-store" });

export const meta: MetaFunction = () => [{ title: "My notifications · Segmentation Tracker" }];
