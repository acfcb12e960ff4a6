/**
 * What a page shows the same to every reader, read once per change and kept on the server (its markup is kept by
 * `RenderedOnce`, app/components/RenderedOnce.tsx).
 * The key names the change (for a plant: its code and the instant its readiness was computed, which every audited
 * change of the plant renews). Concurrent misses share one computation; a failed one is not kept. At most `limit`
 * answers are kept, the least recently used going first.
 */
export function keptPerChange<T>(limit: number) {
  const kept = new Map<string, Promise<T>>();
  return (key: string, compute: () => Promise<T>): Promise<T> => {
    const hit = kept.get(key);
    if (hit) {
      kept.delete(key);
      kept.set(key, hit);
      return hit;
    }
    const answer = compute();
    kept.set(key, answer);
    answer.catch(() => {
      if (kept.get(key) === answer) kept.delete(key);
    });
    while (kept.size > limit) kept.delete(kept.keys().next().value!);
    return answer;
  };
}
