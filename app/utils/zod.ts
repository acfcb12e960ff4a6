import * as zod from "zod";

// Every schema of the app comes from here. Zod compiles a fast path for objects with `new Function`, which the
// strict Content-Security-Policy forbids in the browser (each probe is reported as a violation); schemas are
// shared with route modules that run in the browser, so the interpreter is used everywhere. This module must be
// evaluated before any schema is built, which importing `z` from it guarantees.
//
// The error map below turns zod's default messages ("Too big: expected string to have <=200 characters") into
// plain words for the person filling the form; a schema's own message always wins over it. The messages never name
// the field: forms show them under the field, and the API names the field beside them.

type Issue = Parameters<NonNullable<zod.core.$ZodConfig["customError"]>>[0];

function plural(n: number | bigint, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${Number(n) === 1 ? one : many}`;
}

function isBlank(input: unknown): boolean {
  return input === undefined || input === null || (typeof input === "string" && input.trim() === "");
}

function plainMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case "invalid_type": {
      if (isBlank(issue.input)) return "This is required.";
      switch (issue.expected) {
        case "int":
        case "bigint":
          return "Enter a whole number.";
        case "number":
          return "Enter a number.";
        case "string":
          return "Enter text.";
        case "boolean":
          return "Choose yes or no.";
        case "date":
          return "Enter a date.";
        case "array":
          return "Choose from the list.";
        default:
          return "Enter a valid value.";
      }
    }
    case "too_big":
    case "too_small":
      return boundMessage(issue.code, Number(issue.code === "too_big" ? issue.maximum : issue.minimum), issue);
    case "invalid_value":
      return isBlank(issue.input) ? "This is required." : "Choose one of the options.";
    case "invalid_format":
      switch (issue.format) {
        case "email":
          return "Enter an email address.";
        case "url":
          return "Enter a web address.";
        case "date":
        case "datetime":
          return "Enter a date.";
        case "time":
          return "Enter a time.";
        default:
          return isBlank(issue.input) ? "This is required." : "Enter it in the expected format.";
      }
    case "not_multiple_of":
      return `Enter a multiple of ${String(issue.divisor)}.`;
    case "invalid_union": {
      if (isBlank(issue.input)) return "This is required.";
      // The message of the branch the value was meant for: not the ones that only wanted another literal.
      const meant = issue.errors.filter((branch) => !branch.every((inner) => inner.code === "invalid_value"));
      if (meant.length === 0) return "Choose one of the options.";
      return meant.flat()[0]?.message ?? "Enter a valid value.";
    }
    case "unrecognized_keys":
      return issue.keys.length === 1
        ? `Unknown field “${issue.keys[0]}”.`
        : `Unknown fields: ${issue.keys.join(", ")}.`;
    case "invalid_key":
    case "invalid_element":
    case "custom":
      return "Enter a valid value.";
    default:
      return undefined;
  }
}

zod.config({ jitless: true, customError: plainMessage });

export { z } from "zod";

const BOUND_WORDS = {
  too_big: { side: "at most", beyond: "below", orWhat: "or less", step: -1, file: "The file is too large." },
  too_small: { side: "at least", beyond: "above", orWhat: "or more", step: 1, file: "The file is empty." },
} as const;

/** A value past a bound, in words: the bound as the person must meet it (an exclusive bound counted inward). */
function boundMessage(
  code: keyof typeof BOUND_WORDS,
  bound: number,
  issue: { origin?: string; inclusive?: boolean }
): string {
  const words = BOUND_WORDS[code];
  const limit = bound + (issue.inclusive === false ? words.step : 0);
  const required = code === "too_small" && limit <= 1;
  switch (issue.origin) {
    case "string":
      return required ? "This is required." : `Write ${words.side} ${plural(limit, "character")}.`;
    case "array":
    case "set":
      return required ? "Choose at least one." : `Choose ${words.side} ${limit.toLocaleString("en-US")}.`;
    case "file":
      return words.file;
    default:
      return issue.inclusive === false
        ? `Enter a number ${words.beyond} ${bound.toLocaleString("en-US")}.`
        : `Enter ${limit.toLocaleString("en-US")} ${words.orWhat}.`;
  }
}
