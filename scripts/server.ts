import crypto from "node:crypto";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ServerBuild,
} from "@remix-run/node";
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

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];
/** The largest file a form may upload (inventory exports); larger ones go through the command line. */
const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;

/**
 * The request as a form its action can read: a post without a body (a sign-out button, a script) is an empty form;
 * one whose body is no form (another content type, broken multipart) is a refusal to answer with instead.
 */
async function asForm(request: globalThis.Request): Promise<globalThis.Request | globalThis.Response> {
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!FORM_TYPES.includes(type)) {
    if ((await request.clone().arrayBuffer()).byteLength === 0) {
      const headers = new Headers(request.headers);
      headers.set("Content-Type", FORM_TYPES[0]!);
      return new globalThis.Request(request.url, { method: request.method, headers, body: "", signal: request.signal });
    }
    return new globalThis.Response("Send the form as application/x-www-form-urlencoded or multipart/form-data.", {
      status: 415,
      statusText: "Unsupported form encoding",
    });
  }
  try {
    if (type === "multipart/form-data") {
      // Read part by part, each held to the upload limit, whatever the request claims about its length; the
      // action gets the form as read, encoded afresh.
      const handler = unstable_createMemoryUploadHandler({ maxPartSize: MAX_UPLOAD_BYTES });
      const form = await unstable_parseMultipartFormData(request, handler);
      const headers = new Headers(request.headers);
      headers.delete("Content-Type");
      headers.delete("Content-Length");
      return new globalThis.Request(request.url, {
        method: request.method,
        headers,
        body: form,
        signal: request.signal,
      });
    } else {
      await request.clone().formData();
    }
    return request;
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) {
      return new globalThis.Response(
        "The upload is larger than 8 MB; import a larger inventory export with npm run import:assets.",
        {
          status: 413,
          statusText: "Upload too large",
        }
      );
    }
    return new globalThis.Response("The form could not be read: its body is not valid form data.", {
      status: 400,
      statusText: "Unreadable form",
    });
  }
}

/**
 * Every page action reads a form; a post whose body is no form is refused with 415 or 400 before the action runs,
 * rather than failing inside it. The JSON API reads its own bodies.
 */
function withReadableForms(build: ServerBuild): ServerBuild {
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const action = route.module.action;
    if (!action || id.startsWith("routes/api.")) {
      routes[id] = route;
      continue;
    }
    routes[id] = {
      ...route,
      module: {
        ...route.module,
        action: async (args) => {
          const form = await asForm(args.request);
          if (form instanceof globalThis.Response) throw form;
          return action({ ...args, request: form });
        },
      },
    };
  }
  return { ...build, routes };
}

export function createApp(serverBuild: ServerBuild, root: string) {
  const build = withReadableForms(serverBuild);
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
