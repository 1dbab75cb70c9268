/** `text-contains`: the command's output (stdout, stderr or both) contains a text. */
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { sayOutput, searchOutput } from './text-search.ts';

export const textContains: AssertionModule<AssertionOf<'text-contains'>> = {
  over: 'result',
  describe: (a) => `${a.stream === 'output' ? 'the output' : a.stream} contains "${a.text}"`,
  judge: (a, { result }) => searchOutput(a, result),
  say: (a, { outcome, result }) => sayOutput(a, outcome, result),
};
