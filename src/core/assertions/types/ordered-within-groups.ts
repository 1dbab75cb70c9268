/** `ordered-within-groups`: within each group, `orderBy` never goes backwards (strict: no repeats either). */
import type { Cell } from '../../../format/index.ts';
import { compareCells } from '../compare-values.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { missingColumns, Offenders, unjudgeable } from '../offenders.ts';
import { plainValue, unquoted } from '../words.ts';

export const orderedWithinGroups: AssertionModule<AssertionOf<'ordered-within-groups'>> = {
  over: 'rows',
  describe: (a) => `${a.orderBy} ${a.strict ? 'strictly increasing' : 'non-decreasing'} within each (${a.groupBy.join(', ')})`,
  fold(a, columns) {
    const order = a.strict ? 'strictly increasing' : 'non-decreasing';
    const description = `${a.orderBy} ${order} within each (${a.groupBy.join(', ')})`;
    const missing = missingColumns([...a.groupBy, a.orderBy], columns);
    if (missing) return unjudgeable(a.severity, order, missing, description);
    const groupIdx = a.groupBy.map((f) => columns.indexOf(f));
    const orderIdx = columns.indexOf(a.orderBy);
    // The last value of each group: the only state this fold keeps.
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
  },
  say(a, { outcome }) {
    const order = a.strict ? 'strictly increasing' : 'non-decreasing';
    const within = `within each (${a.groupBy.join(', ')})`;
    const actual = typeof outcome.actual === 'string' ? unquoted(outcome.actual) : plainValue(outcome.actual);
    if (outcome.status === 'pass') return `${a.orderBy} ${order} ${within}: ${actual}`;
    if (actual.startsWith('no column ')) return `cannot judge the order: ${actual} in the result`;
    return `${a.orderBy} ${a.strict ? 'is not strictly increasing' : 'goes down'} ${within}: ${actual}`;
  },
};
