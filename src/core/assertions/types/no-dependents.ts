/** `no-dependents`: nothing depends on the relation (rollback safety), from pg_depend. */
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';

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
};
