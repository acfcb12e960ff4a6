import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseCsvRecords } from "../../app/domain/asset-import";
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

  it("quotes fields holding the separator of another dialect: semicolon, tab, pipe", () => {
    assert.equal(csvField("DAL; line 2"), '"DAL; line 2"');
    assert.equal(csvField("DAL\tline 2"), '"DAL\tline 2"');
    assert.equal(csvField("DAL | line 2"), '"DAL | line 2"');
  });

  it("defuses text a spreadsheet would run as a formula", () => {
    assert.equal(csvField('=HYPERLINK("http://evil")'), '"\'=HYPERLINK(""http://evil"")"');
    assert.equal(csvField("+1"), "'+1");
    assert.equal(csvField("-2+3"), "'-2+3");
    assert.equal(csvField("@SUM(A1)"), "'@SUM(A1)");
    assert.equal(csvField("\t=1"), "\"'\t'=1\"");
    assert.equal(csvField("\r=1"), "\"'\r'=1\"");
    // Only the start of a cell matters; a number is data, never a formula.
    assert.equal(csvField("a=b"), "a=b");
    assert.equal(csvField(-5), "-5");
  });

  it("defuses a formula after a separator, where a spreadsheet splitting on it would start a cell", () => {
    assert.equal(csvField("=cmd|' /C calc'!A0;=1+2"), "\"'=cmd|' /C calc'!A0;'=1+2\"");
    assert.equal(csvField("Press 4;@SUM(A1)"), '"Press 4;\'@SUM(A1)"');
    assert.equal(csvField("a|-1"), '"a|\'-1"');
    assert.equal(csvField("a,+1"), '"a,\'+1"');
    assert.equal(csvField("line\n=1"), '"line\n\'=1"');
    assert.equal(csvField('say "=1"'), '"say ""\'=1"""');
    assert.equal(csvField("a; b"), '"a; b"');
  });
});

describe("csvRecord", () => {
  it("joins fields with commas and ends with CRLF", () => {
    assert.equal(csvRecord([1, "a,b", null, "c"]), '1,"a,b",,c\r\n');
  });

  const DANGER = ["=", "+", "-", "@", "\t", "\r", ",", ";", "|", "\n", '"', "'", " ", "a", "1"];
  const hostile = fc.array(
    fc.oneof(fc.constantFrom(...DANGER), fc.string({ maxLength: 4 }), fc.constant("=cmd|' /C calc'!A0")),
    { maxLength: 12 }
  );
  const texts = fc.array(
    fc.oneof(
      hostile.map((parts) => parts.join("")),
      fc.constant(null)
    ),
    {
      minLength: 1,
      maxLength: 5,
    }
  );
  const record = fc.array(
    fc.oneof(
      hostile.map((parts) => parts.join("")),
      fc.integer(),
      fc.constant(null)
    ),
    { minLength: 1, maxLength: 5 }
  );

  it("never lets a cell start with a formula, whichever separator a spreadsheet splits the text on", () => {
    fc.assert(
      fc.property(texts, (fields) => {
        const text = csvRecord(fields);
        for (const separator of [",", ";", "\t", "|", "\n", "\r"]) {
          for (const piece of text.split(separator)) {
            // A reader that splits on this separator, whatever it makes of quotes, starts a cell with this piece.
            const cell = piece.replace(/^"+/, "");
            assert.doesNotMatch(cell, /^[=+\-@]/, `${JSON.stringify(text)} split on ${JSON.stringify(separator)}`);
          }
        }
      }),
      { numRuns: 3000 }
    );
  });

  it("reads back, by the RFC 4180 rules, as the fields with a quote before each formula start", () => {
    fc.assert(
      fc.property(record, (fields) => {
        // A first field, so that a record of empty fields is not read as a blank line.
        const { records, error } = parseCsvRecords(csvRecord(["id", ...fields]));
        assert.equal(error, null);
        assert.equal(records.length, 1);
        const expected = fields.map((field) => {
          if (field === null) return "";
          if (typeof field === "number") return String(field);
          let out = "";
          for (let i = 0; i < field.length; i++) {
            const startsCell = i === 0 || ',;\t|\r\n"'.includes(field[i - 1]!);
            if (startsCell && "=+-@\t\r".includes(field[i]!) && (i === 0 || /[,;\t|\r\n"]/.test(field))) out += "'";
            out += field[i];
          }
          return out;
        });
        assert.deepEqual(records[0]!.fields, ["id", ...expected]);
      }),
      { numRuns: 3000 }
    );
  });
});
