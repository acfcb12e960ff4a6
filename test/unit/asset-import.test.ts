import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { kindOf, normalizeMac, parseAssetCsv, parseCsvRecords } from "../../app/domain/asset-import";

describe("CSV records", () => {
  it("reads quoted fields with commas, doubled quotes and line breaks, CRLF, and a byte-order mark", () => {
    const text = '\uFEFFName,Note\r\n"hmi, line 2","said ""hello""\nthere"\r\nplc,\r\n';
    const { records, error } = parseCsvRecords(text);
    assert.equal(error, null);
    assert.deepEqual(records, [
      { line: 1, fields: ["Name", "Note"] },
      { line: 2, fields: ["hmi, line 2", 'said "hello"\nthere'] },
      { line: 4, fields: ["plc", ""] },
    ]);
  });

  it("names the line of an unclosed quote, and of text after a closing quote", () => {
    assert.deepEqual(parseCsvRecords('a,b\n1,"open\n2,3\n').error, {
      line: 2,
      column: null,
      message: "a quoted field is never closed",
    });
    assert.equal(parseCsvRecords('a,b\n"x"y,1\n').error?.line, 2);
  });

  it("stops at a record of more than 500 columns or 100,000 characters, naming the line it begins on", () => {
    const row = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`).join(",");
    assert.equal(parseCsvRecords(`${row(500)}\n${row(500)}\n`).error, null);
    const wide = parseCsvRecords(`${row(2)}\n${row(400_000)}\n`);
    assert.equal(wide.records.length, 1, "the records before are read, nothing after");
    assert.deepEqual(wide.error, {
      line: 2,
      column: null,
      message: "more than 500 columns; an inventory export has a few dozen, so the file was not read further",
    });
    assert.equal(parseCsvRecords(`a,b\n1,${"x".repeat(99_990)}\n`).error, null);
    const long = parseCsvRecords(`a,b\n1,"two\nlines ${"x".repeat(100_000)}"\n`);
    assert.equal(long.error?.line, 2);
    assert.match(long.error?.message ?? "", /^longer than 100,000 characters/);
  });

  it("keeps a message about the header a sentence, however many and long its names", () => {
    const parsed = parseAssetCsv(`${"n".repeat(5000)},${Array.from({ length: 400 }, (_, i) => `c${i}`).join(",")}\n`);
    assert.equal(parsed.problems.length, 1);
    const message = parsed.problems[0]!.message;
    assert.ok(message.length < 600, message);
    assert.match(message, /^no IP or MAC column: .* it has “n{59}…”, “c0”, .*, “c18” and 381 more$/);
  });

  it("round-trips any table written the RFC 4180 way", () => {
    const cell = fc.string({ unit: fc.constantFrom("a", "b", ",", '"', "\n", " ", "é") });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 8 }), (rows) => {
        const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;
        const text = rows.map((r) => r.map(quote).join(",")).join("\r\n");
        const { records, error } = parseCsvRecords(text);
        assert.equal(error, null);
        assert.deepEqual(
          records.map((r) => r.fields),
          rows
        );
      }),
      { numRuns: 200 }
    );
  });
});

describe("inventory export mapping", () => {
  it("maps columns by name whatever their case and punctuation, and lists the others", () => {
    const parsed = parseAssetCsv(
      "Host Name,IP_Address,mac-address,Manufacturer,Product Name,FW Version,Device Type,Risk\n" +
        "plc-1,10.1.2.3,001D9C112233,Rockwell Automation,1756-L83E,33.011,Controller,40\n"
    );
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.columns, {
      name: "Host Name",
      ip: "IP_Address",
      mac: "mac-address",
      vendor: "Manufacturer",
      model: "Product Name",
      firmware: "FW Version",
      kind: "Device Type",
    });
    assert.deepEqual(parsed.ignoredColumns, ["Risk"]);
    assert.deepEqual(parsed.rows[0], {
      line: 2,
      ip: "10.1.2.3",
      mac: "00:1d:9c:11:22:33",
      vendor: "Rockwell Automation",
      model: "1756-L83E",
      firmware: "33.011",
      kind: "plc",
      name: "plc-1",
      zone: null,
    });
  });

  it("reports every bad row by line and column, and keeps none of a bad file's rows out of the report", () => {
    const parsed = parseAssetCsv(
      "IP,MAC,Type\n10.0.0.300,,PLC\n10.0.0.1,zz:zz,HMI\n,,Switch\n10.0.0.2,,toaster\n10.0.0.3,,Unknown\n"
    );
    assert.deepEqual(
      parsed.problems.map((p) => [p.line, p.column]),
      [
        [2, "IP"],
        [3, "MAC"],
        [4, null],
        [5, "Type"],
      ]
    );
    assert.equal(parsed.rows.length, 1, "the good row is read");
    assert.equal(parsed.rows[0]!.kind, null, "Unknown leaves the kind empty");
  });

  it("refuses a header without IP or MAC, two columns for one field, and an empty file", () => {
    assert.match(parseAssetCsv("Name,Vendor\nx,y\n").problems[0]!.message, /no IP or MAC column/);
    assert.match(parseAssetCsv("IP,IP Address\n1.2.3.4,1.2.3.4\n").problems[0]!.message, /both “IP” and “IP Address”/);
    assert.match(parseAssetCsv("").problems[0]!.message, /empty/);
    assert.match(parseAssetCsv("IP\n").problems[0]!.message, /no assets/);
  });

  it("knows the tools' words for kinds, and MACs in every usual spelling", () => {
    assert.equal(kindOf("Engineering Workstation"), "engineering_workstation");
    assert.equal(kindOf("EWS"), "engineering_workstation");
    assert.equal(kindOf("VFD"), "drive");
    assert.equal(kindOf("I/O adapter"), "io_adapter");
    assert.equal(kindOf("Other"), "other");
    assert.equal(kindOf("toaster"), undefined);
    for (const mac of ["00:1D:9C:11:22:33", "00-1d-9c-11-22-33", "001d.9c11.2233", "001D9C112233"]) {
      assert.equal(normalizeMac(mac), "00:1d:9c:11:22:33", mac);
    }
    assert.equal(normalizeMac("00:1D:9C:11:22"), null);
  });

  it("never throws on random text, and every problem names a line or the file", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const parsed = parseAssetCsv(`IP,MAC,Kind\n${text}`);
        for (const problem of parsed.problems) {
          assert.ok(problem.message.length > 0, "a message");
          assert.ok(problem.line === null || problem.line >= 1, "a line number");
        }
      }),
      { numRuns: 300 }
    );
  });
});
