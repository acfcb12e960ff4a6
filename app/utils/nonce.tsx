import { createContext, useContext } from "react";

// The per-request CSP nonce, handed from the server's load context to every inline script tag.
const NonceContext = createContext<string>("");

export const NonceProvider = NonceContext.Provider;

export function useNonce(): string {
  return useContext(NonceContext);
}
