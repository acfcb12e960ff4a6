import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatDate, formatLocal, isValidTimeZone, localClock } from "../../app/domain/time";

describe("plant-local time", () => {
  it("keeps Phoenix on MST while Denver observes daylight time", () => {
    const july = "2026-07-01T18:00:00.000Z";
    assert.equal(formatLocal(july, "America/Phoenix"), "2026-07-01 11:00 MST");
    assert.equal(formatLocal(july, "America/Denver"), "2026-07-01 12:00 MDT");
    assert.equal(localClock(july, "America/Phoenix").offsetMinutes, -420);
  });

  it("moves the calendar day with the zone", () => {
    assert.equal(formatLocal("2026-11-25T03:30:00.000Z", "America/Los_Angeles"), "2026-11-24 19:30 PST");
    assert.equal(formatLocal("2026-11-25T03:30:00.000Z", "America/New_York"), "2026-11-24 22:30 EST");
  });

  it("recognises IANA zones and rejects others", () => {
    assert.equal(isValidTimeZone("America/Chicago"), true);
    assert.equal(isValidTimeZone("Mars/Olympus_Mons"), false);
  });

  it("formats calendar dates and shows a dash for none", () => {
    assert.equal(formatDate("2027-03-14"), "14 Mar 2027");
    assert.equal(formatDate(null), "—");
  });
});

describe("calendar day arithmetic", () => {
  it("agrees with the date library on every day of four centuries of offsets", async () => {
    const { DateTime } = await import("luxon");
    const { addDays, daysBetween } = await import("../../app/domain/calendar");
    const fc = (await import("fast-check")).default;
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2300-12-31T00:00:00Z"), noInvalidDate: true }),
        fc.integer({ min: -4000, max: 4000 }),
        (date, offset) => {
          const day = date.toISOString().slice(0, 10);
          const expected = DateTime.fromISO(day, { zone: "utc" }).plus({ days: offset }).toISODate();
          assert.equal(addDays(day, offset), expected);
          assert.equal(daysBetween(day, expected!), offset);
        }
      ),
      { numRuns: 500 }
    );
  });
});

describe("formatLocal", () => {
  it("reads an instant as the date library does, in every kind of zone, across DST changes", async () => {
    const { DateTime } = await import("luxon");
    const { formatLocal, localClock } = await import("../../app/domain/time");
    const fc = (await import("fast-check")).default;
    const zones = [
      "America/Denver",
      "America/Phoenix",
      "America/St_Johns",
      "Europe/Berlin",
      "Asia/Kolkata",
      "Pacific/Chatham",
      "UTC",
    ];
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2040-01-01T00:00:00Z"), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (date, zone) => {
          const iso = date.toISOString();
          const clock = localClock(iso, zone);
          const day = DateTime.fromISO(iso, { zone: "utc" }).setZone(zone).toISODate();
          assert.equal(formatLocal(iso, zone), `${day} ${clock.time} ${clock.abbreviation}`);
        }
      ),
      { numRuns: 1000 }
    );
    assert.equal(formatLocal("2026-03-08T09:30:00.000Z", "America/Denver"), "2026-03-08 03:30 MDT");
  });
});
