/**
 * The real toolchain failing: a migration that breaks half-way, smoke tests that fail or are
 * missing, a wrong working directory. Real alembic and pytest against a real server.
 */
import { describe, expect, it } from 'vitest';
import { attemptViewLock } from '../../collectors/checklists/attempt-view-lock.ts';
import { collect } from '../../collectors/collect.ts';
import { cloneRealDatabase, realServer, toolingProblem } from '../harness/databases.ts';
import { tempEvidenceRoot } from '../harness/evidence.ts';

const apps = new URL('../fixtures/apps/', import.meta.url).pathname;
const runnable = realServer() !== null && toolingProblem === null;

async function collectWithApp(appDir: string, stage: 'base' | 'upgraded') {
  const db = await cloneRealDatabase(stage);
  try {
    const result = await collect({ checklist: attemptViewLock, environment: 'staging', evidenceRoot: await tempEvidenceRoot(), target: db.target, appDir, allowMutating: { by: 'test', via: 'the test suite' } });
    return { result, db, byId: new Map(result.snapshots.map((s) => [s.id, s])) };
  } catch (error) {
    await db.drop();
    throw error;
  }
}

describe.skipIf(!runnable)('the real toolchain failing', () => {
  it('a migration that fails half-way: the upgrade fails with alembic\'s error, later checks still record what they see, BLOCKED', async () => {
    const { result, db, byId } = await collectWithApp(`${apps}broken-migration`, 'base');
    try {
      const upgrade = byId.get('alembic-upgrade')!;
      expect(upgrade.status).toBe('fail');
      expect(upgrade.result?.kind === 'command' && upgrade.result.exitCode).not.toBe(0);
      const parsed = upgrade.result?.kind === 'command' ? upgrade.result.parsed : null;
      expect(parsed).toMatchObject({ kind: 'alembic-upgrade', migrations: [{ to: '20251101_0900_attempt_view_lock' }], reached: '20251101_0900_attempt_view_lock' });
      expect(parsed?.kind === 'alembic-upgrade' && parsed.errors.join('\n')).toMatch(/UndefinedColumn|question_idd/);
      // The checks after it ran and say what they found: still at the base revision, no view.
      expect(byId.get('alembic-upgrade-verified')).toMatchObject({ status: 'fail' });
      expect(byId.get('alembic-upgrade-verified')?.assertions.map((a) => a.actual)).toEqual(['20251020_1200_base_tables', false]);
      expect(byId.get('view-columns')?.assertions[0]).toMatchObject({ id: 'relation-exists', actual: 'missing', status: 'fail' });
      expect(byId.get('row-count')).toMatchObject({ status: 'error', error: { code: '42P01' } });
      expect(result.snapshots).toHaveLength(attemptViewLock.checks.length);
      expect(result.deployment.decision.status).toBe('BLOCKED');
      // PostgreSQL's transactional DDL rolled the half-done migration back.
      expect((await db.admin("SELECT to_regclass('attempt_staging') AS t")).rows[0]?.t).toBeNull();
    } finally {
      await db.drop();
    }
  });

  it('a failing smoke test and a missing one each show by name; BLOCKED', async () => {
    const { result, db, byId } = await collectWithApp(`${apps}smoke-failing`, 'base');
    try {
      const smoke = byId.get('smoke-tests')!;
      expect(smoke.status).toBe('fail');
      const named = smoke.assertions.find((a) => a.type === 'tests-passed')!;
      expect(named.status).toBe('fail');
      expect(named.actual).toEqual({
        test_attempt_view_columns_exist: 'PASSED',
        test_attempt_view_select_minimal: 'PASSED',
        test_attempt_view_types: 'FAILED',
        test_attempt_view_student_id_determinism: 'PASSED',
        test_attempt_view_no_nulls_in_required_fields: 'not run',
      });
      const parsed = smoke.result?.kind === 'command' ? smoke.result.parsed : null;
      expect(parsed?.kind === 'pytest' && parsed.tests.find((t) => t.name === 'test_attempt_view_types')).toMatchObject({ outcome: 'failed', message: expect.stringContaining('response_time_ms must be a float here') });
      expect(result.deployment.decision.status).toBe('BLOCKED');
      expect(result.deployment.criteria.find((c) => c.id === 'smoke-tests-pass')?.status).toBe('fail');
    } finally {
      await db.drop();
    }
  });

  it('a wrong application directory: every command check is an error with the reason, never a pass', async () => {
    const { result, db, byId } = await collectWithApp(`${apps}no-such-app`, 'upgraded');
    try {
      for (const id of ['alembic-history-before', 'alembic-upgrade', 'alembic-history-after', 'smoke-tests']) {
        expect(byId.get(id), id).toMatchObject({ status: 'error', error: { kind: 'spawn', message: expect.stringContaining('working directory does not exist') } });
      }
      expect(byId.get('rollback-sql')?.status).toBe('skipped');
      expect(byId.get('rollback-sql')?.skipReason).toBe('parameter alembicHead not set: alembic-history-after, which reads it, did not produce it');
      expect(result.deployment.decision.status).toBe('INCOMPLETE');
    } finally {
      await db.drop();
    }
  });
});
