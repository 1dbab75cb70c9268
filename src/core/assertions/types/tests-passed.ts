/** `tests-passed`: each named test ran and passed; a test that did not run is a failure, not a pass. */
import type { JsonValue } from '../../../format/index.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { allOf, count, listed } from '../words.ts';
import { testOutcomes, testWithMessage } from './test-outcomes.ts';

export const testsPassed: AssertionModule<AssertionOf<'tests-passed'>> = {
  over: 'result',
  describe: (a) => `${a.tests.length} named tests passed: ${a.tests.join(', ')}`,
  judge(a, { result }) {
    // A test runner's parsed report when the checklist names a parser; pytest's -v lines otherwise.
    const outcomes = testOutcomes(result)!;
    const actual: Record<string, JsonValue> = {};
    for (const name of a.tests) actual[name] = outcomes.get(name) ?? 'not run';
    const ok = a.tests.every((name) => actual[name] === 'PASSED');
    return { status: ok ? 'pass' : a.severity, expected: Object.fromEntries(a.tests.map((t) => [t, 'PASSED'])), actual, description: `${a.tests.length} named tests passed` };
  },
  say(a, { outcome, result }) {
    const total = a.tests.length;
    if (outcome.status === 'pass') return total === 1 ? `the named test passed: ${a.tests[0]}` : `${allOf(total, 'named test')} passed`;
    // The output is the witness; the stored record of each test's outcome stands in without it.
    const stored = outcome.actual !== null && typeof outcome.actual === 'object' && !Array.isArray(outcome.actual) ? outcome.actual : {};
    const outcomes = testOutcomes(result);
    const of = (name: string) => outcomes?.get(name) ?? (typeof stored[name] === 'string' ? stored[name] : 'not run');
    const failed = a.tests.filter((t) => of(t) === 'FAILED' || of(t) === 'ERROR');
    const notRun = a.tests.filter((t) => of(t) === 'not run');
    const other = a.tests.filter((t) => of(t) !== 'PASSED' && !failed.includes(t) && !notRun.includes(t));
    const parts: string[] = [];
    // The first part counts against the whole (`1 of 5 named tests failed`); the next ones only their own.
    const share = (n: number) => (parts.length === 0 ? `${n} of ${count(total, 'named test')}` : String(n));
    if (failed.length > 0) parts.push(`${share(failed.length)} failed: ${listed(failed.map((t) => testWithMessage(result, t)), 3, '; ')}`);
    if (notRun.length > 0) parts.push(`${share(notRun.length)} did not run: ${listed(notRun)}`);
    if (other.length > 0) parts.push(`${share(other.length)} did not pass: ${listed(other.map((t) => `${t} (${of(t).toLowerCase()})`))}`);
    // A stored verdict its output does not bear out (verify names that) still reads as what it claims.
    return parts.length > 0 ? parts.join('; ') : `the ${count(total, 'named test')} did not all pass`;
  },
};
