import * as zod from "zod";

// Every schema of the app comes from here. Zod compiles a fast path for objects with `new Function`, which the
// strict Content-Security-Policy forbids in the browser (each probe is reported as a violation); schemas are
// shared with route modules that run in the browser, so the interpreter is used everywhere. This module must be
// evaluated before any schema is built, which importing `z` from it guarantees.
zod.config({ jitless: true });

export { z } from "zod";
