import os from "node:os";
import express from "express";

// The server's settings from the environment (README, "Configuration"), read once at start: a bad value stops the
// start with one sentence naming the variable, instead of surfacing later as a request that misbehaves.

export interface ServerSettings {
  port: number;
  /** The address to listen on. */
  host: string;
  workers: number;
  /** As Express's `trust proxy` takes it. */
  trustProxy: boolean | number | string;
  /** Strict-Transport-Security max-age in seconds for requests that came over HTTPS; 0 sends none. */
  hstsMaxAge: number;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);
const EVERY_ADDRESS = new Set(["0.0.0.0", "::"]);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host);
}

/** The address to give people for a server listening on `host`. */
export function servedUrl(host: string, port: number): string {
  if (isLoopbackHost(host) || EVERY_ADDRESS.has(host)) return `http://localhost:${port}`;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** What to add to the announcement of a server listening on `host`. */
export function reachNote(host: string): string | null {
  if (isLoopbackHost(host))
    return "Only this machine can reach it; to serve others on the network, set HOST=0.0.0.0 (and serve it over HTTPS: see README.md).";
  if (EVERY_ADDRESS.has(host)) return "It answers on every network address of this machine.";
  return null;
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 3000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a number from 0 to 65535, not “${raw}”.`);
  return port;
}

function parseHost(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === "") return "127.0.0.1";
  const host = raw.trim().replace(/^\[(.*)\]$/, "$1");
  if (/[\s/]/.test(host))
    throw new Error(`HOST must be an address or name of this machine, such as 127.0.0.1 or 0.0.0.0, not “${raw}”.`);
  return host;
}

function parseWorkers(raw: string | undefined): number {
  if (raw === undefined || raw === "") return Math.min(os.availableParallelism(), 8);
  const workers = Number(raw);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64)
    throw new Error(`WEB_CONCURRENCY must be a whole number of worker processes from 1 to 64, not “${raw}”.`);
  return workers;
}

/**
 * What Express's `trust proxy` accepts: true, false, a number of proxies in front, or a comma-separated list of
 * proxy addresses, subnets and the names loopback, linklocal and uniquelocal.
 */
function parseTrustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw.trim() === "" || raw.trim() === "false") return false;
  const value = raw.trim();
  if (value === "true") return true;
  if (/^\d+$/.test(value)) return Number(value);
  try {
    // Express compiles the list when it is set, and throws on what is not an address or a subnet.
    express().set("trust proxy", value);
  } catch (error) {
    throw new Error(
      `TRUST_PROXY must be true, false, the number of proxies in front of the server, or their addresses and subnets (such as loopback or 10.0.0.0/8, comma-separated), not “${raw}” (${
        error instanceof Error ? error.message : String(error)
      }).`
    );
  }
  return value;
}

function parseHstsMaxAge(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return 31_536_000;
  const seconds = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(seconds))
    throw new Error(
      `HSTS_MAX_AGE must be a whole number of seconds (0 sends no Strict-Transport-Security), not “${raw}”.`
    );
  return seconds;
}

export function readSettings(env: Record<string, string | undefined> = process.env): ServerSettings {
  return {
    port: parsePort(env.PORT),
    host: parseHost(env.HOST),
    workers: parseWorkers(env.WEB_CONCURRENCY),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    hstsMaxAge: parseHstsMaxAge(env.HSTS_MAX_AGE),
  };
}
