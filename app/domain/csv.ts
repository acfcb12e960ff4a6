// CSV as RFC 4180 writes it, made safe to open in a spreadsheet.

/** Leading characters a spreadsheet reads as the start of a formula (or that hide one behind a tab or CR). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One field. Text that a spreadsheet would evaluate gets a leading single quote, so an event summary like
 * `=HYPERLINK(...)` stays text; fields holding a comma, quote or line break are quoted, quotes doubled.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, ended by CRLF as RFC 4180 asks. */
export function csvRecord(fields: readonly (string | number | null)[]): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}
