import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  blockerAgeCrossed,
  blockerNotice,
  queueNotices,
  sensorNotice,
  sensorSilent,
  windowNotice,
  windowSoon,
  type NoticeContext,
  type QueueForNotices,
} from "../../app/domain/notification-facts";
import { digestDayDue, factKey, personZone, urgentNotice, wants } from "../../app/domain/notifications";
import type { QueueConduit } from "../../app/domain/queue";

// What each person is told, from their queue and the facts the queue does not hold: one notice per item, each with a
// fact key that names the fact (so it is told once), urgent only for the urgent kinds.

const EMPTY: QueueForNotices = {
  signoffs: [],
  gates: [],
  targets: [],
  wiring: [],
  acceptances: [],
  changes: [],
  staged: [],
  conduits: [],
};

const CTX: NoticeContext = {
  personId: 7,
  plantIds: new Map([["KOK", 5]]),
  cutOver: new Set([12]),
  today: new Map([["KOK", "2026-12-06"]]),
};

const conduit = (over: Partial<QueueConduit> = {}): QueueConduit => ({
  plantId: 5,
  plantCode: "KOK",
  id: 12,
  name: "Line 1 ↔ DMZ",
  revision: 3,
  monitored: true,
  designOwnerId: 7,
  monitoringOwnerId: 8,
  baseline: { status: "mature", countedDays: 31 },
  alertBlock: null,
  wiring: null,
  ruleCount: 0,
  acceptance: { hash: "h", epochStart: "2026-10-01" },
  ...over,
});

const signoff = (status: "missing" | "stale", subjectId = 12) => ({
  plantCode: "KOK",
  subjectType: "conduit" as const,
  subjectId,
  subjectName: "Line 1 ↔ DMZ",
  part: "design_change_control" as const,
  revision: 3,
  status,
  href: `/plants/KOK/conduits/${subjectId}`,
});

describe("notices from a person's queue", () => {
  it("tells nothing when nothing waits", () => {
    assert.deepEqual(queueNotices(EMPTY, CTX), []);
  });

  it("tells a missing signoff once per revision, in the digest", () => {
    const [n] = queueNotices({ ...EMPTY, signoffs: [signoff("missing")] }, CTX);
    assert.equal(n!.kind, "signoff.needed");
    assert.equal(n!.factKey, "signoff.needed|conduit:12:design_change_control|r3");
    assert.equal(n!.plantId, 5);
    assert.equal(n!.personId, 7);
    assert.equal(n!.urgent, false);
    assert.equal(n!.href, "/plants/KOK/conduits/12");
  });

  it("tells a stale signoff at once only when its conduit is cut over", () => {
    const [cut] = queueNotices({ ...EMPTY, signoffs: [signoff("stale", 12)] }, CTX);
    const [notCut] = queueNotices({ ...EMPTY, signoffs: [signoff("stale", 13)] }, CTX);
    assert.equal(cut!.kind, "signoff.stale");
    assert.equal(cut!.urgent, true);
    assert.match(cut!.body, /already cut over/);
    assert.equal(notCut!.urgent, false);
    assert.doesNotMatch(notCut!.body, /cut over/);
  });

  it("tells a gate ready to pass and a gate past its target", () => {
    const notices = queueNotices(
      {
        ...EMPTY,
        gates: [{ plantCode: "KOK", phase: "conduits" }],
        targets: [{ plantCode: "KOK", phase: "conduits", target: "2026-11-01", daysLate: 35, lateGates: 2 }],
      },
      CTX
    );
    assert.deepEqual(
      notices.map((n) => [n.kind, n.factKey]),
      [
        ["gate.ready", "gate.ready|plant:KOK:conduits|conduits"],
        ["gate.overdue", "gate.overdue|plant:KOK:conduits|2026-11-01"],
      ]
    );
    assert.match(notices[1]!.body, /35 days late; 2 of the plant's gates are late/);
  });

  it("tells a matured baseline to its owners only, and not once wired", () => {
    const mature = queueNotices({ ...EMPTY, conduits: [conduit()] }, CTX);
    assert.deepEqual(
      mature.map((n) => n.factKey),
      ["baseline.matured|conduit:12|2026-10-01"]
    );
    assert.deepEqual(queueNotices({ ...EMPTY, conduits: [conduit({ designOwnerId: 1 })] }, CTX), []);
    assert.deepEqual(queueNotices({ ...EMPTY, conduits: [conduit({ wiring: { at: "x", by: "y" } })] }, CTX), []);
    assert.deepEqual(
      queueNotices({ ...EMPTY, conduits: [conduit({ baseline: { status: "collecting", countedDays: 3 } })] }, CTX),
      []
    );
  });

  it("tells alerts ready to wire per revision and a stalled baseline per epoch", () => {
    const item = { plantCode: "KOK", conduitId: 12, conduitName: "Line 1 ↔ DMZ", href: "/plants/KOK/conduits/12#x" };
    const notices = queueNotices(
      {
        ...EMPTY,
        conduits: [conduit({ designOwnerId: 1, monitoringOwnerId: 2 })],
        wiring: [item],
        acceptances: [{ ...item, countedDays: 60 }],
      },
      CTX
    );
    assert.deepEqual(
      notices.map((n) => n.factKey),
      ["alerts.ready|conduit:12|r3", "baseline.stalled|conduit:12|2026-10-01"]
    );
  });

  it("tells a change that needs a window, not one to close", () => {
    const notices = queueNotices(
      {
        ...EMPTY,
        changes: [
          { id: 4, plantCode: "KOK", title: "Cut over Line 1", todo: "schedule" },
          { id: 5, plantCode: "KOK", title: "Install sensor", todo: "close" },
        ],
      },
      CTX
    );
    assert.deepEqual(
      notices.map((n) => [n.kind, n.href]),
      [["change.needs_window", "/plants/KOK/windows#change-4"]]
    );
  });

  it("tells staged hosts once per plant and plant-local day, with the count", () => {
    const [n] = queueNotices({ ...EMPTY, staged: [{ plantCode: "KOK", count: 3, escalated: 1 }] }, CTX);
    assert.equal(n!.factKey, "triage.staged|plant:KOK|2026-12-06");
    assert.match(n!.title, /3 staged hosts wait/);
    assert.match(n!.body, /1 escalated/);
  });
});

describe("notices of facts the queue does not hold", () => {
  it("tells a window in the next 24 hours, urgently, with its changes and owners", () => {
    const now = new Date("2026-12-06T12:00:00Z");
    assert.equal(windowSoon("2026-12-07T11:59:00Z", now), true);
    assert.equal(windowSoon("2026-12-07T12:01:00Z", now), false);
    assert.equal(windowSoon("2026-12-06T11:00:00Z", now), false);
    const n = windowNotice(3, {
      id: 9,
      plantId: 5,
      plantCode: "KOK",
      title: "Sunday",
      startsAt: "2026-12-07T03:00:00.000Z",
      local: "Mon 7 Dec 04:00 – 08:00 (Europe/Berlin)",
      changes: [{ title: "Cut over Line 1", owner: "Ana" }],
    });
    assert.equal(n.urgent, true);
    assert.equal(n.factKey, "window.soon|window:9|2026-12-07T03:00:00.000Z");
    assert.match(n.body, /Europe\/Berlin.*“Cut over Line 1” \(Ana\)/);
  });

  it("counts a sensor silent only after more than three days", () => {
    assert.equal(sensorSilent("2026-12-03", "2026-12-06"), null);
    assert.equal(sensorSilent("2026-12-02", "2026-12-06"), 4);
    const n = sensorNotice(8, {
      conduitId: 12,
      conduitName: "Line 1 ↔ DMZ",
      plantId: 5,
      plantCode: "KOK",
      lastDay: "2026-12-02",
      daysSilent: 4,
    });
    assert.equal(n.urgent, true);
    assert.equal(n.factKey, "sensor.silent|conduit:12|2026-12-02");
  });

  it("tells a blocker at 14 days and again at 30", () => {
    assert.equal(blockerAgeCrossed(13), null);
    assert.equal(blockerAgeCrossed(14), 14);
    assert.equal(blockerAgeCrossed(29), 14);
    assert.equal(blockerAgeCrossed(30), 30);
    const blocker = {
      plantId: 5,
      plantCode: "KOK",
      code: "CON-COMPLETE",
      title: "Every conduit complete",
      message: "One conduit has no flow.",
      object: "“Line 1 ↔ DMZ”",
      since: "2026-10-01T00:00:00.000Z",
      ageDays: 31,
    };
    const at14 = blockerNotice(1, blocker, 14);
    const at30 = blockerNotice(1, blocker, 30);
    assert.notEqual(at14.factKey, at30.factKey);
    assert.equal(at30.urgent, false);
  });
});

describe("the kinds' rules", () => {
  it("builds fact keys from kind, subject and edition", () => {
    assert.equal(factKey("gate.ready", "plant:KOK:conduits", "conduits"), "gate.ready|plant:KOK:conduits|conduits");
  });

  it("makes only the urgent kinds urgent", () => {
    assert.equal(urgentNotice("window.soon"), true);
    assert.equal(urgentNotice("sensor.silent"), true);
    assert.equal(urgentNotice("signoff.stale", false), false);
    assert.equal(urgentNotice("signoff.stale", true), true);
    assert.equal(urgentNotice("gate.ready", true), false);
  });

  it("wants every kind on every channel unless turned off", () => {
    const preferences = new Map([["gate.ready|email", false]]);
    assert.equal(wants(preferences, "gate.ready", "email"), false);
    assert.equal(wants(preferences, "gate.ready", "app"), true);
    assert.equal(wants(preferences, "window.soon", "email"), true);
  });

  it("reads the digest time in the person's zone, once a day", () => {
    const zone = personZone(null, "America/Chicago");
    assert.equal(zone, "America/Chicago");
    assert.equal(personZone("Not/AZone", null), "UTC");
    // 12:30 UTC is 06:30 in Chicago: not yet; 13:05 UTC is 07:05: due, once.
    assert.equal(digestDayDue(new Date("2026-12-06T12:30:00Z"), zone, "07:00", null), null);
    assert.equal(digestDayDue(new Date("2026-12-06T13:05:00Z"), zone, "07:00", null), "2026-12-06");
    assert.equal(digestDayDue(new Date("2026-12-06T13:05:00Z"), zone, "07:00", "2026-12-06"), null);
    // On the day summer time ends in Chicago (1 Nov 2026), 07:00 local is 13:00 UTC, not 12:00.
    assert.equal(digestDayDue(new Date("2026-11-01T12:30:00Z"), zone, "07:00", "2026-10-31"), null);
    assert.equal(digestDayDue(new Date("2026-11-01T13:00:00Z"), zone, "07:00", "2026-10-31"), "2026-11-01");
  });
});
