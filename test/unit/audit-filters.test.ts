import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  auditFilterParams,
  hasAuditFilters,
  isUtcDay,
  parseAuditFilters,
  utcDayEnd,
  utcDayStart,
} from "../../app/domain/audit-filters";

const CHOICES = { objectTypes: ["conduit", "person", "plant"], actions: ["conduit.edit", "session.sign_in"] };

function parse(search: string) {
  const ignored: string[] = [];
  const filters = parseAuditFilters(new URLSearchParams(search), CHOICES, ignored);
  return { filters, ignored };
}

describe("UTC days", () => {
  it("accepts real calendar days only", () => {
    for (const day of ["2026-11-25", "2028-02-29", "2026-12-31"]) assert.equal(isUtcDay(day), true, day);
    for (const day of [
      "2026-02-29",
      "2026-13-01",
      "2026-11-31",
      "2026-1-5",
      "25/11/2026",
      "2026-11-25T00:00",
      "0999-01-01",
      "",
    ]) {
      assert.equal(isUtcDay(day), false, day);
    }
  });

  it("bounds a day as stored instants compare, across month and leap-year ends", () => {
    assert.equal(utcDayStart("2026-11-25"), "2026-11-25T00:00:00.000Z");
    assert.equal(utcDayEnd("2026-11-30"), "2026-12-01T00:00:00.000Z");
    assert.equal(utcDayEnd("2028-02-28"), "2028-02-29T00:00:00.000Z");
    assert.equal(utcDayEnd("2026-12-31"), "2027-01-01T00:00:00.000Z");
    // The last instant of the day sorts inside the range, the first of the next day outside.
    assert.ok("2026-11-25T23:59:59.999Z" < utcDayEnd("2026-11-25"));
    assert.ok(!("2026-11-26T00:00:00.000Z" < utcDayEnd("2026-11-25")));
  });
});

describe("parseAuditFilters", () => {
  it("reads every filter", () => {
    const { filters, ignored } = parse(
      "person=7&type=conduit&object=12&action=conduit.edit&from=2026-11-01&to=2026-11-25"
    );
    assert.deepEqual(filters, {
      personId: 7,
      objectType: "conduit",
      objectId: "12",
      action: "conduit.edit",
      from: "2026-11-01",
      to: "2026-11-25",
    });
    assert.deepEqual(ignored, []);
  });

  it("treats empty fields, as an unfilled form sends them, as no filter", () => {
    const { filters, ignored } = parse("person=&type=&object=&action=&from=&to=");
    assert.equal(hasAuditFilters(filters), false);
    assert.deepEqual(ignored, []);
  });

  it("ignores each malformed or unknown value with a notice naming it", () => {
    const { filters, ignored } = parse(
      "person=abc&type=toaster&object=%3Cscript%3E&action=drop&from=2026-02-30&to=yesterday"
    );
    assert.equal(hasAuditFilters(filters), false);
    assert.equal(ignored.length, 6);
    for (const raw of ["abc", "toaster", "<script>", "drop", "2026-02-30", "yesterday"]) {
      assert.ok(
        ignored.some((line) => line.includes(`“${raw}”`)),
        `no notice for ${raw}: ${ignored.join(" | ")}`
      );
    }
  });

  it("drops a to day before the from day, keeping from", () => {
    const { filters, ignored } = parse("from=2026-11-25&to=2026-11-01");
    assert.equal(filters.from, "2026-11-25");
    assert.equal(filters.to, null);
    assert.equal(ignored.length, 1);
    assert.match(ignored[0]!, /before from/);
  });

  it("accepts a single day as from = to", () => {
    const { filters, ignored } = parse("from=2026-11-25&to=2026-11-25");
    assert.equal(filters.to, "2026-11-25");
    assert.deepEqual(ignored, []);
  });
});

describe("auditFilterParams", () => {
  it("writes back exactly the applied filters, so links keep them", () => {
    const { filters } = parse("person=7&type=plant&from=2026-11-01&page=3&type2=x");
    const params = auditFilterParams(filters);
    assert.equal(params.toString(), "person=7&type=plant&from=2026-11-01");
    assert.deepEqual(parse(params.toString()).filters, filters);
  });

  it("leaves out ignored values", () => {
    const { filters } = parse("person=-1&action=conduit.edit");
    assert.equal(auditFilterParams(filters).toString(), "action=conduit.edit");
  });
});
