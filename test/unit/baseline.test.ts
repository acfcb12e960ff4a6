import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  maturityText,
  alertWiringAllowed,
  collapsePort,
  computeBaseline,
  currentEpoch,
  epochCutover,
  DEFAULT_BASELINE_SETTINGS as S,
  epochStartFor,
  epochStarts,
  type BaselineInput,
  type Observation,
} from "../../app/domain/baseline";
import { addDays } from "../../app/domain/calendar";

const ZONE = "America/Chicago";
// Cutover completed during the night of 1 March local time; the epoch starts on 2 March.
const CUTOVER = "2026-03-02T04:30:00.000Z";

function days(from: string, count: number, shape: (i: number) => Partial<Observation> = () => ({})): Observation[] {
  return Array.from({ length: count }, (_, i) => ({
    day: addDays(from, i),
    coverage: 1,
    tuples: 40,
    newTuples: 0,
    connections: 1000,
    bytes: 1e6,
    source: "sensor",
    ...shape(i),
  }));
}

function input(observations: Observation[], extra: Partial<BaselineInput> = {}): BaselineInput {
  return { monitored: true, cutoverCompletedAt: CUTOVER, timeZone: ZONE, observations, accepted: false, ...extra };
}

const at = (day: string) => `${day}T18:00:00.000Z`;

describe("baseline epoch", () => {
  it("starts on the first full plant-local day after the cutover", () => {
    assert.equal(epochStartFor(CUTOVER, ZONE), "2026-03-02");
    // 05:30 UTC is still 1 March in Chicago but already 2 March in New York.
    assert.equal(epochStartFor("2026-03-02T05:30:00.000Z", ZONE), "2026-03-02");
    assert.equal(epochStartFor("2026-03-02T05:30:00.000Z", "America/New_York"), "2026-03-03");
  });

  it("ignores evidence from before the epoch, and is none without a cutover of the current revision", () => {
    const before = days("2026-02-01", 29);
    const result = computeBaseline(input(before), at("2026-03-05"));
    assert.equal(result.status, "none");
    assert.equal(result.countedDays, 0);
    const noCutover = computeBaseline(input(days("2026-03-02", 40), { cutoverCompletedAt: null }), at("2026-04-20"));
    assert.equal(noCutover.status, "none");
    assert.match(noCutover.reason ?? "", /cutover/);
    assert.equal(computeBaseline(input(days("2026-03-02", 40), { monitored: false }), at("2026-04-20")).status, "none");
  });

  it("restarts when a new cutover completes: earlier observations no longer count", () => {
    const observations = days("2026-03-02", 35);
    const first = computeBaseline(input(observations), at("2026-04-10"));
    assert.equal(first.status, "mature");
    const recut = computeBaseline(
      input(observations, { cutoverCompletedAt: "2026-03-20T15:00:00.000Z" }),
      at("2026-04-10")
    );
    assert.equal(recut.epochStart, "2026-03-21");
    assert.equal(recut.countedDays, 16);
    assert.equal(recut.status, "collecting");
  });
});

describe("counted days and convergence", () => {
  it("counts only days with coverage of at least 0.9", () => {
    const observations = days("2026-03-02", 10, (i) => ({ coverage: i % 2 === 0 ? 0.9 : 0.89 }));
    const result = computeBaseline(input(observations), at("2026-03-12"));
    assert.equal(result.countedDays, 5);
  });

  it("converges after 7 counted days without novelty, counting novelty on uncounted days too", () => {
    const quiet = days("2026-03-02", 8, (i) => ({ newTuples: i === 0 ? 12 : 0 }));
    assert.equal(computeBaseline(input(quiet), at("2026-03-10")).converged, true);
    const noisyPartialDay = days("2026-03-02", 9, (i) => (i === 6 ? { coverage: 0.4, newTuples: 3 } : {}));
    assert.equal(computeBaseline(input(noisyPartialDay), at("2026-03-11")).converged, false);
  });

  it("matures on the day it has 30 counted days and has converged, and stays mature after later novelty", () => {
    const observations = days("2026-03-02", 45, (i) => ({ newTuples: i < 10 ? 5 : i === 40 ? 2 : 0 }));
    const result = computeBaseline(input(observations), at("2026-04-16"));
    assert.equal(result.matureOn, "2026-03-31");
    assert.equal(result.status, "mature");
    assert.equal(result.converged, false);
    assert.equal(alertWiringAllowed(result), true);
  });

  it("flags more than 3 days without a counted observation as a sensor gap", () => {
    const observations = [...days("2026-03-02", 5), ...days("2026-03-11", 5)];
    const result = computeBaseline(input(observations), at("2026-03-16"));
    assert.deepEqual(result.gaps, [{ from: "2026-03-07", to: "2026-03-10", days: 4 }]);
    const short = [...days("2026-03-02", 5), ...days("2026-03-10", 5)];
    assert.deepEqual(computeBaseline(input(short), at("2026-03-15")).gaps, []);
  });

  it("is stalled at 60 counted days without maturity, and accepted only when both owners accepted", () => {
    const noisy = days("2026-03-02", 62, (i) => ({ newTuples: i % 5 === 0 ? 1 : 0 }));
    const stalled = computeBaseline(input(noisy), at("2026-05-03"));
    assert.equal(stalled.status, "stalled");
    assert.equal(alertWiringAllowed(stalled), false);
    const accepted = computeBaseline(input(noisy, { accepted: true }), at("2026-05-03"));
    assert.equal(accepted.status, "accepted");
    assert.equal(alertWiringAllowed(accepted), true);
    const early = computeBaseline(input(noisy.slice(0, 40), { accepted: true }), at("2026-04-12"));
    assert.equal(early.status, "collecting");
  });

  it("forecasts maturity as if every coming day counted and brought nothing new", () => {
    const observations = days("2026-03-02", 20, (i) => ({ newTuples: i === 19 ? 4 : 0 }));
    const result = computeBaseline(input(observations), at("2026-03-21"));
    // 20 counted; 10 more needed, and 7 quiet counted days after the novelty of 21 March: 31 March.
    assert.equal(result.earliestMaturity, "2026-03-31");
    const fresh = computeBaseline(input([]), at("2026-03-01"));
    assert.equal(fresh.earliestMaturity, "2026-03-31");
  });
});

describe("plant-local days across DST", () => {
  it("counts the 23-hour spring-forward day like any other day", () => {
    const observations = days("2026-03-02", 30);
    assert.ok(observations.some((o) => o.day === "2026-03-08"));
    const result = computeBaseline(input(observations), at("2026-04-01"));
    assert.equal(result.countedDays, 30);
    assert.equal(result.matureOn, "2026-03-31");
  });
});

describe("ephemeral ports", () => {
  it("collapses responder ports in the ephemeral range to one value", () => {
    assert.equal(collapsePort(49152, S), 49152);
    assert.equal(collapsePort(61234, S), 49152);
    assert.equal(collapsePort(65535, S), 49152);
    assert.equal(collapsePort(49151, S), 49151);
    assert.equal(collapsePort(102, S), 102);
    assert.equal(collapsePort(null, S), null);
  });
});

describe("the current baseline epoch", () => {
  const cutover = (id: number, doneAt: string | null, revision = 2, status = doneAt ? "done" : "scheduled") => ({
    id,
    conduitRevision: revision,
    status,
    doneAt,
  });

  it("begins the plant-local day after the latest cutover done at the conduit's current revision", () => {
    const epoch = currentEpoch([cutover(1, "2026-03-01T10:00:00.000Z"), cutover(2, CUTOVER)], { revision: 2 }, ZONE);
    assert.deepEqual(epoch, { doneAt: CUTOVER, start: "2026-03-02", key: "2@2026-03-02" });
  });

  it("takes the cutover done last, not the one recorded last", () => {
    // Change 2 was recorded after change 1 but done before it.
    const cutovers = [cutover(1, "2026-03-10T10:00:00.000Z"), cutover(2, "2026-03-05T10:00:00.000Z")];
    assert.equal(epochCutover(cutovers, 2)?.id, 1);
    assert.equal(currentEpoch(cutovers, { revision: 2 }, ZONE)?.start, "2026-03-11");
    // Two done at the same instant: the later recorded.
    assert.equal(epochCutover([cutover(4, CUTOVER), cutover(3, CUTOVER)], 2)?.id, 4);
  });

  it("has none before a cutover at the current revision is done", () => {
    assert.equal(currentEpoch([], { revision: 1 }, ZONE), null);
    assert.equal(currentEpoch([cutover(1, null)], { revision: 2 }, ZONE), null);
    assert.equal(currentEpoch([cutover(1, CUTOVER, 1)], { revision: 2 }, ZONE), null, "an earlier revision's cutover");
    assert.equal(currentEpoch([cutover(1, CUTOVER, 2, "cancelled")], { revision: 2 }, ZONE), null);
  });

  it("as it stood at an instant: a cutover done later was not done yet", () => {
    const cutovers = [cutover(1, "2026-03-01T10:00:00.000Z"), cutover(2, "2026-03-10T10:00:00.000Z")];
    assert.equal(epochCutover(cutovers, 2, "2026-03-05T00:00:00.000Z")?.id, 1);
    assert.equal(epochCutover(cutovers, 2, "2026-02-05T00:00:00.000Z"), null);
  });

  it("lists every epoch the done cutovers began, at any revision", () => {
    assert.deepEqual(
      epochStarts([cutover(1, CUTOVER, 1), cutover(2, null), cutover(3, "2026-03-10T10:00:00.000Z")], ZONE),
      ["2026-03-02", "2026-03-11"]
    );
  });
});

describe("a baseline's maturity in words", () => {
  it("says since when it is mature, else the earliest day it can be, else nothing", () => {
    assert.equal(maturityText({ matureOn: "2026-10-01", earliestMaturity: null }), "mature since 1 Oct 2026");
    assert.equal(maturityText({ matureOn: null, earliestMaturity: "2026-12-20" }), "earliest 20 Dec 2026");
    assert.equal(maturityText({ matureOn: null, earliestMaturity: null }), "—");
  });
});
