// Reading list state (sort, page, filters) from a URL. Anything unknown or malformed falls back to the
// default and is reported, so a hand-edited or stale link shows a page with a notice instead of failing.

export type SortDirection = "asc" | "desc";

export function parseSort<K extends string>(
  params: URLSearchParams,
  keys: readonly K[],
  fallback: { sort: K; dir: SortDirection },
  ignored: string[]
): { sort: K; dir: SortDirection } {
  const rawSort = params.get("sort");
  const rawDir = params.get("dir");
  let sort = fallback.sort;
  let dir = fallback.dir;
  if (rawSort !== null) {
    if ((keys as readonly string[]).includes(rawSort)) {
      sort = rawSort as K;
      dir = "asc";
    } else ignored.push(`sort “${rawSort}” is not a column here; sorted by ${fallback.sort}`);
  }
  if (rawDir !== null) {
    if (rawDir === "asc" || rawDir === "desc") dir = rawDir;
    else ignored.push(`direction “${rawDir}” is neither asc nor desc`);
  }
  return { sort, dir };
}

/** Reads a page number; `name` tells apart the pagers of a page that lists several things. */
export function parsePage(params: URLSearchParams, ignored: string[], name = "page"): number {
  const raw = params.get(name);
  if (raw === null || raw === "") return 1;
  if (/^\d{1,6}$/.test(raw) && Number(raw) >= 1) return Number(raw);
  ignored.push(`${name} “${raw}” is not a page number; showing page 1`);
  return 1;
}

/** Reads an optional filter that must be one of `values`; anything else is dropped and reported. */
export function parseChoice<T extends string>(
  params: URLSearchParams,
  name: string,
  values: readonly T[],
  ignored: string[]
): T | null {
  const raw = params.get(name);
  if (raw === null || raw === "") return null;
  if ((values as readonly string[]).includes(raw)) return raw as T;
  ignored.push(`${name} “${raw}” is not a known value; filter not applied`);
  return null;
}

/** Reads an optional positive integer id filter. */
export function parseId(params: URLSearchParams, name: string, ignored: string[]): number | null {
  const raw = params.get(name);
  if (raw === null || raw === "") return null;
  if (/^\d{1,9}$/.test(raw) && Number(raw) >= 1) return Number(raw);
  ignored.push(`${name} “${raw}” is not a valid id; filter not applied`);
  return null;
}

/** A free-text search term, trimmed and bounded. */
export function parseSearch(params: URLSearchParams, name: string): string {
  return (params.get(name) ?? "").trim().slice(0, 100);
}

export interface PageWindow {
  page: number;
  pageCount: number;
  offset: number;
  limit: number;
}

/** Clamps a requested page to the pages that exist for `total` rows. */
export function pageWindow(requested: number, total: number, limit: number): PageWindow {
  const pageCount = Math.max(1, Math.ceil(total / limit));
  const page = Math.min(Math.max(1, requested), pageCount);
  return { page, pageCount, offset: (page - 1) * limit, limit };
}

/** The page of a list that the address asks for, clamped to the pages that exist, with a note when it was clamped. */
export function requestedWindow(
  params: URLSearchParams,
  ignored: string[],
  total: number,
  limit: number,
  name = "page"
): PageWindow {
  const requested = parsePage(params, ignored, name);
  const window = pageWindow(requested, total, limit);
  if (window.page !== requested) ignored.push(`${name} ${requested} does not exist; showing page ${window.page}`);
  return window;
}

/** As `localeCompare(…, "en", { numeric: true })`, built once: building it per comparison cost milliseconds a sort. */
const textOrder = new Intl.Collator("en", { numeric: true });

export function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return textOrder.compare(String(a), String(b));
}

/** A page of an API list: at most `limit` items from the `offset`-th, in the list's own order. */
export interface ApiPage {
  limit: number;
  offset: number;
}

/**
 * Reads `limit` and `offset` of an API list; `max` is both the default and the largest limit. An API answers bad
 * paging with 400 rather than guessing, so the result is a refusal naming the parameter.
 */
export function parseApiPage(params: URLSearchParams, max: number): ApiPage | { error: string } {
  const page: ApiPage = { limit: max, offset: 0 };
  for (const key of ["limit", "offset"] as const) {
    const raw = params.get(key);
    if (raw === null) continue;
    const least = key === "limit" ? 1 : 0;
    const most = key === "limit" ? max : 10_000_000;
    if (!/^\d{1,8}$/.test(raw) || Number(raw) < least || Number(raw) > most)
      return {
        error: `${key}: “${raw.slice(0, 40)}” is not a whole number from ${least} to ${most.toLocaleString("en-US")}.`,
      };
    page[key] = Number(raw);
  }
  return page;
}

/** The address of the page after `page` when there are more items, else null. */
export function nextPageHref(url: URL, page: ApiPage, more: boolean): string | null {
  if (!more) return null;
  const next = new URL(url);
  next.searchParams.set("offset", String(page.offset + page.limit));
  return `${next.pathname}${next.search}`;
}
