import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { tempDir, databaseEnv } from "../support/database";
import { matureBaseline } from "../support/evidence";
import { createPerson, signInOverHttp, TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";
import { firstConduitId } from "../support/plants";

// No lost updates, through the real server as a browser without JavaScript uses it: two people open the same
// form, the first saves, and the second's save (or signature, or wiring) based on what they read is refused with
// 409, the object as it now stands and what changed, and nothing of theirs is written or audited.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let db: DB;
const cookies: Record<string, string> = {};
let conduitId: number;

const SECOND_ADMIN = "second.admin@demo.test";

before(async () => {
  server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD });
  db = openDatabase(file);
  await createPerson(db, { email: SECOND_ADMIN, role: "admin", name: "Second Admin" });
  for (const email of ["lead@demo.test", "eng.day@demo.test", "security@demo.test", "admin@demo.test", SECOND_ADMIN]) {
    cookies[email] = await signInOverHttp(server.url, email);
  }
  // DAY's first conduit: Greg Halloran (eng.day@) owns its design & change-control part.
  conduitId = await firstConduitId(db, "DAY");
});

after(async () => {
  await db?.destroy();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function page(pathname: string, as: string): Promise<string> {
  const response = await fetch(`${server.url}${pathname}`, { headers: { Cookie: cookies[as]! } });
  assert.equal(response.status, 200, `${as} opens ${pathname}`);
  return response.text();
}

function post(pathname: string, as: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
  }
  return fetch(`${server.url}${pathname}`, {
    method: "POST",
    headers: { Cookie: cookies[as]!, Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
    body,
    redirect: "manual",
  });
}

function decode(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The hidden fields of the first form holding every marker, as a browser would send them. */
function hiddenFields(html: string, ...markers: string[]): Record<string, string> {
  for (const match of html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/g)) {
    const form = match[1]!;
    if (!markers.every((marker) => form.includes(marker))) continue;
    const fields: Record<string, string> = {};
    for (const input of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/?>/g)) {
      fields[input[1]!] = decode(input[2]!);
    }
    return fields;
  }
  throw new Error(`No form on the page holds ${markers.join(" and ")}`);
}

/** What the refusal shows beside the form: its message, what changed, and the object as it stands now, as text. */
function conflictShown(html: string): string {
  const start = html.indexOf('class="revision-conflict"');
  assert.ok(start >= 0, "the page shows what changed and the object as it stands now");
  const alert = html.lastIndexOf('role="alert"', start);
  return decode(html.slice(alert, html.indexOf("</dl>", start)).replace(/<[^>]+>/g, " ")).replace(/\s+/g, " ");
}

async function auditSince(seq: number, action: string) {
  return db
    .selectFrom("audit_event")
    .select(["action", "actor_person_id", "object_id"])
    .where("seq", ">", seq)
    .where("action", "=", action)
    .execute();
}

async function lastSeq(): Promise<number> {
  const row = await db.selectFrom("audit_event").select("seq").orderBy("seq", "desc").executeTakeFirst();
  return row?.seq ?? 0;
}

async function personId(email: string): Promise<number> {
  return (await db.selectFrom("person").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
}

const SPLIT_A =
  "Plant engineering owns design and change control of every DAY conduit; corporate security owns monitoring and incident response, and calls the on-shift engineer.";
const SPLIT_B =
  "Design and change control belong to plant engineering at Dayton. Monitoring and incident response belong to corporate security, who page the shift lead.";

describe("the ownership split", () => {
  it("refuses a save based on an older revision: 409 with the current text, the draft kept, nothing written", async () => {
    const [pageA, pageB] = [
      await page("/plants/DAY", "lead@demo.test"),
      await page("/plants/DAY", "eng.day@demo.test"),
    ];
    const formA = hiddenFields(pageA, 'value="edit-split"');
    const formB = hiddenFields(pageB, 'value="edit-split"');
    const before = await db
      .selectFrom("plant")
      .select(["ownership_split", "ownership_split_revision"])
      .where("code", "=", "DAY")
      .executeTakeFirstOrThrow();
    const seq = await lastSeq();

    const saved = await post("/plants/DAY", "lead@demo.test", { ...formA, text: SPLIT_A });
    assert.equal(saved.status, 302, "the first save goes through");
    const stale = await post("/plants/DAY", "eng.day@demo.test", { ...formB, text: SPLIT_B });
    assert.equal(stale.status, 409, "the second save, based on the revision both read, is refused");
    const html = await stale.text();
    const shown = conflictShown(html);
    assert.match(shown, /Someone else saved the ownership split of DAY \(revision \d+, by Dana Whitfield/);
    assert.match(shown, /Your text is kept below: review it and save again\./);
    assert.ok(shown.includes(SPLIT_A), "the split as it now stands is shown");
    assert.ok(shown.includes(before.ownership_split ?? ""), "and as it was when they opened it");
    const textarea = /<textarea[^>]*name="text"[^>]*>([^<]*)<\/textarea>/.exec(html);
    assert.equal(decode(textarea?.[1] ?? "").trim(), SPLIT_B, "the person's own text is kept in the form");
    assert.equal(
      hiddenFields(html, 'value="edit-split"').revision,
      String(before.ownership_split_revision + 1),
      "the form now says it is based on the current revision"
    );

    const now = await db
      .selectFrom("plant")
      .select(["ownership_split", "ownership_split_revision"])
      .where("code", "=", "DAY")
      .executeTakeFirstOrThrow();
    assert.deepEqual(now, { ownership_split: SPLIT_A, ownership_split_revision: before.ownership_split_revision + 1 });
    const edits = await auditSince(seq, "ownership_split.edit");
    assert.deepEqual(
      edits.map((e) => e.actor_person_id),
      [await personId("lead@demo.test")],
      "the trail holds only the first save"
    );

    const again = await post("/plants/DAY", "eng.day@demo.test", {
      ...hiddenFields(html, 'value="edit-split"'),
      text: SPLIT_B,
    });
    assert.equal(again.status, 302, "saved again from the refreshed form, it goes through");
  });

  it("refuses a signature of a revision that changed since it was read, showing what changed", async () => {
    const signer = await page("/plants/DAY", "eng.day@demo.test");
    const signForm = hiddenFields(signer, 'value="sign"', 'value="design_change_control"');
    const editForm = hiddenFields(await page("/plants/DAY", "lead@demo.test"), 'value="edit-split"');
    assert.equal((await post("/plants/DAY", "lead@demo.test", { ...editForm, text: SPLIT_A })).status, 302);
    const signoffs = await db.selectFrom("signoff").select("id").execute();

    const stale = await post("/plants/DAY", "eng.day@demo.test", { ...signForm, note: "Read it through" });
    assert.equal(stale.status, 409);
    const shown = conflictShown(await stale.text());
    assert.match(
      shown,
      /Someone else saved the ownership split of DAY \(revision \d+, by Dana Whitfield.*since you opened it/
    );
    assert.match(shown, /Here is what changed: ownership split\./);
    assert.match(shown, /Nothing was signed: read revision \d+ and sign it if you agree\./);
    assert.ok(shown.includes(SPLIT_B) && shown.includes(SPLIT_A), "the text they read and the text now");
    assert.equal((await db.selectFrom("signoff").select("id").execute()).length, signoffs.length, "nothing signed");
  });
});

describe("a conduit", () => {
  const conduitPath = () => `/plants/DAY/conduits/${conduitId}`;

  async function editFields(html: string) {
    const [conduit] = await db
      .selectFrom("conduit")
      .select([
        "name",
        "zone_a_id",
        "zone_b_id",
        "purpose",
        "control_type",
        "monitoring_point",
        "monitored",
        "compensating_note",
      ])
      .where("id", "=", conduitId)
      .execute();
    const flows = await db
      .selectFrom("conduit_flow")
      .select(["protocol", "port", "direction", "description"])
      .where("conduit_id", "=", conduitId)
      .execute();
    return {
      ...hiddenFields(html, 'value="edit-conduit"'),
      name: conduit!.name,
      zoneAId: String(conduit!.zone_a_id),
      zoneBId: String(conduit!.zone_b_id),
      purpose: conduit!.purpose ?? "",
      controlType: conduit!.control_type ?? "",
      ...(conduit!.monitored ? { monitored: "on" } : {}),
      monitoringPoint: conduit!.monitoring_point ?? "",
      flows: flows.map((f) => `${f.protocol} ${f.port ?? "-"} ${f.direction} ${f.description ?? ""}`).join("\n"),
      compensatingNote: conduit!.compensating_note ?? "",
    };
  }

  it("refuses a save based on an older revision: 409 with what changed field by field, nothing written", async () => {
    const [pageA, pageB] = [
      await page(conduitPath(), "lead@demo.test"),
      await page(conduitPath(), "eng.day@demo.test"),
    ];
    const [formA, formB] = [await editFields(pageA), await editFields(pageB)];
    const before = await db.selectFrom("conduit").selectAll().where("id", "=", conduitId).executeTakeFirstOrThrow();
    const seq = await lastSeq();

    const saved = await post(conduitPath(), "lead@demo.test", {
      ...formA,
      purpose: "Historian replication to the corporate data lake, nightly",
    });
    assert.equal(saved.status, 302);
    const stale = await post(conduitPath(), "eng.day@demo.test", { ...formB, name: "DMZ to corporate (renamed)" });
    assert.equal(stale.status, 409);
    const html = await stale.text();
    const shown = conflictShown(html);
    assert.match(
      shown,
      new RegExp(
        `Someone else saved this conduit \\(revision ${
          before.revision + 1
        }, by Dana Whitfield \\(program lead\\), at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\) while you were editing\\.`
      )
    );
    assert.match(shown, /Here is what changed: purpose\./);
    assert.match(
      shown,
      new RegExp(
        `Purpose ${(before.purpose ?? "").replace(
          /[.*+?^${}()|[\]\\]/g,
          "\\$&"
        )} Historian replication to the corporate data lake, nightly`
      ),
      "the purpose as it was read and as it is now"
    );
    assert.match(shown, /As it stands now \(revision \d+\) Name DMZ ↔ Corporate/);
    assert.match(
      html,
      /<input[^>]*name="name"[^>]*value="DMZ to corporate \(renamed\)"/,
      "the person's own name for the conduit is kept in the form"
    );

    const after = await db.selectFrom("conduit").selectAll().where("id", "=", conduitId).executeTakeFirstOrThrow();
    assert.equal(after.name, before.name, "the stale name was not written");
    assert.equal(after.purpose, "Historian replication to the corporate data lake, nightly");
    assert.equal(after.revision, before.revision + 1);
    const edits = await auditSince(seq, "conduit.edit");
    assert.deepEqual(
      edits.map((e) => e.actor_person_id),
      [await personId("lead@demo.test")]
    );
  });

  it("refuses owners chosen from a page whose owners someone else has changed since", async () => {
    const [pageA, pageB] = [
      await page(conduitPath(), "lead@demo.test"),
      await page(conduitPath(), "eng.day@demo.test"),
    ];
    const kevin = await personId("kevin.alvarez@demo.test");
    const priya = await personId("security@demo.test");
    const greg = await personId("eng.day@demo.test");
    const seq = await lastSeq();
    const first = await post(conduitPath(), "lead@demo.test", {
      ...hiddenFields(pageA, 'value="assign-owners"'),
      designOwnerId: String(greg),
      monitoringOwnerId: String(priya),
    });
    assert.equal(first.status, 302);
    const stale = await post(conduitPath(), "eng.day@demo.test", {
      ...hiddenFields(pageB, 'value="assign-owners"'),
      designOwnerId: String(greg),
      monitoringOwnerId: String(kevin),
    });
    assert.equal(stale.status, 409);
    const shown = conflictShown(await stale.text());
    assert.match(shown, /Someone else saved the owners of this conduit \(by Dana Whitfield/);
    assert.match(shown, /Monitoring & incident-response owner Kevin Alvarez Priya Raman/);
    const owners = await db
      .selectFrom("conduit")
      .select(["monitoring_owner_id"])
      .where("id", "=", conduitId)
      .executeTakeFirstOrThrow();
    assert.equal(owners.monitoring_owner_id, priya);
    assert.equal((await auditSince(seq, "conduit.assign_owners")).length, 1);
  });

  it("refuses a signature of a revision that changed since it was read, showing what changed", async () => {
    const signer = await page(conduitPath(), "eng.day@demo.test");
    const signForm = hiddenFields(signer, 'value="sign"', 'value="design_change_control"');
    const lead = await page(conduitPath(), "lead@demo.test");
    const edited = await post(conduitPath(), "lead@demo.test", {
      ...(await editFields(lead)),
      monitoringPoint: "SPAN port on the DMZ core switch",
    });
    assert.equal(edited.status, 302);
    const seq = await lastSeq();

    const stale = await post(conduitPath(), "eng.day@demo.test", signForm);
    assert.equal(stale.status, 409);
    const shown = conflictShown(await stale.text());
    assert.match(shown, /Someone else saved this conduit \(revision \d+, by Dana Whitfield .*\) since you opened it\./);
    assert.match(shown, /Here is what changed: monitoring point\./);
    assert.match(shown, /Monitoring point .* SPAN port on the DMZ core switch/);
    assert.match(shown, /Nothing was signed/);
    assert.equal((await auditSince(seq, "signoff.sign")).length, 0, "nothing signed, nothing audited");

    const fresh = hiddenFields(
      await page(conduitPath(), "eng.day@demo.test"),
      'value="sign"',
      'value="design_change_control"'
    );
    assert.equal(
      (await post(conduitPath(), "eng.day@demo.test", fresh)).status,
      302,
      "the revision read now is signed"
    );
  });

  it("refuses alert wiring and baseline acceptance for a revision that changed since, over the API too", async () => {
    await matureBaseline(db, conduitId);
    const wirer = await page(conduitPath(), "security@demo.test");
    const wireForm = hiddenFields(wirer, 'value="wire-alerts"');
    const read = Number(wireForm.revision);
    const edited = await post(conduitPath(), "lead@demo.test", {
      ...(await editFields(await page(conduitPath(), "lead@demo.test"))),
      purpose: "Historian replication to the corporate data lake, hourly",
    });
    assert.equal(edited.status, 302);
    // The cutover of the new revision is done and its baseline matured again, so only the revision stands in the way.
    await matureBaseline(db, conduitId);
    const wirings = await db.selectFrom("alert_wiring").select("id").execute();

    const viaForm = await post(conduitPath(), "security@demo.test", { ...wireForm, siemReference: "SPL-OT-7" });
    assert.equal(viaForm.status, 409);
    assert.match(
      conflictShown(await viaForm.text()),
      /Alerts were not wired: review revision \d+ and wire them again\./
    );

    const api = (revision: number) =>
      fetch(`${server.url}/api/conduits/${conduitId}/alert-wiring`, {
        method: "POST",
        headers: { Cookie: cookies["security@demo.test"]!, Origin: server.url, "Content-Type": "application/json" },
        body: JSON.stringify({ siemReference: "SPL-OT-7", revision }),
      });
    const stale = await api(read);
    assert.equal(stale.status, 409);
    const body = (await stale.json()) as {
      error: string;
      revision: number;
      basedOn: number;
      changes: { field: string; before: string; after: string }[];
    };
    assert.equal(body.revision, read + 1, "the answer gives the current revision");
    assert.equal(body.basedOn, read);
    assert.deepEqual(
      body.changes.map((c) => [c.field, c.after]),
      [["purpose", "Historian replication to the corporate data lake, hourly"]]
    );
    assert.match(body.error, /Someone else saved this conduit/);
    assert.equal((await db.selectFrom("alert_wiring").select("id").execute()).length, wirings.length);

    const accept = await post(conduitPath(), "eng.day@demo.test", {
      intent: "accept-baseline",
      revision: String(read),
      note: "The residual novelty is the weekly backup job.",
    });
    assert.equal(accept.status, 409);
    assert.match(conflictShown(await accept.text()), /Nothing was accepted: review revision \d+ and accept it again\./);

    assert.equal((await api(read + 1)).status, 201, "wired once the revision read is the current one");
  });
});

describe("an outage window's status", () => {
  it("refuses a status chosen from a page whose window someone else has changed since", async () => {
    const window = await db
      .selectFrom("outage_window as w")
      .innerJoin("plant as p", "p.id", "w.plant_id")
      .select(["w.id", "w.revision"])
      .where("p.code", "=", "DAY")
      .where("w.status", "=", "planned")
      .where("w.starts_at", ">", new Date().toISOString())
      .orderBy("w.starts_at")
      .executeTakeFirstOrThrow();
    const marker = `name="windowId" value="${window.id}"`;
    const formA = hiddenFields(await page("/plants/DAY/windows", "lead@demo.test"), 'value="window-status"', marker);
    const formB = hiddenFields(await page("/plants/DAY/windows", "eng.day@demo.test"), 'value="window-status"', marker);
    const seq = await lastSeq();

    assert.equal((await post("/plants/DAY/windows", "lead@demo.test", { ...formA, status: "confirmed" })).status, 302);
    const stale = await post("/plants/DAY/windows", "eng.day@demo.test", { ...formB, status: "cancelled" });
    assert.equal(stale.status, 409);
    const shown = conflictShown(await stale.text());
    assert.match(shown, /Someone else saved window “[^”]+” \(revision \d+, by Dana Whitfield/);
    assert.match(shown, /Status Planned Confirmed/);
    const now = await db
      .selectFrom("outage_window")
      .select(["status", "revision"])
      .where("id", "=", window.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(now, { status: "confirmed", revision: window.revision + 1 });
    assert.equal((await auditSince(seq, "window.cancel")).length, 0);
    assert.equal((await auditSince(seq, "window.confirm")).length, 1);
  });
});

describe("an account", () => {
  it("refuses an edit based on an older revision when two admins edit the same account", async () => {
    const target = await personId("eng.kok@demo.test");
    const editPage = `/admin?edit=${target}`;
    const formA = hiddenFields(await page(editPage, "admin@demo.test"), 'value="update-account"');
    const formB = hiddenFields(await page(editPage, SECOND_ADMIN), 'value="update-account"');
    const seq = await lastSeq();

    const saved = await post(editPage, "admin@demo.test", {
      ...formA,
      name: "Darnell Hughes-Okafor",
      role: "plant_engineer",
      plants: ["KOK"],
    });
    assert.equal(saved.status, 302);
    const stale = await post(editPage, SECOND_ADMIN, {
      ...formB,
      name: "Darnell Hughes",
      role: "plant_engineer",
      plants: ["KOK", "DAY"],
    });
    assert.equal(stale.status, 409);
    const html = await stale.text();
    assert.match(decode(html), /Someone else saved the account of Darnell Hughes-Okafor \(revision 2, by Sam Kowalski/);
    assert.match(conflictShown(html), /Name Darnell Hughes Darnell Hughes-Okafor/);
    const person = await db
      .selectFrom("person")
      .select(["name", "revision"])
      .where("id", "=", target)
      .executeTakeFirstOrThrow();
    assert.deepEqual(person, { name: "Darnell Hughes-Okafor", revision: 2 });
    const plants = await db
      .selectFrom("person_plant as pp")
      .innerJoin("plant", "plant.id", "pp.plant_id")
      .select("plant.code")
      .where("pp.person_id", "=", target)
      .execute();
    assert.deepEqual(
      plants.map((p) => p.code),
      ["KOK"],
      "the stale plant assignment was not written"
    );
    assert.equal((await auditSince(seq, "account.update")).length, 1);
  });
});
