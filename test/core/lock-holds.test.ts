/**
 * Turning lock samples into holds (issue 28): the bounds a sampled duration has, gaps, which
 * sessions are the migration's (its application_name, else the sessions that appeared during the
 * step, never the collector's own), waiters, a relation dropped during the step, and the
 * observations a lock assertion must never pass on.
 */
import { describe, expect, it } from 'vitest';
import { summarizeLocks, unjudgeableLocks, type LockSample, type LockSampleRow, type LockSummaryInput } from '../../src/core/locks/lock-holds.ts';

const row = (over: Partial<LockSampleRow>): LockSampleRow => ({ pid: 41, applicationName: 'step', backendStartMs: 1_000, relation: '16400', mode: 'AccessExclusiveLock', granted: true, blockedBy: null, query: '', ...over });
const input = (samples: LockSample[], over: Partial<LockSummaryInput> = {}): LockSummaryInput => ({
  samples,
  stepMs: 1_000,
  intervalMs: 100,
  applicationName: 'step',
  stepStartServerMs: 500,
  samplerPid: 7,
  excludeApplicationNames: ['deploy-evidence/0.1.0'],
  relationNames: new Map([['16400', { schema: 'public', name: 'invoice', relkind: 'r' }]]),
  ...over,
});
const at = (atMs: number, ...rows: LockSampleRow[]): LockSample => ({ atMs, rows });

describe('summarizeLocks', () => {
  it('bounds a hold by the samples that saw it and those around it; a failed sample widens the bounds, never splits the hold', () => {
    const locks = summarizeLocks(input([at(100, row({ relation: '' })), at(200, row({})), { atMs: 300, failed: 'canceling statement due to statement timeout' }, at(400, row({})), at(500, row({ relation: '' }))]));
    expect(locks.status).toBe('observed');
    expect(locks.relations).toEqual([
      expect.objectContaining({ schema: 'public', name: 'invoice', holds: [{ mode: 'AccessExclusiveLock', granted: true, pid: 41, firstSeenMs: 200, lastSeenMs: 400, samples: 2, minMs: 200, maxMs: 400 }] }),
    ]);
    expect(locks.samples).toEqual({ taken: 5, failed: 1, longestSpacingMs: 500 });
    expect(locks.gaps).toEqual([{ atMs: 300, message: 'canceling statement due to statement timeout' }]);
    expect(locks.note).toMatch(/1 of 5 samples failed/);
  });

  it('runs to the step\'s edges when no sample around a hold missed it, and splits a hold released between samples', () => {
    const locks = summarizeLocks(input([at(100, row({})), at(200, row({ relation: '' })), at(300, row({}))]));
    expect(locks.relations[0]!.holds.map((h) => [h.firstSeenMs, h.minMs, h.maxMs])).toEqual([[100, 0, 200], [300, 0, 800]]);
  });

  it('takes the sessions with the application_name; without one, the sessions that began during the step, never the collector\'s or the sampler\'s', () => {
    const other = row({ pid: 55, applicationName: 'psql', relation: '16400', mode: 'RowExclusiveLock' });
    const collector = row({ pid: 9, applicationName: 'deploy-evidence/0.1.0', backendStartMs: 900 });
    const sampler = row({ pid: 7, applicationName: 'deploy-evidence lock sampler', backendStartMs: 900 });
    const named = summarizeLocks(input([at(100, row({}), other, collector, sampler)]));
    expect(named.matchedBy).toBe('application-name');
    expect(named.backends.map((b) => b.pid)).toEqual([41]);
    // pg8000 ignores PGAPPNAME: the session shows as "" and began after the step started (server clock 500).
    const unnamed = summarizeLocks(input([at(100, row({ applicationName: '' }), { ...other, backendStartMs: 100 }, collector, sampler)]));
    expect(unnamed.matchedBy).toBe('new-sessions');
    expect(unnamed.backends.map((b) => b.pid)).toEqual([41]);
    expect(unnamed.note).toMatch(/no session carried the application_name step/);
  });

  it('records a session waiting behind the migration, with the query it waited in; a session waiting behind someone else is not its waiter', () => {
    const waiter = row({ pid: 60, applicationName: 'report', backendStartMs: 0, mode: 'AccessShareLock', granted: false, blockedBy: [41], query: 'SELECT count(*) FROM invoice' });
    const elsewhere = row({ pid: 61, applicationName: 'batch', backendStartMs: 0, mode: 'RowExclusiveLock', granted: false, blockedBy: [99] });
    const locks = summarizeLocks(input([at(100, row({}), waiter, elsewhere), at(200, row({}), waiter)]));
    expect(locks.relations[0]!.waiters).toEqual([{ pid: 60, applicationName: 'report', query: 'SELECT count(*) FROM invoice', mode: 'AccessShareLock', firstSeenMs: 100, lastSeenMs: 200, samples: 2, blockedBy: [41] }]);
    expect(locks.blockedBySampler).toBe(0);
    const behindSampler = summarizeLocks(input([at(100, row({ granted: false, blockedBy: [7] }))]));
    expect(behindSampler.blockedBySampler).toBe(1);
    expect(behindSampler.note).toMatch(/waited behind the sampler/);
  });

  it('names a relation dropped during the step as such, and lists it last', () => {
    const locks = summarizeLocks(input([at(100, row({ relation: '16999' }), row({}))]));
    expect(locks.relations.map((r) => [r.oid, r.name])).toEqual([['16400', 'invoice'], ['16999', null]]);
  });

  it('never judges on nothing: every sample failed, no session of the step seen, no observation at all', () => {
    const failed = summarizeLocks(input([{ atMs: 100, failed: 'connection lost' }]));
    expect(failed.status).toBe('failed');
    expect(unjudgeableLocks(failed)).toMatch(/failed: every sample failed \(connection lost\)/);
    const none = summarizeLocks(input([at(100, row({ pid: 55, applicationName: 'psql', backendStartMs: 0 }))]));
    expect(none.status).toBe('no-backends');
    expect(unjudgeableLocks(none)).toMatch(/saw no session of the migration/);
    expect(unjudgeableLocks(summarizeLocks(input([])))).toMatch(/the step ended before the first one/);
    expect(unjudgeableLocks(undefined)).toMatch(/no lock observation/);
  });
});

describe('observeLocks in a checklist', () => {
  it('is only for a mutating step, at 10 to 1000 ms', async () => {
    const { checklistSchema } = await import('../../src/format/index.ts');
    const list = (check: Record<string, unknown>) => ({ id: 'l', version: '1.0.0', title: 'l', sections: [{ number: '1', title: 's' }], checks: [{ id: 'up', kind: 'command', section: '1', title: 'up', argv: ['alembic', 'upgrade', 'head'], ...check }] });
    expect(checklistSchema.parse(list({ mutating: true, observeLocks: {} })).checks[0]).toMatchObject({ observeLocks: { intervalMs: 50 } });
    expect(checklistSchema.safeParse(list({ observeLocks: {} })).error?.issues.map((i) => i.message)).toEqual(['observeLocks is only for a mutating step (`mutating: true`)']);
    expect(checklistSchema.safeParse(list({ mutating: true, observeLocks: { intervalMs: 5 } })).success).toBe(false);
  });
});
