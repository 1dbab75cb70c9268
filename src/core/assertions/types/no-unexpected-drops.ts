/**
 * `no-unexpected-drops`: nothing was dropped by the mutating step — no object, no column — but
 * what `allow` names (issue 28). Judged on the change report of the snapshot after the step.
 */
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { dropsOf } from '../../schema-diff/diff.ts';
import { count, listed } from '../words.ts';

const describe = (a: AssertionOf<'no-unexpected-drops'>) => (a.allow.length === 0 ? 'nothing is dropped' : `nothing is dropped but ${listed(a.allow, 10)}`);

const unexpectedDrops = (a: AssertionOf<'no-unexpected-drops'>, changes: NonNullable<Parameters<typeof dropsOf>[0]>) =>
  dropsOf(changes).filter((d) => !a.allow.some((allowed) => allowed === d.name || allowed === d.label));

export const noUnexpectedDrops: AssertionModule<AssertionOf<'no-unexpected-drops'>> = {
  over: 'result',
  describe,
  judge(a, { result }) {
    const description = describe(a);
    if (result.changes === null) return { status: a.severity, expected: a.allow, actual: 'no change report: this snapshot names no earlier snapshot (changesFrom)', description };
    const drops = unexpectedDrops(a, result.changes.entries);
    return { status: drops.length === 0 ? 'pass' : a.severity, expected: a.allow, actual: drops.map((d) => d.label), description };
  },
  say(a, { outcome, result }) {
    if (!result) return outcome.status === 'pass' ? describe(a) : `not as expected: ${describe(a)}`;
    if (result.changes === null) return 'there is no change report to judge: this snapshot names no earlier snapshot (changesFrom)';
    const drops = unexpectedDrops(a, result.changes.entries);
    if (drops.length === 0) return a.allow.length === 0 ? 'nothing was dropped' : 'nothing was dropped beyond what is allowed';
    return `${count(drops.length, 'unexpected drop')}: ${listed(drops.map((d) => d.label))}`;
  },
};
