import http from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER } from "../../app/domain/delivery";
import { verifyWebhookSignature } from "../../app/utils/webhook-signature.server";

// Real receivers for the outbox's deliveries: an SMTP server on a socket and an HTTP server taking webhook posts,
// each keeping what it received. Nothing is simulated: the tracker's mailer and poster talk to them over TCP.

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The whole message as it came over the wire (headers and MIME parts). */
  raw: string;
}

export interface MailReceiver {
  url: string;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

/** An SMTP server on 127.0.0.1 (no TLS) that takes every message, with or without user "tracker" / "pw". */
export async function startMailReceiver(): Promise<MailReceiver> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === "tracker" && auth.password === "pw") callback(null, { user: auth.username });
      else callback(new Error("Invalid user name or password"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const from = session.envelope.mailFrom;
        mails.push({
          from: from ? from.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://tracker:pw@127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedPost {
  deliveryId: string;
  event: string;
  body: string;
  /** Whether its signature checked out against the endpoint's secret, and why not. */
  verified: boolean;
  reason: string | null;
  /** What the receiver answered (0: it held the connection open without answering). */
  status: number;
}

/** What the receiver answers to a post: a status, or "hold" to keep the connection open without answering. */
export type Answer = (post: Omit<ReceivedPost, "status">, earlier: readonly ReceivedPost[]) => number | "hold";

export interface WebhookReceiver {
  url: string;
  posts: ReceivedPost[];
  /** The posts answered 2xx, by delivery id. */
  acknowledged(): Map<string, number>;
  answer: Answer;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 that checks each post's signature with `secret` and answers as `answer` says. */
export async function startWebhookReceiver(secret: string, answer: Answer = () => 200): Promise<WebhookReceiver> {
  const posts: ReceivedPost[] = [];
  const held = new Set<http.ServerResponse>();
  const receiver: WebhookReceiver = {
    url: "",
    posts,
    answer,
    acknowledged() {
      const counts = new Map<string, number>();
      for (const post of posts)
        if (post.status >= 200 && post.status < 300)
          counts.set(post.deliveryId, (counts.get(post.deliveryId) ?? 0) + 1);
      return counts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of held) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const verdict = verifyWebhookSignature(secret, request.headers[SIGNATURE_HEADER.toLowerCase()] as string, body);
      const post = {
        deliveryId: String(request.headers[DELIVERY_HEADER.toLowerCase()]),
        event: String(request.headers[EVENT_HEADER.toLowerCase()]),
        body,
        verified: verdict.ok,
        reason: verdict.ok ? null : verdict.reason,
      };
      const decided = verdict.ok ? receiver.answer(post, posts) : 401;
      if (decided === "hold") {
        posts.push({ ...post, status: 0 });
        held.add(response);
        return;
      }
      posts.push({ ...post, status: decided });
      response.writeHead(decided, { "Content-Type": "text/plain" });
      response.end(decided < 300 ? "ok" : "down for maintenance");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
