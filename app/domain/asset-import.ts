import { canonicalAddress } from "./cidr";
import { ASSET_KINDS, ASSET_KIND_LABELS, type AssetKind } from "./vocabulary";

// Inventory exports of passive monitoring tools, as CSV: a header row, then one asset per row. Columns are mapped by
// their names (case, spaces and punctuation do not matter); columns the mapping does not know are ignored and
// reported. The mapping is documented in docs/evidence.md; keep the two in step.

export const IMPORT_FIELDS = ["ip", "mac", "vendor", "model", "firmware", "kind", "name", "zone"] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Header names each field is recognized by, normalized (lower case, letters and digits only). */
const COLUMN_NAMES: Record<ImportField, readonly string[]> = {
  ip: ["ip", "ipaddress", "ipaddr", "ipv4", "ipv4address", "ipv6", "ipv6address", "address", "hostip"],
  mac: ["mac", "macaddress", "macaddr", "hwaddress", "hardwareaddress", "physicaladdress"],
  vendor: ["vendor", "manufacturer", "make", "vendorname"],
  model: ["model", "modelname", "product", "productname", "devicemodel", "modelnumber"],
  firmware: ["firmware", "firmwareversion", "fw", "fwversion", "version", "softwareversion", "osversion"],
  kind: ["kind", "type", "devicetype", "assettype", "category", "devicecategory", "class", "deviceclass"],
  name: ["name", "hostname", "devicename", "assetname", "host"],
  zone: ["zone", "zonename", "networkzone", "securityzone"],
};

/** Device types as the tools spell them, normalized, beside the product's own kind names and labels. */
const KIND_SYNONYMS: Record<string, AssetKind> = {
  controller: "plc",
  programmablelogiccontroller: "plc",
  dcscontroller: "plc",
  safetycontroller: "safety_plc",
  sis: "safety_plc",
  humanmachineinterface: "hmi",
  operatorpanel: "hmi",
  operatorstation: "hmi",
  scada: "scada_server",
  ews: "engineering_workstation",
  engineeringstation: "engineering_workstation",
  engineeringworkstation: "engineering_workstation",
  vfd: "drive",
  variablefrequencydrive: "drive",
  servodrive: "drive",
  io: "io_adapter",
  ioadapter: "io_adapter",
  remoteio: "io_adapter",
  robot: "robot_controller",
  remoteterminalunit: "rtu",
  networkswitch: "switch",
  ethernetswitch: "switch",
  managedswitch: "switch",
  pc: "workstation",
  windowsworkstation: "workstation",
  laptop: "workstation",
  windowsserver: "server",
  domaincontroller: "server",
};
/** Values that say the tool does not know: the kind is left empty. */
const UNKNOWN_KINDS = new Set(["", "unknown", "unclassified", "na", "none"]);

const normalizeName = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, "");

const KIND_BY_NAME = new Map<string, AssetKind>([
  ...ASSET_KINDS.map((kind) => [normalizeName(kind), kind] as const),
  ...ASSET_KINDS.map((kind) => [normalizeName(ASSET_KIND_LABELS[kind]), kind] as const),
  ...Object.entries(KIND_SYNONYMS),
]);

export function kindOf(text: string): AssetKind | null | undefined {
  const key = normalizeName(text);
  if (UNKNOWN_KINDS.has(key)) return null;
  return KIND_BY_NAME.get(key);
}

export interface ImportProblem {
  /** The line of the file (1 is the header), or null for the file as a whole. */
  line: number | null;
  column: string | null;
  message: string;
}

export interface ImportRow {
  line: number;
  ip: string | null;
  mac: string | null;
  vendor: string | null;
  model: string | null;
  firmware: string | null;
  kind: AssetKind | null;
  name: string | null;
  zone: string | null;
}

/** What an import wrote, or would write on a dry run. */
export interface AssetImportSummary {
  plant: string;
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  columns: Partial<Record<ImportField, string>>;
  ignoredColumns: string[];
}

export interface ParsedImport {
  rows: ImportRow[];
  problems: ImportProblem[];
  /** Which column each field was read from. */
  columns: Partial<Record<ImportField, string>>;
  ignoredColumns: string[];
}

/** Columns of one record: exports have a few dozen; far more is another kind of file, and not read further. */
const MAX_COLUMNS = 500;
/** Characters of one record (a quoted field may run over several lines): the same, for a record's length. */
const MAX_RECORD_LENGTH = 100_000;

const count = (n: number) => n.toLocaleString("en-US");

/**
 * RFC 4180 records with the line each begins on; a quoted field may hold commas, quotes and line breaks. A record
 * of more than MAX_COLUMNS fields or MAX_RECORD_LENGTH characters stops the reading there, with the line named.
 */
export function parseCsvRecords(text: string): {
  records: { line: number; fields: string[] }[];
  error: ImportProblem | null;
} {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let start = 1;
  let quoted = false;
  let wasQuoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let recordStart = i;
  const tooLong = (): ImportProblem => ({
    line: start,
    column: null,
    message: `longer than ${count(
      MAX_RECORD_LENGTH
    )} characters; a row of an inventory export is far shorter (is a quote left open?), so the file was not read further`,
  });
  const tooWide = (): ImportProblem => ({
    line: start,
    column: null,
    message: `more than ${count(
      MAX_COLUMNS
    )} columns; an inventory export has a few dozen, so the file was not read further`,
  });
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === "" && !wasQuoted)) records.push({ line: start, fields });
    fields = [];
    field = "";
    wasQuoted = false;
  };
  for (; i < text.length; i++) {
    if (i - recordStart >= MAX_RECORD_LENGTH) return { records, error: tooLong() };
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (field.length > 0) {
        return { records, error: { line, column: null, message: "a quote inside an unquoted field" } };
      }
      quoted = true;
      wasQuoted = true;
    } else if (ch === ",") {
      if (fields.length + 1 >= MAX_COLUMNS) return { records, error: tooWide() };
      fields.push(field);
      field = "";
      wasQuoted = false;
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      start = line;
      recordStart = i + 1;
    } else {
      if (wasQuoted) {
        return { records, error: { line, column: null, message: "text after the closing quote of a field" } };
      }
      field += ch;
    }
  }
  if (quoted) return { records, error: { line: start, column: null, message: "a quoted field is never closed" } };
  if (field.length > 0 || fields.length > 0 || wasQuoted) endRecord();
  return { records, error: null };
}

const MAC_PATTERN = /^[0-9a-f]{2}([:\-.]?[0-9a-f]{2}){5}$|^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i;

/** A MAC address as lower-case colon-separated pairs, or null when the text is not one. */
export function normalizeMac(text: string): string | null {
  if (!MAC_PATTERN.test(text)) return null;
  const hex = text.toLowerCase().replace(/[^0-9a-f]/g, "");
  return hex.match(/../g)!.join(":");
}

const MAX_FIELD = 200;
/** Header names a message lists, and the characters of each: a message stays a sentence whatever the file. */
const NAMES_LISTED = 20;
const clip = (text: string) => (text.length > 60 ? `${text.slice(0, 59)}…` : text);

/** Reads a CSV export into rows, with every problem named by line and column; nothing is dropped silently. */
export function parseAssetCsv(text: string): ParsedImport {
  const problems: ImportProblem[] = [];
  const { records, error } = parseCsvRecords(text);
  if (error) return { rows: [], problems: [error], columns: {}, ignoredColumns: [] };
  const [header, ...body] = records;
  if (!header) {
    return {
      rows: [],
      problems: [{ line: null, column: null, message: "the file is empty" }],
      columns: {},
      ignoredColumns: [],
    };
  }
  const columns: Partial<Record<ImportField, string>> = {};
  const index: Partial<Record<ImportField, number>> = {};
  const ignoredColumns: string[] = [];
  header.fields.forEach((raw, i) => {
    const name = clip(raw.trim());
    const key = normalizeName(name);
    const field = IMPORT_FIELDS.find((f) => COLUMN_NAMES[f].includes(key));
    if (!field) {
      if (name) ignoredColumns.push(name);
      return;
    }
    if (index[field] !== undefined) {
      problems.push({
        line: header.line,
        column: name,
        message: `both “${columns[field]}” and “${name}” map to ${field}; keep one of them`,
      });
      return;
    }
    index[field] = i;
    columns[field] = name;
  });
  if (index.ip === undefined && index.mac === undefined) {
    problems.push({
      line: header.line,
      column: null,
      message: `no IP or MAC column: the header must name at least one (for example “IP Address” or “MAC Address”); it has ${header.fields
        .slice(0, NAMES_LISTED)
        .map((f) => `“${clip(f.trim())}”`)
        .join(", ")}${
        header.fields.length > NAMES_LISTED ? ` and ${count(header.fields.length - NAMES_LISTED)} more` : ""
      }`,
    });
  }
  if (problems.length > 0) return { rows: [], problems, columns, ignoredColumns };

  const rows: ImportRow[] = [];
  for (const record of body) {
    if (record.fields.every((f) => f.trim() === "")) continue;
    if (record.fields.length > header.fields.length) {
      problems.push({
        line: record.line,
        column: null,
        message: `${record.fields.length} fields where the header has ${header.fields.length}`,
      });
      continue;
    }
    const value = (field: ImportField): string | null => {
      const i = index[field];
      if (i === undefined) return null;
      const text = (record.fields[i] ?? "").trim();
      return text === "" || text === "-" ? null : text;
    };
    const rowProblems: ImportProblem[] = [];
    const problem = (field: ImportField, message: string) =>
      rowProblems.push({ line: record.line, column: columns[field] ?? field, message });
    for (const field of IMPORT_FIELDS) {
      const text = value(field);
      if (text !== null && text.length > MAX_FIELD) problem(field, `longer than ${MAX_FIELD} characters`);
    }
    const ipText = value("ip");
    const macText = value("mac");
    const ip = ipText === null ? null : canonicalAddress(ipText);
    const mac = macText === null ? null : normalizeMac(macText);
    if (ipText !== null && ip === null) problem("ip", `“${ipText.slice(0, 60)}” is not an IPv4 or IPv6 address`);
    if (macText !== null && mac === null) problem("mac", `“${macText.slice(0, 60)}” is not a MAC address`);
    if (ipText === null && macText === null) {
      rowProblems.push({ line: record.line, column: null, message: "neither an IP nor a MAC address" });
    }
    const kindText = value("kind");
    const kind = kindText === null ? null : kindOf(kindText);
    if (kind === undefined) {
      problem(
        "kind",
        `“${kindText!.slice(0, 60)}” is not a kind this program knows (${ASSET_KINDS.map(
          (k) => ASSET_KIND_LABELS[k]
        ).join(", ")}, or Unknown)`
      );
    }
    if (rowProblems.length > 0) {
      problems.push(...rowProblems);
      continue;
    }
    rows.push({
      line: record.line,
      ip,
      mac,
      vendor: value("vendor"),
      model: value("model"),
      firmware: value("firmware"),
      kind: kind ?? null,
      name: value("name"),
      zone: value("zone"),
    });
  }
  if (body.length === 0 || (rows.length === 0 && problems.length === 0)) {
    problems.push({ line: null, column: null, message: "the file has a header but no assets" });
  }
  return { rows, problems, columns, ignoredColumns };
}

/** Problems a person is shown (the command, the upload form, --json): the first ones, then how many more. */
const PROBLEMS_LISTED = 20;

export function firstProblems(problems: readonly ImportProblem[]): { listed: ImportProblem[]; more: number } {
  return { listed: problems.slice(0, PROBLEMS_LISTED), more: Math.max(0, problems.length - PROBLEMS_LISTED) };
}

export function describeProblem(problem: ImportProblem): string {
  const where = [
    problem.line === null ? null : `line ${problem.line}`,
    problem.column ? `column “${problem.column}”` : null,
  ]
    .filter(Boolean)
    .join(", ");
  return where ? `${where}: ${problem.message}` : problem.message;
}
