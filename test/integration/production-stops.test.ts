import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { freeConduits, localFields, pastWindow, type PastWindow } from "../support/floor";
import { getPage, postForm, words } from "../support/pages";
import { signInOverHttp, TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// Production stops and their post-incident reviews, through the real server: recorded on the plant's stops page and
// through the API (bad input 400 naming the field, other roles 403), the review written and signed for both parts by
// their owners, and the hold: while a network-caused stop is not reviewed by both, the plant's next cutover is refused
// (409) naming and linking the stop, on the windows page and through the API alike; once both signed, it is done.

const ZONE = "America/New_York"; // DAY's zone
let t: TestDatabase;
let server: RunningServer;
let past: PastWindow;
let stopId = 0;
const cookies: Record<string, string> = {};
const ENGINEER = "eng.day@demo.test";
const SECURITY = "security@demo.test";

async function postJson(pathname: string, as: string, json: unknown) {
  const response = await fetch(`${server.url}${pathname}`, {
    method: "POST",
    headers: { Origin: server.url, "Content-Type": "application/json", Cookie: cookies[as]! },
    body: JSON.stringify(json),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const stopPage = () => `/plants/DAY/stops/${stopId}`;
const stopEvents = (action: string) =>
  t.db
    .selectFrom("audit_event")
    .select("summary")
    .where("object_type", "=", "production_stop")
    .where("action", "=", action)
    .execute();

function cutoverDone(as: string) {
  const end = new Date(Date.parse(past.startsAt) + 45 * 60_000).toISOString();
  return postForm(server.url, "/plants/DAY/windows", cookies[as]!, {
    intent: "record-outcome",
    changeId: String(past.changes[1]),
    outcome: "as_planned",
    ...localFields("actualStart", past.startsAt, ZONE),
    ...localFields("actualEnd", end, ZONE),
  });
}

before(async () => {
  t = await createTestDatabase();
  server = await startServer({ ...t.env, DEMO_PASSWORD: TEST_PASSWORD });
  for (const email of [ENGINEER, SECURITY, "eng.kok@demo.test", "exec@demo.test", "lead@demo.test"]) {
    cookies[email] = await signInOverHttp(server.url, email);
  }
  const [a, b] = await freeConduits(t.db, "DAY", 2);
  past = await pastWindow(t.db, "DAY", 12, [
    { title: "Cut over the filler cell", conduitId: a!.id },
    { title: "Cut over the palletizer cell", conduitId: b!.id },
  ]);
});

after(async () => {
  await server?.stop();
  await t?.cleanup();
});

describe("recording a stop", () => {
  const form = (extra: Record<string, string> = {}) => ({
    intent: "record-stop",
    zoneId: "",
    line: "Line 2",
    ...localFields("startedAt", new Date(Date.now() - 6 * 3_600_000).toISOString(), ZONE),
    minutesLost: "45",
    changeId: "",
    ticket: "INC-1042",
    description: "Filler HMI lost its PLC after the cutover.",
    cause: "network",
    ...extra,
  });

  it("refuses bad input (400) with each problem under its field, nothing written", async () => {
    const reply = await postForm(
      server.url,
      "/plants/DAY/stops",
      cookies[ENGINEER]!,
      form({ minutesLost: "0", description: "" })
    );
    assert.equal(reply.status, 400);
    assert.match(reply.text, /id="record-stop-minutesLost-error"/);
    assert.match(words(reply.text), /Describe what stopped/);
    const day = await t.db.selectFrom("plant").select("id").where("code", "=", "DAY").executeTakeFirstOrThrow();
    assert.equal(
      (await t.db.selectFrom("production_stop").select("id").where("plant_id", "=", day.id).execute()).length,
      0
    );
  });

  it("refuses the executive and another plant's engineer (403)", async () => {
    for (const who of ["exec@demo.test", "eng.kok@demo.test"]) {
      const reply = await postForm(server.url, "/plants/DAY/stops", cookies[who]!, form());
      assert.equal(reply.status, 403, who);
    }
  });

  it("records a stop put down to the rolled-back cutover, landing on its page, audited", async () => {
    const reply = await postForm(
      server.url,
      "/plants/DAY/stops",
      cookies[ENGINEER]!,
      form({ changeId: String(past.changes[0]) })
    );
    assert.equal(reply.status, 302, words(reply.text).slice(0, 400));
    stopId = Number(/\/stops\/(\d+)/.exec(reply.location ?? "")?.[1]);
    assert.ok(stopId > 0);
    const page = await getPage(server.url, reply.location!, `${cookies[ENGINEER]!}; ${reply.setCookie}`);
    assert.match(words(page.text), /Stop recorded/);
    assert.match(words(page.text), /Under review/);
    assert.match(words(page.text), /Cut over the filler cell/);
    assert.equal((await stopEvents("stop.record")).length, 1);
  });

  it("answers the API: 400 naming changeId for another plant's change, 201 for a stop, and the list", async () => {
    const kokChange = await t.db
      .selectFrom("network_change as c")
      .innerJoin("plant as p", "p.id", "c.plant_id")
      .select("c.id")
      .where("p.code", "=", "KOK")
      .executeTakeFirstOrThrow();
    const json = {
      line: "Line 5",
      startedAt: new Date(Date.now() - 3_600_000).toISOString(),
      minutesLost: 10,
      description: "Suspected: the labeller dropped off the network.",
      cause: "suspected",
    };
    const refused = await postJson("/api/plants/DAY/stops", SECURITY, { ...json, changeId: kokChange.id });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.field, "changeId");
    const bad = await postJson("/api/plants/DAY/stops", SECURITY, { ...json, minutesLost: 100_001 });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, "minutesLost");
    const made = await postJson("/api/plants/DAY/stops", SECURITY, json);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const suspected = (made.body.stop as { id: number }).id;
    // Concluded not the network after review: it holds nothing.
    const concluded = await postForm(server.url, `/plants/DAY/stops/${suspected}`, cookies[SECURITY]!, {
      intent: "conclude-cause",
      cause: "not_network",
    });
    assert.equal(concluded.status, 302);
    const list = await fetch(`${server.url}/api/plants/DAY/stops?limit=1`, { headers: { Cookie: cookies[ENGINEER]! } });
    const body = (await list.json()) as { stops: { id: number }[]; next: string | null };
    assert.equal(body.stops.length, 1);
    assert.ok(body.next);
  });
});

describe("the hold on cutovers while a stop is under review", () => {
  it("refuses the next cutover on the windows page (409), naming the stop and linking it", async () => {
    const reply = await cutoverDone(ENGINEER);
    assert.equal(reply.status, 409);
    assert.match(
      words(reply.text),
      /Stop on Line 2 on .* \(45 min lost\) has no post-incident review signed by both owners/
    );
    assert.match(reply.text, new RegExp(`href="/plants/DAY/stops/${stopId}"`));
    const change = await t.db
      .selectFrom("network_change")
      .select("status")
      .where("id", "=", past.changes[1]!)
      .executeTakeFirstOrThrow();
    assert.equal(change.status, "scheduled");
  });

  it("refuses it through the API too, with the stop's href", async () => {
    const reply = await postJson(`/api/plants/DAY/changes/${past.changes[1]}/outcomes`, "lead@demo.test", {
      outcome: "as_planned",
      actualStart: past.startsAt,
      actualEnd: new Date(Date.parse(past.startsAt) + 30 * 60_000).toISOString(),
    });
    assert.equal(reply.status, 409);
    const reasons = reply.body.reasons as { field: string; href?: string }[];
    assert.equal(reasons[0]?.href, `/plants/DAY/stops/${stopId}`);
  });

  it("refuses signing before the review is written (409), and the wrong part's role (403)", async () => {
    const early = await postForm(server.url, stopPage(), cookies[ENGINEER]!, {
      intent: "sign-review",
      part: "design_change_control",
      revision: "0",
    });
    assert.equal(early.status, 409);
    const wrong = await postForm(server.url, stopPage(), cookies[SECURITY]!, {
      intent: "sign-review",
      part: "design_change_control",
      revision: "0",
    });
    assert.equal(wrong.status, 403);
  });

  it("signs the review for both parts; an edit makes them stale; signed again, the cutover is done", async () => {
    const write = (review: string, revision: string) =>
      postForm(server.url, stopPage(), cookies[ENGINEER]!, { intent: "write-review", review, revision });
    const sign = (as: string, part: string, revision: string) =>
      postForm(server.url, stopPage(), cookies[as]!, { intent: "sign-review", part, revision });
    assert.equal((await write("Root cause: implicit I/O was missing from the design.", "0")).status, 302);
    assert.equal((await sign(ENGINEER, "design_change_control", "1")).status, 302);
    assert.equal((await sign(SECURITY, "monitoring_incident_response", "1")).status, 302);
    // An edit: both signatures stale, the hold is back.
    assert.equal((await write("Root cause: UDP 2222 was missing from the design; added.", "1")).status, 302);
    const page = await getPage(server.url, stopPage(), cookies[SECURITY]);
    assert.match(words(page.text), /Stale/);
    assert.equal((await cutoverDone(ENGINEER)).status, 409);
    assert.equal((await sign(ENGINEER, "design_change_control", "2")).status, 302);
    assert.equal((await cutoverDone(ENGINEER)).status, 409, "one part is not enough");
    assert.equal((await sign(SECURITY, "monitoring_incident_response", "2")).status, 302);
    const done = await cutoverDone(ENGINEER);
    assert.equal(done.status, 302, words(done.text).slice(0, 400));
    const change = await t.db
      .selectFrom("network_change")
      .select("status")
      .where("id", "=", past.changes[1]!)
      .executeTakeFirstOrThrow();
    assert.equal(change.status, "done");
    assert.equal((await stopEvents("stop.sign")).length, 4);
    assert.equal((await stopEvents("stop.review")).length, 2);
    const reviewed = await getPage(server.url, stopPage(), cookies[ENGINEER]);
    assert.match(words(reviewed.text), /Reviewed/);
  });
});
