import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

// The pieces of a person's queue (/me): a section's list of work, and the line saying how much of it is left out.

/** A list of work, each item "plant · what" linking to where it is done, with what follows the link and a detail line. */
export function QueueList<Item extends { plantCode: string }>({
  items,
  itemKey,
  href,
  label,
  after,
  detail,
  itemData,
}: {
  items: readonly Item[];
  itemKey: (item: Item) => string;
  href: (item: Item) => string;
  label: (item: Item) => ReactNode;
  after?: (item: Item) => ReactNode;
  detail?: (item: Item) => ReactNode;
  /** Data attributes of an item's line (what it is, for scripts and tests). */
  itemData?: (item: Item) => Record<`data-${string}`, string>;
}) {
  return (
    <ul className="queue">
      {items.map((i) => (
        <li key={itemKey(i)} data-plant={i.plantCode} {...itemData?.(i)}>
          <Link to={href(i)}>
            <span className="mono">{i.plantCode}</span> · {label(i)}
          </Link>
          {after?.(i)}
          {detail ? <div className="muted">{detail(i)}</div> : null}
        </li>
      ))}
    </ul>
  );
}

/** Says how much of a list the queue left out, oldest work first being what it shows. */
export function More({ shown, total, noun }: { shown: number; total: number; noun: string }) {
  if (total <= shown) return null;
  return (
    <p className="muted">
      The first {shown.toLocaleString("en-US")} of {total.toLocaleString("en-US")} {noun} are listed, and{" "}
      {(total - shown).toLocaleString("en-US")} more; the rest follow as these are done.
    </p>
  );
}
