import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "../../scripts/build";

// The app's route modules as the authorization matrix's guard and the fuzzing read them: every module under
// app/routes, what it exports, and the intents its action dispatches on, so a new route or intent is found
// without editing the tests.

export const routesDir = path.join(root, "app/routes");

export interface RouteModule {
  file: string;
  exports: string[];
  source: string;
}

/**
 * Imports every route module (anything it opens is the importing test's database): each file directly under
 * app/routes, and each route folder's `route.tsx` (named `folder/route.tsx`), whose source is read together with
 * the modules beside it, where its forms and intents live.
 */
export async function loadRouteModules(): Promise<RouteModule[]> {
  const entries = fs.readdirSync(routesDir, { withFileTypes: true });
  const found: { file: string; full: string; sources: string[] }[] = [];
  for (const entry of entries) {
    const full = path.join(routesDir, entry.name);
    if (entry.isFile() && /\.(tsx?|jsx?)$/.test(entry.name)) {
      found.push({ file: entry.name, full, sources: [full] });
    } else if (entry.isDirectory()) {
      const names = fs.readdirSync(full).filter((name) => /\.(tsx?|jsx?)$/.test(name));
      const route = names.find((name) => /^route\.(tsx?|jsx?)$/.test(name));
      if (!route) continue;
      const beside = names.filter((name) => name !== route).sort();
      found.push({
        file: `${entry.name}/${route}`,
        full: path.join(full, route),
        sources: [route, ...beside].map((name) => path.join(full, name)),
      });
    }
  }
  found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return Promise.all(
    found.map(async ({ file, full, sources }) => {
      const module = (await import(pathToFileURL(full).href)) as Record<string, unknown>;
      const exports = Object.keys(module).filter((key) => typeof module[key] === "function");
      return { file, exports, source: sources.map((source) => fs.readFileSync(source, "utf8")).join("\n") };
    })
  );
}

/** The text of the module's action function (the whole module when it cannot be told apart). */
function actionSource(source: string): string {
  const start = source.search(/export\s+(async\s+)?function\s+action\b|export\s+const\s+action\b/);
  if (start < 0) return source;
  const end = source.indexOf("\n}\n", start);
  return source.slice(start, end < 0 ? undefined : end);
}

/** Every intent a module's action dispatches on, or its own forms post. */
export function intentsOf(source: string): string[] {
  const found = new Set<string>();
  const action = actionSource(source);
  for (const match of action.matchAll(/case\s+"([^"]+)"\s*:/g)) found.add(match[1]!);
  for (const match of action.matchAll(/intent\s*===\s*"([^"]+)"/g)) found.add(match[1]!);
  for (const match of source.matchAll(/name="intent"\s+value="([^"]+)"/g)) found.add(match[1]!);
  // A form of the shared pipeline names its intent as a prop: <ActForm intent="…">.
  for (const match of source.matchAll(/<ActForm\b[^>]*?\sintent="([^"]+)"/g)) found.add(match[1]!);
  // A table of intent handlers (app/utils/forms.server.ts): `"edit-split": defineIntent({`, `revoke: revokeIntent(…)`.
  for (const match of source.matchAll(/^\s*"?([\w-]+)"?:\s*\w*[iI]ntent\(/gm)) found.add(match[1]!);
  return [...found].sort();
}

/** One segment of a route's address: fixed text, or a parameter (`*` for a splat) with the text after it. */
export type Segment = { kind: "static"; text: string } | { kind: "param"; name: string; suffix: string; after: string };

/**
 * The address pattern of a flat route file or folder: `plants.$code_.conduits.$conduitId.tsx` or
 * `plants.$code_.conduits.$conduitId/route.tsx` → plants/:code/conduits/:conduitId.
 */
export function segmentsOf(file: string): Segment[] {
  const base = file.replace(/\/route\.(tsx?|jsx?)$/, "").replace(/\.(tsx?|jsx?)$/, "");
  if (base === "_index") return [];
  const parts = base.replace(/\[\.\]/g, "\u0000").split(".");
  const segments: Segment[] = [];
  for (const rawPart of parts) {
    // eslint-disable-next-line no-control-regex -- NUL stands in for an escaped dot while splitting
    const part = rawPart.replace(/\u0000/g, ".");
    if (part.startsWith("_")) continue; // a pathless layout
    const text = part.endsWith("_") ? part.slice(0, -1) : part;
    if (text.startsWith("$")) {
      const match = /^\$(\w*)(.*)$/.exec(text)!;
      const previous = [...segments].reverse().find((s) => s.kind === "static");
      segments.push({
        kind: "param",
        name: match[1] || "*",
        suffix: match[2]!,
        after: previous?.kind === "static" ? previous.text : "",
      });
    } else segments.push({ kind: "static", text });
  }
  return segments;
}

/** The address pattern as docs/api.md writes it: `/api/plants/:code/windows.ics`, `/no-such-page` for `*`. */
export function patternOf(segments: Segment[]): string {
  return `/${segments.map((s) => (s.kind === "static" ? s.text : `:${s.name}${s.suffix}`)).join("/")}`;
}
