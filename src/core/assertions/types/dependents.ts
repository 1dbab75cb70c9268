/**
 * `dependents`: the relation's dependents (from pg_depend) are exactly the expected ones, or
 * include them. A view with a known dependent passes on what is expected instead of warning on
 * `no-dependents` forever — and a new, unexpected dependent still shows up (with `equals`).
 */
import type { ExpectedDependent, ResultOf } from '../../../format/index.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { listed } from '../words.ts';

type Dependent = ResultOf<'dependents'>['dependents'][number];

/** `view public.invoice_totals`: how a dependent reads in the expectation and the evidence alike. */
function named(d: { type?: string; schema?: string | null; name: string }): string {
  return `${d.type ? `${d.type} ` : ''}${d.schema ? `${d.schema}.` : ''}${d.name}`;
}

const matches = (expected: ExpectedDependent, actual: Dependent) =>
  expected.name === actual.name && (expected.schema === undefined || expected.schema === actual.schema) && (expected.type === undefined || expected.type === actual.type);

function describe(a: AssertionOf<'dependents'>, relation = 'the relation'): string {
  if (a.dependents.length === 0) return a.match === 'equals' ? `nothing depends on ${relation}` : `${relation} exists`;
  const list = a.dependents.map(named).join(', ');
  return a.match === 'equals' ? `the dependents of ${relation} are exactly: ${list}` : `the dependents of ${relation} include: ${list}`;
}

export const dependents: AssertionModule<AssertionOf<'dependents'>> = {
  over: 'result',
  describe: (a) => describe(a),
  judge(a, { result }) {
    const relation = `${result.relation.schema}.${result.relation.name}`;
    const description = describe(a, relation);
    const expected = a.dependents.map(named);
    if (!result.relation.exists) return { status: a.severity, expected, actual: `${relation} does not exist`, description };
    const missing = a.dependents.filter((e) => !result.dependents.some((d) => matches(e, d)));
    const unexpected = a.match === 'equals' ? result.dependents.filter((d) => !a.dependents.some((e) => matches(e, d))) : [];
    const met = missing.length === 0 && unexpected.length === 0;
    return {
      status: met ? 'pass' : a.severity,
      expected,
      actual: met
        ? result.dependents.map(named)
        : { found: result.dependents.map(named), missing: missing.map(named), ...(a.match === 'equals' ? { unexpected: unexpected.map(named) } : {}) },
      description,
    };
  },
  say(a, { outcome, result }) {
    if (!result) return outcome.status === 'pass' ? describe(a) : `not as expected: ${describe(a)}`;
    const relation = `${result.relation.schema}.${result.relation.name}`;
    if (!result.relation.exists) return `${relation} does not exist`;
    const found = result.dependents.map(named);
    if (outcome.status === 'pass') {
      if (a.dependents.length === 0) return a.match === 'equals' ? `nothing depends on ${relation}` : `${relation} exists`;
      return `the dependents of ${relation} are as expected: ${listed(found)}`;
    }
    const missing = a.dependents.filter((e) => !result.dependents.some((d) => matches(e, d))).map(named);
    const unexpected = a.match === 'equals' ? result.dependents.filter((d) => !a.dependents.some((e) => matches(e, d))).map(named) : [];
    const parts = [missing.length > 0 ? `missing: ${listed(missing)}` : null, unexpected.length > 0 ? `unexpected: ${listed(unexpected)}` : null].filter(Boolean);
    return `the dependents of ${relation} differ from the expected — ${parts.length > 0 ? parts.join('; ') : `found: ${listed(found)}`}`;
  },
};
