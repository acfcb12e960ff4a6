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
    case "too_big": {
      const max = Number(issue.maximum) - (issue.inclusive === false ? 1 : 0);
      switch (issue.origin) {
        case "string":
          return `Write at most ${plural(max, "character")}.`;
        case "array":
        case "set":
          return `Choose at most ${max.toLocaleString("en-US")}.`;
        case "file":
          return "The file is too large.";
        default:
          return issue.inclusive === false
            ? `Enter a number below ${Number(issue.maximum).toLocaleString("en-US")}.`
            : `Enter ${max.toLocaleString("en-US")} or less.`;
      }
    }
    case "too_small": {
      const min = Number(issue.minimum) + (issue.inclusive === false ? 1 : 0);
      switch (issue.origin) {
        case "string":
          return min <= 1 ? "This is required." : `Write at least ${plural(min, "character")}.`;
        case "array":
        case "set":
          return min <= 1 ? "Choose at least one." : `Choose at least ${min.toLocaleString("en-US")}.`;
        case "file":
          return "The file is empty.";
        default:
          return issue.inclusive === false
            ? `Enter a number above ${Number(issue.minimum).toLocaleString("en-US")}.`
            : `Enter ${min.toLocaleString("en-US")} or more.`;
      }
    }
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
