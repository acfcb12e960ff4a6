import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  CidrMatcher,
  canonicalAddress,
  canonicalCidr,
  formatAddress,
  parseAddress,
  parseCidr,
  readCidr,
  type Address,
} from "../../app/domain/cidr";

describe("CIDR matching", () => {
  it("parses IPv4 and IPv6 blocks", () => {
    assert.deepEqual(parseCidr("10.10.10.0/24"), { version: 4, network: 0x0a0a0a00n, prefix: 24 });
    assert.equal(parseCidr("2001:db8::/32")?.network, 0x20010db8n << 96n);
    assert.equal(parseCidr("10.0.0.0/33"), null);
    assert.equal(parseCidr("300.0.0.0/8"), null);
    assert.equal(parseCidr("nonsense"), null);
    assert.equal(parseAddress("::ffff:10.0.0.1")?.value, (0xffffn << 32n) | 0x0a000001n);
    assert.equal(parseAddress("fe80::1%eth0")?.version, 6);
    assert.equal(parseAddress("1:2:3:4:5:6:7:8:9"), null);
  });

  it("matches the most specific block, per family", () => {
    const matcher = new CidrMatcher<string>();
    matcher.add("0.0.0.0/0", "external");
    matcher.add("192.168.88.0/23", "lab");
    matcher.add("10.10.10.0/24", "cell");
    matcher.add("fd00::/8", "v6");
    assert.equal(matcher.match("10.10.10.255"), "cell");
    assert.equal(matcher.match("10.10.10.010"), "cell");
    assert.equal(matcher.match("192.168.89.4"), "lab");
    assert.equal(matcher.match("192.168.90.4"), "external");
    assert.equal(matcher.match("fd12:3456::1"), "v6");
    assert.equal(matcher.match("FD12:3456:0:0::1"), "v6");
    assert.equal(matcher.match("2001:db8::1"), null);
    assert.equal(matcher.match("not-an-ip"), null);
  });
});

describe("canonical addresses", () => {
  it("reads leading zeros of IPv4 as decimal and writes them without", () => {
    assert.equal(canonicalAddress("10.0.0.010"), "10.0.0.10");
    assert.equal(canonicalAddress("010.000.000.001"), "10.0.0.1");
    assert.equal(canonicalAddress(" 192.168.1.1 "), "192.168.1.1");
    for (const bad of ["10.0.0.0010", "10.0.0.256", "10.1", "10.0.0.0.1", "0x0a.0.0.1", "10.0.0.-1", "", "1e1.0.0.1"]) {
      assert.equal(canonicalAddress(bad), null, bad);
    }
  });

  it("writes IPv6 as RFC 5952 does", () => {
    const cases: [string, string][] = [
      ["2001:DB8:0:0::1", "2001:db8::1"],
      ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // the first of two equal runs
      ["2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"], // the longest run, not the first
      ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // one zero group is not compressed
      ["0:0:0:0:0:0:0:0", "::"],
      ["0:0:0:0:0:0:0:1", "::1"],
      ["1:0:0:0:0:0:0:0", "1::"],
      ["::FFFF:0A00:0001", "::ffff:10.0.0.1"],
      ["::ffff:010.000.000.001", "::ffff:10.0.0.1"],
      ["0:0:0:0:0:FFFF:192.168.1.1", "::ffff:192.168.1.1"],
      ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
      ["fe80::1%eth0", "fe80::1"],
    ];
    for (const [given, canonical] of cases) assert.equal(canonicalAddress(given), canonical, given);
    for (const bad of [
      ":::1",
      "1::2::3",
      ":1::2",
      "1::2:",
      "12345::1",
      "1:2:3:4:5:6:7",
      "::1.2.3",
      "::g",
      "1.2.3.4::",
    ]) {
      assert.equal(canonicalAddress(bad), null, bad);
    }
  });

  it("refuses a block with host bits set, naming the block it means", () => {
    assert.equal(canonicalCidr("10.10.10.0/024"), "10.10.10.0/24");
    assert.equal(canonicalCidr("010.10.10.000/24"), "10.10.10.0/24");
    assert.equal(canonicalCidr("2001:DB8:0::/32"), "2001:db8::/32");
    assert.equal(canonicalCidr("10.0.0.1"), "10.0.0.1/32");
    assert.equal(canonicalCidr("::1"), "::1/128");
    assert.deepEqual(readCidr("10.10.10.7/24"), {
      ok: false,
      reason: '"10.10.10.7/24" has host bits set: the block is 10.10.10.0/24 (or write 10.10.10.7/32 for the one host)',
    });
    assert.deepEqual(readCidr("10.0.0.0/33"), { ok: false, reason: '"10.0.0.0/33" is not a CIDR block' });
    assert.equal(canonicalCidr("10.0.0.0/"), null);
    assert.equal(canonicalCidr("10.0.0.0/8/8"), null);
  });

  // Random spellings of one address, as different tools write it.
  const v4Arb = fc.bigInt({ min: 0n, max: 0xffffffffn });
  const v6Arb = fc.oneof(
    fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
    // Mostly zero groups, so that runs of zeros (and their compression) are common.
    fc
      .array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
        minLength: 8,
        maxLength: 8,
      })
      .map((groups) => groups.reduce((value, g) => (value << 16n) | BigInt(g), 0n)),
    fc.bigInt({ min: 0n, max: 0xffffffffn }).map((v4) => (0xffffn << 32n) | v4)
  );
  const padded = (text: string, width: number, zeros: number) =>
    text.padStart(Math.min(width, text.length + zeros), "0");
  const v4Spelling = (value: bigint) =>
    fc
      .array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 })
      .map((zeros) =>
        [24n, 16n, 8n, 0n].map((shift, i) => padded(String((value >> shift) & 0xffn), 3, zeros[i]!)).join(".")
      );
  const v6Spelling = (value: bigint) =>
    fc
      .record({
        zeros: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 8, maxLength: 8 }),
        upper: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        embedV4: fc.boolean(),
        v4: v4Spelling(value & 0xffffffffn),
        run: fc.nat(),
      })
      .map(({ zeros, upper, embedV4, v4, run }) => {
        const groups = Array.from({ length: 8 }, (_, i) => {
          const hex = padded(((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16), 4, zeros[i]!);
          return upper[i] ? hex.toUpperCase() : hex;
        });
        const words = embedV4 ? [...groups.slice(0, 6), v4] : groups;
        // Any run of zero groups (not the IPv4 tail) may be written `::`, or none.
        const runs: [number, number][] = [];
        for (let i = 0; i < (embedV4 ? 6 : 8); i++) {
          for (let j = i; j < (embedV4 ? 6 : 8) && /^0+$/.test(groups[j]!); j++) runs.push([i, j + 1]);
        }
        const choice = run % (runs.length + 1);
        if (choice === runs.length) return words.join(":");
        const [from, to] = runs[choice]!;
        return `${words.slice(0, from).join(":")}::${words.slice(to).join(":")}`;
      });
  const spelled: fc.Arbitrary<{ address: Address; text: string }> = fc.oneof(
    v4Arb.chain((value) => v4Spelling(value).map((text) => ({ address: { version: 4 as const, value }, text }))),
    v6Arb.chain((value) => v6Spelling(value).map((text) => ({ address: { version: 6 as const, value }, text })))
  );

  it("gives every spelling of an address the same canonical text, which parses back to the address", () => {
    fc.assert(
      fc.property(spelled, ({ address, text }) => {
        const canonical = canonicalAddress(text);
        assert.equal(canonical, formatAddress(address), `${text} is ${formatAddress(address)}`);
        assert.deepEqual(parseAddress(canonical), address);
        assert.equal(canonicalAddress(canonical), canonical, "canonical text is its own canonical text");
      }),
      { numRuns: 5000 }
    );
  });

  it("writes IPv6 as the URL standard's serializer does, except IPv4-mapped addresses", () => {
    // An independent implementation of the same compression rules (WHATWG URL, in Node itself).
    fc.assert(
      fc.property(
        v6Arb.filter((value) => value >> 32n !== 0xffffn),
        (value) => {
          const canonical = formatAddress({ version: 6, value });
          assert.equal(new URL(`http://[${canonical}]/`).hostname, `[${canonical}]`);
        }
      ),
      { numRuns: 2000 }
    );
  });

  it("gives a block and its spellings one canonical text", () => {
    fc.assert(
      fc.property(spelled, fc.nat(), ({ address, text }, n) => {
        const bits = address.version === 4 ? 32 : 128;
        const prefix = n % (bits + 1);
        const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
        const reading = readCidr(`${text}/${prefix}`);
        if ((address.value & mask) !== address.value) {
          assert.equal(reading.ok, false, "host bits set");
          return;
        }
        assert.ok(reading.ok);
        assert.equal(reading.text, `${formatAddress(address)}/${prefix}`);
        assert.equal(canonicalCidr(reading.text), reading.text);
      }),
      { numRuns: 3000 }
    );
  });
});
