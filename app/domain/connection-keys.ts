import type { ConnRecord } from "./zeek";

// What tells one connection from another when a log is ingested again, or overlaps another: its start to the
// microsecond and 64 bits of a hash of its endpoints, ports and protocol. The keys of one UTC minute are kept as one
// sorted array of 32-bit words, three per key (microsecond within the minute, hash high, hash low), which the
// database stores as one blob per minute: twelve bytes a connection instead of a row and its index entries.
//
// The hash is not cryptographic: two distinct connections share a key only if they start in the same microsecond
// and their hashes collide in 64 bits, a chance of about one in 10^19 per such pair.

export const KEY_WORDS = 3;
const MINUTE_US = 60_000_000;

/** A connection's minute (UTC minutes since 1970) and key. */
export interface ConnectionKey {
  minute: number;
  offset: number;
  high: number;
  low: number;
}

/** The start in whole microseconds: Zeek writes six decimals, and two spellings of one instant are one. */
export function startMicros(ts: number): number {
  return Math.round(ts * 1e6);
}

// The hash's two 32-bit lanes while a key is made: no array or object per field on a path run once per connection.
let laneHigh = 0;
let laneLow = 0;

function mixText(text: string): void {
  let h = laneHigh ^ text.length;
  let l = Math.imul(laneLow ^ text.length, 0x5bd1e995);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h = Math.imul(h ^ c, 0x01000193);
    l = Math.imul(l ^ c, 0xcc9e2d51);
    l = (l << 15) | (l >>> 17);
  }
  laneHigh = h;
  laneLow = l;
}

function avalanche(value: number): number {
  let x = value;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The connection's key: its start microsecond and a 64-bit hash of both endpoints, both ports and the protocol. */
export function connectionKey(record: ConnRecord): ConnectionKey {
  laneHigh = 0x811c9dc5;
  laneLow = 0x9747b28c;
  mixText(record.origHost);
  mixText(record.respHost);
  mixText(record.proto);
  // An unset port is 65536, outside every port.
  const origPort = record.origPort ?? 65536;
  const respPort = record.respPort ?? 65536;
  let high = Math.imul(laneHigh ^ origPort, 0x01000193);
  high = Math.imul(high ^ respPort, 0x01000193);
  let low = Math.imul(laneLow ^ respPort, 0xcc9e2d51);
  low = Math.imul(((low << 15) | (low >>> 17)) ^ origPort, 0x1b873593);
  high = avalanche(high ^ Math.imul(low, 0x27d4eb2f));
  low = avalanche(low + 0x165667b1);
  return keyWithHash(record.ts, high, low);
}

/** The minute and microsecond of a start, with a hash made elsewhere (the SHA-1 keys of older ingests). */
export function keyWithHash(ts: number, high: number, low: number): ConnectionKey {
  const micros = startMicros(ts);
  const minute = Math.floor(micros / MINUTE_US);
  return { minute, offset: micros - minute * MINUTE_US, high, low };
}

/** A blob of stored keys as words (copied when the blob does not start on a word boundary). */
export function keysOf(blob: Uint8Array): Uint32Array {
  if (blob.byteOffset % 4 === 0) return new Uint32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);
  return new Uint32Array(new Uint8Array(blob).buffer);
}

/** Keys as a blob, in the machine's byte order (little-endian on every platform Node supports here). */
export function blobOf(keys: Uint32Array): Buffer {
  return Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength);
}

export function compareKeys(a: ConnectionKey, b: ConnectionKey): number {
  return a.offset - b.offset || a.high - b.high || a.low - b.low;
}

/** Compares key `a` with the key at word `i` of a sorted key array. */
function compareAt(a: ConnectionKey, words: Uint32Array, i: number): number {
  return a.offset - words[i]! || a.high - words[i + 1]! || a.low - words[i + 2]!;
}

/**
 * Marks in `seen` the keys of `sorted` (one minute's, sorted by `compareKeys`) that `stored` (a sorted key array)
 * already holds. One pass over both.
 */
export function markStored(sorted: readonly ConnectionKey[], stored: Uint32Array, seen: boolean[]): void {
  let j = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (seen[i]) continue;
    const key = sorted[i]!;
    while (j < stored.length && compareAt(key, stored, j) > 0) j += KEY_WORDS;
    if (j >= stored.length) return;
    if (compareAt(key, stored, j) === 0) seen[i] = true;
  }
}

/** `stored` (sorted) with the `added` keys (sorted, none of them in `stored`) merged in. */
export function mergeKeys(stored: Uint32Array, added: readonly ConnectionKey[]): Uint32Array {
  const out = new Uint32Array(stored.length + added.length * KEY_WORDS);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < stored.length || j < added.length) {
    if (j >= added.length || (i < stored.length && compareAt(added[j]!, stored, i) > 0)) {
      out[o] = stored[i]!;
      out[o + 1] = stored[i + 1]!;
      out[o + 2] = stored[i + 2]!;
      i += KEY_WORDS;
    } else {
      const key = added[j]!;
      out[o] = key.offset;
      out[o + 1] = key.high;
      out[o + 2] = key.low;
      j++;
    }
    o += KEY_WORDS;
  }
  return out;
}
