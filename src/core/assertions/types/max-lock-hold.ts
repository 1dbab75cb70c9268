/**
 * `max-lock-hold`: the longest a mutating step may have held a lock of a mode (ACCESS EXCLUSIVE by
 * default, or a stronger one) on a relation, from the locks its observation saw (issue 28). Judged
 * on the upper bound of each hold — the samples around it that did not see it — so a sampled
 * duration never reads shorter than it may have been. An observation that failed, saw no session
 * of the step or took no sample is not a pass: nothing seen is not nothing locked.
 */
import type { JsonValue, LockedRelation } from '../../../format/index.ts';
import { holdBounds, longestHold, modeLabel, relationLabel, unjudgeableLocks } from '../../locks/lock-holds.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { listed, readableMs, unquoted } from '../words.ts';

type A = AssertionOf<'max-lock-hold'>;

function limits(a: A): string {
  const parts = [a.warnAboveMs !== undefined ? `warn above ${a.warnAboveMs} ms` : null, a.failAboveMs !== undefined ? `fail above ${a.failAboveMs} ms` : null].filter(Boolean);
  return parts.join(', ') || 'no limit';
}

const describe = (a: A) => `longest ${modeLabel(a.mode)} hold${a.relations ? ` on ${listed(a.relations, 5)}` : ' per relation'}: ${limits(a)}`;

const inScope = (a: A, r: LockedRelation) => !a.relations || (r.name !== null && a.relations.includes(`${r.schema}.${r.name}`));

interface Longest {
  relation: string;
  mode: string;
  minMs: number;
  maxMs: number;
}

/** Each relation in scope with its longest hold of the mode (or a stronger one), longest first. */
function longestPerRelation(a: A, relations: readonly LockedRelation[]): Longest[] {
  return relations
    .filter((r) => inScope(a, r))
    .flatMap((r) => {
      const hold = longestHold(r, a.mode);
      return hold ? [{ relation: relationLabel(r), mode: hold.mode, minMs: hold.minMs, maxMs: hold.maxMs }] : [];
    })
    .sort((x, y) => y.maxMs - x.maxMs || (x.relation < y.relation ? -1 : 1));
}

const levelOf = (a: A, ms: number): 'pass' | 'warn' | 'fail' => (a.failAboveMs !== undefined && ms > a.failAboveMs ? 'fail' : a.warnAboveMs !== undefined && ms > a.warnAboveMs ? 'warn' : 'pass');

export const maxLockHold: AssertionModule<A> = {
  over: 'result',
  describe,
  judge(a, { result }) {
    const description = describe(a);
    const expected = { mode: a.mode, relations: a.relations ?? null, warnAboveMs: a.warnAboveMs ?? null, failAboveMs: a.failAboveMs ?? null };
    const why = unjudgeableLocks(result.locks);
    if (why !== null) return { status: a.severity, expected, actual: why, description };
    const longest = longestPerRelation(a, result.locks!.relations);
    const status = longest.reduce<'pass' | 'warn' | 'fail'>((worst, l) => {
      const level = levelOf(a, l.maxMs);
      return level === 'fail' || worst === 'fail' ? 'fail' : level === 'warn' || worst === 'warn' ? 'warn' : 'pass';
    }, 'pass');
    const actual: JsonValue = { longest: longest.slice(0, 20).map((l) => ({ ...l })), longestSpacingMs: result.locks!.samples.longestSpacingMs };
    return { status, expected, actual, description };
  },
  say(a, { outcome, result }) {
    if (typeof outcome.actual === 'string') return `cannot judge the lock holds: ${unquoted(outcome.actual)}`;
    const locks = result?.locks;
    if (!locks) return outcome.status === 'pass' ? describe(a) : `not as expected: ${describe(a)}`;
    const longest = longestPerRelation(a, locks.relations);
    const missed = `locks held under ${readableMs(locks.samples.longestSpacingMs)} may be unseen`;
    if (longest.length === 0) return `no ${modeLabel(a.mode)} lock${a.relations ? ` on ${listed(a.relations, 5)}` : ''} was seen in ${locks.samples.taken - locks.samples.failed} samples (${missed})`;
    const shown = (l: Longest) => `${l.relation} ${modeLabel(l.mode)} held ${holdBounds(l.minMs, l.maxMs)}`;
    if (outcome.status === 'pass') return `the longest: ${shown(longest[0]!)}, within ${limits(a)}`;
    const over = longest.filter((l) => levelOf(a, l.maxMs) !== 'pass');
    const limit = outcome.status === 'fail' && a.failAboveMs !== undefined ? `the ${readableMs(a.failAboveMs)} failure limit` : a.warnAboveMs !== undefined ? `the ${readableMs(a.warnAboveMs)} warning limit` : 'the limit';
    return `${listed(over.map(shown), 5, '; ')}: above ${limit}`;
  },
};
