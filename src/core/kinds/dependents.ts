/** `dependents` checks in the core: more dependents than before is worse (a rollback got harder). */
import type { ResultOf } from '../../format/index.ts';
import type { CheckKindCore } from './check-kind.ts';
import { plainOutcome } from '../assertions/words.ts';

const names = (r: ResultOf<'dependents'>) => r.dependents.map((d) => `${d.type} ${d.schema ? `${d.schema}.` : ''}${d.name}`).sort().join(', ') || 'none';

export const dependentsKind: CheckKindCore<'dependents'> = {
  describe: (check) => `what depends on ${check.relation.schema}.${check.relation.name}`,
  paramsNeeded: () => [],
  expectations: () => [],
  judgeExpectations: () => [],
  // Judges no expectations of its own: an outcome of its kind is a stored one from elsewhere, said plainly.
  sayExpectation: plainOutcome,
  compare(base, current) {
    if (names(base) === names(current)) return { differences: [] };
    return { differences: [{ kind: 'dependents', text: `dependents: ${names(base)} → ${names(current)}`, worse: current.dependents.length > base.dependents.length }] };
  },
  metric: () => null,
};
