import crypto from "node:crypto";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type Request, type Response, type NextFunction } from "express";
import { retryAfterWhenBusy, withBusyAnswers } from "./database-busy";
import { refuseDeclaredLargeBodies, withBoundedBodies } from "./request-bodies";
import { answerOnlyRouteMethods } from "./route-methods";
import type { ServerSettings } from "./settings";

// The HTTP server around the Remix build: static assets, security headers with a per-request CSP nonce, the
// methods each address answers, bounded bodies and busy answers (docs/limits.md), and the request handler.

function securityHeaders(hstsMaxAge: number) {
  return (req: Request, res: Response, next: NextFunction) => {
    // Only an answer that came over HTTPS may tell the browser to keep to HTTPS; behind a proxy that ends TLS,
    // req.secure believes its X-Forwarded-Proto only when TRUST_PROXY trusts it.
    if (hstsMaxAge > 0 && req.secure) res.setHeader("Strict-Transport-Security", `max-age=${hstsMaxAge}`);
    setSecurityHeaders(res);
    next();
  };
}

function setSecurityHeaders(res: Response) {
  const nonce = crypto.randomBytes(16).toString("base64");
  res.locals.cspNonce = nonce;
  res.setHeader(
    "Content-Security-Policy",
    [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; ")
  );
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Referrer-Policy", "same-origin");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Refuses state-changing requests that a browser marks as coming from another site. Together with the
 * SameSite=Lax session cookie this stops cross-site form posts without tokens in every form.
 */
function refuseCrossSite(req: Request, res: Response, next: NextFunction) {
  if (!UNSAFE_METHODS.has(req.method)) return next();
  const fetchSite = req.get("Sec-Fetch-Site");
  const origin = req.get("Origin");
  let crossSite = fetchSite === "cross-site";
  if (!crossSite && origin !== undefined) {
    try {
      crossSite = origin === "null" || new URL(origin).host !== req.get("Host");
    } catch {
      crossSite = true;
    }
  }
  if (!crossSite) return next();
  res.status(403).type("text/plain").send("Refused: this request came from another site.");
}

/** How long, and how much, a refused request's unread body is still read and thrown away before the connection ends. */
const LINGER_MS = 5_000;
const LINGER_BYTES = 16 * 1024 * 1024;

/**
 * A response sent before the request's body was read to its end (a body refused as too large) closes the
 * connection: the unread rest of the body must not be taken for the next request on a kept-alive socket. The
 * connection is not cut the moment the answer is out, though: a client still sending would meet a reset and lose
 * the answer. The answer ends the server's side of the connection; what the client still sends is read and thrown
 * away until the body ends, for at most LINGER_MS and LINGER_BYTES, and then the connection closes.
 */
function closeWhenBodyUnread(req: Request, res: Response, next: NextFunction) {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: Parameters<typeof writeHead>) {
    if (!req.complete && !res.headersSent) {
      res.setHeader("Connection", "close");
      lingerBeforeClosing(req);
    }
    return writeHead.apply(this, args);
  } as typeof writeHead;
  next();
}

/** Node ends a connection that is to close with `destroySoon` once the answer is sent; this one lingers first. */
function lingerBeforeClosing(req: Request) {
  const socket = req.socket;
  const destroySoon = socket.destroySoon.bind(socket);
  socket.destroySoon = () => {
    if (req.complete) return destroySoon();
    if (socket.writable) socket.end();
    let discarded = 0;
    const close = () => {
      clearTimeout(timer);
      socket.destroy();
    };
    const timer = setTimeout(close, LINGER_MS);
    socket.once("close", () => clearTimeout(timer));
    // Whoever was reading the body (the request handler) has stopped: nothing else may keep what arrives.
    req.removeAllListeners("data");
    req.on("data", (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > LINGER_BYTES) close();
    });
    req.once("end", close);
    req.resume();
  };
}

/**
 * What the app answers (pages, the API, CSV exports, calendar feeds, error pages) is for one person's session or
 * token: no cache, shared or private, may keep it. Set as the answer leaves, over whatever a route said.
 */
function privateAnswers(_req: Request, res: Response, next: NextFunction) {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: Parameters<typeof writeHead>) {
    if (!res.headersSent) res.setHeader("Cache-Control", "private, no-store");
    return writeHead.apply(this, args);
  } as typeof writeHead;
  next();
}

export function createApp(
  serverBuild: ServerBuild,
  root: string,
  settings: Pick<ServerSettings, "trustProxy" | "hstsMaxAge">
) {
  const build = withBusyAnswers(withBoundedBodies(serverBuild));
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", settings.trustProxy);
  app.use(closeWhenBodyUnread);
  app.use(compression());
  app.use(securityHeaders(settings.hstsMaxAge));
  app.use(refuseCrossSite);
  app.use("/build", express.static(path.join(root, "public/build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(root, "public"), { maxAge: "1h", index: false }));
  app.use(privateAnswers);
  app.use(retryAfterWhenBusy);
  app.use(answerOnlyRouteMethods(build));
  app.use(refuseDeclaredLargeBodies);
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: process.env.NODE_ENV === "development" ? "development" : "production",
      getLoadContext: (req, res) => ({
        cspNonce: String(res.locals.cspNonce),
        // The connecting address, or with TRUST_PROXY the client's address as the trusted proxies report it.
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
      }),
    })
  );
  return app;
}
