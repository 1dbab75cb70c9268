/** `row-count`: bounds on the number of rows a query returned (all of them, not only those kept). */
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { count } from '../words.ts';

function rowCountText({ min, max }: AssertionOf<'row-count'>): string {
  if (min !== undefined && max !== undefined) return `between ${min} and ${max} rows`;
  if (min !== undefined) return `at least ${min} row${min === 1 ? '' : 's'}`;
  return `at most ${max} row${max === 1 ? '' : 's'}`;
}

export const rowCount: AssertionModule<AssertionOf<'row-count'>> = {
  over: 'result',
  describe: rowCountText,
  judge(a, { result }) {
    const { min, max } = a;
    const ok = (min === undefined || result.rowCount >= min) && (max === undefined || result.rowCount <= max);
    const description = rowCountText(a);
    // The bounds with their operators: "≥ 1", "≤ 5", "between 1 and 5".
    const expected = min !== undefined && max !== undefined ? `between ${min} and ${max}` : min !== undefined ? `≥ ${min}` : `≤ ${max}`;
    return { status: ok ? 'pass' : a.severity, expected, actual: result.rowCount, description };
  },
  say(a, { outcome, result }) {
    const rows = result?.rowCount ?? (typeof outcome.actual === 'number' ? outcome.actual : null);
    if (rows === null) return `the row count could not be read (expected ${rowCountText(a)})`;
    return outcome.status === 'pass' ? `returned ${count(rows, 'row')} (${rowCountText(a)} expected)` : `returned ${count(rows, 'row')} (expected ${rowCountText(a)})`;
  },
};
