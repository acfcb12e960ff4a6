import { DateTime } from "luxon";

// Plant-local calendar days as "YYYY-MM-DD" text. Arithmetic is on dates, never on instants, so a DST
// transition never makes a day vanish or repeat.

export function localDay(instant: string | Date, zone: string): string {
  const dt = typeof instant === "string" ? DateTime.fromISO(instant, { zone: "utc" }) : DateTime.fromJSDate(instant);
  return dt.setZone(zone).toISODate()!;
}

export function addDays(day: string, days: number): string {
  const n = dayNumber(day);
  if (n === null) return DateTime.fromISO(day, { zone: "utc" }).plus({ days }).toISODate()!;
  return new Date((n + days) * DAY_MS).toISOString().slice(0, 10);
}

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Days since 1970-01-01 of a "YYYY-MM-DD" day, by integer arithmetic: calendar days are counted for every
 * observation of every conduit, and date-library objects per day cost more than the rest of readiness together.
 * Null for text that is not such a day (the caller falls back to the library).
 */
function dayNumber(day: string): number | null {
  const match = ISO_DAY.exec(day);
  if (!match) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = new Date(Date.UTC(year, month - 1, date));
  // Not a day of the calendar (2026-02-30) or before year 1000: left to the library.
  if (year < 1000 || at.getUTCMonth() !== month - 1 || at.getUTCDate() !== date) return null;
  return at.getTime() / DAY_MS;
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  const from = dayNumber(a);
  const to = dayNumber(b);
  if (from === null || to === null) {
    return Math.round(DateTime.fromISO(b, { zone: "utc" }).diff(DateTime.fromISO(a, { zone: "utc" }), "days").days);
  }
  return to - from;
}

export function isIsoDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value, { zone: "utc" }).isValid;
}
