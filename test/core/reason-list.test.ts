/**
 * The decision's reasons as a list (issue 26): made from the checklist and the snapshots, in the
 * order a reader weighs them, each with the check it links to and the words `decide` gives it.
 */
import { describe, expect, it } from 'vitest';
import { attemptViewLock } from '../../collectors/checklists/attempt-view-lock.ts';
import { checkProblem, type Judged } from '../../src/core/decision/check-problem.ts';
import { decide } from '../../src/core/decision/decide.ts';
import { reasonList } from '../../src/core/decision/reason-list.ts';
import type { CheckStatus } from '../../src/format/index.ts';

// One optional check, so every weight can appear.
const checklist = { ...attemptViewLock, checks: attemptViewLock.checks.map((c) => (c.id === 'etl-integration' ? { ...c, required: false } : c)) };

function snapshots(statuses: Record<string, CheckStatus | 'missing'>): Map<string, Judged> {
  const map = new Map<string, Judged>();
  for (const c of checklist.checks) {
    const status = statuses[c.id] ?? 'pass';
    if (status === 'missing') continue;
    map.set(c.id, {
      id: c.id,
      status,
      assertions: status === 'warn' || status === 'fail' ? [{ id: 'a', type: 'row-count', description: `${c.id} holds rows`, expected: { min: 1 }, actual: 0, status }] : [],
      error: status === 'error' ? { kind: 'sql', message: 'relation "attempt" does not exist', code: '42P01', hint: null, detail: null } : null,
      skipReason: status === 'skipped' ? 'alembic not found on PATH' : null,
    } as Judged);
  }
  return map;
}

// Statuses in the checklist's order that, by weight, read in another: warn before fail, optional first.
const MIXED: Record<string, CheckStatus | 'missing'> = {
  'alembic-history-before': 'warn',
  'etl-integration': 'fail',
  'view-columns': 'skipped',
  'sample-rows': 'fail',
  determinism: 'error',
  'kpi-weekly': 'missing',
  'perf-baseline': 'warn',
  'smoke-tests': 'fail',
};

describe('the reasons as a list', () => {
  it('orders them by weight — what blocks, what leaves it incomplete, warnings, optional checks — and within a weight by the checklist', () => {
    const reasons = reasonList({ checklist, snapshots: snapshots(MIXED), complete: true });
    expect(reasons.map((r) => [r.weight, r.checkId, r.status])).toEqual([
      ['blocks', 'sample-rows', 'fail'],
      ['blocks', 'smoke-tests', 'fail'],
      ['incomplete', 'view-columns', 'skipped'],
      ['incomplete', 'determinism', 'error'],
      ['incomplete', 'kpi-weekly', 'missing'],
      ['warns', 'alembic-history-before', 'warn'],
      ['warns', 'perf-baseline', 'warn'],
      ['optional', 'etl-integration', 'fail'],
    ]);
    // Each with its section and the checklist's title for it.
    const smoke = reasons.find((r) => r.checkId === 'smoke-tests')!;
    expect([smoke.section, smoke.title]).toEqual(['7', checklist.checks.find((c) => c.id === 'smoke-tests')!.title]);
  });

  it('says each reason in checkProblem\'s words: the words of the decision\'s reasons, check for check', () => {
    const judged = snapshots(MIXED);
    const reasons = reasonList({ checklist, snapshots: judged, complete: true });
    for (const r of reasons) expect(r.sentence, r.checkId!).toBe(checkProblem(judged.get(r.checkId!), checklist.checks.find((c) => c.id === r.checkId)));
    expect(reasons.find((r) => r.checkId === 'kpi-weekly')!.sentence).toBe('missing: the check did not run');
    expect(reasons.find((r) => r.checkId === 'view-columns')!.sentence).toContain('alembic not found on PATH');
    // The same checks and words as the decision it explains (decide writes `<id> (§<section>): <words>`).
    const { decision } = decide({ checklist, snapshots: judged, complete: true });
    expect(decision.status).toBe('BLOCKED');
    const said = reasons.map((r) => `${r.weight === 'optional' ? 'optional ' : ''}${r.checkId} (§${r.section}): ${r.sentence}`);
    expect([...said].sort()).toEqual([...decision.reasons].sort());
  });

  it('leads the incomplete ones with a collection that did not finish, about no check', () => {
    const reasons = reasonList({ checklist, snapshots: snapshots({ 'smoke-tests': 'fail', 'kpi-weekly': 'missing' }), complete: false });
    expect(reasons.map((r) => [r.weight, r.checkId])).toEqual([
      ['blocks', 'smoke-tests'],
      ['incomplete', null],
      ['incomplete', 'kpi-weekly'],
    ]);
    expect(reasons[1]!.sentence).toMatch(/did not finish/);
  });

  it('has none when every check passed', () => {
    expect(reasonList({ checklist, snapshots: snapshots({}), complete: true })).toEqual([]);
    expect(decide({ checklist, snapshots: snapshots({}), complete: true }).decision.status).toBe('APPROVED');
  });
});
