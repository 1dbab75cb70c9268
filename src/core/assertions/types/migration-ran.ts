/**
 * `migration-ran`: the command moved the database to this revision. The database is the first
 * witness (its version table before and after), the tool's log the second: an env.py without
 * logging prints nothing.
 */
import { parsedFacts } from '../../parsers/parsed-facts.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { plainValue } from '../words.ts';

const step = (m: { from: string | null; to: string | null }) => `${m.from ?? '<base>'} -> ${m.to ?? '<base>'}`;
/** A step as a reader reads it: `A → B`, `no revision → B`. */
const stepInWords = (m: { from: string | null; to: string | null }) => `${m.from ?? 'no revision'} → ${m.to ?? 'no revision'}`;
/** The version table's rows in words. */
const versionsInWords = (versions: string[] | null) => (versions === null ? 'no version table' : versions.length === 0 ? 'no revision' : versions.join(', '));

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
  say(a, { outcome, result }) {
    if (!result) return outcome.status === 'pass' ? `migration ${a.revision} ran` : `migration ${a.revision} did not run: ${plainValue(outcome.actual)}`;
    const ran = parsedFacts(result.parsed).migrations ?? [];
    const match = ran.find((m) => m.to?.startsWith(a.revision));
    const logSaid = ran.length === 0 ? 'the log reported no migration' : `the log reported ${ran.map(stepInWords).join(', ')}`;
    const state = result.databaseState;
    if (!state) {
      if (match) return `ran ${stepInWords(match)}`;
      return ran.length === 0 ? `no migration ran (expected one to ${a.revision})` : `${logSaid}, none to ${a.revision}`;
    }
    const at = (versions: string[] | null) => versions?.some((v) => v.startsWith(a.revision)) ?? false;
    const before = versionsInWords(state.before);
    const after = versionsInWords(state.after);
    if (at(state.after) && !at(state.before)) return state.before === null || state.before.length === 0 ? `the database moved to ${after} (it had ${before} before)` : `the database moved from ${before} to ${after}`;
    if (at(state.after)) return `already applied: the database stayed at ${after}`;
    const went = before === after ? `it stayed at ${after}` : `it moved from ${before} to ${after}`;
    return `the database did not reach ${a.revision}: ${went}; ${logSaid}`;
  },
};
