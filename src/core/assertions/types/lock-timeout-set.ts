/**
 * `lock-timeout-set`: the forward SQL (an `alembic-sql` preview of the upgrade) sets a non-zero
 * lock_timeout before its first statement that takes a strong lock (issue 28). Judged on the SQL
 * the evidence keeps, so `verify` judges it again the same way.
 */
import type { ResultOf } from '../../../format/index.ts';
import { findLockTimeout, type LockTimeoutFinding } from '../../sql-script/lock-timeout.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { plainValue } from '../words.ts';

const DESCRIPTION = 'a non-zero lock_timeout is set before the first statement that takes a strong lock';

type Reading = { finding: LockTimeoutFinding; cut: boolean } | { problem: string };

function reading(result: ResultOf<'command'>): Reading {
  if (result.parsed?.kind !== 'alembic-sql') return { problem: 'no SQL preview to read: the check has no alembic-sql parser output' };
  return { finding: findLockTimeout(result.parsed.sql), cut: (result.streams?.stdout.tail ?? null) !== null };
}

const at = (s: { line: number; text: string }) => `line ${s.line}: ${s.text}`;

export const lockTimeoutSet: AssertionModule<AssertionOf<'lock-timeout-set'>> = {
  over: 'result',
  describe: () => DESCRIPTION,
  judge(a, { result }) {
    const read = reading(result);
    if ('problem' in read) return { status: a.severity, expected: DESCRIPTION, actual: read.problem, description: DESCRIPTION };
    const { finding, cut } = read;
    if (!finding.firstStrong) {
      // Nothing takes a strong lock in what was kept; what was cut may.
      if (cut) return { status: a.severity, expected: DESCRIPTION, actual: 'the SQL was cut at the output cap before any statement that takes a strong lock: the rest is unread', description: DESCRIPTION };
      return { status: 'pass', expected: DESCRIPTION, actual: { strongLock: null, lockTimeout: finding.setBy ? at(finding.setBy) : null }, description: DESCRIPTION };
    }
    return {
      status: finding.setBy ? 'pass' : a.severity,
      expected: DESCRIPTION,
      actual: { strongLock: `${finding.firstStrong.what} at ${at(finding.firstStrong)}`, lockTimeout: finding.setBy ? at(finding.setBy) : null },
      description: DESCRIPTION,
    };
  },
  say(a, { outcome, result }) {
    if (!result) return outcome.status === 'pass' ? DESCRIPTION : `lock_timeout not shown to be set: ${plainValue(outcome.actual)}`;
    const read = reading(result);
    if ('problem' in read) return read.problem;
    const { finding, cut } = read;
    if (!finding.firstStrong) {
      if (cut) return 'the forward SQL was cut at the output cap before any statement that takes a strong lock: whether lock_timeout is set before one is unknown';
      return finding.setBy ? `no statement takes a strong lock (lock_timeout ${finding.setBy.value} is set at line ${finding.setBy.line})` : 'no statement takes a strong lock, so none waits without a lock_timeout';
    }
    const strong = `${finding.firstStrong.what} at line ${finding.firstStrong.line} (${finding.firstStrong.text})`;
    return finding.setBy ? `lock_timeout ${finding.setBy.value} is set at line ${finding.setBy.line}, before the first strong lock: ${strong}` : `no lock_timeout is set before the first strong lock: ${strong}`;
  },
};
