import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { createElement, type ReactElement } from "react";
import { renderToPipeableStream, renderToString } from "react-dom/server";
import { withoutViewPadding } from "~/http/document.server";

// React 18's server renderer hands over its whole 2,048-byte buffer, zero bytes and all, when a character of several
// bytes does not fit at its end. The documents the server sends must hold the page's bytes only.

/** The chunks React writes for `element`, as a server document receives them. */
function chunksOf(element: ReactElement): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const { pipe } = renderToPipeableStream(element, {
      onAllReady() {
        pipe(
          new Writable({
            write(chunk: Buffer, _encoding, done) {
              chunks.push(chunk);
              done();
            },
            final(done) {
              resolve(chunks);
              done();
            },
          })
        );
      },
      onError: reject,
    });
  });
}

describe("a rendered document's bytes", () => {
  it("hold no padding where a character of several bytes meets the end of React's buffer", async () => {
    let padded = 0;
    // Texts of up to 682 characters are copied into the 2,048-byte buffer; several pieces of them fill it to within
    // one or two bytes of its end for some of these lengths.
    for (let filler = 600; filler < 682; filler++) {
      const element = createElement(
        "div",
        null,
        ...Array.from({ length: 4 }, (_, i) => createElement("p", { key: i }, `${"a".repeat(filler)}“quoted”`))
      );
      const chunks = await chunksOf(element);
      if (Buffer.concat(chunks).includes(0)) padded++;
      const body = Buffer.concat(chunks.map(withoutViewPadding));
      assert.equal(body.includes(0), false, `no zero byte with ${filler} letters`);
      assert.equal(body.toString("utf8"), renderToString(element), `the same markup with ${filler} letters`);
    }
    assert.ok(padded > 0, "React padded at least one of these documents (the case this guards against)");
  });

  it("keeps every other chunk as it is", async () => {
    const chunks = await chunksOf(createElement("p", null, "“quoted”"));
    for (const chunk of chunks) assert.equal(withoutViewPadding(chunk), chunk);
    const full = Buffer.alloc(2048, 0x61);
    assert.equal(withoutViewPadding(full), full, "a full buffer of text is kept whole");
  });
});
