/** `attestations`: the deployment carries these attestations (CI green, approvals…), each with who and when. */
import type { JsonValue } from '../../../format/index.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';

export const attestations: AssertionModule<AssertionOf<'attestations'>> = {
  over: 'result',
  describe: (a) => `attested: ${a.required.join(', ')}`,
  judge(a, input) {
    const given = new Map(input.attestations.map((x) => [x.id, x]));
    const actual: Record<string, JsonValue> = {};
    for (const id of a.required) {
      const x = given.get(id);
      actual[id] = x ? `${x.by} at ${x.at}` : 'not attested';
    }
    const missing = a.required.filter((id) => !given.has(id));
    return {
      status: missing.length === 0 ? 'pass' : a.severity,
      expected: a.required,
      actual,
      description: missing.length === 0 ? 'every required attestation given' : `every required attestation given (missing: ${missing.join(', ')})`,
    };
  },
};
