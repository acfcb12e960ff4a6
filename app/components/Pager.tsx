import { Link, useSearchParams } from "@remix-run/react";

interface PagerProps {
  page: number;
  pageCount: number;
  total: number;
  offset: number;
  shown: number;
  noun: string;
}

export function Pager({ page, pageCount, total, offset, shown, noun }: PagerProps) {
  const [params] = useSearchParams();
  const hrefFor = (target: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(target));
    return `?${next.toString()}`;
  };
  const first = total === 0 ? 0 : offset + 1;
  return (
    <div className="pager">
      <p className="muted" aria-live="polite">
        {total === 0
          ? `No ${noun} match.`
          : `Showing ${first}–${offset + shown} of ${total.toLocaleString("en-US")} ${noun}`}
      </p>
      <nav aria-label="Pages">
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
          Page {page} of {pageCount}
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
