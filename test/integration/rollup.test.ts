import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { passGate, tickCriterion } from "../../app/models/gates.server";
import { readinessOf, loadRollup } from "../../app/http/readiness-cache.server";
import type { Rollup } from "../../app/domain/rollup";
import { ROLLUP_CSV_HEADER } from "../../app/domain/rollup-export";
import { closeDb, openDatabase, type DB } from "../../app/utils/db.server";
import { PHASES, type Phase } from "../../app/domain/vocabulary";
import { tempDir, databaseEnv } from "../support/database";
import { actorFor, signInOverHttp, TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// The program rollup against the demo program: every figure recomputed here independently from the same
// database (plain SQL and simple loops, not the rollup's code); the burn-up's past weeks unmoved by today's
// acts; the CSV, the JSON and the pages telling the same numbers; bad addresses answered with the defaults.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
let server: RunningServer;
let db: DB;
const cookies: Record<string, string> = {};
const AT = new Date();
let rollup: Rollup;

before(async () => {
  server = await startServer({ ...databaseEnv(file), DEMO_PASSWORD: TEST_PASSWORD });
  db = openDatabase(file);
  for (const email of ["lead@demo.test", "exec@demo.test", "eng.kok@demo.test", "security@demo.test"]) {
    cookies[email] = await signInOverHttp(server.url, email);
  }
  rollup = await loadRollup(db, AT);
});

after(async () => {
  await server?.stop();
  await db?.destroy();
  await closeDb();
});

const DAY_MS = 86_400_000;
const dayOf = (iso: string) => iso.slice(0, 10);
const daysFrom = (a: string, b: string) =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
function mondayOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - back * DAY_MS).toISOString().slice(0, 10);
}
function plantLocalDay(iso: string, zone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(iso)
  );
}

async function get(pathname: string, as: string): Promise<{ status: number; text: string; type: string }> {
  const response = await fetch(`${server.url}${pathname}`, { headers: { Cookie: cookies[as]! }, redirect: "manual" });
  return { status: response.status, text: await response.text(), type: response.headers.get("content-type") ?? "" };
}

const personActor = (email: string) => actorFor(db, email);

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += c;
  }
  return records;
}

/** The text of an HTML fragment as a screen reader says it: marks hidden from it dropped, tags dropped, whitespace collapsed. */
const textOf = (html: string) =>
  html
    .replace(/<span[^>]*aria-hidden="true"[^>]*>[^<]*<\/span>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();

/** The cells of each table row marked `data-<attr>="…"`, keyed by that value. */
function rowsBy(html: string, attr: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const match of html.matchAll(new RegExp(`<tr[^>]*data-${attr}="([^"]+)"[^>]*>([\\s\\S]*?)</tr>`, "g"))) {
    const cells = [...match[2]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => textOf(m[1]!));
    rows.set(match[1]!, cells);
  }
  return rows;
}

describe("the rollup against figures recomputed from the database", () => {
  it("has every plant, in the phase its gate passes give it", async () => {
    const plants = await db.selectFrom("plant").select(["id", "code"]).execute();
    const passes = await db
      .selectFrom("gate_pass")
      .select(["plant_id", "phase"])
      .where("passed_at", "<=", AT.toISOString())
      .execute();
    const expected: Record<string, number> = { complete: 0 };
    for (const phase of PHASES) expected[phase] = 0;
    for (const plant of plants) {
      const passed = new Set(passes.filter((p) => p.plant_id === plant.id).map((p) => p.phase));
      let phase: string = "complete";
      for (const candidate of PHASES) {
        if (!passed.has(candidate)) {
          phase = candidate;
          break;
        }
      }
      expected[phase]! += 1;
      assert.equal(rollup.plants.find((p) => p.code === plant.code)?.phase, phase, `${plant.code} is in ${phase}`);
    }
    assert.equal(rollup.plants.length, 13, "the demo program has 13 plants");
    assert.deepEqual(rollup.byPhase, expected);
    assert.ok(
      Object.values(expected).filter((n) => n > 0).length >= 4,
      "the demo program spreads its plants over several phases"
    );
  });

  it("counts, for every week, the plants through each gate and in the program by the week's end", async () => {
    const weeks = rollup.burnup;
    const firstCreated = await db
      .selectFrom("plant")
      .select((eb) => eb.fn.min<string>("created_at").as("first"))
      .executeTakeFirstOrThrow();
    assert.equal(weeks[0]?.week, mondayOf(dayOf(firstCreated.first)), "the burn-up starts in the first plant's week");
    assert.equal(weeks.at(-1)?.week, mondayOf(dayOf(AT.toISOString())), "the burn-up ends in this week");
    assert.ok(weeks.length >= 13, `the demo program has months of history (${weeks.length} weeks)`);
    for (let i = 1; i < weeks.length; i++) {
      assert.equal(daysFrom(weeks[i - 1]!.week, weeks[i]!.week), 7, `week ${weeks[i]!.week} follows the one before`);
    }
    const at = AT.toISOString();
    for (const week of weeks) {
      const end = new Date(Date.parse(`${week.week}T00:00:00Z`) + 7 * DAY_MS).toISOString();
      const scope = await db
        .selectFrom("plant")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("created_at", "<", end)
        .where("created_at", "<=", at)
        .executeTakeFirstOrThrow();
      assert.equal(week.scope, Number(scope.n), `scope in the week of ${week.week}`);
      for (const phase of PHASES) {
        const through = await db
          .selectFrom("gate_pass")
          .select((eb) => eb.fn.count<number>("plant_id").distinct().as("n"))
          .where("phase", "=", phase)
          .where("passed_at", "<", end)
          .where("passed_at", "<=", at)
          .executeTakeFirstOrThrow();
        assert.equal(week.through[phase], Number(through.n), `plants through ${phase} by the end of ${week.week}`);
      }
    }
    const last = weeks.at(-1)!;
    assert.ok(last.through.inventory > 0 && last.through.conduits > 0, "gates were passed over the history");
    assert.ok(weeks[0].through.inventory < last.through.inventory, "the burn-up rises over the history");
  });

  it("rates each plant's forecast against its target by the documented rule", async () => {
    const plants = await db.selectFrom("plant").selectAll().execute();
    const seen = new Set<string>();
    for (const plant of plants) {
      // One plant at a time, on purpose: an independent path through readiness.
      const [readiness] = await readinessOf(db, AT.toISOString(), [plant.code]);
      assert.ok(readiness, `readiness of ${plant.code}`);
      const got = rollup.plants.find((p) => p.code === plant.code)!;
      const today = plantLocalDay(AT.toISOString(), plant.time_zone);
      const targets: Record<Phase, string | null> = {
        inventory: plant.target_inventory,
        zoning: plant.target_zoning,
        conduits: plant.target_conduits,
        baseline: plant.target_baseline,
        alerting: plant.target_alerting,
      };
      const forecast = readiness.forecastLive;
      const stalled = readiness.conduits.some((c) => c.monitored && c.baseline.status === "stalled");
      let expected: string;
      let late: number | null = null;
      if (forecast && plant.target_alerting) late = daysFrom(plant.target_alerting, forecast);
      if (readiness.phase === "complete") expected = "green";
      else if (forecast === null) {
        const target = targets[readiness.phase];
        expected = stalled || (target !== null && today > target) ? "red" : "amber";
      } else if (plant.target_alerting === null) expected = "amber";
      else if (late! > 30) expected = "red";
      else if (late! > 0) expected = "amber";
      // A blocker open more than 30 days keeps a plant from green.
      else expected = got.oldestBlockerDays !== null && got.oldestBlockerDays > 30 ? "amber" : "green";
      assert.equal(got.rag, expected, `${plant.code}: ${got.ragReason}`);
      assert.equal(got.forecastLive, forecast, `${plant.code} forecast`);
      assert.equal(got.daysLate, late, `${plant.code} days late`);
      seen.add(expected);

      const gate = readiness.gates.find((g) => g.phase === readiness.phase);
      const open = gate ? gate.criteria.filter((c) => !c.met && !c.waived).length : 0;
      assert.equal(got.blockerCount, open, `${plant.code} blockers`);
    }
    assert.ok(seen.size >= 2, `the demo program has more than one rating (${[...seen].join(", ")})`);
    const counted = { green: 0, amber: 0, red: 0 };
    for (const p of rollup.plants) counted[p.rag] += 1;
    assert.deepEqual(rollup.byRag, counted);
  });

  it("ages each blocker from the plant's entry into its phase, flagging 14 and 30 days", async () => {
    const plants = await db.selectFrom("plant").select(["id", "code", "created_at"]).execute();
    const passes = await db.selectFrom("gate_pass").select(["plant_id", "passed_at"]).execute();
    const today = dayOf(AT.toISOString());
    let total = 0;
    for (const plant of plants) {
      let since = plant.created_at;
      for (const pass of passes) if (pass.plant_id === plant.id && pass.passed_at > since) since = pass.passed_at;
      const got = rollup.plants.find((p) => p.code === plant.code)!;
      const age = Math.max(0, daysFrom(dayOf(since), today));
      assert.equal(got.oldestBlockerDays, got.blockerCount > 0 ? age : null, `${plant.code} oldest blocker`);
      total += got.blockerCount;
      for (const b of rollup.topBlockers.filter((t) => t.plantCode === plant.code)) {
        assert.equal(b.ageDays, age, `${plant.code} ${b.code} age`);
        assert.equal(b.flag, age >= 30 ? "30+" : age >= 14 ? "14+" : null, `${plant.code} ${b.code} flag`);
      }
    }
    assert.equal(rollup.topBlockers.length, total, "every blocker is listed");
    for (let i = 1; i < rollup.topBlockers.length; i++) {
      assert.ok(rollup.topBlockers[i - 1]!.ageDays >= rollup.topBlockers[i]!.ageDays, "oldest blockers first");
    }
    assert.ok(
      rollup.topBlockers.some((b) => b.flag === "30+"),
      "the demo program has a blocker older than 30 days"
    );
  });

  it("finds each plant's next outage window and the program's upcoming windows", async () => {
    const at = AT.toISOString();
    const horizon = new Date(AT.getTime() + 30 * DAY_MS).toISOString();
    const windows = await db
      .selectFrom("outage_window as w")
      .innerJoin("plant as p", "p.id", "w.plant_id")
      .select(["w.id", "p.code", "w.kind", "w.status", "w.starts_at", "w.ends_at"])
      .execute();
    const live = windows.filter((w) => (w.status === "planned" || w.status === "confirmed") && w.ends_at > at);
    for (const plant of rollup.plants) {
      let next: (typeof windows)[number] | null = null;
      for (const w of live) {
        if (w.code !== plant.code || w.kind !== "scheduled_outage") continue;
        if (!next || w.starts_at < next.starts_at || (w.starts_at === next.starts_at && w.id < next.id)) next = w;
      }
      assert.equal(plant.nextOutage?.id ?? null, next?.id ?? null, `${plant.code} next outage`);
    }
    const upcoming = live
      .filter((w) => w.starts_at < horizon)
      .sort((a, b) => a.starts_at.localeCompare(b.starts_at) || a.code.localeCompare(b.code) || a.id - b.id)
      .slice(0, 20)
      .map((w) => w.id);
    assert.deepEqual(
      rollup.upcomingWindows.map((w) => w.id),
      upcoming
    );
    assert.ok(upcoming.length > 0, "the demo program has windows ahead");
  });

  it("counts missing and stale signoffs per plant from the signoff rows", async () => {
    const plants = await db.selectFrom("plant").selectAll().execute();
    const conduits = await db.selectFrom("conduit").selectAll().execute();
    const signoffs = await db.selectFrom("signoff").selectAll().where("revoked_at", "is", null).execute();
    const parts = ["design_change_control", "monitoring_incident_response"];
    for (const plant of plants) {
      let missing = 0;
      let plantStale = 0;
      // The split: both parts by anyone of the part's role, on the split's current revision.
      for (const part of parts) {
        const mine = signoffs.filter(
          (s) => s.subject_type === "ownership_split" && s.subject_id === plant.id && s.part === part
        );
        if (mine.some((s) => s.revision === plant.ownership_split_revision)) continue;
        if (mine.some((s) => s.revision < plant.ownership_split_revision)) plantStale += 1;
        else missing += 1;
      }
      for (const c of conduits.filter((x) => x.plant_id === plant.id)) {
        for (const part of parts) {
          const owner = part === "design_change_control" ? c.design_owner_id : c.monitoring_owner_id;
          const mine = signoffs.filter((s) => s.subject_type === "conduit" && s.subject_id === c.id && s.part === part);
          // With nobody assigned the part is missing, whatever was signed before (as the conduit page says).
          if (owner === null) {
            missing += 1;
            continue;
          }
          if (mine.some((s) => s.revision === c.revision && s.person_id === owner)) continue;
          if (mine.some((s) => s.revision < c.revision)) plantStale += 1;
          else missing += 1;
        }
      }
      const got = rollup.plants.find((p) => p.code === plant.code)!;
      assert.deepEqual(
        { missing: got.signoffs.missing, stale: got.signoffs.stale },
        { missing, stale: plantStale },
        `${plant.code} signoffs`
      );
    }
    assert.ok(
      rollup.plants.some((p) => p.signoffs.missing + p.signoffs.stale > 0),
      "the demo program has signoffs to give"
    );
  });

  it("lists each plant's active engineers", async () => {
    const rows = await db
      .selectFrom("person_plant as pp")
      .innerJoin("person as e", "e.id", "pp.person_id")
      .innerJoin("plant as p", "p.id", "pp.plant_id")
      .select(["p.code", "e.name", "e.role", "e.active"])
      .execute();
    for (const plant of rollup.plants) {
      const names = rows
        .filter((r) => r.code === plant.code && r.role === "plant_engineer" && r.active === 1)
        .map((r) => r.name)
        .sort();
      assert.deepEqual(plant.engineers, names, `${plant.code} engineers`);
    }
  });
});

describe("the CSV, the JSON and the pages", () => {
  it("tell the same numbers", async () => {
    const [json, csv, dashboard, plantsPage] = await Promise.all([
      get("/api/rollup", "exec@demo.test"),
      get("/dashboard.csv", "exec@demo.test"),
      get("/dashboard", "exec@demo.test"),
      get("/plants", "exec@demo.test"),
    ]);
    for (const [name, reply] of Object.entries({ json, csv, dashboard, plantsPage })) {
      assert.equal(reply.status, 200, `${name} answers 200`);
    }
    assert.match(csv.type, /^text\/csv/);
    const doc = JSON.parse(json.text) as ReturnType<typeof import("../../app/domain/rollup-export").rollupDocument>;
    const records = parseCsv(csv.text);
    assert.deepEqual(records[0], [...ROLLUP_CSV_HEADER], "the CSV's header");
    assert.equal(records.length - 1, doc.plants.length, "one CSV row per plant");
    const col = (name: (typeof ROLLUP_CSV_HEADER)[number]) => ROLLUP_CSV_HEADER.indexOf(name);
    const dashRows = rowsBy(dashboard.text, "plant");
    const plantRows = rowsBy(plantsPage.text, "plant");
    for (const plant of doc.plants) {
      const row = records.find((r) => r[col("code")] === plant.code);
      assert.ok(row, `${plant.code} has a CSV row`);
      assert.equal(row[col("phase")], plant.phase, `${plant.code} phase in CSV`);
      assert.equal(row[col("rag")], plant.rag, `${plant.code} rating in CSV`);
      assert.equal(row[col("blockers")], String(plant.blockerCount), `${plant.code} blockers in CSV`);
      assert.equal(
        row[col("oldest_blocker_days")],
        plant.oldestBlockerDays === null ? "" : String(plant.oldestBlockerDays)
      );
      assert.equal(row[col("forecast_live")], plant.forecastLive ?? "", `${plant.code} forecast in CSV`);
      assert.equal(row[col("target_alerting")], plant.targetAlerting ?? "", `${plant.code} target in CSV`);
      assert.equal(row[col("next_outage_start_utc")], plant.nextOutage?.startsAt ?? "", `${plant.code} outage in CSV`);
      assert.equal(row[col("signoffs_missing")], String(plant.signoffs.missing));
      assert.equal(row[col("signoffs_stale")], String(plant.signoffs.stale));
      assert.equal(row[col("name")], plant.name);
      assert.equal(row[col("site")], plant.site);

      // The dashboard's rating table: plant, phase, forecast, target, days late, rating, why.
      const dash = dashRows.get(plant.code);
      assert.ok(dash, `${plant.code} is on the dashboard`);
      assert.equal(dash[5]!.toLowerCase(), plant.rag, `${plant.code} rating on the dashboard`);
      assert.equal(
        dash[4],
        plant.daysLate === null
          ? "—"
          : plant.daysLate === 0
          ? "on target"
          : `${Math.abs(plant.daysLate)} ${Math.abs(plant.daysLate) === 1 ? "day" : "days"} ${
              plant.daysLate > 0 ? "late" : "ahead"
            }`,
        `${plant.code} against target, in words`
      );
      assert.doesNotMatch(dash[4], /[−-]\d/, "never a negative number of days");
      // The plants page: plant, region, phase, gate, blockers, held back by, blocked for, who must act, outage,
      // forecast, target, rating, engineers.
      const listed = plantRows.get(plant.code);
      assert.ok(listed, `${plant.code} is on the plants page`);
      assert.equal(listed[4], String(plant.blockerCount), `${plant.code} blockers on the plants page`);
      if (plant.oldestBlocker) {
        assert.ok(listed[5]!.startsWith(plant.oldestBlocker.title), `${plant.code} held back by ${listed[5]}`);
        if (plant.oldestBlocker.object) assert.ok(listed[5]!.includes(plant.oldestBlocker.object));
        assert.match(listed[6]!, new RegExp(`^${plant.oldestBlocker.ageDays} days?|^since today`));
        assert.equal(row[col("oldest_blocker")], plant.oldestBlocker.code, `${plant.code} oldest blocker in CSV`);
      } else {
        assert.equal(listed[6], "—");
      }
      for (const act of plant.mustAct) {
        for (const name of act.names) assert.ok(listed[7]!.includes(name), `${plant.code}: ${name} must act`);
        assert.ok(row[col("must_act")]!.includes(act.does), `${plant.code} who must act in CSV`);
      }
      assert.doesNotMatch(listed[9]!, /[−-]\d/, "never a negative number of days on the plants page");
      assert.ok(listed[11]!.toLowerCase().startsWith(plant.rag), `${plant.code} rating on the plants page`);
      assert.equal(listed[12], plant.engineers.length ? plant.engineers.join(", ") : "—");
    }
    for (const [phase, cells] of rowsBy(dashboard.text, "phase")) {
      assert.equal(cells[1], String(doc.byPhase[phase as keyof typeof doc.byPhase]), `plants in ${phase} on the page`);
    }
    for (const [rag, cells] of rowsBy(dashboard.text, "rag")) {
      assert.equal(cells[1], String(doc.byRag[rag as keyof typeof doc.byRag]), `${rag} plants on the page`);
    }
    const weeks = rowsBy(dashboard.text, "week");
    assert.equal(weeks.size, doc.burnup.length, "every week of the burn-up is in the table");
    for (const week of doc.burnup) {
      const cells = weeks.get(week.week)!;
      assert.deepEqual(
        cells.slice(2).map(Number),
        [week.scope, ...PHASES.map((p) => week.through[p])],
        `the burn-up table's week ${week.label}`
      );
    }
    assert.match(dashboard.text, /Computed <time dateTime="[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d(<!-- -->)? UTC<\/time>/);
  });

  it("shows an executive no control that changes anything", async () => {
    for (const page of ["/dashboard", "/plants", "/me"]) {
      const { status, text } = await get(page, "exec@demo.test");
      assert.equal(status, 200, `${page} answers an executive`);
      const posts = [...text.matchAll(/<form[^>]*method="post"[^>]*>/gi)].map((m) => m[0]);
      assert.ok(
        posts.every((form) => form.includes('action="/logout"')),
        `${page} has no form that posts but sign-out: ${posts.join(" ")}`
      );
    }
  });
});

describe("bad addresses", () => {
  it("ignore unknown filters and sort keys and show the defaults", async () => {
    const { status, text } = await get(
      "/plants?phase=bogus&region=Atlantis&rag=purple&blocked=maybe&sort=nope&dir=sideways",
      "lead@demo.test"
    );
    assert.equal(status, 200, "never a 500");
    assert.match(text, /parameters were ignored/);
    for (const name of ["phase", "region", "rag", "blocked"]) assert.match(text, new RegExp(`${name} “`));
    assert.match(text, /sort “nope” is not a column here/);
    const codes = [...rowsBy(text, "plant").keys()];
    assert.deepEqual(codes, [...codes].sort(), "sorted by code, the default");
    assert.equal(codes.length, 13, "no filter applied");
    const dashboard = await get("/dashboard?sort=%00&phase=%E2%80%A6", "lead@demo.test");
    assert.equal(dashboard.status, 200);
  });

  it("filter and sort by the address when the values are known", async () => {
    const { text } = await get("/plants?blocked=yes&sort=oldest&dir=desc", "lead@demo.test");
    const listed = [...rowsBy(text, "plant").values()];
    const expected = rollup.plants.filter((p) => p.blockerCount > 0);
    assert.equal(listed.length, expected.length, "only blocked plants");
    const ages = listed.map((cells) => Number(cells[5]));
    assert.deepEqual(
      ages,
      [...ages].sort((a, b) => b - a),
      "oldest blocker first"
    );
    const zoning = rowsBy((await get("/plants?phase=zoning&rag=red", "lead@demo.test")).text, "plant");
    const want = rollup.plants.filter((p) => p.phase === "zoning" && p.rag === "red").map((p) => p.code);
    assert.deepEqual([...zoning.keys()].sort(), want.sort());
  });
});

describe("the queue", () => {
  it("shows a plant engineer only the work of their own plants", async () => {
    const { status, text } = await get("/me", "eng.kok@demo.test");
    assert.equal(status, 200);
    const plants = [...text.matchAll(/data-plant="([A-Z]+)"/g)].map((m) => m[1]);
    const assigned = await db
      .selectFrom("person_plant as pp")
      .innerJoin("person as e", "e.id", "pp.person_id")
      .innerJoin("plant as p", "p.id", "pp.plant_id")
      .select("p.code")
      .where("e.email", "=", "eng.kok@demo.test")
      .execute();
    assert.deepEqual(
      assigned.map((a) => a.code),
      ["KOK"],
      "eng.kok is assigned KOK only"
    );
    assert.ok(plants.length > 0, "something waits at KOK");
    assert.ok(
      plants.every((code) => code === "KOK"),
      `only KOK's work: ${plants.join(", ")}`
    );
    assert.match(text, /href="\/plants\/KOK\/changes\/\d+"/, "changes link to the change's page");
    const lead = await get("/me", "lead@demo.test");
    const leadPlants = new Set([...lead.text.matchAll(/data-plant="([A-Z]+)"/g)].map((m) => m[1]));
    assert.ok(leadPlants.size > 1, "the program lead's queue spans plants");
  });

  it("asks corporate security for its own parts, stale ones first", async () => {
    const { text } = await get("/me", "security@demo.test");
    assert.match(text, /Signoffs to give/);
    assert.doesNotMatch(text, /Design &amp; change control/, "no design part for corporate security");
  });
});

describe("the burn-up's history", () => {
  it("keeps past weeks when a gate is passed and a criterion ticked today", async () => {
    const before = await loadRollup(db, AT);
    const lead = await personActor("lead@demo.test");
    const plant = async (code: string) =>
      (await db.selectFrom("plant").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;
    const dayPlant = rollup.plants.find((p) => p.code === "DAY")!;
    assert.equal(dayPlant.gateStatus, "ready", "DAY's alerting gate is ready to pass in the demo");
    const soon = new Date(AT.getTime() + 60_000);
    await passGate(
      db,
      lead,
      { plantId: await plant("DAY"), phase: dayPlant.phase as Phase, note: "Alerts live" },
      soon
    );
    const engGvl = await db
      .selectFrom("person_plant as pp")
      .innerJoin("person as e", "e.id", "pp.person_id")
      .innerJoin("plant as p", "p.id", "pp.plant_id")
      .select("e.email")
      .where("p.code", "=", "GVL")
      .where("e.role", "=", "plant_engineer")
      .executeTakeFirstOrThrow();
    await tickCriterion(
      db,
      await personActor(engGvl.email),
      { plantId: await plant("GVL"), code: "ZON-REVIEW", ticked: true, note: "Zone design reviewed" },
      soon
    );
    const later = new Date(AT.getTime() + 120_000);
    const after = await loadRollup(db, later);
    const weeks = before.burnup.length;
    if (after.burnup.length === weeks) {
      assert.deepEqual(after.burnup.slice(0, -1), before.burnup.slice(0, -1), "past weeks unchanged");
      const [b, a] = [before.burnup.at(-1)!, after.burnup.at(-1)!];
      assert.equal(a.through.alerting, b.through.alerting + 1, "this week counts the gate passed today");
    } else {
      // The minutes crossed a Sunday midnight: every week before stays as it was.
      assert.deepEqual(after.burnup.slice(0, weeks), before.burnup, "past weeks unchanged");
    }
    assert.equal(after.plants.find((p) => p.code === "DAY")!.phase, "complete", "DAY is live");

    // A week on, the week of the pass is history too, and stays as it was recorded.
    const nextWeek = await loadRollup(db, new Date(later.getTime() + 7 * DAY_MS));
    assert.deepEqual(nextWeek.burnup.slice(0, after.burnup.length), after.burnup, "the weeks up to today unchanged");
    assert.equal(nextWeek.burnup.length, after.burnup.length + 1, "one more week");
  });
});

describe("scale", () => {
  it("answers for a subset of plants (a token's scope) with only those plants", async () => {
    const day = await db.selectFrom("plant").select("id").where("code", "=", "DAY").executeTakeFirstOrThrow();
    const scoped = await loadRollup(db, AT, [day.id]);
    assert.deepEqual(
      scoped.plants.map((p) => p.code),
      ["DAY"]
    );
    assert.equal(scoped.burnup.at(-1)?.scope, 1, "scope counts the plants in view");
    const none = await loadRollup(db, AT, []);
    assert.equal(none.plants.length, 0, "no plant in view, no plant shown");
  });
});
