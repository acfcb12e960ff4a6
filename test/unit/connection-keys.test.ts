import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { connectionKey, KEY_WORDS, KeyBatch, pairLanes } from "../../app/domain/connection-keys";

// The keys that tell a connection counted before from a new one: a chunk's keys checked against a minute's stored
// keys and merged into them must agree with a plain set of keys, whatever the order and the repeats.

const record = (ts: number, origPort: number, respPort = 502) => ({
  ts,
  origHost: "10.0.0.1",
  origPort,
  respHost: "2001:db8::1",
  respPort,
  proto: "tcp",
});

describe("connection keys", () => {
  it("tell connections apart by start microsecond, ports, hosts and protocol, and nothing else", () => {
    const base = connectionKey(record(1_795_393_105.123456, 50_000));
    assert.deepEqual(connectionKey(record(1_795_393_105.123456, 50_000)), base);
    assert.deepEqual(connectionKey({ ...record(1_795_393_105.123456, 50_000), origBytes: 9 } as never), base);
    for (const other of [
      record(1_795_393_105.123457, 50_000),
      record(1_795_393_105.123456, 50_001),
      record(1_795_393_105.123456, 50_000, 503),
      { ...record(1_795_393_105.123456, 50_000), proto: "udp" },
      { ...record(1_795_393_105.123456, 50_000), origHost: "10.0.0.2" },
      { ...record(1_795_393_105.123456, 50_000), origPort: null },
    ]) {
      assert.notDeepEqual(connectionKey(other), base);
    }
    assert.equal(base.minute, Math.floor(1_795_393_105 / 60));
    assert.equal(base.offset, (1_795_393_105 % 60) * 1e6 + 123456);
  });

  it("marks what a minute already holds and repeats, and merges the rest in order, like a set would", () => {
    const minuteStart = 29_923_218 * 60;
    const arbitraryConnection = fc.record({
      second: fc.integer({ min: 0, max: 59 }),
      port: fc.integer({ min: 0, max: 4 }),
    });
    fc.assert(
      fc.property(
        fc.array(arbitraryConnection, { maxLength: 40 }),
        fc.array(arbitraryConnection, { maxLength: 40 }),
        (storedOnes, chunkOnes) => {
          const lanes = pairLanes("10.0.0.1", "2001:db8::1");
          const textOf = (c: { second: number; port: number }) => `${c.second}:${c.port}`;
          // The stored minute: its keys, sorted, without repeats (as a merge leaves them).
          const first = new KeyBatch(storedOnes.length);
          for (const c of storedOnes) first.push(lanes, record(minuteStart + c.second, c.port));
          const firstOrder = first.order();
          const firstSeen = new Uint8Array(first.length);
          first.markStored(firstOrder, 0, first.length, new Uint32Array(0), firstSeen);
          const stored = first.merge(new Uint32Array(0), firstOrder, 0, first.length, firstSeen);
          const storedSet = new Set(storedOnes.map(textOf));
          assert.equal(stored.length / KEY_WORDS, storedSet.size);

          const chunk = new KeyBatch(chunkOnes.length);
          for (const c of chunkOnes) chunk.push(lanes, record(minuteStart + c.second, c.port));
          const order = chunk.order();
          const seen = new Uint8Array(chunk.length);
          chunk.markStored(order, 0, chunk.length, stored, seen);
          const merged = chunk.merge(stored, order, 0, chunk.length, seen);

          const counted = new Set<string>();
          chunkOnes.forEach((c, i) => {
            const isNew = !storedSet.has(textOf(c)) && !counted.has(textOf(c));
            assert.equal(seen[i] === 0, isNew, `connection ${i} (${textOf(c)}) new: ${isNew}`);
            if (isNew) counted.add(textOf(c));
          });
          assert.equal(merged.length / KEY_WORDS, storedSet.size + counted.size);
          for (let w = KEY_WORDS; w < merged.length; w += KEY_WORDS) {
            const before = [merged[w - 3]!, merged[w - 2]!, merged[w - 1]!];
            const after = [merged[w]!, merged[w + 1]!, merged[w + 2]!];
            assert.ok(
              before[0]! < after[0]! ||
                (before[0] === after[0] &&
                  (before[1]! < after[1]! || (before[1] === after[1] && before[2]! < after[2]!))),
              "sorted, no repeats"
            );
          }
        }
      )
    );
  });
});
