import { DateTime } from "luxon";

// Plant-local calendar days as "YYYY-MM-DD" text. Arithmetic is on dates, never on instants, so a DST
// transition never makes a day vanish or repeat.

export function localDay(instant: string | Date, zone: string): string {
  const dt = typeof instant === "string" ? DateTime.fromISO(instant, { zone: "utc" }) : DateTime.fromJSDate(instant);
  return dt.setZone(zone).toISODate()!;
}

export function addDays(day: string, days: number): string {
  return DateTime.fromISO(day, { zone: "utc" }).plus({ days }).toISODate()!;
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round(DateTime.fromISO(b, { zone: "utc" }).diff(DateTime.fromISO(a, { zone: "utc" }), "days").days);
}

export function isIsoDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value, { zone: "utc" }).isValid;
}

/** The instant a plant-local day begins, in UTC ISO text. */
export function startOfLocalDay(day: string, zone: string): string {
  return DateTime.fromISO(day, { zone }).startOf("day").toUTC().toISO()!;
}
