import assert from "node:assert/strict";
import { describe, it } from "node:test";
import ICAL from "ical.js";
import { calendarFeed, escapeText, foldLine, windowUid, type CalendarWindow } from "../../app/domain/icalendar";

// The feed is parsed back with ical.js (Mozilla's RFC 5545 parser, a dev dependency), not with anything of ours.

const NOW = "2026-02-20T15:04:05.000Z";

const WINDOWS: CalendarWindow[] = [
  {
    uid: windowUid(7),
    plantCode: "DAY",
    plantName: "Dayton Stamping",
    site: "Dayton, Ohio",
    title: "Spring maintenance",
    kind: "scheduled_outage",
    status: "confirmed",
    // 22:00 EST Sat 7 Mar → 04:00 EDT Sun 8 Mar: 5 real hours.
    startsAt: "2026-03-08T03:00:00.000Z",
    endsAt: "2026-03-08T08:00:00.000Z",
    timeZone: "America/New_York",
    updatedAt: "2026-02-01T10:00:00.000Z",
    description: "Cut over conduit L2↔L3; then re-baseline.\nBring the spare switch, and the console cable.",
  },
  {
    uid: windowUid(8),
    plantCode: "PHX",
    plantName: "Phoenix Électronique Assemblée",
    site: "Tempe; Arizona",
    title: "Réseau de contrôle ↔ supervision — câblage définitif, vérification après coupure, étiquetage",
    kind: "scheduled_outage",
    status: "planned",
    startsAt: "2026-03-08T05:00:00.000Z",
    endsAt: "2026-03-08T11:00:00.000Z",
    timeZone: "America/Phoenix",
    updatedAt: "2026-02-02T10:00:00.000Z",
  },
  {
    uid: windowUid(9),
    plantCode: "CHI",
    plantName: "Chicago Foundry",
    site: "Cicero, Illinois",
    title: "Fall-back night 🕐 outage, called off",
    kind: "scheduled_outage",
    status: "cancelled",
    startsAt: "2026-11-01T06:30:00.000Z",
    endsAt: "2026-11-01T07:30:00.000Z",
    timeZone: "America/Chicago",
    updatedAt: "2026-02-03T10:00:00.000Z",
  },
  {
    uid: windowUid(10),
    plantCode: "CHI",
    plantName: "Chicago Foundry",
    site: "Cicero, Illinois",
    title: "Peak production",
    kind: "blackout",
    status: "confirmed",
    startsAt: "2026-12-01T06:00:00.000Z",
    endsAt: "2026-12-20T06:00:00.000Z",
    timeZone: "America/Chicago",
    updatedAt: "2026-02-04T10:00:00.000Z",
  },
];

const FEED = calendarFeed({ name: "Segmentation: all plants, outage windows", windows: WINDOWS, now: NOW });

function parsed() {
  const calendar = new ICAL.Component(ICAL.parse(FEED));
  const events = calendar.getAllSubcomponents("vevent");
  return { calendar, events, byUid: new Map(events.map((e) => [String(e.getFirstPropertyValue("uid")), e])) };
}

describe("calendarFeed parsed back by ical.js", () => {
  it("is a publishable VCALENDAR with its name", () => {
    const { calendar, events } = parsed();
    assert.equal(calendar.name, "vcalendar");
    assert.equal(calendar.getFirstPropertyValue("version"), "2.0");
    assert.equal(calendar.getFirstPropertyValue("method"), "PUBLISH");
    assert.equal(calendar.getFirstPropertyValue("calscale"), "GREGORIAN");
    assert.ok(String(calendar.getFirstPropertyValue("prodid")).length > 0);
    // ical.js does not know X-WR-CALNAME's type and hands back the raw value; RFC 5545 §3.8.8.2 makes it TEXT.
    assert.equal(calendar.getFirstPropertyValue("x-wr-calname"), "Segmentation: all plants\\, outage windows");
    assert.equal(events.length, 4);
    assert.equal(calendar.getAllSubcomponents("vtimezone").length, 0);
  });

  it("gives every window one event with its UID, UTC start and end, and DTSTAMP", () => {
    const { byUid } = parsed();
    for (const w of WINDOWS) {
      const component = byUid.get(w.uid);
      assert.ok(component, w.uid);
      const event = new ICAL.Event(component);
      assert.equal(event.uid, w.uid);
      assert.equal(event.startDate.zone?.tzid, "UTC");
      assert.equal(event.startDate.toJSDate().toISOString(), w.startsAt);
      assert.equal(event.endDate.toJSDate().toISOString(), w.endsAt);
      const stamp = component.getFirstPropertyValue("dtstamp") as ICAL.Time;
      assert.equal(stamp.toJSDate().toISOString(), "2026-02-20T15:04:05.000Z");
    }
    assert.equal(new ICAL.Event(byUid.get("window-7@segmentation-tracker")).duration.toSeconds(), 5 * 3600);
  });

  it("states kind and title in SUMMARY, plant and site in LOCATION", () => {
    const { byUid } = parsed();
    const event = (id: number) => new ICAL.Event(byUid.get(windowUid(id)));
    assert.equal(event(7).summary, "DAY scheduled outage: Spring maintenance");
    assert.equal(event(7).location, "Dayton Stamping, Dayton, Ohio");
    assert.equal(event(8).summary, `PHX scheduled outage: ${WINDOWS[1]!.title}`);
    assert.equal(event(8).location, "Phoenix Électronique Assemblée, Tempe; Arizona");
    assert.equal(event(9).summary, "CHI scheduled outage: Fall-back night 🕐 outage, called off");
    assert.equal(event(10).summary, "CHI blackout: Peak production");
  });

  it("maps status: confirmed → CONFIRMED, planned → TENTATIVE, cancelled → CANCELLED", () => {
    const { byUid } = parsed();
    const status = (id: number) => byUid.get(windowUid(id))?.getFirstPropertyValue("status");
    assert.equal(status(7), "CONFIRMED");
    assert.equal(status(8), "TENTATIVE");
    assert.equal(status(9), "CANCELLED");
    assert.equal(status(10), "CONFIRMED");
  });

  it("describes the window in plant-local time with abbreviations, and round-trips escaped text", () => {
    const { byUid } = parsed();
    const description = (id: number) => new ICAL.Event(byUid.get(windowUid(id))).description;
    assert.equal(
      description(7),
      [
        "Scheduled outage at Dayton Stamping (DAY), confirmed.",
        "Plant time: Sat 7 Mar 2026 22:00 EST – Sun 8 Mar 2026 04:00 EDT (America/New_York).",
        "Duration: 5 h of real time.",
        "",
        "Cut over conduit L2↔L3; then re-baseline.",
        "Bring the spare switch, and the console cable.",
      ].join("\n")
    );
    assert.match(
      description(8),
      /Plant time: Sat 7 Mar 2026 22:00 MST – Sun 8 Mar 2026 04:00 MST \(America\/Phoenix\)\.\nDuration: 6 h of real time\./
    );
    assert.match(description(9), /Plant time: Sun 1 Nov 2026 01:30 CDT – 01:30 CST/);
  });

  it("orders events by start", () => {
    const { events } = parsed();
    assert.deepEqual(
      events.map((e) => e.getFirstPropertyValue("uid")),
      [7, 8, 9, 10].map(windowUid)
    );
  });

  it("derives a growing SEQUENCE from updatedAt", () => {
    const { byUid } = parsed();
    const sequence = (id: number) => Number(byUid.get(windowUid(id))?.getFirstPropertyValue("sequence"));
    assert.ok(sequence(7) > 0 && sequence(8) > sequence(7));
    const later = calendarFeed({
      name: "x",
      windows: [{ ...WINDOWS[0]!, updatedAt: "2026-02-05T00:00:00.000Z" }],
      now: NOW,
    });
    const event = new ICAL.Component(ICAL.parse(later)).getFirstSubcomponent("vevent");
    assert.ok(Number(event?.getFirstPropertyValue("sequence")) > sequence(7));
  });
});

describe("calendarFeed wire format", () => {
  it("ends every line with CRLF and has no bare CR or LF", () => {
    assert.ok(FEED.endsWith("END:VCALENDAR\r\n"));
    const lines = FEED.split("\r\n");
    assert.equal(lines.pop(), "");
    for (const line of lines) assert.doesNotMatch(line, /[\r\n]/);
  });

  it("keeps every physical line within 75 octets, and actually folds the long ones", () => {
    const lines = FEED.split("\r\n").slice(0, -1);
    for (const line of lines)
      assert.ok(Buffer.byteLength(line, "utf8") <= 75, `${Buffer.byteLength(line)} octets: ${line}`);
    assert.ok(lines.filter((l) => l.startsWith(" ")).length >= 3, "expected folded continuation lines");
    assert.ok(
      lines.some((l) => Buffer.byteLength(l, "utf8") >= 73),
      "expected lines filled close to the limit"
    );
  });

  it("never splits a UTF-8 character: every physical line is valid UTF-8 on its own", () => {
    const bytes = Buffer.from(FEED, "utf8");
    const decoder = new TextDecoder("utf-8", { fatal: true });
    let start = 0;
    for (let i = 0; i < bytes.length - 1; i++) {
      if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) {
        assert.doesNotThrow(() => decoder.decode(bytes.subarray(start, i)), `line at byte ${start}`);
        start = i + 2;
      }
    }
    assert.equal(start, bytes.length);
  });

  it("unfolds (CRLF + one space removed) back to the unfolded content lines", () => {
    const unfolded = FEED.replace(/\r\n /g, "");
    const summary = unfolded.split("\r\n").find((l) => l.startsWith("SUMMARY:PHX"));
    assert.equal(summary, `SUMMARY:${escapeText(`PHX scheduled outage: ${WINDOWS[1]!.title}`)}`);
  });
});

describe("foldLine and escapeText", () => {
  it("folds multi-byte text at code point boundaries within 75 octets", () => {
    for (const char of ["é", "↔", "🕐", "a"]) {
      for (const prefix of ["", "X", "XY", "XYZ"]) {
        const line = `DESCRIPTION:${prefix}${char.repeat(120)}`;
        const physical = foldLine(line).split("\r\n");
        for (const [i, p] of physical.entries()) {
          assert.ok(Buffer.byteLength(p, "utf8") <= 75);
          assert.ok(!p.includes("\uFFFD"));
          if (i > 0) assert.ok(p.startsWith(" "));
        }
        assert.equal(physical.map((p, i) => (i === 0 ? p : p.slice(1))).join(""), line);
      }
    }
  });

  it("leaves a 75-octet line alone and folds a 76-octet one", () => {
    assert.equal(foldLine("A".repeat(75)), "A".repeat(75));
    assert.equal(foldLine("A".repeat(76)), `${"A".repeat(75)}\r\n A`);
  });

  it("escapes backslash, semicolon, comma and newlines", () => {
    assert.equal(escapeText("a\\b;c,d\ne\r\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
  });
});
