// Seeded pseudo-random numbers for demo data. Math.random would make every seed run different, and the demo
// program must be reproducible: the same seed yields the same program, row for row.

export interface Random {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  weighted<T>(items: readonly T[], weightOf: (item: T) => number): T;
  chance(probability: number): boolean;
  shuffle<T>(items: readonly T[]): T[];
  /** `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[];
  /**
   * An independent stream keyed by a label. Generating each plant from its own fork keeps a plant's data stable
   * when another plant's generation draws more or fewer numbers.
   */
  fork(label: string): Random;
}

export function createRandom(seed: number): Random {
  if (!Number.isSafeInteger(seed)) throw new Error(`The seed must be an integer, got ${seed}.`);
  const normalized = seed >>> 0;
  const next = mulberry32(normalized);

  const int = (min: number, max: number): number => {
    if (!Number.isInteger(min) || !Number.isInteger(max) || min > max) {
      throw new Error(`Cannot draw an integer between ${min} and ${max}.`);
    }
    return min + Math.floor(next() * (max - min + 1));
  };

  const shuffle = <T>(items: readonly T[]): T[] => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = int(0, i);
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  };

  return {
    seed: normalized,
    next,
    int,
    pick(items) {
      if (items.length === 0) throw new Error("Cannot pick from an empty list.");
      return items[int(0, items.length - 1)] as (typeof items)[number];
    },
    weighted(items, weightOf) {
      const weights = items.map((item) => Math.max(0, weightOf(item)));
      const total = weights.reduce((sum, w) => sum + w, 0);
      if (!(total > 0)) throw new Error("Cannot make a weighted pick when every weight is zero.");
      let remaining = next() * total;
      for (let i = 0; i < items.length; i++) {
        remaining -= weights[i] as number;
        if (remaining < 0) return items[i] as (typeof items)[number];
      }
      // Floating-point rounding can leave a sliver; it belongs to the last item with weight.
      let last = items.length - 1;
      while ((weights[last] as number) <= 0) last--;
      return items[last] as (typeof items)[number];
    },
    chance(probability) {
      return next() < probability;
    },
    shuffle,
    sample(items, count) {
      if (count > items.length) throw new Error(`Cannot sample ${count} of ${items.length} items.`);
      return shuffle(items).slice(0, count);
    },
    fork(label) {
      return createRandom(fnv1a(`${normalized}:${label}`));
    },
  };
}

/** mulberry32: tiny, fast and well distributed enough for demo data (not for anything secret). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
