import crypto from "node:crypto";
import nodemailer from "nodemailer";
import { DELIVERY_HEADER, DELIVERY_TIMEOUT_MS } from "~/domain/delivery";

// The mail server the outbox's e-mails go through: SMTP_URL (smtp://[user:pass@]host[:port] or smtps://…) and
// MAIL_FROM. Without SMTP_URL there is none, and e-mails are kept in the outbox, readable in the app.

class MailSettingsError extends Error {}

export interface MailSettings {
  secure: boolean;
  host: string;
  port: number;
  user: string | null;
  pass: string | null;
  from: string;
}

const DEFAULT_FROM = "Segmentation Tracker <tracker@localhost>";
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

/** The sender: "address" or "Name <address>". */
function readFrom(raw: string | undefined): string {
  const from = raw?.trim();
  if (!from) return DEFAULT_FROM;
  const angle = /^(.{0,100}?)\s*<([^<>]+)>$/.exec(from);
  const address = angle ? angle[2]! : from;
  if (from.length > 200 || !ADDRESS.test(address))
    throw new MailSettingsError(
      `MAIL_FROM must be an e-mail address, or a name and an address like “Tracker <tracker@example.com>”, not “${from.slice(
        0,
        200
      )}”.`
    );
  return from;
}

/** The mail settings from the environment, or null when SMTP_URL is unset (e-mails are then kept, not sent). */
export function readMailSettings(env: Record<string, string | undefined> = process.env): MailSettings | null {
  const raw = env.SMTP_URL?.trim();
  if (!raw) return null;
  const shown = raw.replace(/\/\/([^/@]*)@/, "//…@");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MailSettingsError(
      `SMTP_URL must be a URL like smtp://user:pass@mail.example.com:587 or smtps://mail.example.com, not “${shown}”.`
    );
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:")
    throw new MailSettingsError(
      `SMTP_URL must start with smtp:// (STARTTLS when the server offers it) or smtps:// (TLS from the start), not ${url.protocol}//.`
    );
  if (!url.hostname) throw new MailSettingsError(`SMTP_URL names no mail server host: “${shown}”.`);
  const secure = url.protocol === "smtps:";
  return {
    secure,
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    user: url.username ? decodeURIComponent(url.username) : null,
    pass: url.password ? decodeURIComponent(url.password) : null,
    from: readFrom(env.MAIL_FROM),
  };
}

/** One e-mail of the outbox, composed. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string | null;
  /** The outbox message's idempotency key: its Message-ID is derived from it. */
  idempotencyKey: string;
  /** The outbox message's id, sent as X-Tracker-Delivery. */
  deliveryId: number;
}

export interface Mailer {
  from: string;
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** The domain part of the sender's address, for Message-IDs. */
function senderDomain(from: string): string {
  const match = /@([^\s@<>]+)>?$/.exec(from);
  return match ? match[1]! : "localhost";
}

/**
 * The Message-ID of the outbox message with this idempotency key: the same on every attempt, so a mail sent twice
 * (a worker killed after the server took it) is recognisably one message to the mail programs that drop repeats.
 */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const hash = crypto.createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 32);
  return `<${hash}.tracker@${senderDomain(from)}>`;
}

/** A mailer for the settings (none without SMTP_URL). A malformed SMTP_URL or MAIL_FROM throws MailSettingsError. */
export function createMailer(env: Record<string, string | undefined> = process.env): Mailer | null {
  const settings = readMailSettings(env);
  if (!settings) return null;
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: settings.user ? { user: settings.user, pass: settings.pass ?? "" } : undefined,
    connectionTimeout: DELIVERY_TIMEOUT_MS,
    greetingTimeout: DELIVERY_TIMEOUT_MS,
    socketTimeout: DELIVERY_TIMEOUT_MS,
  });
  return {
    from: settings.from,
    async send(mail) {
      await transport.sendMail({
        from: settings.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html === null ? {} : { html: mail.html }),
        messageId: messageIdFor(mail.idempotencyKey, settings.from),
        headers: { [DELIVERY_HEADER]: String(mail.deliveryId) },
      });
    },
    close: () => transport.close(),
  };
}
