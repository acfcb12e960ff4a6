import { DateTime, IANAZone } from "luxon";
import { isIsoDay } from "./calendar";
import { isValidTimeZone, localClock } from "./time";

// Plant-local wall-clock input ("2026-03-08", "02:30", "America/Chicago") turned into a UTC instant, refusing
// what luxon would silently "fix":
// - a time inside a spring-forward gap does not exist; luxon would move it forward an hour;
// - a time inside a fall-back overlap happens twice; luxon would pick one offset without saying so.
// We do not trust luxon's resolution: we list every offset the zone uses around that wall time and keep those
// whose instant reads back as the same wall time. None → gap, two → ambiguous, one → fine.

export interface OffsetCandidate {
  /** "-05:00" */
  offset: string;
  /** "CDT" */
  abbreviation: string;
  /** UTC ISO instant, e.g. "2026-11-01T06:30:00.000Z" */
  instant: string;
}

export type LocalTimeField = "date" | "time" | "timeZone" | "offset";

export type LocalTimeResult =
  | { ok: true; instant: string; offset: string; abbreviation: string }
  | { ok: false; field: LocalTimeField; message: string; ambiguous?: OffsetCandidate[] };

const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Reads a plant-local date and time in an IANA zone.
 *
 * `offsetChoice` settles a fall-back ambiguity: either the offset ("-05:00") or the abbreviation ("CDT") of one of
 * the two candidates. It is ignored when the time is not ambiguous (a stale choice left in a form after the user
 * changed the time must not block the save); when it is ambiguous and the choice matches neither candidate, the
 * answer is the same refusal as without a choice.
 */
export function parseLocalDateTime(date: string, time: string, zone: string, offsetChoice?: string): LocalTimeResult {
  if (!zone || !isValidTimeZone(zone)) {
    return { ok: false, field: "timeZone", message: `“${zone}” is not a known IANA time zone (e.g. America/Chicago).` };
  }
  if (!isIsoDay(date)) {
    return { ok: false, field: "date", message: `“${date}” is not a calendar date; use YYYY-MM-DD, e.g. 2026-03-08.` };
  }
  const timeMatch = TIME_PATTERN.exec(time);
  if (!timeMatch) {
    return { ok: false, field: "time", message: `“${time}” is not a time of day; use 24-hour HH:mm, e.g. 22:00.` };
  }
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, day, Number(timeMatch[1]), Number(timeMatch[2]));
  const tz = IANAZone.create(zone);
  const candidates = wallTimeCandidates(wall, tz);
  const when = DateTime.fromMillis(wall, { zone: "utc" }).setLocale("en-US");
  const asked = `${when.toFormat("h:mm a")} on ${when.toFormat("d LLLL yyyy")}`;

  if (candidates.length === 0) {
    const jump = transitionAround(wall, tz);
    return {
      ok: false,
      field: "time",
      message: `${asked} does not exist in ${zone}: clocks jump from ${jump.from} to ${jump.to}.`,
    };
  }
  if (candidates.length === 1) {
    const only = candidates[0]!;
    return { ok: true, instant: only.instant, offset: only.offset, abbreviation: only.abbreviation };
  }
  const chosen = offsetChoice
    ? candidates.find((c) => c.offset === offsetChoice || c.abbreviation === offsetChoice)
    : undefined;
  if (chosen) return { ok: true, instant: chosen.instant, offset: chosen.offset, abbreviation: chosen.abbreviation };
  const jump = transitionAround(wall, tz);
  const [first, second] = candidates as [OffsetCandidate, OffsetCandidate];
  return {
    ok: false,
    field: "offset",
    ambiguous: candidates,
    message:
      `${asked} happens twice in ${zone}: clocks fall back from ${jump.from} to ${jump.to}. ` +
      `Choose ${first.offset} (${first.abbreviation}, the first time) or ${second.offset} (${second.abbreviation}, the second time).`,
  };
}

/** Every instant, earliest first, whose wall-clock reading in the zone is `wall` (wall time written as UTC millis). */
function wallTimeCandidates(wall: number, tz: IANAZone): OffsetCandidate[] {
  // Any transition affecting this wall time lies within ±14 h of it; ±1 day catches the offsets on both sides.
  const offsets = new Set([-2, -1, 0, 1, 2].map((d) => tz.offset(wall + d * 24 * HOUR)));
  const found: OffsetCandidate[] = [];
  for (const offset of offsets) {
    const instant = wall - offset * MINUTE;
    if (tz.offset(instant) !== offset) continue;
    const dt = DateTime.fromMillis(instant, { zone: tz, locale: "en-US" });
    found.push({
      offset: dt.toFormat("ZZ"),
      abbreviation: dt.offsetNameShort ?? dt.toFormat("ZZ"),
      instant: new Date(instant).toISOString(),
    });
  }
  return found.sort((a, b) => a.instant.localeCompare(b.instant));
}

/** The wall-clock readings ("2:00", "3:00") just before and at the zone's transition nearest to `wall`. */
function transitionAround(wall: number, tz: IANAZone): { from: string; to: string } {
  let lo = wall - 30 * HOUR;
  let hi = wall + 30 * HOUR;
  const before = tz.offset(lo);
  if (tz.offset(hi) === before) return { from: "?", to: "?" };
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / MINUTE / 2) * MINUTE;
    if (tz.offset(mid) === before) lo = mid;
    else hi = mid;
  }
  const clock = (ms: number) => DateTime.fromMillis(ms, { zone: "utc" }).toFormat("H:mm");
  return { from: clock(hi + before * MINUTE), to: clock(hi + tz.offset(hi) * MINUTE) };
}

/**
 * A window as people at the plant read it, each end with its own abbreviation:
 * "Sun 8 Mar 2026 01:00 CST – 05:00 CDT", or with both dates when it spans local days:
 * "Sat 7 Mar 2026 22:00 CST – Sun 8 Mar 2026 04:00 CDT".
 */
export function formatLocalRange(startIso: string, endIso: string, zone: string): string {
  const start = localClock(startIso, zone);
  const end = localClock(endIso, zone);
  const startDay = localDate(startIso, zone);
  const endDay = localDate(endIso, zone);
  const endText = startDay === endDay ? `${end.time} ${end.abbreviation}` : `${endDay} ${end.time} ${end.abbreviation}`;
  return `${startDay} ${start.time} ${start.abbreviation} – ${endText}`;
}

/** "Sun 8 Mar 2026" */
function localDate(instant: string, zone: string): string {
  return DateTime.fromISO(instant, { zone: "utc" }).setZone(zone).setLocale("en-US").toFormat("ccc d LLL yyyy");
}

/** Real elapsed minutes between two instants (a 22:00–04:00 night across spring-forward is 300, not 360). */
export function realDurationMinutes(startIso: string, endIso: string): number {
  return Math.round((Date.parse(endIso) - Date.parse(startIso)) / MINUTE);
}

/**
 * The form values that read an instant back as plant-local input: `{ date, time, offset }`. Passing all three to
 * `parseLocalDateTime` gives the same instant again, including the second 1:30 of a fall-back night.
 */
export function localInputValues(instantIso: string, zone: string): { date: string; time: string; offset: string } {
  const dt = DateTime.fromISO(instantIso, { zone: "utc" }).setZone(zone);
  return { date: dt.toISODate()!, time: dt.toFormat("HH:mm"), offset: dt.toFormat("ZZ") };
}

export interface LocalFields {
  date: string;
  time: string;
  /** "-05:00" or "CDT": settles a fall-back ambiguity; ignored otherwise. */
  offset?: string | null;
}

export type LocalFieldsResult =
  | { ok: true; instant: string; offset: string; abbreviation: string }
  | { ok: false; field: string; message: string; offsets?: OffsetCandidate[] };

/**
 * A plant-local date and time (and offset choice) as a UTC instant, or the field at fault: `${prefix}.time` for a
 * time inside a spring-forward gap (the message names the time and the zone), `${prefix}.offset` for an ambiguous
 * fall-back time (with both candidate offsets), `${prefix}.date`, or `timeZone` for a zone the plant should not have.
 */
export function instantFromLocalFields(fields: LocalFields, zone: string, prefix: string): LocalFieldsResult {
  const result = parseLocalDateTime(fields.date, fields.time, zone, fields.offset ?? undefined);
  if (result.ok) return result;
  const field = result.field === "timeZone" ? "timeZone" : `${prefix}.${result.field}`;
  return {
    ok: false,
    field,
    message: `${field}: ${result.message}`,
    ...(result.ambiguous ? { offsets: result.ambiguous } : {}),
  };
}
