/**
 * CSV as RFC 4180 writes it (https://www.rfc-editor.org/rfc/rfc4180): every field quoted, a quote
 * inside a field doubled, records ended by CRLF — so commas, quotes and line breaks in a field stay
 * inside it, whatever a reader guesses. No dependency has a CSV writer, and writing one is these few
 * lines (test/core/csv.test.ts).
 *
 * The cells come from evidence, which is untrusted (a PR title, a signer's name, a revision): a
 * spreadsheet opening the file runs a cell that starts with `=`, `+`, `-` or `@` as a formula
 * (and tab or carriage return lead some of them to one). Such a cell is written with a leading
 * apostrophe, which spreadsheets show as text — OWASP's advice for CSV injection
 * (https://owasp.org/www-community/attacks/CSV_Injection). The file is for people and
 * spreadsheets; the JSON output is the exact data.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: neutralised if a spreadsheet would take it for a formula, then quoted. */
export function csvField(value: string | number | boolean | null): string {
  const text = value === null ? '' : String(value);
  const safe = typeof value === 'string' && FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** A header and records as one CSV document (each record as long as the header). */
export function csvDocument(header: readonly string[], records: readonly (readonly (string | number | boolean | null)[])[]): string {
  for (const [i, record] of records.entries()) {
    if (record.length !== header.length) throw new Error(`CSV record ${i + 1} has ${record.length} fields, the header ${header.length}`);
  }
  return [header, ...records].map((record) => `${record.map(csvField).join(',')}\r\n`).join('');
}
