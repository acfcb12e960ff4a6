import "@remix-run/node";
import type { data } from "@remix-run/node";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export type { data };
