/** `exit-code`: the command exited with this code (a signal is never a match). */
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';

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
};
