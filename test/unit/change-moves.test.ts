import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { blackoutsFirst, itemsByDay, monthWeeks, parseMonth, shiftMonth, spanDays } from "../../app/domain/calendar";
import {
  changeHref,
  checkChangeMove,
  moveStart,
  openConduitChangeRefusal,
  readCancelReason,
} from "../../app/domain/network-changes";
import { outagesOverlap, overlapRefusals, type WindowFacts } from "../../app/domain/outage-windows";
import { formatDuration } from "../../app/domain/time";

// The pure rules behind "no dead ends" for changes and windows: moving a change that needs a new window, one open
// change per conduit, overlapping outage windows, the month grid, and durations in days and hours.

const NOW = "2026-03-01T12:00:00.000Z";
// Chicago: 22:00 CST Sat 7 Mar → 02:00 CST Sun 8 Mar 2026, 240 minutes.
const WINDOW: WindowFacts = {
  id: 7,
  plantId: 1,
  title: "March night",
  kind: "scheduled_outage",
  status: "confirmed",
  startsAt: "2026-03-08T04:00:00.000Z",
  endsAt: "2026-03-08T08:00:00.000Z",
  timeZone: "America/Chicago",
};
const WAITING = {
  id: 3,
  plantId: 1,
  title: "Cut the historian over",
  kind: "conduit_cutover",
  status: "needs_window",
  plannedMinutes: 60,
};

describe("formatDuration", () => {
  it("reads minutes and hours under a day, days and hours from a day on", () => {
    assert.equal(formatDuration(45), "45 min");
    assert.equal(formatDuration(360), "6 h");
    assert.equal(formatDuration(450), "7 h 30 min");
    assert.equal(formatDuration(1440), "1 d");
    assert.equal(formatDuration(1560), "1 d 2 h");
    assert.equal(formatDuration(904 * 60), "37 d 16 h", "not “904 h”");
    assert.equal(formatDuration(2 * 1440 + 30), "2 d 30 min");
    assert.equal(formatDuration(0), "0 min");
  });
});

describe("moving a change that needs a new window", () => {
  it("starts it after the minutes the window's changes already hold, not counting itself or cancelled ones", () => {
    const others = [
      { id: 1, status: "scheduled", plannedMinutes: 30 },
      { id: 2, status: "cancelled", plannedMinutes: 90 },
      { id: 3, status: "needs_window", plannedMinutes: 60 },
      { id: 4, status: "done", plannedMinutes: 15 },
    ];
    assert.equal(moveStart(WINDOW, others, 3), "2026-03-08T04:45:00.000Z");
    assert.equal(moveStart(WINDOW, [], 3), WINDOW.startsAt);
  });

  it("moves a waiting change into a confirmed window that has room", () => {
    const moved = checkChangeMove({
      change: WAITING,
      window: WINDOW,
      otherChangesInWindow: [],
      blackouts: [],
      now: NOW,
    });
    assert.deepEqual(moved.refusals, []);
    assert.equal(moved.plannedStart, WINDOW.startsAt);
  });

  it("refuses by the scheduling rule: a cancelled window, a window without room, a blackout in the way", () => {
    const cancelled = checkChangeMove({
      change: WAITING,
      window: { ...WINDOW, status: "cancelled" },
      otherChangesInWindow: [],
      blackouts: [],
      now: NOW,
    });
    assert.ok(cancelled.refusals.some((r) => r.field === "windowId" && /is cancelled/.test(r.message)));
    const full = checkChangeMove({
      change: WAITING,
      window: WINDOW,
      otherChangesInWindow: [{ id: 9, status: "scheduled", plannedMinutes: 200 }],
      blackouts: [],
      now: NOW,
    });
    assert.ok(
      full.refusals.some((r) => r.field === "plannedMinutes"),
      "over the window's remaining minutes"
    );
    const blackedOut = checkChangeMove({
      change: WAITING,
      window: WINDOW,
      otherChangesInWindow: [],
      blackouts: [{ ...WINDOW, id: 8, kind: "blackout", title: "Peak run", endsAt: "2026-03-08T04:30:00.000Z" }],
      now: NOW,
    });
    assert.ok(blackedOut.refusals.some((r) => /overlaps blackout “Peak run”/.test(r.message)));
    const over = checkChangeMove({
      change: WAITING,
      window: WINDOW,
      otherChangesInWindow: [],
      blackouts: [],
      now: "2026-03-09T00:00:00.000Z",
    });
    assert.ok(
      over.refusals.some((r) => /is over/.test(r.message)),
      "a window that has ended"
    );
  });

  it("moves only a change that is waiting for a window", () => {
    for (const status of ["scheduled", "done", "cancelled"]) {
      const moved = checkChangeMove({
        change: { ...WAITING, status },
        window: WINDOW,
        otherChangesInWindow: [],
        blackouts: [],
        now: NOW,
      });
      assert.equal(moved.refusals.length, 1, status);
      assert.equal(moved.refusals[0]!.field, "changeId");
      assert.match(moved.refusals[0]!.message, /only a change that needs a new window is moved/);
    }
  });
});

describe("cancelling a change", () => {
  it("needs a reason of 3 to 1000 characters, trimmed", () => {
    assert.deepEqual(readCancelReason("  Sensor not delivered "), { ok: true, value: "Sensor not delivered" });
    for (const raw of [undefined, null, "", "  ", "no"]) {
      const read = readCancelReason(raw);
      assert.equal(read.ok, false, String(raw));
    }
    assert.equal(readCancelReason("x".repeat(1001)).ok, false);
    assert.equal(readCancelReason("x".repeat(1000)).ok, true);
  });
});

describe("one open change per conduit", () => {
  it("refuses a second change while one is scheduled or waiting, naming it and where it is", () => {
    const scheduled = openConduitChangeRefusal(
      { name: "Historian uplink" },
      [{ id: 12, title: "First cutover", status: "scheduled", windowTitle: "March night" }],
      "DAY"
    );
    assert.ok(scheduled);
    assert.equal(scheduled.field, "conduitId");
    assert.match(
      scheduled.message,
      /Conduit “Historian uplink” already has an open change, “First cutover” \(change 12\)/
    );
    assert.match(scheduled.message, /scheduled in window “March night”/);
    assert.equal(scheduled.href, "/plants/DAY/changes/12");
    assert.equal(scheduled.href, changeHref("DAY", 12));
    const waiting = openConduitChangeRefusal(
      { name: "Historian uplink" },
      [{ id: 13, title: "Cutover", status: "needs_window", windowTitle: "Cancelled night" }],
      "DAY"
    );
    assert.match(waiting?.message ?? "", /needs a new window: move it into one/);
  });

  it("lets the change through when the conduit's changes are done or cancelled", () => {
    assert.equal(
      openConduitChangeRefusal(
        { name: "Historian uplink" },
        [
          { id: 1, title: "Old", status: "done", windowTitle: null },
          { id: 2, title: "Dropped", status: "cancelled", windowTitle: null },
        ],
        "DAY"
      ),
      null
    );
  });
});

describe("overlapping outage windows", () => {
  const other: WindowFacts = { ...WINDOW, id: 9, title: "Second crew night", startsAt: "2026-03-08T07:00:00.000Z" };

  it("is two scheduled outages of one plant sharing time, neither cancelled", () => {
    assert.equal(outagesOverlap(WINDOW, other), true);
    assert.equal(outagesOverlap(WINDOW, WINDOW), false, "a window does not overlap itself");
    assert.equal(outagesOverlap(WINDOW, { ...other, plantId: 2 }), false, "another plant's");
    assert.equal(outagesOverlap(WINDOW, { ...other, status: "cancelled" }), false, "a cancelled one");
    assert.equal(outagesOverlap(WINDOW, { ...other, kind: "blackout" }), false, "a blackout is its own conflict");
    assert.equal(
      outagesOverlap(WINDOW, { ...other, startsAt: WINDOW.endsAt, endsAt: "2026-03-08T10:00:00.000Z" }),
      false,
      "touching ends"
    );
  });

  it("is refused naming both windows unless the person confirms keeping both", () => {
    const refusals = overlapRefusals({ ...WINDOW, id: undefined }, [other], false);
    assert.equal(refusals.length, 1);
    assert.equal(refusals[0]!.field, "confirmOverlap");
    assert.match(refusals[0]!.message, /Window “March night” \(.*\) overlaps window “Second crew night” \(.*\)/);
    assert.match(refusals[0]!.message, /CST/, "in the plant's clock");
    assert.deepEqual(overlapRefusals({ ...WINDOW, id: undefined }, [other], true), []);
  });
});

describe("the month grid", () => {
  it("reads months, and covers a month in whole weeks from Monday", () => {
    assert.equal(parseMonth("2026-03"), "2026-03");
    for (const bad of ["2026-13", "26-03", "1999-12", "2026-3", null, ""]) assert.equal(parseMonth(bad), null);
    assert.equal(shiftMonth("2026-01", -1), "2025-12");
    assert.equal(shiftMonth("2026-12", 1), "2027-01");
    const weeks = monthWeeks("2026-03", "2026-03-08");
    assert.equal(weeks[0]![0]!.date, "2026-02-23", "March 2026 begins on a Sunday: the grid on the Monday before");
    assert.equal(weeks.at(-1)!.at(-1)!.date, "2026-04-05");
    assert.ok(weeks.every((w) => w.length === 7));
    assert.equal(weeks.flat().filter((d) => d.today).length, 1);
    assert.equal(weeks.flat().filter((d) => d.inMonth).length, 31);
    const june = monthWeeks("2026-06", "2026-01-01");
    assert.equal(june[0]![0]!.date, "2026-06-01", "June 2026 begins on a Monday");
  });

  it("puts each window on the days of its own zone it covers, bounded per day", () => {
    assert.deepEqual(spanDays(WINDOW.startsAt, WINDOW.endsAt, WINDOW.timeZone), {
      first: "2026-03-07",
      last: "2026-03-08",
    });
    assert.deepEqual(
      spanDays("2026-03-08T00:00:00.000Z", "2026-03-09T00:00:00.000Z", "UTC"),
      {
        first: "2026-03-08",
        last: "2026-03-08",
      },
      "a window ending at midnight does not spill onto the next day"
    );
    const weeks = monthWeeks("2026-03", "2026-03-01");
    const windows = [1, 2, 3, 4, 5, 6].map((id) => ({ ...WINDOW, id, kind: id === 6 ? "blackout" : WINDOW.kind }));
    const days = itemsByDay(weeks, blackoutsFirst(windows), 4);
    assert.equal(days["2026-03-07"]!.shown.length, 4);
    assert.equal(days["2026-03-07"]!.more, 2, "+2 more");
    assert.equal(days["2026-03-07"]!.shown[0]!.kind, "blackout", "blackouts first, so the day is shaded");
    assert.equal(days["2026-03-06"], undefined);
  });
});
