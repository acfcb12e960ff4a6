import type { ServerBuild } from "@remix-run/node";
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express";
import { isDatabaseBusy } from "../app/utils/db.server";

// A write that could not get the write lock within the busy timeout (an evidence ingest, another worker or instance
// held it) is answered 503 with Retry-After, for every route, instead of the bare 500 of an unexpected error: nothing
// of it was written (each act is one transaction), and the same request may succeed a moment later (docs/limits.md).

export const BUSY_SENTENCE =
  "The database is busy with another write (an evidence ingest); try again in a few seconds.";
export const RETRY_AFTER_SECONDS = 5;

type DataFunction = NonNullable<ServerBuild["routes"][string]["module"]["loader"]>;

function answeringBusy(fn: DataFunction, api: boolean): DataFunction {
  return async (args) => {
    try {
      return await fn(args);
    } catch (error) {
      if (!isDatabaseBusy(error)) throw error;
      const headers = { "Retry-After": String(RETRY_AFTER_SECONDS) };
      if (api) return Response.json({ error: BUSY_SENTENCE }, { status: 503, headers });
      throw new Response(BUSY_SENTENCE, { status: 503, statusText: "Database busy", headers });
    }
  };
}

/** Every route's loader and action, answering 503 when the database stayed busy: JSON for the API, the page's error elsewhere. */
export function withBusyAnswers(build: ServerBuild): ServerBuild {
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const { loader, action } = route.module;
    const api = id.startsWith("routes/api.");
    routes[id] = {
      ...route,
      module: {
        ...route.module,
        ...(loader ? { loader: answeringBusy(loader, api) } : {}),
        ...(action ? { action: answeringBusy(action, api) } : {}),
      },
    };
  }
  return { ...build, routes };
}

/**
 * A 503 says when to try again. Set as the answer leaves: a page's error document does not carry the headers of the
 * response its action threw.
 */
export function retryAfterWhenBusy(_req: ExpressRequest, res: ExpressResponse, next: NextFunction) {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ExpressResponse, ...args: Parameters<typeof writeHead>) {
    const status = typeof args[0] === "number" ? args[0] : res.statusCode;
    if (status === 503 && !res.headersSent && !res.hasHeader("Retry-After"))
      res.setHeader("Retry-After", String(RETRY_AFTER_SECONDS));
    return writeHead.apply(this, args);
  } as typeof writeHead;
  next();
}
