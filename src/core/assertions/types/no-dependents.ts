/** `no-dependents`: nothing depends on the relation (rollback safety), from pg_depend. */
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { count, listed } from '../words.ts';

export const noDependents: AssertionModule<AssertionOf<'no-dependents'>> = {
  over: 'result',
  describe: () => 'nothing depends on the relation',
  judge(a, { result }) {
    const name = `${result.relation.schema}.${result.relation.name}`;
    const description = `nothing depends on ${name}`;
    if (!result.relation.exists) return { status: a.severity, expected: 'exists, no dependents', actual: `${name} does not exist`, description };
    return {
      status: result.dependents.length === 0 ? 'pass' : a.severity,
      expected: [],
      actual: result.dependents.map((d) => `${d.type} ${d.schema ? `${d.schema}.` : ''}${d.name}`),
      description,
    };
  },
  say(_a, { outcome, result }) {
    if (!result) return outcome.status === 'pass' ? 'nothing depends on the relation' : 'the relation has dependents or does not exist';
    const name = `${result.relation.schema}.${result.relation.name}`;
    if (!result.relation.exists) return `${name} does not exist`;
    if (result.dependents.length === 0) return `nothing depends on ${name}`;
    const n = result.dependents.length;
    return `${count(n, 'object')} depend${n === 1 ? 's' : ''} on ${name}: ${listed(result.dependents.map((d) => `${d.type} ${d.schema ? `${d.schema}.` : ''}${d.name}`))}`;
  },
};
