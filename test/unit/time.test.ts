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
