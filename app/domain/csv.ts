// CSV as RFC 4180 writes it, made safe to open in a spreadsheet whatever separator the spreadsheet splits on.

/** Leading characters a spreadsheet reads as the start of a formula (or that hide one behind a tab or CR). */
const FORMULA_START = /^[=+\-@\t\r]/;
/**
 * Separators of the common dialects: comma, semicolon (spreadsheets in locales whose decimal mark is a comma),
 * tab, pipe, and line breaks. A field holding one is quoted, and a spreadsheet that splits on it anyway (a dialect
 * that ignores quotes, or text pasted into a sheet) must not find a formula after it.
 */
const SEPARATOR = /[,;\t|\r\n"]/;
/** A quote counts too: a reader that drops quotes would leave what follows one at the start of a cell. */
const FORMULA_AFTER_SEPARATOR = /([,;\t|\r\n"])(?=[=+\-@\t\r])/g;

/**
 * One field. Text that a spreadsheet would evaluate gets a single quote before it, at the start of the field and
 * after every separator, so an event summary like `=HYPERLINK(...)` or `x;=1+2` stays text; fields holding a
 * separator or a quote are quoted, quotes doubled.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value !== "string") return text;
  if (FORMULA_START.test(text)) text = `'${text}`;
  if (!SEPARATOR.test(text)) return text;
  return `"${text.replace(FORMULA_AFTER_SEPARATOR, "$1'").replaceAll('"', '""')}"`;
}

/** One record, ended by CRLF as RFC 4180 asks. */
export function csvRecord(fields: readonly (string | number | null)[]): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}
