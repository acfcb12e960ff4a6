import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { freeConduits, localFields, pastWindow, type PastWindow } from "../support/floor";
import { getPage, postForm, words } from "../support/pages";
import { signInOverHttp, TEST_PASSWORD } from "../support/people";
import { runScript, startServer, type RunningServer } from "../support/server";

// How a change came out, through the real server: the windows page's "Record outcome" form (as a browser without
// JavaScript) and the API. A rolled-back change goes back to waiting for a window; a done one is done at its actual
// end; bad input is 400 naming the field; roles that do not schedule changes are 403; every act is audited.

const ZONE = "America/New_York"; // DAY's zone
let t: TestDatabase;
let server: RunningServer;
let past: PastWindow;
const cookies: Record<string, string> = {};

const post = (as: string, fields: Record<string, string>) =>
  postForm(server.url, "/plants/DAY/windows", cookies[as]!, { intent: "record-outcome", ...fields });

async function postJson(pathname: string, json: unknown, headers: Record<string, string>) {
  const response = await fetch(`${server.url}${pathname}`, {
    method: "POST",
    headers: { Origin: server.url, "Content-Type": "application/json", ...headers },
    body: JSON.stringify(json),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const change = (id: number) =>
  t.db.selectFrom("network_change").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const outcomesOf = (id: number) =>
  t.db.selectFrom("change_outcome").selectAll().where("change_id", "=", id).orderBy("id").execute();
const auditOf = (id: number, action: string) =>
  t.db
    .selectFrom("audit_event")
    .select(["summary", "after_json"])
    .where("object_type", "=", "network_change")
    .where("object_id", "=", String(id))
    .where("action", "=", action)
    .execute();

before(async () => {
  t = await createTestDatabase();
  server = await startServer({ ...t.env, DEMO_PASSWORD: TEST_PASSWORD });
  for (const email of ["eng.day@demo.test", "eng.kok@demo.test", "exec@demo.test", "lead@demo.test"]) {
    cookies[email] = await signInOverHttp(server.url, email);
  }
  const [a] = await freeConduits(t.db, "DAY", 1);
  past = await pastWindow(t.db, "DAY", 10, [
    { title: "Cut over the packaging cell", conduitId: a!.id },
    { title: "Install the line 3 sensor" },
    { title: "Install the line 4 sensor" },
  ]);
});

after(async () => {
  await server?.stop();
  await t?.cleanup();
});

describe("recording an outcome on the windows page", () => {
  it("marks a change whose window ended without an outcome as outcome due, with the form open", async () => {
    const page = await getPage(server.url, "/plants/DAY/windows", cookies["eng.day@demo.test"]);
    assert.equal(page.status, 200);
    const card = page.text.slice(page.text.indexOf(`id="change-${past.changes[0]}"`));
    assert.match(words(card.slice(0, 3000)), /Outcome due/);
    assert.match(card.slice(0, 6000), /name="intent" value="record-outcome"/);
  });

  it("refuses a rollback without a note (400), the problem under its field, nothing written", async () => {
    const reply = await post("eng.day@demo.test", {
      changeId: String(past.changes[0]),
      outcome: "rolled_back",
      ...localFields("actualStart", past.startsAt, ZONE),
      ...localFields("actualEnd", new Date(Date.parse(past.startsAt) + 3_600_000).toISOString(), ZONE),
      note: "",
    });
    assert.equal(reply.status, 400);
    assert.match(words(reply.text), /Say what went wrong/);
    assert.match(reply.text, /id="change-\d+-outcome-note-error"/);
    assert.equal((await outcomesOf(past.changes[0]!)).length, 0);
  });

  it("refuses the roles that do not schedule the plant's changes (403)", async () => {
    for (const who of ["exec@demo.test", "eng.kok@demo.test"]) {
      const reply = await post(who, {
        changeId: String(past.changes[0]),
        outcome: "as_planned",
        ...localFields("actualStart", past.startsAt, ZONE),
        ...localFields("actualEnd", new Date(Date.parse(past.startsAt) + 3_600_000).toISOString(), ZONE),
      });
      assert.equal(reply.status, 403, who);
    }
    assert.equal((await outcomesOf(past.changes[0]!)).length, 0);
  });

  it("records a rollback: the change needs a new window, the outcome and its audit event are kept", async () => {
    const end = new Date(Date.parse(past.startsAt) + 50 * 60_000).toISOString();
    const reply = await post("eng.day@demo.test", {
      changeId: String(past.changes[0]),
      outcome: "rolled_back",
      ...localFields("actualStart", past.startsAt, ZONE),
      ...localFields("actualEnd", end, ZONE),
      note: "The HMI lost its PLC; rolled back.",
    });
    assert.equal(reply.status, 302, words(reply.text).slice(0, 300));
    assert.match(reply.location ?? "", new RegExp(`#change-${past.changes[0]}$`));
    const page = await getPage(server.url, reply.location!, `${cookies["eng.day@demo.test"]!}; ${reply.setCookie}`);
    assert.match(words(page.text), /recorded as rolled back; it needs a new window/);
    assert.equal((await change(past.changes[0]!)).status, "needs_window");
    const [outcome] = await outcomesOf(past.changes[0]!);
    assert.equal(outcome?.outcome, "rolled_back");
    assert.equal(outcome?.actual_end, end);
    const events = await auditOf(past.changes[0]!, "change.outcome");
    assert.equal(events.length, 1);
    assert.match(events[0]!.summary, /as rolled back: The HMI lost its PLC/);
    assert.match(words(page.text), /Last outcome: Rolled back/);
  });
});

describe("recording an outcome through the API", () => {
  it("records a change done as planned at its actual end (201), audited as done", async () => {
    const end = new Date(Date.parse(past.startsAt) + 40 * 60_000).toISOString();
    const reply = await postJson(
      `/api/plants/DAY/changes/${past.changes[1]}/outcomes`,
      { outcome: "as_planned", actualStart: past.startsAt, actualEnd: end },
      { Cookie: cookies["lead@demo.test"]! }
    );
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    const stored = await change(past.changes[1]!);
    assert.equal(stored.status, "done");
    assert.equal(stored.done_at, end);
    assert.equal((await outcomesOf(past.changes[1]!))[0]?.outcome, "as_planned");
    const [event] = await auditOf(past.changes[1]!, "change.done");
    assert.match(event!.after_json ?? "", /"outcome":"as_planned"/);
  });

  it("answers 400 naming the field for an end before the start, and for an unknown outcome", async () => {
    const before = await postJson(
      `/api/plants/DAY/changes/${past.changes[2]}/outcomes`,
      { outcome: "as_planned", actualStart: past.endsAt, actualEnd: past.startsAt },
      { Cookie: cookies["lead@demo.test"]! }
    );
    assert.equal(before.status, 400);
    assert.equal(before.body.field, "actualEnd");
    const unknown = await postJson(
      `/api/plants/DAY/changes/${past.changes[2]}/outcomes`,
      { outcome: "fine", actualStart: past.startsAt, actualEnd: past.endsAt },
      { Cookie: cookies["lead@demo.test"]! }
    );
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.field, "outcome");
    assert.equal((await outcomesOf(past.changes[2]!)).length, 0);
  });

  it("refuses a change done outside its window (409), and a done change a second outcome", async () => {
    const outside = await postJson(
      `/api/plants/DAY/changes/${past.changes[2]}/outcomes`,
      {
        outcome: "with_issues",
        actualStart: past.startsAt,
        actualEnd: new Date(Date.parse(past.endsAt) + 3_600_000).toISOString(),
        note: "Overran the window.",
      },
      { Cookie: cookies["lead@demo.test"]! }
    );
    assert.equal(outside.status, 409);
    const again = await postJson(
      `/api/plants/DAY/changes/${past.changes[1]}/outcomes`,
      { outcome: "not_done" },
      { Cookie: cookies["lead@demo.test"]! }
    );
    assert.equal(again.status, 409);
  });

  it("refuses an API token: an outcome binds a person (403), and the KOK engineer (403)", async () => {
    const token = await runScript("scripts/token-create.ts", ["--role", "program_lead", "--name", "outcomes"], t.env);
    assert.equal(token.status, 0, token.stderr);
    const bearer = token.stdout.trim().split("\n").at(-1)!;
    const byToken = await postJson(
      `/api/plants/DAY/changes/${past.changes[2]}/outcomes`,
      { outcome: "not_done" },
      { Authorization: `Bearer ${bearer}` }
    );
    assert.equal(byToken.status, 403);
    const other = await postJson(
      `/api/plants/DAY/changes/${past.changes[2]}/outcomes`,
      { outcome: "not_done" },
      { Cookie: cookies["eng.kok@demo.test"]! }
    );
    assert.equal(other.status, 403);
    assert.equal((await outcomesOf(past.changes[2]!)).length, 0);
  });

  it("records a change not done without times, back to waiting for a window", async () => {
    const reply = await postJson(
      `/api/plants/DAY/changes/${past.changes[2]}/outcomes`,
      { outcome: "not_done", note: "The crew was called to a breakdown." },
      { Cookie: cookies["eng.day@demo.test"]! }
    );
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.equal((await change(past.changes[2]!)).status, "needs_window");
  });
});
