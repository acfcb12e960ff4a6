import { Link, useSearchParams } from "@remix-run/react";

interface PagerProps {
  page: number;
  pageCount: number;
  total: number;
  offset: number;
  shown: number;
  noun: string;
  /** The address parameter holding this list's page, for a page with several paged lists. */
  param?: string;
  /** The id of the list's section, so a page turn lands on it. */
  anchor?: string;
}

export function Pager({ page, pageCount, total, offset, shown, noun, param = "page", anchor }: PagerProps) {
  const [params] = useSearchParams();
  const hrefFor = (target: number) => {
    const next = new URLSearchParams(params);
    next.set(param, String(target));
    return `?${next.toString()}${anchor ? `#${anchor}` : ""}`;
  };
  const first = total === 0 ? 0 : offset + 1;
  return (
    <div className="pager">
      <p className="muted" aria-live="polite">
        {total === 0
          ? `No ${noun} match.`
          : `Showing ${first.toLocaleString("en-US")}–${(offset + shown).toLocaleString(
              "en-US"
            )} of ${total.toLocaleString("en-US")} ${noun}`}
      </p>
      <nav aria-label={`Pages of ${noun}`}>
        <Link
          className="button secondary"
          to={hrefFor(page - 1)}
          aria-disabled={page <= 1}
          tabIndex={page <= 1 ? -1 : undefined}
          preventScrollReset
        >
          ← Previous
        </Link>
        <span className="muted">
          Page {page.toLocaleString("en-US")} of {pageCount.toLocaleString("en-US")}
        </span>
        <Link
          className="button secondary"
          to={hrefFor(page + 1)}
          aria-disabled={page >= pageCount}
          tabIndex={page >= pageCount ? -1 : undefined}
          preventScrollReset
        >
          Next →
        </Link>
      </nav>
    </div>
  );
}
