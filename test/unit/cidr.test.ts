import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CidrMatcher, parseAddress, parseCidr } from "../../app/domain/cidr";

describe("CIDR matching", () => {
  it("parses IPv4 and IPv6 blocks and masks host bits", () => {
    assert.deepEqual(parseCidr("10.10.10.7/24"), { version: 4, network: 0x0a0a0a00n, prefix: 24 });
    assert.equal(parseCidr("2001:db8::1/32")?.network, 0x20010db8n << 96n);
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
    assert.equal(matcher.match("192.168.89.4"), "lab");
    assert.equal(matcher.match("192.168.90.4"), "external");
    assert.equal(matcher.match("fd12:3456::1"), "v6");
    assert.equal(matcher.match("2001:db8::1"), null);
    assert.equal(matcher.match("not-an-ip"), null);
  });
});
