import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const serverBuildPath = path.join(root, "build/index.js");

function newestSourceMtime(): number {
  let newest = 0;
  const visit = (entry: string) => {
    const stat = fs.statSync(entry);
    if (stat.isDirectory()) for (const child of fs.readdirSync(entry)) visit(path.join(entry, child));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const entry of ["app", "remix.config.js", "package-lock.json"]) {
    const full = path.join(root, entry);
    if (fs.existsSync(full)) visit(full);
  }
  return newest;
}

/** Runs `remix build` when any source is newer than the server build (or there is none). */
export function buildIfNeeded() {
  const built = fs.existsSync(serverBuildPath) ? fs.statSync(serverBuildPath).mtimeMs : 0;
  if (built >= newestSourceMtime()) return;
  console.log("Building the app…");
  const result = spawnSync(path.join(root, "node_modules/.bin/remix"), ["build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error("The build failed; see the messages above.");
}
