import { randomUUID } from "node:crypto";
import type { ReactElement } from "react";
import { renderToString } from "react-dom/server";
import type { DocumentRenderer } from "~/components/RenderedOnce";

/**
 * What a document's `<RenderedOnce>` boxes use on the server: `render` renders their children apart (once per kept
 * view: with ids of their own, so they never meet the page's), `splice` gives a placeholder for markup already in
 * bytes (a comment no page text can forge: React escapes text, and the token is new for each document), and
 * `assemble` puts the bytes where their placeholders are once React has written the document.
 */
export function documentRenderer(): DocumentRenderer & {
  assemble(document: Buffer<ArrayBuffer>): Buffer<ArrayBuffer>;
} {
  const token = randomUUID();
  const pieces: Uint8Array[] = [];
  let rendered = 0;
  return {
    render(element: ReactElement): string {
      return renderToString(element, { identifierPrefix: `once-${token.slice(0, 8)}-${rendered++}-` });
    },
    splice(bytes: Uint8Array): string {
      pieces.push(bytes);
      return `<!--spliced:${token}:${pieces.length - 1}-->`;
    },
    assemble(document) {
      if (pieces.length === 0) return document;
      const parts: Uint8Array[] = [];
      let from = 0;
      pieces.forEach((bytes, i) => {
        const placeholder = Buffer.from(`<!--spliced:${token}:${i}-->`);
        const at = document.indexOf(placeholder, from);
        if (at < 0) return;
        parts.push(document.subarray(from, at), bytes);
        from = at + placeholder.length;
      });
      parts.push(document.subarray(from));
      return Buffer.concat(parts);
    },
  };
}

/** The size of the buffer React's server renderer fills before handing it over (react-dom-server, VIEW_SIZE). */
const REACT_VIEW_SIZE = 2048;

/**
 * A chunk of a rendered document without the padding React 18 leaves in it: when the next character of a text does
 * not fit in what is left of its 2,048-byte buffer (a character of two to four bytes with one to three bytes left),
 * it hands over the whole buffer, the unwritten zero bytes at its end included (react-dom-server 18.3,
 * writeStringChunk). A page never holds a zero byte of its own: React writes text as UTF-8, where only U+0000 is a
 * zero byte, and forms refuse control characters.
 */
export function withoutViewPadding(chunk: Buffer): Buffer {
  if (chunk.length !== REACT_VIEW_SIZE) return chunk;
  let end = chunk.length;
  while (end > chunk.length - 3 && chunk[end - 1] === 0) end--;
  return end === chunk.length ? chunk : chunk.subarray(0, end);
}
