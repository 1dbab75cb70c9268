/** `exit-code`: the command exited with this code (a signal is never a match). */
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { plainValue } from '../words.ts';
import { failedTestsText } from './test-outcomes.ts';

export const exitCode: AssertionModule<AssertionOf<'exit-code'>> = {
  over: 'result',
  describe: (a) => `exit code ${a.equals}`,
  judge(a, { result }) {
    return {
      status: result.exitCode === a.equals ? 'pass' : a.severity,
      expected: a.equals,
      actual: result.exitCode ?? (result.signal ? `killed by ${result.signal}` : null),
      description: `exit code ${a.equals}`,
    };
  },
  say(a, { outcome, result, program }) {
    const who = program ?? 'the command';
    if (outcome.status === 'pass') return `${who} exited with code ${a.equals}`;
    const code = result ? result.exitCode : typeof outcome.actual === 'number' ? outcome.actual : null;
    const head = result?.timedOut
      ? `${who} timed out${result.signal ? ` and was killed by ${result.signal}` : ''} (expected exit code ${a.equals})`
      : code !== null
        ? `${who} exited with code ${code} (expected ${a.equals})`
        : result?.signal
          ? `${who} was killed by ${result.signal} (expected exit code ${a.equals})`
          : `${who} did not exit with code ${a.equals}: ${plainValue(outcome.actual)}`;
    // Why it exited so, when its output says: the tests that failed, with their first message line.
    const failed = failedTestsText(result);
    return failed ? `${head}; ${failed}` : head;
  },
};
