import type { PlantReadiness } from "~/domain/readiness";
import { computeReadinessOf } from "~/models/readiness.server";
import type { Rollup } from "~/domain/rollup";
import { computeRollup } from "~/models/rollup.server";
import { auditActsBetween, auditHashAt, auditHead } from "~/models/audit.server";
import { listPlantCodes } from "~/models/plants.server";
import { isSharedDb } from "~/utils/db.server";

/** The database handle the readiness and rollup models take. */
type Executor = Parameters<typeof computeReadinessOf>[0];

// ——— The server's readiness cache ———
//
// Judging every plant takes a query per kind of fact over the whole program and a pass of the rules per plant;
// the server answers the same question many times a second. Each plant's answer is kept while nothing it depends
// on has changed, and never longer than READINESS_FRESH_MS:
// - Changes. Every change the app makes, in this process or another (the server's other workers, the ingest
//   command, an import), writes audit events naming its plant in the change's own transaction. The events after
//   the last one seen (a range of the primary key) say which plants changed: those are judged again. An event of no
//   plant (account roles, settings, an import) clears every answer, except acts that change nothing readiness reads
//   (signing in, tokens). A trail that does not continue the one seen (reset) clears everything too.
//   Writes that leave no audit event are the app's bookkeeping (a token's last use) or a change behind its back
//   (a hand repair with sqlite3): the latter shows once the answers expire, or at a restart.
// - Time. Readiness also depends on the clock (baseline days, ages, the next outage window): an answer computed
//   at T is served until T + READINESS_FRESH_MS and says it was computed at T (`at`); pages show it.
// Only the server's shared connection, outside any transaction, and only for "now" (not a past instant) is
// cached: a gate pass judges inside its own transaction, and scripts and tests judge afresh.
// The models stay stateless: this module (request-facing, over the readiness and rollup models) holds the state.

/** How long an answer computed at T is served for a request at "now". */
const READINESS_FRESH_MS = 5 * 60_000;
/** A requested instant this close to the clock counts as "now". */
const NOW_TOLERANCE_MS = 5_000;

interface CachedPlant {
  computedAt: number;
  readiness: PlantReadiness;
}

const cache = {
  head: { seq: 0, hash: "" },
  /** Bumped whenever answers are dropped, so a computation that straddled a change is not kept. */
  generation: 0,
  plants: new Map<string, CachedPlant>(),
  inflight: new Map<string, Promise<PlantReadiness[]>>(),
  /** Answers that depend on the whole program (the rollup): dropped by any change at all. */
  whole: new Map<string, { computedAt: number; generation: number; value: Promise<unknown> }>(),
};

/**
 * Acts that change nothing readiness reads: signing in and out, tokens and feed links, a password. They name no
 * plant, and would otherwise drop every answer at each sign-in.
 */
const NO_READINESS_INPUT = [
  "session.",
  "api_token.",
  "feed_token.",
  "account.reset_password",
  "account.create",
] as const;

/** Forgets every cached answer. */
function clearReadinessCache(): void {
  cache.plants.clear();
  cache.whole.clear();
  cache.generation++;
}

/** Brings the cache up to date with the database: drops the answers of whatever changed since the last look. */
async function invalidate(db: Executor): Promise<void> {
  const head = await auditHead(db);
  const now = { seq: head?.seq ?? 0, hash: head?.hash ?? "" };
  const seen = cache.head;
  if (now.seq !== seen.seq || now.hash !== seen.hash) {
    // Every change the app makes, in this process or another (the server's other workers, the ingest command),
    // writes audit events naming its plant in the same transaction: they say which answers to drop.
    const continues = now.seq > seen.seq && (seen.seq === 0 || (await auditHashAt(db, seen.seq)) === seen.hash);
    const changed = continues
      ? (await auditActsBetween(db, seen.seq, now.seq)).filter(
          (event) => !NO_READINESS_INPUT.some((prefix) => event.action.startsWith(prefix))
        )
      : null;
    if (!changed || changed.some((event) => event.plant_id === null || event.code === null)) {
      clearReadinessCache();
    } else if (changed.length > 0) {
      for (const event of changed) cache.plants.delete(event.code!);
      cache.whole.clear();
      cache.generation++;
    }
  }
  cache.head = now;
}

/**
 * Readiness of each plant (all when `codes` is omitted) at an instant. On the server, for "now", an answer up to
 * READINESS_FRESH_MS old may be given when nothing it depends on has changed since: its `at` says when it was
 * computed.
 */
export async function readinessOf(db: Executor, at: string, codes?: string[]): Promise<PlantReadiness[]> {
  const atMs = Date.parse(at);
  const nowMs = Date.now();
  if (!isSharedDb(db) || !Number.isFinite(atMs) || Math.abs(atMs - nowMs) > NOW_TOLERANCE_MS) {
    return computeReadinessOf(db, at, codes);
  }
  await invalidate(db);
  // As `loadPlantStates` gives them: each plant once, by code.
  const wanted = [...new Set(codes ?? (await listPlantCodes(db)))].sort();
  const fresh = (hit: CachedPlant | undefined): hit is CachedPlant =>
    hit !== undefined && nowMs - hit.computedAt < READINESS_FRESH_MS;
  const missing = wanted.filter((code) => !fresh(cache.plants.get(code)));
  if (missing.length === 0) return wanted.map((code) => cache.plants.get(code)!.readiness);
  // The answers in hand now, before anything is awaited (a request meanwhile may drop them).
  const held = new Map(wanted.flatMap((code) => (missing.includes(code) ? [] : [[code, cache.plants.get(code)!]])));

  // One computation per question at a time: concurrent requests that miss wait for the same answer.
  const key = `${cache.generation}|${missing.join(",")}`;
  let pending = cache.inflight.get(key);
  if (!pending) {
    const generation = cache.generation;
    pending = computeReadinessOf(db, at, missing).then((computed) => {
      // Kept only if nothing was dropped while it was computed.
      if (generation === cache.generation) {
        for (const readiness of computed) cache.plants.set(readiness.code, { computedAt: atMs, readiness });
      }
      return computed;
    });
    const settled = pending.finally(() => cache.inflight.delete(key));
    cache.inflight.set(key, settled);
    pending = settled;
  }
  const computed = new Map((await pending).map((r) => [r.code, r]));
  return wanted.flatMap((code) => {
    const readiness = computed.get(code) ?? held.get(code)?.readiness;
    return readiness ? [readiness] : [];
  });
}

/**
 * An answer about the whole program at "now" (the rollup), computed by `compute` and kept like readiness: while
 * nothing at all has changed, and at most READINESS_FRESH_MS. `compute` gets the instant to compute at, and the
 * caller should say when its answer was computed. Outside the server's shared connection, or for an instant that
 * is not "now", it simply computes.
 */
async function wholeProgramAnswer<T>(
  db: Executor,
  key: string,
  now: Date,
  compute: (now: Date) => Promise<T>
): Promise<T> {
  const nowMs = Date.now();
  if (!isSharedDb(db) || Math.abs(now.getTime() - nowMs) > NOW_TOLERANCE_MS) return compute(now);
  await invalidate(db);
  const held = cache.whole.get(key);
  if (held && held.generation === cache.generation && nowMs - held.computedAt < READINESS_FRESH_MS) {
    return held.value as Promise<T>;
  }
  const generation = cache.generation;
  const value = compute(now);
  cache.whole.set(key, { computedAt: now.getTime(), generation, value });
  // A failed computation is not kept; one that straddled a change is dropped by the generation check above.
  value.catch(() => {
    if (cache.whole.get(key)?.value === value) cache.whole.delete(key);
  });
  return value;
}

/**
 * The program rollup as of `now`, for every plant or the given ones. On the server it is computed once and kept
 * while nothing in the program changes (at most a few minutes: `computedAt` says when it was computed).
 */
export function loadRollup(db: Executor, now: Date, plantIds: readonly number[] | null = null): Promise<Rollup> {
  const key = `rollup:${plantIds === null ? "*" : [...plantIds].sort((a, b) => a - b).join(",")}`;
  return wholeProgramAnswer(db, key, now, (at) => computeRollup(db, at, plantIds, readinessOf));
}

/** Views of one rollup kept per request key (a page's address): dropped with the rollup they were made from. */
const views = new WeakMap<Rollup, Map<string, unknown>>();
/**
 * At most this many views of one rollup (filters × sorts × pages, in each worker): past it, the oldest go first. A
 * dashboard view holds its rendered tables (some 250 KB), so addresses made up to differ cost at most this many.
 */
const VIEWS_KEPT = 64;

/**
 * What a page makes of a rollup for a request key (its filters, sort and page), made once per rollup: while the
 * server keeps the rollup (nothing changed, still fresh), every reader of the same address gets the same view. A
 * rollup computed afresh (a change, its age, a script or test) is a new object, so its views are made afresh.
 * Only for what is the same for every reader allowed to read the page.
 */
export function rollupView<T>(rollup: Rollup, key: string, make: (rollup: Rollup) => T): T {
  let kept = views.get(rollup);
  if (!kept) views.set(rollup, (kept = new Map()));
  if (kept.has(key)) return kept.get(key) as T;
  const view = make(rollup);
  if (kept.size >= VIEWS_KEPT) kept.delete(kept.keys().next().value!);
  kept.set(key, view);
  return view;
}
