/** `text-not-contains`: the command's output does not contain a text (an ERROR line, a traceback…). */
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { sayOutput, searchOutput } from './text-search.ts';

export const textNotContains: AssertionModule<AssertionOf<'text-not-contains'>> = {
  over: 'result',
  describe: (a) => `${a.stream === 'output' ? 'the output' : a.stream} does not contain "${a.text}"`,
  judge: (a, { result }) => searchOutput(a, result),
  say: (a, { outcome, result }) => sayOutput(a, outcome, result),
};
