import { useNavigate, type NavigateFunction } from "@remix-run/react";
import type { MouseEvent, ReactNode } from "react";

// Markup that is the same for every reader of a page and costs the most to render (the dashboard's matrix: some
// 2,000 cells) is rendered once on the server for the data it shows, and each request sends that markup as it is
// (app/http/prerender.server.tsx). The browser renders the same children from the same data, so the page hydrates
// as usual, and a page reached in the browser renders them there. Its links are plain anchors (a Remix link needs
// the request's router): one click handler takes the plain left clicks on them into the app's own navigation.

const markup = new WeakMap<object, string>();

/** Keeps the markup rendered for a data object (on the server; the browser never holds any). */
export function keepMarkup(of: object, html: string): void {
  markup.set(of, html);
}

/** Follows a plain left click on a link to a page of the app without loading the whole document. */
function followInApp(event: MouseEvent<HTMLElement>, navigate: NavigateFunction): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.altKey || event.ctrlKey || event.shiftKey)
    return;
  const link = event.target instanceof Element ? event.target.closest("a") : null;
  const href = link?.getAttribute("href");
  if (!link || !href || !href.startsWith("/") || href.startsWith("//") || link.target || link.hasAttribute("download"))
    return;
  event.preventDefault();
  navigate(href);
}

/**
 * A box whose children are rendered from `of` alone: on the server, the markup kept for `of` when there is some;
 * otherwise (in the browser, or nothing kept) the children.
 */
export function Prerendered({ of, className, children }: { of: object; className?: string; children: ReactNode }) {
  const navigate = useNavigate();
  const html = markup.get(of);
  if (html !== undefined) return <div className={className} dangerouslySetInnerHTML={{ __html: html }} />;
  return (
    // The links inside are what is clicked; the box only takes their clicks into the app.
    // eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-static-element-interactions
    <div className={className} onClick={(event) => followInApp(event, navigate)}>
      {children}
    </div>
  );
}
