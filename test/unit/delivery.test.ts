import assert from "node:assert/strict";
import crypto from "node:crypto";
import { describe, it } from "node:test";
import {
  BACKOFF_MS,
  boundedError,
  describeDeliveryError,
  MAX_ATTEMPTS,
  MAX_ERROR_LENGTH,
  parseSignature,
  retryDelayMs,
  webhookHeaders,
} from "../../app/domain/delivery";
import { readIntervalMs } from "../../app/models/notification-worker.server";
import { messageIdFor, readMailSettings } from "../../app/utils/mailer.server";
import { signWebhook, verifyWebhookSignature } from "../../app/utils/webhook-signature.server";

// The outbox's delivery rules: the retry schedule, the webhook signature and its check, the words a failure is
// kept in, and the mail and worker settings read from the environment.

describe("retryDelayMs", () => {
  it("waits 1 min, 5 min, 30 min, 2 h and 6 h, then gives up after the 6th attempt", () => {
    const delays = [1, 2, 3, 4, 5].map(retryDelayMs);
    assert.deepEqual(delays, [60_000, 300_000, 1_800_000, 7_200_000, 21_600_000]);
    assert.equal(MAX_ATTEMPTS, 6);
    assert.equal(retryDelayMs(6), null);
    assert.equal(retryDelayMs(7), null);
    assert.deepEqual(BACKOFF_MS, delays);
    assert.throws(() => retryDelayMs(0), /attempts must be 1 or more/);
  });
});

describe("the webhook signature", () => {
  const secret = "whsec-test";
  const body = JSON.stringify({ kind: "window.soon", text: "Outage window “Line 3” starts in 5 h" });
  const at = new Date("2026-12-06T10:00:00Z");

  it("is t=<unix seconds>,v1=<hex HMAC-SHA256 of “t.body”>", () => {
    const header = signWebhook(secret, body, at);
    const t = 1796551200;
    assert.equal(Math.floor(at.getTime() / 1000), t);
    const expected = crypto.createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
    assert.equal(header, `t=${t},v1=${expected}`);
    assert.deepEqual(parseSignature(header), { t, v1: [expected] });
  });

  it("verifies the same body and secret within the tolerance, either side of the clock", () => {
    const header = signWebhook(secret, body, at);
    assert.deepEqual(verifyWebhookSignature(secret, header, body, at), { ok: true, t: at.getTime() / 1000 });
    assert.equal(verifyWebhookSignature(secret, header, body, new Date(at.getTime() + 299_000)).ok, true);
    assert.equal(verifyWebhookSignature(secret, header, body, new Date(at.getTime() - 299_000)).ok, true);
  });

  it("refuses another body, another secret, an old signature replayed, and a malformed header", () => {
    const header = signWebhook(secret, body, at);
    const refused = (verdict: ReturnType<typeof verifyWebhookSignature>) => (verdict.ok ? "accepted" : verdict.reason);
    assert.match(refused(verifyWebhookSignature(secret, header, `${body} `, at)), /does not match the body/);
    assert.match(refused(verifyWebhookSignature("other", header, body, at)), /does not match the body/);
    assert.match(
      refused(verifyWebhookSignature(secret, header, body, new Date(at.getTime() + 301_000))),
      /outside the tolerance window/
    );
    assert.equal(verifyWebhookSignature(secret, header, body, new Date(at.getTime() + 3_600_000), 7200).ok, true);
    for (const bad of [undefined, "", "t=1", "v1=" + "a".repeat(64), "t=x,v1=" + "a".repeat(64), "t=1,v1=zz"])
      assert.match(refused(verifyWebhookSignature(secret, bad, body, at)), /no X-Tracker-Signature header/);
    // The time is signed too: moving it breaks the signature.
    const moved = header.replace(/^t=(\d+)/, (_m, t: string) => `t=${Number(t) + 1}`);
    assert.match(refused(verifyWebhookSignature(secret, moved, body, at)), /does not match/);
  });

  it("accepts any of several v1 digests (a secret being rotated)", () => {
    const header = signWebhook(secret, body, at);
    const other = signWebhook("old-secret", body, at).split(",v1=")[1];
    assert.equal(verifyWebhookSignature(secret, `${header},v1=${other}`, body, at).ok, true);
    assert.equal(verifyWebhookSignature("old-secret", `${header},v1=${other}`, body, at).ok, true);
  });

  it("goes with the delivery id and the kind", () => {
    assert.deepEqual(webhookHeaders(42, "gate.ready", "t=1,v1=ab"), {
      "X-Tracker-Signature": "t=1,v1=ab",
      "X-Tracker-Delivery": "42",
      "X-Tracker-Event": "gate.ready",
    });
  });
});

describe("a failure in words", () => {
  it("names timeouts, refusals and the mail server's answer plainly, on one bounded line", () => {
    const coded = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code });
    assert.equal(describeDeliveryError(coded("ECONNREFUSED")), "connection refused");
    assert.equal(describeDeliveryError(new TypeError("fetch failed", { cause: coded("ENOTFOUND") })), "host not found");
    assert.equal(
      describeDeliveryError(Object.assign(new Error("x"), { name: "TimeoutError" })),
      "timed out after 10 s"
    );
    assert.equal(describeDeliveryError(coded("ETIMEDOUT"), 5000), "timed out after 5 s");
    const wrapped = Object.assign(new Error("getaddrinfo ENOTFOUND mail.invalid"), { code: "EDNS" });
    assert.equal(describeDeliveryError(wrapped), "host not found");
    assert.equal(describeDeliveryError(new Error("the endpoint is gone")), "the endpoint is gone");
    assert.equal(
      describeDeliveryError(Object.assign(new Error("x"), { responseCode: 550, response: "550 5.1.1 no such user" })),
      "the mail server answered 550 5.1.1 no such user"
    );
    const long = boundedError(`line one\nline two ${"x".repeat(1000)}`);
    assert.equal(long.length, MAX_ERROR_LENGTH);
    assert.ok(long.startsWith("line one line two"));
    assert.equal(boundedError("  "), "unknown error");
  });
});

describe("readMailSettings", () => {
  it("is none without SMTP_URL: e-mails are kept", () => {
    assert.equal(readMailSettings({}), null);
    assert.equal(readMailSettings({ SMTP_URL: " " }), null);
  });

  it("reads smtp:// and smtps:// with a user and password, and MAIL_FROM", () => {
    assert.deepEqual(readMailSettings({ SMTP_URL: "smtp://mail.example.com", MAIL_FROM: "tracker@example.com" }), {
      secure: false,
      host: "mail.example.com",
      port: 587,
      user: null,
      pass: null,
      from: "tracker@example.com",
    });
    assert.deepEqual(
      readMailSettings({ SMTP_URL: "smtps://ot%40plant:p%3Ass@mail.example.com:2465", MAIL_FROM: "OT <ot@x.test>" }),
      { secure: true, host: "mail.example.com", port: 2465, user: "ot@plant", pass: "p:ss", from: "OT <ot@x.test>" }
    );
    assert.equal(readMailSettings({ SMTP_URL: "smtps://mail.example.com" })?.port, 465);
  });

  it("refuses a malformed URL, another scheme or a bad sender in one sentence, hiding the password", () => {
    assert.throws(() => readMailSettings({ SMTP_URL: "mail.example.com:25" }), /SMTP_URL must start with smtp:\/\//);
    assert.throws(() => readMailSettings({ SMTP_URL: "http://mail.example.com" }), /not http:\/\/\./);
    assert.throws(
      () => readMailSettings({ SMTP_URL: "smtp://user:secret@exa mple.com" }),
      (error: Error) => /SMTP_URL must be a URL like/.test(error.message) && !error.message.includes("secret")
    );
    assert.throws(
      () => readMailSettings({ SMTP_URL: "smtp://mail.example.com", MAIL_FROM: "not an address" }),
      /MAIL_FROM must be an e-mail address/
    );
  });
});

describe("messageIdFor", () => {
  it("is the same for the same idempotency key, different for another, in the sender's domain", () => {
    const a = messageIdFor("email|3|digest|2026-12-06", "Tracker <tracker@plant.example>");
    assert.equal(a, messageIdFor("email|3|digest|2026-12-06", "Tracker <tracker@plant.example>"));
    assert.notEqual(a, messageIdFor("email|3|digest|2026-12-07", "Tracker <tracker@plant.example>"));
    assert.match(a, /^<[0-9a-f]{32}\.tracker@plant\.example>$/);
  });
});

describe("readIntervalMs", () => {
  it("defaults to 30 s and takes whole milliseconds from 1 s to 1 h", () => {
    assert.equal(readIntervalMs(undefined), 30_000);
    assert.equal(readIntervalMs("5000"), 5000);
    for (const bad of ["999", "3600001", "5s", "-1", "1.5"])
      assert.throws(() => readIntervalMs(bad), /NOTIFY_INTERVAL_MS must be a whole number of milliseconds/);
  });
});
