import { DateTime, IANAZone } from "luxon";

// The one place where instants meet plant-local calendars. Instants are UTC ISO-8601 text;
// a plant's days and clock times are read in its IANA zone.

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

export interface LocalClock {
  /** e.g. "14:05" */
  time: string;
  /** e.g. "Wed 25 Nov" */
  date: string;
  /** The zone's abbreviation at that instant, e.g. "MST", "EDT". */
  abbreviation: string;
  /** e.g. "UTC−7" */
  offset: string;
  /** Minutes east of UTC, so plants sort west to east by clock. */
  offsetMinutes: number;
  iso: string;
}

export function localClock(instant: Date | string, zone: string): LocalClock {
  const base = typeof instant === "string" ? DateTime.fromISO(instant, { zone: "utc" }) : DateTime.fromJSDate(instant);
  const local = base.setZone(zone);
  return {
    time: local.toFormat("HH:mm"),
    date: local.toFormat("ccc d LLL"),
    abbreviation: local.offsetNameShort ?? local.toFormat("ZZ"),
    offset: `UTC${local.toFormat("Z").replace("-", "−")}`,
    offsetMinutes: local.offset,
    iso: local.toISO() ?? "",
  };
}

/** "2026-11-25 14:05 MST": an instant as people at the plant read it. */
export function formatLocal(instant: Date | string, zone: string): string {
  const clock = localClock(instant, zone);
  const day = (typeof instant === "string" ? DateTime.fromISO(instant, { zone: "utc" }) : DateTime.fromJSDate(instant))
    .setZone(zone)
    .toISODate();
  return `${day} ${clock.time} ${clock.abbreviation}`;
}

/** "25 Nov 2026" for a calendar date "YYYY-MM-DD". */
export function formatDate(date: string | null): string {
  if (!date) return "—";
  const parsed = DateTime.fromISO(date, { zone: "utc" });
  return parsed.isValid ? parsed.toFormat("d LLL yyyy") : date;
}

export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}
