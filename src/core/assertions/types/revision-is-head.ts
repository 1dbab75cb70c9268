/** `revision-is-head`: a migration tool's history marks this revision (or its prefix) as the one head. */
import { parsedFacts } from '../../parsers/parsed-facts.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { listed, unquoted } from '../words.ts';

/**
 * The revision a line of alembic output names: `down -> rev (head), message` in `history`,
 * `rev (head)` in `heads` and `current` (for output read without a parser).
 */
function revisionOfLine(line: string): string {
  const arrow = line.indexOf('->');
  const rest = (arrow >= 0 ? line.slice(arrow + 2) : line).trim();
  return rest.split(/[\s,]/)[0] ?? '';
}

export const revisionIsHead: AssertionModule<AssertionOf<'revision-is-head'>> = {
  over: 'result',
  describe: (a) => `${a.revision} is head`,
  judge(a, { result }) {
    const expected = `${a.revision} (head)`;
    const description = `${a.revision} is head`;
    const heads = parsedFacts(result.parsed).heads;
    if (heads) {
      const match = heads.find((h) => h.startsWith(a.revision));
      return {
        status: match && heads.length === 1 ? 'pass' : a.severity,
        expected,
        actual: heads.length === 0 ? 'no (head) marker in the output' : heads.length === 1 ? `${heads[0]} (head)` : `several heads: ${heads.join(', ')}`,
        description,
      };
    }
    const lines = result.stdout.split('\n').filter((line) => /\(head\)/.test(line));
    const match = lines.find((line) => revisionOfLine(line).startsWith(a.revision));
    return {
      status: match ? 'pass' : a.severity,
      expected,
      actual: match?.trim() ?? (lines.length > 0 ? lines.map((h) => h.trim()).join('\n') : 'no (head) marker in the output'),
      description,
    };
  },
  say(a, { outcome, result }) {
    const heads = result ? parsedFacts(result.parsed).heads : undefined;
    if (heads) {
      if (heads.length === 0) return `no head in the output (expected ${a.revision})`;
      if (heads.length > 1) return `several heads: ${listed(heads)} (expected ${a.revision} alone)`;
      return heads[0]!.startsWith(a.revision) ? `${heads[0]} is the head` : `the head is ${heads[0]}, not ${a.revision}`;
    }
    // Output read without a parser: the stored line(s) marked (head).
    if (outcome.status === 'pass') return `${a.revision} is the head`;
    return `${a.revision} is not the head: ${typeof outcome.actual === 'string' ? unquoted(outcome.actual).replace(/\n/g, '; ') : 'no (head) marker in the output'}`;
  },
};
