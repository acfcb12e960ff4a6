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

// ——— month calendars (the plant's windows and the program's) ———

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A "YYYY-MM" month from 2000 to 2100, or null for anything else. */
export function parseMonth(raw: string | null | undefined): string | null {
  const match = raw ? MONTH.exec(raw) : null;
  if (!match) return null;
  const year = Number(match[1]);
  return year >= 2000 && year <= 2100 ? raw! : null;
}

/** The month `months` after (or before) a "YYYY-MM" month. */
export function shiftMonth(month: string, months: number): string {
  return DateTime.fromISO(`${month}-01`, { zone: "utc" }).plus({ months }).toFormat("yyyy-MM");
}

/** "December 2026" */
function monthLabel(month: string): string {
  return DateTime.fromISO(`${month}-01`, { zone: "utc" }).toFormat("LLLL yyyy");
}

export interface MonthDay {
  /** "YYYY-MM-DD" */
  date: string;
  day: number;
  inMonth: boolean;
  today: boolean;
}

/** The weeks (Monday first) that cover a "YYYY-MM" month, each day marked in the month or not, and today. */
export function monthWeeks(month: string, today: string): MonthDay[][] {
  const first = DateTime.fromISO(`${month}-01`, { zone: "utc" });
  const start = first.startOf("week");
  const end = first.plus({ months: 1 });
  const weeks: MonthDay[][] = [];
  for (let day = start; day < end || day.weekday !== 1; day = day.plus({ days: 1 })) {
    if (day.weekday === 1) weeks.push([]);
    const date = day.toISODate()!;
    weeks.at(-1)!.push({ date, day: day.day, inMonth: day.month === first.month, today: date === today });
  }
  return weeks;
}

/**
 * What a windows page's query asks for: the list or the month view, the month (today's unless `month` names one)
 * (with its name and the months either side) and, in the month view, its weeks. A value that is none of these is noted in `ignored` and the default shown.
 */
export function windowsView(
  params: URLSearchParams,
  today: string,
  ignored: string[]
): {
  view: "list" | "month";
  month: string;
  monthLabel: string;
  prevMonth: string;
  nextMonth: string;
  weeks: MonthDay[][];
} {
  const rawView = params.get("view");
  let view: "list" | "month" = "list";
  if (rawView === "month" || rawView === "list") view = rawView;
  else if (rawView !== null) ignored.push(`view “${rawView.slice(0, 40)}” is not list or month; showing the list.`);
  let month = today.slice(0, 7);
  const rawMonth = params.get("month");
  if (rawMonth !== null) {
    const parsed = parseMonth(rawMonth);
    if (parsed) month = parsed;
    else ignored.push(`month “${rawMonth.slice(0, 40)}” is not a month (YYYY-MM); showing ${month}.`);
  }
  return {
    view,
    month,
    monthLabel: monthLabel(month),
    prevMonth: shiftMonth(month, -1),
    nextMonth: shiftMonth(month, 1),
    weeks: view === "month" ? monthWeeks(month, today) : [],
  };
}

/** The calendar days (in the window's own zone) a span covers: from its start's day to the day of its last minute. */
export function spanDays(startsAt: string, endsAt: string, zone: string): { first: string; last: string } {
  const first = localDay(startsAt, zone);
  const lastInstant = new Date(Math.max(Date.parse(startsAt), Date.parse(endsAt) - 1)).toISOString();
  return { first, last: localDay(lastInstant, zone) };
}

export interface DayItems<T> {
  /** At most `perDay` items, in the order given. */
  shown: T[];
  /** How many more the day holds ("+N more"). */
  more: number;
}

/**
 * The items of each day of `weeks` (each item on every day of its own zone it covers), at most `perDay` a day, with
 * the count of the rest. Days without items are left out.
 */
export function itemsByDay<T extends { startsAt: string; endsAt: string; timeZone: string }>(
  weeks: readonly MonthDay[][],
  items: readonly T[],
  perDay: number
): Record<string, DayItems<T>> {
  const days = weeks.flat().map((d) => d.date);
  const byDay: Record<string, DayItems<T>> = {};
  for (const item of items) {
    const { first, last } = spanDays(item.startsAt, item.endsAt, item.timeZone);
    for (const date of days) {
      if (date < first || date > last) continue;
      const entry = (byDay[date] ??= { shown: [], more: 0 });
      if (entry.shown.length < perDay) entry.shown.push(item);
      else entry.more += 1;
    }
  }
  return byDay;
}

/** Windows with the blackouts first (each group in the order given), so a day's shown items always hold its blackouts. */
export function blackoutsFirst<T extends { kind: string }>(windows: readonly T[]): T[] {
  return [...windows.filter((w) => w.kind === "blackout"), ...windows.filter((w) => w.kind !== "blackout")];
}
