import { spawnSync } from "node:child_process";
import fs from "node:fs";

// The browser tests drive a real Chromium. Install Debian's when it is missing and we may; otherwise
// stop with instructions. Never skip.

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function run(command: string, args: string[]): boolean {
  return (
    spawnSync(command, args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } })
      .status === 0
  );
}

function canRun(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

if (!fs.existsSync(chromium)) {
  const isRoot = process.getuid?.() === 0;
  const prefix = isRoot ? [] : canRun("sudo") && spawnSync("sudo", ["-n", "true"]).status === 0 ? ["sudo", "-n"] : null;
  if (prefix && canRun("apt-get") && !process.env.CHROMIUM_PATH) {
    console.log("Chromium is missing; installing Debian's chromium package for the browser tests…");
    const apt = (...args: string[]) =>
      prefix.length ? run(prefix[0]!, [...prefix.slice(1), "apt-get", ...args]) : run("apt-get", args);
    const installed =
      apt("install", "-y", "--no-install-recommends", "chromium") ||
      (apt("update") && apt("install", "-y", "--no-install-recommends", "chromium"));
    if (!installed || !fs.existsSync(chromium)) {
      console.error(`Installing Chromium failed. Install it with "apt-get install -y chromium", or set CHROMIUM_PATH.`);
      process.exit(1);
    }
  } else {
    console.error(
      `The browser tests need Chromium, and none was found at ${chromium}. Install it (Debian/Ubuntu: "sudo apt-get install -y chromium"), or set CHROMIUM_PATH to a Chromium or Chrome binary.`
    );
    process.exit(1);
  }
}
