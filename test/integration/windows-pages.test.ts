import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { DateTime } from "luxon";
import { closeDb, openDatabase, type DB } from "../../app/utils/db.server";
import { tempDir, databaseEnv } from "../support/database";
import { getPage, postForm, words, type PageReply } from "../support/pages";
import { signInOverHttp, TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// The outage-window pages over HTTP against the demo program, as a browser without JavaScript would use them:
// forms posted, refusals read from the HTML the page answers with.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let db: DB;
const cookies: Record<string, string> = {};

// Next year's DST transitions in America/New_York (DAY's zone): the second Sunday of March, the first of November.
const YEAR = new Date().getUTCFullYear() + 1;
const nthSunday = (month: number, n: number) => {
  let day = DateTime.fromObject({ year: YEAR, month, day: 1 }, { zone: "utc" });
  while (day.weekday !== 7) day = day.plus({ days: 1 });
  return day.plus({ weeks: n - 1 }).toISODate()!;
};
const SPRING = nthSunday(3, 2);
const FALL = nthSunday(11, 1);

type Reply = PageReply;

const post = (pathname: string, as: string, fields: Record<string, string>): Promise<Reply> =>
  postForm(server.url, pathname, cookies[as]!, fields);
const get = (pathname: string, as?: string): Promise<Reply> =>
  getPage(server.url, pathname, as ? cookies[as] : undefined);

function windowForm(title: string, start: [string, string], end: [string, string], extra: Record<string, string> = {}) {
  return {
    intent: "create-window",
    title,
    kind: "scheduled_outage",
    status: "confirmed",
    "start.date": start[0],
    "start.time": start[1],
    "end.date": end[0],
    "end.time": end[1],
    ...extra,
  };
}

async function windowId(title: string): Promise<number> {
  const row = await db.selectFrom("outage_window").select("id").where("title", "=", title).executeTakeFirst();
  assert.ok(row, `the window “${title}” was stored`);
  return row.id;
}

before(async () => {
  server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD });
  db = openDatabase(file);
  for (const email of ["eng.day@demo.test", "eng.kok@demo.test", "exec@demo.test", "lead@demo.test"]) {
    cookies[email] = await signInOverHttp(server.url, email);
  }
});

after(async () => {
  await db?.destroy();
  await closeDb();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the plant's windows page", () => {
  it("lets the plant's engineer add a window through the form, and lists it in plant-local time", async () => {
    const reply = await post(
      "/plants/DAY/windows",
      "eng.day@demo.test",
      windowForm("Form outage night", [`${YEAR}-09-14`, "22:00"], [`${YEAR}-09-15`, "02:00"])
    );
    assert.equal(reply.status, 302, `the form is accepted: ${words(reply.text).slice(0, 300)}`);
    assert.match(reply.location ?? "", /\/plants\/DAY\/windows/, "and goes back to the windows page");
    const page = await get("/plants/DAY/windows", "eng.day@demo.test");
    assert.equal(page.status, 200, "the page opens");
    const text = words(page.text);
    assert.ok(text.includes("Form outage night"), "the new window is listed");
    assert.match(text, /22:00 EDT – [^·]*02:00 EDT/, "its range is shown in plant time with the zone abbreviation");
    assert.ok(text.includes("4 h real time"), "with its real duration");
  });

  it("answers every problem of the form at once, each beside its field, in plain words, keeping what was typed", async () => {
    const reply = await post("/plants/DAY/windows", "eng.day@demo.test", {
      ...windowForm("No", [SPRING, "02:30"], [SPRING, "05:00"]),
      notes: "n".repeat(4001),
    });
    assert.equal(reply.status, 400, "the form is refused");
    const errorOf = (id: string) =>
      words(
        new RegExp(`<ul class="field-error" id="${id}-error">([\\s\\S]*?)</ul>`).exec(reply.text)?.[1] ?? ""
      ).trim();
    assert.equal(errorOf("create-title"), "Give the window a title (at least 3 characters).", "beside the title");
    assert.equal(errorOf("create-notes"), "Keep the notes to 4,000 characters or fewer.", "beside the notes");
    assert.match(errorOf("create-start-time"), /does not exist/, "beside the start time");
    assert.match(words(reply.text), /Check the 3 fields marked below\./, "the form says how many");
    assert.doesNotMatch(words(reply.text), /start\.time:|Too big|Refused:/, "no internal names or zod defaults");
    assert.match(reply.text, /name="title"[^>]*value="No"|value="No"[^>]*name="title"/, "what was typed is kept");
    assert.match(reply.text, /<form[^>]*action="[^"]*#create"/, "the form's address lands on it without JavaScript");
  });

  it("refuses a time inside the spring-forward gap, naming the time and the zone, and writes nothing", async () => {
    const before = (await db.selectFrom("outage_window").select(db.fn.countAll().as("n")).executeTakeFirstOrThrow()).n;
    const reply = await post(
      "/plants/DAY/windows",
      "eng.day@demo.test",
      windowForm("Gap outage", [SPRING, "02:30"], [SPRING, "05:00"])
    );
    assert.equal(reply.status, 400, "a time that does not exist is a 400");
    const text = words(reply.text);
    assert.ok(text.includes("02:30"), `the message names the time: ${text.slice(0, 200)}`);
    assert.ok(text.includes("America/New_York"), "and the zone");
    assert.match(text, /does not exist/, "and says it does not exist");
    const after = (await db.selectFrom("outage_window").select(db.fn.countAll().as("n")).executeTakeFirstOrThrow()).n;
    assert.equal(after, before, "nothing was written");
  });

  it("asks which of the two offsets an ambiguous fall-back time means, then takes the one chosen", async () => {
    const form = windowForm("Fall-back outage", [FALL, "01:30"], [FALL, "04:00"]);
    const first = await post("/plants/DAY/windows", "eng.day@demo.test", form);
    assert.equal(first.status, 400, "an ambiguous time is a 400 until an offset is chosen");
    assert.match(first.text, /type="radio"[^>]*name="start.offset"[^>]*value="-04:00"/, "EDT (-04:00) is offered");
    assert.match(first.text, /type="radio"[^>]*name="start.offset"[^>]*value="-05:00"/, "EST (-05:00) is offered");
    const text = words(first.text);
    assert.ok(text.includes("EDT") && text.includes("EST"), "both abbreviations are shown");
    assert.match(first.text, /name="start.date"[^>]*value="[^"]*"/, "the form keeps the date typed");

    const second = await post("/plants/DAY/windows", "eng.day@demo.test", { ...form, "start.offset": "-05:00" });
    assert.equal(second.status, 302, `with the offset chosen the window is added: ${words(second.text).slice(0, 300)}`);
    const row = await db
      .selectFrom("outage_window")
      .select(["starts_at", "ends_at"])
      .where("title", "=", "Fall-back outage")
      .executeTakeFirstOrThrow();
    assert.equal(row.starts_at, `${FALL}T06:30:00.000Z`, "the second 01:30 (EST) was stored");
    assert.equal(row.ends_at, `${FALL}T09:00:00.000Z`, "04:00 EST ends it");
  });

  it("refuses the executive and another plant's engineer with 403, and writes nothing", async () => {
    for (const who of ["exec@demo.test", "eng.kok@demo.test"]) {
      const reply = await post(
        "/plants/DAY/windows",
        who,
        windowForm(`Not allowed (${who})`, [`${YEAR}-09-20`, "22:00"], [`${YEAR}-09-21`, "02:00"])
      );
      assert.equal(reply.status, 403, `${who} may not add a DAY window`);
      const row = await db
        .selectFrom("outage_window")
        .select("id")
        .where("title", "=", `Not allowed (${who})`)
        .executeTakeFirst();
      assert.equal(row, undefined, `nothing was written for ${who}`);
    }
    const page = await get("/plants/DAY/windows", "exec@demo.test");
    assert.equal(page.status, 200, "the executive still reads the page");
    assert.ok(!page.text.includes('value="create-window"'), "without the form to add a window");
  });

  it("refuses a change outside its window with 409 and every reason in the HTML", async () => {
    const id = await windowId("Form outage night");
    const reply = await post("/plants/DAY/windows", "eng.day@demo.test", {
      intent: "schedule-change",
      windowId: String(id),
      kind: "firewall_rule_change",
      title: "Rule change after the window",
      conduitId: "",
      "planned.date": `${YEAR}-09-15`,
      "planned.time": "05:00",
      plannedMinutes: "60",
    });
    assert.equal(reply.status, 409, "scheduling outside the window is refused");
    const text = words(reply.text);
    assert.match(text, /does not start inside window/, `the reason is shown: ${text.slice(0, 400)}`);
    const long = await post("/plants/DAY/windows", "eng.day@demo.test", {
      intent: "schedule-change",
      windowId: String(id),
      kind: "firewall_rule_change",
      title: "Rule change running past the window",
      conduitId: "",
      "planned.date": `${YEAR}-09-15`,
      "planned.time": "01:30",
      plannedMinutes: "300",
    });
    assert.equal(long.status, 409, "a change running past the window's end is refused");
    // Every reason is shown beside the field it concerns, inside the form that was sent.
    const reasons = [
      ...long.text.matchAll(
        new RegExp(`<ul class="field-error" id="window-${id}-schedule-[^"]*-error">([\\s\\S]*?)</ul>`, "g")
      ),
    ]
      .map((match) => match[1])
      .join(" ");
    assert.match(
      words(long.text),
      new RegExp(`Refused, for the (\\d+ )?reasons? marked below`),
      "the form says it was refused and where the reasons are"
    );
    assert.doesNotMatch(
      words(long.text),
      /plannedMinutes:|plannedStart:|Refused:\S/,
      "no internal field names reach the person"
    );
    assert.match(
      words(reasons),
      /after window .* ends/,
      `the reason names the window's end: ${words(long.text).slice(-600)}`
    );
    const stored = await db
      .selectFrom("network_change")
      .select("id")
      .where("title", "in", ["Rule change after the window", "Rule change running past the window"])
      .execute();
    assert.equal(stored.length, 0, "nothing refused was stored");

    const ok = await post("/plants/DAY/windows", "eng.day@demo.test", {
      intent: "schedule-change",
      windowId: String(id),
      kind: "firewall_rule_change",
      title: "Rule change inside the window",
      conduitId: "",
      "planned.date": `${YEAR}-09-14`,
      "planned.time": "23:00",
      plannedMinutes: "60",
    });
    assert.equal(ok.status, 302, `a change inside the window is scheduled: ${words(ok.text).slice(0, 300)}`);
    const page = words((await get("/plants/DAY/windows", "eng.day@demo.test")).text);
    assert.ok(page.includes("Rule change inside the window"), "and listed under its window");
  });

  it("shows the month grid, and ignores a bad month with a notice", async () => {
    const month = await get(`/plants/DAY/windows?view=month&month=${YEAR}-09`, "eng.day@demo.test");
    assert.equal(month.status, 200, "the month grid opens");
    assert.ok(words(month.text).includes("Form outage night"), "with the window in it");
    const bad = await get("/plants/DAY/windows?view=month&month=2026-13", "eng.day@demo.test");
    assert.equal(bad.status, 200, "a bad month still opens the page");
    assert.match(words(bad.text), /month “2026-13” is not a month/, "with a notice");
  });
});

describe("the program's windows page and feed tokens", () => {
  it("lists the next 30 days across plants, and ignores a bad filter with a notice", async () => {
    const page = await get("/windows", "lead@demo.test");
    assert.equal(page.status, 200, "the page opens");
    assert.match(words(page.text), /Upcoming outage windows/, "with its title");
    const bad = await get("/windows?plant=NOPE&region=Atlantis", "lead@demo.test");
    assert.equal(bad.status, 200, "bad filters still open the page");
    const text = words(bad.text);
    assert.match(text, /plant “NOPE”/, "the bad plant is named in a notice");
    assert.match(text, /region “Atlantis”/, "the bad region too");
  });

  it("creates a feed token that opens the feeds, and revokes it", async () => {
    const created = await post("/windows", "eng.day@demo.test", { intent: "create-feed" });
    assert.equal(created.status, 201, "the token is created");
    const match = /\/feeds\/(stf_[A-Za-z0-9_-]+)\/windows\.ics/.exec(created.text);
    assert.ok(match, "the program feed's address is shown");
    const token = match[1]!;
    assert.ok(created.text.includes(`/feeds/${token}/plants/DAY.ics`), "and the plant feed's");

    const feed = await get(`/feeds/${token}/windows.ics`);
    assert.equal(feed.status, 200, "the feed opens without a session");
    assert.match(feed.text, /^BEGIN:VCALENDAR\r\n/, "as iCalendar");
    assert.ok(feed.text.includes("Form outage night"), "with the windows the engineer reads");

    const row = await db
      .selectFrom("calendar_feed")
      .select("id")
      .where("prefix", "=", token.slice(0, 10))
      .executeTakeFirstOrThrow();
    const list = await get("/windows", "eng.day@demo.test");
    assert.ok(
      words(list.text).includes(`${token.slice(0, 10)} …`) || words(list.text).includes(`${token.slice(0, 10)}…`),
      "the token is listed by its prefix"
    );
    assert.ok(!list.text.includes(token), "but never again in full");

    const revoked = await post("/windows", "eng.day@demo.test", { intent: "revoke-feed", feedId: String(row.id) });
    assert.equal(revoked.status, 302, "the owner revokes it");
    const gone = await get(`/feeds/${token}/windows.ics`);
    assert.equal(gone.status, 404, "the revoked feed is gone");

    const someoneElse = await post("/windows", "lead@demo.test", { intent: "revoke-feed", feedId: String(row.id) });
    assert.equal(someoneElse.status, 404, "another person's token is not found");
  });
});
