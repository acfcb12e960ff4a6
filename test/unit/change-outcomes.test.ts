import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  isOutcomeDue,
  outcomeMakesDone,
  outcomeRecordingRefusals,
  readOutcomeInput,
  statusAfterOutcome,
} from "../../app/domain/change-outcomes";

// How a change came out: what an outcome must say, when it may be recorded, when it is due, and what it does to the
// change's status.

const NOW = "2026-12-03T12:00:00.000Z";
const START = "2026-12-03T02:00:00.000Z";
const END = "2026-12-03T03:00:00.000Z";

function fieldsOf(result: ReturnType<typeof readOutcomeInput>): string[] {
  return result.ok ? [] : result.refusals.map((r) => r.field);
}

describe("readOutcomeInput", () => {
  it("accepts a change done as planned with its actual times, and keeps them as UTC instants", () => {
    const read = readOutcomeInput(
      { outcome: "as_planned", actualStart: "2026-12-02T20:00:00-06:00", actualEnd: END, note: "" },
      NOW
    );
    assert.deepEqual(read, {
      ok: true,
      value: { outcome: "as_planned", actualStart: START, actualEnd: END, note: null },
    });
  });

  it("refuses an unknown outcome", () => {
    assert.deepEqual(
      fieldsOf(readOutcomeInput({ outcome: "maybe", actualStart: START, actualEnd: END, note: "" }, NOW)),
      ["outcome"]
    );
  });

  it("requires the actual times for what happened, not for a change not done", () => {
    assert.deepEqual(
      fieldsOf(readOutcomeInput({ outcome: "as_planned", actualStart: "", actualEnd: null, note: "" }, NOW)),
      ["actualStart", "actualEnd"]
    );
    assert.equal(readOutcomeInput({ outcome: "not_done", actualStart: "", actualEnd: "", note: "" }, NOW).ok, true);
  });

  it("refuses an end not after the start, and times in the future", () => {
    assert.deepEqual(
      fieldsOf(readOutcomeInput({ outcome: "as_planned", actualStart: END, actualEnd: START, note: "" }, NOW)),
      ["actualEnd"]
    );
    assert.deepEqual(
      fieldsOf(
        readOutcomeInput(
          { outcome: "as_planned", actualStart: START, actualEnd: "2026-12-04T00:00:00.000Z", note: "" },
          NOW
        )
      ),
      ["actualEnd"]
    );
  });

  it("requires a note for a change done with issues or rolled back, and bounds it", () => {
    assert.deepEqual(
      fieldsOf(readOutcomeInput({ outcome: "rolled_back", actualStart: START, actualEnd: END, note: " " }, NOW)),
      ["note"]
    );
    assert.deepEqual(
      fieldsOf(
        readOutcomeInput({ outcome: "with_issues", actualStart: START, actualEnd: END, note: "x".repeat(2001) }, NOW)
      ),
      ["note"]
    );
    assert.equal(
      readOutcomeInput({ outcome: "rolled_back", actualStart: START, actualEnd: END, note: "PLC lost its I/O" }, NOW)
        .ok,
      true
    );
  });

  it("refuses half the times of a change not done", () => {
    assert.deepEqual(
      fieldsOf(readOutcomeInput({ outcome: "not_done", actualStart: START, actualEnd: "", note: "" }, NOW)),
      ["actualEnd"]
    );
  });
});

describe("outcomeRecordingRefusals", () => {
  const change = { title: "Cut over Cell 1", status: "scheduled", plannedStart: START };

  it("allows an outcome once the change's planned start has passed", () => {
    assert.equal(outcomeRecordingRefusals({ change, now: NOW }), null);
  });

  it("refuses before the window has started", () => {
    const refused = outcomeRecordingRefusals({ change: { ...change, plannedStart: "2026-12-05T00:00:00Z" }, now: NOW });
    assert.equal(refused?.status, 409);
    assert.match(refused.reasons[0]!.message, /has not started yet/);
  });

  it("refuses a change that is done or cancelled", () => {
    assert.equal(outcomeRecordingRefusals({ change: { ...change, status: "done" }, now: NOW })?.status, 409);
    assert.equal(outcomeRecordingRefusals({ change: { ...change, status: "cancelled" }, now: NOW })?.status, 409);
  });
});

describe("isOutcomeDue", () => {
  it("is due when a scheduled change's window has ended", () => {
    assert.equal(isOutcomeDue({ status: "scheduled", windowEndsAt: END }, NOW), true);
  });

  it("is not due while the window runs, nor once an outcome moved the change on", () => {
    assert.equal(isOutcomeDue({ status: "scheduled", windowEndsAt: "2026-12-03T13:00:00Z" }, NOW), false);
    assert.equal(isOutcomeDue({ status: "done", windowEndsAt: END }, NOW), false);
    assert.equal(isOutcomeDue({ status: "needs_window", windowEndsAt: END }, NOW), false);
  });
});

describe("statusAfterOutcome", () => {
  it("makes a change done as planned or with issues done", () => {
    assert.equal(statusAfterOutcome("as_planned"), "done");
    assert.equal(statusAfterOutcome("with_issues"), "done");
    assert.equal(outcomeMakesDone("with_issues"), true);
  });

  it("sends a rolled-back or not-done change back to wait for a new window", () => {
    assert.equal(statusAfterOutcome("rolled_back"), "needs_window");
    assert.equal(statusAfterOutcome("not_done"), "needs_window");
    assert.equal(outcomeMakesDone("rolled_back"), false);
  });
});
