import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  formatLocalRange,
  localInputValues,
  parseLocalDateTime,
  realDurationMinutes,
  type LocalTimeResult,
} from "../../app/domain/local-time";

// 2026: clocks spring forward on Sunday 8 March and fall back on Sunday 1 November in every US zone that observes DST.
const DST_ZONES = [
  { zone: "America/New_York", std: "EST", dst: "EDT", stdOffset: "-05:00", dstOffset: "-04:00" },
  { zone: "America/Chicago", std: "CST", dst: "CDT", stdOffset: "-06:00", dstOffset: "-05:00" },
  { zone: "America/Denver", std: "MST", dst: "MDT", stdOffset: "-07:00", dstOffset: "-06:00" },
  { zone: "America/Los_Angeles", std: "PST", dst: "PDT", stdOffset: "-08:00", dstOffset: "-07:00" },
] as const;

function instant(result: LocalTimeResult): string {
  if (!result.ok) assert.fail(`expected a valid local time, got: ${result.message}`);
  return result.instant;
}

describe("parseLocalDateTime across DST transitions", () => {
  for (const z of DST_ZONES) {
    describe(z.zone, () => {
      it("a 22:00–04:00 night across spring-forward lasts 5 real hours", () => {
        const start = parseLocalDateTime("2026-03-07", "22:00", z.zone);
        const end = parseLocalDateTime("2026-03-08", "04:00", z.zone);
        assert.deepEqual(start.ok && [start.offset, start.abbreviation], [z.stdOffset, z.std]);
        assert.deepEqual(end.ok && [end.offset, end.abbreviation], [z.dstOffset, z.dst]);
        assert.equal(realDurationMinutes(instant(start), instant(end)), 300);
      });

      it("a 22:00–04:00 night across fall-back lasts 7 real hours", () => {
        const start = parseLocalDateTime("2026-10-31", "22:00", z.zone);
        const end = parseLocalDateTime("2026-11-01", "04:00", z.zone);
        assert.equal(start.ok && start.abbreviation, z.dst);
        assert.equal(end.ok && end.abbreviation, z.std);
        assert.equal(realDurationMinutes(instant(start), instant(end)), 420);
      });

      it("refuses 02:30 on spring-forward day, naming the time and zone", () => {
        const result = parseLocalDateTime("2026-03-08", "02:30", z.zone);
        assert.equal(result.ok, false);
        assert.ok(!result.ok);
        assert.equal(result.field, "time");
        assert.equal(
          result.message,
          `2:30 AM on 8 March 2026 does not exist in ${z.zone}: clocks jump from 2:00 to 3:00.`
        );
      });

      it("knows the gap's edges: 01:59 and 03:00 exist, 02:00 does not", () => {
        assert.equal(parseLocalDateTime("2026-03-08", "01:59", z.zone).ok, true);
        assert.equal(parseLocalDateTime("2026-03-08", "02:00", z.zone).ok, false);
        assert.equal(parseLocalDateTime("2026-03-08", "02:59", z.zone).ok, false);
        const three = parseLocalDateTime("2026-03-08", "03:00", z.zone);
        const oneFiftyNine = parseLocalDateTime("2026-03-08", "01:59", z.zone);
        assert.equal(realDurationMinutes(instant(oneFiftyNine), instant(three)), 1);
      });

      it("refuses 01:30 on fall-back day as ambiguous, offering both offsets, then accepts a choice", () => {
        const result = parseLocalDateTime("2026-11-01", "01:30", z.zone);
        assert.ok(!result.ok);
        assert.equal(result.field, "offset");
        assert.match(result.message, new RegExp(`1:30 AM on 1 November 2026 happens twice in ${z.zone}`));
        assert.match(result.message, new RegExp(`${z.dstOffset} \\(${z.dst}`));
        assert.match(result.message, new RegExp(`${z.stdOffset} \\(${z.std}`));
        const [first, second] = result.ambiguous ?? [];
        assert.ok(first && second && result.ambiguous?.length === 2);
        assert.deepEqual([first.offset, first.abbreviation], [z.dstOffset, z.dst]);
        assert.deepEqual([second.offset, second.abbreviation], [z.stdOffset, z.std]);
        assert.equal(realDurationMinutes(first.instant, second.instant), 60);

        const byOffset = parseLocalDateTime("2026-11-01", "01:30", z.zone, z.stdOffset);
        assert.deepEqual(byOffset, { ok: true, instant: second.instant, offset: z.stdOffset, abbreviation: z.std });
        const byAbbreviation = parseLocalDateTime("2026-11-01", "01:30", z.zone, z.dst);
        assert.deepEqual(byAbbreviation, {
          ok: true,
          instant: first.instant,
          offset: z.dstOffset,
          abbreviation: z.dst,
        });
      });

      it("still refuses an ambiguous time when the choice matches neither offset", () => {
        const result = parseLocalDateTime("2026-11-01", "01:30", z.zone, "+09:00");
        assert.equal(result.ok, false);
        assert.equal(!result.ok && result.field, "offset");
      });

      it("knows the overlap's edges: 00:59 and 02:00 are unambiguous, 01:00 and 01:59 are not", () => {
        assert.equal(parseLocalDateTime("2026-11-01", "00:59", z.zone).ok, true);
        assert.equal(parseLocalDateTime("2026-11-01", "01:00", z.zone).ok, false);
        assert.equal(parseLocalDateTime("2026-11-01", "01:59", z.zone).ok, false);
        const two = parseLocalDateTime("2026-11-01", "02:00", z.zone);
        assert.equal(two.ok && two.abbreviation, z.std);
      });

      it("ignores an offset choice when the time is not ambiguous", () => {
        const result = parseLocalDateTime("2026-07-01", "10:00", z.zone, "+09:00");
        assert.equal(result.ok && result.abbreviation, z.dst);
      });
    });
  }

  describe("America/Phoenix (no DST)", () => {
    it("a 22:00–04:00 night is 6 real hours on both transition nights", () => {
      for (const [day, next] of [
        ["2026-03-07", "2026-03-08"],
        ["2026-10-31", "2026-11-01"],
      ] as const) {
        const start = parseLocalDateTime(day, "22:00", "America/Phoenix");
        const end = parseLocalDateTime(next, "04:00", "America/Phoenix");
        assert.equal(realDurationMinutes(instant(start), instant(end)), 360);
      }
    });

    it("has no gap and no ambiguity: 02:30 in March and 01:30 in November are plain MST", () => {
      assert.deepEqual(parseLocalDateTime("2026-03-08", "02:30", "America/Phoenix"), {
        ok: true,
        instant: "2026-03-08T09:30:00.000Z",
        offset: "-07:00",
        abbreviation: "MST",
      });
      assert.deepEqual(parseLocalDateTime("2026-11-01", "01:30", "America/Phoenix"), {
        ok: true,
        instant: "2026-11-01T08:30:00.000Z",
        offset: "-07:00",
        abbreviation: "MST",
      });
    });

    it("never refuses any minute of the year", () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 364 * 24 * 60 + 23 * 60 + 59 }), (minuteOfYear) => {
          const wall = new Date(Date.UTC(2026, 0, 1) + minuteOfYear * 60_000).toISOString();
          const result = parseLocalDateTime(wall.slice(0, 10), wall.slice(11, 16), "America/Phoenix");
          return result.ok && result.abbreviation === "MST";
        }),
        { numRuns: 500 }
      );
    });
  });
});

describe("parseLocalDateTime bad input", () => {
  it("refuses an unknown zone", () => {
    const result = parseLocalDateTime("2026-05-01", "10:00", "America/Atlantis");
    assert.deepEqual(!result.ok && [result.field, result.message], [
      "timeZone",
      "“America/Atlantis” is not a known IANA time zone (e.g. America/Chicago).",
    ]);
    assert.equal(!parseLocalDateTime("2026-05-01", "10:00", "").ok && "refused", "refused");
  });

  it("names the date field for a malformed or impossible date", () => {
    for (const date of ["2026-02-30", "2026-3-8", "08/03/2026", ""]) {
      const result = parseLocalDateTime(date, "10:00", "America/Chicago");
      assert.equal(!result.ok && result.field, "date", date);
    }
  });

  it("names the time field for a malformed time", () => {
    for (const time of ["24:00", "7:00", "10:60", "10:00 PM", "10", ""]) {
      const result = parseLocalDateTime("2026-05-01", time, "America/Chicago");
      assert.equal(!result.ok && result.field, "time", time);
    }
  });
});

describe("round trip", () => {
  it("every valid local minute reads back as the same wall time, in every zone", () => {
    const zones = [...DST_ZONES.map((z) => z.zone), "America/Phoenix"];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: 0, max: 365 * 24 * 60 - 1 }), (zone, minuteOfYear) => {
        const wall = new Date(Date.UTC(2026, 0, 1) + minuteOfYear * 60_000).toISOString();
        const result = parseLocalDateTime(wall.slice(0, 10), wall.slice(11, 16), zone);
        if (!result.ok) return result.field === "time" || result.field === "offset";
        const back = localInputValues(result.instant, zone);
        return back.date === wall.slice(0, 10) && back.time === wall.slice(11, 16) && back.offset === result.offset;
      }),
      { numRuns: 1000 }
    );
  });

  it("localInputValues keeps the second 01:30 of fall-back night", () => {
    const values = localInputValues("2026-11-01T07:30:00.000Z", "America/Chicago");
    assert.deepEqual(values, { date: "2026-11-01", time: "01:30", offset: "-06:00" });
    const again = parseLocalDateTime(values.date, values.time, "America/Chicago", values.offset);
    assert.equal(instant(again), "2026-11-01T07:30:00.000Z");
  });
});

describe("formatLocalRange and realDurationMinutes", () => {
  it("shows each end with its own abbreviation", () => {
    assert.equal(
      formatLocalRange("2026-03-08T07:00:00.000Z", "2026-03-08T10:00:00.000Z", "America/Chicago"),
      "Sun 8 Mar 2026 01:00 CST – 05:00 CDT"
    );
    assert.equal(realDurationMinutes("2026-03-08T07:00:00.000Z", "2026-03-08T10:00:00.000Z"), 180);
  });

  it("shows both dates when the window spans local days", () => {
    assert.equal(
      formatLocalRange("2026-03-08T04:00:00.000Z", "2026-03-08T09:00:00.000Z", "America/Chicago"),
      "Sat 7 Mar 2026 22:00 CST – Sun 8 Mar 2026 04:00 CDT"
    );
  });

  it("tells the two 01:30s of fall-back night apart", () => {
    assert.equal(
      formatLocalRange("2026-11-01T06:30:00.000Z", "2026-11-01T07:30:00.000Z", "America/Chicago"),
      "Sun 1 Nov 2026 01:30 CDT – 01:30 CST"
    );
  });

  it("keeps Phoenix on MST", () => {
    assert.equal(
      formatLocalRange("2026-07-01T05:00:00.000Z", "2026-07-01T11:00:00.000Z", "America/Phoenix"),
      "Tue 30 Jun 2026 22:00 MST – Wed 1 Jul 2026 04:00 MST"
    );
  });
});
