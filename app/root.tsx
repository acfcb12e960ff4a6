import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useLocation,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import styles from "~/styles/app.css";
import { can } from "~/domain/permissions";
import { ROLE_LABELS } from "~/domain/vocabulary";
import { getUser } from "~/http/auth.server";
import { notificationBadge } from "~/models/notification-inbox.server";
import { getDb } from "~/utils/db.server";
import { takeConfirmation } from "~/utils/forms.server";
import { useNonce } from "~/utils/nonce";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Segmentation Tracker" }];

export async function loader({ request }: LoaderFunctionArgs) {
  // A successful act's confirmation, shown once by the page it redirected to (see app/components/forms).
  const { confirmation, headers } = takeConfirmation(request);
  const user = await getUser(request);
  if (!user) return data({ user: null, confirmation }, { headers });
  const hasQueue = user.role === "plant_engineer" || user.role === "corporate_security" || user.role === "program_lead";
  // Whoever reads the program is told about it; one without a queue (an executive) sees the link once told anything.
  const badge = can(user, "read:program") ? await notificationBadge(getDb(), user) : null;
  return data(
    {
      confirmation,
      user: {
        name: user.name,
        role: user.role,
        roleLabel: ROLE_LABELS[user.role],
        canReadProgram: can(user, "read:program"),
        hasQueue,
        unreadNotifications: badge && (hasQueue || badge.any) ? badge.unread : null,
        canReadAudit: can(user, "read:audit"),
        canManageAccounts: can(user, "manage:accounts"),
      },
    },
    { headers }
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const user = useRouteLoaderData<typeof loader>("root")?.user ?? null;
  // A new address closes the menu: the disclosure is drawn afresh for each page.
  const { pathname, search } = useLocation();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true" />
            Segmentation Tracker
          </Link>
          {user ? (
            <>
              {/* Two copies of one list, only one of them displayed (the other is out of the accessibility tree too):
                  links in the bar on a wide screen, a disclosure below the breakpoint, which opens without JavaScript. */}
              <nav aria-label="Main" className="nav-bar">
                <MainLinks user={user} />
              </nav>
              <details className="nav-menu" key={pathname + search}>
                <summary>
                  <span className="menu-icon" aria-hidden="true" />
                  Menu
                </summary>
                <div className="nav-menu-panel">
                  <nav aria-label="Main">
                    <MainLinks user={user} />
                  </nav>
                  <p>
                    Signed in as {user.name} · {user.roleLabel}
                  </p>
                </div>
              </details>
              <div className="session">
                <span className="session-who">
                  {user.name} <span className="role">· {user.roleLabel}</span>
                </span>
                <Form method="post" action="/logout">
                  <button type="submit" className="link-button">
                    Sign out
                  </button>
                </Form>
              </div>
            </>
          ) : null}
        </header>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

type NavUser = {
  canReadProgram: boolean;
  hasQueue: boolean;
  canReadAudit: boolean;
  canManageAccounts: boolean;
  /** Null: no notifications link. */
  unreadNotifications: number | null;
};

function MainLinks({ user }: { user: NavUser }) {
  return (
    <>
      {user.canReadProgram ? <NavLink to="/dashboard">Dashboard</NavLink> : null}
      {user.canReadProgram ? (
        <NavLink to="/plants" end>
          Plants
        </NavLink>
      ) : null}
      {user.hasQueue ? (
        <NavLink to="/me" end>
          My queue
        </NavLink>
      ) : null}
      {user.unreadNotifications !== null ? (
        <NavLink
          to="/me/notifications"
          aria-label={`Notifications, ${user.unreadNotifications.toLocaleString("en-US")} unread`}
        >
          Notifications ({user.unreadNotifications.toLocaleString("en-US")})
        </NavLink>
      ) : null}
      {user.canReadProgram ? <NavLink to="/windows">Windows</NavLink> : null}
      {user.canReadProgram ? <NavLink to="/settings">Settings</NavLink> : null}
      {user.canReadAudit ? <NavLink to="/audit">Audit trail</NavLink> : null}
      {user.canManageAccounts ? <NavLink to="/admin">Accounts &amp; tokens</NavLink> : null}
    </>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) {
    const notFound = error.status === 404;
    return (
      <section className="error-page" aria-labelledby="error-title">
        <p className="eyebrow">Error {error.status}</p>
        <h1 id="error-title">{notFound ? "Not found" : error.statusText || "Request refused"}</h1>
        <p>
          {typeof error.data === "string" && error.data
            ? error.data
            : notFound
            ? "There is nothing at this address."
            : "The request could not be completed."}
        </p>
        <p>
          <Link to="/">Back to your start page</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="eyebrow">Something went wrong</p>
      <h1 id="error-title">This page could not be shown</h1>
      <p>The error has been logged. Reload the page, or go back to your start page and try again.</p>
      <p>
        <Link to="/">Back to your start page</Link>
      </p>
    </section>
  );
}
