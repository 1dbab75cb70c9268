/**
 * A newcomer's path (issue 11): `init` in an alembic project the tool has never seen writes a
 * starter checklist wired to its head and to the view the deployment adds (columns read from a
 * development database); it validates, and collects against a fresh staging database without
 * edits, through real alembic, to an approved deployment whose report says nothing of the example.
 * The dependents the development database has are what the starter expects.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../../collectors/process/child-process.ts';
import { changeSummary } from '../../src/core/schema-diff/diff.ts';
import { runCli } from '../harness/cli.ts';
import { realServer, serverUrl, toolingProblem } from '../harness/databases.ts';
import { allText, readDeployment, tempEvidenceRoot } from '../harness/evidence.ts';
import { adminQuery } from '../harness/seed-database.ts';

const app = new URL('../fixtures/apps/invoices/', import.meta.url).pathname;

describe.skipIf(realServer() === null || toolingProblem !== null)('deploy-evidence init in a team\'s own alembic project', () => {
  const names = { dev: `dev_${randomBytes(4).toString('hex')}`, staging: `stg_${randomBytes(4).toString('hex')}`, staging2: `stg_${randomBytes(4).toString('hex')}` };
  beforeAll(async () => {
    for (const name of Object.values(names)) await adminQuery(serverUrl('postgres'), `CREATE DATABASE ${name}`);
    // The development database already has the migration: init reads the view's columns there.
    const upgraded = await runCaptured(['alembic', 'upgrade', 'head'], { cwd: app, env: { PATH: process.env.PATH ?? '', DATABASE_URL: serverUrl(names.dev) }, timeoutMs: 60_000 });
    expect(upgraded.exitCode, upgraded.all).toBe(0);
  });
  afterAll(async () => {
    for (const name of Object.values(names)) await adminQuery(serverUrl('postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('writes a starter that validates, and collects without edits to an approved deployment about this project only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'init-'));
    const file = join(dir, 'checklist.json');
    const init = await runCli(['init', '--app-dir', app, '--relation', 'public.invoice_summary', '--database-url', serverUrl(names.dev), '--out', file]);
    expect(init.exitCode, init.stderr).toBe(0);
    expect(init.stdout).toContain('alembic head a1b2c3d4e5f6, public.invoice_summary (3 columns)');
    const written = JSON.parse(await readFile(file, 'utf8')) as { id: string; checks: { id: string; kind: string; expect?: unknown }[] };
    expect(written.id).toBe('invoices');
    expect(written.checks.map((c) => c.id)).toEqual(['migration-history-before', 'schema-before', 'migration-upgrade', 'migration-current-after', 'schema-after', 'relation-columns', 'relation-rows', 'relation-dependents', 'rollback-preview']);
    expect(written.checks.find((c) => c.id === 'relation-columns')?.expect).toEqual({
      columns: [
        { name: 'customer', type: 'text', nullable: true },
        { name: 'invoices', type: 'bigint', nullable: true },
        { name: 'total', type: 'numeric', nullable: true },
      ],
    });
    expect((await runCli(['init', '--app-dir', app, '--out', file])).exitCode).toBe(2);

    const validate = await runCli(['checklist', 'validate', file]);
    expect(validate.exitCode, validate.stderr).toBe(0);

    const root = await tempEvidenceRoot();
    const collect = await runCli(['collect', '--checklist', file, '--env', 'staging', '--id', 'starter', '--app-dir', app, '--database-url', serverUrl(names.staging), '--evidence-dir', root, '--allow-mutating']);
    const { deployment, snapshots } = await readDeployment(join(root, 'starter'));
    const statuses = Object.fromEntries([...snapshots].map(([id, s]) => [id, s.status]));
    expect(statuses, JSON.stringify(deployment.decision.reasons)).toEqual({
      'migration-history-before': 'pass',
      // The environment's first deployment: no earlier snapshot to compare with, which is never green.
      'schema-before': 'warn',
      'migration-upgrade': 'pass',
      'migration-current-after': 'pass',
      'schema-after': 'pass',
      'relation-columns': 'pass',
      'relation-rows': 'pass',
      'relation-dependents': 'pass',
      'rollback-preview': 'pass',
    });
    expect(deployment.decision.status).toBe('APPROVED WITH NOTES');
    expect(deployment.decision.reasons).toEqual([expect.stringMatching(/^schema-before \(§1\): warn: no baseline: no earlier deployment in this environment/)]);
    expect(collect.exitCode, collect.stderr).toBe(0);
    // What the migration changed, object by object: the view it adds, the version table alembic creates.
    const after = snapshots.get('schema-after')!.result;
    const changed = after?.kind === 'schema' ? after.changes?.entries.map(changeSummary) : null;
    expect(changed).toEqual(expect.arrayContaining(['added view public.invoice_summary']));
    const rollback = snapshots.get('rollback-preview')!.result;
    expect(rollback?.kind === 'command' && rollback.stdout).toContain('DROP VIEW IF EXISTS invoice_summary');
    // Nothing of the example in what was written.
    expect(await allText(join(root, 'starter'))).not.toMatch(/attempt|seedtest|PR #73/);
  });

  it('expects the dependents the database has today: a table with a known dependent view passes instead of warning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'init-'));
    const file = join(dir, 'checklist.json');
    const init = await runCli(['init', '--app-dir', app, '--relation', 'public.invoice', '--database-url', serverUrl(names.dev), '--out', file]);
    expect(init.exitCode, init.stderr).toBe(0);
    const written = JSON.parse(await readFile(file, 'utf8')) as { checks: { id: string; assertions?: unknown[] }[] };
    expect(written.checks.find((c) => c.id === 'relation-dependents')?.assertions).toEqual([
      {
        type: 'dependents',
        dependents: [
          { type: 'table constraint', schema: 'public', name: 'invoice_pkey on public.invoice' },
          { type: 'view', schema: 'public', name: 'invoice_summary' },
        ],
        match: 'equals',
        severity: 'warn',
      },
    ]);
    const root = await tempEvidenceRoot();
    const collect = await runCli(['collect', '--checklist', file, '--env', 'staging', '--id', 'starter-table', '--app-dir', app, '--database-url', serverUrl(names.staging2), '--evidence-dir', root, '--allow-mutating']);
    const { deployment, snapshots } = await readDeployment(join(root, 'starter-table'));
    expect(snapshots.get('relation-dependents')?.status, JSON.stringify(snapshots.get('relation-dependents')?.assertions)).toBe('pass');
    expect(deployment.decision.reasons).toEqual([expect.stringMatching(/^schema-before \(§1\): warn: no baseline/)]);
    expect(collect.exitCode, collect.stderr).toBe(0);
  });
});
