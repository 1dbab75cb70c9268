/**
 * Asking for evidence never migrates a database (issue 9). A team's own alembic project with
 * one pending migration: `collect` without the opt-in leaves the database exactly as it was
 * (tables, views, alembic_version) and records the migration step as skipped; with
 * `--allow-mutating` (or the config file) it runs, the evidence says who allowed it, and
 * `migration-ran` is judged from the database, since this project's alembic prints nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.ts';
import { realServer, serverUrl, toolingProblem } from '../harness/databases.ts';
import { readDeployment, tempEvidenceRoot } from '../harness/evidence.ts';
import { adminQuery } from '../harness/seed-database.ts';

const app = new URL('../fixtures/apps/invoices/', import.meta.url).pathname;
const checklist = new URL('../fixtures/checklists/invoices.json', import.meta.url).pathname;

/** Everything a migration could change, as one comparable value. */
async function catalog(url: string): Promise<unknown> {
  const relations = await adminQuery(url, "SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname) AS r FROM pg_class WHERE relnamespace = 'public'::regnamespace");
  const version = await adminQuery(url, "SELECT to_regclass('public.alembic_version') IS NOT NULL AS has").then(async (r) =>
    r.rows[0]?.has ? (await adminQuery(url, 'SELECT string_agg(version_num, \',\') AS v FROM alembic_version')).rows[0]?.v : 'no alembic_version table',
  );
  return { relations: relations.rows[0]?.r ?? null, version };
}

describe.skipIf(realServer() === null)('a pending migration in a team\'s own alembic project', () => {
  let name: string;
  let url: string;
  beforeAll(async () => {
    name = `mut_${randomBytes(5).toString('hex')}`;
    await adminQuery(serverUrl('postgres'), `CREATE DATABASE ${name}`);
    url = serverUrl(name);
  });
  afterAll(async () => {
    await adminQuery(serverUrl('postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('is not run without the opt-in: the database is unchanged, the step skipped, the decision INCOMPLETE', async () => {
    const before = await catalog(url);
    const root = await tempEvidenceRoot();
    const run = await runCli(['collect', '--checklist', checklist, '--env', 'staging', '--id', 'no-opt-in', '--app-dir', app, '--evidence-dir', root, '--database-url', url, '--json']);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(await catalog(url)).toEqual(before);
    const { deployment, snapshots: checks } = await readDeployment(join(root, 'no-opt-in'));
    expect(checks.get('upgrade')).toMatchObject({ status: 'skipped', skipReason: expect.stringMatching(/^a mutating step \(it may change the database\) was not allowed for this run: pass --allow-mutating/) });
    expect(deployment.mutatingSteps).toEqual({ allowed: false, by: null, via: null });
    // No --by: the OS user ran it (format v3, issue 24).
    expect(deployment.collectedBy).toBe(userInfo().username);
    expect(deployment.decision.status).toBe('INCOMPLETE');
  });

  it.skipIf(toolingProblem !== null)('runs with --allow-mutating, records who allowed it, and judges migration-ran from the database', async () => {
    const root = await tempEvidenceRoot();
    const run = await runCli(['collect', '--checklist', checklist, '--env', 'staging', '--id', 'opted-in', '--allow-mutating', '--by', 'dba@example.com', '--app-dir', app, '--evidence-dir', root, '--database-url', url]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const { deployment, snapshots: checks } = await readDeployment(join(root, 'opted-in'));
    expect(deployment.mutatingSteps).toEqual({ allowed: true, by: 'dba@example.com', via: '--allow-mutating' });
    expect(deployment.collectedBy).toBe('dba@example.com');
    const upgrade = checks.get('upgrade')!;
    expect(upgrade.status).toBe('pass');
    const result = upgrade.result?.kind === 'command' ? upgrade.result : null;
    // This project's alembic printed nothing: the log alone would say "no migration ran".
    expect(result?.parsed).toMatchObject({ kind: 'alembic-upgrade', migrations: [] });
    expect(result?.databaseState).toEqual({ sql: 'SELECT version_num FROM alembic_version ORDER BY version_num', before: null, after: ['a1b2c3d4e5f6'] });
    expect(upgrade.assertions.find((a) => a.type === 'migration-ran')).toMatchObject({ status: 'pass', actual: 'database: (no version table) → a1b2c3d4e5f6; log: no migration reported' });
    expect(await catalog(url)).toEqual({ relations: 'alembic_version:r,alembic_version_pkc:i,invoice:r,invoice_pkey:i,invoice_summary:v', version: 'a1b2c3d4e5f6' });
  });

  it.skipIf(toolingProblem !== null)('takes the opt-in from a config file, naming it; refuses a config key it does not know', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'config-'));
    const config = join(dir, 'deploy-evidence.config.json');
    await writeFile(config, JSON.stringify({ checklist, appDir: app, evidenceDir: 'evidence', allowMutating: true }));
    const run = await runCli(['collect', '--config', config, '--env', 'staging', '--id', 'from-config', '--database-url', url]);
    // Already at head from the test before: the step runs and moves nothing.
    const { deployment, snapshots: checks } = await readDeployment(join(dir, 'evidence', 'from-config'));
    expect(deployment.mutatingSteps).toEqual({ allowed: true, by: expect.any(String), via: `allowMutating in ${config}` });
    expect(checks.get('upgrade')?.assertions.find((a) => a.type === 'migration-ran')).toMatchObject({ status: 'fail', actual: 'database: a1b2c3d4e5f6 → a1b2c3d4e5f6; log: no migration reported' });
    expect(run.exitCode).toBe(1);
    await writeFile(config, JSON.stringify({ checklist, allowMutation: true }));
    const bad = await runCli(['collect', '--config', config, '--env', 'staging', '--database-url', url]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/deploy-evidence\.config\.json is not a valid config file:\n {2}- .*Unrecognized key\(s\) in object: 'allowMutation'/);
  });
});
