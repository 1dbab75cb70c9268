/** `no-nulls`: no NULL in these fields of any returned row. */
import type { JsonValue } from '../../../format/index.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { Offenders } from '../offenders.ts';
import { count, listed, unquoted } from '../words.ts';

export const noNulls: AssertionModule<AssertionOf<'no-nulls'>> = {
  over: 'rows',
  describe: (a) => `no NULL in ${a.fields.join(', ')}`,
  fold(a, columns) {
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
  },
  say(a, { outcome, result }) {
    const stored = outcome.actual !== null && typeof outcome.actual === 'object' && !Array.isArray(outcome.actual) ? outcome.actual : {};
    const rows = result ? (result.rowsJudged ?? result.rowCount) : null;
    if (outcome.status === 'pass') return `no NULL in ${listed(a.fields)}${rows === null ? '' : ` (${count(rows, 'row')} judged)`}`;
    const problems = a.fields.flatMap((field) => {
      const value = stored[field];
      if (value === 'no such column') return [`no column ${field}`];
      return typeof value === 'string' ? [`${field}: ${unquoted(value)}`] : [];
    });
    return problems.length > 0 ? `NULL found — ${problems.join('; ')}` : `NULL found in ${listed(a.fields)}`;
  },
};
