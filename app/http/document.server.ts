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
