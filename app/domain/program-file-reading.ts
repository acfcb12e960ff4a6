import { type z } from "../utils/zod";
import { canonicalCidr } from "./cidr";
import {
  PROGRAM_FORMAT,
  PROGRAM_VERSION,
  SIGNOFF_SUBJECT_TYPES,
  listWords,
  programFileSchema,
  show,
  type ProgramFile,
} from "./program-file";

// Reading a program file: its text as JSON (a failure placed at a line and column), then the value checked against
// the format (./program-file) with every error at its JSON path, shapes and values first, then the references
// between objects.

// ---------------------------------------------------------------------------------------------------------------
// Validation: every error, each with its JSON path

export interface ProgramFileError {
  /** Where in the document, like `plants[3].zones[1].ranges[0]`; empty for the document itself. */
  path: string;
  message: string;
}

export type ProgramValidation = { ok: true; program: ProgramFile } | { ok: false; errors: ProgramFileError[] };

type PathSegment = string | number;

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && /^[A-Za-z_$][\w$]*$/.test(segment))
      out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

export function formatError(error: ProgramFileError): string {
  return error.path === "" ? error.message : `${error.path}: ${error.message}`;
}

/** The error lines, at most `limit` of them, then how many more were left out. */
export function formatErrors(errors: readonly ProgramFileError[], limit = 50): string[] {
  const lines = errors.slice(0, limit).map(formatError);
  if (errors.length > limit) lines.push(`… and ${errors.length - limit} more`);
  return lines;
}

/** Messages for zod's own issues, in the words the rest of the file's errors use. */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      return `expected ${
        issue.expected === "array" ? "a list" : issue.expected === "object" ? "an object" : `a ${issue.expected}`
      }, got ${show(issue.input)}`;
    case "invalid_value":
      return `${show(issue.input)} is not one of ${listWords(issue.values)}`;
    case "too_small":
      return issue.origin === "string"
        ? "is too short"
        : `${show(issue.input)} is below the minimum ${String(issue.minimum)}`;
    case "too_big":
      return issue.origin === "string"
        ? `is longer than ${String(issue.maximum)} characters`
        : `${show(issue.input)} is above the maximum ${String(issue.maximum)}`;
    case "invalid_union": {
      if (issue.discriminator === undefined) return "does not match any accepted shape";
      // The one discriminated union of the format is a signoff's subject.
      const type = field(issue.input, issue.discriminator);
      return type === undefined ? "is required" : `${show(type)} is not one of ${listWords(SIGNOFF_SUBJECT_TYPES)}`;
    }
    default:
      return undefined;
  }
};

function zodErrors(error: z.ZodError): ProgramFileError[] {
  return error.issues.flatMap((issue): ProgramFileError[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: "is not a field of this format",
      }));
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

/**
 * Checks a parsed JSON value against the format and reports every error: shapes and values first, then references
 * between objects. References are checked on the raw value, so a malformed field elsewhere hides none of them.
 */
export function validateProgramFile(input: unknown): ProgramValidation {
  const header = headerErrors(input);
  if (header.length > 0) return { ok: false, errors: header };
  const parsed = programFileSchema.safeParse(input, { error: errorMap });
  const errors = [...(parsed.success ? [] : zodErrors(parsed.error)), ...referenceErrors(input)];
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, program: parsed.data };
}

/** A file of another kind or version gets one error, not a page of them. */
function headerErrors(input: unknown): ProgramFileError[] {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    return [{ path: "", message: `expected a program file (a JSON object), got ${show(input)}` }];
  }
  const { format, version } = input as Record<string, unknown>;
  if (format !== PROGRAM_FORMAT) {
    return [
      { path: "format", message: `${show(format)}: this is not a program file (format must be "${PROGRAM_FORMAT}")` },
    ];
  }
  if (version !== PROGRAM_VERSION) {
    return [
      {
        path: "version",
        message: `${show(version)} is not a version this program reads (it reads ${PROGRAM_VERSION})`,
      },
    ];
  }
  return [];
}

// Defensive readers for the raw document: anything malformed reads as absent (zod reports it).
function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
function list(value: unknown, key: string): unknown[] {
  const found = field(value, key);
  return Array.isArray(found) ? found : [];
}
function text(value: unknown, key: string): string | undefined {
  const found = field(value, key);
  return typeof found === "string" ? found : undefined;
}

function referenceErrors(input: unknown): ProgramFileError[] {
  const errors: ProgramFileError[] = [];
  const add = (path: PathSegment[], message: string) => errors.push({ path: formatPath(path), message });

  /** Reports later duplicates of a key, naming where it first appeared. */
  const uniqueBy = (
    items: unknown[],
    base: PathSegment[],
    key: (item: unknown) => string | undefined,
    what: string,
    keyField: PathSegment[]
  ) => {
    const first = new Map<string, number>();
    items.forEach((item, index) => {
      const value = key(item);
      if (value === undefined) return;
      const earlier = first.get(value);
      if (earlier === undefined) first.set(value, index);
      else
        add(
          [...base, index, ...keyField],
          `duplicate ${what} ${show(value)} (first at ${formatPath([...base, earlier])})`
        );
    });
    return first;
  };

  const people = list(input, "people");
  uniqueBy(people, ["people"], (p) => text(p, "email")?.toLowerCase(), "email", ["email"]);
  const emails = new Set(people.map((p) => text(p, "email")).filter((e) => e !== undefined));
  const person = (path: PathSegment[], value: unknown) => {
    if (typeof value === "string" && !emails.has(value)) add(path, `${show(value)} is not one of the file's people`);
  };

  const plants = list(input, "plants");
  const codes = uniqueBy(plants, ["plants"], (p) => text(p, "code"), "plant code", ["code"]);
  people.forEach((p, i) => {
    const assigned = list(p, "plants");
    uniqueBy(assigned, ["people", i, "plants"], (c) => (typeof c === "string" ? c : undefined), "plant code", []);
    assigned.forEach((code, j) => {
      if (typeof code === "string" && !codes.has(code))
        add(["people", i, "plants", j], `${show(code)} is not one of the file's plants`);
    });
  });

  plants.forEach((plant, p) => {
    const at = (...rest: PathSegment[]): PathSegment[] => ["plants", p, ...rest];
    const code = text(plant, "code") ?? `plants[${p}]`;

    const zones = list(plant, "zones");
    const zoneNames = uniqueBy(zones, at("zones"), (z) => text(z, "name"), "zone name", ["name"]);
    zones.forEach((zone, z) =>
      uniqueBy(
        list(zone, "ranges"),
        at("zones", z, "ranges"),
        // One block however it is spelled: 10.0.0.0/8 and 010.0.0.0/08 are the same range.
        (r) => (typeof r === "string" ? canonicalCidr(r) ?? r : undefined),
        "range",
        []
      )
    );
    const zone = (path: PathSegment[], value: unknown) => {
      if (typeof value === "string" && !zoneNames.has(value)) add(path, `plant ${code} has no zone ${show(value)}`);
    };

    const conduits = list(plant, "conduits");
    const conduitNames = uniqueBy(conduits, at("conduits"), (c) => text(c, "name"), "conduit name", ["name"]);
    const conduit = (path: PathSegment[], value: unknown) => {
      if (typeof value === "string" && !conduitNames.has(value))
        add(path, `plant ${code} has no conduit ${show(value)}`);
    };
    conduits.forEach((c, i) => {
      zone(at("conduits", i, "zoneA"), field(c, "zoneA"));
      zone(at("conduits", i, "zoneB"), field(c, "zoneB"));
      person(at("conduits", i, "designOwner"), field(c, "designOwner"));
      person(at("conduits", i, "monitoringOwner"), field(c, "monitoringOwner"));
      uniqueBy(
        list(c, "observations"),
        at("conduits", i, "observations"),
        (o) =>
          text(o, "day") !== undefined && text(o, "source") !== undefined
            ? `${text(o, "day")} ${text(o, "source")}`
            : undefined,
        "day and source",
        []
      );
      list(c, "alertWirings").forEach((w, j) => person(at("conduits", i, "alertWirings", j, "by"), field(w, "by")));
      list(c, "detectionRules").forEach((r, j) => {
        person(at("conduits", i, "detectionRules", j, "createdBy"), field(r, "createdBy"));
        person(at("conduits", i, "detectionRules", j, "reviewedBy"), field(r, "reviewedBy"));
      });
    });

    const assetNames = new Map<string, number>();
    list(plant, "assets").forEach((asset, i) => {
      zone(at("assets", i, "zone"), field(asset, "zone"));
      const triage = field(asset, "triage");
      if (triage && typeof triage === "object") person(at("assets", i, "triage", "by"), field(triage, "by"));
      const assetName = text(asset, "name");
      if (assetName !== undefined) assetNames.set(assetName, (assetNames.get(assetName) ?? 0) + 1);
    });

    const windows = list(plant, "outageWindows");
    const windowKeys = uniqueBy(windows, at("outageWindows"), (w) => text(w, "key"), "window key", ["key"]);
    windows.forEach((w, i) => person(at("outageWindows", i, "createdBy"), field(w, "createdBy")));

    const changes = list(plant, "networkChanges");
    changes.forEach((change, i) => {
      list(change, "outcomes").forEach((o, j) => person(at("networkChanges", i, "outcomes", j, "by"), field(o, "by")));
      conduit(at("networkChanges", i, "conduit"), field(change, "conduit"));
      const assetName = field(change, "asset");
      if (typeof assetName === "string") {
        const n = assetNames.get(assetName) ?? 0;
        if (n === 0) add(at("networkChanges", i, "asset"), `plant ${code} has no asset ${show(assetName)}`);
        else if (n > 1)
          add(
            at("networkChanges", i, "asset"),
            `plant ${code} has ${n} assets named ${show(
              assetName
            )}; a change names an asset whose name is unique in its plant`
          );
      }
      const key = field(change, "window");
      if (typeof key === "string" && !windowKeys.has(key))
        add(at("networkChanges", i, "window"), `plant ${code} has no outage window with key ${show(key)}`);
      person(at("networkChanges", i, "createdBy"), field(change, "createdBy"));
    });

    list(plant, "productionStops").forEach((stop, i) => {
      zone(at("productionStops", i, "zone"), field(stop, "zone"));
      person(at("productionStops", i, "recordedBy"), field(stop, "recordedBy"));
      const change = field(stop, "change");
      if (typeof change === "number" && Number.isInteger(change) && change >= changes.length)
        add(
          at("productionStops", i, "change"),
          `plant ${code} has ${changes.length} network changes; there is no change at position ${change} (from 0)`
        );
      list(stop, "signatures").forEach((g, j) =>
        person(at("productionStops", i, "signatures", j, "signer"), field(g, "signer"))
      );
    });
    list(plant, "checklistTicks").forEach((tick, i) => person(at("checklistTicks", i, "by"), field(tick, "by")));
    list(plant, "waivers").forEach((waiver, i) => {
      person(at("waivers", i, "by"), field(waiver, "by"));
      person(at("waivers", i, "revokedBy"), field(waiver, "revokedBy"));
    });

    const gatePasses = list(plant, "gatePasses");
    const passedPhases = uniqueBy(gatePasses, at("gatePasses"), (g) => text(g, "phase"), "gate pass for phase", [
      "phase",
    ]);
    gatePasses.forEach((g, i) => person(at("gatePasses", i, "passedBy"), field(g, "passedBy")));

    list(plant, "signoffs").forEach((signoff, i) => {
      person(at("signoffs", i, "signer"), field(signoff, "signer"));
      const subject = field(signoff, "subject");
      const type = text(subject, "type");
      if (type === "conduit" || type === "baseline_acceptance")
        conduit(at("signoffs", i, "subject", "conduit"), field(subject, "conduit"));
      if (type === "gate_pass") {
        const phase = field(subject, "phase");
        if (typeof phase === "string" && !passedPhases.has(phase))
          add(at("signoffs", i, "subject", "phase"), `plant ${code} has no gate pass for phase ${show(phase)}`);
      }
    });
  });
  return errors;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the text

export type JsonParse = { ok: true; value: unknown } | { ok: false; line: number; column: number; reason: string };

/** JSON.parse, with a failure placed at a line and column people can find in an editor. */
export function parseJsonText(source: string): JsonParse {
  const body = source.startsWith("\uFEFF") ? source.slice(1) : source;
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (error) {
    // V8 names the position of some errors only, and differently across Node versions: find it ourselves.
    const found = locateJsonError(body) ?? {
      position: body.length,
      reason: error instanceof Error ? error.message : String(error),
    };
    const before = body.slice(0, found.position);
    return {
      ok: false,
      line: before.split("\n").length,
      column: found.position - before.lastIndexOf("\n"),
      reason: found.reason,
    };
  }
}

class JsonSyntaxError extends Error {
  constructor(readonly position: number, reason: string) {
    super(reason);
  }
}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const JSON_ESCAPE = /\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4})/y;

/** Where a JSON text first goes wrong, and how; null when the scan finds nothing wrong. */
function locateJsonError(text: string): { position: number; reason: string } | null {
  let i = 0;
  const fail = (reason: string): never => {
    throw new JsonSyntaxError(i, reason);
  };
  const found = () => (i < text.length ? `found ${show(text[i])}` : "the text ends");
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const string = () => {
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) fail("a string is not closed");
      if (c === '"') return void i++;
      if (c === "\\") {
        JSON_ESCAPE.lastIndex = i;
        if (!JSON_ESCAPE.test(text)) fail("a string holds a malformed escape (use \\\\ for a backslash)");
        i = JSON_ESCAPE.lastIndex;
      } else if (c! < " ") fail("a string holds a raw control character or line break (write \\n)");
      else i++;
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      space();
      if (text[i] === "}") return void i++;
      for (;;) {
        space();
        if (text[i] !== '"') fail(`expected a property name in double quotes, ${found()}`);
        string();
        space();
        if (text[i] !== ":") fail(`expected ":" after a property name, ${found()}`);
        i++;
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return void i++;
        else fail(`expected "," or "}" after a property value, ${found()}`);
      }
    }
    if (c === "[") {
      i++;
      space();
      if (text[i] === "]") return void i++;
      for (;;) {
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "]") return void i++;
        else fail(`expected "," or "]" after a list item, ${found()}`);
      }
    }
    if (c === '"') return string();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) {
      JSON_NUMBER.lastIndex = i;
      if (!JSON_NUMBER.test(text)) fail("malformed number");
      return void (i = JSON_NUMBER.lastIndex);
    }
    for (const word of ["true", "false", "null"]) if (text.startsWith(word, i)) return void (i += word.length);
    fail(`expected a value, ${found()}`);
  };
  try {
    value();
    space();
    if (i < text.length) fail(`expected the end of the document, ${found()}`);
    return null;
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { position: error.position, reason: error.message };
    return null;
  }
}
