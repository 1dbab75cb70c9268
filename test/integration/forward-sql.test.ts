/**
 * The forward SQL through real alembic on a real server (issue 28 point 5): `alembic current`
 * before the upgrade gives the start of the range — the revision the database is at, or `base` on a
 * database with none — and `alembic upgrade <current>:head --sql` is recorded before the upgrade
 * runs, with exactly the steps the upgrade then takes, and judged by `lock-timeout-set`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { collect } from '../../collectors/collect.ts';
import { resolveConnection } from '../../collectors/db/connection.ts';
import { checklistSchema, type ChecklistInput } from '../../src/format/index.ts';
import { changeRequest } from '../../src/core/export/change-request.ts';
import { realServer, serverUrl, toolingProblem } from '../harness/databases.ts';
import { readDeployment, tempEvidenceRoot } from '../harness/evidence.ts';
import { adminQuery } from '../harness/seed-database.ts';

const examples = new URL('../../examples/', import.meta.url).pathname;
const app = join(examples, 'billing');
const { $schema: _, ...billing } = JSON.parse(await readFile(join(examples, 'checklists', 'billing.json'), 'utf8')) as ChecklistInput & { $schema: string };
const KEPT = ['current-before', 'forward-sql', 'upgrade', 'current-after'];
const checklist = checklistSchema.parse({
  ...billing,
  checks: billing.checks.filter((c) => KEPT.includes(c.id)),
  criteria: [{ id: 'migrated', label: 'Migrated', checks: KEPT }],
  attestations: [],
});

describe.skipIf(realServer() === null || toolingProblem !== null)('the forward SQL with real alembic', () => {
  const databases: string[] = [];
  afterAll(async () => {
    for (const name of databases) await adminQuery(serverUrl('postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  async function collectOn(prepare: (url: string) => Promise<void>) {
    const name = `fwd_${randomBytes(4).toString('hex')}`;
    databases.push(name);
    await adminQuery(serverUrl('postgres'), `CREATE DATABASE ${name}`);
    const url = serverUrl(name);
    await prepare(url);
    const root = await tempEvidenceRoot();
    await collect({ checklist, environment: 'staging', deploymentId: 'forward', evidenceRoot: root, target: resolveConnection({ databaseUrl: url }), appDir: app, params: {}, allowMutating: { by: 'test', via: 'test' } });
    return readDeployment(join(root, 'forward'));
  }

  const alembic = (url: string, ...args: string[]) => promisify(execFile)('alembic', args, { cwd: app, env: { PATH: process.env.PATH, DATABASE_URL: url } });

  it('from a revision: the range starts at it, is recorded before the upgrade, and holds the steps the upgrade took', async () => {
    const { deployment, snapshots } = await collectOn(async (url) => void (await alembic(url, 'upgrade', '0001_customers_and_invoices')));
    const forward = snapshots.get('forward-sql')!;
    const upgrade = snapshots.get('upgrade')!;
    expect(forward.source.argv).toEqual(['alembic', 'upgrade', '0001_customers_and_invoices:head', '--sql']);
    expect(forward.status).toBe('pass');
    expect(forward.finishedAt <= upgrade.startedAt).toBe(true);
    const preview = forward.result?.kind === 'command' ? forward.result.parsed : null;
    const ran = upgrade.result?.kind === 'command' ? upgrade.result.parsed : null;
    expect(preview?.kind).toBe('alembic-sql');
    expect(ran?.kind).toBe('alembic-upgrade');
    const steps = (p: typeof preview) => (p && 'migrations' in p ? p.migrations.map((m) => `${m.direction} ${m.from} -> ${m.to}`) : null);
    expect(steps(preview)).toEqual(['upgrade 0001_customers_and_invoices -> 0002_invoice_totals']);
    expect(steps(preview)).toEqual(steps(ran));
    // The script starts from that revision: it neither creates the version table nor the tables of 0001.
    const sql = preview?.kind === 'alembic-sql' ? preview.sql : '';
    expect(sql).toContain('CREATE VIEW invoice_totals');
    expect(sql).not.toContain('CREATE TABLE');
    expect(forward.assertions.find((a) => a.type === 'lock-timeout-set')?.status).toBe('pass');
    // The change request shows it as the forward SQL, not as rollback SQL.
    const cr = changeRequest({ deployment, snapshots, digest: null, where: { site: null, base: '/' }, fileDigests: new Map() } as never);
    expect(cr).toContain('### Forward SQL: [forward-sql');
    expect(cr).toContain('CREATE VIEW invoice_totals');
    expect(cr).not.toContain('The rollback SQL, as previewed');
  });

  it('from a database with no revision yet: the range starts at base, with every migration, and the version table alembic will create', async () => {
    const { snapshots } = await collectOn(async () => {});
    const current = snapshots.get('current-before')!;
    expect(current.status).toBe('pass');
    expect(current.result?.kind === 'command' ? current.result.stdout.trim() : null).toBe('');
    const forward = snapshots.get('forward-sql')!;
    expect(forward.source.argv).toEqual(['alembic', 'upgrade', 'base:head', '--sql']);
    expect(forward.status).toBe('pass');
    const preview = forward.result?.kind === 'command' ? forward.result.parsed : null;
    expect(preview?.kind === 'alembic-sql' ? preview.migrations.map((m) => m.to) : null).toEqual(['0001_customers_and_invoices', '0002_invoice_totals']);
    expect(preview?.kind === 'alembic-sql' ? preview.sql : '').toContain('CREATE TABLE alembic_version');
    // 0001's CREATE TABLE invoice … REFERENCES customer is the first strong lock; env.py's SET LOCAL comes before it.
    const judged = forward.assertions.find((a) => a.type === 'lock-timeout-set');
    expect(judged?.status).toBe('pass');
    expect(judged?.actual).toEqual({ lockTimeout: "line 3: SET LOCAL lock_timeout = '5s'", strongLock: expect.stringMatching(/^CREATE TABLE … REFERENCES \(locks the referenced table\) at line \d+: CREATE TABLE invoice/) });
  });

  it('a database alembic cannot read: nothing is captured, and the forward SQL is skipped saying why, never run from base', async () => {
    const { snapshots } = await collectOn(async (url) => {
      // A version table alembic cannot read as one revision: two heads it does not know.
      await adminQuery(url, "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('unknown_a'), ('unknown_b')");
    });
    const forward = snapshots.get('forward-sql')!;
    expect(forward.status).toBe('skipped');
    expect(forward.skipReason).toBe('parameter current not set: current-before, which reads it, did not produce it');
  });
});
