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
  const at = typeof instant === "string" ? new Date(instant) : instant;
  const parts = zoneFormatter(zone)?.formatToParts(at);
  if (!parts || Number.isNaN(at.getTime())) {
    const clock = localClock(instant, zone);
    const day = DateTime.fromJSDate(at).setZone(zone).toISODate();
    return `${day} ${clock.time} ${clock.abbreviation}`;
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  // Lists show many instants: one cached formatter per zone instead of date-library objects per instant.
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")} ${part("timeZoneName")}`;
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat | null>();

/** The plant clock's fields and the zone's abbreviation as luxon gives them ("MST", "GMT+1"), per zone. */
function zoneFormatter(zone: string): Intl.DateTimeFormat | null {
  let formatter = zoneFormatters.get(zone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
        timeZoneName: "short",
      });
    } catch {
      formatter = null;
    }
    zoneFormatters.set(zone, formatter);
  }
  return formatter;
}

/** Dates already put in words: a page shows the same few hundred days many times, and Luxon takes 20 µs a date. */
const formattedDates = new Map<string, string>();
const FORMATTED_DATES_KEPT = 5_000;

/** "25 Nov 2026" for a calendar date "YYYY-MM-DD". */
export function formatDate(date: string | null): string {
  if (!date) return "—";
  let text = formattedDates.get(date);
  if (text === undefined) {
    const parsed = DateTime.fromISO(date, { zone: "utc" });
    text = parsed.isValid ? parsed.toFormat("d LLL yyyy") : date;
    if (formattedDates.size >= FORMATTED_DATES_KEPT) formattedDates.clear();
    formattedDates.set(date, text);
  }
  return text;
}

/**
 * A real elapsed duration as people say it: "45 min", "6 h", "7 h 30 min"; from a day on, in days and hours
 * ("1 d 2 h", "37 d 16 h", "2 d 30 min"), never "904 h". The one formatting of durations the app shows.
 */
export function formatDuration(minutes: number): string {
  if (!Number.isFinite(minutes)) return "—";
  const total = Math.max(0, Math.round(minutes));
  const d = Math.floor(total / 1440);
  const h = Math.floor((total % 1440) / 60);
  const m = total % 60;
  const parts = [d ? `${d} d` : "", h ? `${h} h` : "", m ? `${m} min` : ""].filter(Boolean);
  return parts.join(" ") || "0 min";
}
