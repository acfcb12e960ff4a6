import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// `npm run build`, and the build `npm start` runs when the sources are newer than the build.

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const serverBuildPath = path.join(root, "build/index.js");
const thisFile = fileURLToPath(import.meta.url);

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

/**
 * Compiles the app into build/ and public/build/ with Remix's compiler, and disposes of the compiler before
 * returning. `remix build` instead exits while its esbuild service still holds the build's contexts: when the
 * service had just pinged the exiting process, it waits for those contexts forever and Go reports "fatal error:
 * all goroutines are asleep - deadlock!" with a page of stack trace, in the middle of a start that went well.
 * With the contexts disposed, the service ends quietly whenever its parent does.
 */
export async function buildApp(): Promise<void> {
  const { readConfig } = await import("@remix-run/dev/dist/config.js");
  const { create } = await import("@remix-run/dev/dist/compiler/compiler.js");
  const { createFileWatchCache } = await import("@remix-run/dev/dist/compiler/fileWatchCache.js");
  const { logger } = await import("@remix-run/dev/dist/tux/logger.js");
  const config = await readConfig(root);
  fs.rmSync(config.assetsBuildDirectory, { recursive: true, force: true });
  const compiler = await create({
    config,
    options: { mode: "production", sourcemap: false },
    fileWatchCache: createFileWatchCache(),
    logger,
  });
  try {
    await compiler.compile();
  } finally {
    await compiler.dispose();
  }
}

/** Builds in a child process when any source is newer than the server build (or there is none). */
export function buildIfNeeded() {
  const built = fs.existsSync(serverBuildPath) ? fs.statSync(serverBuildPath).mtimeMs : 0;
  if (built >= newestSourceMtime()) return;
  console.log("Building the app…");
  const result = spawnSync(process.execPath, ["--import", "tsx", thisFile], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error("The build failed; see the messages above.");
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === thisFile) {
  const started = Date.now();
  process.env.NODE_ENV = "production";
  buildApp().then(
    () =>
      console.log(`Built the app into build/ and public/build/ in ${((Date.now() - started) / 1000).toFixed(1)} s.`),
    async (error: unknown) => {
      const { logThrown } = await import("@remix-run/dev/dist/compiler/utils/log.js");
      logThrown(error);
      // No process.exit: the esbuild service must see its parent end on its own (see buildApp).
      process.exitCode = 1;
    }
  );
}
