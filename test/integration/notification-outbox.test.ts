import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { factKey, type Notice, type NotificationKind } from "../../app/domain/notifications";
import { recordAudit } from "../../app/models/audit.server";
import { enqueueDigests, publicBaseUrl, recordNotices } from "../../app/models/notification-outbox.server";
import { loadPreferences } from "../../app/models/notification-preferences.server";
import { previewDigest, runNotifierPass } from "../../app/models/notifier.server";
import { systemActor } from "../../app/utils/actor";
import type { DB } from "../../app/utils/db.server";
import { countRows, createTestDatabase, type TestDatabase, databaseEnv } from "../support/database";
import { createPerson } from "../support/people";
import { insertPlant } from "../support/plants";
import { runScript } from "../support/server";

// The outbox's way in, on a real SQLite file: notices become notifications once per person and fact, urgent ones an
// e-mail at once, each fact one post per endpoint that takes it, and each person one digest per local day at their
// digest time; the notifier's pass reads the audit trail from where it stopped, and only moves on when it stored.

let t: TestDatabase;
let db: DB;
const PUBLIC_URL = "https://tracker.test";
let plantA: number;
let plantB: number;
let lead: number;
let eng: number;
let sec: number;

before(async () => {
  process.env.PUBLIC_URL = PUBLIC_URL;
  t = await createTestDatabase();
  db = t.db;
  plantA = await insertPlant(db, "AAA", "Europe/Berlin");
  plantB = await insertPlant(db, "BBB", "America/Phoenix");
  lead = await createPerson(db, { email: "lead@t.test", role: "program_lead", name: "Lead" });
  eng = await createPerson(db, { email: "eng@t.test", role: "plant_engineer", name: "Eng", plantIds: [plantB] });
  sec = await createPerson(db, { email: "sec@t.test", role: "corporate_security", name: "Sec" });
});

after(async () => {
  delete process.env.PUBLIC_URL;
  await t.cleanup();
});

beforeEach(async () => {
  for (const table of [
    "outbox_message",
    "notification",
    "notification_preference",
    "webhook_endpoint",
    "notifier_state",
  ] as const) {
    await db.deleteFrom(table).execute();
  }
  await db.updateTable("person").set({ time_zone: null, digest_time: "07:00" }).execute();
});

function notice(personId: number, kind: NotificationKind, subject: string, overrides: Partial<Notice> = {}): Notice {
  const plantId = overrides.plantId === undefined ? plantA : overrides.plantId;
  return {
    kind,
    personId,
    plantId,
    plantCode: plantId === plantA ? "AAA" : plantId === plantB ? "BBB" : null,
    factKey: factKey(kind, subject, "2026-03-29"),
    title: `${kind} about ${subject}`,
    body: `What ${subject} needs.`,
    href: `/plants/${plantId === plantB ? "BBB" : "AAA"}/${subject}`,
    urgent: false,
    ...overrides,
  };
}

async function prefer(personId: number, kind: NotificationKind, channel: "app" | "email", enabled: boolean) {
  await db
    .insertInto("notification_preference")
    .values({ person_id: personId, kind, channel, enabled: enabled ? 1 : 0 })
    .execute();
}

async function endpoint(name: string, kinds: string[], plantId: number | null, format: "json" | "slack" | "teams") {
  const { id } = await db
    .insertInto("webhook_endpoint")
    .values({
      name,
      url: `https://hooks.test/${name}`,
      secret: "s",
      plant_id: plantId,
      kinds: JSON.stringify(kinds),
      format,
      created_at: new Date().toISOString(),
      created_by: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

const NOW = new Date("2026-03-29T03:00:00Z");

describe("recording notices", () => {
  it("stores each fact once per person: the same notices again write nothing", async () => {
    const notices = [
      notice(lead, "gate.ready", "gate:1"),
      notice(sec, "gate.ready", "gate:1"),
      notice(lead, "signoff.needed", "conduit:4"),
      notice(lead, "signoff.needed", "conduit:4"),
    ];
    assert.deepEqual(await recordNotices(db, notices, NOW), { notifications: 3, emails: 0, webhooks: 0 });
    assert.deepEqual(await recordNotices(db, notices, new Date(NOW.getTime() + 60_000)), {
      notifications: 0,
      emails: 0,
      webhooks: 0,
    });
    assert.equal(await countRows(db, "notification"), 3);
    assert.equal(await countRows(db, "outbox_message"), 0);
  });

  it("stores nothing for a person who wants the kind on neither channel or may not read its plant, and keeps it for e-mail alone", async () => {
    await prefer(lead, "gate.ready", "app", false);
    await prefer(lead, "gate.ready", "email", false);
    await prefer(sec, "gate.ready", "app", false);
    const counts = await recordNotices(
      db,
      [
        notice(lead, "gate.ready", "gate:1"),
        notice(sec, "gate.ready", "gate:1"),
        // eng may read only BBB.
        notice(eng, "gate.ready", "gate:1"),
      ],
      NOW
    );
    assert.equal(counts.notifications, 1);
    const rows = await db.selectFrom("notification").select("person_id").execute();
    assert.deepEqual(
      rows.map((r) => r.person_id),
      [sec]
    );
    const preferences = await loadPreferences(db, [lead, sec, eng]);
    assert.equal(preferences.get(lead)!.get("gate.ready|email"), false);
    assert.equal(preferences.get(eng)!.size, 0);
  });

  it("mails an urgent notice at once, once, to those who want it by e-mail, and keeps it out of the digest", async () => {
    await prefer(sec, "window.soon", "email", false);
    const urgent = [
      notice(lead, "window.soon", "window:7", { urgent: true }),
      notice(sec, "window.soon", "window:7", { urgent: true }),
      notice(lead, "gate.ready", "gate:2"),
    ];
    assert.deepEqual(await recordNotices(db, urgent, NOW), { notifications: 3, emails: 1, webhooks: 0 });
    assert.equal((await recordNotices(db, urgent, NOW)).emails, 0);
    const mail = await db.selectFrom("outbox_message").selectAll().executeTakeFirstOrThrow();
    const stored = await db
      .selectFrom("notification")
      .selectAll()
      .where("person_id", "=", lead)
      .where("kind", "=", "window.soon")
      .executeTakeFirstOrThrow();
    assert.equal(mail.channel, "email");
    assert.equal(mail.status, "pending");
    assert.equal(mail.recipient, "lead@t.test");
    assert.equal(mail.idempotency_key, `email|notice|${stored.id}`);
    assert.equal(mail.notification_id, stored.id);
    assert.equal(mail.next_attempt_at, NOW.toISOString());
    assert.match(mail.subject, /^\[Urgent\] AAA: /);
    assert.ok(mail.text_body.includes(`${PUBLIC_URL}/plants/AAA/window:7`));
    assert.ok(mail.html_body!.includes(`href="${PUBLIC_URL}/plants/AAA/window:7"`));
    assert.equal(stored.digested_at, NOW.toISOString());
  });

  it("bounds what it stores", async () => {
    await recordNotices(
      db,
      [notice(lead, "gate.ready", "gate:9", { title: "t".repeat(10_000), body: "b".repeat(100_000) })],
      NOW
    );
    const row = await db.selectFrom("notification").select(["title", "body"]).executeTakeFirstOrThrow();
    assert.ok(row.title.length <= 200);
    assert.ok(row.body.length <= 2000);
  });

  it("posts each fact once per endpoint taking its kind at its plant, whoever it concerns", async () => {
    const everywhere = await endpoint("everywhere", ["window.soon"], null, "json");
    const atB = await endpoint("at-b", ["window.soon", "gate.ready"], plantB, "slack");
    const teams = await endpoint("teams", ["gate.ready"], null, "teams");
    const off = await endpoint("off", ["window.soon", "gate.ready"], null, "json");
    await db.updateTable("webhook_endpoint").set({ active: 0 }).where("id", "=", off).execute();
    await prefer(sec, "window.soon", "app", false);
    await prefer(sec, "window.soon", "email", false);

    const notices = [
      notice(lead, "window.soon", "window:1"),
      notice(sec, "window.soon", "window:1"),
      notice(lead, "window.soon", "window:2", { plantId: plantB }),
      notice(eng, "window.soon", "window:2", { plantId: plantB }),
      notice(lead, "gate.ready", "gate:3"),
      notice(lead, "signoff.needed", "conduit:3", { plantId: plantB }),
    ];
    assert.equal((await recordNotices(db, notices, NOW)).webhooks, 4);
    assert.equal((await recordNotices(db, notices, NOW)).webhooks, 0);
    const rows = await db
      .selectFrom("outbox_message")
      .selectAll()
      .where("channel", "=", "webhook")
      .orderBy("idempotency_key")
      .execute();
    assert.deepEqual(
      rows.map((r) => r.idempotency_key),
      [
        `webhook|${atB}|${factKey("window.soon", "window:2", "2026-03-29")}`,
        `webhook|${everywhere}|${factKey("window.soon", "window:1", "2026-03-29")}`,
        `webhook|${everywhere}|${factKey("window.soon", "window:2", "2026-03-29")}`,
        `webhook|${teams}|${factKey("gate.ready", "gate:3", "2026-03-29")}`,
      ].sort()
    );
    assert.equal(await countRows(db, "outbox_message"), 4);
    const names = new Map([
      [everywhere, "everywhere"],
      [atB, "at-b"],
      [teams, "teams"],
    ]);
    for (const row of rows) {
      assert.equal(row.recipient, `https://hooks.test/${names.get(row.endpoint_id!)}`);
      assert.equal(row.person_id, null);
      assert.equal(row.status, "pending");
      const payload = JSON.parse(row.payload!) as Record<string, unknown>;
      if (row.endpoint_id === everywhere) {
        assert.equal(payload.kind, "window.soon");
        assert.ok(String(payload.url).startsWith(`${PUBLIC_URL}/plants/`));
      } else if (row.endpoint_id === atB) {
        assert.ok(Array.isArray(payload.blocks) && typeof payload.text === "string");
      } else {
        assert.equal(payload.type, "message");
      }
    }
  });
});

describe("the daily digest", () => {
  it("is written once a day at the person's digest time in their zone, across a change of daylight time", async () => {
    // Europe/Berlin moves to summer time on 2026-03-29 at 01:00 UTC: 07:00 there is 06:00 UTC the day before and
    // 05:00 UTC that day.
    await db.updateTable("person").set({ time_zone: "Europe/Berlin" }).where("id", "=", lead).execute();
    await recordNotices(db, [notice(lead, "gate.ready", "gate:1")], new Date("2026-03-28T04:00:00Z"));

    assert.equal(await enqueueDigests(db, new Date("2026-03-28T05:59:00Z")), 0);
    assert.equal(await enqueueDigests(db, new Date("2026-03-28T06:00:00Z")), 1);
    assert.equal(await enqueueDigests(db, new Date("2026-03-28T09:00:00Z")), 0);

    await recordNotices(
      db,
      [notice(lead, "signoff.needed", "conduit:1"), notice(lead, "baseline.matured", "conduit:2")],
      new Date("2026-03-28T12:00:00Z")
    );
    // Arrived after the day's digest: it waits for the next morning.
    assert.equal(await enqueueDigests(db, new Date("2026-03-28T20:00:00Z")), 0);
    assert.equal(await enqueueDigests(db, new Date("2026-03-29T04:59:00Z")), 0);
    assert.equal(await enqueueDigests(db, new Date("2026-03-29T05:00:00Z")), 1);
    assert.equal(await enqueueDigests(db, new Date("2026-03-29T05:01:00Z")), 0);

    const digests = await db
      .selectFrom("outbox_message")
      .selectAll()
      .where("kind", "=", "digest")
      .orderBy("id")
      .execute();
    assert.deepEqual(
      digests.map((d) => [d.idempotency_key, d.recipient, d.channel, d.status]),
      [
        [`email|digest|${lead}|2026-03-28`, "lead@t.test", "email", "pending"],
        [`email|digest|${lead}|2026-03-29`, "lead@t.test", "email", "pending"],
      ]
    );
    assert.ok(digests[0]!.text_body.includes("gate.ready about gate:1"));
    assert.ok(!digests[1]!.text_body.includes("gate.ready about gate:1"));
    assert.ok(digests[1]!.text_body.includes("signoff.needed about conduit:1"));
    assert.ok(digests[1]!.text_body.includes(`${PUBLIC_URL}/me/settings`));
    assert.ok(digests[1]!.html_body!.includes(`href="${PUBLIC_URL}/plants/AAA/conduit:2"`));
    const undigested = await db.selectFrom("notification").select("id").where("digested_at", "is", null).execute();
    assert.equal(undigested.length, 0);
  });

  it("holds only kinds wanted by e-mail at plants the person may read, reading the zone of their first plant", async () => {
    // eng has no zone of their own: their plant BBB is in America/Phoenix (UTC−7, no daylight time).
    await prefer(eng, "gate.ready", "email", false);
    // Told of AAA while assigned there, then taken off it: the digest no longer shows it.
    await db.insertInto("person_plant").values({ person_id: eng, plant_id: plantA }).execute();
    await recordNotices(
      db,
      [
        notice(eng, "gate.ready", "gate:5", { plantId: plantB }),
        notice(eng, "triage.staged", "plant:BBB", { plantId: plantB }),
        notice(eng, "triage.staged", "plant:AAA", { plantId: plantA }),
      ],
      new Date("2026-03-29T12:00:00Z")
    );
    await db.deleteFrom("person_plant").where("person_id", "=", eng).where("plant_id", "=", plantA).execute();
    assert.equal(await enqueueDigests(db, new Date("2026-03-29T13:59:00Z")), 0);
    assert.equal(await enqueueDigests(db, new Date("2026-03-29T14:00:00Z")), 1);
    const digest = await db.selectFrom("outbox_message").selectAll().executeTakeFirstOrThrow();
    assert.equal(digest.idempotency_key, `email|digest|${eng}|2026-03-29`);
    assert.ok(digest.text_body.includes("triage.staged about plant:BBB"));
    assert.ok(!digest.text_body.includes("plant:AAA"));
    assert.ok(!digest.text_body.includes("gate:5"));
    const left = await db
      .selectFrom("notification")
      .select("fact_key")
      .where("digested_at", "is", null)
      .orderBy("fact_key")
      .execute();
    assert.equal(left.length, 2);
  });

  it("writes nothing for a person with nothing waiting, and what arrives later waits for the next day's", async () => {
    await db.updateTable("person").set({ time_zone: "Europe/Berlin" }).where("id", "=", lead).execute();
    assert.equal(await enqueueDigests(db, new Date("2026-03-29T06:00:00Z")), 0);
    assert.equal(await countRows(db, "outbox_message"), 0);
    await recordNotices(db, [notice(lead, "gate.ready", "gate:1")], new Date("2026-03-29T08:00:00Z"));
    assert.equal(await enqueueDigests(db, new Date("2026-03-29T09:00:00Z")), 0);
    assert.equal(await enqueueDigests(db, new Date("2026-03-30T04:59:00Z")), 0);
    assert.equal(await enqueueDigests(db, new Date("2026-03-30T05:00:00Z")), 1);
  });
});

async function act(plantId: number | null, at: Date, action = "test.act") {
  await db
    .transaction()
    .execute((tx) =>
      recordAudit(
        tx,
        systemActor("test"),
        { action, objectType: "plant", objectId: plantId, plantId, summary: "An act." },
        at
      )
    );
}

describe("the notifier's pass", () => {
  it("starts at the trail's end, then computes only the plants acted on since, and every plant when due", async () => {
    await act(plantA, NOW);
    const calls: (readonly number[] | null)[] = [];
    const compute = async (_db: unknown, _now: Date, plantIds: readonly number[] | null) => {
      calls.push(plantIds);
      return plantIds === null || plantIds.includes(plantB)
        ? [notice(eng, "triage.staged", "plant:BBB", { plantId: plantB })]
        : [];
    };
    const first = await runNotifierPass(db, NOW, { compute });
    assert.equal(first.plants, "all");
    assert.equal(first.notifications, 1);

    const quiet = await runNotifierPass(db, new Date(NOW.getTime() + 60_000), { compute });
    assert.deepEqual(quiet.plants, []);
    assert.equal(calls.length, 1);

    await act(plantB, NOW);
    const second = await runNotifierPass(db, new Date(NOW.getTime() + 120_000), { compute });
    assert.deepEqual(second.plants, [plantB]);
    assert.deepEqual(calls.at(-1), [plantB]);
    assert.equal(second.notifications, 0);

    // Signing in touches no plant and changes nothing anyone is told; new thresholds change every plant's.
    await act(null, NOW, "session.sign_in");
    const signIn = await runNotifierPass(db, new Date(NOW.getTime() + 150_000), { compute });
    assert.deepEqual(signIn.plants, []);
    await act(null, NOW, "settings.update");
    const third = await runNotifierPass(db, new Date(NOW.getTime() + 180_000), { compute });
    assert.equal(third.plants, "all");

    const full = await runNotifierPass(db, new Date(NOW.getTime() + 20 * 60_000), { compute });
    assert.equal(full.plants, "all");
    assert.equal(calls.length, 4);
  });

  it("moves its cursor only with what it stored: a failed computation reads the same acts again", async () => {
    const compute = async () => [] as Notice[];
    await runNotifierPass(db, NOW, { compute });
    await act(plantA, NOW);
    const failing = async () => {
      throw new Error("computation failed");
    };
    await assert.rejects(runNotifierPass(db, new Date(NOW.getTime() + 60_000), { compute: failing }), /failed/);
    const seen: (readonly number[] | null)[] = [];
    const again = await runNotifierPass(db, new Date(NOW.getTime() + 120_000), {
      compute: async (_db, _now, plantIds) => {
        seen.push(plantIds);
        return [notice(lead, "gate.ready", "gate:1")];
      },
    });
    assert.deepEqual(seen, [[plantA]]);
    assert.equal(again.notifications, 1);
    const cursor = await db
      .selectFrom("notifier_state")
      .select("value")
      .where("name", "=", "audit_seq")
      .executeTakeFirstOrThrow();
    assert.equal(Number(cursor.value), again.auditSeq);
  });
});

describe("the base of every link", () => {
  it("is PUBLIC_URL, else localhost at PORT or 3000", () => {
    assert.equal(publicBaseUrl({ PUBLIC_URL: "https://x.example/tracker/" }), "https://x.example/tracker");
    assert.equal(publicBaseUrl({ PORT: "8080" }), "http://localhost:8080");
    assert.equal(publicBaseUrl({}), "http://localhost:3000");
    assert.throws(() => publicBaseUrl({ PUBLIC_URL: "tracker.example" }), /PUBLIC_URL must be an absolute/);
  });
});

describe("the digest preview", () => {
  it("adds what a pass would tell the person now at their plants, not yet told, not urgent, writing nothing", async () => {
    await recordNotices(db, [notice(eng, "gate.ready", "gate:1", { plantId: plantB })], NOW);
    const asked: (readonly number[] | null)[] = [];
    const compute = async (_db: unknown, _now: Date, plantIds: readonly number[] | null) => {
      asked.push(plantIds);
      return [
        notice(eng, "gate.ready", "gate:1", { plantId: plantB }),
        notice(eng, "triage.staged", "plant:BBB", { plantId: plantB }),
        notice(eng, "window.soon", "window:4", { plantId: plantB, urgent: true }),
        notice(lead, "blocker.aging", "blocker:2", { plantId: plantB }),
      ];
    };
    const counts = {
      notifications: await countRows(db, "notification"),
      outbox: await countRows(db, "outbox_message"),
    };
    const preview = await previewDigest(db, "ENG@t.test", NOW, compute);
    assert.ok(preview);
    assert.deepEqual(asked, [[plantB]]);
    assert.equal(preview.stored, 1);
    assert.equal(preview.added, 1);
    assert.equal(preview.day, "2026-03-28");
    assert.ok(preview.text.includes("gate.ready about gate:1"));
    assert.ok(preview.text.includes("triage.staged about plant:BBB"));
    assert.ok(!preview.text.includes("window:4"));
    assert.ok(!preview.text.includes("blocker:2"));
    assert.deepEqual(counts, {
      notifications: await countRows(db, "notification"),
      outbox: await countRows(db, "outbox_message"),
    });
    assert.equal(await previewDigest(db, "nobody@t.test", NOW, compute), null);
  });
});

describe("npm run notify:preview", () => {
  it("prints what the person's digest would say, writing nothing, and refuses an unknown or missing e-mail", async () => {
    await recordNotices(
      db,
      [notice(lead, "gate.ready", "gate:1"), notice(lead, "window.soon", "window:8", { urgent: true })],
      NOW
    );
    const before = await countRows(db, "outbox_message");
    const env = { ...databaseEnv(t.file), PUBLIC_URL };
    const ok = await runScript("scripts/notify-preview.ts", ["--email", "LEAD@t.test"], env);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^To: Lead <lead@t\.test>/);
    assert.ok(ok.stdout.includes("gate.ready about gate:1"));
    assert.ok(ok.stdout.includes(`${PUBLIC_URL}/plants/AAA/gate:1`));
    // Mailed at once already: not in the digest.
    assert.ok(!ok.stdout.includes("window:8"));
    assert.equal(await countRows(db, "outbox_message"), before);

    const nothing = await runScript("scripts/notify-preview.ts", ["--email", "sec@t.test"], env);
    assert.equal(nothing.status, 0, nothing.stderr);
    assert.match(nothing.stdout, /^Nothing waits for Sec <sec@t\.test>/);

    const unknown = await runScript("scripts/notify-preview.ts", ["--email", "nobody@t.test"], env);
    assert.equal(unknown.status, 2);
    assert.equal(unknown.stderr.trim(), "No active person has the e-mail “nobody@t.test”.");

    const missing = await runScript("scripts/notify-preview.ts", [], env);
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr.trim().split("\n").length, 1);
    assert.match(missing.stderr, /--email is required/);
  });
});
