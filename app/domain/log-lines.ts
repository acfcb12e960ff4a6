// Lines of a log file as its bytes arrive, bounded before anything is kept: a line longer than any log line could
// be, or a compressed file that inflates far beyond what logs do, is refused at the line where it shows, so a
// decompression bomb or a file without line breaks never fills the memory. Pure: the caller reads the bytes.

/**
 * The longest line read, in characters. A Zeek conn.log line is a few hundred bytes (a JSON line with every
 * optional field under 2 KB); anything longer is another kind of file, or none.
 */
export const MAX_LINE_CHARACTERS = 64 * 1024;

/**
 * How many times its compressed size a compressed log may inflate to. Text logs compress 5 to 10 times; a
 * decompression bomb (a run of zeros or blank lines) inflates about a thousand times.
 */
export const MAX_INFLATION_RATIO = 100;

/** Inflated bytes below which the ratio is not judged: a small file may be all repetition and is harmless. */
export const INFLATION_JUDGED_FROM_BYTES = 16 * 1024 * 1024;

/** The input was refused at `line` (1-based): the message says why, as a clause to follow the file's name. */
export class LogLineError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
    this.name = "LogLineError";
  }
}

export interface LineSplitter {
  /** The lines `chunk` completes (without their `\n` or `\r\n`); an unfinished last line waits for the next chunk. */
  push(chunk: Uint8Array): string[];
  /** The last line, when the input did not end with a line break. */
  end(): string[];
  /** Lines given so far. */
  readonly lines: number;
}

function tooLong(line: number): LogLineError {
  return new LogLineError(line, `line ${line} is longer than ${MAX_LINE_CHARACTERS / 1024} KB, which no log line is`);
}

/**
 * Splits UTF-8 bytes into lines at `\n`, dropping a `\r` before it. Never holds more than one unfinished line, and
 * refuses that line as soon as it passes `maxLineCharacters`, before the rest of it arrives.
 */
export function createLineSplitter(maxLineCharacters: number = MAX_LINE_CHARACTERS): LineSplitter {
  const decoder = new TextDecoder("utf-8");
  let unfinished = "";
  let lines = 0;

  function take(text: string, last: boolean): string[] {
    const out: string[] = [];
    let start = 0;
    for (;;) {
      const lineEnd = text.indexOf("\n", start);
      if (lineEnd === -1) break;
      const end = lineEnd > start && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
      if (end - start > maxLineCharacters) throw tooLong(lines + out.length + 1);
      out.push(text.slice(start, end));
      start = lineEnd + 1;
    }
    const rest = start === 0 ? text : text.slice(start);
    if (rest.length > maxLineCharacters) throw tooLong(lines + out.length + 1);
    if (last) {
      if (rest !== "") out.push(rest.charCodeAt(rest.length - 1) === 13 ? rest.slice(0, -1) : rest);
      unfinished = "";
    } else {
      unfinished = rest;
    }
    lines += out.length;
    return out;
  }

  return {
    push: (chunk) => {
      const text = decoder.decode(chunk, { stream: true });
      return take(unfinished === "" ? text : unfinished + text, false);
    },
    end: () => take(unfinished + decoder.decode(), true),
    get lines() {
      return lines;
    },
  };
}

/**
 * Whether a compressed input that has inflated from `compressedBytes` to `inflatedBytes` so far must be refused
 * as a decompression bomb.
 */
export function inflatesTooFar(compressedBytes: number, inflatedBytes: number): boolean {
  return inflatedBytes > INFLATION_JUDGED_FROM_BYTES && inflatedBytes > MAX_INFLATION_RATIO * compressedBytes;
}
