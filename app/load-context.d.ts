import "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Per-request nonce that the Content-Security-Policy header allows for inline scripts. */
    cspNonce: string;
    /** The client's address as the server saw it, for sign-in throttling. */
    clientIp: string;
  }
}

export {};
