import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  compareValues,
  pageWindow,
  parseChoice,
  parseId,
  parsePage,
  parseSearch,
  parseSort,
} from "../../app/domain/listing";

const KEYS = ["code", "assets"] as const;

describe("parseSort", () => {
  it("reads a known key and direction", () => {
    const ignored: string[] = [];
    const state = parseSort(new URLSearchParams("sort=assets&dir=desc"), KEYS, { sort: "code", dir: "asc" }, ignored);
    assert.deepEqual(state, { sort: "assets", dir: "desc" });
    assert.deepEqual(ignored, []);
  });

  it("falls back to the default for an unknown key and says so", () => {
    const ignored: string[] = [];
    const state = parseSort(
      new URLSearchParams("sort=drop%20table&dir=sideways"),
      KEYS,
      { sort: "code", dir: "asc" },
      ignored
    );
    assert.deepEqual(state, { sort: "code", dir: "asc" });
    assert.equal(ignored.length, 2);
    assert.match(ignored[0]!, /drop table/);
    assert.match(ignored[1]!, /sideways/);
  });
});

describe("parsePage", () => {
  for (const raw of ["0", "-3", "abc", "1.5", "99999999999"]) {
    it(`ignores page=${raw}`, () => {
      const ignored: string[] = [];
      assert.equal(parsePage(new URLSearchParams({ page: raw }), ignored), 1);
      assert.equal(ignored.length, 1);
    });
  }

  it("reads a page number", () => {
    const ignored: string[] = [];
    assert.equal(parsePage(new URLSearchParams("page=7"), ignored), 7);
    assert.deepEqual(ignored, []);
  });
});

describe("filters", () => {
  it("accepts only known choices", () => {
    const ignored: string[] = [];
    assert.equal(parseChoice(new URLSearchParams("kind=plc"), "kind", ["plc", "hmi"], ignored), "plc");
    assert.equal(parseChoice(new URLSearchParams("kind=toaster"), "kind", ["plc", "hmi"], ignored), null);
    assert.equal(parseChoice(new URLSearchParams("kind="), "kind", ["plc", "hmi"], ignored), null);
    assert.equal(ignored.length, 1);
  });

  it("reads ids and bounds free text", () => {
    const ignored: string[] = [];
    assert.equal(parseId(new URLSearchParams("zone=12"), "zone", ignored), 12);
    assert.equal(parseId(new URLSearchParams("zone=1e3"), "zone", ignored), null);
    assert.equal(ignored.length, 1);
    assert.equal(parseSearch(new URLSearchParams({ q: `  ${"x".repeat(500)}  ` }), "q").length, 100);
  });
});

describe("pageWindow", () => {
  it("clamps a page past the end to the last page", () => {
    assert.deepEqual(pageWindow(9, 120, 50), { page: 3, pageCount: 3, offset: 100, limit: 50 });
  });

  it("has one empty page when nothing matches", () => {
    assert.deepEqual(pageWindow(4, 0, 50), { page: 1, pageCount: 1, offset: 0, limit: 50 });
  });
});

describe("compareValues", () => {
  it("orders numbers numerically, text naturally, and nulls last", () => {
    const values = ["L10", null, "L2", "L1"];
    assert.deepEqual([...values].sort(compareValues), ["L1", "L2", "L10", null]);
    assert.ok(compareValues(9, 10) < 0);
  });
});
