import { spawn } from "node:child_process";
import path from "node:path";
import { root } from "../../scripts/build";
import { runScript, startServerProcess } from "../../scripts/processes";

export interface RunningServer {
  url: string;
  /** The process that serves (with one worker, the started process itself): its memory is in /proc/<pid>. */
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the real `npm start` entry point on a free port and waits until it serves. */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  // One worker: the suite starts many servers side by side; the cluster has its own test.
  const server = await startServerProcess({ WEB_CONCURRENCY: "1", ...env }, 120_000);
  return { ...server, pid: server.child.pid! };
}

/** Runs the start entry point to completion (for starts that must fail) and returns its exit code and output. */
export function runStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/start.ts")], {
      cwd: root,
      env: { ...process.env, PORT: "0", WEB_CONCURRENCY: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => (output += chunk));
    child.stderr.on("data", (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/**
 * Runs one of the project's command-line scripts to completion without blocking the test's event loop
 * (a blocked loop would leave pooled keep-alive connections to a test server stale).
 */
export { runScript };
