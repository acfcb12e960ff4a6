import { Writable } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { DocumentProvider } from "~/components/RenderedOnce";
import { documentRenderer, withoutViewPadding } from "~/http/document.server";
import { loadRollup } from "~/http/readiness-cache.server";
import { pruneSignInRecords as prune } from "~/models/sessions.server";
import { getDb } from "~/utils/db.server";
import { NonceProvider } from "~/utils/nonce";

const ABORT_DELAY = 5_000;

/**
 * Judges every plant once, before the server takes requests: the first reader of the dashboard or the plant list
 * should not wait for the whole program to be judged (seconds at hundreds of plants).
 */
export async function warmCaches(): Promise<void> {
  await loadRollup(getDb(), new Date());
}

/** Deletes old sign-in attempts and expired sessions; the server calls it at start and every hour. */
export function pruneSignInRecords() {
  return prune(getDb(), new Date());
}

// Pages are rendered whole before the first byte: no deferred data is used, and a complete document
// lets the status code and headers reflect what the loaders decided. The document goes out as one buffer: React
// writes it in pieces of a few kilobytes, and streaming each piece through to the socket cost more than rendering
// a large page's tables (a write, and a gzip flush, per piece).
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext
) {
  const nonce = loadContext.cspNonce;
  // Markup rendered once for many requests goes in as bytes after React has written the rest (RenderedOnce).
  const document = documentRenderer();
  return new Promise<Response>((resolve, reject) => {
    let errored = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <DocumentProvider value={document}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </DocumentProvider>
      </NonceProvider>,
      {
        nonce,
        onAllReady() {
          const chunks: Buffer[] = [];
          const written = new Writable({
            write(chunk: Buffer, _encoding, done) {
              chunks.push(withoutViewPadding(chunk));
              done();
            },
            final(done) {
              responseHeaders.set("Content-Type", "text/html; charset=utf-8");
              resolve(
                new Response(document.assemble(Buffer.concat(chunks)), {
                  headers: responseHeaders,
                  status: errored ? 500 : responseStatusCode,
                })
              );
              done();
            },
          });
          pipe(written);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          errored = true;
          console.error(error);
        },
      }
    );
    setTimeout(abort, ABORT_DELAY);
  });
}
