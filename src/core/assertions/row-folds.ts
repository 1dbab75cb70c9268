/**
 * Row assertions are folds over the whole result as it streams (issue 9): a NULL at row 150 of
 * 200 fails `no-nulls` although only the first 100 rows are kept for display. Each fold sees
 * every row once, in order, keeps bounded state, and names the first offending rows by their
 * 1-based row number. Which assertions fold over rows is each module's own `over: 'rows'`.
 */
import type { Assertion, Cell, CheckDefinition } from '../../format/index.ts';
import type { AssertionModule, RowFold, Verdict } from './assertion-type.ts';
import { ASSERTION_TYPES } from './registry.ts';

function moduleOf(assertion: Assertion): AssertionModule<Assertion> {
  return ASSERTION_TYPES[assertion.type] as AssertionModule<Assertion>;
}

/** One fold per row assertion of the check, keyed by its index in `check.assertions`. */
export function createRowFolds(check: CheckDefinition, columns: readonly string[]): Map<number, RowFold> {
  const folds = new Map<number, RowFold>();
  check.assertions.forEach((assertion, i) => {
    const module = moduleOf(assertion);
    if (module.over === 'rows') folds.set(i, module.fold(assertion, columns));
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
