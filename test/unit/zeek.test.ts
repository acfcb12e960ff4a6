import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { DEFAULT_BASELINE_SETTINGS } from "../../app/domain/baseline";
import {
  createConnLogParser,
  dayOf,
  flowTuple,
  isParseProblem,
  NOT_A_CONN_LOG,
  parseConnLog,
  type ConnRecord,
  type ParseProblem,
} from "../../app/domain/zeek";

// The conn.log parser against the real third-party captures in the shared fixtures. Every expected figure is
// computed here from the raw text by plain splitting, not by the parser under test.

// A verbatim copy of the shared fixtures (test/fixtures/zeek/README.md says where they come from), kept in the
// repository so a clean clone can run the tests.
const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/zeek");
const FOURSICS = "4sics-geeklounge-151020.conn.log";
const ENIP = "enip-modbus.conn.log";

function fixtureLines(name: string): string[] {
  const text = readFileSync(path.join(FIXTURES, name), "utf8");
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** The raw view: header directives by name, data rows split on tab. */
function rawView(lines: readonly string[]) {
  const directive = (name: string) =>
    lines
      .find((l) => l.startsWith(`#${name}\t`))!
      .split("\t")
      .slice(1);
  const fields = directive("fields");
  const types = directive("types");
  const rows = lines.filter((l) => l !== "" && !l.startsWith("#")).map((l) => l.split("\t"));
  const col = (name: string) => {
    const i = fields.indexOf(name);
    assert.ok(i >= 0, `fixture has column ${name}`);
    return (row: string[]) => row[i]!;
  };
  return { fields, types, rows, col };
}

function parseAll(lines: readonly string[]) {
  const parsed = parseConnLog(lines);
  assert.equal(parsed.refusal, null);
  return parsed;
}

const isEphemeral = (port: number) =>
  port >= DEFAULT_BASELINE_SETTINGS.ephemeralPortMin && port <= DEFAULT_BASELINE_SETTINGS.ephemeralPortMax;

describe("Zeek conn.log TSV, real fixtures", () => {
  for (const name of [FOURSICS, ENIP]) {
    it(`${name}: every data row parses, originators match a plain split`, () => {
      const lines = fixtureLines(name);
      const raw = rawView(lines);
      const parsed = parseAll(lines);
      assert.equal(parsed.format, "tsv");
      assert.deepEqual(parsed.problems, []);
      assert.equal(parsed.records.length, raw.rows.length);

      const origH = raw.col("id.orig_h");
      const respP = raw.col("id.resp_p");
      const ts = raw.col("ts");
      assert.deepEqual(new Set(parsed.records.map((r) => r.origHost)), new Set(raw.rows.map(origH)));
      // Row order is kept: records line up with the raw rows one for one.
      parsed.records.forEach((record, i) => {
        const row = raw.rows[i]!;
        assert.equal(record.ts, Number(ts(row)));
        assert.equal(record.respPort, Number(respP(row)));
      });
    });
  }

  it("the README's figures hold for the fixtures as read by the test", () => {
    const foursics = rawView(fixtureLines(FOURSICS));
    const enip = rawView(fixtureLines(ENIP));
    assert.equal(foursics.rows.length, 12444);
    assert.equal(enip.rows.length, 160);
    assert.equal(new Set(foursics.rows.map(foursics.col("id.orig_h"))).size, 8);
    assert.equal(new Set(enip.rows.map(enip.col("id.orig_h"))).size, 19);
  });

  it("4sics: S7 return traffic sits on ephemeral responder ports, and collapsing shrinks the tuple set", () => {
    const lines = fixtureLines(FOURSICS);
    const raw = rawView(lines);
    const { records } = parseAll(lines);

    // Independently: rows from tcp/102 to an ephemeral responder port.
    const [origP, respP, proto] = [raw.col("id.orig_p"), raw.col("id.resp_p"), raw.col("proto")];
    const rawReturns = raw.rows.filter(
      (r) => proto(r) === "tcp" && origP(r) === "102" && isEphemeral(Number(respP(r)))
    );
    assert.ok(rawReturns.length > 0, "the fixture has S7 return traffic");
    const returns = records.filter((r) => r.proto === "tcp" && r.origPort === 102 && isEphemeral(r.respPort ?? 0));
    assert.equal(returns.length, rawReturns.length);
    const distinctReturnPorts = new Set(returns.map((r) => r.respPort));
    assert.ok(distinctReturnPorts.size > 1, "return traffic spreads over many ephemeral ports");

    // Uncollapsed tuples from the raw split; collapsed ones from the parser.
    const [origH, respH] = [raw.col("id.orig_h"), raw.col("id.resp_h")];
    const uncollapsed = new Set(raw.rows.map((r) => `${origH(r)}|${respH(r)}|${proto(r)}|${respP(r)}`));
    const collapsed = new Set(records.map((r) => flowTuple(r, DEFAULT_BASELINE_SETTINGS)));
    assert.ok(collapsed.size < uncollapsed.size, `${collapsed.size} collapsed < ${uncollapsed.size} raw tuples`);
    const returnTuples = new Set(returns.map((r) => flowTuple(r, DEFAULT_BASELINE_SETTINGS)));
    assert.deepEqual(returnTuples, new Set(["10.10.10.10|10.10.10.30|tcp|49152"]));
    // Expected collapsed count, by hand from the raw rows: ephemeral ports → 49152, ICMP → no port.
    const expected = new Set(
      raw.rows.map((r) => {
        const p = Number(respP(r));
        const port = proto(r) === "icmp" ? "-" : isEphemeral(p) ? "49152" : String(p);
        return `${origH(r)}|${respH(r)}|${proto(r)}|${port}`;
      })
    );
    assert.deepEqual(collapsed, expected);
  });

  it("keeps ICMP rows with type/code in the ports, and their tuples carry no port", () => {
    const { records } = parseAll(fixtureLines(ENIP));
    const icmp = records.filter((r) => r.proto === "icmp");
    assert.ok(icmp.length > 0);
    const row = icmp.find((r) => r.origHost === "141.81.0.182" && r.ts === 1352718195.801717);
    assert.ok(row);
    assert.equal(row.origPort, 8); // echo request type
    assert.equal(row.respPort, 0); // code
    assert.equal(flowTuple(row, DEFAULT_BASELINE_SETTINGS), "141.81.0.182|141.81.0.10|icmp|-");
  });

  it("parses IPv6 addresses", () => {
    const { records } = parseAll(fixtureLines(ENIP));
    const v6 = records.filter((r) => r.origHost.includes(":"));
    assert.ok(v6.length > 0);
    assert.ok(v6.some((r) => r.origHost === "fe80::d065:deb9:d239:bed3" && r.respHost === "ff02::1:3"));
    // Independently: every raw row whose originator has a colon.
    const raw = rawView(fixtureLines(ENIP));
    const origH = raw.col("id.orig_h");
    assert.equal(v6.length, raw.rows.filter((r) => origH(r).includes(":")).length);
    assert.ok(v6.every((r) => r.respHost.includes(":")));
  });

  it("reads `-` and `(empty)` as null", () => {
    const lines = fixtureLines(FOURSICS);
    const { records } = parseAll(lines);
    // Line 9 of the file: service dns, duration/orig_bytes/resp_bytes unset.
    const first = records[0]!;
    assert.deepEqual(first, {
      ts: 1445353842.722836,
      origHost: "192.168.89.2",
      origPort: 11889,
      respHost: "8.8.8.8",
      respPort: 53,
      proto: "udp",
      service: "dns",
      origBytes: null,
      respBytes: null,
    });
    assert.ok(records.some((r) => r.service === null));
    // `(empty)` in the service column, in a log of our own making from a fixture row.
    const header = lines.filter((l) => l.startsWith("#") && !l.startsWith("#close"));
    const raw = rawView(lines);
    const serviceAt = raw.fields.indexOf("service");
    const row = [...raw.rows[0]!];
    row[serviceAt] = "(empty)";
    const own = parseAll([...header, row.join("\t")]);
    assert.equal(own.records[0]!.service, null);
  });

  it("does not mind rows out of time order", () => {
    const { records } = parseAll(fixtureLines(FOURSICS));
    const outOfOrder = records.filter((r, i) => i > 0 && r.ts < records[i - 1]!.ts).length;
    assert.ok(outOfOrder > 0, "the fixture is unsorted");
  });

  it("reads columns in whatever order #fields gives", () => {
    const lines = fixtureLines(ENIP);
    const raw = rawView(lines);
    const order = raw.fields.map((_, i) => i).reverse();
    const shuffled = lines.map((line) => {
      if (line.startsWith("#fields\t") || line.startsWith("#types\t")) {
        const [name, ...values] = line.split("\t");
        return [name, ...order.map((i) => values[i])].join("\t");
      }
      if (line.startsWith("#")) return line;
      const values = line.split("\t");
      return order.map((i) => values[i]).join("\t");
    });
    assert.deepEqual(parseAll(shuffled).records, parseAll(lines).records);
  });

  it("gives plant-local days", () => {
    const { records } = parseAll(fixtureLines(FOURSICS));
    const days = new Set(records.map((r) => dayOf(r, "UTC")));
    assert.deepEqual(days, new Set(["2015-10-20"]));
    const late: ConnRecord = { ...records[0]!, ts: Date.UTC(2015, 9, 20, 23, 30) / 1000 };
    assert.equal(dayOf(late, "UTC"), "2015-10-20");
    assert.equal(dayOf(late, "Europe/Stockholm"), "2015-10-21");
    assert.equal(dayOf(late, "America/Chicago"), "2015-10-20");
  });
});

/** Zeek's JSON writer, re-enacted from the TSV header: typed values, unset fields left out, sets as arrays. */
function toJsonLines(lines: readonly string[]): string[] {
  const raw = rawView(lines);
  return raw.rows.map((row) => {
    const object: Record<string, unknown> = {};
    raw.fields.forEach((field, i) => {
      const value = row[i]!;
      const type = raw.types[i]!;
      if (value === "-") return;
      if (type.startsWith("set[") || type.startsWith("vector["))
        object[field] = value === "(empty)" ? [] : value.split(",");
      else if (["time", "interval", "double", "count", "int", "port"].includes(type)) object[field] = Number(value);
      else if (type === "bool") object[field] = value === "T";
      else object[field] = value;
    });
    return JSON.stringify(object);
  });
}

describe("Zeek conn.log JSON lines", () => {
  for (const name of [FOURSICS, ENIP]) {
    it(`${name}: the JSON rendering gives the same records as the TSV`, () => {
      const lines = fixtureLines(name);
      const json = toJsonLines(lines);
      const fromJson = parseAll(json);
      assert.equal(fromJson.format, "json");
      assert.deepEqual(fromJson.problems, []);
      assert.deepEqual(fromJson.records, parseAll(lines).records);
    });
  }

  it("accepts ISO 8601 timestamps and a nested id", () => {
    const parsed = parseAll([
      JSON.stringify({
        ts: "2015-10-20T15:10:42.722836Z",
        id: { orig_h: "10.0.0.1", orig_p: 5, resp_h: "10.0.0.2", resp_p: 502 },
        proto: "tcp",
      }),
    ]);
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.records[0]!.respPort, 502);
    assert.equal(Math.round(parsed.records[0]!.ts), 1445353843);
  });

  it("reports a broken JSON line and carries on", () => {
    const json = toJsonLines(fixtureLines(ENIP)).slice(0, 3);
    const parsed = parseConnLog([json[0]!, '{"ts": 1352718180.4, "id.orig_h": ', json[2]!]);
    assert.equal(parsed.records.length, 2);
    assert.equal(parsed.problems.length, 1);
    assert.equal(parsed.problems[0]!.line, 2);
    assert.match(parsed.problems[0]!.message, /JSON/);
  });

  it("names a missing required field", () => {
    const parsed = parseConnLog([JSON.stringify({ ts: 1, "id.orig_h": "10.0.0.1", "id.resp_h": "10.0.0.2" })]);
    assert.equal(parsed.problems[0]!.field, "proto");
    assert.match(parsed.problems[0]!.message, /proto/);
  });
});

describe("Zeek conn.log bad input", () => {
  it("refuses a file whose first line is neither a header nor JSON", () => {
    const parser = createConnLogParser();
    const first = parser.push("hello, this is a CSV export,1,2,3", 1);
    assert.ok(first && isParseProblem(first));
    assert.equal(first.message, NOT_A_CONN_LOG);
    assert.equal(first.fatal, true);
    assert.equal(parser.format, null);
    assert.equal(parser.refusal, first);
    // Later lines are not read at all, even well-formed ones.
    assert.equal(parser.push(fixtureLines(ENIP)[8]!, 2), null);
  });

  it("refuses data before any #fields header, and blank lines before the first line do not count", () => {
    const parsed = parseConnLog(["", "#separator \\x09", "1352718180.474505\tx\t141.81.0.10"]);
    assert.equal(parsed.refusal?.message, NOT_A_CONN_LOG);
    assert.equal(parsed.refusal?.line, 3);
  });

  it("reports a short row with its line number and keeps the rest", () => {
    const lines = fixtureLines(ENIP);
    const dataAt = lines.findIndex((l) => !l.startsWith("#"));
    const broken = [...lines];
    broken[dataAt + 2] = broken[dataAt + 2]!.split("\t").slice(0, 5).join("\t");
    const parsed = parseConnLog(broken);
    assert.equal(parsed.refusal, null);
    assert.equal(parsed.records.length, rawView(lines).rows.length - 1);
    assert.equal(parsed.problems.length, 1);
    const problem: ParseProblem = parsed.problems[0]!;
    assert.equal(problem.line, dataAt + 3); // 1-based
    assert.match(problem.message, /expected 21 columns.*found 5/);
  });

  it("names the field for a bad port, a bad timestamp and a bad address", () => {
    const lines = fixtureLines(ENIP);
    const raw = rawView(lines);
    const header = lines.filter((l) => l.startsWith("#") && !l.startsWith("#close"));
    const variant = (field: string, value: string) => {
      const row = [...raw.rows[0]!];
      row[raw.fields.indexOf(field)] = value;
      return row.join("\t");
    };
    const parsed = parseConnLog([
      ...header,
      variant("id.resp_p", "70000"),
      variant("id.orig_p", "http"),
      variant("ts", "yesterday"),
      variant("id.orig_h", "not-an-ip"),
      variant("resp_bytes", "-5"),
      variant("proto", "-"),
    ]);
    const first = header.length + 1;
    assert.deepEqual(
      parsed.problems.map((p) => [p.line, p.field]),
      [
        [first, "id.resp_p"],
        [first + 1, "id.orig_p"],
        [first + 2, "ts"],
        [first + 3, "id.orig_h"],
        [first + 4, "resp_bytes"],
        [first + 5, "proto"],
      ]
    );
    assert.match(parsed.problems[0]!.message, /id\.resp_p.*70000/);
    assert.equal(parsed.records.length, 0);
  });

  it("refuses a #fields header without the connection columns", () => {
    const parsed = parseConnLog(["#separator \\x09", "#fields\tts\tuid\tquery", "1\tC1\texample.org"]);
    assert.equal(parsed.refusal?.fatal, true);
    assert.match(parsed.refusal.message, /lacks id\.orig_h, id\.resp_h, proto/);
  });

  it("never throws on odd lines", () => {
    const parser = createConnLogParser();
    parser.push("#separator \\x09", 1);
    parser.push("#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto", 2);
    for (const line of ["\t\t\t\t\t", "\u0000", "-\t-\t-\t-\t-\t-", "1\t::\t1\t::1\t1\ttcp\r", "#close\t2016"]) {
      assert.doesNotThrow(() => parser.push(line, 3));
    }
    const ok = parser.push("1\t::\t1\t::1\t1\ttcp\r", 4);
    assert.ok(ok && !isParseProblem(ok));
    assert.equal(ok.proto, "tcp");
  });
});

describe("Zeek conn.log TSV read by its columns, against the general reading", () => {
  // A TSV line whose columns are plain is read by slicing out only the columns a record holds; anything else goes
  // the general way. JSON lines always go the general way, so the same values written both ways must read alike.
  const FIELDS = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service", "orig_bytes"];
  // Ports and counts: an empty set `(empty)` reads as unset in TSV, where JSON's "" is not a number; not compared.
  const value = fc.oneof(
    fc.constant<string | null>(null),
    fc.constantFrom("0", "7", "502", "65535", "65536", "0443", "1e3", "-1", "12345678901234567", " 80", "abc")
  );
  const ts = fc.oneof(
    fc.constantFrom<string | null>(null, "", "1445335200.123456", "1445335200", "0.5", "9999999999999.1", "1.2.3", "x"),
    fc.integer({ min: 0, max: 2_000_000_000 }).map((n) => `${n}.${String(n % 1_000_000).padStart(6, "0")}`)
  );
  const host = fc.constantFrom<string | null>(
    null,
    "",
    "10.10.10.10",
    "010.010.010.001",
    "2001:DB8:0:0::1",
    "2001:db8::1",
    "fe80::1%eth0",
    "10.1",
    "not-an-address"
  );
  const proto = fc.constantFrom<string | null>(null, "", "tcp", "udp", "icmp", "TCP", "gre", "t c p");
  const service = fc.constantFrom<string | null>(null, "", "dns", "ssl,http", "s\\x09x");
  const row = fc.tuple(ts, host, value, host, value, proto, service, value);

  it("reads every line as a JSON line with the same values reads, or names the same field", () => {
    fc.assert(
      fc.property(row, ([t, orig, origPort, resp, respPort, p, svc, bytes]) => {
        const values = [t, "C1", orig, origPort, resp, respPort, p, svc, bytes];
        const tsvLine = values.map((v) => (v === null ? "-" : v === "" ? "(empty)" : v)).join("\t");
        const json = Object.fromEntries(FIELDS.map((f, i) => [f, values[i]]).filter(([, v]) => v !== null));
        const fromTsv = parseConnLog([`#fields\t${FIELDS.join("\t")}`, tsvLine]);
        const fromJson = parseConnLog([JSON.stringify(json)]);
        const read = (r: ReturnType<typeof parseConnLog>) =>
          r.records.length === 1 ? { record: r.records[0] } : { field: r.problems[0]?.field ?? null };
        // An escaped service is unescaped in TSV only (JSON has its own escapes); the rest must agree.
        if (svc?.includes("\\")) return;
        assert.deepEqual(read(fromTsv), read(fromJson), tsvLine);
      }),
      { numRuns: 3000 }
    );
  });
});
