import { collapsePort, type BaselineSettings } from "./baseline";
import { localDay } from "./calendar";
import { canonicalAddress } from "./cidr";

// Zeek conn.log, one line at a time, in either of Zeek's two formats: the tab-separated one with its `#`
// header (columns in whatever order `#fields` gives, `-` for unset and `(empty)` for empty values) and JSON
// lines. Pure: the caller reads the file (plain or gzipped, streamed) and feeds lines with their numbers.
// Nothing here throws on bad input; a bad line comes back as a problem naming the line and the field.

export interface ConnRecord {
  /** Connection start, epoch seconds. */
  ts: number;
  origHost: string;
  /** For ICMP, the message type. */
  origPort: number | null;
  respHost: string;
  /** For ICMP, the message code. */
  respPort: number | null;
  proto: "tcp" | "udp" | "icmp" | (string & {});
  service: string | null;
  origBytes: number | null;
  respBytes: number | null;
}

export interface ParseProblem {
  line: number;
  message: string;
  /** The Zeek field at fault, when one is. */
  field?: string;
  /** The whole file must be refused (not a conn.log, or a header unfit to read it by); later lines are ignored. */
  fatal?: true;
}

export type ParseResult = ConnRecord | ParseProblem | null;

export type ConnLogFormat = "tsv" | "json";

export interface ConnLogParser {
  /** One line (without its newline) and its 1-based number. A record, a problem, or null for header/blank lines. */
  push(line: string, lineNumber: number): ParseResult;
  /** Detected from the first non-empty line; null until then, and after a refusal. */
  readonly format: ConnLogFormat | null;
  /** The problem that refused the file, if any. Once set, `push` returns null for every further line. */
  readonly refusal: ParseProblem | null;
}

export const NOT_A_CONN_LOG = "no #fields header and not JSON";

export function isParseProblem(result: ParseResult): result is ParseProblem {
  return result !== null && "message" in result;
}

const REQUIRED_FIELDS = ["ts", "id.orig_h", "id.resp_h", "proto"] as const;

/** Header directives a Zeek ASCII log may start with. */
const TSV_DIRECTIVES = /^#(separator|set_separator|empty_field|unset_field|path|open|fields|types)(\s|$)/;

const DECIMAL = /^\d+(\.\d+)?$/;
const UNSIGNED = /^\d+$/;

/** Zeek escapes bytes as `\xHH` in the ASCII format (the separator itself, non-printables). */
function unescapeZeek(value: string): string {
  return value.indexOf("\\x") !== -1
    ? value.replace(/\\x([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    : value;
}

type FieldValue = string | number | boolean | null | undefined | object;

class FieldError {
  constructor(readonly field: string, readonly message: string) {}
}

/** A field reader shared by both formats: `undefined`/`null` is unset, strings are already unescaped. */
interface Row {
  get(field: string): FieldValue;
}

/** Epoch seconds of 10000-01-01: a later time has no calendar day (and no JavaScript date). */
const TS_LIMIT = 253402300800;

function readTs(row: Row): number {
  const raw = row.get("ts");
  if (raw === undefined || raw === null) throw new FieldError("ts", "ts is missing");
  let ts = NaN;
  if (typeof raw === "number") ts = raw;
  else if (typeof raw === "string") {
    if (DECIMAL.test(raw)) ts = Number(raw);
    // Zeek's JSON writer may be set to ISO 8601 timestamps.
    else if (/^\d{4}-\d{2}-\d{2}T/.test(raw)) ts = Date.parse(raw) / 1000;
  }
  if (Number.isFinite(ts) && ts >= 0 && ts < TS_LIMIT) return ts;
  throw new FieldError("ts", `ts is not a timestamp: ${JSON.stringify(raw)}`);
}

/** The host in canonical text (app/domain/cidr.ts): one host is one string however the log spelled it. */
function readHost(row: Row, field: string): string {
  const raw = row.get(field);
  if (raw === undefined || raw === null || raw === "") throw new FieldError(field, `${field} is missing`);
  const host = typeof raw === "string" ? canonicalAddress(raw) : null;
  if (host === null) throw new FieldError(field, `${field} is not an IP address: ${JSON.stringify(raw)}`);
  return host;
}

function readPort(row: Row, field: string): number | null {
  const raw = row.get(field);
  if (raw === undefined || raw === null) return null;
  const value = typeof raw === "number" ? raw : typeof raw === "string" && UNSIGNED.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new FieldError(field, `${field} is not a port number: ${JSON.stringify(raw)}`);
  }
  return value;
}

function readCount(row: Row, field: string): number | null {
  const raw = row.get(field);
  if (raw === undefined || raw === null) return null;
  const value = typeof raw === "number" ? raw : typeof raw === "string" && UNSIGNED.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new FieldError(field, `${field} is not a byte count: ${JSON.stringify(raw)}`);
  }
  return value;
}

function readProto(row: Row): string {
  const raw = row.get("proto");
  if (raw === undefined || raw === null || raw === "") throw new FieldError("proto", "proto is missing");
  if (typeof raw !== "string" || !/^[A-Za-z0-9_-]+$/.test(raw)) {
    throw new FieldError("proto", `proto is not a transport protocol: ${JSON.stringify(raw)}`);
  }
  return raw.toLowerCase();
}

function readService(row: Row): string | null {
  const raw = row.get("service");
  if (raw === undefined || raw === null || raw === "") return null;
  if (Array.isArray(raw)) return raw.length === 0 ? null : raw.map(String).join(",");
  if (typeof raw !== "string") throw new FieldError("service", `service is not text: ${JSON.stringify(raw)}`);
  return raw;
}

function toRecord(row: Row, lineNumber: number): ConnRecord | ParseProblem {
  try {
    return {
      ts: readTs(row),
      origHost: readHost(row, "id.orig_h"),
      origPort: readPort(row, "id.orig_p"),
      respHost: readHost(row, "id.resp_h"),
      respPort: readPort(row, "id.resp_p"),
      proto: readProto(row),
      service: readService(row),
      origBytes: readCount(row, "orig_bytes"),
      respBytes: readCount(row, "resp_bytes"),
    };
  } catch (error) {
    if (error instanceof FieldError) return { line: lineNumber, field: error.field, message: error.message };
    return { line: lineNumber, message: `unreadable line: ${String(error)}` };
  }
}

/** One TSV line's values read by the header's columns; a class, so reading a line creates no closures. */
class TsvRow implements Row {
  constructor(private readonly values: string[], private readonly header: TsvHeader) {}
  get(field: string): FieldValue {
    const i = this.header.index.get(field);
    if (i === undefined) return undefined;
    const value = this.values[i];
    if (value === undefined || value === this.header.unsetField || value === this.header.emptyField) return null;
    return unescapeZeek(value);
  }
}

interface TsvHeader {
  separator: string;
  emptyField: string;
  unsetField: string;
  fields: string[] | null;
  index: Map<string, number>;
  /** The columns of the fields a ConnRecord holds (-1 for a field the log lacks), for `fastTsvRecord`. */
  columns: Int32Array;
  /** Per column, the field of RECORD_FIELDS it holds, or -1; and the last column holding one. */
  fieldOfColumn: Int8Array;
  lastColumn: number;
}

/** The fields `fastTsvRecord` reads, in the order of `TsvHeader.columns`. */
const RECORD_FIELDS = [
  "ts",
  "id.orig_h",
  "id.orig_p",
  "id.resp_h",
  "id.resp_p",
  "proto",
  "service",
  "orig_bytes",
  "resp_bytes",
] as const;

/** Canonical text of the host spellings seen lately (logs repeat their hosts); bounded, so memory stays flat. */
const canonicalHosts = new Map<string, string | null>();
const CANONICAL_HOSTS_HELD = 16_384;

function canonicalHost(raw: string): string | null {
  let host = canonicalHosts.get(raw);
  if (host === undefined) {
    host = canonicalAddress(raw);
    if (canonicalHosts.size >= CANONICAL_HOSTS_HELD) canonicalHosts.clear();
    canonicalHosts.set(raw, host);
  }
  return host;
}

// Where each of RECORD_FIELDS starts and ends on the line being read (one line at a time: no allocation per line).
const fieldStarts = new Int32Array(RECORD_FIELDS.length);
const fieldEnds = new Int32Array(RECORD_FIELDS.length);

/** Whether RECORD_FIELDS[f] on the line is the log's unset or empty value (compared in place, without a copy). */
function isUnset(line: string, tsv: TsvHeader, f: number): boolean {
  const start = fieldStarts[f]!;
  const length = fieldEnds[f]! - start;
  return (
    (length === tsv.unsetField.length && line.startsWith(tsv.unsetField, start)) ||
    (length === tsv.emptyField.length && line.startsWith(tsv.emptyField, start))
  );
}

/** The text of RECORD_FIELDS[f] on the line, or null when the log lacks the field or leaves it unset or empty. */
function fieldText(line: string, tsv: TsvHeader, f: number): string | null {
  if (tsv.columns[f] === -1 || isUnset(line, tsv, f)) return null;
  return line.slice(fieldStarts[f], fieldEnds[f]);
}

/**
 * A port or byte count read in place: null when absent or unset, -1 when not plain digits (or too many for a safe
 * integer).
 */
function countField(line: string, tsv: TsvHeader, f: number): number | null {
  if (tsv.columns[f] === -1 || isUnset(line, tsv, f)) return null;
  const start = fieldStarts[f]!;
  const end = fieldEnds[f]!;
  if (end === start || end - start > 15) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/** The protocol, when it is one of the usual three written in lower case (anything else goes the general way). */
function protoField(line: string, f: number): "tcp" | "udp" | "icmp" | null {
  const start = fieldStarts[f]!;
  const length = fieldEnds[f]! - start;
  if (length === 3 && line.startsWith("tcp", start)) return "tcp";
  if (length === 3 && line.startsWith("udp", start)) return "udp";
  if (length === 4 && line.startsWith("icmp", start)) return "icmp";
  return null;
}

/**
 * The common TSV line read by slicing out only the columns a ConnRecord holds, without splitting every column or
 * going through the field readers. It reads exactly what `toRecord` would, and answers null whenever the line is
 * anything but plain (another column count, an escape, an unset required field, a value that would be refused):
 * the caller then reads it the general way, which names the problem.
 */
function fastTsvRecord(line: string, tsv: TsvHeader): ConnRecord | null {
  if (tsv.separator.length !== 1) return null;
  const fieldOfColumn = tsv.fieldOfColumn;
  const separator = tsv.separator;
  let column = 0;
  let start = 0;
  for (;;) {
    const end = line.indexOf(separator, start);
    if (column <= tsv.lastColumn) {
      const f = fieldOfColumn[column]!;
      if (f !== -1) {
        fieldStarts[f] = start;
        fieldEnds[f] = end === -1 ? line.length : end;
      }
    }
    column++;
    if (end === -1) break;
    start = end + 1;
  }
  if (column !== tsv.fields!.length) return null;
  const tsText = fieldText(line, tsv, 0);
  if (tsText === null || !DECIMAL.test(tsText)) return null;
  const ts = Number(tsText);
  if (!(ts < TS_LIMIT)) return null;
  const origText = fieldText(line, tsv, 1);
  const respText = fieldText(line, tsv, 3);
  if (origText === null || respText === null || origText.includes("\\") || respText.includes("\\")) return null;
  const origHost = canonicalHost(origText);
  const respHost = canonicalHost(respText);
  if (origHost === null || respHost === null) return null;
  const proto = protoField(line, 5);
  if (proto === null) return null;
  const origPort = countField(line, tsv, 2);
  const respPort = countField(line, tsv, 4);
  const origBytes = countField(line, tsv, 7);
  const respBytes = countField(line, tsv, 8);
  if (origPort === -1 || respPort === -1 || origBytes === -1 || respBytes === -1) return null;
  if ((origPort ?? 0) > 65535 || (respPort ?? 0) > 65535) return null;
  const service = fieldText(line, tsv, 6);
  if (service !== null && service.includes("\\")) return null;
  return { ts, origHost, origPort, respHost, respPort, proto, service, origBytes, respBytes };
}

export function createConnLogParser(): ConnLogParser {
  let format: ConnLogFormat | null = null;
  let refusal: ParseProblem | null = null;
  const tsv: TsvHeader = {
    separator: "\t",
    emptyField: "(empty)",
    unsetField: "-",
    fields: null,
    index: new Map(),
    columns: new Int32Array(0),
    fieldOfColumn: new Int8Array(0),
    lastColumn: -1,
  };

  const refuse = (lineNumber: number, message: string): ParseProblem => {
    refusal = { line: lineNumber, message, fatal: true };
    format = null;
    return refusal;
  };

  function tsvDirective(line: string, lineNumber: number): ParseResult {
    if (line.startsWith("#separator")) {
      // The separator line itself is written with a space, the separator not being known yet.
      const value = unescapeZeek(line.slice("#separator".length).replace(/^[ \t]/, ""));
      if (value === "") return refuse(lineNumber, "#separator header has no value");
      tsv.separator = value;
      return null;
    }
    const parts = line.split(tsv.separator);
    const directive = parts[0] ?? "";
    const values = parts.slice(1);
    switch (directive) {
      case "#empty_field":
        tsv.emptyField = unescapeZeek(values.join(tsv.separator));
        return null;
      case "#unset_field":
        tsv.unsetField = unescapeZeek(values.join(tsv.separator));
        return null;
      case "#fields": {
        const missing = REQUIRED_FIELDS.filter((field) => !values.includes(field));
        if (missing.length > 0) {
          return refuse(lineNumber, `#fields header lacks ${missing.join(", ")}: not a Zeek conn.log`);
        }
        tsv.fields = values;
        tsv.index = new Map(values.map((field, i) => [field, i]));
        tsv.columns = Int32Array.from(RECORD_FIELDS, (field) => tsv.index.get(field) ?? -1);
        tsv.fieldOfColumn = new Int8Array(values.length).fill(-1);
        tsv.columns.forEach((column, f) => {
          if (column !== -1) tsv.fieldOfColumn[column] = f;
        });
        tsv.lastColumn = Math.max(...tsv.columns);
        return null;
      }
      default:
        // #set_separator, #path, #open, #types, #close and any other comment: nothing to read by.
        return null;
    }
  }

  function tsvRow(line: string, lineNumber: number): ParseResult {
    const fields = tsv.fields;
    if (fields === null) return refuse(lineNumber, NOT_A_CONN_LOG);
    const fast = fastTsvRecord(line, tsv);
    if (fast !== null) return fast;
    const values = line.split(tsv.separator);
    if (values.length !== fields.length) {
      return { line: lineNumber, message: `expected ${fields.length} columns (per #fields), found ${values.length}` };
    }
    return toRecord(new TsvRow(values, tsv), lineNumber);
  }

  function jsonRow(line: string, lineNumber: number): ParseResult {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      return { line: lineNumber, message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return { line: lineNumber, message: "not a JSON object" };
    }
    const object = parsed as Record<string, unknown>;
    const nestedId =
      typeof object.id === "object" && object.id !== null ? (object.id as Record<string, unknown>) : null;
    const row: Row = {
      get(field) {
        if (Object.hasOwn(object, field)) return object[field] as FieldValue;
        // Some pipelines nest the connection id: { "id": { "orig_h": ... } }.
        if (nestedId && field.startsWith("id.")) return nestedId[field.slice(3)] as FieldValue;
        return undefined;
      },
    };
    return toRecord(row, lineNumber);
  }

  return {
    get format() {
      return format;
    },
    get refusal() {
      return refusal;
    },
    push(rawLine, lineNumber) {
      if (refusal) return null;
      const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
      if (line.trim() === "") return null;
      if (format === null) {
        const start = line.trimStart();
        if (TSV_DIRECTIVES.test(start)) format = "tsv";
        else if (start.startsWith("{")) format = "json";
        else return refuse(lineNumber, NOT_A_CONN_LOG);
      }
      if (format === "json") return jsonRow(line.trim(), lineNumber);
      return line.startsWith("#") ? tsvDirective(line, lineNumber) : tsvRow(line, lineNumber);
    },
  };
}

export interface ParsedConnLog {
  format: ConnLogFormat | null;
  records: ConnRecord[];
  problems: ParseProblem[];
  refusal: ParseProblem | null;
}

/** The whole of a small log at once (tests, API payloads); files go through `createConnLogParser` line by line. */
export function parseConnLog(lines: Iterable<string>): ParsedConnLog {
  const parser = createConnLogParser();
  const records: ConnRecord[] = [];
  const problems: ParseProblem[] = [];
  let lineNumber = 0;
  for (const line of lines) {
    const result = parser.push(line, ++lineNumber);
    if (result === null) continue;
    if (isParseProblem(result)) problems.push(result);
    else records.push(result);
    if (parser.refusal) break;
  }
  return { format: parser.format, records, problems, refusal: parser.refusal };
}

/** The record's responder port as a flow tuple sees it: ICMP has none, ephemeral ports collapse to one. */
function tuplePort(record: ConnRecord, settings: BaselineSettings): number | null {
  return record.proto === "icmp" ? null : collapsePort(record.respPort, settings);
}

/** The flow tuple key `orig|resp|proto|port`; an absent port is written `-`. */
export function flowTuple(record: ConnRecord, settings: BaselineSettings): string {
  const port = tuplePort(record, settings);
  return `${record.origHost}|${record.respHost}|${record.proto}|${port ?? "-"}`;
}

/** The plant-local calendar day the connection started on. */
export function dayOf(record: ConnRecord, timeZone: string): string {
  return localDay(new Date(Math.round(record.ts * 1000)), timeZone);
}
