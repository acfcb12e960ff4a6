import { spawn } from "node:child_process";
import fs from "node:fs";
import autocannon from "autocannon";
import { root } from "../build";

// How the benchmark measures: a route under concurrent requests (autocannon), a child process's wall time and peak
// memory, and the memory of a process tree, read from /proc.

/** A failure the benchmark explains in one sentence (a route not answering 2xx, a command failing). */
export class BenchFailure extends Error {}

/** Progress goes to stderr so that stdout stays the table and the JSON line. */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

export const seconds = (ms: number) => Math.round(ms) / 1000;
export const mb = (kb: number) => Math.round(kb / 102.4) / 10;
export const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;

/** The peak resident sets of a process and of every process under it (the server's workers), summed, in kB. */
export function processTreePeakKb(pid: number): number | null {
  const own = peakRssKb(pid);
  if (own === null) return null;
  let children: number[] = [];
  try {
    children = fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    children = [];
  }
  return children.reduce((sum, child) => sum + (processTreePeakKb(child) ?? 0), own);
}

/** VmHWM (peak resident set) of a live process, in kB, or null once it is gone. */
function peakRssKb(pid: number): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export interface RouteSpec {
  name: string;
  label: string;
  path: string;
  auth: "none" | "session" | "exec" | "token";
}

/** One route: a first (cold) request that must answer 2xx, then `connections` for `duration` seconds. */
export async function measure(
  url: string,
  route: RouteSpec,
  headers: Record<string, string>,
  load: { connections: number; duration: number }
) {
  const started = performance.now();
  const first = await fetch(`${url}${route.path}`, { headers, redirect: "manual" });
  await first.arrayBuffer();
  const coldMs = performance.now() - started;
  if (first.status < 200 || first.status > 299) {
    throw new BenchFailure(
      `${route.label} (GET ${route.path}) answered ${first.status}${
        first.headers.get("location") ? ` → ${first.headers.get("location")}` : ""
      }, not 2xx: nothing to measure.`
    );
  }
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: `${url}${route.path}`, connections: load.connections, duration: load.duration, headers, timeout: 60 },
      (error, done) => (error ? reject(error) : resolve(done))
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    });
  });
  const bad = [...statuses].filter(([status]) => status < 200 || status > 299);
  if (bad.length > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new BenchFailure(
      `${route.label} (GET ${route.path}) under load: ${
        bad.map(([s, n]) => `${n}× ${s}`).join(", ") || "no bad status"
      }, ${result.errors} errors, ${result.timeouts} timeouts.`
    );
  }
  latencies.sort((a, b) => a - b);
  return {
    coldMs,
    requests: latencies.length,
    medianMs: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    requestsPerSecond: latencies.length / load.duration,
  };
}

/** Wall time of a child process, and its peak resident memory sampled from /proc while it runs. */
export function timed(
  command: string,
  args: string[],
  env: Record<string, string>
): Promise<{ ms: number; status: number | null; stdout: string; stderr: string; peakKb: number | null }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let peakKb: number | null = null;
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => (stdout += chunk));
    child.stderr.on("data", (chunk: string) => (stderr += chunk));
    const poll = setInterval(() => {
      const kb = child.pid ? peakRssKb(child.pid) : null;
      if (kb !== null) peakKb = Math.max(peakKb ?? 0, kb);
    }, 20);
    child.on("exit", (status) => {
      const ms = performance.now() - started;
      clearInterval(poll);
      resolve({ ms, status, stdout, stderr, peakKb });
    });
  });
}

/** A plain Node line count of a file: the floor the ingest is compared with. */
export const COUNT_LINES = `
import fs from "node:fs";
import readline from "node:readline";
let n = 0;
for await (const _ of readline.createInterface({ input: fs.createReadStream(process.argv[1]), crlfDelay: Infinity })) n++;
console.log(n);
`;
