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

/** Imports every route module (anything it opens is the importing test's database). */
export async function loadRouteModules(): Promise<RouteModule[]> {
  const files = fs
    .readdirSync(routesDir)
    .filter((name) => /\.(tsx?|jsx?)$/.test(name))
    .sort();
  return Promise.all(
    files.map(async (name) => {
      const full = path.join(routesDir, name);
      const module = (await import(pathToFileURL(full).href)) as Record<string, unknown>;
      const exports = Object.keys(module).filter((key) => typeof module[key] === "function");
      return { file: name, exports, source: fs.readFileSync(full, "utf8") };
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
  return [...found].sort();
}
