import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { seedDemoProgram } from "../../db/seed/demo-program";
import { migrateToLatest } from "../../db/migrate";
import { tickCriterion } from "../../app/models/gates.server";
import { openDatabase, type DB } from "../../app/utils/db.server";
import { hashPassword } from "../../app/utils/password.server";
import { tempDir, databaseEnv } from "../support/database";
import { actorFor, signInOverHttp, TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";
import { addStuckPlant, STUCK_PLANT } from "../support/stuck-plant";

// The dashboard and the plant list are made once per rollup (their views, and the dashboard's matrix and tables
// rendered once): through the real server with two worker processes, a change committed by another process (here
// the test's own connection, as another worker or the ingest command would) shows on the very next request to
// either worker, and the kept pages are still refused to a reader the role does not allow.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let db: DB;
let stuckId: number;

before(async () => {
  db = openDatabase(file);
  await migrateToLatest(db);
  await seedDemoProgram(db, { now: new Date(), passwordHash: await hashPassword(TEST_PASSWORD) });
  stuckId = await addStuckPlant(db);
  server = await startServer({ ...databaseEnv(file), WEB_CONCURRENCY: "2" });
});

after(async () => {
  await server?.stop();
  await db?.destroy();
});

const get = async (pathname: string, cookie: string) => {
  const response = await fetch(`${server.url}${pathname}`, { headers: { Cookie: cookie }, redirect: "manual" });
  return { status: response.status, html: await response.text() };
};

/** Enough requests that both workers answer some (the cluster hands connections out in turn). */
const REQUESTS = 8;

/** The stuck plant's INV-REVIEW cell in the dashboard's matrix. */
function reviewCell(html: string): string | null {
  const row = new RegExp(`<tr data-matrix-plant="${STUCK_PLANT.code}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? "";
  return /data-criterion="INV-REVIEW"[^>]*>([^<]*)</.exec(row)?.[1] ?? null;
}

/** The stuck plant's blocker count in the plant list (its "Blockers" column, the only number column of a row). */
function blockerCount(html: string): number | null {
  const row = new RegExp(`<tr[^>]*data-plant="${STUCK_PLANT.code}"[^>]*>([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? "";
  const cell = /<td class="num"[^>]*>(\d+)<\/td>/.exec(row)?.[1];
  return cell === undefined ? null : Number(cell);
}

describe("the dashboard and the plant list, made once per change", () => {
  it("show another process's change on the next request to either worker, and refuse whom they refused", async () => {
    const exec = await signInOverHttp(server.url, "exec@demo.test");
    const lead = await signInOverHttp(server.url, "lead@demo.test");
    const admin = await signInOverHttp(server.url, "admin@demo.test");
    // The stuck plant sorts last by code: the plant list's last page holds it.
    const listPath = `/plants?sort=code&dir=desc`;
    const matrixPath = `/dashboard?page=${await lastMatrixPage(exec)}`;

    const before = { cells: new Set<string | null>(), counts: new Set<number | null>() };
    for (let i = 0; i < REQUESTS; i++) {
      before.cells.add(reviewCell((await get(matrixPath, exec)).html));
      before.counts.add(blockerCount((await get(listPath, lead)).html));
    }
    assert.deepEqual([...before.cells], ["Unmet"], "the plant's inventory review is not ticked yet, on every answer");
    assert.equal(before.counts.size, 1, "every answer counts the same blockers");
    const blockers = [...before.counts][0]!;
    assert.ok(blockers !== null && blockers >= 2, `the plant is held back by the review and more (${blockers})`);

    // A person without the program's read permission is refused the kept pages as before.
    assert.equal((await get("/dashboard", admin)).status, 403);
    assert.equal((await get("/plants", admin)).status, 403);

    // Committed by another connection: to the server's two workers, another process's audited change.
    await tickCriterion(db, await actorFor(db, "lead@demo.test"), {
      plantId: stuckId,
      code: "INV-REVIEW",
      ticked: true,
      note: "Inventory reviewed with the plant",
    });

    for (let i = 0; i < REQUESTS; i++) {
      assert.equal(reviewCell((await get(matrixPath, exec)).html), "Met", `dashboard answer ${i + 1} after the tick`);
      assert.equal(blockerCount((await get(listPath, lead)).html), blockers - 1, `plant list ${i + 1} after the tick`);
    }
  });
});

/** The matrix page that holds the stuck plant (plants not live are listed by phase, then code). */
async function lastMatrixPage(cookie: string): Promise<number> {
  for (let page = 1; page <= 20; page++) {
    const { html } = await get(`/dashboard?page=${page}`, cookie);
    if (reviewCell(html) !== null) return page;
  }
  throw new Error(`${STUCK_PLANT.code} is on no page of the matrix`);
}
