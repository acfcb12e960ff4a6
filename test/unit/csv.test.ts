import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { csvField, csvRecord } from "../../app/domain/csv";

describe("csvField", () => {
  it("leaves plain text and numbers bare, and writes null as an empty field", () => {
    assert.equal(csvField("conduit.edit"), "conduit.edit");
    assert.equal(csvField(42), "42");
    assert.equal(csvField(null), "");
  });

  it("quotes fields holding a comma, a quote or a line break, doubling quotes", () => {
    assert.equal(csvField("DAL, line 2"), '"DAL, line 2"');
    assert.equal(csvField('the "DMZ" conduit'), '"the ""DMZ"" conduit"');
    assert.equal(csvField("one\ntwo"), '"one\ntwo"');
    assert.equal(csvField("one\r\ntwo"), '"one\r\ntwo"');
    assert.equal(csvField('{"a":1,"b":"x"}'), '"{""a"":1,""b"":""x""}"');
  });

  it("defuses text a spreadsheet would run as a formula", () => {
    assert.equal(csvField('=HYPERLINK("http://evil")'), '"\'=HYPERLINK(""http://evil"")"');
    assert.equal(csvField("+1"), "'+1");
    assert.equal(csvField("-2+3"), "'-2+3");
    assert.equal(csvField("@SUM(A1)"), "'@SUM(A1)");
    assert.equal(csvField("\t=1"), "'\t=1");
    assert.equal(csvField("\r=1"), '"\'\r=1"');
    // Only the start matters; a number is data, never a formula.
    assert.equal(csvField("a=b"), "a=b");
    assert.equal(csvField(-5), "-5");
  });
});

describe("csvRecord", () => {
  it("joins fields with commas and ends with CRLF", () => {
    assert.equal(csvRecord([1, "a,b", null, "c"]), '1,"a,b",,c\r\n');
  });
});
