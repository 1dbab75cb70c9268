/** `text-contains`: the command's output (stdout, stderr or both) contains a text. */
import { notApplicable, type AssertionModule, type AssertionOf } from '../assertion-type.ts';
import { searchOutput } from './text-search.ts';

export const textContains: AssertionModule<AssertionOf<'text-contains'>> = {
  over: 'result',
  describe: (a) => `${a.stream === 'output' ? 'the output' : a.stream} contains "${a.text}"`,
  judge: (a, { result }) => (result.kind === 'command' ? searchOutput(a, result) : notApplicable(result.kind)),
};
