import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createWindow } from "../../app/models/outage-windows.server";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { ActError } from "../../app/utils/errors";
import { tempDir, databaseEnv } from "../support/database";
import { actorFor } from "../support/people";
import { startMailReceiver, type MailReceiver } from "../support/receivers";
import { startServer, type RunningServer } from "../support/server";

// The whole way, on the real server with the demo program: an act (an outage window confirmed for tonight) is read
// by the server's own notifier from the audit trail, becomes an urgent notification for the plant's engineer, and
// reaches a real SMTP server as a mail linking to the window, once however many passes follow.

const PUBLIC_URL = "https://tracker.example.test";
const HOUR = 3_600_000;
let mail: MailReceiver;
let server: RunningServer;
let db: DB;

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`Not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

before(async () => {
  mail = await startMailReceiver();
  const file = path.join(tempDir(), "tracker.db");
  server = await startServer({
    ...databaseEnv(file),
    SMTP_URL: mail.url,
    MAIL_FROM: "Segmentation Tracker <tracker@example.test>",
    PUBLIC_URL,
    NOTIFY_INTERVAL_MS: "1000",
  });
  db = openDatabase(file);
});

after(async () => {
  await server?.stop();
  await db?.destroy();
  await mail?.close();
});

describe("a notification from the act to the mailbox", () => {
  it("mails a window confirmed for tonight to the plant's engineer at once, once", async () => {
    // The server's first pass looks at every plant of the demo; what an act changes comes after it.
    await waitFor(
      () => db.selectFrom("notifier_state").select("value").where("name", "=", "full_pass_at").executeTakeFirst(),
      60_000
    );
    const title = "Line 1 firmware stop";
    let found: { code: string; email: string; window: { id: number } } | undefined;
    // The first plant and hour from three hours on that is free (the demo has windows and blackouts of its own).
    for (const code of ["DAY", "OGD", "GRR", "KOK", "PEO"]) {
      const email = `eng.${code.toLowerCase()}@demo.test`;
      const engineer = await actorFor(db, email);
      const plant = await db.selectFrom("plant").select("id").where("code", "=", code).executeTakeFirstOrThrow();
      for (let offset = 3; offset < 23 && !found; offset++) {
        const start = new Date(Math.ceil(Date.now() / HOUR) * HOUR + offset * HOUR);
        try {
          const window = await createWindow(db, engineer, {
            plantId: plant.id,
            title,
            kind: "scheduled_outage",
            status: "confirmed",
            startsAt: start.toISOString(),
            endsAt: new Date(start.getTime() + HOUR).toISOString(),
          });
          found = { code, email, window };
        } catch (error) {
          if (!(error instanceof ActError)) throw error;
        }
      }
      if (found) break;
    }
    assert.ok(found, "no plant has a free hour for a window tonight");
    const { code, email, window } = found;
    const engineer = await actorFor(db, email);

    const received = await waitFor(() => mail.mails.find((m) => m.to.includes(email) && m.raw.includes(title)), 30_000);
    assert.equal(received.from, "tracker@example.test");
    assert.match(received.raw, /Content-Type: text\/plain/);
    assert.match(received.raw, /Content-Type: text\/html/);
    assert.ok(received.raw.replace(/=\r?\n/g, "").includes(`${PUBLIC_URL}/plants/${code}/windows#window-${window.id}`));

    const stored = await db
      .selectFrom("notification")
      .select(["kind", "urgent", "href"])
      .where("person_id", "=", engineer.personId!)
      .where("fact_key", "like", `window.soon|window:${window.id}|%`)
      .execute();
    assert.deepEqual(stored, [{ kind: "window.soon", urgent: 1, href: `/plants/${code}/windows#window-${window.id}` }]);

    // More passes tell nothing new of the same fact.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const mailsOfIt = mail.mails.filter((m) => m.to.includes(email) && m.raw.includes(title));
    assert.equal(mailsOfIt.length, 1);
    const sent = await db
      .selectFrom("outbox_message")
      .select(["status"])
      .where("person_id", "=", engineer.personId!)
      .where("subject", "like", `%${title}%`)
      .execute();
    assert.deepEqual(sent, [{ status: "sent" }]);
  });
});
