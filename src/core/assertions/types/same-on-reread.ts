/** `same-on-reread`: the query ran more than once and every read's digest of all its rows is the same. */
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';

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
};
