/** `no-nulls`: no NULL in these fields of any returned row. */
import type { JsonValue } from '../../../format/index.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { Offenders } from '../offenders.ts';

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
};
