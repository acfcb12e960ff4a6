import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { root } from "../../scripts/build";
import { segmentsOf, type RouteModule } from "./routes";

// Every page of the app as the screen checks visit it: the page routes found under app/routes, each given the
// addresses to open (with the demo program's parameters filled in), and the checks run on each screen.

/** The widths a page must work at: a phone, a tablet held upright, a desktop. */
export const WIDTHS = [390, 768, 1440] as const;

/**
 * The query strings to open for each page route (one address each; "" for the bare address). A page route that is
 * missing here fails the screens test, so a new page is checked as soon as it exists.
 */
export const PAGE_QUERIES: Readonly<Record<string, readonly string[]>> = {
  "$.tsx": [""],
  "admin/route.tsx": [""],
  "admin_.outbox/route.tsx": ["", "?status=failed"],
  "admin_.webhooks/route.tsx": [""],
  "audit.tsx": [""],
  "dashboard.tsx": [""],
  "login.tsx": [""],
  "me.tsx": [""],
  "me_.notifications/route.tsx": ["", "?show=unread"],
  "me_.settings/route.tsx": [""],
  "plants.$code/route.tsx": [""],
  "plants.$code_.assets/route.tsx": ["", "?kind=plc"],
  "plants.$code_.changes.$changeId/route.tsx": [""],
  "plants.$code_.audit.tsx": [""],
  "plants.$code_.conduits.$conduitId/route.tsx": [""],
  "plants.$code_.diagram/route.tsx": [""],
  "plants.$code_.history/route.tsx": [""],
  "plants.$code_.hosts/route.tsx": [""],
  "plants.$code_.review/route.tsx": ["", "?gate=inventory"],
  "plants.$code_.triage/route.tsx": [""],
  "plants.$code_.violations/route.tsx": [""],
  "plants.$code_.stops/route.tsx": [""],
  "plants.$code_.stops_.$stopId/route.tsx": [""],
  "plants.$code_.windows/route.tsx": ["", "?view=month"],
  "plants._index.tsx": [""],
  "plants.diagrams.tsx": ["", "?page=2"],
  "settings.tsx": [""],
  "windows.tsx": ["", "?view=month"],
};

/** A route module that renders a page (it has a component), rather than answering data or a file. */
export function isPageRoute(module: RouteModule): boolean {
  return module.exports.includes("default");
}

/** The address of a page route with its parameters taken from `params` (`*` for a splat). */
export function addressOf(file: string, params: Readonly<Record<string, string>>): string {
  const parts = segmentsOf(file).map((segment) => {
    if (segment.kind === "static") return segment.text;
    const value = segment.name === "*" ? "no-such-page" : params[segment.name];
    if (value === undefined) throw new Error(`No demo value for :${segment.name} in ${file}`);
    return `${value}${segment.suffix}`;
  });
  return `/${parts.join("/")}`;
}

/** What one screen is found to do wrong, in words (empty when it is right). */
export interface ScreenFaults {
  /** The document is wider than the viewport, and the widest elements that stick out. */
  overflow: string | null;
  /** Text drawn in the colour of the background it stands on. */
  invisibleText: string[];
  /** Controls shorter than a fingertip on a touch-size screen. */
  smallTargets: string[];
}

/** Checks the screen as it is laid out now. `touch`: whether controls must be at least 44 px tall. */
export async function checkScreen(page: Page, touch: boolean): Promise<ScreenFaults> {
  // tsx compiles the functions below with esbuild's keepNames, which calls a helper the page does not have.
  await page.evaluate("globalThis.__name ??= (fn) => fn");
  return page.evaluate((touch) => {
    const viewport = window.innerWidth;
    const describe = (element: Element) => {
      const id = element.id ? `#${element.id}` : "";
      const classes = [...element.classList].map((c) => `.${c}`).join("");
      const text = (element.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 40);
      return `${element.tagName.toLowerCase()}${id}${classes} "${text}"`;
    };
    const shown = (element: Element) => {
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      return style.visibility === "visible" && box.width > 0 && box.height > 0 && !element.closest("[hidden]");
    };

    let overflow: string | null = null;
    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth > viewport) {
      const sticking = [...document.body.querySelectorAll("*")]
        .filter((element) => element.getBoundingClientRect().right > viewport + 1 && shown(element))
        .filter((element) => {
          // Not what scrolls inside its own box: an ancestor clips it.
          for (let at = element.parentElement; at && at !== document.body; at = at.parentElement) {
            if (getComputedStyle(at).overflowX !== "visible") return false;
          }
          return true;
        })
        .slice(0, 5)
        .map(describe);
      overflow = `${scrollWidth} px wide at ${viewport}: ${sticking.join("; ")}`;
    }

    const rgba = (value: string) => {
      const numbers = value.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0, 0];
      return { rgb: numbers.slice(0, 3).join(","), alpha: numbers[3] ?? 1 };
    };
    const backgroundOf = (element: Element) => {
      for (let at: Element | null = element; at; at = at.parentElement) {
        const background = rgba(getComputedStyle(at).backgroundColor);
        if (background.alpha > 0) return background.rgb;
      }
      return "255,255,255";
    };
    const invisibleText: string[] = [];
    for (const element of document.body.querySelectorAll("*")) {
      const ownText = [...element.childNodes].some((node) => node.nodeType === 3 && node.textContent!.trim() !== "");
      if (!ownText || !shown(element)) continue;
      const colour = rgba(getComputedStyle(element).color);
      if (colour.alpha > 0 && colour.rgb === backgroundOf(element)) invisibleText.push(describe(element));
    }

    const smallTargets: string[] = [];
    if (touch) {
      const controls = document.querySelectorAll(
        "button, select, summary, input:not([type=checkbox]):not([type=radio]):not([type=hidden]), " +
          ".site-header a, .pager a, .button, .queue-summary a"
      );
      for (const control of controls) {
        if (!shown(control)) continue;
        const height = control.getBoundingClientRect().height;
        if (height < 44 - 0.5) smallTargets.push(`${describe(control)} ${Math.round(height)} px`);
      }
    }
    return { overflow, invisibleText, smallTargets };
  }, touch);
}

const axeSource = fs.readFileSync(path.join(root, "node_modules/axe-core/axe.min.js"), "utf8");

/** The scan's rules whose outcome depends on the layout, and so on the screen's width (the rest do not). */
export const LAYOUT_RULES = ["color-contrast", "scrollable-region-focusable"];

/**
 * The accessibility scan's serious and critical findings on the page as it stands, one line each: every rule, or
 * only `rules`.
 */
export async function seriousViolations(page: Page, rules?: readonly string[]): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async (rules) => {
    const axe = (window as unknown as { axe: typeof import("axe-core") }).axe;
    const results = await axe.run(document, {
      resultTypes: ["violations"],
      iframes: false,
      ...(rules ? { runOnly: { type: "rule" as const, values: [...rules] } } : {}),
    });
    return results.violations
      .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
      .map(
        (violation) =>
          `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
            .slice(0, 4)
            .map((node) => node.target.join(" "))
            .join(", ")}${violation.nodes.length > 4 ? ` and ${violation.nodes.length - 4} more` : ""}`
      );
  }, rules);
}
