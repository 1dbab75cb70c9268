/** `column-types`: the result's columns have these types, as format_type names them (`id` is bigint, not numeric). */
import type { JsonValue } from '../../../format/index.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { listed } from '../words.ts';

export const columnTypes: AssertionModule<AssertionOf<'column-types'>> = {
  over: 'result',
  describe: (a) => a.columns.map((c) => `${c.name} is ${c.type}`).join('; '),
  judge(a, { result }) {
    const actual: Record<string, JsonValue> = {};
    let ok = true;
    for (const want of a.columns) {
      const got = result.columns.find((c) => c.name === want.name)?.type ?? 'missing';
      actual[want.name] = got;
      if (got !== want.type) ok = false;
    }
    return {
      status: ok ? 'pass' : a.severity,
      expected: Object.fromEntries(a.columns.map((c) => [c.name, c.type])),
      actual,
      description: a.columns.map((c) => `${c.name} is ${c.type}`).join('; '),
    };
  },
  say(a, { outcome, result }) {
    const stored = outcome.actual !== null && typeof outcome.actual === 'object' && !Array.isArray(outcome.actual) ? outcome.actual : {};
    const typeOf = (name: string) => (result ? (result.columns.find((c) => c.name === name)?.type ?? 'missing') : typeof stored[name] === 'string' ? stored[name] : 'missing');
    const wrong = a.columns.filter((c) => typeOf(c.name) !== c.type);
    if (outcome.status === 'pass' || wrong.length === 0) return listed(a.columns.map((c) => `${c.name} is ${c.type}`), 8);
    return listed(wrong.map((c) => (typeOf(c.name) === 'missing' ? `no column ${c.name} (expected ${c.type})` : `${c.name} is ${typeOf(c.name)} (expected ${c.type})`)), 8, '; ');
  },
};
