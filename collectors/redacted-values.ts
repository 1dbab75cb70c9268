/**
 * Redaction of what a check or a deployment records as values, not as one text (issue 25): the
 * cells of a result, a plan, the checklist stored in deployment.json. Each string goes through the
 * collection's Redactor exactly as a line of command output would; nothing but a secret changes.
 * The strings of one value are redacted in one pass (`Redactor.redactAll`), so a batch of
 * thousands of cells costs one scan, not one per cell.
 */
import type { Cell } from '../src/format/index.ts';
import type { Redactor } from './db/secrets.ts';

export interface Redacted<T> {
  value: T;
  /** Secrets replaced (every occurrence of every form). */
  count: number;
}

/**
 * Every string in `value` — object values and array items at any depth, never object keys (they
 * are the format's field names) — redacted. Numbers, booleans and null are left as they are.
 * Nothing found: the same value back, not a copy.
 */
export function redactStrings<T>(value: T, redactor: Redactor): Redacted<T> {
  const texts: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string') texts.push(v);
    else if (Array.isArray(v)) for (const item of v) collect(item);
    else if (v !== null && typeof v === 'object') for (const child of Object.values(v)) collect(child);
  };
  collect(value);
  const redacted = redactor.redactAll(texts);
  if (redacted.count === 0) return { value, count: 0 };
  let i = 0;
  const rebuild = (v: unknown): unknown => {
    if (typeof v === 'string') return redacted.texts[i++];
    if (Array.isArray(v)) return v.map(rebuild);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([key, child]) => [key, rebuild(child)]));
    return v;
  };
  return { value: rebuild(value) as T, count: redacted.count };
}

/**
 * Result rows, cell by cell. A text cell is redacted as text; a number cell as the digits the
 * evidence writes (a numeric password read as an integer is still the password) and, only when a
 * secret was found in it, stored as the redacted text. Booleans and NULL hold no secret.
 */
export function redactRows(rows: readonly (readonly Cell[])[], redactor: Redactor): Redacted<Cell[][]> {
  const texts: string[] = [];
  for (const row of rows) {
    for (const cell of row) {
      if (typeof cell === 'string') texts.push(cell);
      else if (typeof cell === 'number') texts.push(String(cell));
    }
  }
  const redacted = redactor.redactAll(texts);
  if (redacted.count === 0) return { value: rows as Cell[][], count: 0 };
  let i = 0;
  const value = rows.map((row) =>
    row.map((cell) => {
      if (typeof cell === 'string') return redacted.texts[i++]!;
      if (typeof cell !== 'number') return cell;
      const text = redacted.texts[i++]!;
      return text === String(cell) ? cell : text;
    }),
  );
  return { value, count: redacted.count };
}
