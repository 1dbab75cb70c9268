/** What `text-contains` and `text-not-contains` share: the stream they search. */
import type { ResultOf } from '../../../format/index.ts';
import type { Verdict } from '../assertion-type.ts';

export function searchOutput(
  a: { type: 'text-contains' | 'text-not-contains'; stream: 'stdout' | 'stderr' | 'output'; text: string; severity: 'fail' | 'warn' },
  result: ResultOf<'command'>,
): Verdict {
  const text = a.stream === 'stdout' ? result.stdout : a.stream === 'stderr' ? result.stderr : `${result.stdout}\n${result.stderr}`;
  const found = text.includes(a.text);
  const wanted = a.type === 'text-contains';
  const where = a.stream === 'output' ? 'the output' : a.stream;
  return {
    status: found === wanted ? 'pass' : a.severity,
    expected: a.text,
    actual: found ? 'found' : 'not found',
    description: `${where} ${wanted ? 'contains' : 'does not contain'} "${a.text}"`,
  };
}
