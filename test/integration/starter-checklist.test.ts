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
  const names = { dev: `dev_${randomBytes(4).toString('hex')}`, staging: `stg_${randomBytes(4).toString('hex')}`, staging2: `stg_${randomBytes(4).toString('hex')}`, staging3: `stg_${randomBytes(4).toString('hex')}` };
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
    expect(written.checks.map((c) => c.id)).toEqual(['migration-history-before', 'schema-before', 'migration-current-before', 'migration-forward-sql', 'migration-upgrade', 'migration-current-after', 'schema-after', 'relation-columns', 'relation-rows', 'relation-dependents', 'rollback-preview']);
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
      'migration-current-before': 'pass',
      // The fixture's migration takes no strong lock on an existing table (it creates a table and a view).
      'migration-forward-sql': 'pass',
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

  it('init → collect --allow-mutating: the report and the PR Markdown show what the migration changed, what it locked, the forward SQL, and drift on the next deployment (issue 28)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'init-'));
    const file = join(dir, 'checklist.json');
    expect((await runCli(['init', '--app-dir', app, '--out', file])).exitCode).toBe(0);
    const root = await tempEvidenceRoot();
    const collectOnce = async (id: string) => {
      const run = await runCli(['collect', '--checklist', file, '--env', 'staging', '--id', id, '--app-dir', app, '--database-url', serverUrl(names.staging3), '--evidence-dir', root, '--allow-mutating']);
      expect(run.exitCode, run.stderr).toBe(0);
      return readDeployment(join(root, id));
    };
    const first = await collectOnce('first');
    const forward = first.snapshots.get('migration-forward-sql')!;
    expect(forward.source.argv).toEqual(['alembic', 'upgrade', 'base:head', '--sql']);
    const upgrade = first.snapshots.get('migration-upgrade')!;
    expect(upgrade.result?.kind === 'command' && upgrade.result.locks?.stepMs).toBeGreaterThan(0);

    const markdown = await runCli(['export', 'first', '--format', 'markdown', '--evidence-dir', root]);
    expect(markdown.exitCode, markdown.stderr).toBe(0);
    expect(markdown.stdout).toMatch(/### Forward SQL: \[migration-forward-sql: [^\n]*\n[\s\S]*```sql\n[\s\S]*CREATE TABLE invoice/);
    expect(markdown.stdout).toMatch(/### Schema changes: \[schema-after: [^\n]*\n[\s\S]*view public\.invoice\\_summary/);
    // The fixture's transaction lasts milliseconds, so which of the three the samples give depends on timing: a table of
    // the locks they saw, "none seen" with what could be missed, or no matched session and the step's duration as the bound.
    const sampled = String.raw`Sampled every 50 ms \(\d+ samples over \d+ ms(, \d+ failed)?\); a lock held under \d+ ms may be unseen\.`;
    const lockForms = [
      String.raw`\| Relation \| Strongest mode \| Longest hold \| Waiters \|\n(\|[^\n]*\n)+\n${sampled}`,
      String.raw`No relation lock of the step was seen\. ${sampled}`,
      String.raw`_No locks to show: [^\n]*\._ The whole step took \d+ ms: none of its locks was held longer\.`,
    ];
    expect(markdown.stdout).toMatch(new RegExp(String.raw`### Locks taken: \[migration-upgrade: [^\n]*\n\n(${lockForms.join('|')})\n`));
    expect(upgrade.assertions.find((a) => a.type === 'max-lock-hold')?.status).toBe('pass');
    expect(markdown.stdout).toContain('no baseline');

    // Someone changes the schema by hand between two deployments: the next one names it.
    await adminQuery(serverUrl(names.staging3), 'ALTER TABLE invoice ADD COLUMN note text');
    const second = await collectOnce('second');
    expect(second.deployment.decision.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^schema-before \(§1\): warn: the schema drifted since first \(schema-after\): 1 object changed outside the recorded deployments — changed table public\.invoice: column note added \(text\)/)]));
    const secondMarkdown = await runCli(['export', 'second', '--format', 'markdown', '--evidence-dir', root]);
    expect(secondMarkdown.stdout).toMatch(/### Schema drift: \[schema-before: [^\n]*\n[\s\S]*public\.invoice/);

    // The report page says the same, rendered.
    const out = join(await mkdtemp(join(tmpdir(), 'starter-site-')), 'site');
    const build = await runCli(['build', '--evidence-dir', root, '--out-dir', out]);
    expect(build.exitCode, build.stderr).toBe(0);
    const report = await readFile(join(out, 'deployments', 'first', 'index.html'), 'utf8');
    // The forward SQL highlighted, the change report naming the view, the locks section of the upgrade.
    for (const text of ['aria-label="SQL preview of migration-forward-sql"', 'view public.invoice_summary', '<h3>Locks taken</h3>']) expect(report, text).toContain(text);
    const drifted = await readFile(join(out, 'deployments', 'second', 'index.html'), 'utf8');
    expect(drifted).toMatch(/drifted since[\s\S]*column note added/);
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
