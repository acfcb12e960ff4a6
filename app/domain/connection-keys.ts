// What tells one connection from another when a log is ingested again, or overlaps another: its start to the
// microsecond and 64 bits of a hash of its endpoints, ports and protocol. The keys of one UTC minute are kept as one
// sorted array of 32-bit words, three per key (microsecond within the minute, hash high, hash low), which the
// database stores as one blob per minute: twelve bytes a connection instead of a row and its index entries.
//
// The hash is not cryptographic: two distinct connections share a key only if they start in the same microsecond
// and their hashes collide in 64 bits, a chance of about one in 10^19 per such pair.

export const KEY_WORDS = 3;
const MINUTE_US = 60_000_000;

/** The hash of a host pair, from which the keys of all its connections are made (a log repeats its pairs). */
export interface PairLanes {
  readonly high: number;
  readonly low: number;
}

export interface ConnectionKey {
  /** UTC minutes since 1970. */
  minute: number;
  /** Microsecond within the minute. */
  offset: number;
  high: number;
  low: number;
}

/** What a key is made of: the fields of a ConnRecord. */
export interface KeyedConnection {
  ts: number;
  origHost: string;
  origPort: number | null;
  respHost: string;
  respPort: number | null;
  proto: string;
}

/** The start in whole microseconds: Zeek writes six decimals, and two spellings of one instant are one. */
function startMicros(ts: number): number {
  return Math.round(ts * 1e6);
}

function mixText(high: number, low: number, text: string, out: { high: number; low: number }): void {
  let h = high ^ text.length;
  let l = Math.imul(low ^ text.length, 0x5bd1e995);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h = Math.imul(h ^ c, 0x01000193);
    l = Math.imul(l ^ c, 0xcc9e2d51);
    l = (l << 15) | (l >>> 17);
  }
  out.high = h;
  out.low = l;
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

export function pairLanes(origHost: string, respHost: string): PairLanes {
  const lanes = { high: 0, low: 0 };
  mixText(0x811c9dc5, 0x9747b28c, origHost, lanes);
  mixText(lanes.high, lanes.low, respHost, lanes);
  return lanes;
}

/** A protocol as a number for the hash: the usual three by a constant, any other by its text. */
function protoWord(proto: string): number {
  if (proto === "tcp") return 6;
  if (proto === "udp") return 17;
  if (proto === "icmp") return 1;
  let h = 0x811c9dc5;
  for (let i = 0; i < proto.length; i++) h = Math.imul(h ^ proto.charCodeAt(i), 0x01000193);
  return (h | 0x100) >>> 0;
}

/** The hash of one connection of a pair: high and low words, written into `out`. */
function connectionHash(lanes: PairLanes, record: KeyedConnection, out: { high: number; low: number }): void {
  // An unset port is 65536, outside every port.
  const origPort = record.origPort ?? 65536;
  const respPort = record.respPort ?? 65536;
  const proto = protoWord(record.proto);
  let high = Math.imul(lanes.high ^ proto, 0x01000193);
  high = Math.imul(high ^ origPort, 0x01000193);
  high = Math.imul(high ^ respPort, 0x01000193);
  let low = Math.imul(lanes.low ^ respPort, 0xcc9e2d51);
  low = Math.imul(((low << 15) | (low >>> 17)) ^ origPort, 0x1b873593);
  low = Math.imul(((low << 13) | (low >>> 19)) ^ proto, 0xcc9e2d51);
  out.high = avalanche(high ^ Math.imul(low, 0x27d4eb2f));
  out.low = avalanche(low + 0x165667b1);
}

/** The connection's key: its start microsecond and a 64-bit hash of both endpoints, both ports and the protocol. */
export function connectionKey(record: KeyedConnection, lanes = pairLanes(record.origHost, record.respHost)) {
  const hash = { high: 0, low: 0 };
  connectionHash(lanes, record, hash);
  return keyWithHash(record.ts, hash.high, hash.low);
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

/**
 * The keys of a chunk of connections, in typed arrays (no object per connection), to be checked against the keys
 * stored for their minutes and merged into them.
 */
export class KeyBatch {
  readonly minute: Float64Array;
  readonly offset: Uint32Array;
  readonly high: Uint32Array;
  readonly low: Uint32Array;
  length = 0;
  private readonly hash = { high: 0, low: 0 };

  constructor(readonly capacity: number) {
    this.minute = new Float64Array(capacity);
    this.offset = new Uint32Array(capacity);
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
  }

  /** Appends the key of a connection of the pair `lanes`; answers its index. */
  push(lanes: PairLanes, record: KeyedConnection): number {
    connectionHash(lanes, record, this.hash);
    return this.pushKey(record.ts, this.hash.high, this.hash.low);
  }

  pushKey(ts: number, high: number, low: number): number {
    const i = this.length++;
    const micros = startMicros(ts);
    const minute = Math.floor(micros / MINUTE_US);
    this.minute[i] = minute;
    this.offset[i] = micros - minute * MINUTE_US;
    this.high[i] = high;
    this.low[i] = low;
    return i;
  }

  compare(a: number, b: number): number {
    return (
      this.minute[a]! - this.minute[b]! ||
      this.offset[a]! - this.offset[b]! ||
      this.high[a]! - this.high[b]! ||
      this.low[a]! - this.low[b]!
    );
  }

  /** The indices in key order (minute first). A log is in time order, mostly: then this is one pass. */
  order(): Int32Array {
    const order = new Int32Array(this.length);
    let sorted = true;
    for (let i = 0; i < this.length; i++) {
      order[i] = i;
      if (i > 0 && sorted && this.compare(i - 1, i) > 0) sorted = false;
    }
    if (!sorted) order.sort((a, b) => this.compare(a, b));
    return order;
  }

  /** Compares key `i` with the key at word `w` of a sorted key array (of the same minute). */
  private compareStored(i: number, words: Uint32Array, w: number): number {
    return this.offset[i]! - words[w]! || this.high[i]! - words[w + 1]! || this.low[i]! - words[w + 2]!;
  }

  /**
   * Marks in `seen` the keys `order[from..to)` (one minute's, in key order) that `stored` (that minute's sorted
   * keys) holds, and those equal to the key before them. One pass over both.
   */
  markStored(order: Int32Array, from: number, to: number, stored: Uint32Array, seen: Uint8Array): void {
    let w = 0;
    for (let k = from; k < to; k++) {
      const i = order[k]!;
      if (seen[i]) continue;
      if (k > from && this.compare(order[k - 1]!, i) === 0) {
        seen[i] = 1;
        continue;
      }
      while (w < stored.length && this.compareStored(i, stored, w) > 0) w += KEY_WORDS;
      if (w < stored.length && this.compareStored(i, stored, w) === 0) seen[i] = 1;
    }
  }

  /** `stored` (sorted) with the keys `order[from..to)` not marked in `seen` merged in. */
  merge(stored: Uint32Array, order: Int32Array, from: number, to: number, seen: Uint8Array): Uint32Array {
    let added = 0;
    for (let k = from; k < to; k++) if (!seen[order[k]!]) added++;
    const out = new Uint32Array(stored.length + added * KEY_WORDS);
    let w = 0;
    let o = 0;
    let k = from;
    for (;;) {
      while (k < to && seen[order[k]!]) k++;
      if (k >= to && w >= stored.length) break;
      if (k >= to || (w < stored.length && this.compareStored(order[k]!, stored, w) > 0)) {
        out[o] = stored[w]!;
        out[o + 1] = stored[w + 1]!;
        out[o + 2] = stored[w + 2]!;
        w += KEY_WORDS;
      } else {
        const i = order[k]!;
        out[o] = this.offset[i]!;
        out[o + 1] = this.high[i]!;
        out[o + 2] = this.low[i]!;
        k++;
      }
      o += KEY_WORDS;
    }
    return out;
  }
}
