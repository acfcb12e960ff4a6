import crypto from "node:crypto";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type Request, type Response, type NextFunction } from "express";

// The HTTP server around the Remix build: static assets, security headers with a per-request CSP nonce,
// and the request handler.

function securityHeaders(_req: Request, res: Response, next: NextFunction) {
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
  next();
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

/**
 * A response sent before the request's body was read to its end (an upload refused as too large) closes the
 * connection: the unread rest of the body must not be taken for the next request on a kept-alive socket.
 */
function closeWhenBodyUnread(req: express.Request, res: express.Response, next: express.NextFunction) {
  const writeHead = res.writeHead;
  res.writeHead = function (this: express.Response, ...args: Parameters<typeof writeHead>) {
    if (!req.complete && !res.headersSent) res.setHeader("Connection", "close");
    return writeHead.apply(this, args);
  } as typeof writeHead;
  next();
}

export function createApp(build: ServerBuild, root: string) {
  const app = express();
  app.disable("x-powered-by");
  app.use(closeWhenBodyUnread);
  app.use(compression());
  app.use(securityHeaders);
  app.use(refuseCrossSite);
  app.use("/build", express.static(path.join(root, "public/build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(root, "public"), { maxAge: "1h", index: false }));
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: process.env.NODE_ENV === "development" ? "development" : "production",
      getLoadContext: (req, res) => ({
        cspNonce: String(res.locals.cspNonce),
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
      }),
    })
  );
  return app;
}
