import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { root } from "./build";

// The project's own commands as child processes: the production server (for the benchmark, the load test and the
// tests) and the command-line scripts, run without blocking the caller's event loop.

export interface ServerProcess {
  /** As the server announces it: http://localhost:PORT unless HOST names another address. */
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `scripts/start.ts` (build if needed, migrate, seed an empty database, serve) and waits until it serves. */
export async function startServerProcess(env: Record<string, string>, timeoutMs: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/start.ts")], {
    cwd: root,
    env: { ...process.env, PORT: "0", NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  // Decoded as streams, so a character split across two chunks is not garbled.
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => (output += chunk));
  child.stderr.on("data", (chunk: string) => (output += chunk));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The server did not start within ${timeoutMs / 1000} s:\n${output}`)),
      timeoutMs
    );
    child.stdout.on("data", () => {
      const match = /serving (http:\/\/\S+:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The server exited with ${code} before serving:\n${output}`));
    });
  });
  return { url, child, output: () => output, stop: () => stopProcess(child) };
}

export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** Runs one of the project's scripts to completion and gives back its exit status and output. */
export function runScript(
  script: string,
  args: string[],
  env: Record<string, string>
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, script), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => (stdout += chunk));
    child.stderr.on("data", (chunk: string) => (stderr += chunk));
    child.on("exit", (status) => resolve({ status, stdout, stderr }));
  });
}
