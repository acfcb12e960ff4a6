// How the outbox's messages are delivered: the retry schedule, the plain words a failure is kept in, and the webhook
// headers with their signature's format. Computing the HMAC itself needs Node's crypto and sits in
// app/utils/webhook-signature.server.ts; everything here is pure.

/** The wait before the 2nd, 3rd, … attempt: 1 min, 5 min, 30 min, 2 h, 6 h. */
export const BACKOFF_MS: readonly number[] = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000];

/** A message still undelivered after this many attempts is marked failed (the first try and five retries). */
export const MAX_ATTEMPTS = BACKOFF_MS.length + 1;

/** How long one webhook post or SMTP exchange may take before it counts as a failed attempt. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/** The most of a webhook receiver's answer that is read (the rest is dropped unread). */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** The longest error kept on a message. */
export const MAX_ERROR_LENGTH = 300;

/** How far apart the signature's time and the receiver's clock may be before the receiver refuses it (a replay). */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export const SIGNATURE_HEADER = "X-Tracker-Signature";
export const DELIVERY_HEADER = "X-Tracker-Delivery";
export const EVENT_HEADER = "X-Tracker-Event";

/**
 * After the `attempts`-th attempt failed: how long to wait before the next one, or null when none is left (the
 * message is then failed).
 */
export function retryDelayMs(attempts: number): number | null {
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be 1 or more, not ${attempts}`);
  if (attempts >= MAX_ATTEMPTS) return null;
  return BACKOFF_MS[attempts - 1]!;
}

/** What is signed: the unix time in seconds, a dot, and the raw body exactly as sent. */
export function signedContent(unixSeconds: number, body: string): string {
  return `${unixSeconds}.${body}`;
}

/** The value of X-Tracker-Signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export function formatSignature(unixSeconds: number, hexDigest: string): string {
  return `t=${unixSeconds},v1=${hexDigest}`;
}

export interface ParsedSignature {
  t: number;
  /** Every v1 digest the header carries (one today; several while a secret is rotated). */
  v1: string[];
}

/** Reads an X-Tracker-Signature value, or null when it is not one. */
export function parseSignature(header: string | null | undefined): ParsedSignature | null {
  if (typeof header !== "string" || header.length > 1000) return null;
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") {
      if (!/^\d{1,12}$/.test(value)) return null;
      t = Number(value);
    } else if (key === "v1") {
      if (!/^[0-9a-f]{64}$/.test(value)) return null;
      v1.push(value);
    }
  }
  return t === null || v1.length === 0 ? null : { t, v1 };
}

/** Whether a signature made at `t` (unix seconds) is recent enough at `nowSeconds`, either way. */
export function withinTolerance(
  t: number,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS
): boolean {
  return Math.abs(nowSeconds - t) <= toleranceSeconds;
}

/** The headers of one webhook post, besides Content-Type. */
export function webhookHeaders(deliveryId: number, kind: string, signature: string): Record<string, string> {
  return {
    [SIGNATURE_HEADER]: signature,
    [DELIVERY_HEADER]: String(deliveryId),
    [EVENT_HEADER]: kind,
  };
}

/** One line, at most MAX_ERROR_LENGTH characters. */
export function boundedError(text: string): string {
  const line = text.replace(/\s+/g, " ").trim() || "unknown error";
  return line.length <= MAX_ERROR_LENGTH ? line : `${line.slice(0, MAX_ERROR_LENGTH - 1)}…`;
}

const ERROR_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by the receiver",
  EPIPE: "connection closed by the receiver",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed (try again later)",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ECONNECTION: "could not connect to the mail server",
  EAUTH: "the mail server refused the user name or password",
  ETLS: "TLS handshake with the mail server failed",
  CERT_HAS_EXPIRED: "the receiver's TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the receiver's TLS certificate is self-signed",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the receiver's TLS certificate could not be verified",
  ERR_TLS_CERT_ALTNAME_INVALID: "the receiver's TLS certificate is for another host",
};

/** A failed attempt in plain words: "connection refused", "timed out after 10 s", "HTTP 503", … */
export function describeDeliveryError(error: unknown, timeoutMs = DELIVERY_TIMEOUT_MS): string {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e && typeof e === "object" && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const { code, name, responseCode, response } = e as {
      code?: unknown;
      name?: unknown;
      responseCode?: unknown;
      response?: unknown;
    };
    if (name === "TimeoutError" || code === "ETIMEDOUT" || code === "ETIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT")
      return `timed out after ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`;
    if (typeof responseCode === "number" && typeof response === "string")
      return boundedError(`the mail server answered ${response}`);
    if (typeof code === "string" && ERROR_WORDS[code]) return ERROR_WORDS[code];
    // Nodemailer wraps the socket's error in its own code ("ESOCKET", "EDNS") and keeps the socket's in the message.
    const inMessage = /\b(E[A-Z_]{3,})\b/.exec(String((e as { message?: unknown }).message ?? ""));
    if (inMessage && ERROR_WORDS[inMessage[1]!]) return ERROR_WORDS[inMessage[1]!]!;
  }
  const message = error instanceof Error ? error.message : String(error);
  return boundedError(message);
}
