import fs from "node:fs";
import { launchBrowser, signInInBrowser } from "./test/support/browser";
const base = "http://localhost:4317";
const source = fs.readFileSync("node_modules/axe-core/axe.min.js", "utf8");
const browser = await launchBrowser();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
const page = await context.newPage();
await signInInBrowser(page, base, "lead@demo.test", "segmentation-demo");
for (const path of ["/plants/PEO/review", "/plants/FRE/review?gate=zoning", "/dashboard"]) {
  await page.goto(base + path);
  await page.addScriptTag({ content: source });
  const result = await page.evaluate(async () => {
    const r = await (window as any).axe.run(document);
    return r.violations.map((v: any) => `${v.impact} ${v.id}: ${v.nodes.length} ${v.nodes.slice(0,2).map((n: any) => n.target.join(" ")).join(" | ")}`);
  });
  console.log(path, result);
}
await browser.close();
