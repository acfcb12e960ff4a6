import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { migrations } from "../../db/migrations/index";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { createEmptyPostgresDatabase, testBackend } from "../support/database";
import { getPage, postForm, type PageReply } from "../support/pages";
import { createPerson, signInOverHttp, TEST_PASSWORD } from "../support/people";
import { criterionTicked } from "../support/plants";
import { runScript, startServer, type RunningServer } from "../support/server";

// Several instances of the tracker behind one load balancer share one PostgreSQL database: started together on
// an empty database they migrate and seed it once; acts through either are all kept, each with its audit event,
// in one unbroken chain; two edits of the same revision through the two are one saved and one refused (409); what
// one instance writes, the other's readiness answers at once; a session made on one is good on the other, and
// failed sign-ins are counted across both. Only PostgreSQL can be shared by instances: defined for it alone.

if (testBackend === "postgres") {
  let database: { url: string; drop(): Promise<void> };
  let started: PromiseSettledResult<RunningServer>[] = [];
  let a: RunningServer;
  let b: RunningServer;
  let db: DB;
  let token: string;
  /** Session cookies, by instance and email: each person signed in on each instance. */
  const cookies: Record<"a" | "b", Record<string, string>> = { a: {}, b: {} };
  const PEOPLE = ["lead@demo.test", "admin@demo.test", "eng.day@demo.test", "eng.kok@demo.test", "exec@demo.test"];

  before(async () => {
    database = await createEmptyPostgresDatabase();
    const env = { DATABASE_URL: database.url, DEMO_PASSWORD: TEST_PASSWORD };
    // Both at the same moment, on a database without a single table.
    started = await Promise.allSettled([startServer(env), startServer({ ...env, NOTIFY: "off" })]);
    if (started[0]!.status === "fulfilled") a = started[0]!.value;
    if (started[1]!.status === "fulfilled") b = started[1]!.value;
    db = openDatabase(database.url);
  });

  after(async () => {
    await db?.destroy();
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  const server = (instance: "a" | "b") => (instance === "a" ? a : b);

  const post = (instance: "a" | "b", pathname: string, as: string, fields: Record<string, string>) =>
    postForm(server(instance).url, pathname, cookies[instance][as]!, fields);

  async function lastSeq(): Promise<number> {
    const row = await db.selectFrom("audit_event").select("seq").orderBy("seq", "desc").executeTakeFirst();
    return row?.seq ?? 0;
  }

  async function auditSince(seq: number) {
    return db
      .selectFrom("audit_event")
      .select(["seq", "action", "object_id"])
      .where("seq", ">", seq)
      .orderBy("seq")
      .execute();
  }

  function unescape(text: string): string {
    return text
      .replace(/&quot;/g, '"')
      .replace(/&#x27;|&#39;/g, "'")
      .replace(/&amp;/g, "&");
  }

  /** The hidden fields of the first form holding `marker`, as a browser would send them. */
  function hiddenFields(html: string, marker: string): Record<string, string> {
    for (const match of html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/g)) {
      if (!match[1]!.includes(marker)) continue;
      const fields: Record<string, string> = {};
      for (const input of match[1]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/?>/g))
        fields[input[1]!] = unescape(input[2]!);
      return fields;
    }
    throw new Error(`No form on the page holds ${marker}`);
  }

  describe("two instances on one PostgreSQL database", () => {
    it("both start at once on an empty database: migrated once, seeded once, no error", async () => {
      for (const [i, result] of started.entries())
        assert.equal(
          result.status,
          "fulfilled",
          `instance ${"AB"[i]} started: ${String((result as PromiseRejectedResult).reason)}`
        );
      const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
      assert.deepEqual(
        rows.map((row) => row.name),
        Object.keys(migrations).sort(),
        "every migration applied once"
      );
      const outputs = [a.output(), b.output()];
      assert.equal(
        outputs.filter((output) => output.includes("Seeded the demo program")).length,
        1,
        `one instance seeded the demo:\n${outputs.join("\n---\n")}`
      );
      for (const output of outputs) assert.doesNotMatch(output, /error|failed|exited/i, output);
      const seeds = await db.selectFrom("audit_event").select("seq").where("action", "=", "program.seed").execute();
      assert.equal(seeds.length, 1, "the demo was seeded once");

      for (const email of PEOPLE) {
        cookies.a[email] = await signInOverHttp(a.url, email);
        cookies.b[email] = await signInOverHttp(b.url, email);
      }
      const created = await runScript("scripts/token-create.ts", ["--role", "executive", "--name", "instances"], {
        DATABASE_URL: database.url,
      });
      assert.equal(created.status, 0, created.stderr);
      token = created.stdout.trim().split("\n").at(-1)!;
    });

    it("keeps every act made concurrently through both, each with its audit event, in one unbroken chain", async () => {
      const seq = await lastSeq();
      const plants = await db.selectFrom("plant").select(["id", "code"]).orderBy("code").execute();
      const ticks = await db
        .selectFrom("checklist_tick")
        .select(["plant_id", "code", "ticked"])
        .where("code", "in", ["INV-REVIEW", "ZON-REVIEW"])
        .orderBy("id")
        .execute();
      const tickedNow = (plantId: number, code: string) =>
        ticks.filter((t) => t.plant_id === plantId && t.code === code).at(-1)?.ticked === 1;

      type Act = { what: string; send: () => Promise<PageReply>; check: () => Promise<string | null> };
      const acts: Act[] = [];
      let n = 0;
      // Each act through one instance or the other, in turn.
      const via = (): "a" | "b" => (n++ % 2 === 0 ? "a" : "b");

      for (const plant of plants) {
        for (const code of ["INV-REVIEW", "ZON-REVIEW"]) {
          const instance = via();
          const note = `Concurrent ${code} at ${plant.code} through ${instance}`;
          const intent = tickedNow(plant.id, code) ? "untick" : "tick";
          acts.push({
            what: `${intent} ${code} at ${plant.code} through ${instance}`,
            send: () => post(instance, `/plants/${plant.code}`, "lead@demo.test", { intent, code, note }),
            check: async () => {
              const row = await db
                .selectFrom("checklist_tick")
                .select("id")
                .where("plant_id", "=", plant.id)
                .where("note", "=", note)
                .executeTakeFirst();
              return row ? `criterion:${plant.code}:${code}` : null;
            },
          });
        }
      }
      for (let i = 0; i < 12; i++) {
        const [plant, engineer] = i % 2 === 0 ? ["DAY", "eng.day@demo.test"] : ["KOK", "eng.kok@demo.test"];
        const instance = via();
        const title = `Concurrent window ${i} through ${instance}`;
        const day = `2031-03-${String(10 + i).padStart(2, "0")}`;
        acts.push({
          what: title,
          send: () =>
            post(instance, `/plants/${plant}/windows`, engineer, {
              intent: "create-window",
              title,
              kind: "scheduled_outage",
              status: "planned",
              "start.date": day,
              "start.time": "01:00",
              "end.date": day,
              "end.time": "03:00",
            }),
          check: async () => {
            const row = await db.selectFrom("outage_window").select("id").where("title", "=", title).executeTakeFirst();
            return row ? `window:${row.id}` : null;
          },
        });
      }
      for (let i = 0; i < 8; i++) {
        const instance = via();
        const email = `concurrent.${i}@instances.test`;
        acts.push({
          what: `create ${email} through ${instance}`,
          send: () =>
            post(instance, "/admin", "admin@demo.test", {
              intent: "create-account",
              email,
              name: `Concurrent ${i}`,
              role: "executive",
              password: "a long enough password",
            }),
          check: async () => {
            const row = await db.selectFrom("person").select("id").where("email", "=", email).executeTakeFirst();
            return row ? `account:${row.id}` : null;
          },
        });
      }

      const replies = await Promise.all(acts.map((act) => act.send()));
      const events = await auditSince(seq);
      for (const [i, act] of acts.entries()) {
        const reply = replies[i]!;
        assert.equal(reply.status, 302, `${act.what}: accepted, not ${reply.status} ${reply.text.slice(0, 300)}`);
        const object = await act.check();
        assert.ok(object, `${act.what}: its row is there`);
        const [type, ...id] = object.split(":");
        const audited = events.filter((event) => event.object_id === id.join(":"));
        assert.ok(audited.length > 0, `${act.what}: its audit event (${type}) is there`);
      }
      assert.equal(events.length, acts.length, "one audit event per act, and none else");

      const verified = await runScript("scripts/audit-verify.ts", [], { DATABASE_URL: database.url });
      assert.equal(verified.status, 0, `${verified.stdout}${verified.stderr}`);
    });

    it("refuses the second of two edits of the same revision made through the two at once (409)", async () => {
      const [pageA, pageB] = [
        await getPage(a.url, "/plants/DAY", cookies.a["lead@demo.test"]),
        await getPage(b.url, "/plants/DAY", cookies.b["eng.day@demo.test"]),
      ];
      const formA = hiddenFields(pageA.text, 'value="edit-split"');
      const formB = hiddenFields(pageB.text, 'value="edit-split"');
      assert.equal(formA.revision, formB.revision, "both forms are based on the same revision");
      const seq = await lastSeq();
      const texts = {
        a: "Plant engineering owns design; corporate security owns monitoring (saved through instance A).",
        b: "Design belongs to plant engineering, monitoring to corporate security (saved through instance B).",
      };
      const [savedA, savedB] = await Promise.all([
        post("a", "/plants/DAY", "lead@demo.test", { ...formA, text: texts.a }),
        post("b", "/plants/DAY", "eng.day@demo.test", { ...formB, text: texts.b }),
      ]);
      assert.deepEqual([savedA.status, savedB.status].sort(), [302, 409], "one saved, the other refused");
      const winner = savedA.status === 302 ? "a" : "b";
      const plant = await db
        .selectFrom("plant")
        .select(["ownership_split", "ownership_split_revision"])
        .where("code", "=", "DAY")
        .executeTakeFirstOrThrow();
      assert.equal(plant.ownership_split, texts[winner], "the saved text is the one accepted");
      assert.equal(plant.ownership_split_revision, Number(formA.revision) + 1, "one revision later");
      const edits = (await auditSince(seq)).filter((event) => event.action === "ownership_split.edit");
      assert.equal(edits.length, 1, "only the accepted edit is audited");
    });

    it("answers readiness and the rollup on one instance with what the other just wrote, not its cached figures", async () => {
      const readiness = async (instance: "a" | "b") => {
        const response = await fetch(`${server(instance).url}/api/plants/DAY/readiness`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        assert.equal(response.status, 200);
        return (await response.json()) as { at: string } & Record<string, unknown>;
      };
      const rollup = async (instance: "a" | "b") => {
        const response = await fetch(`${server(instance).url}/api/rollup`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        assert.equal(response.status, 200);
        return JSON.stringify(await response.json());
      };
      const first = await readiness("b");
      const rollupFirst = await rollup("b");
      const again = await readiness("b");
      assert.equal(again.at, first.at, "B answers from its cache while nothing changed");

      const intent = (await criterionTicked(db, "DAY", "INV-REVIEW")).ticked ? "untick" : "tick";
      const changedAt = new Date().toISOString();
      const ticked = await post("a", "/plants/DAY", "lead@demo.test", {
        intent,
        code: "INV-REVIEW",
        note: "Changed through instance A",
      });
      assert.equal(ticked.status, 302);

      const after = await readiness("b");
      assert.ok(after.at >= changedAt, `B judged DAY again after A's change (${after.at} < ${changedAt})`);
      const strip = (document: Record<string, unknown>) => JSON.stringify({ ...document, at: undefined });
      assert.notEqual(strip(after), strip(first), "B's answer shows A's change");
      const fromA = await readiness("a");
      assert.equal(strip(after), strip(fromA), "both instances answer the same");
      assert.notEqual(await rollup("b"), rollupFirst, "B's rollup follows A's change too");
    });

    it("takes a session made on one instance on the other, and counts failed sign-ins across both", async () => {
      const cookie = await signInOverHttp(a.url, "security@demo.test");
      const onB = await getPage(b.url, "/me", cookie);
      assert.equal(onB.status, 200, `A's session is good on B (${onB.status} to ${onB.location ?? ""})`);
      const signedOut = await fetch(`${b.url}/logout`, {
        method: "POST",
        headers: { Cookie: cookie, Origin: b.url },
        redirect: "manual",
      });
      assert.equal(signedOut.status, 302);
      const onA = await getPage(a.url, "/me", cookie);
      assert.equal(onA.status, 302, "signed out on B, the session is gone on A as well");
      assert.match(onA.location ?? "", /^\/login\b/);

      await createPerson(db, { email: "target@instances.test", role: "executive" });
      const attempt = (instance: "a" | "b", password: string) =>
        fetch(`${server(instance).url}/login`, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server(instance).url },
          body: new URLSearchParams({ email: "target@instances.test", password }),
          redirect: "manual",
        }).then((response) => response.status);
      const statuses: number[] = [];
      for (const [i, instance] of (["a", "b", "a", "b", "a", "b"] as const).entries())
        statuses.push(await attempt(instance, `guess ${i}`));
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429], "the sixth failure in a row is slowed down");
      assert.equal(await attempt("a", TEST_PASSWORD), 429, "on A as well, even with the right password");
    });
  });
}
