/**
 * `migration-ran`: the command moved the database to this revision. The database is the first
 * witness (its version table before and after), the tool's log the second: an env.py without
 * logging prints nothing.
 */
import { parsedFacts } from '../../parsers/parsed-facts.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';

const step = (m: { from: string | null; to: string | null }) => `${m.from ?? '<base>'} -> ${m.to ?? '<base>'}`;

export const migrationRan: AssertionModule<AssertionOf<'migration-ran'>> = {
  over: 'result',
  describe: (a) => `migration ${a.revision} ran`,
  judge(a, { result }) {
    const ran = parsedFacts(result.parsed).migrations ?? [];
    const match = ran.find((m) => m.to?.startsWith(a.revision));
    const description = `migration ${a.revision} ran`;
    const state = result.databaseState;
    if (state) {
      const at = (versions: string[] | null) => versions?.some((v) => v.startsWith(a.revision)) ?? false;
      const moved = at(state.after) && !at(state.before);
      const shown = (versions: string[] | null) => (versions === null ? '(no version table)' : versions.length === 0 ? '(empty)' : versions.join(', '));
      return {
        status: moved ? 'pass' : a.severity,
        expected: `the database moves to ${a.revision}`,
        actual: `database: ${shown(state.before)} → ${shown(state.after)}; log: ${match ? `ran ${step(match)}` : ran.length === 0 ? 'no migration reported' : ran.map(step).join(', ')}`,
        description,
      };
    }
    return {
      status: match ? 'pass' : a.severity,
      expected: `Running … -> ${a.revision}`,
      actual: ran.length === 0 ? 'no migration ran' : ran.map(step),
      description,
    };
  },
};
