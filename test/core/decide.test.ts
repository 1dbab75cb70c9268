import { describe, expect, it } from 'vitest';
import { attemptViewLock } from '../../collectors/checklists/attempt-view-lock.ts';
import { decide } from '../../src/core/decision/decide.ts';
import type { CheckSnapshot, CheckStatus } from '../../src/format/index.ts';

type Judged = Pick<CheckSnapshot, 'id' | 'status' | 'assertions' | 'error' | 'skipReason'>;

function all(status: CheckStatus): Map<string, Judged> {
  return new Map(attemptViewLock.checks.map((c) => [c.id, { id: c.id, status, assertions: [], error: null, skipReason: null }]));
}

function withCheck(map: Map<string, Judged>, id: string, patch: Partial<Judged>): Map<string, Judged> {
  const next = new Map(map);
  next.set(id, { ...next.get(id)!, ...patch });
  return next;
}

describe('go/no-go decision', () => {
  it('approves when every check passed', () => {
    const { decision, criteria } = decide({ checklist: attemptViewLock, snapshots: all('pass'), complete: true });
    expect(decision.status).toBe('APPROVED');
    expect(criteria).toHaveLength(7);
    expect(criteria.every((c) => c.status === 'pass')).toBe(true);
  });

  it('approves with notes when a check warns, and says which', () => {
    const snapshots = withCheck(all('pass'), 'perf-baseline', {
      status: 'warn',
      assertions: [{ id: 'max-duration', type: 'max-duration', description: 'execution time: warn above 500 ms', expected: { warnAboveMs: 500 }, actual: 612, status: 'warn' }],
    });
    const { decision, criteria } = decide({ checklist: attemptViewLock, snapshots, complete: true });
    expect(decision.status).toBe('APPROVED WITH NOTES');
    expect(decision.reasons.join('\n')).toMatch(/perf-baseline \(§8\): warn: the median execution took 612 ms, above the 500 ms warning limit/);
    expect(criteria.find((c) => c.id === 'performance-acceptable')?.status).toBe('warn');
  });

  it('blocks on a fail, even when another check errored', () => {
    let snapshots = withCheck(all('pass'), 'view-columns', { status: 'fail' });
    snapshots = withCheck(snapshots, 'kpi-weekly', { status: 'error', error: { kind: 'sql', message: 'relation "attempt" does not exist', code: '42P01', hint: null, detail: null } });
    const { decision } = decide({ checklist: attemptViewLock, snapshots, complete: true });
    expect(decision.status).toBe('BLOCKED');
    expect(decision.reasons[0]).toMatch(/^view-columns/);
    expect(decision.reasons.join('\n')).toMatch(/kpi-weekly \(§6\.1\): error: the database refused the query: relation "attempt" does not exist \(SQLSTATE 42P01\)/);
  });

  it.each([
    ['an error', { status: 'error' as const, error: { kind: 'timeout' as const, message: 'canceling statement due to statement timeout', code: '57014', hint: null, detail: null } }],
    ['a skip', { status: 'skipped' as const, skipReason: 'alembic not found on PATH' }],
  ])('is INCOMPLETE, never APPROVED, with %s of a required check', (_label, patch) => {
    const snapshots = withCheck(all('pass'), 'smoke-tests', patch);
    const { decision, criteria } = decide({ checklist: attemptViewLock, snapshots, complete: true });
    expect(decision.status).toBe('INCOMPLETE');
    expect(criteria.find((c) => c.id === 'smoke-tests-pass')?.status).toBe('incomplete');
  });

  it('is INCOMPLETE when a check is missing or the collection did not finish', () => {
    const missing = all('pass');
    missing.delete('determinism');
    expect(decide({ checklist: attemptViewLock, snapshots: missing, complete: true }).decision).toMatchObject({
      status: 'INCOMPLETE',
      reasons: ['determinism (§5): missing: the check did not run'],
    });
    expect(decide({ checklist: attemptViewLock, snapshots: all('pass'), complete: false }).decision.status).toBe('INCOMPLETE');
  });

  it('counts a check outside the seven criteria too (rollback readiness)', () => {
    const snapshots = withCheck(all('pass'), 'rollback-sql', { status: 'fail' });
    expect(decide({ checklist: attemptViewLock, snapshots, complete: true }).decision.status).toBe('BLOCKED');
  });
});
