import { formatLocalRange, realDurationMinutes } from "./local-time";
import type { WindowSpan } from "./outage-windows";
import { WINDOW_KIND_LABELS, WINDOW_STATUS_LABELS, labelFor } from "./vocabulary";
import { formatDuration } from "./time";

// Outage windows as an RFC 5545 calendar that Outlook, Google Calendar and Apple Calendar can subscribe to.
//
// Times are written in UTC ("DTSTART:20260308T070000Z") rather than with TZID=America/Chicago. A TZID requires a
// matching VTIMEZONE component carrying the zone's DST rules (RFC 5545 §3.2.19, §3.6.5), which we would have to
// generate and keep right; UTC needs none, is exact across DST transitions (no gap or ambiguity can arise), and every
// client converts it to the viewer's own zone. The plant's own local reading, with its abbreviation, is in the
// DESCRIPTION, so people at the plant still see "01:00 CST – 05:00 CDT".

const CALENDAR_PRODID = "-//Segmentation Tracker//Outage Windows//EN";

export interface CalendarWindow extends WindowSpan {
  /** Globally unique and stable across feeds and edits; see `windowUid`. */
  uid: string;
  plantCode: string;
  plantName: string;
  site: string;
  updatedAt: string;
  description?: string | null;
}

export interface CalendarFeedInput {
  name: string;
  windows: CalendarWindow[];
  /** The feed's generation instant: every DTSTAMP. */
  now: string;
}

/** The UID of a window's event: the same in the plant feed and the program feed, so clients never duplicate it. */
export function windowUid(windowId: number): string {
  return `window-${windowId}@segmentation-tracker`;
}

const ICAL_STATUS: Record<string, string> = {
  planned: "TENTATIVE",
  confirmed: "CONFIRMED",
  completed: "CONFIRMED",
  cancelled: "CANCELLED",
};

/** A whole `text/calendar` body: CRLF line endings, lines folded at 75 octets, events sorted by start then UID. */
export function calendarFeed(input: CalendarFeedInput): string {
  const lines: string[] = [
    "BEGIN:VCALENDAR",
    `PRODID:${CALENDAR_PRODID}`,
    "VERSION:2.0",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${escapeText(input.name)}`,
    "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    "X-PUBLISHED-TTL:PT1H",
  ];
  const windows = [...input.windows].sort((a, b) =>
    a.startsAt === b.startsAt ? a.uid.localeCompare(b.uid) : Date.parse(a.startsAt) - Date.parse(b.startsAt)
  );
  for (const w of windows) lines.push(...eventLines(w, input.now));
  lines.push("END:VCALENDAR");
  return lines.map(foldLine).join("\r\n") + "\r\n";
}

function eventLines(w: CalendarWindow, now: string): string[] {
  const kind = w.kind === "blackout" ? "blackout" : "scheduled outage";
  const lines = [
    "BEGIN:VEVENT",
    `UID:${escapeText(w.uid)}`,
    `DTSTAMP:${utcStamp(now)}`,
    `DTSTART:${utcStamp(w.startsAt)}`,
    `DTEND:${utcStamp(w.endsAt)}`,
    `SUMMARY:${escapeText(`${w.plantCode} ${kind}: ${w.title}`)}`,
    `LOCATION:${escapeText([w.plantName, w.site].filter(Boolean).join(", "))}`,
    `STATUS:${ICAL_STATUS[w.status] ?? "TENTATIVE"}`,
    `DESCRIPTION:${escapeText(describe(w))}`,
    `CATEGORIES:${escapeText(labelFor(WINDOW_KIND_LABELS, w.kind))}`,
    "TRANSP:OPAQUE",
    `LAST-MODIFIED:${utcStamp(w.updatedAt)}`,
    `SEQUENCE:${sequenceOf(w.updatedAt)}`,
    "END:VEVENT",
  ];
  return lines;
}

function describe(w: CalendarWindow): string {
  const minutes = realDurationMinutes(w.startsAt, w.endsAt);
  const parts = [
    `${labelFor(WINDOW_KIND_LABELS, w.kind)} at ${w.plantName} (${w.plantCode}), ${labelFor(
      WINDOW_STATUS_LABELS,
      w.status
    ).toLowerCase()}.`,
    `Plant time: ${formatLocalRange(w.startsAt, w.endsAt, w.timeZone)} (${w.timeZone}).`,
    `Duration: ${formatDuration(minutes)} of real time.`,
  ];
  if (w.description?.trim()) parts.push("", w.description.trim());
  return parts.join("\n");
}

/**
 * SEQUENCE must grow with each revision a client should take over (RFC 5545 §3.8.7.4). Seconds of `updatedAt` since
 * 2020 grow with every edit and stay well inside the 32-bit INTEGER range for decades.
 */
function sequenceOf(updatedAt: string): number {
  const seconds = Math.floor((Date.parse(updatedAt) - Date.UTC(2020, 0, 1)) / 1000);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

/** "20260308T070000Z" (DATE-TIME in UTC form, RFC 5545 §3.3.5). Throws on an invalid instant. */
function utcStamp(instant: string): string {
  const ms = Date.parse(instant);
  if (!Number.isFinite(ms)) throw new Error(`Not an instant: ${instant}`);
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

// eslint-disable-next-line no-control-regex -- RFC 5545 text may not carry control characters
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000A-\u001F\u007F]/g;

/** TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, newline; other control characters dropped. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n")
    .replace(CONTROL_CHARACTERS, "");
}

const encoder = new TextEncoder();

/**
 * Folds a content line at 75 octets of UTF-8 (RFC 5545 §3.1): the first line holds up to 75 octets, each
 * continuation a single space plus up to 74. Splits only between code points, never inside a multi-byte character.
 * Lines are joined with CRLF.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = "";
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    if (octets + size > 75) {
      out.push(current);
      current = " ";
      octets = 1;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join("\r\n");
}
