/** `field-compare`: a result field compared with a constant, exactly (int8 and numeric as decimals), in the first row or every row. */
import { opSymbols, satisfies } from '../compare-values.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { Offenders, shownCell, unjudgeable } from '../offenders.ts';
import { allOf, bare, unquoted } from '../words.ts';

export const fieldCompare: AssertionModule<AssertionOf<'field-compare'>> = {
  over: 'rows',
  describe: (a) => `${a.field} ${opSymbols[a.op]} ${a.value}${a.rows === 'all' ? ' in every row' : ''}`,
  fold(a, columns) {
    const description = `${a.field} ${opSymbols[a.op]} ${a.value}${a.rows === 'all' ? ' in every row' : ''}`;
    const index = columns.indexOf(a.field);
    if (index < 0) return unjudgeable(a.severity, `${opSymbols[a.op]} ${a.value}`, `no column "${a.field}"`, description);
    // The expected value keeps its operator: "≥ 2000", never a bare 2000.
    const expected = `${opSymbols[a.op]} ${a.value}`;
    const offenders = new Offenders();
    let firstValue: string | number | boolean | null = null;
    return {
      push(row, n) {
        if (n === 1) firstValue = row[index] ?? null;
        if (a.rows === 'first' && n > 1) return;
        if (!satisfies(a.op, row[index] ?? null, a.value)) offenders.add(n, `${a.field} = ${shownCell(row[index])}`);
      },
      verdict(total) {
        if (total === 0) return { status: a.severity, expected, actual: 'no rows', description };
        if (a.rows === 'first') return { status: offenders.count ? a.severity : 'pass', expected, actual: firstValue, description };
        if (offenders.count) return { status: a.severity, expected, actual: `${offenders.count} of ${total} rows: ${offenders.text()}`, description };
        return { status: 'pass', expected, actual: `all ${total} rows`, description };
      },
    };
  },
  say(a, { outcome }) {
    const rule = `${a.field} ${opSymbols[a.op]} ${a.value}`;
    const actual = outcome.actual;
    if (actual === 'no rows' && outcome.status !== 'pass') return `no rows to judge ${rule} on`;
    if (typeof actual === 'string' && actual.startsWith('no column ')) return `cannot judge ${rule}: ${unquoted(actual)} in the result`;
    if (a.rows === 'first') return outcome.status === 'pass' ? `${a.field} = ${bare(actual)}, as expected${a.op === 'eq' ? '' : ` (${opSymbols[a.op]} ${a.value})`}` : `${a.field} = ${bare(actual)} (expected ${opSymbols[a.op]} ${a.value})`;
    // Every row: the stored text counts the rows that break the rule and names the first of them.
    const broken = typeof actual === 'string' ? /^(\d+ of \d+) rows: (.*)$/s.exec(actual) : null;
    if (broken) return `${broken[1]} rows break ${rule}: ${broken[2]}`;
    const all = typeof actual === 'string' ? /^all (\d+) rows$/.exec(actual) : null;
    if (outcome.status === 'pass') return all ? `${rule} in ${allOf(Number(all[1]), 'row')}` : `${rule} in every row`;
    return `${rule} does not hold in every row: ${bare(actual)}`;
  },
};
