import assert from "node:assert/strict";
import { describe, it } from "node:test";
import zlib from "node:zlib";
import fc from "fast-check";
import {
  createLineSplitter,
  inflatesTooFar,
  INFLATION_JUDGED_FROM_BYTES,
  LogLineError,
  MAX_INFLATION_RATIO,
  MAX_LINE_CHARACTERS,
} from "../../app/domain/log-lines";
import { readLogLines } from "../../app/utils/log-lines.server";

// The bounded line reader every log goes through: lines as a plain split gives them, whatever the chunking, and a
// refusal naming the line as soon as a line or an inflation passes its bound.

const bytes = (text: string) => Buffer.from(text, "utf8");

function splitAll(chunks: Uint8Array[], max?: number): string[] {
  const splitter = createLineSplitter(max);
  return [...chunks.flatMap((c) => splitter.push(c)), ...splitter.end()];
}

/** Lines as a plain split of the whole text gives them: no empty last line after a final line break. */
function plainSplit(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  if (text.endsWith("\n")) lines.pop();
  return lines;
}

function cut(buffer: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((p) => p % (buffer.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    parts.push(buffer.subarray(from, p));
    from = p;
  }
  parts.push(buffer.subarray(from));
  return parts;
}

async function* chunksOf(buffer: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of readLogLines(source)) lines.push(...batch);
  return lines;
}

describe("the line splitter", () => {
  it("gives the lines a plain split gives, however the bytes are cut (line breaks, CRLF, multi-byte characters)", () => {
    const text = fc
      .array(fc.constantFrom("a", "z", "#", "\t", "é", "€", "😀", "\n", "\r\n"), { maxLength: 200 })
      .map((pieces) => pieces.join(""));
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 8 }), (t, at) => {
        assert.deepEqual(splitAll(cut(bytes(t), at)), plainSplit(t));
      })
    );
  });

  it("keeps an empty line, and gives the last line when no line break ends it", () => {
    assert.deepEqual(splitAll([bytes("a\n\nb")]), ["a", "", "b"]);
    assert.deepEqual(splitAll([bytes("a\r"), bytes("\nb\r\n")]), ["a", "b"]);
    assert.deepEqual(splitAll([]), []);
  });

  it("takes a line of exactly the bound and refuses one character more, naming its line", () => {
    const longest = "x".repeat(MAX_LINE_CHARACTERS);
    assert.deepEqual(splitAll([bytes(`a\n${longest}\nb`)]), ["a", longest, "b"]);
    assert.throws(
      () => splitAll([bytes(`a\nb\n${longest}x\nc\n`)]),
      (error: unknown) =>
        error instanceof LogLineError &&
        error.line === 3 &&
        error.message === "line 3 is longer than 64 KB, which no log line is"
    );
  });

  it("refuses an endless line as soon as it passes the bound, without waiting for its end", () => {
    const splitter = createLineSplitter(100);
    assert.deepEqual(splitter.push(bytes("first\nsecond\n")), ["first", "second"]);
    assert.deepEqual(splitter.push(bytes("y".repeat(60))), []);
    assert.throws(() => splitter.push(bytes("y".repeat(60))), { line: 3 });
  });
});

describe("the inflation bound", () => {
  it("judges the ratio only past the floor, and refuses beyond the ratio", () => {
    assert.equal(inflatesTooFar(1, INFLATION_JUDGED_FROM_BYTES), false, "a small file may be all repetition");
    const inflated = INFLATION_JUDGED_FROM_BYTES + 1;
    assert.equal(inflatesTooFar(Math.ceil(inflated / MAX_INFLATION_RATIO), inflated), false);
    assert.equal(inflatesTooFar(Math.floor(inflated / MAX_INFLATION_RATIO) - 1, inflated), true);
  });
});

describe("reading a log's lines", () => {
  const text = "#fields\tts\tid.orig_h\n1.0\t10.0.0.1\n2.0\t10.0.0.2\n";

  it("reads plain and gzipped bytes alike, even when the first chunks are empty or one byte", async () => {
    const expected = plainSplit(text);
    assert.deepEqual(await collect(chunksOf(bytes(text), 1)), expected);
    assert.deepEqual(await collect(chunksOf(zlib.gzipSync(text), 1)), expected);
    assert.deepEqual(await collect(chunksOf(zlib.gzipSync(text), 1 << 16)), expected);
    assert.deepEqual(await collect(chunksOf(Buffer.alloc(0), 1)), []);
    const gzipped = zlib.gzipSync(text);
    const [empty, first, rest] = [gzipped.subarray(0, 0), gzipped.subarray(0, 1), gzipped.subarray(1)];
    assert.deepEqual(
      await collect(
        (async function* () {
          yield empty;
          yield first;
          yield rest;
        })()
      ),
      expected
    );
  });

  it("refuses a gzip that inflates like a bomb, at the line it had reached", async () => {
    // 24 MB of 1 KB lines of zeros: some 70 KB compressed, 370 times smaller.
    const line = "0".repeat(1023) + "\n";
    const bomb = zlib.gzipSync(line.repeat(24 * 1024));
    await assert.rejects(collect(chunksOf(bomb, 1 << 16)), (error: unknown) => {
      assert.ok(error instanceof LogLineError);
      assert.ok(error.line > 16 * 1024 && error.line < 24 * 1024, `refused past the floor: line ${error.line}`);
      assert.match(error.message, /^by line \d+ it inflates to more than 100 times its compressed size/);
      return true;
    });
  });

  it("says after which line a gzip stream breaks", async () => {
    const whole = zlib.gzipSync(text);
    await assert.rejects(collect(chunksOf(whole.subarray(0, whole.length - 6), 1 << 16)), {
      message: /^the gzip stream is truncated or corrupt after line \d+$/,
    });
  });
});
