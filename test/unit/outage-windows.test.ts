import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkChangeScheduling, type SchedulingFacts } from "../../app/domain/network-changes";
import { cancelWindowEffects, overlaps, validateWindow, type WindowFacts } from "../../app/domain/outage-windows";

// Plant 1 is in Chicago. Its window runs 22:00 CST Sat 7 Mar → 04:00 CDT Sun 8 Mar 2026: 300 real minutes.
const WINDOW: WindowFacts = {
  id: 10,
  plantId: 1,
  title: "Spring maintenance",
  kind: "scheduled_outage",
  status: "confirmed",
  startsAt: "2026-03-08T04:00:00.000Z",
  endsAt: "2026-03-08T09:00:00.000Z",
  timeZone: "America/Chicago",
};

const BLACKOUT: WindowFacts = {
  id: 20,
  plantId: 1,
  title: "Peak production",
  kind: "blackout",
  status: "confirmed",
  startsAt: "2026-03-08T08:00:00.000Z",
  endsAt: "2026-03-20T08:00:00.000Z",
  timeZone: "America/Chicago",
};

function facts(overrides: {
  change?: Partial<SchedulingFacts["change"]>;
  window?: Partial<WindowFacts>;
  others?: SchedulingFacts["otherChangesInWindow"];
  blackouts?: WindowFacts[];
  now?: string;
}): SchedulingFacts {
  return {
    change: {
      plantId: 1,
      kind: "conduit_cutover",
      plannedStart: "2026-03-08T04:30:00.000Z",
      plannedMinutes: 90,
      ...overrides.change,
    },
    window: { ...WINDOW, ...overrides.window },
    otherChangesInWindow: overrides.others ?? [{ id: 1, status: "scheduled", plannedMinutes: 60 }],
    blackouts: overrides.blackouts ?? [BLACKOUT],
    now: overrides.now ?? "2026-03-01T00:00:00.000Z",
  };
}

function fields(f: SchedulingFacts): string[] {
  return checkChangeScheduling(f).map((r) => r.field);
}

function messages(f: SchedulingFacts): string {
  return checkChangeScheduling(f)
    .map((r) => r.message)
    .join(" | ");
}

describe("checkChangeScheduling", () => {
  it("accepts a change that fits inside a confirmed window of its plant", () => {
    assert.deepEqual(checkChangeScheduling(facts({})), []);
  });

  it("accepts a change that ends exactly when the window ends and the blackout begins", () => {
    const f = facts({ change: { plannedStart: "2026-03-08T07:00:00.000Z", plannedMinutes: 60 } });
    assert.deepEqual(checkChangeScheduling(f), []);
  });

  it("refuses a window of another plant", () => {
    const f = facts({ window: { plantId: 2 } });
    assert.deepEqual(fields(f), ["windowId"]);
    assert.match(messages(f), /Window “Spring maintenance” belongs to another plant/);
  });

  for (const [status, phrase] of [
    ["planned", /is only planned, not confirmed/],
    ["cancelled", /is cancelled/],
    ["completed", /is completed/],
  ] as const) {
    it(`refuses a ${status} window`, () => {
      const f = facts({ window: { status } });
      assert.deepEqual(fields(f), ["windowId"]);
      assert.match(messages(f), phrase);
      assert.match(messages(f), /changes go only into confirmed windows/);
    });
  }

  it("refuses a blackout as the target window", () => {
    const f = facts({ window: { kind: "blackout" } });
    assert.deepEqual(fields(f), ["windowId"]);
    assert.match(messages(f), /“Spring maintenance” is a blackout: nothing may happen/);
  });

  it("refuses a window that is already over", () => {
    const f = facts({ now: "2026-03-08T09:00:00.000Z" });
    assert.deepEqual(fields(f), ["windowId"]);
    assert.match(messages(f), /is over: it ended at 04:00 CDT on Sun 8 Mar/);
  });

  it("refuses a planned start already past in a window still running", () => {
    const f = facts({ now: "2026-03-08T05:00:00.000Z" });
    assert.deepEqual(fields(f), ["plannedStart"]);
    assert.match(messages(f), /The planned start at 22:30 CST on Sat 7 Mar is in the past/);
  });

  it("refuses a change that starts before the window", () => {
    const f = facts({ change: { plannedStart: "2026-03-08T03:00:00.000Z" } });
    assert.deepEqual(fields(f), ["plannedStart"]);
    assert.match(
      messages(f),
      /The change \(Sat 7 Mar 2026 21:00 CST – 22:30 CST\) does not start inside window “Spring maintenance” \(Sat 7 Mar 2026 22:00 CST – Sun 8 Mar 2026 04:00 CDT\)/
    );
  });

  it("refuses a change that starts after the window", () => {
    const f = facts({ change: { plannedStart: "2026-03-09T04:30:00.000Z" }, blackouts: [] });
    assert.deepEqual(fields(f), ["plannedStart"]);
  });

  it("refuses a change that would run past the window's end", () => {
    const f = facts({
      change: { plannedStart: "2026-03-08T06:30:00.000Z", plannedMinutes: 180 },
      blackouts: [],
      others: [],
    });
    assert.deepEqual(fields(f), ["plannedMinutes"]);
    assert.match(
      messages(f),
      /would end at 04:30 CDT on Sun 8 Mar, after window “Spring maintenance” ends at 04:00 CDT/
    );
  });

  for (const minutes of [0, -30, 12.5, Number.NaN]) {
    it(`refuses a planned duration of ${minutes}`, () => {
      const f = facts({ change: { plannedMinutes: minutes } });
      assert.deepEqual(fields(f), ["plannedMinutes"]);
      assert.match(messages(f), /positive whole number of minutes/);
    });
  }

  it("refuses an invalid planned start and an unknown kind", () => {
    assert.deepEqual(fields(facts({ change: { plannedStart: "2026-03-08 04:30" } })), ["plannedStart"]);
    assert.deepEqual(fields(facts({ change: { kind: "reboot" } })), ["kind"]);
  });

  it("refuses a change overlapping a blackout of the plant, naming it", () => {
    const f = facts({ change: { plannedStart: "2026-03-08T07:30:00.000Z", plannedMinutes: 60 }, others: [] });
    assert.deepEqual(fields(f), ["plannedStart"]);
    assert.match(
      messages(f),
      /overlaps blackout “Peak production” \(Sun 8 Mar 2026 03:00 CDT – Fri 20 Mar 2026 03:00 CDT\)/
    );
  });

  it("ignores cancelled blackouts and blackouts of other plants", () => {
    const change = { plannedStart: "2026-03-08T07:30:00.000Z", plannedMinutes: 60 };
    assert.deepEqual(fields(facts({ change, blackouts: [{ ...BLACKOUT, status: "cancelled" }] })), []);
    assert.deepEqual(fields(facts({ change, blackouts: [{ ...BLACKOUT, plantId: 2 }] })), []);
  });

  it("refuses a change beyond the window's remaining capacity", () => {
    const f = facts({
      others: [
        { id: 1, status: "scheduled", plannedMinutes: 120 },
        { id: 2, status: "done", plannedMinutes: 120 },
      ],
    });
    assert.deepEqual(fields(f), ["plannedMinutes"]);
    assert.equal(
      checkChangeScheduling(f)[0]?.message,
      "Window “Spring maintenance” has 60 of its 300 minutes left (240 planned for 2 other changes); this change needs 90."
    );
  });

  it("measures capacity in real minutes: the spring-forward night offers 300, not 360", () => {
    const f = facts({ others: [{ id: 1, status: "scheduled", plannedMinutes: 250 }], change: { plannedMinutes: 60 } });
    assert.deepEqual(fields(f), ["plannedMinutes"]);
    assert.deepEqual(
      fields(facts({ others: [{ id: 1, status: "scheduled", plannedMinutes: 240 }], change: { plannedMinutes: 60 } })),
      []
    );
  });

  it("does not count cancelled changes, changes needing a new window, or the change itself", () => {
    const f = facts({
      change: { id: 3, plannedMinutes: 240 },
      others: [
        { id: 1, status: "cancelled", plannedMinutes: 200 },
        { id: 2, status: "needs_window", plannedMinutes: 200 },
        { id: 3, status: "scheduled", plannedMinutes: 240 },
      ],
      blackouts: [],
    });
    assert.deepEqual(checkChangeScheduling(f), []);
  });

  it("reports every reason at once", () => {
    const f = facts({ window: { plantId: 2, status: "cancelled" }, change: { plannedMinutes: 0 } });
    assert.deepEqual(fields(f).sort(), ["plannedMinutes", "windowId", "windowId"]);
  });
});

describe("validateWindow", () => {
  const ok = {
    start: "2026-03-08T04:00:00.000Z",
    end: "2026-03-08T09:00:00.000Z",
    kind: "scheduled_outage",
    status: "planned",
  };

  it("accepts a well-formed window", () => {
    assert.deepEqual(validateWindow(ok), []);
  });

  it("refuses an end before or equal to the start, naming the end", () => {
    assert.deepEqual(validateWindow({ ...ok, end: "2026-03-08T03:00:00.000Z" }), [
      { field: "end", message: "The end is before the start." },
    ]);
    assert.deepEqual(
      validateWindow({ ...ok, end: ok.start }).map((r) => r.field),
      ["end"]
    );
  });

  it("caps a scheduled outage at 72 h but lets a blackout cover weeks", () => {
    const long = { ...ok, end: "2026-03-11T04:01:00.000Z" };
    assert.deepEqual(validateWindow(long), [
      { field: "end", message: "A scheduled outage may last at most 3 d; this one lasts 3 d 1 min." },
    ]);
    assert.deepEqual(validateWindow({ ...ok, end: "2026-03-11T04:00:00.000Z" }), []);
    assert.deepEqual(validateWindow({ ...long, kind: "blackout", end: "2026-03-29T04:00:00.000Z" }), []);
    assert.deepEqual(
      validateWindow({ ...long, kind: "blackout", end: "2026-05-01T04:00:00.000Z" }).map((r) => r.field),
      ["end"]
    );
  });

  it("names unknown kinds, statuses and invalid instants", () => {
    assert.deepEqual(
      validateWindow({ ...ok, kind: "holiday", status: "maybe" }).map((r) => r.field),
      ["kind", "status"]
    );
    assert.deepEqual(
      validateWindow({ ...ok, start: "yesterday", end: "" }).map((r) => r.field),
      ["start", "end"]
    );
  });
});

describe("cancelWindowEffects", () => {
  it("flags the window's scheduled changes as needing a new window and leaves history alone", () => {
    const flags = cancelWindowEffects(WINDOW, [
      { id: 1, windowId: 10, status: "scheduled" },
      { id: 2, windowId: 10, status: "done" },
      { id: 3, windowId: 10, status: "cancelled" },
      { id: 4, windowId: 11, status: "scheduled" },
      { id: 5, windowId: null, status: "needs_window" },
      { id: 6, windowId: 10, status: "scheduled" },
    ]);
    assert.deepEqual(
      flags.map((f) => [f.id, f.status]),
      [
        [1, "needs_window"],
        [6, "needs_window"],
      ]
    );
    assert.equal(flags[0]?.reason, "Window “Spring maintenance” was cancelled; the change needs a new window.");
  });
});

describe("overlaps", () => {
  it("treats windows as half-open", () => {
    assert.equal(
      overlaps("2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"),
      false
    );
    assert.equal(
      overlaps("2026-01-01T00:00:00Z", "2026-01-01T01:01:00Z", "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"),
      true
    );
  });
});
