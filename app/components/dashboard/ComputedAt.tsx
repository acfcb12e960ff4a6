/** When the page's figures were computed, in UTC. */
export function ComputedAt({ at }: { at: string }) {
  return (
    <p className="computed-at">
      Computed <time dateTime={at}>{at.replace("T", " ").slice(0, 16)} UTC</time>
    </p>
  );
}
