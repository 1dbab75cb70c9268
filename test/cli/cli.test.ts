/** The CLI as a user runs it: exit codes, messages, and no password anywhere. */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery } from '../harness/seed-database.ts';
import { BIN, runCli } from '../harness/cli.ts';
import { cloneRealDatabase, realServer, serverUrl, stageForBuiltInChecklist, toolingProblem, type TestDatabase } from '../harness/databases.ts';
import { allText, readDeployment, tempEvidenceRoot } from '../harness/evidence.ts';

const fixtures = new URL('../fixtures/checklists/', import.meta.url).pathname;
const exampleApp = new URL('../../examples/seedtest-api/', import.meta.url).pathname;
const CANARY = 'Canary-Pw-7x9Q!';

describe('a reader that stops reading', () => {
  it('ends the CLI quietly (exit 0, no stack trace) when stdout is closed early, as `| head` does', async () => {
    // An output far larger than a pipe holds (64 KB): most of it is written after the reader left.
    const root = await tempEvidenceRoot();
    const file = join(root, 'many.json');
    const checks = Array.from({ length: 2_000 }, (_, i) => ({ id: `check-${i}`, kind: 'sql', section: '1', title: `Check number ${i}, with a title long enough to fill lines`, sql: `SELECT ${i} AS n`, assertions: [{ type: 'row-count', min: 1 }] }));
    await writeFile(file, JSON.stringify({ id: 'many', version: '1.0.0', title: 'Many checks', sections: [{ number: '1', title: 'All' }], checks }));
    const child = spawn(process.execPath, [BIN, 'checklist', 'show', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Read one chunk, then close the pipe: every later write meets EPIPE.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|at /);
    expect(code).toBe(0);
  });
});

describe('usage errors exit 2 with the reason', () => {
  it.each([
    [['collect', '--env', 'staging', '--database-url', 'postgres://u@127.0.0.1:1/db'], /--checklist is required: a built-in \(attempt-view-lock\) or your checklist file/],
    [['collect', '--env', 'staging', '--checklist', join(fixtures, 'lossless.json'), '--id', 'Bad_Id', '--database-url', 'postgres://u@127.0.0.1:1/db'], /invalid deployment id "Bad_Id"/],
    [['collect', '--env', 'staging', '--checklist', 'no-such-list', '--database-url', 'postgres://u@127.0.0.1:1/db'], /unknown checklist "no-such-list": not a built-in \(attempt-view-lock\) and no such file/],
    [['collect', '--env', 'staging', '--no-such-option'], /unknown option '--no-such-option'/],
    [['collect', '--database-url', 'postgres://u@127.0.0.1:1/db'], /required option '--env <environment>' not specified/],
    [['collect', '--env', 'staging', '--checklist', 'attempt-view-lock'], /no database given: pass --database-url, set DATABASE_URL or the PG\* variables/],
    [['collect', '--env', 'Staging!', '--checklist', join(fixtures, 'lossless.json'), '--database-url', 'postgres://u@127.0.0.1:1/db'], /invalid environment "Staging!"/],
    [['collect', '--env', 'staging', '--checklist', join(fixtures, 'lossless.json'), '--pr', 'abc', '--database-url', 'postgres://u@127.0.0.1:1/db'], /--pr takes a pull request number/],
    [['collect', '--env', 'staging', '--checklist', 'attempt-view-lock', '--database-url', 'mysql://u:pw@h/db'], /must start with postgres:\/\//],
    // libpq (alembic, psql, pytest) follows a dbname, hostaddr or service option; node-pg does not: the checks and the commands would reach different databases.
    [['collect', '--env', 'staging', '--checklist', 'attempt-view-lock', '--database-url', 'postgres://u:pw@127.0.0.1:1/staging?dbname=production'], /the database URL names two databases, staging in its path and production in its dbname option/],
    [['collect', '--env', 'staging', '--checklist', 'attempt-view-lock', '--database-url', 'postgres://u:pw@127.0.0.2:1/staging?hostaddr=127.0.0.1'], /the database URL has a hostaddr option, which libpq \(alembic, psql, pytest\) follows and the collector \(node-postgres\) ignores/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    // Commands are looked up in a table: a name every object has is still an unknown command.
    [['toString'], /unknown command 'toString'/],
    [['__proto__'], /unknown command '__proto__'/],
  ])('%j', async (args, message) => {
    const run = await runCli(args);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('prints help with exit 0', async () => {
    const run = await runCli(['collect', '--help']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/--database-url <url>/);
    expect(run.stdout).toMatch(/Examples:/);
  });
});

describe('an unreachable database exits 3 with one line naming host and database', () => {
  it('nothing listening', async () => {
    const root = await tempEvidenceRoot();
    const run = await runCli(['collect', '--env', 'staging', '--checklist', join(fixtures, 'lossless.json'), '--evidence-dir', root, '--database-url', `postgresql://app:${encodeURIComponent(CANARY)}@127.0.0.1:1/seedtest`]);
    expect(run.exitCode).toBe(3);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^deploy-evidence: cannot connect to 127\.0\.0\.1:1\/seedtest as app: .*ECONNREFUSED/);
    expect(run.stderr + run.stdout).not.toContain('Canary');
    expect(await readdir(root)).toEqual([]);
  });

  it.skipIf(realServer() === null)('wrong password (a canary), from DATABASE_URL', async () => {
    const run = await runCli(['collect', '--env', 'staging', '--checklist', join(fixtures, 'lossless.json'), '--evidence-dir', await tempEvidenceRoot()], { DATABASE_URL: serverUrl('postgres', 'postgres', CANARY) });
    expect(run.exitCode).toBe(3);
    const last = run.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(/^deploy-evidence: cannot connect to 127\.0\.0\.1:\d+\/postgres as postgres: password authentication failed for user "postgres"$/);
    expect(run.stderr + run.stdout).not.toContain(CANARY);
    expect(run.stderr + run.stdout).not.toContain(encodeURIComponent(CANARY));
  });
});

describe.skipIf(realServer() === null)('a collection with a password', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await cloneRealDatabase(stageForBuiltInChecklist);
    // Superuser on the throwaway server, so the real upgrade, smoke tests and rollback preview run
    // with the canary password in their DATABASE_URL.
    await adminQuery(serverUrl('postgres'), `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'canary') THEN CREATE ROLE canary LOGIN SUPERUSER PASSWORD '${CANARY}'; END IF; END $$`);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('writes evidence, a summary and progress that never contain the password', async () => {
    const root = await tempEvidenceRoot();
    const url = db.url.replace(/^postgresql:\/\/[^@]+@/, `postgresql://canary:${encodeURIComponent(CANARY)}@`);
    const run = await runCli(['collect', '--env', 'staging', '--checklist', 'attempt-view-lock', '--allow-mutating', '--pr', '73', '--evidence-dir', root, '--app-dir', exampleApp, '--database-url', url]);
    if (toolingProblem === null) {
      // The whole checklist ran, commands included; only the attestations are missing.
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.stdout).toMatch(/Decision: APPROVED WITH NOTES/);
    } else {
      // Without the Python tooling the command checks are skipped: incomplete, exit 1, evidence still written.
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(/Decision: INCOMPLETE/);
    }
    const written = await allText(root);
    expect(written).toContain('"user": "canary"');
    for (const text of [written, run.stdout, run.stderr]) {
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(encodeURIComponent(CANARY));
    }
  });

  it('redacts the password from a command that echoes its DATABASE_URL', async () => {
    const root = await tempEvidenceRoot();
    const url = db.url.replace(/^postgresql:\/\/[^@]+@/, `postgresql://canary:${encodeURIComponent(CANARY)}@`);
    const run = await runCli(['collect', '--env', 'staging', '--checklist', join(fixtures, 'echo-url.json'), '--evidence-dir', root, '--database-url', url, '--json']);
    expect(run.exitCode).toBe(0);
    const summary = JSON.parse(run.stdout) as { evidenceDir: string; decision: { status: string } };
    const { snapshots: checks } = await readDeployment(summary.evidenceDir);
    const echo = checks.get('echo-url')!;
    expect(echo.result?.kind === 'command' && echo.result.redactions).toBeGreaterThan(0);
    expect(echo.result?.kind === 'command' && echo.result.stdout).toMatch(/postgresql:\/\/canary:\*\*\*@127\.0\.0\.1/);
    expect(await allText(root)).not.toContain(CANARY);
  });
});

describe.skipIf(realServer() === null)('exit codes follow the decision', () => {
  it('1 when checks fail (evidence still written), 0 when all pass, with --json on stdout', async () => {
    const db = await cloneRealDatabase();
    try {
      const failing = await runCli(['collect', '--env', 'staging', '--checklist', join(fixtures, 'faults.json'), '--evidence-dir', await tempEvidenceRoot(), '--database-url', db.url, '--json']);
      expect(failing.exitCode).toBe(1);
      const parsed = JSON.parse(failing.stdout) as { decision: { status: string }; evidenceDir: string; manifestSha256: string; previousManifestSha256: string | null };
      expect(parsed.decision.status).toBe('BLOCKED');
      expect((await stat(join(parsed.evidenceDir, 'manifest.json'))).isFile()).toBe(true);
      // The deployment's digest: the sha256 of its manifest, the first of its environment here.
      expect(parsed.manifestSha256).toBe(createHash('sha256').update(await readFile(join(parsed.evidenceDir, 'manifest.json'))).digest('hex'));
      expect(parsed.previousManifestSha256).toBeNull();

      const root = await tempEvidenceRoot();
      const passing = await runCli(['collect', '--env', 'staging', '--checklist', join(fixtures, 'lossless.json'), '--evidence-dir', root, '--database-url', db.url]);
      expect(passing.exitCode).toBe(0);
      expect(passing.stdout).toMatch(/Decision: APPROVED/);
      expect(passing.stdout).toMatch(/^Digest: {3}sha256 [0-9a-f]{64} {2}\(manifest\.json; the first in staging\)$/m);
      const again = await runCli(['collect', '--env', 'staging', '--checklist', join(fixtures, 'lossless.json'), '--evidence-dir', root, '--database-url', db.url]);
      const first = /^Digest: {3}sha256 ([0-9a-f]{64})/m.exec(passing.stdout)![1]!;
      expect(again.stdout).toContain(`(manifest.json; follows ${first.slice(0, 12)}… in staging)`);
      expect(passing.stderr).toMatch(/\[1\/1\] PASS/);
    } finally {
      await db.drop();
    }
  });
});

describe.skipIf(realServer() === null)('connection settings from the libpq PG* variables', () => {
  it('connects with PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE, and records the target without the password', async () => {
    const pg = realServer()!;
    const db = await cloneRealDatabase();
    try {
      const database = new URL(db.url).pathname.slice(1);
      const run = await runCli(['collect', '--env', 'staging', '--checklist', join(fixtures, 'module-checklist.mjs'), '--evidence-dir', await tempEvidenceRoot(), '--json'], {
        PGHOST: pg.host,
        PGPORT: String(pg.port),
        PGUSER: 'postgres',
        PGPASSWORD: pg.password,
        PGDATABASE: database,
      });
      expect(run.exitCode, run.stderr).toBe(0);
      const { evidenceDir } = JSON.parse(run.stdout) as { evidenceDir: string };
      const { deployment, snapshots: checks } = await readDeployment(evidenceDir);
      expect(deployment.target).toMatchObject({ kind: 'postgresql', host: '127.0.0.1', port: pg.port, database, user: 'postgres' });
      expect(deployment.checklist.id).toBe('module-checklist');
      expect(checks.get('whoami')?.result?.kind === 'sql' && checks.get('whoami')?.result).toMatchObject({ rows: [[database, 'postgres']] });
      expect(await allText(evidenceDir)).not.toContain(pg.password);
    } finally {
      await db.drop();
    }
  });
});

describe.skipIf(realServer() === null)('killing the collector mid-run', () => {
  it.each(['SIGKILL', 'SIGTERM'] as const)('leaves no half-written file (%s)', async (signal) => {
    const db = await cloneRealDatabase();
    const root = await tempEvidenceRoot();
    try {
      const child = spawn(process.execPath, [BIN, 'collect', '--env', 'staging', '--id', 'killed', '--checklist', join(fixtures, 'slow.json'), '--evidence-dir', root, '--database-url', db.url], { stdio: 'ignore' });
      const first = join(root, 'killed', 'checks', 'first.json');
      for (let i = 0; i < 200 && !(await stat(first).catch(() => null)); i += 1) await new Promise((r) => setTimeout(r, 50));
      child.kill(signal);
      await new Promise((resolve) => child.once('exit', resolve));
      const read = await readDeployment(join(root, 'killed'));
      expect(read.snapshots.has('first')).toBe(true);
      expect(read.deployment.collection).toBe('in-progress');
      expect(read.deployment.decision.status).toBe('INCOMPLETE');
      expect(read.manifest).toBeNull();
      if (signal === 'SIGTERM') expect(read.files.filter((f) => f.includes('.tmp'))).toEqual([]);
      // readDeployment parsed every evidence file against its schema: nothing is half-written.
    } finally {
      await db.drop();
    }
  });
});
