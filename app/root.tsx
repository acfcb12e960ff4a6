import type { LinksFunction, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
} from "@remix-run/react";
import type { ReactNode } from "react";
import styles from "~/styles/app.css";
import { useNonce } from "~/utils/nonce";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Segmentation Tracker" }];

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
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
          <nav aria-label="Main">
            <NavLink to="/" end>
              Program
            </NavLink>
          </nav>
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
        <p>{typeof error.data === "string" && error.data ? error.data : notFound ? "There is nothing at this address." : "The request could not be completed."}</p>
        <p>
          <Link to="/">Back to the program overview</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="eyebrow">Something went wrong</p>
      <h1 id="error-title">This page could not be shown</h1>
      <p>The error has been logged. Reload the page, or go back to the program overview and try again.</p>
      <p>
        <Link to="/">Back to the program overview</Link>
      </p>
    </section>
  );
}
