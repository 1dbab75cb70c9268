/** `same-on-reread`: the query ran more than once and every read's digest of all its rows is the same. */
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { allOf, count } from '../words.ts';

export const sameOnReread: AssertionModule<AssertionOf<'same-on-reread'>> = {
  over: 'result',
  describe: () => 'identical rows on every read',
  judge(a, { result }) {
    const hashes = result.reads.map((r) => r.rowsSha256);
    const description = 'identical rows on every read';
    if (hashes.length < 2) return { status: a.severity, expected: 'at least 2 reads', actual: `${hashes.length} read`, description };
    const same = hashes.every((h) => h === hashes[0]);
    return { status: same ? 'pass' : a.severity, expected: 'identical', actual: hashes, description };
  },
  say(_a, { outcome, result }) {
    const hashes = result ? result.reads.map((r) => r.rowsSha256) : Array.isArray(outcome.actual) ? outcome.actual : null;
    if (hashes === null) return outcome.status === 'pass' ? 'identical rows on every read' : 'the reads could not be compared';
    if (hashes.length < 2) return `read ${hashes.length === 1 ? 'once' : 'never'}: at least 2 reads are needed to compare`;
    const distinct = new Set(hashes).size;
    return distinct === 1 ? `${allOf(hashes.length, 'read')} gave identical rows` : `the rows changed between reads: ${distinct} different results in ${count(hashes.length, 'read')}`;
  },
};
