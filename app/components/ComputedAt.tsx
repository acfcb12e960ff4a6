import type { ReactNode } from "react";

/** When the page's figures were computed, in UTC, and what the page puts beside it (its links, the plant's time). */
export function ComputedAt({ at, children }: { at: string; children?: ReactNode }) {
  return (
    <p className="computed-at">
      Computed <time dateTime={at}>{at.replace("T", " ").slice(0, 16)} UTC</time>
      {children}
    </p>
  );
}
