import type { TopBlocker } from "~/domain/rollup";

/** A blocker's age flag (open 14 or 30 days or more): a mark and words, coloured by how old; nothing when young. */
export function BlockerFlag({ flag }: { flag: TopBlocker["flag"] }) {
  if (flag === null) return null;
  return <span className={flag === "30+" ? "badge bad" : "badge warn"}>⚑ {flag} days</span>;
}
