import { useNavigate, type NavigateFunction } from "@remix-run/react";
import {
  createContext,
  useContext,
  type HTMLAttributes,
  type MouseEvent,
  type ReactElement,
  type ReactNode,
} from "react";

// Long lists the same for every reader, rendered for less:
// - Their links are plain anchors (`PlantName` of app/components/DataTable.tsx is one): a Remix link asks the router
//   to resolve its address on every render (some 25 µs each, thousands a second on a busy list), and the list's box
//   takes the plain left clicks on them into the app's own navigation (`InAppLinks`), so they behave like links of
//   the app with JavaScript and like links without.
// - What costs the most to render (the dashboard's matrix and tables: some 3,000 cells) is rendered once on the
//   server for the data it shows (`RenderedOnce`), while that data is kept (a view of the cached rollup), and each
//   request sends that markup as it is, put into the document as bytes after React has written the rest
//   (app/http/document.server.ts). The browser renders the same children from the same data, so the page hydrates
//   as usual, and a page reached in the browser renders them there.

/** On the server, the document being rendered: renders markup once, and splices kept markup in as bytes. */
export interface DocumentRenderer {
  /** The markup of an element that needs no router (a separate render, with its own ids). */
  render(element: ReactElement): string;
  /** A placeholder for markup already in bytes, replaced by them once the document is written. */
  splice(bytes: Uint8Array): string;
}

const DocumentContext = createContext<DocumentRenderer | null>(null);
export const DocumentProvider = DocumentContext.Provider;

/** Markup kept per data object and part of the page (on the server; the browser never holds any). */
const kept = new WeakMap<object, Map<string, Uint8Array>>();

/**
 * Whether an address is one of the app's pages: a path of this site that is neither the API nor a file (an export
 * such as /dashboard.csv), which a browser must load itself.
 */
function isAppPage(href: string): boolean {
  if (!href.startsWith("/") || href.startsWith("//")) return false;
  const pathname = href.split(/[?#]/)[0]!;
  return !pathname.startsWith("/api/") && !/\.[A-Za-z0-9]+$/.test(pathname);
}

/** Follows a plain left click on a link to a page of the app without loading the whole document. */
function followInApp(event: MouseEvent<HTMLElement>, navigate: NavigateFunction): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.altKey || event.ctrlKey || event.shiftKey)
    return;
  const link = event.target instanceof Element ? event.target.closest("a") : null;
  const href = link?.getAttribute("href");
  if (!link || !href || !isAppPage(href) || link.target || link.hasAttribute("download")) return;
  event.preventDefault();
  navigate(href);
}

type BoxProps = Omit<HTMLAttributes<HTMLDivElement>, "children" | "dangerouslySetInnerHTML" | "onClick">;

/** A box whose plain links to the app's pages navigate within the app (a Remix link's behaviour, for less). */
export function InAppLinks({ children, ...box }: BoxProps & { children: ReactNode }) {
  const navigate = useNavigate();
  return (
    // The links inside are what is clicked and focused; the box only takes their clicks into the app.
    // eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-static-element-interactions
    <div {...box} onClick={(event) => followInApp(event, navigate)}>
      {children}
    </div>
  );
}

/**
 * A box (an {@link InAppLinks} box) whose children are drawn from `of` alone, and need no router (plain links): on
 * the server they are rendered once per `of` and `part`, and every later request with the same `of` (a kept view
 * of the rollup) sends that markup; in the browser they are rendered as usual.
 */
export function RenderedOnce({
  of,
  part,
  children,
  ...box
}: BoxProps & { of: object; part: string; children: ReactElement }) {
  const document = useContext(DocumentContext);
  if (document === null) return <InAppLinks {...box}>{children}</InAppLinks>;
  let parts = kept.get(of);
  if (!parts) kept.set(of, (parts = new Map()));
  let bytes = parts.get(part);
  if (!bytes) parts.set(part, (bytes = new TextEncoder().encode(document.render(children))));
  return <div {...box} dangerouslySetInnerHTML={{ __html: document.splice(bytes) }} />;
}
