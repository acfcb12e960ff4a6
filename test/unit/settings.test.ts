import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readSettings } from "../../scripts/settings";

// The server's settings as `npm start` reads them from the environment: what each accepts, and the sentence that
// stops the start otherwise (the refusals at start are tried through the real server in transport.test.ts).

describe("readSettings", () => {
  it("defaults to this machine only, no proxy trusted, a year of HSTS over HTTPS", () => {
    const settings = readSettings({});
    assert.equal(settings.host, "127.0.0.1");
    assert.equal(settings.port, 3000);
    assert.equal(settings.trustProxy, false);
    assert.equal(settings.hstsMaxAge, 31_536_000);
  });

  it("takes TRUST_PROXY as Express's trust proxy does: a flag, a number of hops, addresses and subnets", () => {
    const trust = (value: string) => readSettings({ TRUST_PROXY: value }).trustProxy;
    assert.equal(trust("true"), true);
    assert.equal(trust("false"), false);
    assert.equal(trust("2"), 2);
    assert.equal(trust("loopback"), "loopback");
    assert.equal(trust("10.0.0.0/8, 192.168.1.1, uniquelocal"), "10.0.0.0/8, 192.168.1.1, uniquelocal");
    assert.throws(() => trust("10.0.0.0/99"), /TRUST_PROXY must be true, false, .* not “10\.0\.0\.0\/99”/);
    assert.throws(() => trust("yes"), /not “yes” \(invalid IP address: yes\)/);
  });

  it("takes HOST as an address or name, an IPv6 address with or without brackets", () => {
    assert.equal(readSettings({ HOST: "0.0.0.0" }).host, "0.0.0.0");
    assert.equal(readSettings({ HOST: "[::1]" }).host, "::1");
    assert.equal(readSettings({ HOST: "tracker.plant.example" }).host, "tracker.plant.example");
    assert.throws(() => readSettings({ HOST: "http://0.0.0.0/" }), /HOST must be an address or name of this machine/);
  });

  it("takes HSTS_MAX_AGE as whole seconds, 0 for none", () => {
    assert.equal(readSettings({ HSTS_MAX_AGE: "0" }).hstsMaxAge, 0);
    assert.equal(readSettings({ HSTS_MAX_AGE: "600" }).hstsMaxAge, 600);
    for (const bad of ["-1", "1.5", "a year", "1e6"])
      assert.throws(() => readSettings({ HSTS_MAX_AGE: bad }), /HSTS_MAX_AGE must be a whole number of seconds/, bad);
  });
});
