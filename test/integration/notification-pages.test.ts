import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  audits,
  cookie,
  getPage,
  notify,
  outbox,
  pageAfter,
  person,
  plant,
  post,
  readable,
  test,
  unreadLabel,
  useNotificationSite,
  type Fields,
} from "../support/notification-pages";

// A person's notification pages through the real server: their own list, its unread count, reading, and their
// choices of kinds, channels and digest time.

useNotificationSite();

describe("a person's notifications", () => {
  it("lists only the person's own, never about a plant they may not read, nor of a kind they turned off", async () => {
    const mine = await notify(person.engA, { title: "Sign conduit A-1", plantId: plant.AAA });
    await notify(person.engA, { title: "Program-wide note" });
    await notify(person.engA, { title: "About Birch, not readable", plantId: plant.BBB });
    await notify(person.engA, { title: "A turned-off kind", kind: "gate.overdue", plantId: plant.AAA });
    await test.db
      .insertInto("notification_preference")
      .values({ person_id: person.engA, kind: "gate.overdue", channel: "app", enabled: 0 })
      .execute();
    await notify(person.engB, { title: "Birch's own", plantId: plant.BBB });

    const page = await getPage(cookie.engA, "/me/notifications");
    assert.equal(page.status, 200);
    assert.match(page.html, /Sign conduit A-1/);
    assert.match(page.html, /Program-wide note/);
    assert.match(page.html, /Signoff needed/, "the kind's label");
    assert.match(page.html, /href="\/plants\/AAA#signoffs"/, "a link to where the work is done");
    assert.match(page.html, /MST/, "AAA's time in its own zone");
    assert.doesNotMatch(page.html, /About Birch/);
    assert.doesNotMatch(page.html, /A turned-off kind/);
    assert.doesNotMatch(page.html, /Birch's own/);
    assert.match(page.html, new RegExp(`data-notification="${mine}"`));
    assert.equal(unreadLabel(page.html), "Notifications, 2 unread", "the header counts what the list shows");

    const other = await getPage(cookie.engB, "/me/notifications");
    assert.match(other.html, /Birch's own/);
    assert.doesNotMatch(other.html, /Sign conduit A-1/);
    assert.equal(unreadLabel(other.html), "Notifications, 1 unread");
  });

  it("pages and filters the list, refusing a malformed page with a notice", async () => {
    const page = await getPage(cookie.engA, "/me/notifications?show=unread&page=abc");
    assert.equal(page.status, 200);
    assert.match(page.html, /page “abc” is not a page number/);
    assert.match(page.html, /Unread notifications \(2\)/);
    const bad = await getPage(cookie.engA, "/me/notifications?show=nonsense");
    assert.match(bad.html, /show “nonsense” is not a known value/);
  });

  it("gives the link to an executive only once told something, and never to the admin", async () => {
    assert.equal(unreadLabel((await getPage(cookie.exec, "/dashboard")).html), null);
    await notify(person.exec, { title: "Gate overdue at Alder", kind: "gate.overdue", plantId: plant.AAA });
    assert.equal(unreadLabel((await getPage(cookie.exec, "/dashboard")).html), "Notifications, 1 unread");
    assert.equal(unreadLabel((await getPage(cookie.lead, "/plants")).html), "Notifications, 0 unread");
    assert.equal(unreadLabel((await getPage(cookie.admin, "/admin")).html), null);
    assert.equal((await getPage(cookie.admin, "/me/notifications")).status, 403);
  });

  it("marks one read (audited), and refuses another person's notification without changing it", async () => {
    const mine = await notify(person.engA, { title: "Read me", plantId: plant.AAA });
    const theirs = await notify(person.engB, { title: "Not yours", plantId: plant.BBB });
    const before = (await audits("notification.read")).length;

    const refused = await post(cookie.engA, "/me/notifications", {
      intent: "mark-read",
      notificationId: String(theirs),
    });
    assert.equal(refused.status, 404);
    await refused.arrayBuffer();
    const untouched = await test.db
      .selectFrom("notification")
      .select("read_at")
      .where("id", "=", theirs)
      .executeTakeFirstOrThrow();
    assert.equal(untouched.read_at, null);

    const html = await pageAfter(
      cookie.engA,
      await post(cookie.engA, "/me/notifications", { intent: "mark-read", notificationId: String(mine) })
    );
    assert.match(html, /Marked read\./);
    const row = await test.db
      .selectFrom("notification")
      .select("read_at")
      .where("id", "=", mine)
      .executeTakeFirstOrThrow();
    assert.ok(row.read_at, "read");
    const events = await audits("notification.read");
    assert.equal(events.length, before + 1, "one audit event");
    assert.equal(events.at(-1)!.object_id, String(mine));
    assert.equal(events.at(-1)!.plant_id, null);

    const again = await post(cookie.engA, "/me/notifications", { intent: "mark-read", notificationId: String(mine) });
    assert.equal(again.status, 409, "already read");
  });

  it("marks all read in one audited act", async () => {
    await notify(person.engA, { title: "One more", plantId: plant.AAA });
    const hidden = await notify(person.engA, { title: "About Birch again", plantId: plant.BBB });
    const unread = await test.db
      .selectFrom("notification")
      .select("id")
      .where("person_id", "=", person.engA)
      .where("read_at", "is", null)
      .where((eb) => eb.or([eb("plant_id", "is", null), eb("plant_id", "=", plant.AAA)]))
      .where("kind", "!=", "gate.overdue")
      .execute();
    assert.ok(unread.length >= 2);
    const html = await pageAfter(
      cookie.engA,
      await post(cookie.engA, "/me/notifications", { intent: "mark-all-read" })
    );
    assert.match(html, new RegExp(`${unread.length} notifications marked read`));
    assert.equal(unreadLabel(html), "Notifications, 0 unread");
    const events = await audits("notification.read-all");
    assert.equal(events.length, 1);
    assert.deepEqual(JSON.parse(events[0]!.after_json!), { count: unread.length });
    const stillHidden = await test.db
      .selectFrom("notification")
      .select("read_at")
      .where("id", "=", hidden)
      .executeTakeFirstOrThrow();
    assert.equal(stillHidden.read_at, null, "what the list does not show is not touched");
    const nothing = await post(cookie.engA, "/me/notifications", { intent: "mark-all-read" });
    assert.equal(nothing.status, 409);
  });

  it("shows the e-mails the outbox kept for the person, and only theirs", async () => {
    await outbox({ channel: "email", personId: person.engA, status: "kept", subject: "Your digest for 1 Dec" });
    await outbox({ channel: "email", personId: person.engA, status: "sent", subject: "A sent one" });
    await outbox({ channel: "email", personId: person.engB, status: "kept", subject: "Birch's digest" });
    const { html } = await getPage(cookie.engA, "/me/notifications");
    assert.match(html, /E-mails kept for you \(1\)/);
    assert.match(html, /Your digest for 1 Dec/);
    assert.match(html, /<pre class="mail-body">Text of Your digest for 1 Dec\nLine two\.<\/pre>/);
    assert.doesNotMatch(html, /A sent one/);
    assert.doesNotMatch(html, /Birch's digest/);
  });
});

describe("a person's notification settings", () => {
  it("saves kinds per channel, the digest time and the zone, audited with before and after", async () => {
    const page = await getPage(cookie.engB, "/me/settings");
    assert.equal(page.status, 200);
    assert.match(page.html, /Signoff gone stale/);
    assert.match(page.html, /<option value="Europe\/Berlin">/);
    assert.match(page.html, /name="signoff.needed\|app" checked=""/);

    const fields: Fields = { intent: "save-notification-preferences", digestTime: "06:30", timeZone: "Europe/Berlin" };
    for (const kind of ["signoff.needed", "gate.ready"]) fields[`${kind}|app`] = "on";
    fields["window.soon|email"] = "on";
    const html = await pageAfter(cookie.engB, await post(cookie.engB, "/me/settings", fields));
    assert.match(html, /Your notification choices are saved\./);
    assert.match(html, /value="06:30"/);
    assert.match(html, /name="window.soon\|email" checked=""/);
    assert.doesNotMatch(html, /name="window.soon\|app" checked=""/);

    const stored = await test.db
      .selectFrom("person")
      .select(["digest_time", "time_zone"])
      .where("id", "=", person.engB)
      .executeTakeFirstOrThrow();
    assert.deepEqual(stored, { digest_time: "06:30", time_zone: "Europe/Berlin" });
    const off = await test.db
      .selectFrom("notification_preference")
      .selectAll()
      .where("person_id", "=", person.engB)
      .execute();
    assert.equal(off.length, 24 - 3, "every choice turned off is stored, none that is on");
    assert.ok(off.every((row) => row.enabled === 0));
    const [event, ...more] = await audits("notification.preferences");
    assert.equal(more.length, 0);
    assert.equal(JSON.parse(event!.before_json!).digestTime, "07:00");
    assert.equal(JSON.parse(event!.after_json!).digestTime, "06:30");
    assert.equal(JSON.parse(event!.after_json!).off.length, 21);

    // What was turned off for the app is no longer listed.
    await notify(person.engB, { title: "Triage at Birch", kind: "triage.staged", plantId: plant.BBB });
    assert.doesNotMatch((await getPage(cookie.engB, "/me/notifications")).html, /Triage at Birch/);
  });

  it("refuses a bad digest time and an unknown zone next to their fields, changing nothing", async () => {
    const auditBefore = (await audits("notification.preferences")).length;
    const response = await post(cookie.engB, "/me/settings", {
      intent: "save-notification-preferences",
      digestTime: "25:99",
      timeZone: "Mars/Olympus",
    });
    assert.equal(response.status, 400);
    const html = readable(await response.text());
    assert.match(
      html,
      /id="notification-settings-digestTime"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="notification-settings-digestTime"/
    );
    assert.match(
      html,
      /<ul class="field-error" id="notification-settings-digestTime-error"><li>Write the time as HH:MM/
    );
    assert.match(html, /<ul class="field-error" id="notification-settings-timeZone-error"><li>Choose a time zone/);
    assert.match(html, /value="25:99"/, "what was typed is shown again");
    assert.equal((await audits("notification.preferences")).length, auditBefore);
    const stored = await test.db
      .selectFrom("person")
      .select("digest_time")
      .where("id", "=", person.engB)
      .executeTakeFirstOrThrow();
    assert.equal(stored.digest_time, "06:30");
  });
});
