/** `tests-passed`: each named test ran and passed; a test that did not run is a failure, not a pass. */
import type { JsonValue } from '../../../format/index.ts';
import { parsedFacts } from '../../parsers/parsed-facts.ts';
import { parsePytestVerbose } from '../../parsers/pytest-verbose.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';

export const testsPassed: AssertionModule<AssertionOf<'tests-passed'>> = {
  over: 'result',
  describe: (a) => `${a.tests.length} named tests passed: ${a.tests.join(', ')}`,
  judge(a, { result }) {
    // A test runner's parsed report when the checklist names a parser; pytest's -v lines otherwise.
    const outcomes = parsedFacts(result.parsed).tests ?? parsePytestVerbose(result.stdout);
    const actual: Record<string, JsonValue> = {};
    for (const name of a.tests) actual[name] = outcomes.get(name) ?? 'not run';
    const ok = a.tests.every((name) => actual[name] === 'PASSED');
    return { status: ok ? 'pass' : a.severity, expected: Object.fromEntries(a.tests.map((t) => [t, 'PASSED'])), actual, description: `${a.tests.length} named tests passed` };
  },
};
