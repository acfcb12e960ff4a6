import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { tempDir, databaseEnv } from "../support/database";
import { signInOverHttp, TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";
import { firstConduitId } from "../support/plants";

// Conduit signoffs through the real pages: who may sign which part, stale signatures after an edit, revocation.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let db: DB;
const cookies: Record<string, string> = {};
let conduitPath: string;
let conduitId: number;

before(async () => {
  server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD });
  db = openDatabase(file);
  for (const email of [
    "lead@demo.test",
    "exec@demo.test",
    "eng.day@demo.test",
    "eng.kok@demo.test",
    "security@demo.test",
    "kevin.alvarez@demo.test",
  ]) {
    cookies[email] = await signInOverHttp(server.url, email);
  }
  conduitId = await firstConduitId(db, "DAY");
  conduitPath = `/plants/DAY/conduits/${conduitId}`;
});

after(async () => {
  await db?.destroy();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function post(as: string, body: Record<string, string>) {
  return fetch(`${server.url}${conduitPath}`, {
    method: "POST",
    headers: { Cookie: cookies[as]!, Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(body),
    redirect: "manual",
  });
}

async function page(as: string): Promise<string> {
  const response = await fetch(`${server.url}${conduitPath}`, { headers: { Cookie: cookies[as]! } });
  assert.equal(response.status, 200, `${as} may read the conduit page`);
  return response.text();
}

const hashOn = (html: string) => /name="hash" value="([0-9a-f]{64})"/.exec(html)?.[1];
const revisionOn = (html: string) =>
  /name="hash" value="[0-9a-f]{64}"\/><input type="hidden" name="revision" value="(\d+)"/.exec(html)?.[1];

async function conduitRevision(): Promise<string> {
  const row = await db.selectFrom("conduit").select("revision").where("id", "=", conduitId).executeTakeFirstOrThrow();
  return String(row.revision);
}

async function personId(email: string): Promise<number> {
  return (await db.selectFrom("person").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
}

describe("conduit signoffs", () => {
  it("lets the assigned owners sign their own part, and no one else", async () => {
    const current = await db
      .selectFrom("conduit")
      .select(["design_owner_id", "monitoring_owner_id"])
      .where("id", "=", conduitId)
      .executeTakeFirstOrThrow();
    const assign = await post("lead@demo.test", {
      intent: "assign-owners",
      revision: await conduitRevision(),
      seenDesignOwnerId: String(current.design_owner_id ?? ""),
      seenMonitoringOwnerId: String(current.monitoring_owner_id ?? ""),
      designOwnerId: String(await personId("eng.day@demo.test")),
      monitoringOwnerId: String(await personId("security@demo.test")),
    });
    assert.ok([302, 400].includes(assign.status), `assigning owners answered ${assign.status}`);
    const owners = await db
      .selectFrom("conduit")
      .select(["design_owner_id", "monitoring_owner_id"])
      .where("id", "=", conduitId)
      .executeTakeFirstOrThrow();
    assert.equal(owners.design_owner_id, await personId("eng.day@demo.test"));

    // Refused by role or ownership before the signed revision is even looked at.
    const hash = "0".repeat(64);
    const refusals: [string, string][] = [
      ["exec@demo.test", "design_change_control"],
      ["security@demo.test", "design_change_control"],
      ["eng.day@demo.test", "monitoring_incident_response"],
      ["kevin.alvarez@demo.test", "monitoring_incident_response"],
    ];
    const before = await db
      .selectFrom("signoff")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    for (const [as, part] of refusals) {
      const response = await post(as, { intent: "sign", part, hash: hash, revision: await conduitRevision() });
      assert.equal(response.status, 403, `${as} signing ${part}`);
    }
    const unassigned = await fetch(`${server.url}${conduitPath}`, {
      headers: { Cookie: cookies["eng.kok@demo.test"]! },
    });
    assert.equal(unassigned.status, 403, "an engineer of another plant cannot open the conduit");
    const afterRefusals = await db
      .selectFrom("signoff")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    assert.equal(Number(afterRefusals.n), Number(before.n));

    const html = await page("lead@demo.test");
    // The design owner's seeded signature stands; the former monitoring owner's no longer counts.
    assert.equal((html.match(/class="badge ok">Signed</g) ?? []).length, 1, "only the design part stays signed");
    assert.match(html, /Priya Raman has not signed yet\./);
  });

  it("makes earlier signoffs stale when the definition is edited, and refuses a signature of the old revision", async () => {
    const before = await db
      .selectFrom("conduit")
      .select([
        "revision",
        "purpose",
        "name",
        "zone_a_id",
        "zone_b_id",
        "control_type",
        "monitoring_point",
        "compensating_note",
      ])
      .where("id", "=", conduitId)
      .executeTakeFirstOrThrow();
    const oldHash = (
      await db
        .selectFrom("signoff")
        .select("content_hash")
        .where("subject_type", "=", "conduit")
        .where("subject_id", "=", conduitId)
        .where("revoked_at", "is", null)
        .orderBy("id", "desc")
        .executeTakeFirstOrThrow()
    ).content_hash;
    const flows = await db
      .selectFrom("conduit_flow")
      .select(["protocol", "port", "direction", "description"])
      .where("conduit_id", "=", conduitId)
      .execute();
    const edited = await post("lead@demo.test", {
      intent: "edit-conduit",
      revision: String(before.revision),
      name: before.name,
      zoneAId: String(before.zone_a_id),
      zoneBId: String(before.zone_b_id),
      purpose: `${before.purpose ?? ""} Adds OPC UA from the historian.`,
      controlType: before.control_type ?? "",
      monitored: "on",
      monitoringPoint: before.monitoring_point ?? "",
      // The form shows the note it holds; leaving it out would clear it and raise the SL-T gap it answers.
      compensatingNote: before.compensating_note ?? "",
      flows: [
        ...flows.map((f) => `${f.protocol} ${f.port ?? "-"} ${f.direction} ${f.description ?? ""}`),
        "tcp 4840 a_to_b OPC UA from the historian",
      ].join("\n"),
    });
    assert.equal(edited.status, 302);
    const after = await db
      .selectFrom("conduit")
      .select("revision")
      .where("id", "=", conduitId)
      .executeTakeFirstOrThrow();
    assert.equal(after.revision, before.revision + 1);

    const html = await page("lead@demo.test");
    assert.equal((html.match(/class="badge warn">Stale</g) ?? []).length, 2, "both parts show as stale");
    assert.match(html, /Stale: signed an earlier revision/);
    const readiness = (await (
      await fetch(`${server.url}/api/plants/DAY/readiness`, { headers: { Cookie: cookies["lead@demo.test"]! } })
    ).json()) as {
      gates: { criteria: { code: string; met: boolean; message: string }[] }[];
    };
    const owners = readiness.gates.flatMap((g) => g.criteria).find((c) => c.code === "CON-OWNERS")!;
    assert.equal(owners.met, false);
    assert.match(owners.message, /signed revision \d+; the current revision is not signed/);

    const stale = await post("eng.day@demo.test", {
      intent: "sign",
      part: "design_change_control",
      hash: oldHash,
      revision: String(before.revision),
    });
    assert.equal(stale.status, 409);
    assert.match(await stale.text(), /Someone else saved this conduit .* since you opened it/);
    for (const [as, part] of [
      ["eng.day@demo.test", "design_change_control"],
      ["security@demo.test", "monitoring_incident_response"],
    ] as const) {
      const html = await page(as);
      const hash = hashOn(html);
      assert.ok(hash, `${as} sees the sign form for the new revision`);
      const signed = await post(as, {
        intent: "sign",
        part,
        hash: hash,
        revision: revisionOn(html)!,
        note: "Matches the firewall change request",
      });
      assert.equal(signed.status, 302, `${as} signs ${part}`);
    }
    assert.equal(
      ((await page("lead@demo.test")).match(/class="badge ok">Signed</g) ?? []).length,
      2,
      "both parts signed again"
    );
  });

  it("lets only the signer revoke, with a reason, once", async () => {
    const mine = await db
      .selectFrom("signoff")
      .select("id")
      .where("subject_type", "=", "conduit")
      .where("subject_id", "=", conduitId)
      .where("person_id", "=", await personId("eng.day@demo.test"))
      .where("revoked_at", "is", null)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    const byOther = await post("security@demo.test", {
      intent: "revoke",
      signoffId: String(mine.id),
      reason: "Not my signature to revoke",
    });
    assert.equal(byOther.status, 403);
    const noReason = await post("eng.day@demo.test", { intent: "revoke", signoffId: String(mine.id), reason: "" });
    assert.equal(noReason.status, 400);
    assert.match(await noReason.text(), /Say why you revoke/);
    const revoked = await post("eng.day@demo.test", {
      intent: "revoke",
      signoffId: String(mine.id),
      reason: "The OPC UA flow needs a gateway first",
    });
    assert.equal(revoked.status, 302);
    const row = await db
      .selectFrom("signoff")
      .select(["revoked_at", "revoked_reason"])
      .where("id", "=", mine.id)
      .executeTakeFirstOrThrow();
    assert.ok(row.revoked_at, "the signoff carries its revocation");
    assert.equal(row.revoked_reason, "The OPC UA flow needs a gateway first");
    assert.match(await page("lead@demo.test"), /The OPC UA flow needs a gateway first/);
    const twice = await post("eng.day@demo.test", {
      intent: "revoke",
      signoffId: String(mine.id),
      reason: "Again, to be sure",
    });
    assert.equal(twice.status, 409);
    const event = await db
      .selectFrom("audit_event")
      .select(["action", "summary"])
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    assert.equal(event.action, "signoff.revoke");
  });
});
