import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { seedDemoProgram } from "../../db/seed/demo-program";
import { hashPassword } from "../../app/utils/password.server";
import { createTestDatabase, type TestDatabase, useAsProcessDatabase } from "../support/database";
import { TEST_PASSWORD } from "../support/people";

// The route loaders, called as Remix calls them, over a seeded real SQLite file.

let test: TestDatabase;
let overview: typeof import("../../app/routes/_index").loader;
let plantPage: typeof import("../../app/routes/plants.$code/route").loader;
let assetsPage: typeof import("../../app/routes/plants.$code_.assets/route").loader;
const cookies: Record<string, string> = {};

before(async () => {
  test = await createTestDatabase();
  await seedDemoProgram(test.db, {
    now: new Date("2026-11-25T15:00:00.000Z"),
    passwordHash: await hashPassword(TEST_PASSWORD),
  });
  useAsProcessDatabase(test.file);
  overview = (await import("../../app/routes/_index")).loader;
  plantPage = (await import("../../app/routes/plants.$code/route")).loader;
  assetsPage = (await import("../../app/routes/plants.$code_.assets/route")).loader;
  const { signIn } = await import("../../app/http/auth.server");
  for (const email of ["lead@demo.test", "eng.day@demo.test", "admin@demo.test"]) {
    const result = await signIn(new Request("http://localhost/login"), {
      email,
      password: TEST_PASSWORD,
      ip: "127.0.0.1",
    });
    assert.ok(result.ok);
    cookies[email] = result.setCookie.split(";")[0]!;
  }
});

after(async () => {
  const { closeDb } = await import("../../app/utils/db.server");
  await closeDb();
  await test.cleanup();
});

const call = <T>(
  loader: (args: never) => Promise<T>,
  url: string,
  params: Record<string, string> = {},
  as = "lead@demo.test"
) =>
  loader({
    request: new Request(`http://localhost${url}`, { headers: { Cookie: cookies[as] ?? "" } }),
    params,
    context: { cspNonce: "", clientIp: "127.0.0.1" },
  } as never);

async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    const init = (thrown as { init?: { status?: number } }).init;
    if (init?.status) return init.status;
    throw thrown;
  }
  return 200;
}

async function plantCounts() {
  const rows = await test.db
    .selectFrom("plant as p")
    .select((eb) => [
      "p.code",
      eb
        .selectFrom("asset")
        .whereRef("asset.plant_id", "=", "p.id")
        .select(eb.fn.countAll<number>().as("n"))
        .as("assets"),
      eb.selectFrom("zone").whereRef("zone.plant_id", "=", "p.id").select(eb.fn.countAll<number>().as("n")).as("zones"),
      eb
        .selectFrom("conduit")
        .whereRef("conduit.plant_id", "=", "p.id")
        .select(eb.fn.countAll<number>().as("n"))
        .as("conduits"),
    ])
    .execute();
  return new Map(
    rows.map((r) => [r.code, { assets: Number(r.assets), zones: Number(r.zones), conduits: Number(r.conduits) }])
  );
}

describe("the landing page", () => {
  it("sends each role to the page that holds its work", async () => {
    const landing = async (as: string) => {
      try {
        await call(overview, "/", {}, as);
      } catch (thrown) {
        if (thrown instanceof Response && thrown.status === 302) return thrown.headers.get("Location");
        throw thrown;
      }
      return null;
    };
    assert.equal(await landing("lead@demo.test"), "/plants");
    assert.equal(await landing("eng.day@demo.test"), "/me");
    assert.equal(await landing("admin@demo.test"), "/admin");
  });
});

describe("who may load the pages", () => {
  it("sends a request without a session to sign in, and an admin to the accounts page", async () => {
    const anonymous = overview({
      request: new Request("http://localhost/"),
      params: {},
      context: { cspNonce: "", clientIp: "127.0.0.1" },
    });
    await assert.rejects(
      anonymous,
      (thrown: unknown) =>
        thrown instanceof Response && thrown.status === 302 && thrown.headers.get("Location") === "/login"
    );
    const toPlant = plantPage({
      request: new Request("http://localhost/plants/DAY?kind=plc"),
      params: { code: "DAY" },
      context: { cspNonce: "", clientIp: "127.0.0.1" },
    });
    await assert.rejects(
      toPlant,
      (thrown: unknown) =>
        thrown instanceof Response &&
        thrown.headers.get("Location") === "/login?redirectTo=%2Fplants%2FDAY%3Fkind%3Dplc"
    );
    assert.equal(await statusOf(call(overview, "/", {}, "admin@demo.test")), 302);
    assert.equal(await statusOf(call(plantPage, "/plants/DAY", { code: "DAY" }, "admin@demo.test")), 403);
  });

  it("shows a plant engineer their own plant in full and another as a summary", async () => {
    const own = await call(plantPage, "/plants/DAY", { code: "DAY" }, "eng.day@demo.test");
    assert.equal(own.full, true);
    assert.ok(own.parts.assets.breakdown.length > 0, "the breakdown of assets by kind and zone is shown");
    assert.ok((await call(assetsPage, "/plants/DAY/assets", { code: "DAY" }, "eng.day@demo.test")).assets.length > 0);
    const other = await call(plantPage, "/plants/PEO", { code: "PEO" }, "eng.day@demo.test");
    assert.equal(other.full, false);
    assert.deepEqual(other.parts.assets.breakdown, [], "no breakdown of another plant's assets");
    assert.equal(other.violations, null);
    assert.equal(other.hostCounts, null);
    assert.ok(other.assetCount > 0);
    // The inventory of a plant seen as a summary is not shown on its own page either.
    assert.equal(await statusOf(call(assetsPage, "/plants/PEO/assets", { code: "PEO" }, "eng.day@demo.test")), 403);
  });
});

describe("plant page and asset inventory loaders", () => {
  it("answers 404 for a plant code nobody has, and for malformed ones", async () => {
    assert.equal(await statusOf(call(plantPage, "/plants/NOPE", { code: "NOPE" })), 404);
    assert.equal(await statusOf(call(plantPage, "/plants/x", { code: "../../etc/passwd" })), 404);
  });

  it("shows zones, conduits and a breakdown that add up to the plant's assets", async () => {
    const plant = await test.db.selectFrom("plant").select(["id", "code"]).orderBy("code").executeTakeFirstOrThrow();
    const result = await call(plantPage, `/plants/${plant.code.toLowerCase()}`, { code: plant.code.toLowerCase() });
    const expected = (await plantCounts()).get(plant.code)!;
    assert.equal(result.plant.code, plant.code);
    assert.equal(result.zones.length, expected.zones);
    assert.equal(result.conduitCount, expected.conduits);
    assert.equal(result.assetCount, expected.assets);
    assert.ok(
      result.zones.reduce((sum, zone) => sum + zone.assetCount, 0) <= expected.assets,
      "the zones hold the plant's placed assets"
    );
    const inventory = await call(assetsPage, `/plants/${plant.code}/assets`, { code: plant.code });
    assert.equal(inventory.total, expected.assets);
    assert.equal(inventory.assets.length, Math.min(50, expected.assets));
  });

  it("filters assets by kind, zone and search, and pages within the matches", async () => {
    const plant = await test.db
      .selectFrom("plant")
      .select(["id", "code"])
      .orderBy("code", "desc")
      .executeTakeFirstOrThrow();
    const plcCount = Number(
      (
        await test.db
          .selectFrom("asset")
          .where("plant_id", "=", plant.id)
          .where("kind", "=", "plc")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n
    );
    const plcs = await call(assetsPage, `/plants/${plant.code}/assets?kind=plc&sort=install_year`, {
      code: plant.code,
    });
    assert.equal(plcs.total, plcCount);
    assert.ok(plcs.assets.every((a) => a.kind === "plc"));
    const years = plcs.assets.map((a) => a.install_year ?? Infinity);
    assert.deepEqual(
      years,
      [...years].sort((a, b) => a - b)
    );

    const sample = await test.db
      .selectFrom("asset")
      .where("plant_id", "=", plant.id)
      .where("ip", "is not", null)
      .select(["ip", "name"])
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const found = await call(assetsPage, `/plants/${plant.code}/assets?q=${encodeURIComponent(sample.name)}`, {
      code: plant.code,
    });
    assert.ok(found.assets.some((a) => a.name === sample.name));

    const zone = await test.db
      .selectFrom("zone")
      .where("plant_id", "=", plant.id)
      .select(["id"])
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const inZone = await call(assetsPage, `/plants/${plant.code}/assets?zone=${zone.id}`, { code: plant.code });
    const zones = (await call(plantPage, `/plants/${plant.code}`, { code: plant.code })).zones;
    assert.equal(inZone.total, zones.find((z) => z.id === zone.id)!.assetCount);
  });

  it("clamps or ignores bad paging and filter parameters with a notice", async () => {
    const plant = await test.db.selectFrom("plant").select(["code"]).orderBy("code").executeTakeFirstOrThrow();
    const far = await call(assetsPage, `/plants/${plant.code}/assets?page=99999`, { code: plant.code });
    assert.equal(far.window.page, far.window.pageCount);
    assert.equal(far.ignored.length, 1);
    const junk = await call(
      assetsPage,
      `/plants/${plant.code}/assets?page=-2&kind=toaster&zone=abc&criticality=extreme&sort=nope`,
      { code: plant.code }
    );
    assert.equal(junk.window.page, 1);
    assert.equal(junk.total, far.total);
    assert.equal(junk.ignored.length, 5);
    const foreignZone = await test.db
      .selectFrom("zone")
      .innerJoin("plant", "plant.id", "zone.plant_id")
      .where("plant.code", "!=", plant.code)
      .select("zone.id")
      .executeTakeFirstOrThrow();
    const other = await call(assetsPage, `/plants/${plant.code}/assets?zone=${foreignZone.id}`, { code: plant.code });
    assert.equal(other.total, far.total);
    assert.match(other.ignored.join(" "), /not a zone of this plant/);
  });
});
