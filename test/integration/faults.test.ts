/**
 * Bad input and faults against a real PostgreSQL server: nothing an error touches turns
 * green, the other checks still run, and the database is unchanged.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChecklist } from '../../collectors/checklists/load-checklist.ts';
import { collect, type CollectResult } from '../../collectors/collect.ts';
import { cloneRealDatabase, realServer, type TestDatabase } from '../harness/databases.ts';
import { tempEvidenceRoot } from '../harness/evidence.ts';

const faultsChecklist = new URL('../fixtures/checklists/faults.json', import.meta.url).pathname;

describe.skipIf(realServer() === null)('faults on a real server', () => {
  let db: TestDatabase;
  let result: CollectResult;
  const snapshot = (id: string) => result.snapshots.find((s) => s.id === id)!;

  beforeAll(async () => {
    db = await cloneRealDatabase();
    await db.admin('CREATE SEQUENCE evil_seq');
    for (const file of ['/tmp/deploy-evidence-pwned', '/tmp/deploy-evidence-pwned.csv']) await rm(file, { force: true });
    result = await collect({
      checklist: await loadChecklist(faultsChecklist),
      environment: 'staging',
      evidenceRoot: await tempEvidenceRoot(),
      target: db.target,
      appDir: '.',
    });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('records a failing query as error with its SQLSTATE and message, and runs the other checks', () => {
    expect(snapshot('missing-table')).toMatchObject({
      status: 'error',
      error: { kind: 'sql', code: '42P01', message: 'relation "no_such_table" does not exist' },
      result: null,
    });
    expect(snapshot('control').status).toBe('pass');
  });

  it('records a statement over its timeout as error (timeout), never pass', () => {
    expect(snapshot('slow-query')).toMatchObject({ status: 'error', error: { kind: 'timeout', code: '57014' } });
    expect(snapshot('slow-query').durationMs).toBeLessThan(2_500);
    // The performance check's template says a timeout is a failure, not merely incomplete.
    expect(snapshot('explain-slow')).toMatchObject({ status: 'fail', error: { kind: 'timeout', code: '57014' } });
  });

  it('refuses writes: INSERT and CREATE before sending (one SELECT only), nextval from the catalog (VOLATILE) before sending; the database is unchanged', async () => {
    expect(snapshot('write-insert')).toMatchObject({ status: 'error', session: null, error: { kind: 'refused', message: 'not sent: a sql check runs only a SELECT, this is InsertStmt' } });
    expect(snapshot('write-create')).toMatchObject({ status: 'error', session: null, error: { kind: 'refused', message: 'not sent: a sql check runs only a SELECT, this is CreateStmt' } });
    expect(snapshot('write-nextval')).toMatchObject({ status: 'error', result: null, error: { kind: 'refused', code: null } });
    expect(snapshot('write-nextval').error?.message).toBe("not sent: the SELECT calls pg_catalog.nextval(), which PostgreSQL marks VOLATILE (it may change something beyond its result); if it only reads, name it in the check's allowFunctions");
    expect((await db.admin('SELECT count(*)::int AS n FROM items WHERE id = 99999')).rows[0]?.n).toBe(0);
    expect((await db.admin("SELECT to_regclass('evil') AS t, to_regclass('evil2') AS t2")).rows[0]).toEqual({ t: null, t2: null });
    expect((await db.admin('SELECT is_called FROM evil_seq')).rows[0]?.is_called).toBe(false);
  });

  it('refuses a second statement smuggled after a semicolon', () => {
    expect(snapshot('smuggled-write')).toMatchObject({ status: 'error', error: { kind: 'refused', message: 'not sent: a sql check takes exactly one statement, found 2' } });
  });

  it('refuses, as a superuser, what READ ONLY does not stop: server files, programs, replication slots, stats resets, set_config', async () => {
    expect(result.deployment.target.privileges).toEqual({ superuser: true, roles: expect.any(Array) });
    for (const [id, message] of [
      ['copy-to-program', /this is CopyStmt/],
      ['copy-to-file', /this is CopyStmt/],
      ['replication-slot', /pg_create_physical_replication_slot\(\), which acts outside a read-only transaction/],
      ['stats-reset', /pg_stat_reset\(\)/],
      ['read-write-again', /set_config\(\)/],
    ] as const) {
      expect(snapshot(id), id).toMatchObject({ status: 'error', session: null, error: { kind: 'refused' } });
      expect(snapshot(id).error?.message).toMatch(message);
    }
    expect((await db.admin("SELECT count(*)::int AS n FROM pg_replication_slots WHERE slot_name = 'evil_slot'")).rows[0]?.n).toBe(0);
    expect((await db.admin("SELECT pg_stat_file('/tmp/deploy-evidence-pwned', true) AS f, pg_stat_file('/tmp/deploy-evidence-pwned.csv', true) AS g")).rows[0]).toEqual({ f: null, g: null });
  });

  it('refuses EXPLAIN ANALYZE of anything but one SELECT before sending it', async () => {
    expect(snapshot('explain-delete')).toMatchObject({ status: 'error', session: null, error: { kind: 'refused' } });
    expect(snapshot('explain-delete').error?.message).toMatch(/only a SELECT, this is DeleteStmt/);
    expect(Number((await db.admin('SELECT count(*) AS n FROM exam_responses')).rows[0]?.n)).toBeGreaterThan(0);
  });

  it('decides INCOMPLETE or BLOCKED, never APPROVED', () => {
    expect(['BLOCKED', 'INCOMPLETE']).toContain(result.deployment.decision.status);
    // explain-slow failed (its errorVerdict), so this one is BLOCKED.
    expect(result.deployment.decision.status).toBe('BLOCKED');
  });
});

describe.skipIf(realServer() === null)('a lost connection', () => {
  it('marks the running check error, keeps what was collected, and reconnects for the next check', async () => {
    const db = await cloneRealDatabase();
    try {
      const checklist = await loadChecklist(faultsChecklist);
      const killed = { ...checklist, checks: [{ ...checklist.checks.find((c) => c.id === 'control')!, id: 'before' }, { ...checklist.checks.find((c) => c.id === 'slow-query')!, statementTimeoutMs: 30_000 }, checklist.checks.find((c) => c.id === 'control')!] };
      const terminator = (async () => {
        // Wait until the slow query is running, then end its backend from outside.
        for (let i = 0; i < 100; i += 1) {
          const r = await db.admin("SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(3)%' AND application_name LIKE 'deploy-evidence/%'");
          if (r.rows.length > 0) return;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      const result = await collect({ checklist: killed, environment: 'staging', evidenceRoot: await tempEvidenceRoot(), target: db.target, appDir: '.' });
      await terminator;
      const byId = Object.fromEntries(result.snapshots.map((s) => [s.id, s]));
      expect(byId.before?.status).toBe('pass');
      expect(byId['slow-query']).toMatchObject({ status: 'error', error: { kind: 'connection' } });
      expect(byId.control?.status).toBe('pass');
      expect(result.deployment.decision.status).toBe('INCOMPLETE');
    } finally {
      await db.drop();
    }
  });
});
