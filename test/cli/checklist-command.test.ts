/** `deploy-evidence checklist validate|show`: no database, every problem in one run, the checklist in words. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.ts';

const fixtures = new URL('../fixtures/checklists/', import.meta.url).pathname;

describe('deploy-evidence checklist', () => {
  it('validate reports problems of different kinds in one run, each with its path, and exits 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'checklist-'));
    const file = join(dir, 'mine.json');
    await writeFile(
      file,
      JSON.stringify({
        id: 'mine',
        version: '1',
        title: 'Mine',
        sections: [{ number: '1', title: 'Data' }],
        checks: [
          { id: 'rows', kind: 'sql', section: '1', title: 'Rows', sql: 'SELECT 1', assertions: [{ type: 'exit-code' }] },
          { id: 'rows', kind: 'sql', section: '2', sql: 'SELECT 2' },
          { id: 'run', kind: 'command', section: '1', title: 'Run', argv: ['echo', '{{who}}'] },
        ],
        signoff: ['deployed-by', { id: 'deployed-by', label: 'Deployed by' }, 'Approved By'],
      }),
    );
    const run = await runCli(['checklist', 'validate', file]);
    expect(run.exitCode).toBe(2);
    for (const line of [
      'version: must be a semantic version like 1.0.0',
      'checks.0.assertions.0.type: "exit-code" does not apply to a sql check',
      'checks.1.title: Required',
      'checks.1.id: duplicate check id "rows"',
      'checks.1.section: unknown section "2"',
      'checks.2: unknown parameter "who"',
      'signoff.1: duplicate sign-off role "deployed-by"',
      'signoff.2: must be a lowercase slug',
    ]) {
      expect(run.stderr).toContain(line);
    }
    // In one run, before anything about collecting.
    expect(run.stderr).not.toMatch(/collect/i);
  });

  it('validate refuses a command given PGHOSTADDR, PGSERVICE or PGSERVICEFILE, which libpq reads and the collector does not', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'checklist-'));
    const file = join(dir, 'libpq.json');
    await writeFile(
      file,
      JSON.stringify({
        id: 'libpq',
        version: '1.0.0',
        title: 'Libpq',
        sections: [{ number: '1', title: 'Migration' }],
        checks: [
          { id: 'migrate', kind: 'command', section: '1', title: 'Migrate', argv: ['alembic', 'upgrade', 'head'], env: ['PGSERVICE', { name: 'PGHOSTADDR', public: true }] },
          { id: 'rehearse', kind: 'round-trip', section: '1', title: 'Rehearse', upgrade: ['alembic', 'upgrade', 'head'], downgrade: ['alembic', 'downgrade', '-1'], env: ['PGUSER', 'PGSERVICEFILE'] },
          { id: 'tests', kind: 'command', section: '1', title: 'Tests', argv: ['pytest'], env: ['PGHOST', 'PGDATABASE', { name: 'PGAPPNAME', public: true }] },
        ],
        signoff: ['deployed-by'],
      }),
    );
    const run = await runCli(['checklist', 'validate', file]);
    expect(run.exitCode, run.stderr).toBe(2);
    for (const line of [
      'checks.0.env.0: PGSERVICE is read by libpq (alembic, psql, pytest) and not by the collector (node-postgres)',
      'checks.0.env.1: PGHOSTADDR is read by libpq',
      'checks.1.env.1: PGSERVICEFILE is read by libpq',
    ]) {
      expect(run.stderr).toContain(line);
    }
    // Variables node-pg reads as libpq does pass.
    expect(run.stderr).not.toMatch(/checks\.(?:1\.env\.0|2\.env)/);
  });

  it('validate refuses a sign-off policy that names a role the checklist does not declare (a misspelt role would enforce nothing)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'checklist-'));
    const file = join(dir, 'policy.json');
    await writeFile(
      file,
      JSON.stringify({
        id: 'policy',
        version: '1.0.0',
        title: 'Policy',
        sections: [{ number: '1', title: 'Data' }],
        checks: [{ id: 'rows', kind: 'sql', section: '1', title: 'Rows', sql: 'SELECT 1' }],
        signoff: ['deployed-by', 'approved-for-production'],
        signoffPolicy: { distinct: [['deployed-by', 'ceo', 'deployed-by'], ['approved-for-production']], notByCollector: ['cfo'] },
      }),
    );
    const run = await runCli(['checklist', 'validate', file]);
    expect(run.exitCode).toBe(2);
    for (const line of [
      'signoffPolicy.distinct.0.1: unknown sign-off role "ceo" (the checklist\'s `signoff` declares: deployed-by, approved-for-production)',
      'signoffPolicy.distinct.0.2: "deployed-by" is in this group twice',
      'signoffPolicy.distinct.1: Array must contain at least 2 element(s)',
      'signoffPolicy.notByCollector.0: unknown sign-off role "cfo"',
    ]) {
      expect(run.stderr).toContain(line);
    }
    // A valid one, in words.
    const good = join(dir, 'good.json');
    const checklist = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(good, JSON.stringify({ ...checklist, signoff: [...checklist.signoff, 'validated-by'], signoffPolicy: { distinct: [['deployed-by', 'approved-for-production']], notByCollector: ['approved-for-production'] } }));
    const shown = await runCli(['checklist', 'show', good]);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('Sign-off policy: Deployed by, Approved for production each by a different person; not by the person who ran the collection: Approved for production');
  });

  it('show prints sections, checks, what each runs and asserts, and which are mutating', async () => {
    const run = await runCli(['checklist', 'show', join(fixtures, 'invoices.json')]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^invoices 1\.0\.0 — Invoice summary view$/m);
    expect(run.stdout).toMatch(/^§1 Migration$/m);
    expect(run.stdout).toMatch(/^ {2}upgrade — alembic upgrade head \[command, required, MUTATING: runs only with --allow-mutating\]$/m);
    expect(run.stdout).toContain('✓ migration a1b2c3d4e5f6 ran');
    expect(run.stdout).toContain('✓ no NULL in customer, total');
    expect(run.stdout).not.toMatch(/attempt|seedtest/);
    expect(run.stdout).not.toContain('Sign-off roles');
    // The roles a checklist declares, and the dependents it expects.
    const billing = await runCli(['checklist', 'show', new URL('../../examples/checklists/billing.json', import.meta.url).pathname]);
    expect(billing.exitCode, billing.stderr).toBe(0);
    expect(billing.stdout).toMatch(/^Sign-off roles:\n {2}deployed-by: Deployed by\n {2}billing-owner: Billing owner\nSign-off policy: every role by a different person$/m);
    expect(billing.stdout).toContain('✓ the dependents of the relation include: view public.invoice_totals');
  });

  it('collect takes only the attestations and parameters the checklist declares, and says so before a word about collecting', async () => {
    const base = ['collect', '--checklist', join(fixtures, 'invoices.json'), '--env', 'staging', '--database-url', 'postgresql://nobody@127.0.0.1:9/none'];
    const attest = await runCli([...base, '--attest', 'ci-green']);
    expect(attest.exitCode).toBe(2);
    expect(attest.stderr).toContain('unknown attestation "ci-green" for checklist invoices (it takes: none)');
    expect(attest.stderr).not.toMatch(/collecting/);
    const param = await runCli([...base, '--param', 'sampleStudentId=1']);
    expect(param.exitCode).toBe(2);
    expect(param.stderr).toMatch(/unknown parameter "sampleStudentId" for checklist invoices/);
    expect(param.stderr).not.toMatch(/collecting/);
    const help = await runCli(['collect', '--help']);
    expect(help.stdout).toMatch(/--attest <id> +an attestation the checklist declares/);
  });
});
