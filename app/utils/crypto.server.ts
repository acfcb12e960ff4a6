import crypto from "node:crypto";

// Digests and random secrets: what stores a secret only as its hash (sessions, tokens, feed links) and what
// fingerprints content (signoffs) compute with. Password hashing is apart, in password.server.ts.

export function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

export function randomSecret(bytes = 32): string {
  return crypto.randomBytes(bytes).toString("base64url");
}
