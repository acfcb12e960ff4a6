import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { sql } from "kysely";
import { seedDemoProgram } from "../../db/seed/demo-program";
import { type ProgramFile } from "../../app/domain/program-file";
import { parseJsonText, validateProgramFile } from "../../app/domain/program-file-reading";
import { createConnLogParser, dayOf, isParseProblem, parseConnLog, type ParseResult } from "../../app/domain/zeek";
import { exportProgram } from "../../app/models/program-export.server";
import { importProgram, ProgramFileInvalidError } from "../../app/models/program-import.server";
import type { DB } from "../../app/utils/db.server";
import { root } from "../../scripts/build";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { fuzz, NASTY_STRINGS, NUMBERS_AND_DATES } from "../support/fuzz";

// Fuzzing the two readers of files people hand the program: the Zeek conn.log parser and the program-file
// importer. Whatever the input, they answer with problems that say where (a line number, a JSON path) and what,
// and never throw; the importer writes nothing when it refuses. The seed is fixed; FUZZ_SEED=<n> tries others, and
// a failure prints the seed and path that replay it.

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
/** A mutated program file is large: fewer runs of those. */
const MUTATION_RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const IMPORT_RUNS = Number(process.env.FUZZ_RUNS ?? 25);

const fixtures = path.join(root, "test/fixtures/zeek");
const realLines = fs
  .readdirSync(fixtures)
  .filter((name) => name.endsWith(".conn.log"))
  .flatMap((name) => fs.readFileSync(path.join(fixtures, name), "utf8").split("\n").slice(0, 60));
const headerLines = realLines.filter((line) => line.startsWith("#"));
const tsvHeader = realLines.slice(0, realLines.findIndex((line) => line.startsWith("#types")) + 1);
const dataLines = realLines.filter((line) => line !== "" && !line.startsWith("#"));

const ZEEK_FIELDS = [
  "ts",
  "uid",
  "id.orig_h",
  "id.orig_p",
  "id.resp_h",
  "id.resp_p",
  "proto",
  "service",
  "orig_bytes",
  "resp_bytes",
];

/** Pieces that break field readers: huge numbers, wrong kinds of addresses, escapes, separators, unicode. */
const FIELD_VALUES = [
  ...NUMBERS_AND_DATES,
  ...NASTY_STRINGS.slice(0, 21),
  "-",
  "(empty)",
  "\\x09",
  "\\xZZ",
  "\\x",
  "256.1.1.1",
  "1.2.3",
  "::1",
  "fe80::1%eth0",
  ":::::",
  "65536",
  "65535",
  "1".repeat(400),
  "9".repeat(400),
  "1e400",
  "tcp",
  "ICMP",
  "t c p",
  "9999-12-31T23:59:59Z",
  "0000-01-01T00:00:00Z",
];

/** A real data line changed the way a broken pipeline or an editor would change it. */
const mutatedLine: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...dataLines),
    fc.constantFrom("truncate", "swap", "replace", "drop", "duplicate", "inject", "separator"),
    fc.nat(),
    fc.nat(),
    fc.constantFrom(...FIELD_VALUES)
  )
  .map(([line, how, a, b, value]) => {
    const fields = line.split("\t");
    const i = a % fields.length;
    const j = b % fields.length;
    switch (how) {
      case "truncate":
        return line.slice(0, a % (line.length + 1));
      case "swap":
        [fields[i], fields[j]] = [fields[j]!, fields[i]!];
        return fields.join("\t");
      case "replace":
        fields[i] = value;
        return fields.join("\t");
      case "drop":
        fields.splice(i, 1);
        return fields.join("\t");
      case "duplicate":
        fields.splice(i, 0, fields[i]!);
        return fields.join("\t");
      case "inject":
        return `${line.slice(0, a % (line.length + 1))}${value}${line.slice(a % (line.length + 1))}`;
      default:
        return fields.join(b % 2 === 0 ? " " : ",");
    }
  });

/** A JSON line of Zeek fields with values of the right and the wrong kinds. */
const jsonLine: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...ZEEK_FIELDS, "id", "__proto__"), fc.string({ maxLength: 8 })),
      fc.oneof(
        fc.constantFrom<unknown>(...FIELD_VALUES),
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom<unknown>(1e308, -1, 1.5, 65536, Number.MAX_SAFE_INTEGER + 2, { orig_h: "10.0.0.1" }, ["dns"])
      )
    ),
    { maxLength: 12 }
  )
  .map((pairs) => JSON.stringify(Object.fromEntries(pairs)));

/** Numbers as Zeek or a broken exporter might write them: huge, tiny, negative, in exponent form. */
const numberText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...FIELD_VALUES),
  fc.double().map(String),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc.integer({ min: 0, max: 30 }).map((digits) => "9".repeat(digits * 15 + 1)),
  fc.double({ min: 0, max: 1e15, noNaN: true }).map((n) => n.toFixed(6))
);

const headerFields = tsvHeader
  .find((line) => line.startsWith("#fields"))!
  .split("\t")
  .slice(1);
const linesOfHeader = realLines
  .slice(tsvHeader.length)
  .filter((line) => line !== "" && !line.startsWith("#") && line.split("\t").length === headerFields.length);

function keyLine(field: string, value: string): string {
  const fields = linesOfHeader[0]!.split("\t");
  fields[headerFields.indexOf(field)] = value;
  return fields.join("\t");
}

/** A real line (of the header's own file) with one of the fields the parser reads given a random value. */
const keyFieldLine: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...linesOfHeader), fc.constantFrom(...ZEEK_FIELDS), numberText)
  .map(([line, field, value]) => {
    const fields = line.split("\t");
    fields[headerFields.indexOf(field)] = value;
    return fields.join("\t");
  });

/** A JSON record with every field the parser needs, one or more of them given a random value. */
const keyFieldJson: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.constantFrom(...ZEEK_FIELDS),
        fc.oneof(numberText, fc.double(), fc.jsonValue({ maxDepth: 1 }), fc.constant(1e300))
      ),
      { minLength: 1, maxLength: 3 }
    )
  )
  .map(([changes]) =>
    JSON.stringify({
      ts: 1352718180.474505,
      "id.orig_h": "10.0.0.1",
      "id.orig_p": 502,
      "id.resp_h": "10.0.0.2",
      "id.resp_p": 44818,
      proto: "tcp",
      ...Object.fromEntries(changes),
    })
  );

const anyLine: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: mutatedLine },
  { weight: 3, arbitrary: keyFieldLine },
  { weight: 2, arbitrary: fc.constantFrom(...dataLines) },
  { weight: 2, arbitrary: jsonLine },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...headerLines, "#fields\tts", "#separator", "#separator \\x", "#separator ,"),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 80 }) },
  { weight: 1, arbitrary: fc.constantFrom("", "\r", " \t ", "{", "}", "[]", "null", "\u0000", "x".repeat(100_000)) }
);

/** Null when the parser's answer to line `lineNumber` is well formed, or what is wrong with it. */
function answerProblem(result: ParseResult, lineNumber: number): string | null {
  if (result === null) return null;
  if (isParseProblem(result)) {
    if (result.line !== lineNumber) return `a problem names line ${result.line}, not ${lineNumber}`;
    if (typeof result.message !== "string" || result.message.trim() === "") return "a problem without a message";
    return null;
  }
  if (!Number.isFinite(result.ts) || result.ts < 0) return `a record with the time ${result.ts}`;
  for (const port of [result.origPort, result.respPort]) {
    if (port !== null && !(Number.isInteger(port) && port >= 0 && port <= 65535)) return `a record with port ${port}`;
  }
  for (const count of [result.origBytes, result.respBytes]) {
    if (count !== null && !(Number.isSafeInteger(count) && count >= 0)) return `a record with byte count ${count}`;
  }
  if (!result.origHost || !result.respHost || !result.proto) return "a record without hosts or protocol";
  // What ingest does next with every record: place it on the plant's calendar.
  const day = dayOf(result, "America/New_York");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return `a record on the day ${JSON.stringify(day)}`;
  return null;
}

describe("fuzzing the Zeek conn.log parser", () => {
  it("refuses a time no calendar holds (found by fuzzing) as a problem with the ts field", () => {
    const lines = [
      ...tsvHeader,
      keyLine("ts", "9".repeat(400)),
      keyLine("ts", "99999999999999"),
      JSON.stringify({ ts: 1e300, "id.orig_h": "10.0.0.1", "id.resp_h": "10.0.0.2", proto: "tcp" }),
    ];
    const tsv = parseConnLog(lines.slice(0, -1));
    assert.deepEqual(
      tsv.problems.map((p) => [p.line, p.field]),
      [
        [tsvHeader.length + 1, "ts"],
        [tsvHeader.length + 2, "ts"],
      ],
      "both TSV lines are refused naming ts"
    );
    const json = parseConnLog(lines.slice(-1));
    assert.deepEqual(
      json.problems.map((p) => [p.line, p.field]),
      [[1, "ts"]],
      "the JSON line is refused naming ts"
    );
  });

  it("answers random lines after a real header with a record or a problem naming the line, never a throw", async () => {
    await fuzz(
      "zeek: random lines after a TSV header",
      RUNS,
      fc.property(fc.array(anyLine, { minLength: 1, maxLength: 20 }), (lines) => {
        const parser = createConnLogParser();
        let n = 0;
        for (const line of tsvHeader) assert.equal(parser.push(line, ++n), null, "the real header reads");
        for (const line of lines) {
          const lineNumber = ++n;
          const problem = answerProblem(parser.push(line, lineNumber), lineNumber);
          if (problem) throw new Error(`line ${lineNumber} ${JSON.stringify(line.slice(0, 300))}: ${problem}`);
        }
      })
    );
  });

  it("answers random JSON lines with a record or a problem naming the line, never a throw", async () => {
    await fuzz(
      "zeek: random JSON lines",
      RUNS,
      fc.property(fc.array(fc.oneof(jsonLine, keyFieldJson, anyLine), { minLength: 1, maxLength: 20 }), (lines) => {
        const parser = createConnLogParser();
        parser.push('{"ts":1352718180.474505,"id.orig_h":"10.0.0.1","id.resp_h":"10.0.0.2","proto":"tcp"}', 1);
        lines.forEach((line, i) => {
          const problem = answerProblem(parser.push(line, i + 2), i + 2);
          if (problem) throw new Error(`line ${i + 2} ${JSON.stringify(line.slice(0, 300))}: ${problem}`);
        });
      })
    );
  });

  it("reads whole random files into records and problems with line numbers, or refuses them with a reason", async () => {
    await fuzz(
      "zeek: whole random files",
      RUNS,
      fc.property(
        fc.oneof(
          fc.array(anyLine, { maxLength: 30 }),
          fc.tuple(fc.constant(tsvHeader), fc.array(anyLine, { maxLength: 30 })).map(([h, rest]) => [...h, ...rest]),
          fc.string({ unit: "binary", maxLength: 2000 }).map((text) => text.split(/\r?\n/))
        ),
        (lines) => {
          const parsed = parseConnLog(lines);
          for (const problem of parsed.problems) {
            if (!(Number.isInteger(problem.line) && problem.line >= 1 && problem.line <= lines.length))
              throw new Error(`a problem names line ${problem.line} of ${lines.length}`);
            if (problem.message.trim() === "") throw new Error(`line ${problem.line}: a problem without a message`);
          }
          if (parsed.refusal && !parsed.problems.includes(parsed.refusal))
            throw new Error("the refusal is not among the problems");
          for (const record of parsed.records) {
            const problem = answerProblem(record, 0);
            if (problem) throw new Error(problem);
          }
        }
      )
    );
  });
});

// ——— the program file ———

let source: TestDatabase;
let target: TestDatabase;
let valid: ProgramFile;

async function rowCounts(db: DB): Promise<string> {
  const { rows: tables } = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name`.execute(
    db
  );
  const counts: string[] = [];
  for (const { name } of tables) {
    const { rows } = await sql<{ n: number; last: number | null }>`
      select count(*) as n, max(rowid) as last from ${sql.table(name)}`.execute(db);
    counts.push(`${name}:${rows[0]!.n}:${rows[0]!.last ?? "-"}`);
  }
  return counts.join(" ");
}

/** Every path into the document, with the value there. */
function pathsOf(
  value: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = []
): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (value && typeof value === "object")
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  return out;
}

let validPaths: (string | number)[][] = [];

/** The valid program with one value replaced, removed or given an extra key. */
const mutatedProgram: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.nat(),
    fc.constantFrom("replace", "delete", "add", "duplicate"),
    fc.oneof(
      fc.constantFrom<unknown>(...FIELD_VALUES, null, true, -1, 1e308, [], {}, "DAY", 0),
      fc.jsonValue({ maxDepth: 2 })
    )
  )
  .map(([n, how, value]) => {
    const document = structuredClone(valid) as unknown;
    const at = validPaths[1 + (n % (validPaths.length - 1))]!;
    let parent = document as Record<string | number, unknown>;
    for (const key of at.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const key = at.at(-1)!;
    if (how === "replace") parent[key] = value;
    else if (how === "delete") {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (how === "add") {
      if (Array.isArray(parent)) parent.push(value);
      else parent[`extra_${String(key)}`] = value;
    } else if (Array.isArray(parent)) parent.push(structuredClone(parent[key as number]));
    else parent[key] = structuredClone(parent);
    return { document, change: `${how} ${at.join(".")}` };
  });

function errorsProblem(errors: { path: string; message: string }[]): string | null {
  if (errors.length === 0) return "refused without an error";
  for (const error of errors) {
    if (typeof error.path !== "string") return `an error without a path: ${JSON.stringify(error)}`;
    if (typeof error.message !== "string" || error.message.trim() === "")
      return `an error without a message at ${error.path}`;
  }
  return null;
}

describe("fuzzing the program-file reader and importer", () => {
  before(async () => {
    source = await createTestDatabase();
    target = await createTestDatabase();
    await seedDemoProgram(source.db, { now: new Date("2026-11-20T12:00:00Z") });
    const full = await exportProgram(source.db, { exportedAt: new Date("2026-11-20T12:00:00Z") });
    // Two plants' worth, with the people who work there and a few assets besides those the plants' other facts
    // name: small enough to change and import many times, still a whole valid program.
    const trimmed = structuredClone(full);
    trimmed.plants = trimmed.plants.slice(0, 2).map((plant) => {
      const named = new Set(JSON.stringify({ ...plant, assets: [] }).match(/"[^"]*"/g));
      const assets = plant.assets.filter(
        (asset, i) => i < 5 || Object.values(asset).some((value) => named.has(JSON.stringify(value)))
      );
      return { ...plant, assets };
    });
    const kept = new Set(trimmed.plants.map((plant) => plant.code));
    trimmed.people = trimmed.people
      .map((person) => ({ ...person, plants: person.plants.filter((code) => kept.has(code)) }))
      .filter((person) => person.role !== "plant_engineer" || person.plants.length > 0);
    const check = validateProgramFile(trimmed);
    assert.ok(check.ok, `the trimmed program is valid: ${check.ok ? "" : JSON.stringify(check.errors.slice(0, 3))}`);
    valid = trimmed;
    validPaths = pathsOf(valid);
  });

  after(async () => {
    await source?.cleanup();
    await target?.cleanup();
  });

  it("starts from a program file that is valid", () => {
    assert.equal(validateProgramFile(valid).ok, true, "the exported program validates");
    assert.ok(validPaths.length > 100, `the program has many values to change (${validPaths.length})`);
  });

  it("reads random text as JSON or names the line and column where it goes wrong, never throwing", async () => {
    const text = JSON.stringify(valid, null, 2);
    await fuzz(
      "program file: random text",
      RUNS,
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 200 }),
          fc
            .tuple(fc.nat(), fc.nat(), fc.constantFrom("", ",", "}", "{", '"', "\\", "\u0000", "]", "NaN", "\uFEFF"))
            .map(([a, b, insert]) => {
              const at = a % text.length;
              return `${text.slice(0, at)}${insert}${text.slice(at + (b % 3))}`;
            }),
          fc.constantFrom("", "\uFEFF", "[".repeat(100_000), '{"a":'.repeat(10_000))
        ),
        (input) => {
          const parsed = parseJsonText(input);
          if (parsed.ok) return;
          if (!(Number.isInteger(parsed.line) && parsed.line >= 1)) throw new Error(`line ${parsed.line}`);
          if (!(Number.isInteger(parsed.column) && parsed.column >= 1)) throw new Error(`column ${parsed.column}`);
          if (parsed.reason.trim() === "") throw new Error("no reason");
        }
      )
    );
  });

  it("validates random documents into errors that name a JSON path, never throwing", async () => {
    await fuzz(
      "program file: random documents",
      RUNS,
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 4 }),
          fc.record({
            format: fc.constantFrom("segmentation-program", "x"),
            version: fc.oneof(fc.constant(1), fc.jsonValue()),
            exportedAt: fc.oneof(fc.constantFrom(...NUMBERS_AND_DATES), fc.jsonValue()),
            plants: fc.jsonValue(),
            people: fc.jsonValue(),
          })
        ),
        (document) => {
          const result = validateProgramFile(document);
          if (result.ok) return;
          const problem = errorsProblem(result.errors);
          if (problem) throw new Error(problem);
        }
      )
    );
  });

  it("validates mutations of a valid program file into errors that name a JSON path, never throwing", async () => {
    await fuzz(
      "program file: mutated documents",
      MUTATION_RUNS,
      fc.property(mutatedProgram, (mutation) => {
        const { document, change } = mutation as { document: unknown; change: string };
        const result = validateProgramFile(document);
        if (result.ok) return;
        const problem = errorsProblem(result.errors);
        if (problem) throw new Error(`${change}: ${problem}`);
        if (!result.errors.some((e) => e.path !== "")) throw new Error(`${change}: no error names a path`);
      })
    );
  });

  it("imports a mutated program file whole or refuses it with errors naming JSON paths, writing nothing", async () => {
    await fuzz(
      "program file: import mutated documents",
      IMPORT_RUNS,
      fc.asyncProperty(mutatedProgram, async (mutation) => {
        const { document, change } = mutation as { document: unknown; change: string };
        const before = await rowCounts(target.db);
        try {
          await importProgram(target.db, document, { replace: true });
        } catch (error) {
          if (!(error instanceof ProgramFileInvalidError)) {
            throw new Error(`${change}: the import failed with ${String(error)}`);
          }
          const problem = errorsProblem(error.errors);
          if (problem) throw new Error(`${change}: ${problem}`);
          const after = await rowCounts(target.db);
          if (after !== before) throw new Error(`${change}: the refused import wrote rows`);
          if (!error.errors.some((e) => e.path !== "")) throw new Error(`${change}: no error names a path`);
        }
      })
    );
  });
});
