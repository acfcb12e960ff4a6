import crypto from "node:crypto";
import {
  formatSignature,
  parseSignature,
  SIGNATURE_TOLERANCE_SECONDS,
  signedContent,
  withinTolerance,
} from "~/domain/delivery";

// The webhook signature: X-Tracker-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>.
// Signed when the post is sent (each retry carries its own time), checked by the receiver against its own clock.

function digest(secret: string, unixSeconds: number, body: string): string {
  return crypto.createHmac("sha256", secret).update(signedContent(unixSeconds, body)).digest("hex");
}

/** The X-Tracker-Signature value for `body` sent at `at`. */
export function signWebhook(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return formatSignature(t, digest(secret, t, body));
}

export type SignatureVerdict = { ok: true; t: number } | { ok: false; reason: string };

/**
 * What a receiver does with a post: the header must parse, its time lie within `toleranceSeconds` of `now` (an old
 * post replayed is refused), and one of its v1 digests match the HMAC of the raw body, compared in constant time.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  rawBody: string,
  now: Date = new Date(),
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS
): SignatureVerdict {
  const parsed = parseSignature(header);
  if (!parsed) return { ok: false, reason: "no X-Tracker-Signature header of the form t=…,v1=…" };
  if (!withinTolerance(parsed.t, Math.floor(now.getTime() / 1000), toleranceSeconds))
    return { ok: false, reason: "the signature's time is outside the tolerance window (a replay, or a wrong clock)" };
  const expected = Buffer.from(digest(secret, parsed.t, rawBody), "hex");
  const match = parsed.v1.some((v1) => crypto.timingSafeEqual(Buffer.from(v1, "hex"), expected));
  return match ? { ok: true, t: parsed.t } : { ok: false, reason: "the signature does not match the body" };
}
