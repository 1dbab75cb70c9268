/**
 * `expected-changes`: only the listed objects were created, changed or dropped between the
 * snapshot before the mutating step and this one (issue 28). A snapshot that holds no change
 * report (no `changesFrom`, or its before-snapshot did not run) is not a pass.
 */
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { changeSummary, isExpected } from '../../schema-diff/diff.ts';
import { count, listed } from '../words.ts';

const describe = (a: AssertionOf<'expected-changes'>) => (a.objects.length === 0 ? 'the migration changes no object' : `only these objects change: ${listed(a.objects, 10)}`);

export const expectedChanges: AssertionModule<AssertionOf<'expected-changes'>> = {
  over: 'result',
  describe,
  judge(a, { result }) {
    const description = describe(a);
    if (result.changes === null) return { status: a.severity, expected: a.objects, actual: 'no change report: this snapshot names no earlier snapshot (changesFrom)', description };
    const unexpected = result.changes.entries.filter((c) => !isExpected(c, a.objects));
    return {
      status: unexpected.length === 0 ? 'pass' : a.severity,
      expected: a.objects,
      actual: unexpected.length === 0 ? result.changes.entries.map(changeSummary) : { unexpected: unexpected.map(changeSummary) },
      description,
    };
  },
  say(a, { outcome, result }) {
    if (!result) return outcome.status === 'pass' ? describe(a) : `not as expected: ${describe(a)}`;
    if (result.changes === null) return 'there is no change report to judge: this snapshot names no earlier snapshot (changesFrom)';
    const entries = result.changes.entries;
    if (outcome.status === 'pass') return entries.length === 0 ? 'nothing changed' : `only expected objects changed: ${listed(entries.map(changeSummary), 5, '; ')}`;
    const unexpected = entries.filter((c) => !isExpected(c, a.objects));
    return `${count(unexpected.length, 'object')} changed that ${unexpected.length === 1 ? 'is' : 'are'} not expected: ${listed(unexpected.map(changeSummary), 5, '; ')}`;
  },
};
