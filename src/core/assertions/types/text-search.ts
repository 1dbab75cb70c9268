/** What `text-contains` and `text-not-contains` share: the stream they search. */
import type { JsonValue, ResultOf } from '../../../format/index.ts';
import { firstLine, quoted } from '../words.ts';
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

/** The first line of `text` holding `needle`, trimmed and capped: where the searched text was found. */
function lineWith(text: string, needle: string): string | null {
  const at = text.indexOf(needle);
  if (at < 0) return null;
  const start = text.lastIndexOf('\n', at) + 1;
  const end = text.indexOf('\n', at);
  return firstLine(text.slice(start, end < 0 ? undefined : end), 120);
}

/** `text-contains` and `text-not-contains` in words: found or not, and the line it was found on. */
export function sayOutput(a: Parameters<typeof searchOutput>[0], outcome: { status: string; actual: JsonValue }, result: ResultOf<'command'> | null): string {
  const where = a.stream === 'output' ? 'the output' : a.stream;
  const text = result ? (a.stream === 'stdout' ? result.stdout : a.stream === 'stderr' ? result.stderr : `${result.stdout}\n${result.stderr}`) : null;
  const found = text !== null ? text.includes(a.text) : outcome.actual === 'found';
  if (!found) return `${quoted(a.text)} not found in ${where}`;
  // Found where it should not be: the line it is on says what went wrong (a traceback's last line…).
  const line = text !== null && outcome.status !== 'pass' ? lineWith(text, a.text) : null;
  return `${where} contains ${quoted(a.text)}${line && line !== a.text ? `: ${line}` : ''}`;
}
