import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { ProgramFile } from "../../app/domain/program-file";
import { ZONE_KINDS } from "../../app/domain/vocabulary";
import { exportProgram } from "../../app/models/program-export.server";
import { importProgram } from "../../app/models/program-import.server";
import { systemActor } from "../../app/utils/actor";
import { openDatabase } from "../../app/utils/db.server";
import { hashPassword } from "../../app/utils/password.server";
import { migrateToLatest } from "../../db/migrate";
import { seedDemoProgram } from "../../db/seed/demo-program";
import { launchBrowser, settled, signInInBrowser } from "../support/browser";
import { tempDir, databaseEnv } from "../support/database";
import { geometryFaults, type Geometry } from "../support/diagram-geometry";
import { signInOverHttp, TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// The zone and conduit diagrams as a browser draws them: for every demo plant and for a plant of 20 zones and 40
// conduits (imported through the program importer beside the demo program), the boxes, labels and connector
// segments measured in headless Chromium never overlap where they must not, and every line of text drawn fits
// the box reserved for it. Then the downloads, who may have them, the program's page of diagrams and its paging,
// and the page without JavaScript.

const dir = tempDir();
const file = path.join(dir, "tracker.db");
const BIG = "GEN-20X40";
let server: RunningServer;
let browser: Browser;
let codes: string[];

/** A plant of 20 zones in every band and 40 conduits among them, some between far bands, some with long names. */
function bigPlant(template: ProgramFile["plants"][number]): ProgramFile["plants"][number] {
  const levels = [null, 0, 1, 2, 3, 3.5, 4, 5];
  const createdAt = template.createdAt;
  const zones = Array.from({ length: 20 }, (_, i) => ({
    name: i % 6 === 0 ? `Zone ${i + 1}: packaging line cell with a long descriptive name` : `Zone ${i + 1}`,
    kind: ZONE_KINDS[i % ZONE_KINDS.length]!,
    purdueLevel: i % 4 === 0 ? levels[i % levels.length]! : null,
    slTarget: i % 5 === 0 ? null : (i % 4) + 1,
    safety: false,
    description: null,
    createdAt,
    ranges: [`10.99.${i}.0/24`],
  }));
  const conduits = Array.from({ length: 40 }, (_, i) => {
    const a = (i * 7) % 20;
    const b = (a + 1 + ((i * 11) % 19)) % 20;
    return {
      name: i % 4 === 0 ? `Conduit ${i + 1} carrying historian replication across the plant` : `Conduit ${i + 1}`,
      zoneA: zones[a]!.name,
      zoneB: zones[b]!.name,
      purpose: "Generated for the diagram test",
      controlType: "firewall" as const,
      monitored: i % 2 === 0,
      monitoringPoint: i % 2 === 0 ? `SPAN ${i + 1}` : null,
      revision: 1,
      compensatingNote: null,
      designOwner: null,
      monitoringOwner: null,
      createdAt,
      updatedAt: createdAt,
      flows: [
        { protocol: "tcp" as const, port: 443, portEnd: null, direction: "a_to_b" as const, description: "HTTPS" },
      ],
      observations: [],
      alertWirings: [],
      detectionRules: [],
    };
  });
  return {
    ...template,
    code: BIG,
    name: "Generated twenty zones",
    ownershipSplit: { text: null, revision: 0 },
    zones,
    conduits,
    assets: [],
    outageWindows: [],
    networkChanges: [],
    checklistTicks: [],
    waivers: [],
    gatePasses: [],
    signoffs: [],
  };
}

before(async () => {
  const db = openDatabase(file);
  await migrateToLatest(db);
  await seedDemoProgram(db, { passwordHash: await hashPassword(TEST_PASSWORD) });
  const program = await exportProgram(db, { exportedAt: new Date() });
  const withBig = { ...program, plants: [...program.plants, bigPlant(program.plants[0]!)] };
  await importProgram(db, withBig, { replace: true, actor: systemActor("program:import") });
  // A program file carries no passwords: the accounts this test signs in with are given one again.
  const hash = await hashPassword(TEST_PASSWORD);
  await db
    .updateTable("person")
    .set({ password_hash: hash })
    .where("email", "in", ["lead@demo.test", "eng.day@demo.test", "admin@demo.test"])
    .execute();
  codes = (await db.selectFrom("plant").select("code").orderBy("code").execute()).map((p) => p.code);
  await db.destroy();
  [server, browser] = await Promise.all([startServer({ ...databaseEnv(file) }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function signedIn(email: string, javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, javaScriptEnabled });
  const page = await context.newPage();
  await signInInBrowser(page, server.url, email, TEST_PASSWORD);
  return page;
}

/** What the browser drew of the first diagram on the page: its boxes, labels and connectors, and text that sticks out. */
async function drawn(page: Page): Promise<Geometry & { textFaults: string[]; links: number }> {
  // The test's code is compiled keeping function names, with a helper the page does not have.
  await page.evaluate("globalThis.__name ??= (fn) => fn");
  return page.evaluate(() => {
    const svg = document.querySelector("svg.plant-diagram")!;
    const box = (element: SVGGraphicsElement) => {
      const { x, y, width, height } = element.getBBox();
      return { x, y, width, height };
    };
    const textFaults: string[] = [];
    const within = (text: SVGTextElement, frame: { x: number; y: number; width: number; height: number }) => {
      const t = box(text);
      const fits =
        t.x >= frame.x - 0.5 &&
        t.y >= frame.y - 0.5 &&
        t.x + t.width <= frame.x + frame.width + 0.5 &&
        t.y + t.height <= frame.y + frame.height + 0.5;
      if (!fits) textFaults.push(`“${text.textContent}” (${JSON.stringify(t)}) sticks out of ${JSON.stringify(frame)}`);
    };
    const zones = [...svg.querySelectorAll<SVGGElement>("g.diagram-zone")].map((g) => {
      const frame = box(g.querySelector<SVGRectElement>("rect.zone-box")!);
      within(g.querySelector("text")!, frame);
      return { ...frame, id: Number(g.dataset.zone), name: g.querySelector("title")!.textContent };
    });
    const labels = [...svg.querySelectorAll<SVGGElement>("g.conduit-label")].map((g) => {
      const frame = box(g.querySelector("rect")!);
      within(g.querySelector("text")!, frame);
      return { ...frame, name: g.querySelector("title")!.textContent };
    });
    const titles = [...svg.querySelectorAll<SVGTextElement>("g.diagram-band text")].map((text) => ({
      ...box(text),
      name: `band title ${text.textContent}`,
    }));
    const connectors = [...svg.querySelectorAll<SVGPolylineElement>("polyline.conduit-line")].map((line) => ({
      name: `conduit ${line.dataset.conduit}`,
      from: Number(line.dataset.from),
      to: Number(line.dataset.to),
      points: [...line.points].map((p) => ({ x: p.x, y: p.y })),
    }));
    return { zones, labels: [...labels, ...titles], connectors, textFaults, links: svg.querySelectorAll("a").length };
  });
}

describe("the zone and conduit diagrams, drawn in Chromium", () => {
  it("draw every demo plant and a plant of 20 zones and 40 conduits without overlaps", async (t) => {
    const page = await signedIn("lead@demo.test");
    assert.ok(codes.includes(BIG) && codes.length >= 14, "the demo plants and the generated one");
    const sizes: string[] = [];
    for (const code of codes) {
      await page.goto(`${server.url}/plants/${code}/diagram`);
      await settled(page);
      const geometry = await drawn(page);
      const zoneCount = await page.evaluate(() => document.querySelectorAll("svg.plant-diagram g.diagram-zone").length);
      if (code === BIG) {
        assert.equal(zoneCount, 20, "all 20 zones are drawn");
        assert.equal(geometry.connectors.length, 40, "all 40 conduits are drawn");
      }
      assert.ok(
        geometry.connectors.every((c) => c.points.length >= 4),
        `${code}: every connector is routed`
      );
      assert.deepEqual(geometryFaults(geometry), [], `${code}: nothing overlaps`);
      assert.deepEqual(geometry.textFaults, [], `${code}: every line of text fits its box`);
      assert.equal(geometry.links, zoneCount + geometry.connectors.length, `${code}: every zone and conduit leads on`);
      const size = await page.evaluate(() => {
        const svg = document.querySelector("svg.plant-diagram")!;
        return `${svg.getAttribute("width")}×${svg.getAttribute("height")}`;
      });
      sizes.push(`${code} ${size} (${zoneCount} zones, ${geometry.connectors.length} conduits)`);
    }
    t.diagnostic(`diagrams drawn: ${sizes.join("; ")}`);
  });

  it("names every zone and conduit for assistive technology, and links them to their pages", async () => {
    const page = await signedIn("lead@demo.test");
    await page.goto(`${server.url}/plants/DAY/diagram`);
    const svg = page.locator("svg.plant-diagram");
    assert.equal(await svg.getAttribute("role"), "graphics-document", "a drawing of links is a graphics document");
    assert.match((await svg.locator("> title").textContent()) ?? "", /Zones and conduits of DAY/);
    const unnamed = await page.evaluate(
      () =>
        [...document.querySelectorAll("svg.plant-diagram g.diagram-zone, svg.plant-diagram g.diagram-conduit")].filter(
          (g) => !g.querySelector(":scope > title")?.textContent || !g.querySelector(":scope > desc")?.textContent
        ).length
    );
    assert.equal(unnamed, 0, "every zone and conduit has a title and a description");
    const hrefs = await page.evaluate(() =>
      [...document.querySelectorAll("svg.plant-diagram a")].map((a) => a.getAttribute("href"))
    );
    assert.ok(
      hrefs.some((href) => /^\/plants\/DAY\/assets\?zone=\d+#assets$/.test(href ?? "")),
      "zones lead to assets"
    );
    assert.ok(
      hrefs.some((href) => /^\/plants\/DAY\/conduits\/\d+$/.test(href ?? "")),
      "conduits lead to their pages"
    );
  });

  it("shows a plant engineer another plant's diagram without links, as the plant page shows its zones", async () => {
    const page = await signedIn("eng.day@demo.test");
    await page.goto(`${server.url}/plants/KOK/diagram`);
    assert.ok((await page.locator("svg.plant-diagram g.diagram-zone").count()) > 0);
    assert.equal(await page.locator("svg.plant-diagram a").count(), 0, "no links into a plant read as a summary");
    assert.equal(
      await page.locator("svg.plant-diagram").getAttribute("role"),
      "img",
      "a drawing of no links is an image"
    );
    await page.goto(`${server.url}/plants/DAY/diagram`);
    assert.ok((await page.locator("svg.plant-diagram a").count()) > 0, "links into the engineer's own plant");
  });

  it("marks a conduit's design review errors on the diagram, and lists the findings on the plant page and gate review", async () => {
    const page = await signedIn("lead@demo.test");
    await page.goto(`${server.url}/plants/FTW/diagram`);
    const marked = page.locator("svg.plant-diagram g.diagram-conduit", { hasText: "Supervisory ↔ Corporate" });
    assert.match((await marked.textContent()) ?? "", /✕ \d+ design errors?/, "the conduit's label carries its errors");
    await page.goto(`${server.url}/plants/FTW`);
    const review = page.locator("#zones details.design-review");
    assert.match((await review.locator("summary").textContent()) ?? "", /2 errors and \d+ warnings?/);
    await review.locator("summary").click();
    const items = await review.locator("li").allTextContents();
    assert.ok(
      items.some((item) => /Error DES-BOUNDARY-UNMONITORED .*Supervisory ↔ Corporate/.test(item)),
      items.join("\n")
    );
    assert.ok(
      items.some((item) => /Error DES-PURDUE-SKIP/.test(item)),
      items.join("\n")
    );
    await page.goto(`${server.url}/plants/FTW/review?gate=conduits`);
    assert.match((await page.locator("#diagram").textContent()) ?? "", /DES-PURDUE-SKIP/, "the gate review names it");
    await page.goto(`${server.url}/plants/PEO`);
    assert.match(
      (await page.locator("#zones").textContent()) ?? "",
      /The design review finds nothing in these zones and conduits\./
    );
  });

  it("renders the diagram without JavaScript, on its page and in the plant page's zones section", async () => {
    const page = await signedIn("lead@demo.test", false);
    await page.goto(`${server.url}/plants/DAY/diagram`);
    assert.ok((await page.locator("svg.plant-diagram g.diagram-zone").count()) > 0);
    assert.equal(await page.locator("svg.plant-diagram .diagram-legend").count(), 1, "with its legend");
    await page.goto(`${server.url}/plants/DAY`);
    assert.ok((await page.locator("#zones svg.plant-diagram g.diagram-zone").count()) > 0);
    await page.goto(`${server.url}/plants/DAY/review`);
    assert.ok((await page.locator("#diagram svg.plant-diagram g.diagram-zone").count()) > 0, "and in the gate review");
  });

  it("answers the SVG and PNG downloads to readers of the program, 403 to others and 404 for no plant", async (t) => {
    const lead = await signInOverHttp(server.url, "lead@demo.test");
    const admin = await signInOverHttp(server.url, "admin@demo.test");
    const engineer = await signInOverHttp(server.url, "eng.day@demo.test");
    const get = (pathname: string, cookie: string) =>
      fetch(`${server.url}${pathname}`, { headers: { Cookie: cookie }, redirect: "manual" });

    const svg = await get(`/plants/${BIG}/diagram.svg`, lead);
    assert.equal(svg.status, 200);
    assert.equal(svg.headers.get("content-type"), "image/svg+xml; charset=utf-8");
    assert.match(
      svg.headers.get("content-disposition") ?? "",
      /^attachment; filename="gen-20x40-zones-and-conduits-\d{8}-\d{4}Z\.svg"$/
    );
    const text = await svg.text();
    assert.match(
      text,
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" role="img"/
    );
    assert.equal((text.match(/class="diagram-zone"/g) ?? []).length, 20);

    const started = Date.now();
    const png = await get(`/plants/${BIG}/diagram.png`, lead);
    const pngTook = Date.now() - started;
    assert.equal(png.status, 200);
    assert.equal(png.headers.get("content-type"), "image/png");
    assert.match(
      png.headers.get("content-disposition") ?? "",
      /^attachment; filename="gen-20x40-zones-and-conduits-.*\.png"$/
    );
    const bytes = Buffer.from(await png.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG magic bytes");
    assert.ok(bytes.length > 50_000, `a PNG of some size (${bytes.length} bytes)`);
    t.diagnostic(`SVG ${text.length} bytes; PNG ${bytes.length} bytes, ${pngTook} ms the first time`);

    assert.equal((await get("/plants/KOK/diagram.png", engineer)).status, 200, "a summary reader gets the file too");
    for (const suffix of ["svg", "png"]) {
      assert.equal((await get(`/plants/DAY/diagram.${suffix}`, admin)).status, 403, `admin ${suffix}`);
      assert.equal((await get(`/plants/NOPE/diagram.${suffix}`, lead)).status, 404, `unknown plant ${suffix}`);
      const anonymous = await fetch(`${server.url}/plants/DAY/diagram.${suffix}`, { redirect: "manual" });
      assert.equal(anonymous.status, 302, "nobody signed in is sent to sign in");
    }
    assert.equal((await get("/plants/DAY/diagram", admin)).status, 403);
    assert.equal((await get("/plants/NOPE/diagram", lead)).status, 404);
  });

  it("pages the program's diagrams 12 at a time, each plant leading to its diagram", async () => {
    const page = await signedIn("lead@demo.test");
    await page.goto(`${server.url}/plants/diagrams`);
    const first = await page
      .locator(".diagram-grid h2 a")
      .evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    assert.equal(first.length, 12);
    assert.deepEqual(
      first,
      codes.slice(0, 12).map((code) => `/plants/${code}/diagram`)
    );
    assert.equal(await page.locator(".diagram-grid svg.plant-diagram a").count(), 0, "the small diagrams lead nowhere");
    await page.goto(`${server.url}/plants/diagrams?page=2`);
    const second = await page
      .locator(".diagram-grid h2 a")
      .evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    assert.deepEqual(
      second,
      codes.slice(12).map((code) => `/plants/${code}/diagram`)
    );
    for (const [query, note] of [
      ["?page=abc", /page “abc” is not a page number/],
      ["?page=99", /page 99 does not exist; showing page 2/],
    ] as const) {
      await page.goto(`${server.url}/plants/diagrams${query}`);
      assert.match((await page.locator("[role=status]").first().textContent()) ?? "", note);
    }
  });
});
