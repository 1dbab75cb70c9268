/**
 * Row assertions are folds over the whole result as it streams (issue 9): a NULL at row 150 of
 * 200 fails `no-nulls` although only the first 100 rows are kept for display. Each fold sees
 * every row once, in order, keeps O(1) state (ordered-within-groups keeps the last value of each
 * group), and names the first offending rows by their 1-based row number.
 */
import type { Assertion, AssertionOutcome, Cell, CheckDefinition, JsonValue } from '../../format/index.ts';
import { compareCells, opSymbols, satisfies } from './compare-values.ts';

export type Verdict = { status: AssertionOutcome['status']; expected: JsonValue; actual: JsonValue; description: string };

export interface RowFold {
  push(row: readonly Cell[], rowNumber: number): void;
  verdict(rowsJudged: number): Verdict;
}

/** How many offending rows a verdict names. */
const NAMED = 5;

type RowAssertion = Extract<Assertion, { type: 'field-compare' | 'fields-equal' | 'no-nulls' | 'ordered-within-groups' }>;

export function isRowAssertion(assertion: Assertion): assertion is RowAssertion {
  return assertion.type === 'field-compare' || assertion.type === 'fields-equal' || assertion.type === 'no-nulls' || assertion.type === 'ordered-within-groups';
}

/** Offending rows: the first few kept with what was wrong, the rest counted. */
class Offenders {
  readonly first: string[] = [];
  count = 0;
  add(rowNumber: number, what: string): void {
    this.count += 1;
    if (this.first.length < NAMED) this.first.push(`row ${rowNumber}: ${what}`);
  }
  text(): string {
    const more = this.count - this.first.length;
    return `${this.first.join('; ')}${more > 0 ? `; and ${more} more row${more > 1 ? 's' : ''}` : ''}`;
  }
}

const shown = (value: Cell | undefined) => (value === null || value === undefined ? 'NULL' : String(value));

function missingColumns(names: readonly string[], columns: readonly string[]): string | null {
  const missing = names.filter((n) => !columns.includes(n));
  return missing.length > 0 ? `no column ${missing.map((m) => `"${m}"`).join(', ')}` : null;
}

/** A fold that cannot judge (a missing column): unmet whatever the rows say. */
function unjudgeable(status: 'fail' | 'warn', expected: JsonValue, actual: string, description: string): RowFold {
  return { push: () => {}, verdict: () => ({ status, expected, actual, description }) };
}

function fieldCompare(a: Extract<Assertion, { type: 'field-compare' }>, columns: readonly string[]): RowFold {
  const description = `${a.field} ${opSymbols[a.op]} ${a.value}${a.rows === 'all' ? ' in every row' : ''}`;
  const index = columns.indexOf(a.field);
  if (index < 0) return unjudgeable(a.severity, a.value, `no column "${a.field}"`, description);
  const offenders = new Offenders();
  let firstValue: Cell = null;
  return {
    push(row, n) {
      if (n === 1) firstValue = row[index] ?? null;
      if (a.rows === 'first' && n > 1) return;
      if (!satisfies(a.op, row[index] ?? null, a.value)) offenders.add(n, `${a.field} = ${shown(row[index])}`);
    },
    verdict(total) {
      if (total === 0) return { status: a.severity, expected: a.value, actual: 'no rows', description };
      if (a.rows === 'first') return { status: offenders.count ? a.severity : 'pass', expected: a.value, actual: firstValue, description };
      if (offenders.count) return { status: a.severity, expected: a.value, actual: `${offenders.count} of ${total} rows: ${offenders.text()}`, description };
      return { status: 'pass', expected: a.value, actual: `all ${total} rows`, description };
    },
  };
}

function fieldsEqual(a: Extract<Assertion, { type: 'fields-equal' }>, columns: readonly string[]): RowFold {
  const description = a.fields.join(' = ');
  const missing = missingColumns(a.fields, columns);
  if (missing) return unjudgeable(a.severity, 'equal', missing, description);
  const indexes = a.fields.map((f) => columns.indexOf(f));
  const offenders = new Offenders();
  let firstRow: Record<string, JsonValue> | null = null;
  const pick = (row: readonly Cell[]) => Object.fromEntries(a.fields.map((f, i) => [f, row[indexes[i]!] ?? null]));
  return {
    push(row, n) {
      if (n === 1) firstRow = pick(row);
      if (indexes.some((i) => compareCells(row[i] ?? null, row[indexes[0]!] ?? null) !== 0)) {
        offenders.add(n, a.fields.map((f, i) => `${f} = ${shown(row[indexes[i]!])}`).join(', '));
      }
    },
    verdict(total) {
      if (total === 0) return { status: a.severity, expected: 'equal', actual: 'no rows', description };
      if (offenders.count) return { status: a.severity, expected: 'equal', actual: `${offenders.count} of ${total} rows differ: ${offenders.text()}`, description };
      return { status: 'pass', expected: 'equal', actual: total === 1 ? firstRow : `equal in all ${total} rows`, description };
    },
  };
}

function noNulls(a: Extract<Assertion, { type: 'no-nulls' }>, columns: readonly string[]): RowFold {
  const indexes = a.fields.map((f) => columns.indexOf(f));
  const offenders = a.fields.map(() => new Offenders());
  return {
    push(row, n) {
      indexes.forEach((i, f) => {
        if (i >= 0 && row[i] === null) offenders[f]!.add(n, 'NULL');
      });
    },
    verdict(total) {
      const actual: Record<string, JsonValue> = {};
      let ok = true;
      a.fields.forEach((field, f) => {
        if (indexes[f]! < 0) {
          actual[field] = 'no such column';
          ok = false;
        } else if (offenders[f]!.count > 0) {
          actual[field] = `${offenders[f]!.count} NULL (first at ${offenders[f]!.first.map((r) => r.replace(/: NULL$/, '')).join(', ')})`;
          ok = false;
        } else {
          actual[field] = 0;
        }
      });
      return { status: ok ? 'pass' : a.severity, expected: 0, actual, description: `no NULL in ${a.fields.join(', ')} (${total} rows judged)` };
    },
  };
}

function orderedWithinGroups(a: Extract<Assertion, { type: 'ordered-within-groups' }>, columns: readonly string[]): RowFold {
  const order = a.strict ? 'strictly increasing' : 'non-decreasing';
  const description = `${a.orderBy} ${order} within each (${a.groupBy.join(', ')})`;
  const missing = missingColumns([...a.groupBy, a.orderBy], columns);
  if (missing) return unjudgeable(a.severity, order, missing, description);
  const groupIdx = a.groupBy.map((f) => columns.indexOf(f));
  const orderIdx = columns.indexOf(a.orderBy);
  const last = new Map<string, Cell>();
  const offenders = new Offenders();
  return {
    push(row, n) {
      const key = JSON.stringify(groupIdx.map((i) => row[i] ?? null));
      const value = row[orderIdx] ?? null;
      if (value === null) {
        offenders.add(n, `${a.orderBy} is NULL`);
        return;
      }
      const previous = last.get(key);
      if (previous !== undefined) {
        const c = compareCells(value, previous);
        if (c === null || c < 0 || (a.strict && c === 0)) offenders.add(n, `${a.orderBy} ${String(value)} after ${String(previous)}`);
      }
      last.set(key, value);
    },
    verdict(total) {
      if (offenders.count) return { status: a.severity, expected: order, actual: offenders.text(), description };
      return { status: 'pass', expected: order, actual: `${total} rows in ${last.size} groups`, description };
    },
  };
}

const FOLDS: { [T in RowAssertion['type']]: (a: Extract<RowAssertion, { type: T }>, columns: readonly string[]) => RowFold } = {
  'field-compare': fieldCompare,
  'fields-equal': fieldsEqual,
  'no-nulls': noNulls,
  'ordered-within-groups': orderedWithinGroups,
};

/** One fold per row assertion of the check, keyed by its index in `check.assertions`. */
export function createRowFolds(check: CheckDefinition, columns: readonly string[]): Map<number, RowFold> {
  const folds = new Map<number, RowFold>();
  check.assertions.forEach((assertion, i) => {
    if (!isRowAssertion(assertion)) return;
    const make = FOLDS[assertion.type] as (a: RowAssertion, columns: readonly string[]) => RowFold;
    folds.set(i, make(assertion, columns));
  });
  return folds;
}

/** Row verdicts over rows already in memory (the kept rows of a stored result, tests). */
export function foldRows(check: CheckDefinition, columns: readonly string[], rows: readonly (readonly Cell[])[]): Map<number, Verdict> {
  const folds = createRowFolds(check, columns);
  rows.forEach((row, n) => {
    for (const fold of folds.values()) fold.push(row, n + 1);
  });
  return new Map([...folds].map(([i, fold]) => [i, fold.verdict(rows.length)]));
}
