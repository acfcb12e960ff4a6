import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { DateTime } from "luxon";
import { updateWindow, upcomingWindows } from "../../app/models/outage-windows.server";
import { RefusedAct } from "../../app/utils/errors";
import { closeDb, openDatabase, type DB } from "../../app/utils/db.server";
import { tempDir, windowWriteCounts, databaseEnv } from "../support/database";
import { getPage, postForm, words, type PageReply } from "../support/pages";
import { actorFor, signInOverHttp, TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// "No dead ends" for changes and windows, through the real server as a browser without JavaScript (forms posted,
// HTML read back) and as an API client: a change whose window was cancelled is moved into another window or
// cancelled with a reason; a second change for a conduit with an open one is refused pointing at it; overlapping
// outage windows are kept only when confirmed and are marked; the program's month view; durations in days.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let db: DB;
const cookies: Record<string, string> = {};

const ZONE = "America/New_York"; // DAY's zone
const YEAR = new Date().getUTCFullYear() + 1;
const MONTH = `${YEAR}-08`;
const local = (date: string, time: string) => DateTime.fromISO(`${date}T${time}`, { zone: ZONE }).toUTC().toISO()!;

type Reply = PageReply;

const post = (pathname: string, as: string, fields: Record<string, string>): Promise<Reply> =>
  postForm(server.url, pathname, cookies[as]!, fields);
const get = (pathname: string, as: string, cookieExtra = ""): Promise<Reply> =>
  getPage(server.url, pathname, `${cookies[as]!}${cookieExtra}`);

interface Answer {
  status: number;
  body: {
    error?: string;
    field?: string;
    reasons?: { field: string; message: string; href?: string }[];
    window?: { id: number; revision: number };
    change?: { id: number; status: string };
  };
}

async function postJson(pathname: string, as: string, json: unknown): Promise<Answer> {
  const response = await fetch(`${server.url}${pathname}`, {
    method: "POST",
    headers: { Cookie: cookies[as]!, Origin: server.url, "Content-Type": "application/json" },
    body: JSON.stringify(json),
  });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

/** The flash cookie a redirect set, to read the confirmation on the page it leads to. */
async function postAndFollow(pathname: string, as: string, fields: Record<string, string>) {
  const reply = await post(pathname, as, fields);
  assert.equal(reply.status, 302, `the act is accepted: ${words(reply.text).slice(0, 400)}`);
  const page = await get(reply.location!, as, `; ${reply.setCookie}`);
  return { location: reply.location, page };
}

const counts = () => windowWriteCounts(db);

async function change(id: number) {
  return db.selectFrom("network_change").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

async function revisionOf(id: number) {
  return (await db.selectFrom("outage_window").select("revision").where("id", "=", id).executeTakeFirstOrThrow())
    .revision;
}

const ids = { cancelled: 0, target: 0, change: 0, sensor: 0, overlap: 0 };
let conduit: { id: number; name: string };

async function newWindow(title: string, date: string, start: string, endDate: string, end: string, extra = {}) {
  const made = await postJson("/api/plants/DAY/windows", "lead@demo.test", {
    title,
    kind: "scheduled_outage",
    status: "confirmed",
    start: { date, time: start },
    end: { date: endDate, time: end },
    ...extra,
  });
  assert.equal(made.status, 201, `${title} is created: ${made.body.error ?? ""}`);
  return made.body.window!.id;
}

before(async () => {
  server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD });
  db = openDatabase(file);
  for (const email of ["eng.day@demo.test", "eng.kok@demo.test", "exec@demo.test", "lead@demo.test"]) {
    cookies[email] = await signInOverHttp(server.url, email);
  }
  const day = await db.selectFrom("plant").select("id").where("code", "=", "DAY").executeTakeFirstOrThrow();
  // A conduit of DAY without an open change.
  conduit = await db
    .selectFrom("conduit as k")
    .select(["k.id", "k.name"])
    .where("k.plant_id", "=", day.id)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("network_change as c")
            .select("c.id")
            .whereRef("c.conduit_id", "=", "k.id")
            .where("c.status", "in", ["scheduled", "needs_window"])
        )
      )
    )
    .orderBy("k.id")
    .executeTakeFirstOrThrow();
  ids.cancelled = await newWindow("Night to be cancelled", `${MONTH}-03`, "22:00", `${MONTH}-04`, "02:00");
  ids.target = await newWindow("Night that takes it", `${MONTH}-10`, "22:00", `${MONTH}-11`, "02:00");
  const scheduled = await postJson("/api/plants/DAY/changes", "eng.day@demo.test", {
    windowId: ids.cancelled,
    kind: "conduit_cutover",
    title: "Cut the moved conduit over",
    conduitId: conduit.id,
    plannedStart: local(`${MONTH}-03`, "23:00"),
    plannedMinutes: 90,
  });
  assert.equal(scheduled.status, 201, `the cutover is scheduled: ${scheduled.body.error ?? ""}`);
  ids.change = scheduled.body.change!.id;
  const second = await postJson("/api/plants/DAY/changes", "eng.day@demo.test", {
    windowId: ids.cancelled,
    kind: "sensor_install",
    title: "Install the SPAN sensor",
    plannedStart: local(`${MONTH}-04`, "00:30"),
    plannedMinutes: 30,
  });
  assert.equal(second.status, 201, `the sensor install is scheduled: ${second.body.error ?? ""}`);
  ids.sensor = second.body.change!.id;
  const cancel = await post("/plants/DAY/windows", "lead@demo.test", {
    intent: "window-status",
    windowId: String(ids.cancelled),
    revision: String(await revisionOf(ids.cancelled)),
    status: "cancelled",
  });
  assert.equal(cancel.status, 302, `the window is cancelled: ${words(cancel.text).slice(0, 300)}`);
  assert.equal((await change(ids.change)).status, "needs_window");
});

after(async () => {
  await db?.destroy();
  await closeDb();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a change that needs a new window", () => {
  it("has one stable anchor on the plant's windows page, with the move and cancel forms there", async () => {
    const page = await get("/plants/DAY/windows", "eng.day@demo.test");
    assert.equal(page.status, 200);
    const anchors = page.text.match(new RegExp(`id="change-${ids.change}"`, "g")) ?? [];
    assert.equal(anchors.length, 1, "exactly one element is #change-<id>");
    const item = new RegExp(`<li id="change-${ids.change}"[\\s\\S]*?</li>\\s*(?=<li id="change-|</ul>)`).exec(
      page.text
    )?.[0];
    assert.ok(item, "the anchor is the item in the panel of changes needing a window");
    assert.match(item, /value="move-change"/, "with the move form");
    assert.match(item, new RegExp(`value="${ids.target}:\\d+"`), "offering the window that takes it");
    assert.doesNotMatch(item, new RegExp(`value="${ids.cancelled}:`), "never the cancelled window");
    assert.match(item, /value="cancel-change"/, "and the cancel form");
    assert.match(item, /name="reason"[^>]*required|required[^>]*name="reason"/, "whose reason is required");
    const exec = await get("/plants/DAY/windows", "exec@demo.test");
    assert.match(exec.text, new RegExp(`id="change-${ids.change}"`), "the executive sees the change");
    assert.doesNotMatch(exec.text, /value="move-change"/, "without the forms");
  });

  it("refuses another plant's engineer and the executive (403), writing nothing", async () => {
    const before = await counts();
    for (const who of ["eng.kok@demo.test", "exec@demo.test"]) {
      const reply = await post("/plants/DAY/windows", who, {
        intent: "move-change",
        changeId: String(ids.change),
        target: `${ids.target}:${await revisionOf(ids.target)}`,
      });
      assert.equal(reply.status, 403, `${who} may not move DAY's change`);
      const cancel = await post("/plants/DAY/windows", who, {
        intent: "cancel-change",
        changeId: String(ids.change),
        reason: "Not mine to cancel",
      });
      assert.equal(cancel.status, 403, `${who} may not cancel DAY's change`);
    }
    assert.deepEqual(await counts(), before, "nothing written");
  });

  it("refuses a move based on a window edited since (409, the window as it stands), writing nothing", async () => {
    const stale = await revisionOf(ids.target);
    const edit = await post("/plants/DAY/windows", "lead@demo.test", {
      intent: "window-status",
      windowId: String(ids.target),
      revision: String(stale),
      status: "planned",
    });
    assert.equal(edit.status, 302, "the lead un-confirms the window meanwhile");
    const before = await counts();
    const reply = await post("/plants/DAY/windows", "eng.day@demo.test", {
      intent: "move-change",
      changeId: String(ids.change),
      target: `${ids.target}:${stale}`,
    });
    assert.equal(reply.status, 409, "the move is refused");
    assert.match(words(reply.text), /Night that takes it/, "naming the window");
    assert.match(words(reply.text), /Nothing was changed/, "saying nothing was done");
    assert.deepEqual(await counts(), before, "nothing written");
    const confirm = await post("/plants/DAY/windows", "lead@demo.test", {
      intent: "window-status",
      windowId: String(ids.target),
      revision: String(await revisionOf(ids.target)),
      status: "confirmed",
    });
    assert.equal(confirm.status, 302, "confirmed again");
  });

  it("moves into the window chosen, after its planned changes, audited, and the page says so", async () => {
    const { location, page } = await postAndFollow("/plants/DAY/windows", "eng.day@demo.test", {
      intent: "move-change",
      changeId: String(ids.change),
      target: `${ids.target}:${await revisionOf(ids.target)}`,
    });
    assert.match(location ?? "", new RegExp(`#change-${ids.change}$`), "back on the change");
    const moved = await change(ids.change);
    assert.equal(moved.status, "scheduled", "scheduled again");
    assert.equal(moved.window_id, ids.target, "in the window chosen");
    assert.equal(moved.planned_start, local(`${MONTH}-10`, "22:00"), "at the start of the empty window");
    const audit = await db
      .selectFrom("audit_event")
      .select(["summary", "before_json", "after_json"])
      .where("action", "=", "change.move")
      .where("object_id", "=", String(ids.change))
      .executeTakeFirstOrThrow();
    assert.match(
      audit.summary,
      /moved the change “Cut the moved conduit over” at DAY into window “Night that takes it”/
    );
    assert.match(audit.before_json ?? "", /"status":"needs_window"/);
    assert.match(words(page.text), /Change “Cut the moved conduit over” moved into window “Night that takes it”\./);
    assert.equal((page.text.match(new RegExp(`id="change-${ids.change}"`, "g")) ?? []).length, 1);
    const again = await post("/plants/DAY/windows", "eng.day@demo.test", {
      intent: "move-change",
      changeId: String(ids.change),
      target: `${ids.target}:${await revisionOf(ids.target)}`,
    });
    assert.equal(again.status, 409, "a scheduled change is not moved again this way");
  });

  it("cancels with a reason (required, bounded), audited", async () => {
    const before = await counts();
    for (const reason of ["", "x".repeat(1001)]) {
      const refused = await post("/plants/DAY/windows", "eng.day@demo.test", {
        intent: "cancel-change",
        changeId: String(ids.sensor),
        reason,
      });
      assert.equal(refused.status, 400, `reason of ${reason.length} characters is refused`);
      assert.match(words(refused.text), reason ? /1,000 characters or fewer/ : /say why the change is cancelled/i);
    }
    assert.deepEqual(await counts(), before, "nothing written");
    const { page } = await postAndFollow("/plants/DAY/windows", "eng.day@demo.test", {
      intent: "cancel-change",
      changeId: String(ids.sensor),
      reason: "The sensor was not delivered",
    });
    assert.equal((await change(ids.sensor)).status, "cancelled");
    assert.match(words(page.text), /Change “Install the SPAN sensor” cancelled\./, "the page says so");
    const audit = await db
      .selectFrom("audit_event")
      .select(["summary", "after_json"])
      .where("action", "=", "change.cancel")
      .where("object_id", "=", String(ids.sensor))
      .executeTakeFirstOrThrow();
    assert.match(audit.summary, /The sensor was not delivered/);
    assert.match(audit.after_json ?? "", /"reason":"The sensor was not delivered"/);
  });
});

describe("a second change for a conduit with an open one", () => {
  it("is refused by the API (409), naming the open change and where it is", async () => {
    const before = await counts();
    const answer = await postJson("/api/plants/DAY/changes", "eng.day@demo.test", {
      windowId: ids.target,
      kind: "conduit_cutover",
      title: "Cut the same conduit over again",
      conduitId: conduit.id,
      plannedStart: local(`${MONTH}-11`, "00:00"),
      plannedMinutes: 30,
    });
    assert.equal(answer.status, 409, "a duplicate is refused");
    const reason = answer.body.reasons?.find((r) => r.field === "conduitId");
    assert.ok(reason, `the reason names the conduit field: ${answer.body.error ?? ""}`);
    assert.match(reason.message, /already has an open change, “Cut the moved conduit over”/);
    assert.equal(reason.href, `/plants/DAY/changes/${ids.change}`, "with where the open change is");
    assert.deepEqual(await counts(), before, "nothing written");
  });

  it("is refused by the page's form, with a link to the open change", async () => {
    const reply = await post("/plants/DAY/windows", "eng.day@demo.test", {
      intent: "schedule-change",
      windowId: String(ids.target),
      kind: "firewall_rule_change",
      title: "Open the historian port",
      conduitId: String(conduit.id),
      "planned.date": `${MONTH}-11`,
      "planned.time": "00:00",
      plannedMinutes: "20",
    });
    assert.equal(reply.status, 409);
    assert.match(words(reply.text), /already has an open change, “Cut the moved conduit over”/);
    assert.match(reply.text, new RegExp(`href="/plants/DAY/changes/${ids.change}"`), "linking to it");
  });
});

describe("overlapping outage windows", () => {
  it("the API answers 409 naming both windows unless confirmOverlap is true", async () => {
    const json = {
      title: "Second crew night",
      kind: "scheduled_outage",
      status: "confirmed",
      start: { date: `${MONTH}-11`, time: "01:00" },
      end: { date: `${MONTH}-11`, time: "04:00" },
    };
    const before = await counts();
    const refused = await postJson("/api/plants/DAY/windows", "lead@demo.test", json);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.field, "confirmOverlap");
    assert.match(refused.body.error ?? "", /“Second crew night” .* overlaps window “Night that takes it”/);
    assert.deepEqual(await counts(), before, "nothing written");
    const kept = await postJson("/api/plants/DAY/windows", "lead@demo.test", { ...json, confirmOverlap: true });
    assert.equal(kept.status, 201, `kept when confirmed: ${kept.body.error ?? ""}`);
    ids.overlap = kept.body.window!.id;
    const upcoming = await upcomingWindows(db, { now: local(`${MONTH}-01`, "00:00"), days: 30 });
    for (const [one, other] of [
      [ids.overlap, "Night that takes it"],
      [ids.target, "Second crew night"],
    ] as const) {
      const w = upcoming.windows.find((x) => x.id === one);
      assert.ok(
        w?.conflicts.some((c) => c.kind === "window_overlap" && c.message.includes(`“${other}”`)),
        `window ${one} is marked as overlapping “${other}”`
      );
    }
  });

  it("the page's form warns naming both windows and keeps both only with the box ticked", async () => {
    const form = {
      intent: "create-window",
      title: "Third crew night",
      kind: "scheduled_outage",
      status: "planned",
      "start.date": `${MONTH}-10`,
      "start.time": "23:00",
      "end.date": `${MONTH}-11`,
      "end.time": "01:30",
    };
    const before = await counts();
    const warned = await post("/plants/DAY/windows", "eng.day@demo.test", form);
    assert.equal(warned.status, 409, "not saved silently");
    const text = words(warned.text);
    assert.match(text, /“Third crew night” .* overlaps window “Night that takes it”/);
    assert.match(text, /overlaps window “Second crew night”/);
    assert.match(warned.text, /type="checkbox" name="confirmOverlap"[^>]*value="yes"/, "the box that keeps both");
    assert.match(warned.text, /name="title"[^>]*value="Third crew night"|value="Third crew night"[^>]*name="title"/);
    assert.deepEqual(await counts(), before, "nothing written");
    const { page } = await postAndFollow("/plants/DAY/windows", "eng.day@demo.test", {
      ...form,
      confirmOverlap: "yes",
    });
    assert.match(words(page.text), /Window “Third crew night” added/, "the page says so");
    assert.match(words(page.text), /Conflict Overlaps window “Night that takes it”/, "and marks the overlap");
  });
});

describe("editing a window over another", () => {
  it("is refused naming both windows unless the overlap is confirmed", async () => {
    const lead = await actorFor(db, "lead@demo.test");
    const plantId = (await db.selectFrom("plant").select("id").where("code", "=", "DAY").executeTakeFirstOrThrow()).id;
    const apart = await newWindow("Night apart", `${MONTH}-17`, "22:00", `${MONTH}-18`, "02:00");
    const edit = {
      plantId,
      windowId: apart,
      expectedRevision: await revisionOf(apart),
      startsAt: local(`${MONTH}-10`, "23:30"),
      endsAt: local(`${MONTH}-11`, "01:30"),
    };
    const before = await counts();
    await assert.rejects(
      updateWindow(db, lead, edit),
      (error: unknown) =>
        error instanceof RefusedAct &&
        error.status === 409 &&
        error.field === "confirmOverlap" &&
        /“Night apart” .* overlaps window “Night that takes it”/.test(error.message),
      "moving a window over another is refused, naming both"
    );
    assert.deepEqual(await counts(), before, "nothing written");
    const kept = await updateWindow(db, lead, { ...edit, confirmOverlap: true });
    assert.equal(kept.startsAt, edit.startsAt, "kept when confirmed");
  });
});

describe("the program's month view and durations", () => {
  it("shows the month with blackouts shaded, bounded per day, with month links", async () => {
    const blackout = await postJson("/api/plants/DAY/windows", "lead@demo.test", {
      title: "August production run",
      kind: "blackout",
      status: "confirmed",
      start: { date: `${MONTH}-20`, time: "00:00" },
      end: { date: `${MONTH}-30`, time: "00:00" },
    });
    assert.equal(blackout.status, 201, blackout.body.error ?? "");
    for (let i = 0; i < 5; i += 1) {
      await newWindow(`Busy day ${i}`, `${MONTH}-14`, `0${i}:00`, `${MONTH}-14`, `0${i}:30`, { confirmOverlap: true });
    }
    const page = await get(`/windows?view=month&month=${MONTH}`, "exec@demo.test");
    assert.equal(page.status, 200);
    assert.match(page.text, /<table class="month-grid"/, "a month grid, server-rendered");
    assert.match(page.text, new RegExp(`class="[^"]*blackout-day[^"]*" aria-label="${MONTH}-25, blackout"`), "shaded");
    assert.match(words(page.text), /\+ ?1 more/, "a day holding 5 windows shows 4 and +1 more");
    assert.match(page.text, new RegExp(`href="/windows\\?view=month&amp;month=${YEAR}-09"`), "next month by link");
    assert.match(page.text, new RegExp(`href="/windows\\?view=month&amp;month=${YEAR}-07"`), "previous month");
    const day = await get(`/windows?view=month&month=${MONTH}&day=${MONTH}-14`, "exec@demo.test");
    const text = words(day.text);
    for (let i = 0; i < 5; i += 1) assert.ok(text.includes(`Busy day ${i}`), `the day lists Busy day ${i}`);
    const list = await get(`/plants/DAY/windows`, "exec@demo.test");
    assert.match(words(list.text), /10 d real time/, "a ten-day blackout reads in days, not “240 h”");
  });
});

describe("a change that needs a new window, from the queue (/me)", () => {
  const mine = { cancelled: 0, target: 0, move: 0, cancel: 0 };
  const SEPTEMBER = `${YEAR}-09`;

  before(async () => {
    mine.cancelled = await newWindow(
      "Queue night to be cancelled",
      `${SEPTEMBER}-03`,
      "22:00",
      `${SEPTEMBER}-04`,
      "02:00"
    );
    mine.target = await newWindow("Queue night that takes it", `${SEPTEMBER}-08`, "22:00", `${SEPTEMBER}-09`, "02:00");
    for (const [key, title, time] of [
      ["move", "Install the queue's sensor", "22:30"],
      ["cancel", "Install the queue's tap", "23:30"],
    ] as const) {
      const made = await postJson("/api/plants/DAY/changes", "eng.day@demo.test", {
        windowId: mine.cancelled,
        kind: "sensor_install",
        title,
        plannedStart: local(`${SEPTEMBER}-03`, time),
        plannedMinutes: 30,
      });
      assert.equal(made.status, 201, `${title} is scheduled: ${made.body.error ?? ""}`);
      mine[key] = made.body.change!.id;
    }
    const cancel = await post("/plants/DAY/windows", "lead@demo.test", {
      intent: "window-status",
      windowId: String(mine.cancelled),
      revision: String(await revisionOf(mine.cancelled)),
      status: "cancelled",
    });
    assert.equal(cancel.status, 302, `the window is cancelled: ${words(cancel.text).slice(0, 300)}`);
    assert.equal((await change(mine.move)).status, "needs_window");
  });

  /** The queue's row of a change. */
  const row = (html: string, id: number) =>
    new RegExp(`<tr[^>]*>(?:(?!</tr>)[\\s\\S])*?change-${id}-cancel[\\s\\S]*?</tr>`).exec(html)?.[0];

  it("offers the move (the windows that take it) and the cancel forms on each waiting change", async () => {
    const page = await get("/me", "eng.day@demo.test");
    assert.equal(page.status, 200);
    const item = row(page.text, mine.move);
    assert.ok(item, "the change's row holds its forms");
    assert.match(item, /value="move-change"/, "the move form");
    assert.match(item, new RegExp(`value="${mine.target}:\\d+"`), "offering the window that takes it");
    assert.doesNotMatch(item, new RegExp(`value="${mine.cancelled}:`), "never the cancelled window");
    assert.match(item, /value="cancel-change"/, "and the cancel form");
    assert.match(item, /name="reason"[^>]*required|required[^>]*name="reason"/, "whose reason is required");
    assert.match(item, /name="plant" value="DAY"/, "naming the change's plant");
  });

  it("refuses the executive and another plant's engineer, writing nothing", async () => {
    const before = await counts();
    for (const who of ["eng.kok@demo.test", "exec@demo.test"]) {
      const move = await post("/me", who, {
        intent: "move-change",
        plant: "DAY",
        changeId: String(mine.move),
        target: `${mine.target}:${await revisionOf(mine.target)}`,
      });
      assert.equal(move.status, 403, `${who} may not move DAY's change from the queue`);
      const cancel = await post("/me", who, {
        intent: "cancel-change",
        plant: "DAY",
        changeId: String(mine.cancel),
        reason: "Not mine to cancel",
      });
      assert.equal(cancel.status, 403, `${who} may not cancel DAY's change from the queue`);
    }
    assert.deepEqual(await counts(), before, "nothing written");
    assert.equal((await change(mine.move)).status, "needs_window");
  });

  it("refuses a cancel without a reason, saying so under the change's reason field", async () => {
    const before = await counts();
    const refused = await post("/me", "eng.day@demo.test", {
      intent: "cancel-change",
      plant: "DAY",
      changeId: String(mine.cancel),
      reason: "",
    });
    assert.equal(refused.status, 400);
    const item = row(refused.text, mine.cancel);
    assert.ok(item, "the queue is shown again with the change's row");
    assert.match(
      item,
      /id="change-\d+-cancel-reason-error"[^>]*>[\s\S]*?say why the change is cancelled/i,
      "the reason is marked, in plain words"
    );
    assert.doesNotMatch(row(refused.text, mine.move) ?? "", /field-error/, "the other change's forms are not marked");
    assert.deepEqual(await counts(), before, "nothing written");
  });

  it("moves into the window chosen and cancels with a reason, back on the queue saying so, audited", async () => {
    const moved = await postAndFollow("/me", "eng.day@demo.test", {
      intent: "move-change",
      plant: "DAY",
      changeId: String(mine.move),
      target: `${mine.target}:${await revisionOf(mine.target)}`,
    });
    assert.equal(moved.location, "/me#changes", "back on the queue's changes");
    assert.match(
      words(moved.page.text),
      /Change “Install the queue's sensor” moved into window “Queue night that takes it”\./,
      "the queue says so"
    );
    const now = await change(mine.move);
    assert.equal(now.status, "scheduled");
    assert.equal(now.window_id, mine.target);
    const audit = await db
      .selectFrom("audit_event")
      .select("summary")
      .where("action", "=", "change.move")
      .where("object_id", "=", String(mine.move))
      .executeTakeFirst();
    assert.ok(audit, "the move is audited");
    assert.equal(row(moved.page.text, mine.move), undefined, "the moved change waits no more");

    const cancelled = await postAndFollow("/me", "eng.day@demo.test", {
      intent: "cancel-change",
      plant: "DAY",
      changeId: String(mine.cancel),
      reason: "The tap was not delivered",
    });
    assert.equal(cancelled.location, "/me#changes");
    assert.match(words(cancelled.page.text), /Change “Install the queue's tap” cancelled\./, "the queue says so");
    assert.equal((await change(mine.cancel)).status, "cancelled");
    const trail = await db
      .selectFrom("audit_event")
      .select("summary")
      .where("action", "=", "change.cancel")
      .where("object_id", "=", String(mine.cancel))
      .executeTakeFirstOrThrow();
    assert.match(trail.summary, /The tap was not delivered/);
  });
});
