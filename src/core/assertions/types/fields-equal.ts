/** `fields-equal`: every listed field holds the same value, row by row (determinism: total = distinct pairs = distinct ids). */
import type { Cell, JsonValue } from '../../../format/index.ts';
import { compareCells } from '../compare-values.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { missingColumns, Offenders, shownCell, unjudgeable } from '../offenders.ts';
import { allOf, bare, unquoted } from '../words.ts';

export const fieldsEqual: AssertionModule<AssertionOf<'fields-equal'>> = {
  over: 'rows',
  describe: (a) => a.fields.join(' = '),
  fold(a, columns) {
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
          offenders.add(n, a.fields.map((f, i) => `${f} = ${shownCell(row[indexes[i]!])}`).join(', '));
        }
      },
      verdict(total) {
        if (total === 0) return { status: a.severity, expected: 'equal', actual: 'no rows', description };
        if (offenders.count) return { status: a.severity, expected: 'equal', actual: `${offenders.count} of ${total} rows differ: ${offenders.text()}`, description };
        return { status: 'pass', expected: 'equal', actual: total === 1 ? firstRow : `equal in all ${total} rows`, description };
      },
    };
  },
  say(a, { outcome }) {
    const fields = a.fields.join(' = ');
    const actual = outcome.actual;
    if (typeof actual === 'string') {
      if (actual === 'no rows') return `no rows to compare ${a.fields.join(' and ')} in`;
      if (actual.startsWith('no column ')) return `cannot compare ${a.fields.join(' and ')}: ${unquoted(actual)} in the result`;
      const differ = /^(\d+ of \d+) rows differ: (.*)$/s.exec(actual);
      if (differ) return `${a.fields.join(' and ')} differ in ${differ[1]} rows: ${differ[2]}`;
      const all = /^equal in all (\d+) rows$/.exec(actual);
      if (all) return `${fields} in ${allOf(Number(all[1]), 'row')}`;
    }
    // One row: the stored values of its fields.
    if (outcome.status === 'pass' && actual !== null && typeof actual === 'object' && !Array.isArray(actual)) return `${fields}, each ${bare(Object.values(actual)[0])}`;
    return outcome.status === 'pass' ? `${fields} in every row` : `${fields} does not hold: ${bare(actual)}`;
  },
};
