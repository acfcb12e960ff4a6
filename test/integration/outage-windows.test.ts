import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import ICAL from "ical.js";
import { DateTime } from "luxon";
import { windowUid } from "../../app/domain/icalendar";
import type { ChangeKind } from "../../app/domain/vocabulary";
import { createFeedToken, listFeedTokens, revokeFeedToken } from "../../app/models/calendar-feeds.server";
import { cancelChange, completeChange } from "../../app/models/network-changes.server";
import { updateWindow, upcomingWindows } from "../../app/models/outage-windows.server";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { ActError } from "../../app/utils/errors";
import { tempDir, windowWriteCounts, databaseEnv } from "../support/database";
import { actorFor, signInOverHttp, TEST_PASSWORD } from "../support/people";
import { runScript, startServer, type RunningServer } from "../support/server";

// Outage windows and network changes through the real server: the API's refusals (each naming its field, nothing
// written), cancelling a window (its changes flagged, audited), and the iCalendar feeds over a bearer token and
// over a person's feed token, parsed back with ical.js.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let db: DB;
const cookies: Record<string, string> = {};
const bearer: Record<string, string> = {};

const ZONE = "America/New_York"; // DAY's zone
const YEAR = DateTime.utc().year + 1;
/** Second Sunday of March and first Sunday of November: the US DST transitions of YEAR. */
const SPRING = nthSunday(YEAR, 3, 2);
const FALL = nthSunday(YEAR, 11, 1);

function nthSunday(year: number, month: number, n: number): string {
  let day = DateTime.fromObject({ year, month, day: 1 }, { zone: "utc" });
  while (day.weekday !== 7) day = day.plus({ days: 1 });
  return day.plus({ weeks: n - 1 }).toISODate()!;
}

/** A DAY-local wall time of YEAR as a UTC instant. */
function local(date: string, time: string): string {
  return DateTime.fromISO(`${date}T${time}`, { zone: ZONE }).toUTC().toISO()!;
}

before(async () => {
  server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD });
  db = openDatabase(file);
  for (const email of ["lead@demo.test", "exec@demo.test", "eng.day@demo.test", "eng.kok@demo.test"]) {
    cookies[email] = await signInOverHttp(server.url, email);
  }
  for (const [name, args] of [
    ["windows-exec", ["--role", "executive"]],
    ["windows-day", ["--role", "plant_engineer", "--plants", "DAY"]],
  ] as const) {
    const result = await runScript("scripts/token-create.ts", [...args, "--name", name], { ...databaseEnv(file) });
    assert.equal(result.status, 0, `token:create ${name}: ${result.stderr}`);
    bearer[name] = result.stdout.trim().split("\n").at(-1)!;
  }
});

after(async () => {
  await db?.destroy();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: {
    error?: string;
    field?: string;
    fieldErrors?: Record<string, string[]>;
    reasons?: { field: string; message: string }[];
    offsets?: { offset: string; abbreviation: string; instant: string }[];
    window?: {
      id: number;
      revision: number;
      status: string;
      startsAt: string;
      endsAt: string;
      plantCode: string;
      timeZone: string;
    };
    change?: { id: number; status: string; conduitRevision: number | null; windowId: number };
  };
}

async function postJson(pathname: string, as: string, json: unknown): Promise<Answer> {
  const auth: Record<string, string> = as.startsWith("token:")
    ? { Authorization: `Bearer ${bearer[as.slice(6)]!}` }
    : { Cookie: cookies[as]! };
  const response = await fetch(`${server.url}${pathname}`, {
    method: "POST",
    headers: { ...auth, Origin: server.url, "Content-Type": "application/json" },
    body: JSON.stringify(json),
  });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

const counts = () => windowWriteCounts(db);

/** Runs a request that must be refused, and checks that nothing was written. */
async function refusedWithoutWrites(request: () => Promise<Answer>): Promise<Answer> {
  const before = await counts();
  const answer = await request();
  assert.deepEqual(
    await counts(),
    before,
    `nothing written for a refused request (${answer.status}: ${answer.body.error ?? ""})`
  );
  return answer;
}

const personActor = (email: string) => actorFor(db, email);

async function plantId(code: string) {
  return (await db.selectFrom("plant").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;
}

const created: Record<string, number> = {};

describe("creating windows through the API", () => {
  it("lets DAY's engineer create a window at DAY (201) and refuses another plant's engineer and the executive (403)", async () => {
    const json = {
      title: "Weekend cutover night",
      kind: "scheduled_outage",
      status: "confirmed",
      start: { date: `${YEAR}-10-12`, time: "22:00" },
      end: { date: `${YEAR}-10-13`, time: "02:00" },
    };
    for (const as of ["eng.kok@demo.test", "exec@demo.test", "token:windows-exec"]) {
      const refused = await refusedWithoutWrites(() => postJson("/api/plants/DAY/windows", as, json));
      assert.equal(refused.status, 403, `${as} may not create a DAY window`);
    }
    const made = await postJson("/api/plants/DAY/windows", "eng.day@demo.test", json);
    assert.equal(made.status, 201, `DAY's engineer creates a window: ${made.body.error ?? ""}`);
    assert.ok(made.body.window, "the answer carries the window");
    assert.equal(made.body.window.startsAt, local(`${YEAR}-10-12`, "22:00"), "22:00 EDT stored as its UTC instant");
    assert.equal(made.body.window.endsAt, local(`${YEAR}-10-13`, "02:00"), "02:00 EDT stored as its UTC instant");
    assert.equal(made.body.window.timeZone, ZONE, "the window keeps the plant's zone");
    created.cutover = made.body.window.id;
  });

  it("refuses a spring-forward time naming the time and the zone", async () => {
    const answer = await refusedWithoutWrites(() =>
      postJson("/api/plants/DAY/windows", "eng.day@demo.test", {
        title: "Night across the gap",
        kind: "scheduled_outage",
        status: "planned",
        start: { date: SPRING, time: "02:30" },
        end: { date: SPRING, time: "06:00" },
      })
    );
    assert.equal(answer.status, 400, "a time in the gap is refused");
    assert.equal(answer.body.field, "start.time", "the field at fault is the start's time");
    assert.match(answer.body.error ?? "", /2:30 AM/, "the message names the time");
    assert.match(answer.body.error ?? "", /America\/New_York/, "the message names the zone");
    assert.match(answer.body.error ?? "", /does not exist/, "the message says the time does not exist");
  });

  it("asks for the offset of an ambiguous fall-back time, then takes the chosen one", async () => {
    const json = {
      title: "Night across the fall-back",
      kind: "scheduled_outage",
      status: "planned",
      start: { date: FALL, time: "01:30" },
      end: { date: FALL, time: "04:00" },
    };
    const answer = await refusedWithoutWrites(() => postJson("/api/plants/DAY/windows", "eng.day@demo.test", json));
    assert.equal(answer.status, 400, "an ambiguous time is refused without an offset");
    assert.equal(answer.body.field, "start.offset", "the field at fault is the start's offset");
    assert.deepEqual(
      answer.body.offsets?.map((o) => o.offset),
      ["-04:00", "-05:00"],
      "both offsets are offered, first time first"
    );
    assert.match(answer.body.error ?? "", /-04:00/, "the message shows the first offset");
    assert.match(answer.body.error ?? "", /-05:00/, "the message shows the second offset");

    const chosen = await postJson("/api/plants/DAY/windows", "eng.day@demo.test", {
      ...json,
      start: { ...json.start, offset: "-05:00" },
    });
    assert.equal(chosen.status, 201, `the window is created with the offset chosen: ${chosen.body.error ?? ""}`);
    assert.equal(chosen.body.window?.startsAt, `${FALL}T06:30:00.000Z`, "the second 01:30 (EST) is 06:30 UTC");
  });

  it("refuses an end before the start, naming the field", async () => {
    const answer = await refusedWithoutWrites(() =>
      postJson("/api/plants/DAY/windows", "eng.day@demo.test", {
        title: "Backwards",
        kind: "scheduled_outage",
        status: "planned",
        startsAt: local(`${YEAR}-10-20`, "04:00"),
        endsAt: local(`${YEAR}-10-20`, "01:00"),
      })
    );
    assert.equal(answer.status, 400, "an end before the start is refused");
    assert.equal(answer.body.field, "endsAt", "the field at fault is endsAt");
    assert.match(answer.body.error ?? "", /endsAt/, "the message names the field");
    assert.deepEqual(Object.keys(answer.body.fieldErrors ?? {}), ["endsAt"], "fieldErrors names the field too");
    assert.doesNotMatch(answer.body.fieldErrors?.endsAt?.[0] ?? "", /^endsAt:/, "its message in plain words");
  });

  it("reads the body with the window form's schema, answering every field's problem at once", async () => {
    const answer = await refusedWithoutWrites(() =>
      postJson("/api/plants/DAY/windows", "eng.day@demo.test", {
        title: "No",
        kind: "picnic",
        notes: "x".repeat(4001),
        start: { date: SPRING, time: "02:30" },
        end: { date: SPRING, time: "06:00" },
      })
    );
    assert.equal(answer.status, 400, "a body that breaks the form's rules is a 400");
    assert.equal(answer.body.field, "title", "the first field at fault");
    assert.deepEqual(
      Object.keys(answer.body.fieldErrors ?? {}).sort(),
      ["kind", "notes", "start.time", "title"],
      "every field at fault, the time's too"
    );
    assert.deepEqual(answer.body.fieldErrors?.title, ["Give the window a title (at least 3 characters)."]);
    assert.deepEqual(answer.body.fieldErrors?.notes, ["Keep the notes to 4,000 characters or fewer."]);
    assert.match(answer.body.fieldErrors?.["start.time"]?.[0] ?? "", /^2:30 AM .*does not exist/);
    assert.match(answer.body.error ?? "", /title: Give the window a title/, "the error names the fields");
  });
});

describe("scheduling changes through the API", () => {
  let conduit: { id: number; revision: number };

  before(async () => {
    conduit = await db
      .selectFrom("conduit")
      .select(["id", "revision"])
      .where("plant_id", "=", await plantId("DAY"))
      .orderBy("id")
      .executeTakeFirstOrThrow();
    assert.ok(created.cutover, "the confirmed DAY window exists");
  });

  const cutover = (overrides: Record<string, unknown>) => ({
    windowId: created.cutover,
    kind: "conduit_cutover",
    title: "Cut the historian conduit over",
    conduitId: conduit.id,
    plannedStart: local(`${YEAR}-10-12`, "22:30"),
    plannedMinutes: 60,
    ...overrides,
  });

  it("schedules a cutover into a confirmed window, recording the conduit's revision", async () => {
    const answer = await postJson("/api/plants/DAY/changes", "eng.day@demo.test", cutover({}));
    assert.equal(answer.status, 201, `the cutover is scheduled: ${answer.body.error ?? ""}`);
    assert.equal(answer.body.change?.status, "scheduled", "the change is scheduled");
    assert.equal(answer.body.change?.conduitRevision, conduit.revision, "the cutover records the conduit's revision");
  });

  it("refuses a change outside the window with the reason", async () => {
    const answer = await refusedWithoutWrites(() =>
      postJson(
        "/api/plants/DAY/changes",
        "eng.day@demo.test",
        cutover({ plannedStart: { date: `${YEAR}-10-13`, time: "03:00" } })
      )
    );
    assert.equal(answer.status, 409, "a change outside the window is refused");
    assert.ok(
      answer.body.reasons?.some((r) => r.field === "plannedStart" && /does not start inside window/.test(r.message)),
      `the reason says it is outside the window: ${answer.body.error ?? ""}`
    );
  });

  it("refuses a change beyond the window's remaining capacity", async () => {
    // 240 minutes, 60 held: 190 more start and end inside the window but do not fit.
    const answer = await refusedWithoutWrites(() =>
      postJson(
        "/api/plants/DAY/changes",
        "eng.day@demo.test",
        cutover({ plannedStart: local(`${YEAR}-10-12`, "22:00"), plannedMinutes: 190 })
      )
    );
    assert.equal(answer.status, 409, "a change over capacity is refused");
    assert.ok(
      answer.body.reasons?.some((r) => r.field === "plannedMinutes" && /180 of its 240 minutes left/.test(r.message)),
      `the reason gives the minutes left: ${answer.body.error ?? ""}`
    );
  });

  it("refuses a change overlapping a blackout, and an outage over a blackout", async () => {
    const window = await postJson("/api/plants/DAY/windows", "eng.day@demo.test", {
      title: "Second cutover night",
      kind: "scheduled_outage",
      status: "confirmed",
      startsAt: local(`${YEAR}-10-19`, "22:00"),
      endsAt: local(`${YEAR}-10-20`, "04:00"),
    });
    assert.equal(window.status, 201, `the second window is created: ${window.body.error ?? ""}`);
    created.blackedOut = window.body.window!.id;
    const blackout = await postJson("/api/plants/DAY/windows", "lead@demo.test", {
      title: "Emergency production run",
      kind: "blackout",
      status: "confirmed",
      startsAt: local(`${YEAR}-10-20`, "01:00"),
      endsAt: local(`${YEAR}-10-20`, "12:00"),
    });
    assert.equal(blackout.status, 201, `a blackout may be declared over an outage: ${blackout.body.error ?? ""}`);
    created.blackout = blackout.body.window!.id;

    const answer = await refusedWithoutWrites(() =>
      postJson(
        "/api/plants/DAY/changes",
        "eng.day@demo.test",
        cutover({ windowId: created.blackedOut, plannedStart: local(`${YEAR}-10-20`, "01:30"), plannedMinutes: 30 })
      )
    );
    assert.equal(answer.status, 409, "a change in a blackout is refused");
    assert.ok(
      answer.body.reasons?.some((r) => /overlaps blackout “Emergency production run”/.test(r.message)),
      `the reason names the blackout: ${answer.body.error ?? ""}`
    );

    const outage = await refusedWithoutWrites(() =>
      postJson("/api/plants/DAY/windows", "eng.day@demo.test", {
        title: "Outage inside the blackout",
        kind: "scheduled_outage",
        status: "confirmed",
        startsAt: local(`${YEAR}-10-20`, "05:00"),
        endsAt: local(`${YEAR}-10-20`, "07:00"),
      })
    );
    assert.equal(outage.status, 409, "a scheduled outage is not created over a blackout");
    assert.match(outage.body.error ?? "", /overlaps blackout/, "the refusal names the blackout");
  });

  it("refuses a change into another plant's window: 409 for a session, 404 for a token limited to DAY", async () => {
    const kokWindow = await db
      .selectFrom("outage_window")
      .select("id")
      .where("plant_id", "=", await plantId("KOK"))
      .where("status", "=", "confirmed")
      .where("kind", "=", "scheduled_outage")
      .where("starts_at", ">", new Date().toISOString())
      .orderBy("starts_at")
      .executeTakeFirstOrThrow();
    const answer = await refusedWithoutWrites(() =>
      postJson("/api/plants/DAY/changes", "eng.day@demo.test", cutover({ windowId: kokWindow.id }))
    );
    assert.equal(answer.status, 409, "another plant's window is refused");
    assert.ok(
      answer.body.reasons?.some((r) => r.field === "windowId" && /belongs to another plant/.test(r.message)),
      `the reason says the window belongs to another plant: ${answer.body.error ?? ""}`
    );
    const scoped = await refusedWithoutWrites(() =>
      postJson("/api/plants/DAY/changes", "token:windows-day", cutover({ windowId: kokWindow.id }))
    );
    assert.equal(scoped.status, 404, "a DAY token does not learn of KOK's window");
    assert.equal(scoped.body.field, "windowId", "the 404 names the field");
  });

  it("refuses malformed input with 400 naming the field", async () => {
    const missing = await refusedWithoutWrites(() =>
      postJson("/api/plants/DAY/changes", "eng.day@demo.test", cutover({ conduitId: undefined }))
    );
    assert.equal(missing.status, 400, "a cutover without a conduit is malformed");
    assert.equal(missing.body.field, "conduitId", "the field at fault is conduitId");
    const minutes = await refusedWithoutWrites(() =>
      postJson("/api/plants/DAY/changes", "eng.day@demo.test", cutover({ plannedMinutes: 0 }))
    );
    assert.equal(minutes.status, 400, "zero minutes is malformed");
    assert.equal(minutes.body.field, "plannedMinutes", "the field at fault is plannedMinutes");
  });

  it("flags the changes of a cancelled window as needing a new window, audited, and refuses changes into it", async () => {
    const window = await postJson("/api/plants/DAY/windows", "eng.day@demo.test", {
      title: "Window to be cancelled",
      kind: "scheduled_outage",
      status: "confirmed",
      startsAt: local(`${YEAR}-10-26`, "22:00"),
      endsAt: local(`${YEAR}-10-27`, "02:00"),
    });
    assert.equal(window.status, 201, `the window is created: ${window.body.error ?? ""}`);
    created.cancelled = window.body.window!.id;
    // A sensor install, not another cutover of the conduit: that one's cutover is still open (one at a time).
    const change = await postJson(
      "/api/plants/DAY/changes",
      "eng.day@demo.test",
      cutover({
        windowId: created.cancelled,
        kind: "sensor_install",
        conduitId: undefined,
        plannedStart: local(`${YEAR}-10-26`, "23:00"),
      })
    );
    assert.equal(change.status, 201, `the change is scheduled: ${change.body.error ?? ""}`);
    const changeId = change.body.change!.id;

    const lead = await personActor("lead@demo.test");
    const cancelled = await updateWindow(db, lead, {
      plantId: await plantId("DAY"),
      windowId: created.cancelled,
      expectedRevision: window.body.window!.revision,
      status: "cancelled",
    });
    assert.equal(cancelled.status, "cancelled", "the window is cancelled");
    const flagged = await db
      .selectFrom("network_change")
      .select(["status", "window_id", "planned_start"])
      .where("id", "=", changeId)
      .executeTakeFirstOrThrow();
    assert.equal(flagged.status, "needs_window", "its change needs a new window");
    assert.equal(flagged.window_id, created.cancelled, "the change was not moved to another window");
    const events = await db
      .selectFrom("audit_event")
      .select(["action", "object_id", "after_json"])
      .where("action", "in", ["window.cancel", "change.needs_window"])
      .orderBy("seq")
      .execute();
    const windowEvent = events.find((e) => e.action === "window.cancel" && e.object_id === String(created.cancelled));
    assert.ok(windowEvent, "the cancellation is audited");
    assert.match(windowEvent.after_json ?? "", new RegExp(`"id":${changeId}`), "the audit lists the flagged change");
    assert.ok(
      events.some((e) => e.action === "change.needs_window" && e.object_id === String(changeId)),
      "the flagged change has its own audit event"
    );

    const into = await refusedWithoutWrites(() =>
      postJson(
        "/api/plants/DAY/changes",
        "eng.day@demo.test",
        cutover({ windowId: created.cancelled, plannedStart: local(`${YEAR}-10-26`, "22:10") })
      )
    );
    assert.equal(into.status, 409, "a change into a cancelled window is refused");
    assert.ok(
      into.body.reasons?.some((r) => r.field === "windowId" && /is cancelled/.test(r.message)),
      `the reason says the window is cancelled: ${into.body.error ?? ""}`
    );

    await assert.rejects(
      updateWindow(db, lead, {
        plantId: await plantId("DAY"),
        windowId: created.cancelled,
        expectedRevision: cancelled.revision,
        title: "Revived",
      }),
      (error: unknown) => error instanceof ActError && error.status === 409,
      "a cancelled window is history"
    );
  });
});

describe("the program's upcoming windows", () => {
  it("lists the next 30 days across plants sorted by instant, with conflicts flagged", async () => {
    const upcoming = await upcomingWindows(db, { days: 30, now: local(`${YEAR}-10-10`, "00:00") });
    const instants = upcoming.windows.map((w) => Date.parse(w.startsAt));
    assert.deepEqual(
      instants,
      [...instants].sort((a, b) => a - b),
      "sorted by instant"
    );
    const blackedOut = upcoming.windows.find((w) => w.id === created.blackedOut);
    assert.ok(blackedOut, "the outage under the blackout is listed");
    assert.ok(
      blackedOut.conflicts.some((c) => c.kind === "blackout_overlap" && /Emergency production run/.test(c.message)),
      "the outage overlapping the blackout is flagged"
    );
    const cancelled = upcoming.windows.find((w) => w.id === created.cancelled);
    assert.ok(
      cancelled?.conflicts.some((c) => c.kind === "changes_need_window"),
      "the cancelled window's flagged change is a conflict"
    );
    assert.ok(
      upcoming.needsWindow.some((c) => c.windowId === created.cancelled && c.plantCode === "DAY"),
      "the change needing a window is listed"
    );
    const fine = upcoming.windows.find((w) => w.id === created.cutover);
    assert.deepEqual(fine?.conflicts, [], "a window without trouble has no conflicts");
    assert.match(fine?.localRange ?? "", /22:00 EDT/, "shown in plant-local time with the abbreviation");
  });
});

describe("marking changes done or cancelled", () => {
  it("refuses a change done outside its window, records an active scan wherever it happened, and cancels", async () => {
    const day = await plantId("DAY");
    const lead = await personActor("lead@demo.test");
    // A change of a window now under way, as the seed leaves them, so "done now" can fall inside or outside.
    const started = await db
      .insertInto("outage_window")
      .values({
        plant_id: day,
        title: "Window under way",
        kind: "scheduled_outage",
        status: "confirmed",
        starts_at: new Date(Date.now() - 2 * 3600_000).toISOString(),
        ends_at: new Date(Date.now() + 2 * 3600_000).toISOString(),
        time_zone: ZONE,
        notes: null,
        created_by: null,
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const insertChange = async (kind: ChangeKind) =>
      (
        await db
          .insertInto("network_change")
          .values({
            plant_id: day,
            kind,
            title: `A ${kind}`,
            conduit_id: null,
            conduit_revision: null,
            asset_id: null,
            window_id: started.id,
            planned_start: new Date(Date.now() - 3600_000).toISOString(),
            planned_minutes: 30,
            status: "scheduled",
            done_at: null,
            created_by: null,
            created_at: new Date().toISOString(),
            updated_at: new Date().toISOString(),
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    const rule = await insertChange("firewall_rule_change");
    const scan = await insertChange("active_scan");
    const outside = new Date(Date.now() - 5 * 3600_000).toISOString();

    const before = await counts();
    await assert.rejects(
      completeChange(db, lead, { plantId: day, changeId: rule, doneAt: outside }),
      (error: unknown) => error instanceof ActError && error.status === 409 && error.field === "doneAt",
      "a rule change done outside its window is refused, naming doneAt"
    );
    assert.deepEqual(await counts(), before, "nothing written for the refusal");
    const done = await completeChange(db, lead, { plantId: day, changeId: rule });
    assert.equal(done.status, "done", "done now, inside the window, is recorded");
    assert.ok(done.doneAt, "with when it happened");

    const scanned = await completeChange(db, lead, { plantId: day, changeId: scan, doneAt: outside });
    assert.equal(scanned.status, "done", "an active scan outside the window is recorded (INV-PASSIVE must see it)");
    assert.equal(scanned.doneAt, outside, "at the instant it happened");

    await assert.rejects(
      cancelChange(db, lead, { plantId: day, changeId: rule, reason: "Changed our minds" }),
      (error: unknown) => error instanceof ActError && error.status === 409,
      "a done change is history"
    );
    const third = await insertChange("sensor_install");
    const cancelled = await cancelChange(db, lead, { plantId: day, changeId: third, reason: "Sensor not delivered" });
    assert.equal(cancelled.status, "cancelled", "a scheduled change is cancelled");
    const exec = await personActor("exec@demo.test");
    await assert.rejects(
      cancelChange(db, exec, { plantId: day, changeId: third }),
      (error: unknown) => error instanceof ActError && error.status === 403,
      "the executive may not cancel changes"
    );
  });
});

interface Parsed {
  uids: string[];
  status: Map<string, string>;
  summaries: string[];
}

function parseCalendar(text: string): Parsed {
  const component = new ICAL.Component(ICAL.parse(text));
  const events = component.getAllSubcomponents("vevent");
  const status = new Map<string, string>();
  for (const event of events)
    status.set(String(event.getFirstPropertyValue("uid")), String(event.getFirstPropertyValue("status")));
  return {
    uids: [...status.keys()],
    status,
    summaries: events.map((e) => String(e.getFirstPropertyValue("summary"))),
  };
}

async function getCalendar(pathname: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${pathname}`, { headers });
  const text = await response.text();
  return { status: response.status, type: response.headers.get("Content-Type"), text };
}

describe("iCalendar feeds", () => {
  it("answers a bearer token with the program's windows, cancelled ones as STATUS:CANCELLED", async () => {
    const feed = await getCalendar("/api/windows.ics", { Authorization: `Bearer ${bearer["windows-exec"]!}` });
    assert.equal(feed.status, 200, "the program feed answers a token");
    assert.equal(feed.type, "text/calendar; charset=utf-8", "the feed is text/calendar in UTF-8");
    assert.ok(feed.text.includes("\r\n"), "lines end in CRLF");
    const parsed = parseCalendar(feed.text);
    for (const id of [created.cutover!, created.blackout!, created.cancelled!]) {
      assert.ok(parsed.uids.includes(windowUid(id)), `the feed has window ${id}`);
    }
    assert.equal(parsed.status.get(windowUid(created.cancelled!)), "CANCELLED", "the cancelled window is CANCELLED");
    assert.equal(parsed.status.get(windowUid(created.cutover!)), "CONFIRMED", "the confirmed window is CONFIRMED");
    assert.ok(
      parsed.summaries.some((s) => s.startsWith("KOK ")),
      "the program feed has other plants' windows"
    );
  });

  it("limits a plant-scoped token to its plants, and serves one plant's feed", async () => {
    const scoped = await getCalendar("/api/windows.ics", { Authorization: `Bearer ${bearer["windows-day"]!}` });
    assert.equal(scoped.status, 200, "the program feed answers a DAY token");
    const parsed = parseCalendar(scoped.text);
    assert.ok(parsed.summaries.length > 0, "the DAY token sees DAY's windows");
    assert.ok(
      parsed.summaries.every((s) => s.startsWith("DAY ")),
      "and nothing of other plants"
    );
    const kok = await getCalendar("/api/plants/KOK/windows.ics", { Authorization: `Bearer ${bearer["windows-day"]!}` });
    assert.equal(kok.status, 404, "a DAY token does not see KOK's feed");
    const day = await getCalendar("/api/plants/DAY/windows.ics", { Cookie: cookies["exec@demo.test"]! });
    assert.equal(day.status, 200, "a session opens a plant's feed");
    const dayParsed = parseCalendar(day.text);
    assert.ok(dayParsed.uids.includes(windowUid(created.cutover!)), "the plant feed has the plant's window");
    assert.ok(
      dayParsed.summaries.every((s) => s.startsWith("DAY ")),
      "and only the plant's windows"
    );
    const anonymous = await getCalendar("/api/windows.ics");
    assert.equal(anonymous.status, 401, "nobody gets 401");
  });

  it("serves a person's feed token without a session until it is revoked", async () => {
    const lead = await personActor("lead@demo.test");
    const exec = await personActor("exec@demo.test");
    const auditBefore = (await counts()).audit;
    const feed = await createFeedToken(db, lead);
    assert.equal((await counts()).audit, auditBefore + 1, "creating a feed token is audited");
    const stored = await db.selectFrom("calendar_feed").selectAll().where("id", "=", feed.id).executeTakeFirstOrThrow();
    assert.notEqual(stored.token_hash, feed.token, "the token is stored hashed");
    assert.ok(!JSON.stringify(stored).includes(feed.token), "the secret is nowhere in the row");
    assert.deepEqual(
      (await listFeedTokens(db, lead.personId!)).map((t) => t.id),
      [feed.id],
      "the lead's tokens list the new one"
    );

    const program = await getCalendar(`/feeds/${feed.token}/windows.ics`);
    assert.equal(program.status, 200, "the feed token opens the program feed");
    assert.equal(program.type, "text/calendar; charset=utf-8", "as text/calendar in UTF-8");
    const parsed = parseCalendar(program.text);
    assert.ok(parsed.uids.includes(windowUid(created.cancelled!)), "with the cancelled window");
    assert.equal(parsed.status.get(windowUid(created.cancelled!)), "CANCELLED", "marked CANCELLED");
    const plant = await getCalendar(`/feeds/${feed.token}/plants/DAY.ics`);
    assert.equal(plant.status, 200, "the feed token opens a plant's feed");
    const plantParsed = parseCalendar(plant.text);
    assert.ok(plantParsed.uids.includes(windowUid(created.cutover!)), "with the plant's window");
    assert.ok(
      plantParsed.summaries.every((s) => s.startsWith("DAY ")),
      "and only the plant's windows"
    );
    assert.equal((await getCalendar(`/feeds/${feed.token}/plants/NOPE.ics`)).status, 404, "an unknown plant is 404");

    await assert.rejects(
      revokeFeedToken(db, exec, feed.id),
      (error: unknown) => error instanceof ActError && error.status === 404,
      "someone else cannot revoke the lead's token"
    );
    await revokeFeedToken(db, lead, feed.id);
    assert.ok((await listFeedTokens(db, lead.personId!))[0]?.revokedAt, "the token is listed as revoked");
    const revoked = await getCalendar(`/feeds/${feed.token}/windows.ics`);
    assert.equal(revoked.status, 404, "a revoked feed token is 404");
    const unknown = await getCalendar(`/feeds/stf_${"A".repeat(43)}/windows.ics`);
    assert.equal(unknown.status, 404, "an unknown feed token is 404");
    assert.equal(revoked.text, unknown.text, "revoked and unknown tokens get the same answer");
    assert.equal((await getCalendar(`/feeds/${feed.token}/plants/DAY.ics`)).status, 404, "the plant feed too");
  });

  it("stops a feed when its person is made inactive, and refuses feed tokens to API tokens and admins", async () => {
    const engineer = await personActor("eng.kok@demo.test");
    const feed = await createFeedToken(db, engineer);
    assert.equal(
      (await getCalendar(`/feeds/${feed.token}/plants/DAY.ics`)).status,
      200,
      "engineers read every plant's windows"
    );
    await db.updateTable("person").set({ active: 0 }).where("id", "=", engineer.personId!).execute();
    assert.equal(
      (await getCalendar(`/feeds/${feed.token}/windows.ics`)).status,
      404,
      "an inactive person's feed is 404"
    );
    await db.updateTable("person").set({ active: 1 }).where("id", "=", engineer.personId!).execute();

    const admin = await personActor("admin@demo.test");
    await assert.rejects(
      createFeedToken(db, admin),
      (error: unknown) => error instanceof ActError && error.status === 403,
      "an admin reads no windows, so has no feed"
    );
    await assert.rejects(
      createFeedToken(db, { ...engineer, kind: "token", personId: null, tokenId: 1 }),
      (error: unknown) => error instanceof ActError && error.status === 403,
      "an API token holds no feed"
    );
  });
});
