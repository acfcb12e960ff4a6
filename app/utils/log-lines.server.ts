import { pipeline, Readable } from "node:stream";
import zlib from "node:zlib";
import { createLineSplitter, inflatesTooFar, LogLineError, MAX_INFLATION_RATIO } from "~/domain/log-lines";

// A log's lines from its bytes (a file, an upload), plain or gzipped, within the bounds of app/domain/log-lines.ts:
// every way logs come in reads them here, so none can be made to hold an endless line or inflate a bomb.

function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

const ZLIB_ERRORS = new Set(["Z_BUF_ERROR", "Z_DATA_ERROR", "Z_NEED_DICT", "Z_STREAM_ERROR"]);

function isBrokenGzip(error: unknown): boolean {
  return (
    ZLIB_ERRORS.has(String((error as NodeJS.ErrnoException).code)) || /unexpected end of file/i.test(String(error))
  );
}

/** The source's chunks, the first of them at least two bytes long (or the whole source, if shorter). */
async function* withHead(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let head: Uint8Array = Buffer.alloc(0);
  let started = false;
  for await (const chunk of source) {
    if (started) {
      yield chunk;
      continue;
    }
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    if (head.length >= 2) {
      started = true;
      yield head;
    }
  }
  if (!started && head.length > 0) yield head;
}

/**
 * The lines of `source`, in batches (one per chunk read: a per-line promise would cost more than splitting), gunzipped
 * when it starts as gzip does. Throws LogLineError naming the line where a bound was passed, or after which line a
 * gzip stream broke. Memory stays flat: one chunk and one unfinished line at a time.
 */
export async function* readLogLines(source: AsyncIterable<Uint8Array>): AsyncGenerator<string[]> {
  const splitter = createLineSplitter();
  const chunks = withHead(source)[Symbol.asyncIterator]();
  const first = await chunks.next();
  if (first.done) return;
  const rest: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => chunks,
  };

  if (!isGzip(first.value)) {
    yield splitter.push(first.value);
    for await (const chunk of rest) yield splitter.push(chunk);
    yield splitter.end();
    return;
  }

  const gunzip = zlib.createGunzip();
  const inflated = pipeline(
    Readable.from(
      (async function* () {
        yield first.value;
        yield* rest;
      })()
    ),
    gunzip,
    () => {}
  );
  let inflatedBytes = 0;
  try {
    for await (const chunk of inflated as AsyncIterable<Buffer>) {
      inflatedBytes += chunk.length;
      // What the engine has consumed, not what was read ahead of it: read-ahead would dilute a bomb's ratio.
      if (inflatesTooFar(gunzip.bytesWritten, inflatedBytes)) {
        throw new LogLineError(
          splitter.lines + 1,
          `by line ${
            splitter.lines + 1
          } it inflates to more than ${MAX_INFLATION_RATIO} times its compressed size, as a decompression bomb does (a log compresses 5 to 10 times)`
        );
      }
      yield splitter.push(chunk);
    }
  } catch (error) {
    if (isBrokenGzip(error)) {
      throw new LogLineError(splitter.lines, `the gzip stream is truncated or corrupt after line ${splitter.lines}`);
    }
    throw error;
  }
  yield splitter.end();
}
