/** `row-count`: bounds on the number of rows a query returned (all of them, not only those kept). */
import { notApplicable, type AssertionModule, type AssertionOf } from '../assertion-type.ts';

export const rowCount: AssertionModule<AssertionOf<'row-count'>> = {
  over: 'result',
  judge(a, { result }) {
    if (result.kind !== 'sql') return notApplicable(result.kind);
    const { min, max } = a;
    const ok = (min === undefined || result.rowCount >= min) && (max === undefined || result.rowCount <= max);
    const description =
      min !== undefined && max !== undefined
        ? `between ${min} and ${max} rows`
        : min !== undefined
          ? `at least ${min} row${min === 1 ? '' : 's'}`
          : `at most ${max} row${max === 1 ? '' : 's'}`;
    return { status: ok ? 'pass' : a.severity, expected: { min: min ?? null, max: max ?? null }, actual: result.rowCount, description };
  },
};
