import type { ServerBuild } from "@remix-run/node";
import { matchRoutes } from "@remix-run/react";
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express";
import { sendRefusal } from "./request-bodies";

// Which methods an address answers follows from the route module that answers it, found as Remix finds it: a
// loader (or a page) answers GET and HEAD, an action answers POST. Every other method gets 405 with an Allow header
// before any route runs: without this, Remix hands a DELETE, PUT or PATCH to the action as if it were a POST, and
// a method Node's fetch cannot carry (TRACE) fails as a 500.

type Method = "GET" | "HEAD" | "POST";
type RouteTree = Parameters<typeof matchRoutes>[0];
type RouteMatches = NonNullable<ReturnType<typeof matchRoutes>>;

function routeTree(routes: ServerBuild["routes"], parentId?: string): RouteTree {
  return Object.values(routes)
    .filter((route) => route.parentId === parentId)
    .map((route) =>
      route.index
        ? { id: route.id, index: true, caseSensitive: route.caseSensitive }
        : { id: route.id, path: route.path, caseSensitive: route.caseSensitive, children: routeTree(routes, route.id) }
    );
}

/** The route whose action a POST reaches: an index route only with `?index`, else the deepest route with a path. */
function actionTarget(matches: RouteMatches, search: string) {
  const leaf = matches[matches.length - 1]!;
  if (leaf.route.index && new URLSearchParams(search).getAll("index").some((value) => value === "")) return leaf;
  const withPath = matches.filter((match, index) => index === 0 || (match.route.path ?? "") !== "");
  return withPath[withPath.length - 1]!;
}

/** The methods the address answers, as the request handler would route it. */
export function methodsAnswered(build: ServerBuild): (url: URL) => Method[] {
  const tree = routeTree(build.routes);
  const moduleOf = (match: RouteMatches[number]) => build.routes[match.route.id!]!.module;
  return (url) => {
    // Single-fetch data requests (`/plants/DAY.data`, `/_root.data` for `/`) reach the routes of the page.
    const data = build.future.v3_singleFetch === true && url.pathname.endsWith(".data");
    const pathname = data ? url.pathname.replace(/\.data$/, "").replace(/^\/_root$/, "/") : url.pathname;
    const matches = matchRoutes(tree, pathname, build.basename);
    if (!matches || matches.length === 0) return ["GET", "HEAD"];
    const leaf = moduleOf(matches[matches.length - 1]!);
    const resource = !data && leaf.default == null && leaf.ErrorBoundary == null;
    const methods: Method[] = [];
    if (!resource || leaf.loader) methods.push("GET", "HEAD");
    const target = resource ? matches[matches.length - 1]! : actionTarget(matches, url.search);
    if (moduleOf(target).action) methods.push("POST");
    return methods;
  };
}

function listed(methods: string[]): string {
  return methods.length <= 1 ? methods.join("") : `${methods.slice(0, -1).join(", ")} and ${methods.at(-1)}`;
}

/** Answers 405 with Allow to every method the address does not answer (OPTIONS and TRACE included). */
export function answerOnlyRouteMethods(build: ServerBuild) {
  const answered = methodsAnswered(build);
  return (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    let url: URL;
    try {
      // Built as the request handler builds the request's URL, so both read the same path.
      url = new URL(`http://tracker.invalid${req.originalUrl}`);
    } catch {
      return sendRefusal(req, res, 400, "The address could not be read.");
    }
    const methods = answered(url);
    if ((methods as string[]).includes(req.method)) return next();
    res.setHeader("Allow", methods.join(", "));
    sendRefusal(req, res, 405, `This address answers ${listed(methods)}, not ${req.method}.`);
  };
}
