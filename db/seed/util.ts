import { DateTime } from "luxon";
import type { Random } from "./random";

// Time and ordering helpers shared by the demo seed's planners. Instants are epoch milliseconds while planning
// and UTC ISO text once stored; calendar days are plant-local "YYYY-MM-DD" text.

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A uniformly random whole second in [fromMs, toMs]; collapses to fromMs when the range is empty. */
export function between(rng: Random, fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return fromMs;
  return fromMs + rng.int(0, Math.floor((toMs - fromMs) / 1000)) * 1000;
}

/** Working hours on the plant-local weekday on or before the given day: people pass gates at the plant, not at 3 a.m. */
export function workTime(rng: Random, dayMs: number, timeZone: string, latestMs: number): number {
  let local = DateTime.fromMillis(dayMs, { zone: timeZone }).startOf("day");
  while (local.weekday > 5) local = local.minus({ days: 1 });
  const ms = local.set({ hour: rng.int(8, 16), minute: rng.int(0, 59) }).toMillis();
  return Math.min(ms, latestMs);
}

/** Working hours on a plant-local weekday in [fromMs, toMs], or fromMs itself when the range holds no working hour. */
export function workTimeBetween(rng: Random, fromMs: number, toMs: number, timeZone: string): number {
  if (toMs <= fromMs) return fromMs;
  for (let attempt = 0; attempt < 6; attempt++) {
    const candidate = workTime(rng, between(rng, fromMs, toMs), timeZone, toMs);
    if (candidate >= fromMs && candidate <= toMs) return candidate;
  }
  return between(rng, fromMs, toMs);
}

export function localDate(ms: number, timeZone: string): string {
  const date = DateTime.fromMillis(ms, { zone: timeZone }).toISODate();
  if (!date) throw new Error(`Invalid time zone ${timeZone}.`);
  return date;
}

/** Calendar arithmetic on "YYYY-MM-DD" days, never on instants (plain integers: this runs per observation). */
export function plusDays(day: string, days: number): string {
  return new Date(dayNumber(day) * DAY_MS + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b`, positive when b is later. */
export function daysFrom(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}

/** ISO weekday of a calendar day: 1 is Monday, 7 is Sunday. */
export function weekdayOf(day: string): number {
  return ((new Date(dayNumber(day) * DAY_MS).getUTCDay() + 6) % 7) + 1;
}

function dayNumber(day: string): number {
  const ms = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(ms)) throw new Error(`“${day}” is not a calendar day.`);
  return Math.round(ms / DAY_MS);
}

const hourStarts = new Map<string, number>();

/**
 * The instant a plant-local day and wall-clock time stands for. Zone offsets are costly to compute and the seed
 * asks for thousands (one per observation), so the start of each local hour is remembered; no US zone changes its
 * offset in the middle of an hour.
 */
export function localInstant(day: string, hour: number, minute: number, timeZone: string): number {
  const key = `${timeZone}|${day}|${hour}`;
  let start = hourStarts.get(key);
  if (start === undefined) {
    const dt = DateTime.fromISO(day, { zone: timeZone }).set({ hour, minute: 0, second: 0, millisecond: 0 });
    if (!dt.isValid) throw new Error(`${day} ${hour}:00 does not exist in ${timeZone}.`);
    start = dt.toMillis();
    hourStarts.set(key, start);
  }
  return start + minute * MINUTE_MS;
}

export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Plain code-point order: localeCompare would let the machine's locale change the seeded rows. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
