/** `attestations`: the deployment carries these attestations (CI green, approvals…), each with who and when. */
import type { JsonValue } from '../../../format/index.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { allOf, count, listed } from '../words.ts';

const NOT_ATTESTED = 'not attested';

export const attestations: AssertionModule<AssertionOf<'attestations'>> = {
  over: 'result',
  describe: (a) => `attested: ${a.required.join(', ')}`,
  judge(a, input) {
    const given = new Map(input.attestations.map((x) => [x.id, x]));
    const actual: Record<string, JsonValue> = {};
    for (const id of a.required) {
      const x = given.get(id);
      actual[id] = x ? `${x.by} at ${x.at}` : NOT_ATTESTED;
    }
    const missing = a.required.filter((id) => !given.has(id));
    return {
      status: missing.length === 0 ? 'pass' : a.severity,
      expected: a.required,
      actual,
      description: missing.length === 0 ? 'every required attestation given' : `every required attestation given (missing: ${missing.join(', ')})`,
    };
  },
  say(a, { outcome }) {
    const total = a.required.length;
    if (outcome.status === 'pass') return total === 1 ? `attested: ${a.required[0]}` : `${allOf(total, 'attestation')} given: ${listed(a.required)}`;
    // The stored record says, per required attestation, who gave it or that nobody did.
    const stored = outcome.actual !== null && typeof outcome.actual === 'object' && !Array.isArray(outcome.actual) ? outcome.actual : null;
    const missing = stored ? a.required.filter((id) => stored[id] === undefined || stored[id] === NOT_ATTESTED) : a.required;
    const given = a.required.filter((id) => !missing.includes(id));
    return `${missing.length} of ${count(total, 'attestation')} missing: ${listed(missing)}${given.length > 0 ? ` (given: ${listed(given)})` : ''}`;
  },
};
